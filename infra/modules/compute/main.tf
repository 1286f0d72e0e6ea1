# An instance group of one Prichal role (web behind the ALB, or worker = Celery + the periodic runner + the nightly
# backup), spread over the three zones, rolled one instance at a time (deploy/release.sh changes the template's
# `prichal-image` metadata), optionally scaled on CPU. Instances have no public address (egress through NAT).
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "role" {
  type = string
  validation {
    condition     = contains(["web", "worker"], var.role)
    error_message = "role is web or worker (deploy/entrypoint.sh)"
  }
}
variable "image" {
  type        = string
  description = "the first image; later releases change the metadata (deploy/release.sh) and Terraform ignores it"
}
variable "subnet_ids" { type = map(string) }
variable "security_group_id" { type = string }
variable "service_account_id" { type = string }
variable "manager_service_account_id" { type = string }
variable "cores" { type = number }
variable "memory_gb" { type = number }
variable "size" { type = number }
variable "autoscale_max" {
  type    = number
  default = 0
}
variable "cpu_target" {
  type    = number
  default = 60
}
variable "alb_target_group" {
  type    = bool
  default = false
}
variable "site_url" { type = string }
variable "db_host" { type = string }
variable "redis_host" { type = string }
variable "app_secret_id" { type = string }
variable "db_secret_id" { type = string }
variable "media_bucket" { type = string }
variable "backup_bucket" { type = string }

data "yandex_compute_image" "coi" {
  family = "container-optimized-image"
}

resource "yandex_compute_instance_group" "this" {
  name                = "prichal-${var.env}-${var.role}"
  folder_id           = var.folder_id
  service_account_id  = var.manager_service_account_id
  deletion_protection = false
  labels              = var.labels

  instance_template {
    platform_id        = "standard-v3"
    service_account_id = var.service_account_id
    labels             = var.labels
    resources {
      cores         = var.cores
      memory        = var.memory_gb
      core_fraction = 100
    }
    boot_disk {
      initialize_params {
        image_id = data.yandex_compute_image.coi.id
        type     = "network-ssd"
        size     = 30
      }
    }
    network_interface {
      subnet_ids         = values(var.subnet_ids)
      security_group_ids = [var.security_group_id]
      nat                = false
    }
    metadata = {
      prichal-image      = var.image
      serial-port-enable = "0"
      user-data = templatefile("${path.module}/cloud-init.yaml.tftpl", {
        roles         = var.role == "web" ? ["web"] : ["worker", "beat"], site_url = var.site_url, db_host = var.db_host, redis_host = var.redis_host,
        app_secret_id = var.app_secret_id, db_secret_id = var.db_secret_id, media_bucket = var.media_bucket,
        backup_bucket = var.backup_bucket
      })
    }
  }

  scale_policy {
    dynamic "fixed_scale" {
      for_each = var.autoscale_max > 0 ? [] : [1]
      content {
        size = var.size
      }
    }
    dynamic "auto_scale" {
      for_each = var.autoscale_max > 0 ? [1] : []
      content {
        initial_size           = var.size
        min_zone_size          = 1
        max_size               = var.autoscale_max
        measurement_duration   = 60
        warmup_duration        = 120
        stabilization_duration = 300
        cpu_utilization_target = var.cpu_target
      }
    }
  }

  allocation_policy {
    zones = keys(var.subnet_ids)
  }

  deploy_policy {
    max_unavailable  = 1
    max_expansion    = 1
    startup_duration = 60
  }

  dynamic "health_check" {
    for_each = var.role == "web" ? [1] : []
    content {
      interval            = 10
      timeout             = 5
      healthy_threshold   = 2
      unhealthy_threshold = 3
      http_options {
        port = 8000
        path = "/healthcheck/"
      }
    }
  }

  dynamic "application_load_balancer" {
    for_each = var.alb_target_group ? [1] : []
    content {
      target_group_name   = "prichal-${var.env}-web"
      target_group_labels = var.labels
    }
  }

  lifecycle {
    # releases roll the image through the metadata (deploy/release.sh), not through Terraform
    ignore_changes = [instance_template[0].metadata["prichal-image"]]
  }
}

output "target_group_id" {
  value = var.alb_target_group ? yandex_compute_instance_group.this.application_load_balancer[0].target_group_id : ""
}

# Managed Redis 7 with TLS (port 6380) and no public address: pretix's cache, sessions, Celery broker and results.
# The password is not Terraform's: the cluster is created with a throw-away value that Terraform then ignores, and
# infra/bootstrap.sh sets the real one (yc managed-redis cluster update --password) and stores it in Lockbox as
# PRETIX_REDIS_PASSWORD, so neither state
# nor plan ever holds it.
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
    random = { source = "hashicorp/random" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "network_id" { type = string }
variable "subnet_ids" { type = map(string) }
variable "security_group_id" { type = string }
variable "host_zones" { type = list(string) }
variable "resource_preset" { type = string }
variable "disk_size_gb" { type = number }
variable "deletion_protection" { type = bool }

resource "random_password" "bootstrap" {
  length  = 32
  special = false
}

resource "yandex_mdb_redis_cluster" "this" {
  name                = "prichal-${var.env}-redis"
  folder_id           = var.folder_id
  environment         = "PRODUCTION"
  network_id          = var.network_id
  security_group_ids  = [var.security_group_id]
  tls_enabled         = true
  deletion_protection = var.deletion_protection
  labels              = var.labels

  config {
    version          = "7.2"
    password         = random_password.bootstrap.result
    maxmemory_policy = "VOLATILE_LRU"
  }

  resources {
    resource_preset_id = var.resource_preset
    disk_type_id       = "network-ssd"
    disk_size          = var.disk_size_gb
  }

  dynamic "host" {
    for_each = var.host_zones
    content {
      zone             = host.value
      subnet_id        = var.subnet_ids[host.value]
      assign_public_ip = false
    }
  }

  lifecycle {
    ignore_changes = [config[0].password]
  }
}

output "host" { value = "c-${yandex_mdb_redis_cluster.this.id}.rw.mdb.yandexcloud.net" }
output "port" { value = 6380 }

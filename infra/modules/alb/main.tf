# Application Load Balancer in the three zones: HTTPS with a Certificate Manager certificate (Let's Encrypt, DNS
# challenge in the shop's zone), HTTP answered with a redirect to HTTPS, traffic to the web group on port 8000 with
# pretix's /healthcheck/.
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "network_id" { type = string }
variable "subnet_ids" { type = map(string) }
variable "security_group_id" { type = string }
variable "target_group_id" { type = string }
variable "domain" { type = string }

resource "yandex_vpc_address" "alb" {
  name      = "prichal-${var.env}-alb"
  folder_id = var.folder_id
  labels    = var.labels
  external_ipv4_address {
    zone_id = "ru-central1-a"
  }
}

resource "yandex_cm_certificate" "site" {
  name      = "prichal-${var.env}-site"
  folder_id = var.folder_id
  domains   = [var.domain]
  labels    = var.labels
  managed {
    challenge_type = "DNS_CNAME"
  }
}

resource "yandex_alb_backend_group" "web" {
  name      = "prichal-${var.env}-web"
  folder_id = var.folder_id
  labels    = var.labels
  http_backend {
    name             = "web"
    port             = 8000
    target_group_ids = [var.target_group_id]
    load_balancing_config {
      panic_threshold = 50
    }
    healthcheck {
      timeout             = "3s"
      interval            = "5s"
      healthy_threshold   = 2
      unhealthy_threshold = 3
      http_healthcheck {
        path = "/healthcheck/"
      }
    }
  }
}

resource "yandex_alb_http_router" "this" {
  name      = "prichal-${var.env}"
  folder_id = var.folder_id
  labels    = var.labels
}

resource "yandex_alb_virtual_host" "site" {
  name           = "site"
  http_router_id = yandex_alb_http_router.this.id
  authority      = [var.domain]
  route {
    name = "all"
    http_route {
      http_route_action {
        backend_group_id = yandex_alb_backend_group.web.id
        timeout          = "60s"
      }
    }
  }
}

resource "yandex_alb_load_balancer" "this" {
  name               = "prichal-${var.env}"
  folder_id          = var.folder_id
  network_id         = var.network_id
  security_group_ids = [var.security_group_id]
  labels             = var.labels

  allocation_policy {
    dynamic "location" {
      for_each = var.subnet_ids
      content {
        zone_id   = location.key
        subnet_id = location.value
      }
    }
  }

  listener {
    name = "http"
    endpoint {
      address {
        external_ipv4_address {
          address = yandex_vpc_address.alb.external_ipv4_address[0].address
        }
      }
      ports = [80]
    }
    http {
      redirects {
        http_to_https = true
      }
    }
  }

  listener {
    name = "https"
    endpoint {
      address {
        external_ipv4_address {
          address = yandex_vpc_address.alb.external_ipv4_address[0].address
        }
      }
      ports = [443]
    }
    tls {
      default_handler {
        certificate_ids = [yandex_cm_certificate.site.id]
        http_handler {
          http_router_id = yandex_alb_http_router.this.id
        }
      }
    }
  }
}

output "address" { value = yandex_vpc_address.alb.external_ipv4_address[0].address }
output "challenge_records" {
  value = [for c in yandex_cm_certificate.site.challenges : { name = c.dns_name, type = c.dns_type, data = [c.dns_value] }]
}

# The public zone of the shop and the A record of the load balancer; the certificate's DNS challenge lives here too.
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "zone" { type = string }
variable "site_name" { type = string }
variable "alb_address" { type = string }
variable "challenge_records" {
  type    = list(object({ name = string, type = string, data = list(string) }))
  default = []
}

resource "yandex_dns_zone" "this" {
  name      = "prichal-${var.env}"
  folder_id = var.folder_id
  zone      = var.zone
  public    = true
  labels    = var.labels
}

resource "yandex_dns_recordset" "site" {
  zone_id = yandex_dns_zone.this.id
  name    = var.site_name
  type    = "A"
  ttl     = 300
  data    = [var.alb_address]
}

resource "yandex_dns_recordset" "challenge" {
  count   = length(var.challenge_records)
  zone_id = yandex_dns_zone.this.id
  name    = var.challenge_records[count.index].name
  type    = var.challenge_records[count.index].type
  ttl     = 60
  data    = var.challenge_records[count.index].data
}

output "zone_id" { value = yandex_dns_zone.this.id }

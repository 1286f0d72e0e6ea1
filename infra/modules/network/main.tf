# VPC with one subnet per zone of ru-central1 and the security groups of every tier. Only the load balancer's
# group accepts traffic from the internet, and only on 80/443; everything else accepts its callers' groups only.
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "cidrs" {
  type = map(string)
  default = {
    "ru-central1-a" = "10.20.1.0/24"
    "ru-central1-b" = "10.20.2.0/24"
    "ru-central1-d" = "10.20.3.0/24"
  }
}

resource "yandex_vpc_network" "this" {
  name      = "prichal-${var.env}"
  folder_id = var.folder_id
  labels    = var.labels
}

resource "yandex_vpc_gateway" "nat" {
  name      = "prichal-${var.env}-nat"
  folder_id = var.folder_id
  labels    = var.labels
  shared_egress_gateway {}
}

resource "yandex_vpc_route_table" "egress" {
  name       = "prichal-${var.env}-egress"
  folder_id  = var.folder_id
  network_id = yandex_vpc_network.this.id
  labels     = var.labels
  static_route {
    destination_prefix = "0.0.0.0/0"
    gateway_id         = yandex_vpc_gateway.nat.id
  }
}

resource "yandex_vpc_subnet" "zone" {
  for_each       = var.cidrs
  name           = "prichal-${var.env}-${each.key}"
  folder_id      = var.folder_id
  zone           = each.key
  network_id     = yandex_vpc_network.this.id
  v4_cidr_blocks = [each.value]
  route_table_id = yandex_vpc_route_table.egress.id
  labels         = var.labels
}

# The load balancer: HTTP (redirected to HTTPS) and HTTPS from anywhere; the ALB's own health checks.
resource "yandex_vpc_security_group" "alb" {
  name       = "prichal-${var.env}-alb"
  folder_id  = var.folder_id
  network_id = yandex_vpc_network.this.id
  labels     = var.labels
  ingress {
    description    = "HTTP, redirected to HTTPS"
    protocol       = "TCP"
    port           = 80
    v4_cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description    = "HTTPS"
    protocol       = "TCP"
    port           = 443
    v4_cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description       = "ALB health checks"
    protocol          = "TCP"
    port              = 30080
    predefined_target = "loadbalancer_healthchecks"
  }
  egress {
    description    = "to the web instances"
    protocol       = "TCP"
    port           = 8000
    v4_cidr_blocks = values(var.cidrs)
  }
}

resource "yandex_vpc_security_group" "app" {
  name       = "prichal-${var.env}-app"
  folder_id  = var.folder_id
  network_id = yandex_vpc_network.this.id
  labels     = var.labels
  ingress {
    description       = "from the load balancer"
    protocol          = "TCP"
    port              = 8000
    security_group_id = yandex_vpc_security_group.alb.id
  }
  ingress {
    description       = "ALB health checks"
    protocol          = "TCP"
    port              = 8000
    predefined_target = "loadbalancer_healthchecks"
  }
  egress {
    description    = "registry, Lockbox, Object Storage, YooKassa, SMS, SMTP (through the NAT gateway)"
    protocol       = "TCP"
    from_port      = 0
    to_port        = 65535
    v4_cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "yandex_vpc_security_group" "data" {
  name       = "prichal-${var.env}-data"
  folder_id  = var.folder_id
  network_id = yandex_vpc_network.this.id
  labels     = var.labels
  ingress {
    description       = "PostgreSQL (Odyssey pooler) from the application"
    protocol          = "TCP"
    port              = 6432
    security_group_id = yandex_vpc_security_group.app.id
  }
  ingress {
    description       = "Redis over TLS from the application"
    protocol          = "TCP"
    port              = 6380
    security_group_id = yandex_vpc_security_group.app.id
  }
}

output "network_id" { value = yandex_vpc_network.this.id }
output "subnet_ids" { value = { for z, s in yandex_vpc_subnet.zone : z => s.id } }
output "zones" { value = keys(var.cidrs) }
output "alb_security_group_id" { value = yandex_vpc_security_group.alb.id }
output "app_security_group_id" { value = yandex_vpc_security_group.app.id }
output "data_security_group_id" { value = yandex_vpc_security_group.data.id }

# Container Registry for the Prichal image (deploy/Dockerfile), pushed by CI, pulled by the instances.
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "pull_service_account_ids" { type = list(string) }
variable "push_service_account_id" { type = string }

resource "yandex_container_registry" "this" {
  name      = "prichal-${var.env}"
  folder_id = var.folder_id
  labels    = var.labels
}

resource "yandex_container_registry_iam_binding" "pull" {
  registry_id = yandex_container_registry.this.id
  role        = "container-registry.images.puller"
  members     = [for id in var.pull_service_account_ids : "serviceAccount:${id}"]
}

resource "yandex_container_registry_iam_binding" "push" {
  registry_id = yandex_container_registry.this.id
  role        = "container-registry.images.pusher"
  members     = ["serviceAccount:${var.push_service_account_id}"]
}

output "registry_id" { value = yandex_container_registry.this.id }

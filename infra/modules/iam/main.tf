# One service account per component, each with only the roles it needs (least privilege), granted on the
# resources or, where Yandex has no resource-level binding, on the folder:
#   web     pulls the image, reads its Lockbox secrets, reads/writes the media bucket (GeeseFS), writes logs
#   worker  the same, plus uploads backups (deploy/backup.py runs on the worker group)
#   deployer the CI pipeline: pushes images and updates the instance groups (deploy/release.sh)
#   ig      the instance groups' own account: creates and deletes instances, attaches them to the ALB
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }

locals {
  accounts = {
    web      = "the web tier (gunicorn)"
    worker   = "Celery workers, the periodic runner and the backup job"
    deployer = "the CI/CD pipeline (deploy/release.sh)"
    ig       = "the instance groups' manager"
  }
}

resource "yandex_iam_service_account" "this" {
  for_each    = local.accounts
  name        = "prichal-${var.env}-${each.key}"
  folder_id   = var.folder_id
  description = each.value
  labels      = var.labels
}

# the instance group manager creates instances using the component accounts and registers them with the ALB
resource "yandex_resourcemanager_folder_iam_member" "ig_compute" {
  folder_id = var.folder_id
  role      = "compute.editor"
  member    = "serviceAccount:${yandex_iam_service_account.this["ig"].id}"
}

resource "yandex_resourcemanager_folder_iam_member" "ig_alb" {
  folder_id = var.folder_id
  role      = "alb.editor"
  member    = "serviceAccount:${yandex_iam_service_account.this["ig"].id}"
}

resource "yandex_resourcemanager_folder_iam_member" "ig_sa_user" {
  folder_id = var.folder_id
  role      = "iam.serviceAccounts.user"
  member    = "serviceAccount:${yandex_iam_service_account.this["ig"].id}"
}

# the pipeline updates instance groups (release.sh's add-metadata) and nothing else in compute
resource "yandex_resourcemanager_folder_iam_member" "deployer_ig" {
  folder_id = var.folder_id
  role      = "compute.editor"
  member    = "serviceAccount:${yandex_iam_service_account.this["deployer"].id}"
}

resource "yandex_resourcemanager_folder_iam_member" "app_logs" {
  for_each  = toset(["web", "worker"])
  folder_id = var.folder_id
  role      = "logging.writer"
  member    = "serviceAccount:${yandex_iam_service_account.this[each.key].id}"
}

resource "yandex_resourcemanager_folder_iam_member" "app_kms" {
  for_each  = toset(["web", "worker"])
  folder_id = var.folder_id
  role      = "kms.keys.encrypterDecrypter"
  member    = "serviceAccount:${yandex_iam_service_account.this[each.key].id}"
}

output "ids" { value = { for k, sa in yandex_iam_service_account.this : k => sa.id } }

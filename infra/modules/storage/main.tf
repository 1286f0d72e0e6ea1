# Object Storage: pretix's media (mounted by the instances with GeeseFS at /data/media and /data/ticketing_helpdesk,
# so every web instance serves the same files) and the backups (deploy/backup.py). Both versioned, private,
# encrypted with a KMS key, with lifecycle rules: old versions expire; backups expire after `backup_retain_days`.
terraform {
  required_providers {
    yandex = { source = "yandex-cloud/yandex" }
  }
}

variable "env" { type = string }
variable "folder_id" { type = string }
variable "labels" { type = map(string) }
variable "backup_retain_days" { type = number }
variable "media_writer_service_account_id" { type = string }
variable "backup_writer_service_account_id" { type = string }

resource "yandex_kms_symmetric_key" "storage" {
  name              = "prichal-${var.env}-storage"
  folder_id         = var.folder_id
  default_algorithm = "AES_256"
  rotation_period   = "8760h"
  labels            = var.labels
}

resource "yandex_storage_bucket" "media" {
  bucket    = "prichal-${var.env}-media"
  folder_id = var.folder_id
  tags      = var.labels
  versioning {
    enabled = true
  }
  anonymous_access_flags {
    read        = false
    list        = false
    config_read = false
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        kms_master_key_id = yandex_kms_symmetric_key.storage.id
        sse_algorithm     = "aws:kms"
      }
    }
  }
  lifecycle_rule {
    id      = "old-versions"
    enabled = true
    noncurrent_version_expiration {
      days = 30
    }
  }
}

resource "yandex_storage_bucket" "backups" {
  bucket    = "prichal-${var.env}-backups"
  folder_id = var.folder_id
  tags      = var.labels
  versioning {
    enabled = true
  }
  anonymous_access_flags {
    read        = false
    list        = false
    config_read = false
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        kms_master_key_id = yandex_kms_symmetric_key.storage.id
        sse_algorithm     = "aws:kms"
      }
    }
  }
  lifecycle_rule {
    id      = "retention"
    enabled = true
    expiration {
      days = var.backup_retain_days
    }
    noncurrent_version_expiration {
      days = 7
    }
  }
}

resource "yandex_storage_bucket_iam_binding" "media_rw" {
  bucket  = yandex_storage_bucket.media.bucket
  role    = "storage.editor"
  members = ["serviceAccount:${var.media_writer_service_account_id}"]
}

resource "yandex_storage_bucket_iam_binding" "backups_upload" {
  bucket  = yandex_storage_bucket.backups.bucket
  role    = "storage.uploader"
  members = ["serviceAccount:${var.backup_writer_service_account_id}"]
}

output "media_bucket" { value = yandex_storage_bucket.media.bucket }
output "backup_bucket" { value = yandex_storage_bucket.backups.bucket }
output "kms_key_id" { value = yandex_kms_symmetric_key.storage.id }

# State in Object Storage (the bucket made by infra/bootstrap.sh), one key per environment; locking in YDB.
terraform {
  backend "s3" {
    endpoints = {
      s3       = "https://storage.yandexcloud.net"
      dynamodb = "https://docapi.serverless.yandexcloud.net/ru-central1/<ydb-database-id>"
    }
    bucket                      = "prichal-terraform-state"
    key                         = "prod/terraform.tfstate"
    region                      = "ru-central1"
    dynamodb_table              = "prichal-terraform-locks"
    skip_region_validation      = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_s3_checksum            = true
  }
}

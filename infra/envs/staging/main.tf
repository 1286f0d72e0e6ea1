# One environment of Prichal in Yandex Cloud (ru-central1). The three roots (dev, staging, prod) are identical
# but for backend.tf and terraform.tfvars: sizes, counts and protections differ, the modules do not
# (tools/test_infra.py checks that).
locals {
  labels = { env = var.env, project = "prichal", managed-by = "terraform" }
}

module "iam" {
  source    = "../../modules/iam"
  env       = var.env
  folder_id = var.folder_id
  labels    = local.labels
}

module "network" {
  source    = "../../modules/network"
  env       = var.env
  folder_id = var.folder_id
  labels    = local.labels
}

module "lockbox" {
  source                     = "../../modules/lockbox"
  env                        = var.env
  folder_id                  = var.folder_id
  labels                     = local.labels
  reader_service_account_ids = [module.iam.ids["web"], module.iam.ids["worker"]]
  deletion_protection        = var.deletion_protection
}

module "postgres" {
  source              = "../../modules/postgres"
  env                 = var.env
  folder_id           = var.folder_id
  labels              = local.labels
  network_id          = module.network.network_id
  subnet_ids          = module.network.subnet_ids
  security_group_id   = module.network.data_security_group_id
  host_zones          = var.db_host_zones
  resource_preset     = var.db_resource_preset
  disk_size_gb        = var.db_disk_size_gb
  backup_retain_days  = var.backup_retain_days
  deletion_protection = var.deletion_protection
}

module "redis" {
  source              = "../../modules/redis"
  env                 = var.env
  folder_id           = var.folder_id
  labels              = local.labels
  network_id          = module.network.network_id
  subnet_ids          = module.network.subnet_ids
  security_group_id   = module.network.data_security_group_id
  host_zones          = var.redis_host_zones
  resource_preset     = var.redis_resource_preset
  disk_size_gb        = 16
  deletion_protection = var.deletion_protection
}

module "registry" {
  source                   = "../../modules/registry"
  env                      = var.env
  folder_id                = var.folder_id
  labels                   = local.labels
  pull_service_account_ids = [module.iam.ids["web"], module.iam.ids["worker"]]
  push_service_account_id  = module.iam.ids["deployer"]
}

module "storage" {
  source                           = "../../modules/storage"
  env                              = var.env
  folder_id                        = var.folder_id
  labels                           = local.labels
  backup_retain_days               = var.backup_retain_days
  media_writer_service_account_id  = module.iam.ids["web"]
  backup_writer_service_account_id = module.iam.ids["worker"]
}

module "web" {
  source                     = "../../modules/compute"
  env                        = var.env
  folder_id                  = var.folder_id
  labels                     = local.labels
  role                       = "web"
  image                      = var.image
  subnet_ids                 = module.network.subnet_ids
  security_group_id          = module.network.app_security_group_id
  service_account_id         = module.iam.ids["web"]
  manager_service_account_id = module.iam.ids["ig"]
  cores                      = var.web_cores
  memory_gb                  = var.web_memory_gb
  size                       = var.web_min_size
  autoscale_max              = var.web_max_size
  alb_target_group           = true
  site_url                   = "https://${var.domain}"
  db_host                    = module.postgres.host
  redis_host                 = module.redis.host
  app_secret_id              = module.lockbox.app_secret_id
  db_secret_id               = module.postgres.password_lockbox_secret_id
  media_bucket               = module.storage.media_bucket
  backup_bucket              = module.storage.backup_bucket
}

module "worker" {
  source                     = "../../modules/compute"
  env                        = var.env
  folder_id                  = var.folder_id
  labels                     = local.labels
  role                       = "worker"
  image                      = var.image
  subnet_ids                 = module.network.subnet_ids
  security_group_id          = module.network.app_security_group_id
  service_account_id         = module.iam.ids["worker"]
  manager_service_account_id = module.iam.ids["ig"]
  cores                      = var.worker_cores
  memory_gb                  = var.worker_memory_gb
  size                       = var.worker_size
  site_url                   = "https://${var.domain}"
  db_host                    = module.postgres.host
  redis_host                 = module.redis.host
  app_secret_id              = module.lockbox.app_secret_id
  db_secret_id               = module.postgres.password_lockbox_secret_id
  media_bucket               = module.storage.media_bucket
  backup_bucket              = module.storage.backup_bucket
}

module "alb" {
  source            = "../../modules/alb"
  env               = var.env
  folder_id         = var.folder_id
  labels            = local.labels
  network_id        = module.network.network_id
  subnet_ids        = module.network.subnet_ids
  security_group_id = module.network.alb_security_group_id
  target_group_id   = module.web.target_group_id
  domain            = var.domain
}

module "dns" {
  source            = "../../modules/dns"
  env               = var.env
  folder_id         = var.folder_id
  labels            = local.labels
  zone              = var.dns_zone
  site_name         = "${var.domain}."
  alb_address       = module.alb.address
  challenge_records = module.alb.challenge_records
}

output "site" { value = "https://${var.domain}" }
output "registry_id" { value = module.registry.registry_id }
output "backup_bucket" { value = module.storage.backup_bucket }

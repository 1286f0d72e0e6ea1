variable "env" { type = string }
variable "cloud_id" { type = string }
variable "folder_id" { type = string }
variable "domain" { type = string }
variable "dns_zone" { type = string }
variable "image" {
  type        = string
  description = "the first image (cr.yandex/<registry>/prichal:<tag>); releases roll it with deploy/release.sh"
}
variable "deletion_protection" { type = bool }
variable "backup_retain_days" { type = number }
variable "db_host_zones" { type = list(string) }
variable "db_resource_preset" { type = string }
variable "db_disk_size_gb" { type = number }
variable "redis_host_zones" { type = list(string) }
variable "redis_resource_preset" { type = string }
variable "web_cores" { type = number }
variable "web_memory_gb" { type = number }
variable "web_min_size" { type = number }
variable "web_max_size" {
  type        = number
  description = "0: a fixed group of web_min_size; above 0: scaled on CPU between the two"
}
variable "worker_cores" { type = number }
variable "worker_memory_gb" { type = number }
variable "worker_size" { type = number }

# Inputs of terraform-aws-modules/s3-bucket/aws that the model accepts and ignores: they
# configure lifecycle, replication, CORS, inventory, analytics, metrics and directory buckets,
# none of which changes an s3lint finding.  They are declared so that an argument the module does not have
# at all can be told apart and reported.

variable "region" { default = null }
variable "bucket_namespace" { default = null }
variable "expected_bucket_owner" { default = null }
variable "acceleration_status" { default = null }
variable "request_payer" { default = null }
variable "cors_rule" { default = [] }
variable "lifecycle_rule" { default = [] }
variable "transition_default_minimum_object_size" { default = null }
variable "replication_configuration" { default = {} }
variable "intelligent_tiering" { default = {} }
variable "object_lock_configuration" { default = {} }
variable "metric_configuration" { default = [] }
variable "inventory_configuration" { default = {} }
variable "analytics_configuration" { default = {} }
variable "access_log_delivery_policy_source_organizations" { default = [] }
variable "lb_log_delivery_policy_source_organizations" { default = [] }
variable "skip_destroy_public_access_block" { default = true }
variable "data_redundancy" { default = null }
variable "type" { default = "Directory" }
variable "availability_zone_id" { default = null }
variable "location_type" { default = null }
variable "create_metadata_configuration" { default = false }
variable "metadata_inventory_table_configuration_state" { default = null }
variable "metadata_encryption_configuration" { default = null }
variable "metadata_journal_table_record_expiration_days" { default = null }
variable "metadata_journal_table_record_expiration" { default = null }

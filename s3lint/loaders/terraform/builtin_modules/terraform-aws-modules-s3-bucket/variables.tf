# The inputs of terraform-aws-modules/s3-bucket/aws that the model uses, with the defaults
# of the newest release.  Releases before 3.9.0 had other defaults for Block Public Access
# and Object Ownership; s3lint substitutes them when the module call pins such a version
# (see LEGACY_DEFAULTS in s3lint/loaders/terraform/builtin_modules/__init__.py).
#
# Inputs the model accepts but does not use are declared in inputs_not_modeled.tf.

# -- what is created ------------------------------------------------------------------------

variable "create_bucket" {
  type    = bool
  default = true
}

variable "putin_khuylo" {
  type    = bool
  default = true
}

variable "is_directory_bucket" {
  type    = bool
  default = false
}

# -- the bucket -----------------------------------------------------------------------------

variable "bucket" {
  type    = string
  default = null
}

variable "bucket_prefix" {
  type    = string
  default = null
}

variable "force_destroy" {
  type    = bool
  default = false
}

variable "object_lock_enabled" {
  type    = bool
  default = false
}

variable "tags" {
  type    = map(string)
  default = {}
}

# -- ACL and ownership ----------------------------------------------------------------------

variable "acl" {
  type    = string
  default = null
}

variable "grant" {
  type    = any
  default = []
}

variable "owner" {
  type    = map(string)
  default = {}
}

variable "control_object_ownership" {
  type    = bool
  default = false
}

variable "object_ownership" {
  type    = string
  default = "BucketOwnerEnforced"
}

# -- Block Public Access --------------------------------------------------------------------

variable "attach_public_policy" {
  type    = bool
  default = true
}

variable "block_public_acls" {
  type    = bool
  default = true
}

variable "block_public_policy" {
  type    = bool
  default = true
}

variable "ignore_public_acls" {
  type    = bool
  default = true
}

variable "restrict_public_buckets" {
  type    = bool
  default = true
}

# -- the bucket policy ----------------------------------------------------------------------

variable "attach_policy" {
  type    = bool
  default = false
}

variable "policy" {
  type    = string
  default = null
}

variable "attach_deny_insecure_transport_policy" {
  type    = bool
  default = false
}

variable "attach_require_latest_tls_policy" {
  type    = bool
  default = false
}

variable "attach_access_log_delivery_policy" {
  type    = bool
  default = false
}

variable "access_log_delivery_policy_source_buckets" {
  type    = list(string)
  default = []
}

variable "access_log_delivery_policy_source_accounts" {
  type    = list(string)
  default = []
}

variable "attach_elb_log_delivery_policy" {
  type    = bool
  default = false
}

variable "attach_lb_log_delivery_policy" {
  type    = bool
  default = false
}

variable "attach_cloudtrail_log_delivery_policy" {
  type    = bool
  default = false
}

variable "attach_deny_unencrypted_object_uploads" {
  type    = bool
  default = false
}

variable "attach_deny_ssec_encrypted_object_uploads" {
  type    = bool
  default = false
}

variable "attach_deny_incorrect_encryption_headers" {
  type    = bool
  default = false
}

variable "attach_deny_incorrect_kms_key_sse" {
  type    = bool
  default = false
}

variable "attach_waf_log_delivery_policy" {
  type    = bool
  default = false
}

variable "attach_inventory_destination_policy" {
  type    = bool
  default = false
}

variable "inventory_self_source_destination" {
  type    = bool
  default = false
}

variable "inventory_source_bucket_arn" {
  type    = string
  default = null
}

variable "inventory_source_account_id" {
  type    = string
  default = null
}

variable "attach_analytics_destination_policy" {
  type    = bool
  default = false
}

variable "analytics_self_source_destination" {
  type    = bool
  default = false
}

variable "analytics_source_bucket_arn" {
  type    = string
  default = null
}

variable "analytics_source_account_id" {
  type    = string
  default = null
}

variable "allowed_kms_key_arn" {
  type    = string
  default = null
}

# -- other settings s3lint checks -----------------------------------------------------------

variable "versioning" {
  type    = map(string)
  default = {}
}

variable "logging" {
  type    = any
  default = {}
}

variable "server_side_encryption_configuration" {
  type    = any
  default = {}
}

variable "website" {
  type    = any
  default = {}
}

# s3lint's built-in model of the registry module terraform-aws-modules/s3-bucket/aws.
#
# s3lint evaluates this file in place of the real module when a configuration calls the
# module and `terraform init` has not installed it.  It is a small rewrite, not a copy: it
# takes the module's inputs (variables.tf) and creates the S3 resources that s3lint's rules
# look at, the way the module creates them from those inputs.  Lifecycle, replication, CORS,
# inventory and analytics configurations, metrics and directory buckets are left out: they
# change no finding.
#
# s3lint places this code at the module call (see placement.py): a setting is reported at the
# argument it comes from, and everything else at the first line of the `module` block.
#
# Positions are found by which `var.*` an expression reads first (through locals).  Keep
# that in mind when editing: the variable that decides a setting should come first.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_canonical_user_id" "this" {}

locals {
  create = var.create_bucket && var.putin_khuylo && !var.is_directory_bucket

  # `grant` may arrive as JSON text (Terragrunt passes `any` inputs that way).
  grants     = try(jsondecode(var.grant), var.grant)
  create_acl = (var.acl != null && var.acl != "null") || length(local.grants) > 0

  # versioning = { enabled = <bool> } or { status = <bool> | "Enabled" | "Suspended" }; a map
  # with neither key (only mfa_delete, say) turns versioning on.
  versioning_flag   = try(tobool(var.versioning["enabled"]), tobool(var.versioning["status"]), null)
  versioning_status = local.versioning_flag != null ? (local.versioning_flag ? "Enabled" : "Suspended") : try(title(lower(var.versioning["status"])), "Enabled")
  mfa_delete        = try(tobool(var.versioning["mfa_delete"]) ? "Enabled" : "Disabled", title(lower(var.versioning["mfa_delete"])), null)

  # The one bucket policy is assembled from the statements of every attach_* input that is on.
  attach_policy = (
    var.attach_policy ||
    var.attach_deny_insecure_transport_policy ||
    var.attach_require_latest_tls_policy ||
    var.attach_access_log_delivery_policy ||
    var.attach_elb_log_delivery_policy ||
    var.attach_lb_log_delivery_policy ||
    var.attach_cloudtrail_log_delivery_policy ||
    var.attach_deny_unencrypted_object_uploads ||
    var.attach_deny_ssec_encrypted_object_uploads ||
    var.attach_deny_incorrect_encryption_headers ||
    var.attach_deny_incorrect_kms_key_sse ||
    var.attach_waf_log_delivery_policy ||
    var.attach_inventory_destination_policy ||
    var.attach_analytics_destination_policy
  )

  # Since 5.8 a policy may write the bucket and the account as placeholders.
  policy_with_placeholders = try(data.aws_iam_policy_document.combined[0].json, "")
  policy = replace(replace(replace(local.policy_with_placeholders,
    "_S3_BUCKET_ID_", aws_s3_bucket.this[0].id),
    "_S3_BUCKET_ARN_", aws_s3_bucket.this[0].arn),
  "_AWS_ACCOUNT_ID_", data.aws_caller_identity.current.account_id)

  encryption_rules = try(flatten([var.server_side_encryption_configuration["rule"]]), [])
}

resource "aws_s3_bucket" "this" {
  count = local.create ? 1 : 0

  bucket              = var.bucket
  bucket_prefix       = var.bucket_prefix
  force_destroy       = var.force_destroy
  object_lock_enabled = var.object_lock_enabled
  tags                = var.tags
}

resource "aws_s3_bucket_acl" "this" {
  count = local.create && local.create_acl ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  acl    = var.acl == "null" ? null : var.acl

  dynamic "access_control_policy" {
    for_each = length(local.grants) > 0 ? [true] : []

    content {
      dynamic "grant" {
        for_each = local.grants

        content {
          permission = grant.value.permission

          grantee {
            type          = grant.value.type
            id            = try(grant.value.id, null)
            uri           = try(grant.value.uri, null)
            email_address = try(grant.value.email, null)
          }
        }
      }

      owner {
        id           = try(var.owner["id"], data.aws_canonical_user_id.this.id)
        display_name = try(var.owner["display_name"], null)
      }
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = local.create && var.control_object_ownership ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = var.object_ownership
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = local.create && var.attach_public_policy ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = var.block_public_acls
  block_public_policy     = var.block_public_policy
  ignore_public_acls      = var.ignore_public_acls
  restrict_public_buckets = var.restrict_public_buckets
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create && length(keys(var.versioning)) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  mfa    = try(var.versioning["mfa"], null)

  versioning_configuration {
    status     = local.versioning_status
    mfa_delete = local.mfa_delete
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = local.create && length(keys(var.logging)) > 0 ? 1 : 0

  bucket        = aws_s3_bucket.this[0].id
  target_bucket = var.logging["target_bucket"]
  target_prefix = try(var.logging["target_prefix"], null)
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create && length(keys(var.server_side_encryption_configuration)) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  dynamic "rule" {
    for_each = local.encryption_rules

    content {
      bucket_key_enabled = try(rule.value.bucket_key_enabled, null)

      dynamic "apply_server_side_encryption_by_default" {
        for_each = try([rule.value.apply_server_side_encryption_by_default], [])

        content {
          sse_algorithm     = apply_server_side_encryption_by_default.value.sse_algorithm
          kms_master_key_id = try(apply_server_side_encryption_by_default.value.kms_master_key_id, null)
        }
      }
    }
  }
}

resource "aws_s3_bucket_website_configuration" "this" {
  count = local.create && length(keys(var.website)) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
}

# -- the bucket policy ----------------------------------------------------------------------

resource "aws_s3_bucket_policy" "this" {
  count = local.create && local.attach_policy ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = local.policy
}

data "aws_iam_policy_document" "combined" {
  count = local.create && local.attach_policy ? 1 : 0

  # `policy` counts only with attach_policy = true: on its own it is ignored.
  source_policy_documents = compact([
    var.attach_elb_log_delivery_policy ? data.aws_iam_policy_document.elb_log_delivery[0].json : "",
    var.attach_lb_log_delivery_policy ? data.aws_iam_policy_document.lb_log_delivery[0].json : "",
    var.attach_access_log_delivery_policy ? data.aws_iam_policy_document.access_log_delivery[0].json : "",
    var.attach_cloudtrail_log_delivery_policy ? data.aws_iam_policy_document.cloudtrail_log_delivery[0].json : "",
    var.attach_require_latest_tls_policy ? data.aws_iam_policy_document.require_latest_tls[0].json : "",
    var.attach_deny_insecure_transport_policy ? data.aws_iam_policy_document.deny_insecure_transport[0].json : "",
    var.attach_deny_unencrypted_object_uploads ? data.aws_iam_policy_document.deny_unencrypted_object_uploads[0].json : "",
    var.attach_deny_ssec_encrypted_object_uploads ? data.aws_iam_policy_document.deny_ssec_encrypted_object_uploads[0].json : "",
    var.attach_deny_incorrect_kms_key_sse ? data.aws_iam_policy_document.deny_incorrect_kms_key_sse[0].json : "",
    var.attach_deny_incorrect_encryption_headers ? data.aws_iam_policy_document.deny_incorrect_encryption_headers[0].json : "",
    var.attach_inventory_destination_policy || var.attach_analytics_destination_policy ? data.aws_iam_policy_document.inventory_and_analytics_destination[0].json : "",
    var.attach_policy ? var.policy : "",
    var.attach_waf_log_delivery_policy ? data.aws_iam_policy_document.waf_log_delivery[0].json : "",
  ])
}

data "aws_iam_policy_document" "deny_insecure_transport" {
  count = local.create && var.attach_deny_insecure_transport_policy ? 1 : 0

  statement {
    sid       = "denyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "require_latest_tls" {
  count = local.create && var.attach_require_latest_tls_policy ? 1 : 0

  statement {
    sid       = "denyOutdatedTLS"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

# Server access logs written into this bucket by the S3 logging service.
data "aws_iam_policy_document" "access_log_delivery" {
  count = local.create && var.attach_access_log_delivery_policy ? 1 : 0

  statement {
    sid       = "AWSAccessLogDeliveryWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    dynamic "condition" {
      for_each = length(var.access_log_delivery_policy_source_buckets) > 0 ? [true] : []

      content {
        test     = "ForAnyValue:ArnLike"
        variable = "aws:SourceArn"
        values   = var.access_log_delivery_policy_source_buckets
      }
    }

    dynamic "condition" {
      for_each = length(var.access_log_delivery_policy_source_accounts) > 0 ? [true] : []

      content {
        test     = "ForAnyValue:StringEquals"
        variable = "aws:SourceAccount"
        values   = var.access_log_delivery_policy_source_accounts
      }
    }
  }

  statement {
    sid       = "AWSAccessLogDeliveryAclCheck"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.this[0].arn]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
  }
}

# Classic load balancer logs.  The module also grants the ELB account of the provider's
# region; s3lint does not know the region, and that grant goes to one AWS-owned account, so
# only the service statement is modelled.
data "aws_iam_policy_document" "elb_log_delivery" {
  count = local.create && var.attach_elb_log_delivery_policy ? 1 : 0

  statement {
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }
}

# Application and network load balancer logs.
data "aws_iam_policy_document" "lb_log_delivery" {
  count = local.create && var.attach_lb_log_delivery_policy ? 1 : 0

  statement {
    sid       = "AlbNlbLogDeliveryWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }

  statement {
    sid       = "AlbNlbLogDeliveryAclCheck"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = [aws_s3_bucket.this[0].arn]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "cloudtrail_log_delivery" {
  count = local.create && var.attach_cloudtrail_log_delivery_policy ? 1 : 0

  statement {
    sid       = "AWSCloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.this[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "AWSCloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/AWSLogs/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}

# WAF web ACL logs, written by the log delivery service on behalf of this account.
data "aws_iam_policy_document" "waf_log_delivery" {
  count = local.create && var.attach_waf_log_delivery_policy ? 1 : 0

  statement {
    sid       = "WafLogDeliveryWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:*:${data.aws_caller_identity.current.account_id}:*"]
    }
  }

  statement {
    sid       = "WafLogDeliveryAclCheck"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.this[0].arn]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:*:${data.aws_caller_identity.current.account_id}:*"]
    }
  }
}

# Inventory and analytics reports that S3 writes into this bucket from the source buckets.
data "aws_iam_policy_document" "inventory_and_analytics_destination" {
  count = local.create && (var.attach_inventory_destination_policy || var.attach_analytics_destination_policy) ? 1 : 0

  statement {
    sid       = "destinationInventoryAndAnalyticsPolicy"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values = compact(distinct([
        var.inventory_self_source_destination ? aws_s3_bucket.this[0].arn : var.inventory_source_bucket_arn,
        var.analytics_self_source_destination ? aws_s3_bucket.this[0].arn : var.analytics_source_bucket_arn,
      ]))
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values = compact(distinct([
        var.inventory_self_source_destination ? data.aws_caller_identity.current.account_id : var.inventory_source_account_id,
        var.analytics_self_source_destination ? data.aws_caller_identity.current.account_id : var.analytics_source_account_id,
      ]))
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}

# -- denials about how objects are encrypted -------------------------------------------------

data "aws_iam_policy_document" "deny_unencrypted_object_uploads" {
  count = local.create && var.attach_deny_unencrypted_object_uploads ? 1 : 0

  statement {
    sid       = "denyUnencryptedObjectUploads"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = [true]
    }
  }
}

data "aws_iam_policy_document" "deny_ssec_encrypted_object_uploads" {
  count = local.create && var.attach_deny_ssec_encrypted_object_uploads ? 1 : 0

  statement {
    sid       = "denySSECEncryptedObjectUploads"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-customer-algorithm"
      values   = [false]
    }
  }
}

data "aws_iam_policy_document" "deny_incorrect_encryption_headers" {
  count = local.create && var.attach_deny_incorrect_encryption_headers ? 1 : 0

  statement {
    sid       = "denyIncorrectEncryptionHeaders"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    # The header must name the bucket's default algorithm: aws:kms when that is KMS, else AES256.
    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = [try(local.encryption_rules[0].apply_server_side_encryption_by_default.sse_algorithm, null) == "aws:kms" ? "aws:kms" : "AES256"]
    }
  }
}

data "aws_iam_policy_document" "deny_incorrect_kms_key_sse" {
  count = local.create && var.attach_deny_incorrect_kms_key_sse ? 1 : 0

  statement {
    sid       = "denyIncorrectKmsKeySse"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [var.allowed_kms_key_arn]
    }
  }
}

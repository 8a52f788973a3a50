"""What a reference to a resource's attribute evaluates to without applying.

An argument written in the configuration is its evaluated value.  A few attributes the
provider computes are known in a useful way: a bucket's `id`/`bucket` are its identity (its
name, or a symbol standing for the name chosen at apply), `arn` is built from it, and the
caller's account id is `symbol("AWS::AccountId")`.  Everything else is unknown, with a token
naming it, so that it still compares equal to itself.
"""

from __future__ import annotations

from typing import Any

from s3lint.loaders.terraform.evaluate import TfUnknown
from s3lint.symbols import OUR_ACCOUNT, PARTITION, symbol

S3_ARN_PREFIX = "arn:aws:s3:::"


def bucket_identity(instance: Any) -> str:
    """The bucket's name if the configuration fixes it, else a symbol unique to the instance."""
    cached = instance._values.get("__identity__")
    if cached is not None:
        return cached
    value = instance.argument("bucket")
    if isinstance(value, str) and str(value):
        identity = str(value)
    elif isinstance(value, TfUnknown) and value.token and not value.alternatives:
        identity = symbol(value.token)
    else:
        identity = symbol(f"{instance.token}.id")  # bucket_prefix, or no name: chosen at apply
    instance._values["__identity__"] = identity
    return identity


def resource_attribute(instance: Any, name: str) -> Any:
    kind = instance.kind
    if instance.mode == "data":
        value = _data_attribute(instance, kind, name)
        if value is not _NOT_SPECIAL:
            return value
    else:
        value = _managed_attribute(instance, kind, name)
        if value is not _NOT_SPECIAL:
            return value
    if name in instance.block.body.attributes:
        return instance.argument(name)
    return TfUnknown(f"{instance.address}.{name} is known only after apply", token=f"{instance.token}.{name}")


_NOT_SPECIAL = object()


def _managed_attribute(instance: Any, kind: str, name: str) -> Any:
    if kind == "aws_s3_bucket":
        identity = bucket_identity(instance)
        if name in ("id", "bucket"):
            return identity  # plain: located where the reference is written, not at the bucket
        if name == "arn":
            return S3_ARN_PREFIX + identity
        if name == "bucket_domain_name":
            return identity + ".s3.amazonaws.com"
        return _NOT_SPECIAL
    if kind.startswith("aws_s3_bucket_") and name in ("id", "bucket"):
        return instance.argument("bucket")
    return _NOT_SPECIAL


def _data_attribute(instance: Any, kind: str, name: str) -> Any:
    if kind == "aws_iam_policy_document" and name in ("json", "minified_json"):
        from s3lint.loaders.terraform.policy_document import document_json

        return document_json(instance)
    if kind == "aws_caller_identity" and name in ("account_id", "id"):
        return symbol(OUR_ACCOUNT)
    if kind == "aws_partition":
        if name in ("partition", "id"):
            return symbol(PARTITION)
        if name == "dns_suffix":
            return "amazonaws.com"
    if kind == "aws_s3_bucket":
        bucket = instance.argument("bucket")
        if name in ("id", "bucket"):
            return bucket
        if name == "arn" and isinstance(bucket, str):
            return S3_ARN_PREFIX + bucket
    return _NOT_SPECIAL

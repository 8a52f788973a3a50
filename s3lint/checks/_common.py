"""Small helpers shared by the bucket-configuration checks."""

from __future__ import annotations

from typing import Iterator

from s3lint.caches import bucket_cache
from s3lint.model import Bucket, ScanModel, Value
from s3lint.symbols import render


def declared_buckets(model: ScanModel) -> Iterator[Bucket]:
    """Buckets defined in the scan; a bucket known only from a policy has no settings to judge."""
    return (bucket for bucket in model.buckets if bucket.declared)


def describe(bucket: Bucket) -> str:
    """How a message names a bucket: its address, and its name when that says more."""
    name = bucket.name.value  # (an unknown name is no string)
    if isinstance(name, str) and name:
        return _describe_named(bucket.address, name)
    return f"bucket '{bucket.address}'"


@bucket_cache(1 << 14)
def _describe_named(address: str, name: str) -> str:
    # every rule's findings name their buckets: decide each (address, name) pair once
    if render(name) != address and "\ue000" not in name:
        return f"bucket '{address}' ({name})"
    return f"bucket '{address}'"


def shown(value: Value) -> str:
    return render(value.value)


def shown_choices(value: Value) -> str:
    """An unknown value with alternatives, for a message: `'AES256' or not set`."""
    alternatives = getattr(value.value, "alternatives", ()) or (value.value,)
    return " or ".join("not set" if alt is None else repr(render(alt)) for alt in alternatives)


LOG_DELIVERY_GROUP = "http://acs.amazonaws.com/groups/s3/LogDelivery"
LOGGING_SERVICE = "logging.s3.amazonaws.com"


def log_target_identities(model: ScanModel) -> set[str]:
    targets: set[str] = set()
    for bucket in model.buckets:
        logging = bucket.logging
        if logging is not None and logging.target_bucket.known and isinstance(logging.target_bucket.value, str):
            if logging.target_bucket.value != bucket.identity:
                targets.add(logging.target_bucket.value)
    return targets


def receives_logs(bucket: Bucket, targets: set[str]) -> bool:
    if bucket.identity in targets:
        return True
    if bucket.acl is not None and bucket.acl.known and bucket.acl.value == "log-delivery-write":
        return True
    if any(g.grantee == LOG_DELIVERY_GROUP for g in bucket.grants):
        return True
    for policy in bucket.policies:
        for statement in policy.statements:
            if statement.effect.value != "Allow" or not statement.principals:
                continue
            if any(p.kind == "Service" and p.value == LOGGING_SERVICE for p in statement.principals):
                return True
    return False

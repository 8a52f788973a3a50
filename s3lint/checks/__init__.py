"""Rule logic: one module per rule, each exposing `RULE_ID` and `check(model, ctx)`.

The modules are listed here by hand, so that only the selected rules are imported and the
catalogue is plain to read.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from s3lint.records import FrozenRecord

if TYPE_CHECKING:
    from s3lint.model import Finding, ScanModel

CHECK_MODULES: dict[str, str] = {
    "S3001": "s3001_public_acl",
    "S3002": "s3002_public_policy",
    "S3003": "s3003_public_access_block_missing",
    "S3004": "s3004_cross_account_access",
    "S3005": "s3005_acls_enabled",
    "S3006": "s3006_wildcard_action_grant",
    "S3010": "s3010_default_encryption_missing",
    "S3011": "s3011_kms_key_not_used",
    "S3012": "s3012_upload_encryption_not_enforced",
    "S3013": "s3013_sse_c_without_tls",
    "S3014": "s3014_bucket_key_disabled",
    "S3020": "s3020_insecure_transport_allowed",
    "S3021": "s3021_old_tls_allowed",
    "S3030": "s3030_access_logging_missing",
    "S3031": "s3031_cloudtrail_s3_data_events_missing",
    "S3040": "s3040_versioning_disabled",
    "S3041": "s3041_mfa_delete_disabled",
    "S3050": "s3050_iam_s3_full_access",
    "S3051": "s3051_iam_s3_can_make_public",
    "S3060": "s3060_invalid_policy",
    "S3061": "s3061_policy_lockout",
    "S3070": "s3070_vpc_endpoint_not_enforced",
    "S3071": "s3071_presigned_url_age_unbounded",
}


class Context(FrozenRecord):
    """What a check may know besides the model.  Read-only by convention.

    A plain class: a frozen dataclass's generated methods cost every run 1 ms."""

    __slots__ = ("account_ids", "strict")

    def __init__(self, account_ids: frozenset[str] = frozenset(), strict: bool = False) -> None:
        self.account_ids = account_ids  # our own accounts
        self.strict = strict  # report "possibly wrong" findings too


CheckFunction = Callable[["ScanModel", Context], Iterator["Finding"]]


def load_check(rule_id: str) -> CheckFunction:
    return _rule_module(rule_id).check


def load_passes(rule_id: str) -> tuple[CheckFunction, ...]:
    """A rule's passes over the buckets (`PASSES` in its module, for a rule that makes more
    than one), whose findings end to end are its `check`'s; else its `check` alone."""
    module = _rule_module(rule_id)
    return getattr(module, "PASSES", (module.check,))


def _rule_module(rule_id: str) -> Any:
    name = f"s3lint.checks.{CHECK_MODULES[rule_id]}"
    # a pool checks every unit with every rule: a dictionary look-up, not the import machinery
    return sys.modules.get(name) or importlib.import_module(name)

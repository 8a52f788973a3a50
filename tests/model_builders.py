"""Small builders of model objects for unit tests of checks."""

from __future__ import annotations

from typing import Any

from s3lint.model import (
    Bucket,
    Encryption,
    EncryptionRule,
    Logging,
    PublicAccessBlock,
    Value,
    Versioning,
)
from s3lint.source import Location


def loc(line: int = 1, path: str = "t.yaml") -> Location:
    return Location(path, line, 1)


def val(value: Any, line: int = 1, explicit: bool = True) -> Value:
    return Value(value, loc(line), explicit)


def bucket(address: str = "Data", **settings: Any) -> Bucket:
    made = Bucket(
        address=address,
        loc=loc(10),
        source_format="cloudformation",
        name=val(f"{address.lower()}-bucket"),
        identity=f"{address.lower()}-bucket",
        scope="t.yaml",
    )
    for key, value in settings.items():
        setattr(made, key, value)
    return made


def encryption(algorithm: Any = "aws:kms", bucket_key: Any = True, explicit_key: bool = True) -> Encryption:
    rule = EncryptionRule(val(algorithm, 12), val(None, 12, False), val(bucket_key, 13, explicit_key), loc(11))
    return Encryption(loc(11), [rule])


def versioning(status: Any = "Enabled", mfa: Any = False, mfa_explicit: bool = False) -> Versioning:
    return Versioning(loc(14), val(status, 15), val(mfa, 14, mfa_explicit))


def logging_to(target: str) -> Logging:
    return Logging(loc(16), val(target, 17), val("logs/", 18))


def public_access_block(value: bool = True) -> PublicAccessBlock:
    return PublicAccessBlock(loc(20), val(value, 21), val(value, 22), val(value, 23), val(value, 24))

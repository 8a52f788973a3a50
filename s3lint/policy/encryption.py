"""Bucket policies that enforce server-side encryption of uploads.

Since January 2023 S3 encrypts every new object with SSE-S3 when the request names no
encryption, so these denies are no longer needed for encryption at rest; teams still use them
to require SSE-KMS, a particular KMS key, or SSE-C.  The patterns AWS documents, each a Deny of
`s3:PutObject` on `BUCKET/*`:

* `StringNotEquals` `s3:x-amz-server-side-encryption` (`AES256`, `aws:kms`, ...): a missing
  header makes a negated condition true, so headerless uploads are denied;
* `Null` `s3:x-amz-server-side-encryption` = true;
* `Null` / `StringNotEquals` `s3:x-amz-server-side-encryption-aws-kms-key-id` (SSE-KMS, or one key);
* `Null` `s3:x-amz-server-side-encryption-customer-algorithm` = true (SSE-C).

All are the same question for the shared deny machinery (`transport.analyze_deny`): is every
upload *without* encryption headers denied, for every principal?
"""

from __future__ import annotations

from typing import Optional

from s3lint.model import Bucket, Condition, PolicyDocument, Statement
from s3lint.records import FrozenRecord
from s3lint.policy.transport import (
    ABSENT,
    ALWAYS,
    OBJECTS,
    SOME_OBJECTS,
    DenyRequirement,
    DenyVerdict,
    Scenario,
    analyze_deny,
    bucket_policies,
    condition_outcome,
    review_statement,
)
from s3lint.policy.tri import conjunction

SSE_HEADER = "s3:x-amz-server-side-encryption"
SSE_KMS_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id"
SSE_C_ALGORITHM = "s3:x-amz-server-side-encryption-customer-algorithm"
PUT_OBJECT = "s3:PutObject"

UNENCRYPTED_UPLOADS = Scenario(
    description="uploads that request no server-side encryption",
    keys={SSE_HEADER: (ABSENT,), SSE_KMS_KEY: (ABSENT,), SSE_C_ALGORITHM: (ABSENT,)},
)

UPLOAD_ENCRYPTION_REQUIREMENT = DenyRequirement(
    scenario=UNENCRYPTED_UPLOADS,
    actions=frozenset({PUT_OBJECT}),
    parts=(OBJECTS,),
    relevant_keys=frozenset({SSE_HEADER, SSE_KMS_KEY, SSE_C_ALGORITHM}),
)

UPLOADS_WITHOUT_SSE_C = Scenario(
    description="uploads without SSE-C",
    keys={SSE_C_ALGORITHM: (ABSENT,)},
)

SSE_C_REQUIREMENT = DenyRequirement(
    scenario=UPLOADS_WITHOUT_SSE_C,
    actions=frozenset({PUT_OBJECT}),
    parts=(SOME_OBJECTS,),
    relevant_keys=frozenset({SSE_C_ALGORITHM}),
    everyone=False,  # requiring SSE-C of anyone means SSE-C keys travel with requests
)


def upload_encryption_enforced(bucket: Bucket) -> DenyVerdict:
    """Is every upload that names no server-side encryption denied, for every principal?"""
    return analyze_deny(bucket, UPLOAD_ENCRYPTION_REQUIREMENT)


class SseCRequirement(FrozenRecord):
    """A statement that makes uploads use SSE-C (customer-provided keys)."""

    __slots__ = ("statement", "document", "condition", "certain")

    def __init__(self, statement: Statement, document: PolicyDocument, condition: Condition,
                 certain: Optional[bool]) -> None:
        self.statement = statement
        self.document = document
        self.condition = condition  # the condition on s3:x-amz-server-side-encryption-customer-algorithm
        self.certain = certain  # None: an unknown value may keep it from applying


def requires_sse_c(bucket: Bucket) -> list[SseCRequirement]:
    """The statements of the bucket's policies that deny uploads without SSE-C.

    A Deny of `s3:PutObject` with `Null` customer-algorithm = true, or a negated string
    condition on it (`StringNotEquals ... AES256`): both are true for an upload that sends no
    SSE-C header.  The Deny may be limited to some principals or some objects."""
    found: list[SseCRequirement] = []
    for doc in bucket_policies(bucket):
        for stmt in doc.statements:
            condition = next(
                (
                    c
                    for c in stmt.conditions
                    if c.key.lower() == SSE_C_ALGORITHM and condition_outcome(c, UPLOADS_WITHOUT_SSE_C) == ALWAYS
                ),
                None,
            )
            if condition is None:
                continue
            review = review_statement(stmt, doc, bucket, SSE_C_REQUIREMENT, explain=False)  # its verdict only
            certain = conjunction(review.qualifies, review.coverage[SOME_OBJECTS])
            if certain is not False:
                found.append(SseCRequirement(stmt, doc, condition, certain))
    return found

"""The resource policies a bucket carries: its bucket policies and its access points' policies."""

from __future__ import annotations

from typing import Iterator

from s3lint.model import AccessPoint, Bucket, PolicyDocument, ScanModel, Statement
from s3lint.records import FrozenRecord
from s3lint.symbols import is_unknown


class PolicyTarget(FrozenRecord):
    __slots__ = ("bucket", "document", "access_point")

    def __init__(self, bucket: Bucket, document: PolicyDocument, access_point: AccessPoint | None = None) -> None:
        self.bucket = bucket
        self.document = document
        self.access_point = access_point

    @property
    def label(self) -> str:
        """How a message names the policy."""
        if self.access_point is not None:
            return f"the policy of access point '{self.access_point.address}'"
        owner = self.document.owner
        if owner and owner != self.bucket.address:
            return f"bucket policy '{owner}'"
        return "the bucket policy"

    @property
    def resource(self) -> str:
        """The resource a finding is filed against."""
        if self.access_point is not None:
            return self.access_point.address
        return self.document.owner or self.bucket.address


def resource_policies(model: ScanModel) -> Iterator[PolicyTarget]:
    """Every bucket policy and access point policy in the scan, with its bucket."""
    for bucket in model.buckets:
        for document in bucket.policies:
            yield PolicyTarget(bucket, document)
        for access_point in bucket.access_points:
            if access_point.policy is not None:
                yield PolicyTarget(bucket, access_point.policy, access_point)


def allow_statements(document: PolicyDocument) -> Iterator[tuple[Statement, bool]]:
    """(statement, definitely Allow) for each statement that is or may be an Allow."""
    for stmt in document.statements:
        effect = stmt.effect.value
        if is_unknown(effect):
            yield stmt, False
        elif effect == "Allow":
            yield stmt, not stmt.conditional

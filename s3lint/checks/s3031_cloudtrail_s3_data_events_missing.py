"""S3031 cloudtrail-s3-data-events-missing: a trail records no S3 data events."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.model import Finding, ScanModel

RULE_ID = "S3031"
S3_OBJECT = "AWS::S3::Object"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for trail in model.trails:
        if trail.is_logging is not None and trail.is_logging.is_false():
            yield Finding(
                RULE_ID,
                f"trail '{trail.address}' has logging turned off, so it records no S3 data events",
                trail.is_logging.loc,
                trail.address,
            )
            continue
        if any(selector.resource_type == S3_OBJECT for selector in trail.data_events):
            continue
        if trail.unknown is not None:
            yield Finding(
                RULE_ID,
                f"trail '{trail.address}': its event selectors are not known statically and may record no S3 data events",
                trail.loc,
                trail.address,
                certainty="possible",
            )
            continue
        yield Finding(
            RULE_ID,
            f"trail '{trail.address}' records no S3 data events (object-level GetObject/PutObject/DeleteObject calls are not logged)",
            trail.selectors_loc or trail.loc,
            trail.address,
        )

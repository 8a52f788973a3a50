"""S3003 public-access-block-missing: not all four Block Public Access settings cover a bucket.

A setting counts as on when the bucket's own public access block or an account-level block
anywhere in the scan turns it on (S3 applies the most restrictive combination).

Access points are checked too, for settings turned off explicitly on the access point: their
settings default to on, so only an explicit `false` that neither the bucket nor the account
overrides opens them up.
"""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.exposure import EffectiveSetting, effective_access_point_block, effective_block

RULE_ID = "S3003"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for run_pass in PASSES:
        yield from run_pass(model, ctx)


def check_buckets(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        block = effective_block(bucket, model)
        settings = list(block.settings.values())
        off = [s for s in settings if s.value is False]
        unknown = [s for s in settings if s.value is None]
        if off:
            explicit = [s for s in off if s.explicit and s.loc is not None]
            own_block = bucket.public_access_block
            if explicit:
                loc = explicit[0].loc
            else:  # settings left out of a block that exists are off: point at that block
                loc = own_block.loc if own_block is not None else bucket.loc
            message = _message(describe(bucket), off, unknown, has_block=own_block is not None)
            yield Finding(RULE_ID, message, loc or bucket.loc, bucket.address)
        elif unknown and ctx.strict:
            first = unknown[0]
            yield Finding(
                RULE_ID,
                f"{describe(bucket)}: {_names(unknown)} may be off (the value is not known statically)",
                first.loc or bucket.loc,
                bucket.address,
                certainty="possible",
            )


def check_access_points(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in model.buckets:
        for access_point in bucket.access_points:
            if access_point.public_access_block is None:
                continue
            block = effective_access_point_block(access_point, bucket, model)
            off = [s for s in block.settings.values() if s.value is False and s.explicit and s.source == "access point"]
            if off:
                verb = "is" if len(off) == 1 else "are"
                yield Finding(
                    RULE_ID,
                    f"access point '{access_point.address}' of {describe(bucket)}: {_names(off)} {verb} "
                    "turned off on the access point and not turned on at bucket or account level",
                    off[0].loc or access_point.loc,
                    access_point.address,
                    key=f"access point {access_point.address}",
                )


# Each pass judges the buckets one at a time, in the model's order: a pool runs them apart on
# every unit as it loads it (parallel.check_unit), and puts each pass's findings end to end.
PASSES = (check_buckets, check_access_points)


def _names(settings: list[EffectiveSetting]) -> str:
    names = [s.name for s in settings]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _message(bucket_text: str, off: list[EffectiveSetting], unknown: list[EffectiveSetting], *, has_block: bool) -> str:
    turned_off = [s for s in off if s.explicit]
    not_set = [s for s in off if not s.explicit]
    parts = []
    if turned_off:
        verb = "is" if len(turned_off) == 1 else "are"
        parts.append(f"{_names(turned_off)} {verb} turned off")
    if not_set:
        verb = "is" if len(not_set) == 1 else "are"
        where = (
            "left out of the bucket's public access block (a setting left out is off) and not set at account level"
            if has_block
            else "not set at bucket or account level"
        )
        parts.append(f"{_names(not_set)} {verb} {where}")
    if unknown:
        parts.append(f"{_names(unknown)} cannot be resolved statically")
    return f"{bucket_text}: Block Public Access is incomplete: " + "; ".join(parts)

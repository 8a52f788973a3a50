"""Attach settings declared by separate resources to the bucket they name.

One linker serves every format: a CloudFormation `AWS::S3::BucketPolicy`, a Terraform
`aws_s3_bucket_public_access_block` and a standalone policy file all arrive as
`Attachment`s that name their bucket by address (within their scope) or by bucket name.
"""

from __future__ import annotations

from typing import Iterable

from s3lint.model import Attachment, Bucket, Fragment, ScanModel, Value
from s3lint.symbols import is_unknown, symbol


def link(fragments: Iterable[Fragment]) -> ScanModel:
    return link_scan(fragments)[0]


def link_scan(fragments: Iterable[Fragment]) -> tuple[ScanModel, set[int]]:
    """The linked model, and the fragments (by index) whose buckets are not what linking each
    fragment alone (`link_alone`) made of them: an attachment that found its bucket in another
    fragment puts both in the set, and so does an undeclared bucket that two fragments name
    in one scope.  What a rule found on the buckets of a fragment linked alone holds for this
    model too when the fragment is not in the set; when the set is empty, the undeclared
    buckets are the same too."""
    return _link(list(fragments), keep_fragments=False)


def link_alone(fragment: Fragment) -> ScanModel:
    """One fragment linked on its own, the fragment itself left as it was: a bucket that
    takes an attachment is a copy in the model (a worker checks a unit's buckets this way
    right after loading it, before the whole scan is linked)."""
    return _link([fragment], keep_fragments=True)[0]


def _link(fragments: list[Fragment], keep_fragments: bool) -> tuple[ScanModel, set[int]]:
    model = ScanModel()
    attachments: list[Attachment] = []
    tracked = len(fragments) > 1  # whether attachments stay in their own fragment (`disturbed`)
    home: dict[int, int] = {}  # id of a bucket -> the index of its fragment
    attachment_homes: list[int] = []
    for index, fragment in enumerate(fragments):
        model.buckets.extend(fragment.buckets)
        attachments.extend(fragment.attachments)
        model.account_public_access_blocks.extend(fragment.account_public_access_blocks)
        model.identity_policies.extend(fragment.identity_policies)
        model.trails.extend(fragment.trails)
        model.errors.extend(fragment.errors)
        model.notes.extend(fragment.notes)
        model.suppressions.extend(fragment.suppressions)
        if tracked:
            home.update((id(bucket), index) for bucket in fragment.buckets)
            attachment_homes.extend([index] * len(fragment.attachments))

    by_address: dict[tuple[str, str], Bucket] = {}
    by_name: dict[str, Bucket] = {}
    for bucket in model.buckets:
        by_address.setdefault((bucket.scope, bucket.address), bucket)
        by_name.setdefault(bucket.identity, bucket)

    # A bucket outside the scan is shared only within one scope: two policy files naming the
    # same bucket are two candidate policies, and one must not hide the other's problems.
    undeclared: dict[tuple[str, str], Bucket] = {}
    copies: dict[int, Bucket] = {}  # id of a fragment's bucket -> its copy in the model
    positions = {id(bucket): index for index, bucket in enumerate(model.buckets)} if keep_fragments else {}
    disturbed: set[int] = set()
    for number, attachment in enumerate(attachments):
        bucket = _find_bucket(attachment, by_address, by_name)
        if bucket is None:
            if attachment.kind not in ("policy", "access_point", "acl", "grants", "object_acl", "object_encryption"):
                continue  # a setting of a bucket defined elsewhere: nothing here to judge
            key = (attachment.scope, _ref_key(attachment))
            bucket = undeclared.get(key)
            if bucket is None:
                bucket = undeclared[key] = _undeclared_bucket(attachment)
                model.buckets.append(bucket)
                if tracked:
                    home[id(bucket)] = attachment_homes[number]
            elif tracked and home[id(bucket)] != attachment_homes[number]:
                disturbed.update((home[id(bucket)], attachment_homes[number]))  # one scope, two fragments
        elif tracked and home[id(bucket)] != attachment_homes[number]:
            disturbed.update((home[id(bucket)], attachment_homes[number]))
        elif keep_fragments:
            bucket = _own_copy(bucket, model, copies, positions)
        _apply(bucket, attachment)
    return model, disturbed


def _own_copy(bucket: Bucket, model: ScanModel, copies: dict[int, Bucket], positions: dict[int, int]) -> Bucket:
    """The model's copy of a fragment's bucket, made the first time it takes an attachment."""
    copy = copies.get(id(bucket))
    if copy is None:
        copy = copies[id(bucket)] = copy_bucket(bucket)
        model.buckets[positions[id(bucket)]] = copy
    return copy


def copy_bucket(bucket: Bucket) -> Bucket:
    """A shallow copy whose lists of attached settings are its own."""
    copy = Bucket.__new__(Bucket)
    for name in Bucket.__slots__:
        setattr(copy, name, getattr(bucket, name))
    for name in _ATTACHED_LISTS:
        setattr(copy, name, list(getattr(bucket, name)))
    return copy


_ATTACHED_LISTS = ("grants", "policies", "access_points", "object_acls", "object_encryptions")


def _ref_key(attachment: Attachment) -> str:
    ref = attachment.bucket
    if isinstance(ref.name, str) and ref.name:
        return "name:" + ref.name
    if ref.address:
        return "address:" + ref.address
    return "owner:" + attachment.owner


def _find_bucket(
    attachment: Attachment,
    by_address: dict[tuple[str, str], Bucket],
    by_name: dict[str, Bucket],
) -> Bucket | None:
    ref = attachment.bucket
    if ref.address:
        bucket = by_address.get((attachment.scope, ref.address))
        if bucket is not None:
            return bucket
    if isinstance(ref.name, str) and ref.name:
        return by_name.get(ref.name)
    return None


def _undeclared_bucket(attachment: Attachment) -> Bucket:
    ref = attachment.bucket
    if isinstance(ref.name, str) and ref.name:
        identity = ref.name
        name = Value(ref.name, attachment.loc)
    else:
        identity = symbol(f"bucket of {attachment.owner}")
        name = Value(ref.name if is_unknown(ref.name) else identity, attachment.loc, explicit=False)
    address = ref.address or (ref.name if isinstance(ref.name, str) and ref.name else attachment.owner)
    path = attachment.loc.path
    source_format = "policy-json" if path.endswith(".json") and attachment.owner == path else (
        "terraform" if path.endswith((".tf", ".tf.json")) else "cloudformation"
    )
    return Bucket(
        address=address,
        loc=attachment.loc,
        source_format=source_format,  # type: ignore[arg-type]
        name=name,
        identity=identity,
        declared=False,
        scope=attachment.scope,
    )


def _apply(bucket: Bucket, attachment: Attachment) -> None:
    kind, payload = attachment.kind, attachment.payload
    if kind == "policy":
        bucket.policies.append(payload)
    elif kind == "access_point":
        bucket.access_points.append(payload)
    elif kind == "object_acl":
        bucket.object_acls.append(payload)
    elif kind == "object_encryption":
        bucket.object_encryptions.append(payload)
    elif kind == "grants":
        bucket.grants.extend(payload)
    elif kind == "acl":
        bucket.acl = payload
    elif kind == "public_access_block":
        bucket.public_access_block = payload
    elif kind == "encryption":
        bucket.encryption = payload
    elif kind == "versioning":
        bucket.versioning = payload
    elif kind == "logging":
        bucket.logging = payload
    elif kind == "ownership":
        bucket.ownership = payload
    elif kind == "object_lock":
        bucket.object_lock = payload
    elif kind == "website":
        bucket.website = payload

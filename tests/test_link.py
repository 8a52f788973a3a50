"""Attaching split settings and policies to their buckets."""

from __future__ import annotations

from s3lint.link import link
from s3lint.model import Attachment, BucketRef, Fragment, PolicyDocument
from s3lint.symbols import Unknown
from tests.model_builders import bucket, loc, public_access_block, val


def policy(owner: str) -> PolicyDocument:
    return PolicyDocument("bucket", owner, loc(30), val("2012-10-17"), [])


def test_attach_by_address_within_scope_and_by_name() -> None:
    data = bucket("Data")
    by_address = Attachment("public_access_block", BucketRef(address="Data"), public_access_block(), "Pab", loc(20), scope="t.yaml")
    by_name = Attachment("policy", BucketRef(name="data-bucket"), policy("Policy"), "Policy", loc(30), scope="other.yaml")
    model = link([Fragment(buckets=[data], attachments=[by_address, by_name])])
    assert data.public_access_block is by_address.payload
    assert data.policies == [by_name.payload]
    assert model.buckets == [data]


def test_address_in_another_scope_does_not_link() -> None:
    data = bucket("Data")
    elsewhere = Attachment("versioning", BucketRef(address="Data"), object(), "V", loc(5), scope="other.yaml")
    link([Fragment(buckets=[data], attachments=[elsewhere])])
    assert data.versioning is None


def test_policy_for_a_bucket_outside_the_scan_gets_an_undeclared_bucket() -> None:
    doc = policy("policy.json")
    attachment = Attachment("policy", BucketRef(name="external-bucket"), doc, "policy.json", loc(1, "policy.json"), scope="policy.json")
    model = link([Fragment(attachments=[attachment])])
    [external] = model.buckets
    assert not external.declared and external.identity == "external-bucket" and external.policies == [doc]


def test_policy_with_unknown_bucket_still_gets_checked() -> None:
    doc = policy("p.json")
    attachment = Attachment("policy", BucketRef(name=Unknown("no Resource")), doc, "p.json", loc(1, "p.json"), scope="p.json")
    [external] = link([Fragment(attachments=[attachment])]).buckets
    assert external.policies == [doc] and not external.name.known


def test_settings_of_unknown_buckets_are_dropped() -> None:
    attachment = Attachment("versioning", BucketRef(name="nowhere"), object(), "V", loc(5), scope="x")
    assert link([Fragment(attachments=[attachment])]).buckets == []


def test_policy_files_for_the_same_outside_bucket_stay_apart() -> None:
    first = Attachment("policy", BucketRef(name="shared"), policy("a.json"), "a.json", loc(1, "a.json"), scope="a.json")
    second = Attachment("policy", BucketRef(name="shared"), policy("b.json"), "b.json", loc(1, "b.json"), scope="b.json")
    buckets = link([Fragment(attachments=[first]), Fragment(attachments=[second])]).buckets
    assert [b.policies for b in buckets] == [[first.payload], [second.payload]]

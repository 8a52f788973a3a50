"""Attaching split settings and policies to their buckets."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.link import copy_bucket, link, link_alone, link_scan
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


# --- linking one unit alone, and when that is the same as linking the scan -----------------


KINDS = ["policy", "public_access_block", "versioning", "grants", "acl", "access_point"]


def _payload(kind: str, owner: str) -> object:
    return [policy(owner)] if kind == "grants" else policy(owner) if kind in ("policy", "access_point") else public_access_block()


@st.composite
def fragments(draw: st.DrawFn) -> list[Fragment]:
    """A few fragments whose buckets and attachments share a small pool of addresses, names
    and scopes, so that some attachments find their bucket in their own fragment, some in
    another, and some nowhere."""
    made = []
    for index in range(draw(st.integers(1, 4))):
        buckets = []
        for address in draw(st.lists(st.sampled_from(["A", "B", "C"]), max_size=3)):
            scope = draw(st.sampled_from([f"f{index}.yaml", "shared.yaml"]))
            name = draw(st.sampled_from(["a-bucket", "b-bucket", f"own-{index}"]))
            buckets.append(bucket(address, identity=name, name=val(name), scope=scope))
        attachments = []
        for number in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(KINDS))
            ref = draw(st.one_of(
                st.builds(BucketRef, address=st.sampled_from(["A", "B", "C", "Z"])),
                st.builds(BucketRef, name=st.sampled_from(["a-bucket", "b-bucket", f"own-{index}", "outside"])),
            ))
            owner = f"R{index}_{number}"
            scope = draw(st.sampled_from([f"f{index}.yaml", "shared.yaml"]))
            attachments.append(Attachment(kind, ref, _payload(kind, owner), owner, loc(number + 2), scope=scope))
        made.append(Fragment(buckets=buckets, attachments=attachments))
    return made


@settings(max_examples=300, deadline=None)
@given(fragments())
def test_fragments_linking_leaves_alone_are_what_linking_each_alone_made_of_them(made: list[Fragment]) -> None:
    before = repr(made)
    alone = [link_alone(fragment) for fragment in made]
    assert repr(made) == before  # linking alone leaves the fragments as they were
    scan, disturbed = link_scan(copy.deepcopy(made))
    assert disturbed == _disturbed(made)
    start = 0
    for index, (fragment, model) in enumerate(zip(made, alone)):
        end = start + len(fragment.buckets)
        if index not in disturbed:
            assert repr(scan.buckets[start:end]) == repr(model.buckets[: len(fragment.buckets)])
        start = end
    if not disturbed:
        undeclared = [b for fragment, model in zip(made, alone) for b in model.buckets[len(fragment.buckets):]]
        assert repr(scan.buckets[start:]) == repr(undeclared)


def _disturbed(made: list[Fragment]) -> set[int]:
    """The specification of `link_scan`'s set, written plainly: an attachment's bucket, as
    the whole scan finds it (by address within its scope, else by name; first one wins), in
    another fragment puts both fragments in; so does a missing bucket that fragments name in
    the same scope (as the first one to name it, in order)."""
    everything = [(index, b) for index, fragment in enumerate(made) for b in fragment.buckets]
    missing: dict[tuple[str, str], int] = {}
    disturbed: set[int] = set()
    for index, fragment in enumerate(made):
        for attachment in fragment.attachments:
            ref = attachment.bucket
            found = None
            if ref.address:
                found = next((home for home, b in everything if (b.scope, b.address) == (attachment.scope, ref.address)), None)
            if found is None and isinstance(ref.name, str) and ref.name:
                found = next((home for home, b in everything if b.identity == ref.name), None)
            if found is None and attachment.kind in ("policy", "access_point", "acl", "grants"):
                named = f"name:{ref.name}" if isinstance(ref.name, str) and ref.name else f"address:{ref.address}"
                found = missing.setdefault((attachment.scope, named), index)
            if found is not None and found != index:
                disturbed.update((found, index))
    return disturbed


def test_a_unit_linked_alone_copies_only_the_buckets_that_take_an_attachment() -> None:
    data, logs = bucket("Data"), bucket("Logs")
    pab = Attachment("public_access_block", BucketRef(address="Data"), public_access_block(), "Pab", loc(20), scope="t.yaml")
    doc = Attachment("policy", BucketRef(address="Data"), policy("Policy"), "Policy", loc(30), scope="t.yaml")
    fragment = Fragment(buckets=[data, logs], attachments=[pab, doc])
    model = link_alone(fragment)
    copied, untouched = model.buckets
    assert untouched is logs and copied is not data
    assert copied.public_access_block is pab.payload and copied.policies == [doc.payload]
    assert data.public_access_block is None and data.policies == []
    assert fragment.buckets == [data, logs]


def test_a_bucket_copy_has_lists_of_its_own() -> None:
    data = bucket("Data", policies=[policy("P")])
    copied = copy_bucket(data)
    assert copied == data and copied is not data
    copied.policies.append(policy("Q"))
    assert len(data.policies) == 1 and copied.tags is data.tags


def test_an_attachment_that_finds_its_bucket_in_another_fragment_disturbs_both() -> None:
    by_name = Attachment("policy", BucketRef(name="data-bucket"), policy("p.json"), "p.json", loc(1, "p.json"), scope="p.json")
    _, disturbed = link_scan([Fragment(), Fragment(buckets=[bucket("Data")]), Fragment(attachments=[by_name])])
    assert disturbed == {1, 2}
    _, disturbed = link_scan([Fragment(buckets=[bucket("Data")], attachments=[by_name]), Fragment()])
    assert disturbed == set()

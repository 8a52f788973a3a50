"""Effective Block Public Access and public ACLs."""

from __future__ import annotations

from s3lint.model import AccessPoint, AccountPublicAccessBlock, Grant, ObjectAcl, PublicAccessBlock, ScanModel
from s3lint.policy.exposure import (
    acl_is_public,
    acls_disabled,
    canned_acl_name,
    effective_access_point_block,
    effective_block,
    group_of_uri,
    public_acls,
)
from s3lint.symbols import Unknown
from tests.model_builders import bucket, loc, val

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def block(acls=True, ignore=True, policy=True, restrict=True, line=20, explicit=True) -> PublicAccessBlock:
    return PublicAccessBlock(
        loc(line), val(acls, line + 1, explicit), val(ignore, line + 2, explicit), val(policy, line + 3, explicit), val(restrict, line + 4, explicit)
    )


def account(settings: PublicAccessBlock) -> AccountPublicAccessBlock:
    return AccountPublicAccessBlock("Account", loc(40), settings)


def test_bucket_level_only() -> None:
    result = effective_block(bucket(public_access_block=block(policy=False, restrict=False)), None)
    assert {n: s.value for n, s in result.settings.items()} == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    assert result.settings["BlockPublicPolicy"].loc.line == 23 and result.settings["BlockPublicPolicy"].source == "bucket"
    assert result.all_on() is False


def test_account_level_is_ored_in_and_named() -> None:
    model = ScanModel(account_public_access_blocks=[account(block(acls=False, ignore=False, line=40))])
    result = effective_block(bucket(public_access_block=block(policy=False, restrict=False)), model)
    assert all(s.value for s in result.settings.values())
    assert result.settings["BlockPublicPolicy"].source == "account (Account)"
    assert result.settings["BlockPublicAcls"].source == "bucket"


def test_nothing_declared() -> None:
    result = effective_block(bucket(), ScanModel())
    assert all(s.value is False and s.loc is None and not s.explicit for s in result.settings.values())


def test_unknown_setting_is_unknown_unless_another_level_is_on() -> None:
    unknown = block(acls=Unknown("parameter"))
    assert effective_block(bucket(public_access_block=unknown), None).value("BlockPublicAcls") is None
    model = ScanModel(account_public_access_blocks=[account(block())])
    assert effective_block(bucket(public_access_block=unknown), model).value("BlockPublicAcls") is True


def test_explicit_false_is_preferred_as_the_deciding_location() -> None:
    defaults = block(acls=False, line=20, explicit=False)
    model = ScanModel(account_public_access_blocks=[account(block(acls=False, line=40))])
    setting = effective_block(bucket(public_access_block=defaults), model).settings["BlockPublicAcls"]
    assert setting.value is False and setting.explicit and setting.loc.line == 41


def test_access_point_combines_its_own_bucket_and_account() -> None:
    point = AccessPoint("Ap", loc(50), None, block(policy=False, restrict=False, line=50), val("Internet"))
    own_bucket = bucket(public_access_block=block(acls=False, ignore=False, policy=False, restrict=True))
    result = effective_access_point_block(point, own_bucket, None)
    assert result.value("BlockPublicPolicy") is False and result.value("RestrictPublicBuckets") is True
    assert result.settings["RestrictPublicBuckets"].source == "bucket"
    assert result.settings["BlockPublicAcls"].source == "access point"


def test_canned_acls() -> None:
    assert canned_acl_name("PublicRead") == "public-read"
    assert canned_acl_name("public-read-write") == "public-read-write"
    assert canned_acl_name("AuthenticatedRead") == "authenticated-read"
    assert canned_acl_name("log-delivery-write") == "log-delivery-write"
    for public in ("public-read", "PublicReadWrite", "authenticated-read"):
        assert acl_is_public(bucket(acl=val(public, 12))) is True
    for private in ("private", "log-delivery-write", "LogDeliveryWrite", "bucket-owner-full-control", "aws-exec-read"):
        assert acl_is_public(bucket(acl=val(private, 12))) is False


def test_grants_to_public_groups() -> None:
    grants = [
        Grant("Group", ALL_USERS, val("READ", 30), loc(30)),
        Grant("Group", LOG_DELIVERY, val("WRITE", 31), loc(31)),
        Grant("CanonicalUser", "abc", val("FULL_CONTROL", 32), loc(32)),
        Grant("Group", AUTH_USERS, val("WRITE", 33), loc(33)),
    ]
    found = public_acls(bucket(grants=grants))
    assert [(f.group, f.permissions, f.loc.line, f.definite) for f in found] == [
        ("AllUsers", ("READ",), 30, True),
        ("AuthenticatedUsers", ("WRITE",), 33, True),
    ]
    assert group_of_uri(LOG_DELIVERY) is None


def test_object_acls_and_unknowns() -> None:
    objects = [ObjectAcl("Obj", loc(60), val("public-read", 61))]
    found = public_acls(bucket(object_acls=objects, acl=val(Unknown("parameter"), 12)))
    assert [(f.target, f.definite) for f in found] == [("bucket", False), ("Obj", True)]
    choice = Unknown("Fn::If", alternatives=("private", "public-read-write"))
    (maybe,) = public_acls(bucket(acl=val(choice, 12)))
    assert not maybe.definite and maybe.writable
    assert public_acls(bucket(acl=val(Unknown("Fn::If", alternatives=("private", "log-delivery-write")), 12))) == []


def test_bucket_owner_enforced_disables_acls() -> None:
    assert acls_disabled(bucket(ownership=val("BucketOwnerEnforced"))) is True
    assert acls_disabled(bucket(ownership=val("ObjectWriter"))) is False
    assert acls_disabled(bucket()) is False
    assert acls_disabled(bucket(ownership=val(Unknown("p")))) is None

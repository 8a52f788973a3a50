"""Effective Block Public Access settings and public ACLs of a bucket.

Facts (S3 User Guide, "Blocking public access to your Amazon S3 storage" and "Access control
list (ACL) overview"):

* The four Block Public Access settings can be set on an access point, a bucket and an
  account; S3 applies the most restrictive combination, so each effective setting is the OR
  of the levels that apply.  Account-level settings apply to every bucket of the account.
* An ACL is public if it grants anything to the `AllUsers` or `AuthenticatedUsers` group;
  the canned ACLs `public-read`, `public-read-write` and `authenticated-read` do.
  `LogDelivery` is not public.
* `IgnorePublicAcls` makes S3 ignore public ACLs; `BlockPublicAcls` makes requests that set a
  public ACL fail.  Object Ownership `BucketOwnerEnforced` disables ACLs altogether.
"""

from __future__ import annotations

from typing import Iterable, Optional

from s3lint.model import AccessPoint, Bucket, Grant, PublicAccessBlock, ScanModel, Value
from s3lint.records import FrozenRecord
from s3lint.source import Location
from s3lint.symbols import is_unknown, render

Tri = Optional[bool]

SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

ALL_USERS = "AllUsers"
AUTHENTICATED_USERS = "AuthenticatedUsers"
GROUP_URIS = {
    "http://acs.amazonaws.com/groups/global/allusers": ALL_USERS,
    "http://acs.amazonaws.com/groups/global/authenticatedusers": AUTHENTICATED_USERS,
}

# canned ACL -> (group it grants to, permissions)
PUBLIC_CANNED_ACLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "public-read": (ALL_USERS, ("READ",)),
    "public-read-write": (ALL_USERS, ("READ", "WRITE")),
    "authenticated-read": (AUTHENTICATED_USERS, ("READ",)),
}

# CloudFormation's AccessControl spelling -> the S3 canned ACL name
_CFN_CANNED = {
    "private": "private",
    "publicread": "public-read",
    "publicreadwrite": "public-read-write",
    "authenticatedread": "authenticated-read",
    "logdeliverywrite": "log-delivery-write",
    "bucketownerread": "bucket-owner-read",
    "bucketownerfullcontrol": "bucket-owner-full-control",
    "awsexecread": "aws-exec-read",
}


# ---------------------------------------------------------------------------------------
# Block Public Access
# ---------------------------------------------------------------------------------------


class EffectiveSetting(FrozenRecord):
    """One effective Block Public Access setting and what decides it."""

    __slots__ = ("name", "value", "loc", "source", "explicit")

    def __init__(self, name: str, value: Tri, loc: Location | None, source: str, explicit: bool = False) -> None:
        self.name = name
        self.value = value  # True: on; False: off; None: cannot be known statically
        self.loc = loc  # the value that decides it (None: nothing declares it)
        self.source = source  # "bucket", "account (<address>)", "access point", or "" when not declared
        self.explicit = explicit  # written in the template (False: a default or nothing at all)


class EffectiveBlock(FrozenRecord):
    __slots__ = ("settings",)

    def __init__(self, settings: dict[str, EffectiveSetting]) -> None:
        self.settings = settings

    def value(self, name: str) -> Tri:
        return self.settings[name].value

    def all_on(self) -> Tri:
        values = [setting.value for setting in self.settings.values()]
        if all(value is True for value in values):
            return True
        if any(value is False for value in values):
            return False
        return None


def _decide(name: str, levels: list[tuple[Value, str]]) -> EffectiveSetting:
    """OR over the levels: any True wins; else any unknown makes it unknown; else False,
    located at the most specific explicit False (or the first level's block)."""
    unknown: tuple[Value, str] | None = None
    first_false: tuple[Value, str] | None = None
    for value, source in levels:
        raw = value.value
        if is_unknown(raw):
            unknown = unknown or (value, source)
        elif raw is True:
            return EffectiveSetting(name, True, value.loc, source, value.explicit)
        elif first_false is None or (value.explicit and not first_false[0].explicit):
            first_false = (value, source)
    if unknown is not None:
        return EffectiveSetting(name, None, unknown[0].loc, unknown[1], unknown[0].explicit)
    if first_false is not None:
        value, source = first_false
        return EffectiveSetting(name, False, value.loc, source, value.explicit)
    return EffectiveSetting(name, False, None, "", False)


def _account_levels(model: ScanModel | None) -> list[tuple[PublicAccessBlock, str]]:
    if model is None:
        return []
    return [(item.settings, f"account ({item.address})") for item in model.account_public_access_blocks]


def effective_block(bucket: Bucket, model: ScanModel | None) -> EffectiveBlock:
    """The bucket's effective settings: bucket level OR every account-level block in the scan."""
    blocks: list[tuple[PublicAccessBlock, str]] = []
    if bucket.public_access_block is not None:
        blocks.append((bucket.public_access_block, "bucket"))
    blocks.extend(_account_levels(model))
    return _effective(blocks)


def _effective(blocks: list[tuple[PublicAccessBlock, str]]) -> EffectiveBlock:
    """Each setting decided over the levels (see `_decide`); each block's settings read once."""
    levels = [(block.settings(), source) for block, source in blocks]
    return EffectiveBlock({name: _decide(name, [(settings[name], source) for settings, source in levels]) for name in SETTINGS})


def effective_access_point_block(access_point: AccessPoint, bucket: Bucket, model: ScanModel | None) -> EffectiveBlock:
    """An access point's settings: its own OR its bucket's OR the account's."""
    blocks: list[tuple[PublicAccessBlock, str]] = []
    if access_point.public_access_block is not None:
        blocks.append((access_point.public_access_block, "access point"))
    if bucket.public_access_block is not None:
        blocks.append((bucket.public_access_block, "bucket"))
    blocks.extend(_account_levels(model))
    return _effective(blocks)


# ---------------------------------------------------------------------------------------
# ACLs
# ---------------------------------------------------------------------------------------


def canned_acl_name(value: object) -> str | None:
    """"PublicRead" / "public-read" -> "public-read"; None when not a string."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return _CFN_CANNED.get(text.replace("-", "").replace("_", "").lower(), text.lower())


def group_of_uri(uri: object) -> str | None:
    """The public group a grantee URI names (AllUsers/AuthenticatedUsers), else None."""
    if not isinstance(uri, str):
        return None
    return GROUP_URIS.get(uri.strip().lower().rstrip("/"))


class PublicAcl(FrozenRecord):
    """One public ACL: a canned ACL or a grant to a public group."""

    __slots__ = ("target", "loc", "group", "permissions", "definite", "what")

    def __init__(self, target: str, loc: Location, group: str, permissions: tuple[str, ...], definite: bool,
                 what: str) -> None:
        self.target = target  # "bucket" or the object's address
        self.loc = loc
        self.group = group  # AllUsers | AuthenticatedUsers | "" when unknown
        self.permissions = permissions
        self.definite = definite
        self.what = what  # e.g. 'canned ACL "public-read"', 'a grant of READ to AllUsers'

    @property
    def writable(self) -> bool:
        return any(p in ("WRITE", "WRITE_ACP", "FULL_CONTROL") for p in self.permissions)


def _canned_public(value: Value, target: str) -> list[PublicAcl]:
    raw = value.value
    if is_unknown(raw):
        alternatives = [alt for alt in raw.alternatives if canned_acl_name(alt) in PUBLIC_CANNED_ACLS]
        if raw.alternatives and not alternatives:
            return []
        shown = render(alternatives[0]) if alternatives else "<unknown>"
        group, permissions = PUBLIC_CANNED_ACLS.get(canned_acl_name(alternatives[0]) or "", ("", ())) if alternatives else ("", ())
        return [PublicAcl(target, value.loc, group, permissions, False, f"canned ACL that may be \"{shown}\"")]
    name = canned_acl_name(raw)
    if name in PUBLIC_CANNED_ACLS:
        group, permissions = PUBLIC_CANNED_ACLS[name]
        return [PublicAcl(target, value.loc, group, permissions, True, f'canned ACL "{name}"')]
    return []


def _grant_public(grant: Grant, target: str) -> list[PublicAcl]:
    permission = grant.permission.value
    permissions: tuple[str, ...] = (str(permission),) if isinstance(permission, str) else ()
    if is_unknown(grant.grantee):
        if grant.grantee_type not in ("Group", "") or grant.grantee.alternatives and not any(
            group_of_uri(alt) for alt in grant.grantee.alternatives
        ):
            return []
        return [PublicAcl(target, grant.loc, "", permissions, False, "a grant to a group that cannot be resolved statically")]
    group = group_of_uri(grant.grantee)
    if group is None:
        return []
    shown = "/".join(permissions) if permissions else "an unknown permission"
    return [PublicAcl(target, grant.loc, group, permissions, True, f"a grant of {shown} to the {group} group")]


def public_acls(bucket: Bucket) -> list[PublicAcl]:
    """Every public canned ACL or grant on the bucket and on the objects the template uploads."""
    found: list[PublicAcl] = []
    if bucket.acl is not None:
        found.extend(_canned_public(bucket.acl, "bucket"))
    for grant in bucket.grants:
        found.extend(_grant_public(grant, "bucket"))
    for object_acl in bucket.object_acls:
        found.extend(_canned_public(object_acl.acl, object_acl.address))
        for grant in object_acl.grants:
            found.extend(_grant_public(grant, object_acl.address))
    return found


def acl_is_public(bucket: Bucket) -> Tri:
    """Does the bucket (or an object it holds) have a public ACL?  Ignores neutralisation."""
    found = public_acls(bucket)
    if any(item.definite for item in found):
        return True
    return None if found else False


def acls_disabled(bucket: Bucket) -> Tri:
    """Object Ownership BucketOwnerEnforced: ACLs no longer affect access."""
    if bucket.ownership is None:
        return False
    raw = bucket.ownership.value
    if is_unknown(raw):
        if raw.alternatives and all(alt == "BucketOwnerEnforced" for alt in raw.alternatives):
            return True
        if raw.alternatives and not any(alt == "BucketOwnerEnforced" for alt in raw.alternatives):
            return False
        return None
    return raw == "BucketOwnerEnforced"


def describe_settings(names: Iterable[str]) -> str:
    return ", ".join(names)

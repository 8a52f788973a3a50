"""The common model: what every loader produces and the only thing rules read.

Every value is a `Value`: the value itself (or an `Unknown`), where it was written, and
whether it was written at all (`explicit=False` means the template left it out and AWS's
default applies; the location then points at the owning block).  Rules never see a raw
CloudFormation, Terraform or JSON structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from s3lint.source import Location
from s3lint.symbols import Unknown, is_certain, is_possible, is_unknown, symbol

SourceFormat = Literal["cloudformation", "terraform", "tfplan", "policy-json"]
PolicyKind = Literal["bucket", "access_point", "identity"]
Certainty = Literal["definite", "possible"]


@dataclass(slots=True)
class Value:
    """One value from a template, with its source location and its known/default state."""

    value: Any
    loc: Location
    explicit: bool = True

    @property
    def known(self) -> bool:
        return not is_unknown(self.value)

    def certainly(self, predicate: Callable[[Any], bool]) -> bool:
        return is_certain(self.value, predicate)

    def possibly(self, predicate: Callable[[Any], bool]) -> bool:
        return is_possible(self.value, predicate)

    def is_true(self) -> bool:
        return self.known and self.value is True

    def is_false(self) -> bool:
        return self.known and self.value is False


def default(value: Any, owner_loc: Location) -> Value:
    """A value the template does not set: AWS's default (or Unknown) located at its owner."""
    return Value(value, owner_loc, explicit=False)


# ---------------------------------------------------------------------------------------
# Policies
# ---------------------------------------------------------------------------------------

PrincipalKind = Literal["*", "AWS", "Service", "Federated", "CanonicalUser", "?"]


@dataclass(slots=True)
class PrincipalEntry:
    """One principal: `*` (everyone), or an AWS/Service/Federated/CanonicalUser value."""

    kind: PrincipalKind
    value: Any  # str (possibly with symbols) or Unknown
    loc: Location


@dataclass(slots=True)
class Condition:
    """One operator/key pair of a Condition block, with its values (OR-ed)."""

    operator: str  # as written, e.g. "ForAnyValue:StringEqualsIfExists"
    key: str
    values: list[Value]
    loc: Location


@dataclass(slots=True)
class Statement:
    index: int
    loc: Location
    sid: str | None
    effect: Value  # "Allow" | "Deny" | other string (invalid) | Unknown
    principals: list[PrincipalEntry] | None  # None: no Principal/NotPrincipal element
    not_principal: bool
    principal_loc: Location | None
    actions: list[Value]
    not_action: bool
    action_loc: Location | None
    resources: list[Value]
    not_resource: bool
    resource_loc: Location | None
    conditions: list[Condition]
    condition_loc: Location | None = None
    conditional: bool = False  # exists only under an undecidable CloudFormation condition
    unknown_parts: list[str] = field(default_factory=list)  # elements that are wholly Unknown


@dataclass(slots=True)
class PolicyProblem:
    """Something structurally wrong with a policy document, found while reading it."""

    message: str
    loc: Location


@dataclass(slots=True)
class PolicyDocument:
    kind: PolicyKind
    owner: str  # address of the resource that declares the document
    loc: Location
    version: Value
    statements: list[Statement]
    problems: list[PolicyProblem] = field(default_factory=list)
    unknown: Unknown | None = None  # the whole document could not be resolved


# ---------------------------------------------------------------------------------------
# Buckets and what configures them
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Grant:
    """One explicit ACL grant (`AccessControlPolicy`, Terraform `grant {}`)."""

    grantee_type: str  # "Group" | "CanonicalUser" | "AmazonCustomerByEmail" | ...
    grantee: Any  # group URI, canonical id, e-mail; str or Unknown
    permission: Value
    loc: Location


@dataclass(slots=True)
class PublicAccessBlock:
    loc: Location
    block_public_acls: Value
    ignore_public_acls: Value
    block_public_policy: Value
    restrict_public_buckets: Value
    owner: str = ""  # address of the resource that declares it

    def settings(self) -> dict[str, Value]:
        return {
            "BlockPublicAcls": self.block_public_acls,
            "IgnorePublicAcls": self.ignore_public_acls,
            "BlockPublicPolicy": self.block_public_policy,
            "RestrictPublicBuckets": self.restrict_public_buckets,
        }


@dataclass(slots=True)
class EncryptionRule:
    algorithm: Value  # "AES256" | "aws:kms" | "aws:kms:dsse" | other | Unknown
    kms_key: Value  # key id/ARN, None when not given
    bucket_key: Value  # bool
    loc: Location


@dataclass(slots=True)
class Encryption:
    loc: Location
    rules: list[EncryptionRule]


@dataclass(slots=True)
class Versioning:
    loc: Location
    status: Value  # "Enabled" | "Suspended" | "Disabled" | Unknown
    mfa_delete: Value  # bool; explicit=False when not set


@dataclass(slots=True)
class Logging:
    loc: Location
    target_bucket: Value  # bucket identity string (name or symbol), or Unknown
    target_prefix: Value


@dataclass(slots=True)
class AccessPoint:
    address: str
    loc: Location
    policy: PolicyDocument | None
    public_access_block: PublicAccessBlock | None
    network_origin: Value  # "Internet" | "VPC" | Unknown


@dataclass(slots=True)
class ObjectAcl:
    """An object uploaded by the template with a canned ACL or grants."""

    address: str
    loc: Location
    acl: Value
    grants: list[Grant] = field(default_factory=list)


@dataclass(slots=True)
class ObjectEncryption:
    """The server-side encryption an object uploaded or copied by the template asks for.

    Only objects that ask for one explicitly are recorded: an object that names none is
    encrypted with its bucket's default encryption, and is judged with the bucket."""

    address: str
    loc: Location
    algorithm: Value  # "AES256" | "aws:kms" | "aws:kms:dsse" | other | Unknown


@dataclass(slots=True)
class Bucket:
    address: str  # CloudFormation logical id, Terraform address, or a label for a policy file
    loc: Location  # the resource header
    source_format: SourceFormat
    name: Value  # the bucket name: str (maybe with symbols) or Unknown
    identity: str  # what Ref/.id/.bucket resolve to: the literal name, or a symbol
    declared: bool = True  # False: known only from a policy or reference, defined elsewhere
    acl: Value | None = None  # canned ACL in AWS spelling, e.g. "public-read"
    grants: list[Grant] = field(default_factory=list)
    policies: list[PolicyDocument] = field(default_factory=list)
    public_access_block: PublicAccessBlock | None = None
    encryption: Encryption | None = None
    versioning: Versioning | None = None
    logging: Logging | None = None
    ownership: Value | None = None  # "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter"
    object_lock: Value | None = None  # bool
    website: Value | None = None  # bool: static website hosting configured
    access_points: list[AccessPoint] = field(default_factory=list)
    object_acls: list[ObjectAcl] = field(default_factory=list)
    object_encryptions: list[ObjectEncryption] = field(default_factory=list)
    tags: dict[str, Any] = field(default_factory=dict)
    conditional: bool = False  # created only under an undecidable CloudFormation condition
    scope: str = ""  # the template or Terraform module it belongs to

    @property
    def arn(self) -> str:
        return f"arn:{symbol('AWS::Partition')}:s3:::{self.identity}"


@dataclass(slots=True)
class AccountPublicAccessBlock:
    address: str
    loc: Location
    settings: PublicAccessBlock


@dataclass(slots=True)
class IdentityPolicy:
    """An IAM policy attached to users, groups or roles (or standing alone as a file)."""

    address: str
    loc: Location
    document: PolicyDocument


@dataclass(slots=True)
class DataEventSelector:
    resource_type: str  # "AWS::S3::Object" etc.; "" for a management-only selector
    values: list[Value]  # ARN prefixes; empty means all
    loc: Location
    read_write: str = "All"  # "All" | "ReadOnly" | "WriteOnly"


@dataclass(slots=True)
class Trail:
    address: str
    loc: Location
    data_events: list[DataEventSelector]
    unknown: Unknown | None = None  # selectors could not be resolved
    selectors_loc: Location | None = None  # the EventSelectors / AdvancedEventSelectors element
    is_logging: Value | None = None  # False: the trail exists but records nothing


# ---------------------------------------------------------------------------------------
# What loaders hand to the linker, and what the rules read
# ---------------------------------------------------------------------------------------

AttachmentKind = Literal[
    "policy",
    "public_access_block",
    "encryption",
    "versioning",
    "logging",
    "acl",
    "grants",
    "ownership",
    "object_lock",
    "website",
    "access_point",
    "object_acl",
    "object_encryption",
]


@dataclass(slots=True)
class BucketRef:
    """How a separate resource names its bucket: by resource address, or by bucket name."""

    address: str | None = None  # resource address / logical id within the same scope
    name: Any = None  # literal or symbolic bucket name, or Unknown


@dataclass(slots=True)
class Attachment:
    """A setting declared by its own resource, to be attached to the bucket it names."""

    kind: AttachmentKind
    bucket: BucketRef
    payload: Any
    owner: str  # address of the declaring resource
    loc: Location
    scope: str = ""


@dataclass(slots=True)
class LoadError:
    """A file of ours that could not be read or parsed: reported as S3000."""

    path: str
    message: str
    line: int = 0
    column: int = 0


@dataclass(slots=True)
class Suppression:
    """A suppression written in a file: a comment, or CloudFormation resource Metadata."""

    path: str
    line: int  # where it is written
    rule_ids: list[str]
    reason: str = ""
    resource: str = ""  # set: applies to every finding of this resource (Metadata form)


@dataclass(slots=True)
class Fragment:
    """What one loader produced from one file (or one Terraform module)."""

    buckets: list[Bucket] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    account_public_access_blocks: list[AccountPublicAccessBlock] = field(default_factory=list)
    identity_policies: list[IdentityPolicy] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # informational, e.g. skipped remote modules
    suppressions: list[Suppression] = field(default_factory=list)  # from Metadata, not comments


@dataclass(slots=True)
class ScanModel:
    buckets: list[Bucket] = field(default_factory=list)
    account_public_access_blocks: list[AccountPublicAccessBlock] = field(default_factory=list)
    identity_policies: list[IdentityPolicy] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)


@dataclass(slots=True)
class Finding:
    rule_id: str
    message: str
    loc: Location
    resource: str
    certainty: Certainty = "definite"
    severity: str | None = None  # overrides the rule's severity (e.g. write access is worse)
    key: str = ""  # what distinguishes two findings of one rule on one resource
    suppression: Any = None  # set by the suppression pass: why this finding is suppressed

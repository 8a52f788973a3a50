"""The common model: what every loader produces and the only thing rules read.

Every value is a `Value`: the value itself (or an `Unknown`), where it was written, and
whether it was written at all (`explicit=False` means the template left it out and AWS's
default applies; the location then points at the owning block).  Rules never see a raw
CloudFormation, Terraform or JSON structure.
"""

# No `from __future__ import annotations` here: with annotations as strings, `@dataclass`
# matches each one against ClassVar/InitVar by regular expression, a third of this module's
# import time.  So every name an annotation uses must be defined above it.

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from reprlib import recursive_repr
from typing import Any, Literal

from s3lint.source import Location
from s3lint.symbols import Unknown, is_certain, is_possible, is_unknown, symbol

SourceFormat = Literal["cloudformation", "terraform", "tfplan", "policy-json"]
PolicyKind = Literal["bucket", "access_point", "identity"]
Certainty = Literal["definite", "possible"]


class _ModelObject:
    """What every model class shares: `__eq__` and `__repr__` as `@dataclass` writes them.

    The classes below are dataclasses (the model dump, the CloudFormation loader and custom
    rules use `dataclasses.fields()` and `replace()`), but `@dataclass` generates each
    method by compiling source text, which made importing this module cost ~15 ms, a tenth
    of a one-file pre-commit run.  So each class writes its `__init__` by hand (kept equal
    to its fields by tests/test_model.py), and equality and repr live here, once.
    """

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, like @dataclass(eq=True)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _field_values(self) == _field_values(other)

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))  # type: ignore[arg-type]
        return f"{self.__class__.__qualname__}({shown})"


def _field_values(obj: _ModelObject) -> tuple[Any, ...]:
    return tuple(getattr(obj, f.name) for f in fields(obj))  # type: ignore[arg-type]


# Dataclasses for `fields()`, with slots; `__init__`, `__eq__` and `__repr__` as above.
_model_class = dataclass(slots=True, init=False, repr=False, eq=False)


@_model_class
class Value(_ModelObject):
    """One value from a template, with its source location and its known/default state."""

    value: Any
    loc: Location
    explicit: bool = True

    def __init__(self, value: Any, loc: Location, explicit: bool = True) -> None:
        self.value = value
        self.loc = loc
        self.explicit = explicit

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


@_model_class
class PrincipalEntry(_ModelObject):
    """One principal: `*` (everyone), or an AWS/Service/Federated/CanonicalUser value."""

    kind: PrincipalKind
    value: Any  # str (possibly with symbols) or Unknown
    loc: Location

    def __init__(self, kind: PrincipalKind, value: Any, loc: Location) -> None:
        self.kind = kind
        self.value = value
        self.loc = loc


@_model_class
class Condition(_ModelObject):
    """One operator/key pair of a Condition block, with its values (OR-ed)."""

    operator: str  # as written, e.g. "ForAnyValue:StringEqualsIfExists"
    key: str
    values: list[Value]
    loc: Location

    def __init__(self, operator: str, key: str, values: list[Value], loc: Location) -> None:
        self.operator = operator
        self.key = key
        self.values = values
        self.loc = loc


@_model_class
class Statement(_ModelObject):
    """One statement of a policy document, with where each of its elements was written."""

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

    def __init__(
        self,
        index: int,
        loc: Location,
        sid: str | None,
        effect: Value,
        principals: list[PrincipalEntry] | None,
        not_principal: bool,
        principal_loc: Location | None,
        actions: list[Value],
        not_action: bool,
        action_loc: Location | None,
        resources: list[Value],
        not_resource: bool,
        resource_loc: Location | None,
        conditions: list[Condition],
        condition_loc: Location | None = None,
        conditional: bool = False,
        unknown_parts: list[str] | None = None,
    ) -> None:
        self.index = index
        self.loc = loc
        self.sid = sid
        self.effect = effect
        self.principals = principals
        self.not_principal = not_principal
        self.principal_loc = principal_loc
        self.actions = actions
        self.not_action = not_action
        self.action_loc = action_loc
        self.resources = resources
        self.not_resource = not_resource
        self.resource_loc = resource_loc
        self.conditions = conditions
        self.condition_loc = condition_loc
        self.conditional = conditional
        self.unknown_parts = [] if unknown_parts is None else unknown_parts


@_model_class
class PolicyProblem(_ModelObject):
    """Something structurally wrong with a policy document, found while reading it."""

    message: str
    loc: Location

    def __init__(self, message: str, loc: Location) -> None:
        self.message = message
        self.loc = loc


@_model_class
class PolicyDocument(_ModelObject):
    """An IAM or S3 policy, read from any format by `s3lint.policy.read_policy`."""

    kind: PolicyKind
    owner: str  # address of the resource that declares the document
    loc: Location
    version: Value
    statements: list[Statement]
    problems: list[PolicyProblem] = field(default_factory=list)
    unknown: Unknown | None = None  # the whole document could not be resolved

    def __init__(
        self,
        kind: PolicyKind,
        owner: str,
        loc: Location,
        version: Value,
        statements: list[Statement],
        problems: list[PolicyProblem] | None = None,
        unknown: Unknown | None = None,
    ) -> None:
        self.kind = kind
        self.owner = owner
        self.loc = loc
        self.version = version
        self.statements = statements
        self.problems = [] if problems is None else problems
        self.unknown = unknown


# ---------------------------------------------------------------------------------------
# Buckets and what configures them
# ---------------------------------------------------------------------------------------


@_model_class
class Grant(_ModelObject):
    """One explicit ACL grant (`AccessControlPolicy`, Terraform `grant {}`)."""

    grantee_type: str  # "Group" | "CanonicalUser" | "AmazonCustomerByEmail" | ...
    grantee: Any  # group URI, canonical id, e-mail; str or Unknown
    permission: Value
    loc: Location

    def __init__(self, grantee_type: str, grantee: Any, permission: Value, loc: Location) -> None:
        self.grantee_type = grantee_type
        self.grantee = grantee
        self.permission = permission
        self.loc = loc


@_model_class
class PublicAccessBlock(_ModelObject):
    """The four Block Public Access settings of a bucket, access point or account."""

    loc: Location
    block_public_acls: Value
    ignore_public_acls: Value
    block_public_policy: Value
    restrict_public_buckets: Value
    owner: str = ""  # address of the resource that declares it

    def __init__(
        self,
        loc: Location,
        block_public_acls: Value,
        ignore_public_acls: Value,
        block_public_policy: Value,
        restrict_public_buckets: Value,
        owner: str = "",
    ) -> None:
        self.loc = loc
        self.block_public_acls = block_public_acls
        self.ignore_public_acls = ignore_public_acls
        self.block_public_policy = block_public_policy
        self.restrict_public_buckets = restrict_public_buckets
        self.owner = owner

    def settings(self) -> dict[str, Value]:
        return {
            "BlockPublicAcls": self.block_public_acls,
            "IgnorePublicAcls": self.ignore_public_acls,
            "BlockPublicPolicy": self.block_public_policy,
            "RestrictPublicBuckets": self.restrict_public_buckets,
        }


@_model_class
class EncryptionRule(_ModelObject):
    """One default-encryption rule of a bucket."""

    algorithm: Value  # "AES256" | "aws:kms" | "aws:kms:dsse" | other | Unknown
    kms_key: Value  # key id/ARN, None when not given
    bucket_key: Value  # bool
    loc: Location

    def __init__(self, algorithm: Value, kms_key: Value, bucket_key: Value, loc: Location) -> None:
        self.algorithm = algorithm
        self.kms_key = kms_key
        self.bucket_key = bucket_key
        self.loc = loc


@_model_class
class Encryption(_ModelObject):
    """A bucket's default encryption configuration."""

    loc: Location
    rules: list[EncryptionRule]

    def __init__(self, loc: Location, rules: list[EncryptionRule]) -> None:
        self.loc = loc
        self.rules = rules


@_model_class
class Versioning(_ModelObject):
    """A bucket's versioning configuration."""

    loc: Location
    status: Value  # "Enabled" | "Suspended" | "Disabled" | Unknown
    mfa_delete: Value  # bool; explicit=False when not set

    def __init__(self, loc: Location, status: Value, mfa_delete: Value) -> None:
        self.loc = loc
        self.status = status
        self.mfa_delete = mfa_delete


@_model_class
class Logging(_ModelObject):
    """A bucket's server access logging configuration."""

    loc: Location
    target_bucket: Value  # bucket identity string (name or symbol), or Unknown
    target_prefix: Value

    def __init__(self, loc: Location, target_bucket: Value, target_prefix: Value) -> None:
        self.loc = loc
        self.target_bucket = target_bucket
        self.target_prefix = target_prefix


@_model_class
class AccessPoint(_ModelObject):
    """An S3 access point of a bucket."""

    address: str
    loc: Location
    policy: PolicyDocument | None
    public_access_block: PublicAccessBlock | None
    network_origin: Value  # "Internet" | "VPC" | Unknown

    def __init__(
        self,
        address: str,
        loc: Location,
        policy: PolicyDocument | None,
        public_access_block: PublicAccessBlock | None,
        network_origin: Value,
    ) -> None:
        self.address = address
        self.loc = loc
        self.policy = policy
        self.public_access_block = public_access_block
        self.network_origin = network_origin


@_model_class
class ObjectAcl(_ModelObject):
    """An object uploaded by the template with a canned ACL or grants."""

    address: str
    loc: Location
    acl: Value
    grants: list[Grant] = field(default_factory=list)

    def __init__(self, address: str, loc: Location, acl: Value, grants: list[Grant] | None = None) -> None:
        self.address = address
        self.loc = loc
        self.acl = acl
        self.grants = [] if grants is None else grants


@_model_class
class ObjectEncryption(_ModelObject):
    """The server-side encryption an object uploaded or copied by the template asks for.

    Only objects that ask for one explicitly are recorded: an object that names none is
    encrypted with its bucket's default encryption, and is judged with the bucket."""

    address: str
    loc: Location
    algorithm: Value  # "AES256" | "aws:kms" | "aws:kms:dsse" | other | Unknown

    def __init__(self, address: str, loc: Location, algorithm: Value) -> None:
        self.address = address
        self.loc = loc
        self.algorithm = algorithm


@_model_class
class Bucket(_ModelObject):
    """One S3 bucket, with every setting that configures it inline or by attachment."""

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

    def __init__(
        self,
        address: str,
        loc: Location,
        source_format: SourceFormat,
        name: Value,
        identity: str,
        declared: bool = True,
        acl: Value | None = None,
        grants: list[Grant] | None = None,
        policies: list[PolicyDocument] | None = None,
        public_access_block: PublicAccessBlock | None = None,
        encryption: Encryption | None = None,
        versioning: Versioning | None = None,
        logging: Logging | None = None,
        ownership: Value | None = None,
        object_lock: Value | None = None,
        website: Value | None = None,
        access_points: list[AccessPoint] | None = None,
        object_acls: list[ObjectAcl] | None = None,
        object_encryptions: list[ObjectEncryption] | None = None,
        tags: dict[str, Any] | None = None,
        conditional: bool = False,
        scope: str = "",
    ) -> None:
        self.address = address
        self.loc = loc
        self.source_format = source_format
        self.name = name
        self.identity = identity
        self.declared = declared
        self.acl = acl
        self.grants = [] if grants is None else grants
        self.policies = [] if policies is None else policies
        self.public_access_block = public_access_block
        self.encryption = encryption
        self.versioning = versioning
        self.logging = logging
        self.ownership = ownership
        self.object_lock = object_lock
        self.website = website
        self.access_points = [] if access_points is None else access_points
        self.object_acls = [] if object_acls is None else object_acls
        self.object_encryptions = [] if object_encryptions is None else object_encryptions
        self.tags = {} if tags is None else tags
        self.conditional = conditional
        self.scope = scope

    @property
    def arn(self) -> str:
        return f"arn:{symbol('AWS::Partition')}:s3:::{self.identity}"


@_model_class
class AccountPublicAccessBlock(_ModelObject):
    """Block Public Access set for the whole account."""

    address: str
    loc: Location
    settings: PublicAccessBlock

    def __init__(self, address: str, loc: Location, settings: PublicAccessBlock) -> None:
        self.address = address
        self.loc = loc
        self.settings = settings


@_model_class
class IdentityPolicy(_ModelObject):
    """An IAM policy attached to users, groups or roles (or standing alone as a file)."""

    address: str
    loc: Location
    document: PolicyDocument

    def __init__(self, address: str, loc: Location, document: PolicyDocument) -> None:
        self.address = address
        self.loc = loc
        self.document = document


@_model_class
class DataEventSelector(_ModelObject):
    """One CloudTrail (advanced) event selector for data events."""

    resource_type: str  # "AWS::S3::Object" etc.; "" for a management-only selector
    values: list[Value]  # ARN prefixes; empty means all
    loc: Location
    read_write: str = "All"  # "All" | "ReadOnly" | "WriteOnly"

    def __init__(
        self,
        resource_type: str,
        values: list[Value],
        loc: Location,
        read_write: str = "All",
    ) -> None:
        self.resource_type = resource_type
        self.values = values
        self.loc = loc
        self.read_write = read_write


@_model_class
class Trail(_ModelObject):
    """A CloudTrail trail, for the data-event rule."""

    address: str
    loc: Location
    data_events: list[DataEventSelector]
    unknown: Unknown | None = None  # selectors could not be resolved
    selectors_loc: Location | None = None  # the EventSelectors / AdvancedEventSelectors element
    is_logging: Value | None = None  # False: the trail exists but records nothing

    def __init__(
        self,
        address: str,
        loc: Location,
        data_events: list[DataEventSelector],
        unknown: Unknown | None = None,
        selectors_loc: Location | None = None,
        is_logging: Value | None = None,
    ) -> None:
        self.address = address
        self.loc = loc
        self.data_events = data_events
        self.unknown = unknown
        self.selectors_loc = selectors_loc
        self.is_logging = is_logging


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


@_model_class
class BucketRef(_ModelObject):
    """How a separate resource names its bucket: by resource address, or by bucket name."""

    address: str | None = None  # resource address / logical id within the same scope
    name: Any = None  # literal or symbolic bucket name, or Unknown

    def __init__(self, address: str | None = None, name: Any = None) -> None:
        self.address = address
        self.name = name


@_model_class
class Attachment(_ModelObject):
    """A setting declared by its own resource, to be attached to the bucket it names."""

    kind: AttachmentKind
    bucket: BucketRef
    payload: Any
    owner: str  # address of the declaring resource
    loc: Location
    scope: str = ""

    def __init__(
        self,
        kind: AttachmentKind,
        bucket: BucketRef,
        payload: Any,
        owner: str,
        loc: Location,
        scope: str = "",
    ) -> None:
        self.kind = kind
        self.bucket = bucket
        self.payload = payload
        self.owner = owner
        self.loc = loc
        self.scope = scope


@_model_class
class LoadError(_ModelObject):
    """A file of ours that could not be read or parsed: reported as S3000."""

    path: str
    message: str
    line: int = 0
    column: int = 0

    def __init__(self, path: str, message: str, line: int = 0, column: int = 0) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column


@_model_class
class Suppression(_ModelObject):
    """A suppression written in a file: a comment, or CloudFormation resource Metadata."""

    path: str
    line: int  # where it is written
    rule_ids: list[str]
    reason: str = ""
    resource: str = ""  # set: applies to every finding of this resource (Metadata form)

    def __init__(
        self,
        path: str,
        line: int,
        rule_ids: list[str],
        reason: str = "",
        resource: str = "",
    ) -> None:
        self.path = path
        self.line = line
        self.rule_ids = rule_ids
        self.reason = reason
        self.resource = resource


@_model_class
class Fragment(_ModelObject):
    """What one loader produced from one file (or one Terraform module)."""

    buckets: list[Bucket] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    account_public_access_blocks: list[AccountPublicAccessBlock] = field(default_factory=list)
    identity_policies: list[IdentityPolicy] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # informational, e.g. skipped remote modules
    suppressions: list[Suppression] = field(default_factory=list)  # from Metadata, not comments

    def __init__(
        self,
        buckets: list[Bucket] | None = None,
        attachments: list[Attachment] | None = None,
        account_public_access_blocks: list[AccountPublicAccessBlock] | None = None,
        identity_policies: list[IdentityPolicy] | None = None,
        trails: list[Trail] | None = None,
        errors: list[LoadError] | None = None,
        notes: list[str] | None = None,
        suppressions: list[Suppression] | None = None,
    ) -> None:
        self.buckets = [] if buckets is None else buckets
        self.attachments = [] if attachments is None else attachments
        self.account_public_access_blocks = [] if account_public_access_blocks is None else account_public_access_blocks
        self.identity_policies = [] if identity_policies is None else identity_policies
        self.trails = [] if trails is None else trails
        self.errors = [] if errors is None else errors
        self.notes = [] if notes is None else notes
        self.suppressions = [] if suppressions is None else suppressions


@_model_class
class ScanModel(_ModelObject):
    """Everything the scan read, linked: the only input of the rules."""

    buckets: list[Bucket] = field(default_factory=list)
    account_public_access_blocks: list[AccountPublicAccessBlock] = field(default_factory=list)
    identity_policies: list[IdentityPolicy] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)

    def __init__(
        self,
        buckets: list[Bucket] | None = None,
        account_public_access_blocks: list[AccountPublicAccessBlock] | None = None,
        identity_policies: list[IdentityPolicy] | None = None,
        trails: list[Trail] | None = None,
        errors: list[LoadError] | None = None,
        notes: list[str] | None = None,
        suppressions: list[Suppression] | None = None,
    ) -> None:
        self.buckets = [] if buckets is None else buckets
        self.account_public_access_blocks = [] if account_public_access_blocks is None else account_public_access_blocks
        self.identity_policies = [] if identity_policies is None else identity_policies
        self.trails = [] if trails is None else trails
        self.errors = [] if errors is None else errors
        self.notes = [] if notes is None else notes
        self.suppressions = [] if suppressions is None else suppressions


@_model_class
class Finding(_ModelObject):
    """One problem a rule found, at one location."""

    rule_id: str
    message: str
    loc: Location
    resource: str
    certainty: Certainty = "definite"
    severity: str | None = None  # overrides the rule's severity (e.g. write access is worse)
    key: str = ""  # what distinguishes two findings of one rule on one resource
    suppression: Any = None  # set by the suppression pass: why this finding is suppressed

    def __init__(
        self,
        rule_id: str,
        message: str,
        loc: Location,
        resource: str,
        certainty: Certainty = "definite",
        severity: str | None = None,
        key: str = "",
        suppression: Any = None,
    ) -> None:
        self.rule_id = rule_id
        self.message = message
        self.loc = loc
        self.resource = resource
        self.certainty = certainty
        self.severity = severity
        self.key = key
        self.suppression = suppression

"""AWS provider resources into the common model.

Inline settings of `aws_s3_bucket` (provider v3) land on the `Bucket`; the split resources of
provider v4+ become `Attachment`s naming their bucket by address (a reference to a bucket
of the same module instance) and by name.  A resource whose `count`/`for_each` is unknown
may not exist: its settings are wrapped so that they are only *possibly* in force.
"""

from __future__ import annotations

from typing import Any, Callable

from s3lint.loaders.terraform.evaluate import HStr, JsonText, TfUnknown, is_unknown
from s3lint.loaders.terraform.module import ModuleInstance, ResourceInstance
from s3lint.loaders.terraform.references import bucket_identity
from s3lint.loaders.terraform.view import View, to_model_bool
from s3lint.model import (
    AccessPoint,
    AccountPublicAccessBlock,
    Attachment,
    AttachmentKind,
    Bucket,
    BucketRef,
    DataEventSelector,
    Encryption,
    EncryptionRule,
    Fragment,
    Grant,
    IdentityPolicy,
    Logging,
    ObjectAcl,
    ObjectEncryption,
    PolicyDocument,
    PolicyKind,
    PublicAccessBlock,
    Trail,
    Value,
    Versioning,
)
from s3lint.source import LDict, LList, Location
from s3lint.symbols import Unknown, has_symbol, symbol

PAB_ARGUMENTS = ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")


class Mapper:
    """Maps the resource instances of one module instance into a fragment."""

    def __init__(self, fragment: Fragment, scope: str, evaluator: Any) -> None:
        self.fragment = fragment
        self.scope = scope
        self.evaluator = evaluator
        self.addresses: dict[str, str] = {}  # bucket identity -> bucket address, this scope

    def run(self, module: ModuleInstance) -> None:
        self.module = module
        keys = list(module.config.resources)
        for mode, kind, name in keys:
            if mode == "managed" and kind == "aws_s3_bucket":
                for instance in self._instances(mode, kind, name):
                    self._guard(instance, self.bucket)
        for mode, kind, name in keys:
            handler = HANDLERS.get(kind) if mode == "managed" else None
            if handler is None:
                continue
            for instance in self._instances(mode, kind, name):
                self._guard(instance, lambda inst, h=handler: h(self, inst))

    def _instances(self, mode: str, kind: str, name: str) -> list[ResourceInstance]:
        instances = self.module.expansion(mode, kind, name)
        return [self.module.resource_instance(mode, kind, name, k, v, instances) for k, v in instances.pairs]

    def _guard(self, instance: ResourceInstance, handler: Callable[[ResourceInstance], None]) -> None:
        try:
            handler(instance)
        except RecursionError:
            self.fragment.notes.append(f"{instance.address}: nested too deeply to read")
        except Exception as error:  # noqa: BLE001 - one odd resource must not lose the module
            self.fragment.notes.append(f"{instance.address}: not read ({type(error).__name__}: {error})")

    def view(self, instance: Any) -> Any:
        if isinstance(instance, ResourceInstance):
            return View(self.evaluator, instance.block, instance.scope, instance.uncertain)
        plan_view = getattr(instance, "plan_view", None)
        if plan_view is not None:  # a resource of a plan JSON (see s3lint.loaders.tfplan)
            return plan_view
        return View(self.evaluator, instance.block, instance.scope, instance.uncertain)

    # -- buckets -------------------------------------------------------------------------------

    def bucket(self, instance: ResourceInstance) -> None:
        view = self.view(instance)
        identity = _identity(instance)
        raw_name = view.raw("bucket")
        if isinstance(raw_name, str) and str(raw_name):
            name = Value(str(raw_name), view.loc("bucket"))
        else:
            reason = "the name is chosen at apply" if raw_name is None or isinstance(raw_name, str) else "the name is known only at plan time"
            name = Value(raw_name if is_unknown(raw_name) else TfUnknown(reason), view.loc("bucket"), explicit=view.has("bucket"))
        bucket = Bucket(
            address=instance.address,
            loc=view.header(),
            source_format="terraform",
            name=name,
            identity=identity,
            conditional=instance.uncertain,
            scope=self.scope,
        )
        self.addresses.setdefault(identity, instance.address)
        if view.has("acl"):
            bucket.acl = view.value("acl")
        for grant_view in view.blocks("grant"):
            bucket.grants.extend(v3_grants(grant_view))
        if view.attribute("policy") is not None and view.raw("policy") is not None:
            document = self.policy(view, "policy", "bucket", instance.address)
            if document is not None:
                bucket.policies.append(document)
        versioning = view.first("versioning")
        if versioning is not None:
            enabled = versioning.value("enabled", False, to_model_bool)
            status_value: Any = enabled.value
            if not is_unknown(status_value):
                status_value = "Enabled" if status_value is True else "Disabled"
            bucket.versioning = Versioning(
                loc=versioning.header(),
                status=Value(status_value, enabled.loc, enabled.explicit),
                mfa_delete=versioning.value("mfa_delete", False, to_model_bool),
            )
        logging = view.first("logging")
        if logging is not None:
            bucket.logging = Logging(logging.header(), logging.value("target_bucket"), logging.value("target_prefix", ""))
        sse = view.first("server_side_encryption_configuration")
        if sse is not None:
            bucket.encryption = Encryption(sse.header(), [rule for rule_view in sse.blocks("rule") for rule in encryption_rules(rule_view)])
        lock = view.first("object_lock_configuration")
        if view.has("object_lock_enabled"):
            bucket.object_lock = view.value("object_lock_enabled", False, to_model_bool)
        elif lock is not None:
            enabled_value = lock.value("object_lock_enabled", "Enabled")
            raw = enabled_value.value
            bucket.object_lock = Value(raw if is_unknown(raw) else raw == "Enabled", lock.header())
        website = view.first("website")
        if website is not None:
            bucket.website = Value(True, website.header())
        tags = view.raw("tags")
        if isinstance(tags, dict):
            bucket.tags = {str(k): v for k, v in tags.items()}
        self.fragment.buckets.append(bucket)

    # -- helpers shared by the split resources -----------------------------------------------

    def bucket_ref(self, view: View, argument: str = "bucket") -> BucketRef:
        raw = view.raw(argument)
        if isinstance(raw, TfUnknown) and raw.token and not raw.alternatives:
            name: Any = symbol(raw.token)
        elif isinstance(raw, str):
            name = str(raw)
            if name.startswith("arn:aws:s3:::"):
                name = name[len("arn:aws:s3:::") :]
        else:
            name = raw if is_unknown(raw) else TfUnknown("the bucket is not known")
        address = self.referenced_bucket(view, argument, name)
        if address is None and isinstance(name, str):
            address = self.addresses.get(name)
        return BucketRef(address=address, name=name)

    def referenced_bucket(self, view: View, argument: str, name: Any) -> str | None:
        """The address of the `aws_s3_bucket` the argument refers to (`aws_s3_bucket.b.id`).

        Several buckets of one module may carry the same literal name (a template that is
        never applied as is, or names made unique elsewhere); the reference, not the name,
        says which bucket a setting belongs to.  The referenced bucket must have the name the
        argument evaluated to, so that `"${aws_s3_bucket.b.id}-logs"` is not taken for `b`."""
        target = view.reference_target(argument)
        if getattr(target, "mode", None) != "managed" or getattr(target, "kind", None) != "aws_s3_bucket":
            return None
        if not isinstance(name, str) or _identity(target) != name:
            return None
        return str(target.address)

    def attach(self, instance: ResourceInstance, kind: AttachmentKind, payload: Any, view: View, argument: str = "bucket") -> None:
        self.fragment.attachments.append(
            Attachment(kind=kind, bucket=self.bucket_ref(view, argument), payload=payload, owner=instance.address, loc=view.header(), scope=self.scope)
        )

    def policy(self, view: View, argument: str, kind: PolicyKind, owner: str, maybe: bool = False) -> PolicyDocument | None:
        raw = view.raw(argument)
        if raw is None:
            return None
        document = read_document(raw, view.loc(argument), kind, owner)
        if maybe or view.uncertain:
            for statement in document.statements:
                statement.conditional = True
        return document

    def public_access_block(self, view: View, owner: str, default: bool = False) -> PublicAccessBlock:
        values = [view.value(argument, default, to_model_bool) for argument in PAB_ARGUMENTS]
        if view.uncertain:
            values = [maybe(value, default) for value in values]
        return PublicAccessBlock(view.header(), *values, owner=owner)


def _identity(instance: Any) -> str:
    """What the bucket's `id`/`bucket` resolve to (a plan resource knows its own)."""
    if isinstance(instance, ResourceInstance):
        return bucket_identity(instance)
    return instance.identity() if hasattr(instance, "identity") else bucket_identity(instance)


def maybe(value: Value, absent: Any) -> Value:
    """A setting of a resource that may not exist: either it, or what holds without it."""
    if is_unknown(value.value) or value.value == absent:
        return value
    return Value(TfUnknown("the resource may not exist", alternatives=(value.value, absent)), value.loc, value.explicit)


# ---------------------------------------------------------------------------------------
# Settings read from blocks
# ---------------------------------------------------------------------------------------


def v3_grants(view: View) -> list[Grant]:
    """Provider v3 `grant { type, uri/id, permissions = [...] }`: one Grant per permission."""
    grantee_type = view.raw("type")
    grantee = view.raw("uri") if grantee_type == "Group" else view.raw("id")
    if grantee is None:
        grantee = view.raw("uri") or view.raw("id") or TfUnknown("grantee not given")
    permissions = view.raw("permissions")
    loc = view.loc("permissions")
    if is_unknown(permissions) or not isinstance(permissions, list):
        return [Grant(str(grantee_type) if isinstance(grantee_type, str) else "?", grantee, Value(permissions if is_unknown(permissions) else TfUnknown("permissions unknown"), loc), view.header())]
    return [Grant(str(grantee_type) if isinstance(grantee_type, str) else "?", grantee, Value(permission, loc), view.header()) for permission in permissions]


def acp_grants(view: View) -> list[Grant]:
    """Provider v4 `access_control_policy { grant { grantee { type, uri } permission } }`."""
    grants: list[Grant] = []
    for grant_view in view.blocks("grant"):
        grantee_view = grant_view.first("grantee")
        grantee_type: Any = "?"
        grantee: Any = TfUnknown("grantee not given")
        if grantee_view is not None:
            grantee_type = grantee_view.raw("type")
            for argument in ("uri", "id", "email_address"):
                value = grantee_view.raw(argument)
                if value is not None:
                    grantee = value
                    break
        grants.append(Grant(str(grantee_type) if isinstance(grantee_type, str) else "?", grantee, grant_view.value("permission"), grant_view.header()))
    return grants


def encryption_rules(view: View) -> list[EncryptionRule]:
    default = view.first("apply_server_side_encryption_by_default")
    bucket_key = view.value("bucket_key_enabled", False, to_model_bool)
    if default is None:
        return [EncryptionRule(Value(None, view.header(), explicit=False), Value(None, view.header(), explicit=False), bucket_key, view.header())]
    algorithm = default.value("sse_algorithm")
    kms_key = default.value("kms_master_key_id")
    if kms_key.value == "":  # the provider treats an empty key id as no key
        kms_key = Value(None, kms_key.loc, explicit=False)
    if view.uncertain:
        algorithm = maybe(algorithm, None)
    return [EncryptionRule(algorithm, kms_key, bucket_key, default.header())]


def read_document(raw: Any, loc: Location, kind: PolicyKind, owner: str) -> PolicyDocument:
    from s3lint.policy.document import read_policy

    tree, path = policy_tree(raw, loc)
    default_pos = (loc.line, loc.column) if path == loc.path else (getattr(tree, "line", 0) or 1, getattr(tree, "column", 0) or 1)
    document = read_policy(tree, kind=kind, owner=owner, path=path, default_pos=default_pos)
    if path != loc.path and not document.loc.line:
        document.loc = loc
    return document


def policy_tree(raw: Any, loc: Location) -> tuple[Any, str]:
    """The located JSON tree of a policy value, and the file its positions belong to."""
    from s3lint.loaders.terraform.functions import parse_json_located

    if isinstance(raw, JsonText):
        tree: Any = raw.tree
    elif isinstance(raw, str) and not is_unknown(raw):
        path = getattr(raw, "path", "") or loc.path
        try:
            tree = parse_json_located(str(raw), path, getattr(raw, "line", 0), getattr(raw, "column", 0))
        except ValueError:
            if has_symbol(raw):
                return TfUnknown("the policy JSON is built from values known only after apply"), loc.path
            return (raw if isinstance(raw, HStr) and raw.path == loc.path else HStr(str(raw), loc.line, loc.column, loc.path)), loc.path
        # Built just now, every node in `path`: `localize` would make an identical copy.
        return tree, getattr(tree, "path", "") or loc.path
    else:
        tree = raw
    if isinstance(tree, Unknown):
        tree.line, tree.column = tree.line or loc.line, tree.column or loc.column
        return tree, loc.path
    path = getattr(tree, "path", "") or loc.path
    return localize(tree, path), path


def localize(tree: Any, path: str) -> Any:
    """A copy of the tree in which only positions written in `path` are kept: a policy
    assembled from several files is reported in one, the others fall back to the nearest
    located ancestor."""
    from s3lint.loaders.terraform.evaluate import HDict, HList

    def convert(node: Any) -> Any:
        if isinstance(node, str):
            if isinstance(node, JsonText):
                return node
            if getattr(node, "path", path) == path:
                return HStr(node, getattr(node, "line", 0), getattr(node, "column", 0), path)
            return HStr(node, 0, 0, path)
        if isinstance(node, dict):
            if getattr(node, "path", path) == path:
                return HDict(line=getattr(node, "line", 0), column=getattr(node, "column", 0), path=path)
            return HDict(path=path)
        if isinstance(node, list):
            if getattr(node, "path", path) == path:
                return HList(line=getattr(node, "line", 0), column=getattr(node, "column", 0), path=path)
            return HList(path=path)
        return node

    nowhere = (0, 0)
    root = convert(tree)
    stack = [(tree, root)]
    while stack:
        source, target = stack.pop()
        # Positions are copied only from located containers of this file.
        located = isinstance(source, (LDict, LList)) and getattr(source, "path", path) == path
        if isinstance(source, dict):
            if located:
                key_positions, value_positions = source.key_positions, source.value_positions
                own = (source.line, source.column)
            for key, value in source.items():
                child = convert(value)
                if located:
                    target.set_located(key, child, key_positions.get(key) or own, value_positions.get(key) or nowhere)
                else:
                    target.set_located(key, child, nowhere, nowhere)
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
        elif isinstance(source, list):
            for index, value in enumerate(source):
                child = convert(value)
                target.append_located(child, source.item_pos(index) if located else nowhere)
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
    return root


# ---------------------------------------------------------------------------------------
# One handler per resource type
# ---------------------------------------------------------------------------------------


def _bucket_acl(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    if view.has("acl"):
        acl = view.value("acl")
        mapper.attach(instance, "acl", maybe(acl, "private") if view.uncertain else acl, view)
    acp = view.first("access_control_policy")
    if acp is not None:
        mapper.attach(instance, "grants", acp_grants(acp), view)


def _bucket_policy(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    document = mapper.policy(view, "policy", "bucket", instance.address)
    if document is not None:
        mapper.attach(instance, "policy", document, view)


def _public_access_block(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    mapper.attach(instance, "public_access_block", mapper.public_access_block(view, instance.address), view)


def _encryption(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    rules = [rule for rule_view in view.blocks("rule") for rule in encryption_rules(rule_view)]
    mapper.attach(instance, "encryption", Encryption(view.header(), rules), view)


def _versioning(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    config = view.first("versioning_configuration")
    if config is None:
        versioning = Versioning(view.header(), Value(TfUnknown("no versioning_configuration"), view.header(), False), Value(False, view.header(), False))
    else:
        mfa = config.value("mfa_delete", "Disabled")
        mfa_value = mfa.value if is_unknown(mfa.value) else mfa.value == "Enabled"
        status = config.value("status")
        versioning = Versioning(config.header(), maybe(status, "Disabled") if view.uncertain else status, Value(mfa_value, mfa.loc, mfa.explicit))
    mapper.attach(instance, "versioning", versioning, view)


def _logging(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    mapper.attach(instance, "logging", Logging(view.header(), view.value("target_bucket"), view.value("target_prefix", "")), view)


def _ownership(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    rule = view.first("rule")
    if rule is not None:
        ownership = rule.value("object_ownership")
        # Without the resource, new buckets have ACLs disabled (BucketOwnerEnforced).
        mapper.attach(instance, "ownership", maybe(ownership, "BucketOwnerEnforced") if view.uncertain else ownership, view)


def _object_lock(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    enabled = view.value("object_lock_enabled", "Enabled")
    raw = enabled.value
    mapper.attach(instance, "object_lock", Value(raw if is_unknown(raw) else raw == "Enabled", view.header()), view)


def _website(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    mapper.attach(instance, "website", Value(True, view.header()), view)


def _account_public_access_block(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    mapper.fragment.account_public_access_blocks.append(
        AccountPublicAccessBlock(instance.address, view.header(), mapper.public_access_block(view, instance.address))
    )


def _access_point(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    pab_view = view.first("public_access_block_configuration")
    # An access point blocks all public access unless told otherwise (provider and AWS default).
    pab = mapper.public_access_block(pab_view, instance.address, default=True) if pab_view is not None else None
    origin = "VPC" if view.first("vpc_configuration") is not None else "Internet"
    point = AccessPoint(
        address=instance.address,
        loc=view.header(),
        policy=mapper.policy(view, "policy", "access_point", instance.address),
        public_access_block=pab,
        network_origin=Value(origin, view.header(), explicit=False),
    )
    mapper.attach(instance, "access_point", point, view)


def _object(mapper: Mapper, instance: ResourceInstance) -> None:
    """`aws_s3_object`, `aws_s3_bucket_object` and `aws_s3_object_copy`: ACL and encryption."""
    view = mapper.view(instance)
    algorithm = object_encryption(view)
    if algorithm is not None:
        if view.uncertain:
            algorithm = maybe(algorithm, None)
        mapper.attach(instance, "object_encryption", ObjectEncryption(instance.address, view.header(), algorithm), view)
    grants = [grant for grant_view in view.blocks("grant") for grant in v3_grants(grant_view)]
    if not view.has("acl") and not grants:
        return
    acl = view.value("acl", "private")
    mapper.attach(instance, "object_acl", ObjectAcl(instance.address, view.header(), acl, grants), view)


def object_encryption(view: View) -> Value | None:
    """The encryption an object upload or copy asks for; None when it asks for none.

    The provider sends `kms_key_id` with `x-amz-server-side-encryption: aws:kms`; with a key
    and `server_side_encryption = "AES256"` S3 either gets aws:kms (older providers) or
    rejects the request, never stores the object under SSE-S3, so a key means KMS."""
    kms_key = view.raw("kms_key_id")
    has_key = kms_key is not None and kms_key != ""
    if has_key and not is_unknown(kms_key):
        return Value("aws:kms", view.loc("kms_key_id"))
    requested = view.value("server_side_encryption") if view.has("server_side_encryption") else None
    if has_key:  # a key that may turn out null: KMS, or whatever else the request asks for
        otherwise = requested.value if requested is not None else None
        return Value(TfUnknown("kms_key_id may be null", alternatives=("aws:kms", otherwise)), view.loc("kms_key_id"))
    return requested


def _identity_policy(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    document = mapper.policy(view, "policy", "identity", instance.address)
    if document is not None:
        mapper.fragment.identity_policies.append(IdentityPolicy(instance.address, view.header(), document))


def _role(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    for inline in view.blocks("inline_policy"):
        document = mapper.policy(inline, "policy", "identity", instance.address)
        if document is not None:
            mapper.fragment.identity_policies.append(IdentityPolicy(instance.address, inline.header(), document))


def _cloudtrail(mapper: Mapper, instance: ResourceInstance) -> None:
    view = mapper.view(instance)
    trail = Trail(instance.address, view.header(), [])
    if view.has("enable_logging"):
        trail.is_logging = view.value("enable_logging", True, to_model_bool)
    first_selector = view.first("event_selector") or view.first("advanced_event_selector")
    if first_selector is not None:
        trail.selectors_loc = first_selector.header()
    for selector in view.blocks("event_selector"):
        read_write = selector.raw("read_write_type")
        for resource in selector.blocks("data_resource"):
            resource_type = resource.raw("type")
            values = resource.raw("values")
            if is_unknown(resource_type) or is_unknown(values):
                trail.unknown = TfUnknown("event selector unknown")
                continue
            items = values if isinstance(values, list) else []
            value_loc = resource.loc("values")
            trail.data_events.append(
                DataEventSelector(
                    str(resource_type or ""),
                    [Value(item, value_loc) for item in items],
                    resource.header(),
                    str(read_write) if isinstance(read_write, str) else "All",
                )
            )
    for advanced in view.blocks("advanced_event_selector"):
        fields: dict[str, tuple[View, Any]] = {}
        for field_view in advanced.blocks("field_selector"):
            field_name = field_view.raw("field")
            if isinstance(field_name, str):
                fields[str(field_name)] = (field_view, field_view)
        type_selector = fields.get("resources.type")
        if type_selector is None:
            continue
        equals = type_selector[0].raw("equals")
        if is_unknown(equals):
            trail.unknown = TfUnknown("advanced event selector unknown")
            continue
        for resource_type in equals if isinstance(equals, list) else []:
            values: list[Value] = []
            arn_selector = fields.get("resources.ARN")
            if arn_selector is not None:
                arn_view = arn_selector[0]
                for argument in ("starts_with", "equals"):
                    raw = arn_view.raw(argument)
                    if isinstance(raw, list):
                        values.extend(Value(item, arn_view.loc(argument)) for item in raw)
            read_write = "All"
            read_only = fields.get("readOnly")
            if read_only is not None:
                flags = read_only[0].raw("equals")
                if isinstance(flags, list) and len(flags) == 1:
                    read_write = "ReadOnly" if flags[0] == "true" else "WriteOnly"
            trail.data_events.append(DataEventSelector(str(resource_type), values, advanced.header(), read_write))
    mapper.fragment.trails.append(trail)


HANDLERS: dict[str, Callable[[Mapper, ResourceInstance], None]] = {
    "aws_s3_bucket_acl": _bucket_acl,
    "aws_s3_bucket_policy": _bucket_policy,
    "aws_s3_bucket_public_access_block": _public_access_block,
    "aws_s3_bucket_server_side_encryption_configuration": _encryption,
    "aws_s3_bucket_versioning": _versioning,
    "aws_s3_bucket_logging": _logging,
    "aws_s3_bucket_ownership_controls": _ownership,
    "aws_s3_bucket_object_lock_configuration": _object_lock,
    "aws_s3_bucket_website_configuration": _website,
    "aws_s3_account_public_access_block": _account_public_access_block,
    "aws_s3_access_point": _access_point,
    "aws_s3_object": _object,
    "aws_s3_bucket_object": _object,
    "aws_s3_object_copy": _object,
    "aws_iam_policy": _identity_policy,
    "aws_iam_role_policy": _identity_policy,
    "aws_iam_user_policy": _identity_policy,
    "aws_iam_group_policy": _identity_policy,
    "aws_iam_role": _role,
    "aws_cloudtrail": _cloudtrail,
}

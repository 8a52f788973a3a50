"""CloudFormation (and SAM, and CDK's `cdk.out/*.template.json`) templates into the model.

The template arrives as a located tree from `parse_yaml`/`parse_json`.  Each resource that
matters to S3 security is resolved with `cfn_intrinsics.Resolver` (parameters' defaults,
conditions, `Fn::Sub`, ...) and turned into model objects; every setting becomes a `Value` at
the position where it is written, or `explicit=False` at its owning block when it is absent.

A broken resource (not a mapping, a property of the wrong type) is skipped or read as far as
it makes sense: only a template whose `Resources` cannot be read at all is a `LoadError`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from s3lint.loaders.cfn_intrinsics import BUCKET_TYPE, Resolver, SymbolicUnknown, is_intrinsic
from s3lint.model import (
    AccessPoint,
    AccountPublicAccessBlock,
    Attachment,
    Bucket,
    BucketRef,
    DataEventSelector,
    Encryption,
    EncryptionRule,
    Fragment,
    IdentityPolicy,
    LoadError,
    Logging,
    PolicyDocument,
    PublicAccessBlock,
    Suppression,
    Trail,
    Value,
    Versioning,
)
from s3lint.source import LDict, LList, Location, Pos, SourceError, pos_of
from s3lint.symbols import NO_VALUE, SYMBOL_OPEN, Unknown, has_symbol, render

# AccessControl as CloudFormation spells it -> the canned ACL as S3 spells it.
CANNED_ACLS = {
    "Private": "private",
    "PublicRead": "public-read",
    "PublicReadWrite": "public-read-write",
    "AuthenticatedRead": "authenticated-read",
    "LogDeliveryWrite": "log-delivery-write",
    "BucketOwnerRead": "bucket-owner-read",
    "BucketOwnerFullControl": "bucket-owner-full-control",
    "AwsExecRead": "aws-exec-read",
}

_PAB_KEYS = (
    ("BlockPublicAcls", "block_public_acls"),
    ("IgnorePublicAcls", "ignore_public_acls"),
    ("BlockPublicPolicy", "block_public_policy"),
    ("RestrictPublicBuckets", "restrict_public_buckets"),
)
_IDENTITY_POLICY_HOLDERS = (
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::Serverless::Function",
    "AWS::Serverless::StateMachine",
)


def is_cloudformation(tree: Any) -> bool:
    """A template: `AWSTemplateFormatVersion`, or `Resources` with an AWS/custom resource."""
    if not isinstance(tree, dict):
        return False
    if "AWSTemplateFormatVersion" in tree:
        return True
    resources = tree.get("Resources")
    if not isinstance(resources, dict):
        return False
    for resource in resources.values():
        if isinstance(resource, dict):
            kind = resource.get("Type")
            if isinstance(kind, str) and kind.startswith(("AWS::", "Custom::")):
                return True
    return False


def load_cloudformation(tree: Any, path: str) -> Fragment:
    fragment = Fragment()
    if not isinstance(tree, dict):
        fragment.errors.append(LoadError(path, "a CloudFormation template must be a mapping", *_pos(tree)))
        return fragment
    resources = tree.get("Resources")
    if resources is None:
        return fragment
    if not isinstance(resources, dict):
        line, column = _value_pos(tree, "Resources")
        fragment.errors.append(LoadError(path, "Resources must be a mapping of logical ids to resources", line, column))
        return fragment
    loader = _TemplateLoader(tree, resources, path, fragment)
    loader.load()
    return fragment


class _TemplateLoader:
    def __init__(self, tree: dict, resources: dict, path: str, fragment: Fragment) -> None:
        self.resolver = Resolver(tree)
        self.resources = resources
        self.path = path
        self.fragment = fragment

    # -- locations ------------------------------------------------------------------------

    def loc(self, pos: Pos) -> Location:
        return Location(self.path, pos[0] or 1, pos[1] or 1)

    def value_loc(self, mapping: Any, key: str, fallback: Location) -> Location:
        """Where the value of `key` is written: its own position, else the mapping's record."""
        value = mapping.get(key) if isinstance(mapping, dict) else None
        line = getattr(value, "line", 0)
        if line:  # `self.loc(pos_of(value))`, inlined: every setting read comes here
            return Location(self.path, line, getattr(value, "column", 1) or 1)
        if isinstance(mapping, LDict) and key in mapping:
            pos = mapping.value_pos(key)
            if pos[0]:
                return self.loc(pos)
        return fallback

    def key_loc(self, mapping: Any, key: str, fallback: Location) -> Location:
        if isinstance(mapping, LDict) and key in mapping.key_positions:
            return self.loc(mapping.key_positions[key])
        return fallback

    # -- the walk ---------------------------------------------------------------------------

    def load(self) -> None:
        for logical_id, resource in self.resources.items():
            if not isinstance(logical_id, str) or not isinstance(resource, dict):
                continue
            kind = resource.get("Type")
            if not isinstance(kind, str):
                continue
            if "Metadata" in resource:
                self.suppressions(logical_id, resource, kind)
            handler = _HANDLERS.get(kind)
            if handler is None:
                continue
            if isinstance(self.resources, LDict) and logical_id in self.resources.key_positions:
                header = self.loc(self.resources.key_positions[logical_id])
            else:
                header = self.loc(_pos(resource))
            conditional = False
            if "Condition" in resource:
                decided = self.resolver.condition(resource["Condition"])
                if decided is False:
                    continue  # never created with the template's defaults
                conditional = decided is None
            handler(self, logical_id, resource, header, conditional)

    def properties(self, resource: dict) -> LDict:
        resolved = self.resolver.resolve(resource.get("Properties"))
        return resolved if isinstance(resolved, LDict) else LDict()

    # -- buckets --------------------------------------------------------------------------

    def bucket(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        identity = self.resolver.bucket_identity(logical_id)
        if "BucketName" in props:
            name = Value(props["BucketName"], self.value_loc(props, "BucketName", header))
        else:
            name = Value(identity, header, explicit=False)
        bucket = Bucket(
            address=logical_id,
            loc=header,
            source_format="cloudformation",
            name=name,
            identity=identity,
            conditional=conditional,
            scope=self.path,
        )
        if "AccessControl" in props:
            bucket.acl = Value(
                _map_enum(props["AccessControl"], lambda v: CANNED_ACLS.get(v, v) if isinstance(v, str) else v),
                self.value_loc(props, "AccessControl", header),
            )
        bucket.public_access_block = self.block(props, "PublicAccessBlockConfiguration", header, self.public_access_block)
        bucket.encryption = self.block(props, "BucketEncryption", header, self.encryption)
        bucket.versioning = self.block(props, "VersioningConfiguration", header, self.versioning)
        bucket.logging = self.block(
            props, "LoggingConfiguration", header, lambda raw, loc: self.logging(raw, loc, identity)
        )
        bucket.ownership = self.ownership(props, header)
        bucket.object_lock = self.object_lock(props, header)
        if "WebsiteConfiguration" in props:
            bucket.website = Value(
                _map_present(props["WebsiteConfiguration"]), self.key_loc(props, "WebsiteConfiguration", header)
            )
        bucket.tags = _tags(props.get("Tags"))
        self.fragment.buckets.append(bucket)

    def block(self, props: LDict, key: str, header: Location, read: Callable[[Any, Location], Any]) -> Any:
        """Read one configuration block; an undecidable `Fn::If` gives a block of Unknowns."""
        if key not in props:
            return None
        raw = props[key]
        loc = self.key_loc(props, key, header)
        if isinstance(raw, str) and has_symbol(raw):  # e.g. an imported value: content unknown
            line, column = pos_of(raw)
            raw = Unknown(f"{key} is {render(raw)}, not known statically", line=line, column=column)
        if not isinstance(raw, Unknown):
            return read(raw, loc)
        alternatives = _flatten(raw)
        if alternatives is None:
            return _unknown_block(read(LDict(), loc), raw, loc)
        if all(alternative is NO_VALUE for alternative in alternatives):
            return None
        models = [None if alternative is NO_VALUE else read(alternative, loc) for alternative in alternatives]
        return _merge_models(models, raw, loc)

    def public_access_block(self, raw: Any, loc: Location, owner: str = "") -> PublicAccessBlock:
        settings = raw if isinstance(raw, dict) else {}
        values = {}
        for key, field in _PAB_KEYS:
            if key in settings:
                values[field] = Value(_boolean(settings[key]), self.value_loc(settings, key, loc))
            else:
                values[field] = Value(False, loc, explicit=False)  # absent in a present block: false
        return PublicAccessBlock(loc=loc, owner=owner, **values)

    def encryption(self, raw: Any, loc: Location) -> Encryption:
        config = raw.get("ServerSideEncryptionConfiguration") if isinstance(raw, dict) else None
        rules: list[EncryptionRule] = []
        if isinstance(config, Unknown):
            rules.append(
                EncryptionRule(Value(config, loc), Value(config, loc), Value(config, loc), loc)
            )
        elif isinstance(config, list):
            for index, rule in enumerate(config):
                rule_loc = self.loc(config.item_pos(index)) if isinstance(config, LList) else loc
                rules.append(self.encryption_rule(rule, rule_loc))
        return Encryption(loc=loc, rules=rules)

    def encryption_rule(self, rule: Any, loc: Location) -> EncryptionRule:
        if isinstance(rule, Unknown):
            return EncryptionRule(Value(rule, loc), Value(rule, loc), Value(rule, loc), loc)
        rule = rule if isinstance(rule, dict) else {}
        by_default = rule.get("ServerSideEncryptionByDefault")
        default_loc = self.key_loc(rule, "ServerSideEncryptionByDefault", loc)
        if isinstance(by_default, Unknown):
            algorithm = Value(by_default, default_loc)
            kms_key = Value(by_default, default_loc)
        else:
            by_default = by_default if isinstance(by_default, dict) else {}
            if "SSEAlgorithm" in by_default:
                algorithm = Value(
                    _enum_free(by_default["SSEAlgorithm"]), self.value_loc(by_default, "SSEAlgorithm", default_loc)
                )
            else:
                algorithm = Value(None, default_loc, explicit=False)
            if "KMSMasterKeyID" in by_default:
                kms_key = Value(by_default["KMSMasterKeyID"], self.value_loc(by_default, "KMSMasterKeyID", default_loc))
            else:
                kms_key = Value(None, default_loc, explicit=False)
        if "BucketKeyEnabled" in rule:
            bucket_key = Value(_boolean(rule["BucketKeyEnabled"]), self.value_loc(rule, "BucketKeyEnabled", loc))
        else:
            bucket_key = Value(False, loc, explicit=False)
        return EncryptionRule(algorithm=algorithm, kms_key=kms_key, bucket_key=bucket_key, loc=loc)

    def versioning(self, raw: Any, loc: Location) -> Versioning:
        config = raw if isinstance(raw, dict) else {}
        if "Status" in config:
            status = Value(_enum_free(config["Status"]), self.value_loc(config, "Status", loc))
        else:
            status = Value(None, loc, explicit=False)
        # CloudFormation cannot turn on MFA delete: only the root user's API call can.
        return Versioning(loc=loc, status=status, mfa_delete=Value(False, loc, explicit=False))

    def logging(self, raw: Any, loc: Location, own_identity: str) -> Logging:
        config = raw if isinstance(raw, dict) else {}
        if "DestinationBucketName" in config:
            target = Value(config["DestinationBucketName"], self.value_loc(config, "DestinationBucketName", loc))
        else:
            target = Value(own_identity, loc, explicit=False)  # AWS: no destination logs to the bucket itself
        if "LogFilePrefix" in config:
            prefix = Value(config["LogFilePrefix"], self.value_loc(config, "LogFilePrefix", loc))
        else:
            prefix = Value(None, loc, explicit=False)
        return Logging(loc=loc, target_bucket=target, target_prefix=prefix)

    def ownership(self, props: LDict, header: Location) -> Value | None:
        if "OwnershipControls" not in props:
            return None
        controls = props["OwnershipControls"]
        loc = self.key_loc(props, "OwnershipControls", header)
        if isinstance(controls, Unknown):
            return Value(_map_enum(controls, _first_ownership), loc)
        rules = controls.get("Rules") if isinstance(controls, dict) else None
        if isinstance(rules, Unknown):
            return Value(rules, loc)
        if not isinstance(rules, list) or not rules:
            return None
        rule = rules[0]
        if isinstance(rule, Unknown):
            return Value(rule, loc)
        if not isinstance(rule, dict) or "ObjectOwnership" not in rule:
            return None
        return Value(_enum_free(rule["ObjectOwnership"]), self.value_loc(rule, "ObjectOwnership", loc))

    def object_lock(self, props: LDict, header: Location) -> Value | None:
        if "ObjectLockEnabled" in props:
            return Value(_boolean(props["ObjectLockEnabled"]), self.value_loc(props, "ObjectLockEnabled", header))
        config = props.get("ObjectLockConfiguration")
        if isinstance(config, dict) and "ObjectLockEnabled" in config:
            enabled = _map_enum(config["ObjectLockEnabled"], lambda v: v == "Enabled")
            return Value(enabled, self.value_loc(config, "ObjectLockEnabled", header))
        return None

    # -- resources that name a bucket -------------------------------------------------------

    def bucket_ref(self, raw_properties: Any, props: LDict) -> BucketRef:
        """How a bucket policy or access point names its bucket."""
        raw = raw_properties.get("Bucket") if isinstance(raw_properties, dict) else None
        if is_intrinsic(raw) and "Ref" in raw:
            target = raw["Ref"]
            if self.resolver.resource_type(target) == BUCKET_TYPE:
                return BucketRef(address=str(target))
        resolved = props.get("Bucket")
        if isinstance(resolved, str) and resolved:
            for logical_id, resource in self.resources.items():
                if isinstance(resource, dict) and resource.get("Type") == BUCKET_TYPE:
                    if self.resolver.bucket_identity(logical_id) == resolved:
                        return BucketRef(address=str(logical_id))
            return BucketRef(name=str(resolved))
        if isinstance(resolved, Unknown):
            return BucketRef(name=resolved)
        return BucketRef(name=Unknown("the bucket is not named"))

    def policy_document(self, raw: Any, kind: str, owner: str, default: Location) -> PolicyDocument:
        from s3lint.policy.document import read_policy

        if isinstance(raw, str) and not has_symbol(raw):
            raw = _parse_embedded_json(raw)
        position = (default.line, default.column)
        return read_policy(
            raw, kind=kind, owner=owner, path=self.path, default_pos=position, anchor_pos=position  # type: ignore[arg-type]
        )

    def bucket_policy(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        document = self.policy_document(
            props.get("PolicyDocument"), "bucket", logical_id, self.key_loc(props, "PolicyDocument", header)
        )
        if conditional:
            for statement in document.statements:
                statement.conditional = True
        self.fragment.attachments.append(
            Attachment(
                kind="policy",
                bucket=self.bucket_ref(resource.get("Properties"), props),
                payload=document,
                owner=logical_id,
                loc=header,
                scope=self.path,
            )
        )

    def access_point(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        policy = None
        if "Policy" in props:
            policy = self.policy_document(props["Policy"], "access_point", logical_id, self.key_loc(props, "Policy", header))
            if conditional:
                for statement in policy.statements:
                    statement.conditional = True
        block = self.block(
            props,
            "PublicAccessBlockConfiguration",
            header,
            lambda raw, loc: self.public_access_block(raw, loc, owner=logical_id),
        )
        if "VpcConfiguration" in props:
            origin = Value(
                _map_present(props["VpcConfiguration"], present="VPC", absent="Internet"),
                self.key_loc(props, "VpcConfiguration", header),
            )
        else:
            origin = Value("Internet", header, explicit=False)
        point = AccessPoint(
            address=logical_id, loc=header, policy=policy, public_access_block=block, network_origin=origin
        )
        self.fragment.attachments.append(
            Attachment(
                kind="access_point",
                bucket=self.bucket_ref(resource.get("Properties"), props),
                payload=point,
                owner=logical_id,
                loc=header,
                scope=self.path,
            )
        )

    def account_public_access_block(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        if "PublicAccessBlockConfiguration" in props:
            settings = self.block(
                props,
                "PublicAccessBlockConfiguration",
                header,
                lambda raw, loc: self.public_access_block(raw, loc, owner=logical_id),
            )
        else:
            settings = self.public_access_block(props, header, owner=logical_id)
        if settings is not None:
            self.fragment.account_public_access_blocks.append(AccountPublicAccessBlock(logical_id, header, settings))

    # -- identity policies ------------------------------------------------------------------

    def identity_policy(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        if "PolicyDocument" not in props:
            return
        document = self.policy_document(
            props["PolicyDocument"], "identity", logical_id, self.key_loc(props, "PolicyDocument", header)
        )
        self.fragment.identity_policies.append(IdentityPolicy(address=logical_id, loc=header, document=document))

    def inline_policies(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        policies = props.get("Policies")
        if not isinstance(policies, list):
            return
        for index, entry in enumerate(policies):
            candidates = _flatten(entry) if isinstance(entry, Unknown) else [entry]
            for candidate in candidates or []:
                if not isinstance(candidate, dict) or "PolicyDocument" not in candidate:
                    continue
                address = f"{logical_id}.Policies[{index}]"
                entry_loc = self.loc(policies.item_pos(index)) if isinstance(policies, LList) else header
                document = self.policy_document(
                    candidate["PolicyDocument"], "identity", address, self.key_loc(candidate, "PolicyDocument", entry_loc)
                )
                if isinstance(entry, Unknown):
                    for statement in document.statements:
                        statement.conditional = True
                self.fragment.identity_policies.append(IdentityPolicy(address=address, loc=header, document=document))

    def serverless_policies(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        """SAM `Policies`: each entry that is a policy document becomes an inline policy of the
        role SAM generates; managed policy names and SAM policy templates are not read."""
        props = self.properties(resource)
        policies = props.get("Policies")
        entries = policies if isinstance(policies, list) else [policies]
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or "Statement" not in entry:
                continue
            address = f"{logical_id}.Policies[{index}]"
            document = self.policy_document(entry, "identity", address, self.loc(_pos(entry)))
            self.fragment.identity_policies.append(IdentityPolicy(address=address, loc=header, document=document))

    # -- CloudTrail -----------------------------------------------------------------------

    def trail(self, logical_id: str, resource: dict, header: Location, conditional: bool) -> None:
        props = self.properties(resource)
        trail = Trail(address=logical_id, loc=header, data_events=[])
        self.fragment.trails.append(trail)
        if "IsLogging" in props:  # false: the selectors below record nothing
            trail.is_logging = Value(_boolean(props["IsLogging"]), self.value_loc(props, "IsLogging", header))
        for key in ("EventSelectors", "AdvancedEventSelectors"):
            if key not in props:
                continue
            if trail.selectors_loc is None:
                trail.selectors_loc = self.key_loc(props, key, header)
            selectors = props[key]
            if isinstance(selectors, Unknown):
                trail.unknown = selectors
                continue
            if not isinstance(selectors, list):
                continue
            for index, selector in enumerate(selectors):
                loc = self.loc(selectors.item_pos(index)) if isinstance(selectors, LList) else header
                if isinstance(selector, Unknown):
                    trail.unknown = selector
                elif isinstance(selector, dict):
                    read = self.event_selector if key == "EventSelectors" else self.advanced_selector
                    trail.data_events.extend(read(selector, loc))

    def event_selector(self, selector: dict, loc: Location) -> list[DataEventSelector]:
        read_write = selector.get("ReadWriteType")
        read_write = read_write if isinstance(read_write, str) and not has_symbol(read_write) else "All"
        resources = selector.get("DataResources")
        out: list[DataEventSelector] = []
        if not isinstance(resources, list):
            return out
        for index, resource in enumerate(resources):
            if not isinstance(resource, dict):
                continue
            resource_loc = self.loc(resources.item_pos(index)) if isinstance(resources, LList) else loc
            kind = resource.get("Type")
            values = resource.get("Values")
            out.append(
                DataEventSelector(
                    resource_type=str(kind) if isinstance(kind, str) else "",
                    values=self.values(values, self.value_loc(resource, "Values", resource_loc)),
                    loc=resource_loc,
                    read_write=read_write,
                )
            )
        return out

    def advanced_selector(self, selector: dict, loc: Location) -> list[DataEventSelector]:
        fields = selector.get("FieldSelectors")
        if not isinstance(fields, list):
            return []
        by_field: dict[str, dict] = {}
        for field in fields:
            if isinstance(field, dict) and isinstance(field.get("Field"), str):
                by_field[field["Field"]] = field
        category = _strings(by_field.get("eventCategory", {}).get("Equals"))
        if category is not None and "Data" not in category:
            return []
        types = _strings(by_field.get("resources.type", {}).get("Equals"))
        if not types:
            return []
        arn = by_field.get("resources.ARN", {})
        values: list[Value] = []
        for operator in ("StartsWith", "Equals"):
            if operator in arn:
                values.extend(self.values(arn[operator], self.value_loc(arn, operator, loc)))
        read_only = _strings(by_field.get("readOnly", {}).get("Equals"))
        read_write = "All"
        if read_only == ["true"]:
            read_write = "ReadOnly"
        elif read_only == ["false"]:
            read_write = "WriteOnly"
        return [DataEventSelector(resource_type=kind, values=list(values), loc=loc, read_write=read_write) for kind in types]

    def values(self, raw: Any, loc: Location) -> list[Value]:
        if isinstance(raw, list):
            return [
                Value(item, self.loc(raw.item_pos(index)) if isinstance(raw, LList) else loc)
                for index, item in enumerate(raw)
            ]
        if raw is None:
            return []
        return [Value(raw, loc)]

    # -- suppressions in Metadata -----------------------------------------------------------

    def suppressions(self, logical_id: str, resource: dict, kind: str) -> None:
        """`Metadata: {s3lint: {ignore: [{id: S3030, reason: ...}]}}` on a resource."""
        metadata = resource.get("Metadata")
        settings = metadata.get("s3lint") if isinstance(metadata, dict) else None
        entries = settings.get("ignore") if isinstance(settings, dict) else None
        if entries is None:
            return
        if not isinstance(entries, list):
            entries = [entries]
        addresses = [logical_id]
        if kind in _IDENTITY_POLICY_HOLDERS:
            policies = _mapping(resource.get("Properties")).get("Policies")
            if isinstance(policies, dict):
                addresses.append(f"{logical_id}.Policies[0]")
            elif isinstance(policies, list):
                addresses.extend(f"{logical_id}.Policies[{index}]" for index in range(len(policies)))
        fallback = _pos(settings)
        for index, entry in enumerate(entries):
            line = (entries.item_pos(index) if isinstance(entries, LList) else fallback)[0] or fallback[0] or 1
            if isinstance(entry, dict):
                ids = entry.get("id", entry.get("rules"))
                reason = entry.get("reason")
            else:
                ids, reason = entry, None
            rule_ids = _rule_ids(ids)
            for address in addresses:
                self.fragment.suppressions.append(
                    Suppression(
                        path=self.path,
                        line=line,
                        rule_ids=rule_ids,
                        reason=str(reason) if isinstance(reason, str) else "",
                        resource=address,
                    )
                )


_HANDLERS: dict[str, Callable[[_TemplateLoader, str, dict, Location, bool], None]] = {
    BUCKET_TYPE: _TemplateLoader.bucket,
    "AWS::S3::BucketPolicy": _TemplateLoader.bucket_policy,
    "AWS::S3::AccessPoint": _TemplateLoader.access_point,
    "AWS::S3::AccountPublicAccessBlock": _TemplateLoader.account_public_access_block,
    "AWS::IAM::Policy": _TemplateLoader.identity_policy,
    "AWS::IAM::ManagedPolicy": _TemplateLoader.identity_policy,
    "AWS::IAM::RolePolicy": _TemplateLoader.identity_policy,
    "AWS::IAM::UserPolicy": _TemplateLoader.identity_policy,
    "AWS::IAM::GroupPolicy": _TemplateLoader.identity_policy,
    "AWS::IAM::Role": _TemplateLoader.inline_policies,
    "AWS::IAM::User": _TemplateLoader.inline_policies,
    "AWS::IAM::Group": _TemplateLoader.inline_policies,
    "AWS::CloudTrail::Trail": _TemplateLoader.trail,
    "AWS::Serverless::Function": _TemplateLoader.serverless_policies,
    "AWS::Serverless::StateMachine": _TemplateLoader.serverless_policies,
}


# -- helpers --------------------------------------------------------------------------------


def _pos(node: Any) -> Pos:
    line, column = pos_of(node)
    return (line or 1, column or 1) if line else (1, 1)


def _value_pos(mapping: Any, key: str) -> Pos:
    value = mapping.get(key)
    own = pos_of(value)
    if own[0]:
        return own
    if isinstance(mapping, LDict):
        return mapping.value_pos(key)
    return (1, 1)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _flatten(raw: Unknown) -> list[Any] | None:
    """The concrete alternatives of an undecidable `Fn::If` (nested ones flattened), or None
    when the value is unknown without alternatives."""
    if not raw.alternatives:
        return None
    out: list[Any] = []
    stack = list(reversed(raw.alternatives))
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            if not item.alternatives:
                return None
            stack.extend(reversed(item.alternatives))
        else:
            out.append(item)
    return out


def _map_enum(raw: Any, convert: Callable[[Any], Any]) -> Any:
    """Convert a setting's value, or each of an undecidable value's alternatives."""
    if isinstance(raw, Unknown):
        if isinstance(raw, SymbolicUnknown) and not raw.alternatives:
            return Unknown(raw.reason, line=raw.line, column=raw.column)
        alternatives = _flatten(raw)
        if alternatives is None:
            return raw
        converted = tuple(None if a is NO_VALUE else _map_enum(a, convert) for a in alternatives)
        return Unknown(raw.reason, converted, raw.line, raw.column)
    if isinstance(raw, str) and SYMBOL_OPEN in raw:
        line, column = pos_of(raw)
        return Unknown(f"{render(raw)} is not known statically", line=line, column=column)
    return convert(raw)


def _enum_free(raw: Any) -> Any:
    """An enumerated setting (a status, an algorithm): a symbolic value such as
    `${param:X}` could be any of the choices, so it is unknown.  Names keep their symbols."""
    return _map_enum(raw, _unchanged)


def _unchanged(value: Any) -> Any:
    return value


def _boolean(raw: Any) -> Any:
    """CloudFormation accepts booleans written as strings."""
    if type(raw) is bool:  # most are written as booleans: nothing to convert
        return raw
    return _map_enum(raw, _boolean_from_text)


def _boolean_from_text(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _map_present(raw: Any, present: Any = True, absent: Any = False) -> Any:
    """Whether a block is there, for a block that an undecidable `Fn::If` may leave out."""
    if isinstance(raw, Unknown):
        alternatives = _flatten(raw)
        if alternatives is None:
            return Unknown(raw.reason, line=raw.line, column=raw.column)
        return Unknown(raw.reason, tuple(absent if a is NO_VALUE else present for a in alternatives), raw.line, raw.column)
    return present


def _first_ownership(controls: Any) -> Any:
    rules = controls.get("Rules") if isinstance(controls, dict) else None
    if isinstance(rules, list) and rules and isinstance(rules[0], dict):
        return rules[0].get("ObjectOwnership")
    return None


def _tags(raw: Any) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    if isinstance(raw, list):
        for tag in raw:
            if isinstance(tag, dict) and isinstance(tag.get("Key"), str):
                tags[str(tag["Key"])] = tag.get("Value")
    return tags


def _strings(raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        return [str(raw)]
    if isinstance(raw, list):
        return [str(item) for item in raw if isinstance(item, str)]
    return None


def _rule_ids(raw: Any) -> list[str]:
    if isinstance(raw, str):
        parts = raw.split(",")
    elif isinstance(raw, list):
        parts = [item for item in raw if isinstance(item, str)]
    else:
        return []
    return [part.strip().upper() for part in parts if part.strip()]


def _unknown_block(model: Any, raw: Unknown, loc: Location) -> Any:
    """A block whose content cannot be known at all: every setting of it is `raw`."""
    if isinstance(model, Encryption):
        return Encryption(loc=loc, rules=[EncryptionRule(Value(raw, loc), Value(raw, loc), Value(raw, loc), loc)])
    changes = {
        field.name: Value(raw, loc)
        for field in dataclasses.fields(model)
        if isinstance(getattr(model, field.name), Value) and field.name != "mfa_delete"
    }
    return dataclasses.replace(model, **changes)


def _merge_models(models: list[Any], raw: Unknown, loc: Location) -> Any:
    """One model object whose every setting is Unknown over the alternatives' settings.

    `None` in `models` is an alternative in which the block is absent: its settings count as
    `None` ("not set")."""
    template = next(model for model in models if model is not None)
    if isinstance(template, Encryption):
        first_rules = [model.rules[0] if model is not None and model.rules else None for model in models]
        if all(rule is None for rule in first_rules):
            return Encryption(loc=loc, rules=[])
        return Encryption(loc=loc, rules=[_merge_models(first_rules, raw, loc)])
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(template):
        if not isinstance(getattr(template, field.name), Value) or field.name == "mfa_delete":
            continue  # mfa_delete: never settable from CloudFormation, whichever branch
        alternatives = tuple(_field_value(model, field.name) for model in models)
        changes[field.name] = Value(Unknown(raw.reason, alternatives, raw.line, raw.column), loc)
    return dataclasses.replace(template, **changes)


def _field_value(model: Any, name: str) -> Any:
    if model is None:
        return None
    value = getattr(model, name)
    return value.value if isinstance(value, Value) else value


def _parse_embedded_json(raw: Any) -> Any:
    """A policy written as a JSON string inside the template, positioned at that string."""
    from s3lint.loaders.policy_json import shift_positions
    from s3lint.loaders.json_source import parse_json

    try:
        tree = parse_json(str(raw), "")
    except SourceError:
        return raw  # read_policy reports that it is not valid JSON
    line, column = pos_of(raw)
    if line:
        shift_positions(tree, line - 1, column)
    return tree


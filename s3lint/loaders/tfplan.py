"""Terraform plan JSON (`terraform show -json plan.out`) into the common model.

A plan holds fully evaluated values (`planned_values`, child modules included), so no
expression is evaluated here: each resource's values are read through the same AWS mapping
as the `.tf` loader (`s3lint.loaders.terraform.aws`).  What the plan marks unknown
(`resource_changes[].change.after_unknown`) stays unknown; a split resource whose `bucket`
is unknown is linked to its bucket through the `configuration` section's references.

Locations point at the resource's object in the plan JSON.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from s3lint.model import Fragment, LoadError
from s3lint.source import Location

# Deprecated inline blocks of aws_s3_bucket that provider v4+ marks computed: a plan shows a
# value (or unknown) for them even when the configuration does not set them.  They are read
# only when the configuration sets them (or when the plan has no configuration section).
_INLINE_COMPUTED = frozenset(
    {
        "acl", "grant", "policy", "versioning", "logging", "server_side_encryption_configuration",
        "object_lock_configuration", "website", "object_lock_enabled",
    }
)


def is_terraform_plan(tree: Any) -> bool:
    """A `terraform show -json` document: recognised by content, not by file name."""
    if not isinstance(tree, dict):
        return False
    if "planned_values" in tree and isinstance(tree.get("planned_values"), dict):
        return True
    return "terraform_version" in tree and "format_version" in tree and ("resource_changes" in tree or "configuration" in tree)


def load_plan(tree: Any, path: str) -> Fragment:
    fragment = Fragment()
    try:
        _load(tree, path, fragment)
    except RecursionError:
        fragment.errors.append(LoadError(path, "the plan is nested too deeply to read", 1, 1))
    except Exception as error:  # noqa: BLE001 - a malformed plan is reported, never raised
        fragment.errors.append(LoadError(path, f"cannot read the plan: {type(error).__name__}: {error}", 1, 1))
    return fragment


def _load(tree: Any, path: str, fragment: Fragment) -> None:
    from s3lint.loaders.terraform.aws import HANDLERS, Mapper
    from s3lint.loaders.terraform.evaluate import Evaluator

    if not is_terraform_plan(tree):
        fragment.errors.append(LoadError(path, "not a Terraform plan JSON document", 1, 1))
        return
    changes = _changes(tree)
    configuration = _configuration(tree)
    resources = list(_planned_resources(tree))
    mapper = Mapper(fragment, path, Evaluator("."))
    instances = [PlanResource(path, resource, changes.get(resource["address"]), configuration) for resource in resources]
    try:
        buckets = [i for i in instances if i.kind == "aws_s3_bucket" and i.mode == "managed"]
        for instance in buckets:
            mapper.bucket(instance)
        by_address = {instance.address: instance for instance in buckets}
        for instance in instances:
            handler = HANDLERS.get(instance.kind) if instance.mode == "managed" else None
            if handler is None:
                continue
            instance.link_buckets(by_address)
            handler(mapper, instance)
    finally:
        for instance in instances:
            # a resource and its view point at each other: a reference cycle, which the loads
            # leave to reference counting alone (see `engine.paused_gc`)
            del instance.plan_view


# ---------------------------------------------------------------------------------------
# The plan's sections
# ---------------------------------------------------------------------------------------


def _planned_resources(tree: dict) -> Iterator[dict]:
    planned = tree.get("planned_values")
    root = planned.get("root_module") if isinstance(planned, dict) else None
    stack = [root] if isinstance(root, dict) else []
    while stack:
        module = stack.pop()
        for resource in _as_list(module.get("resources")):
            if isinstance(resource, dict) and isinstance(resource.get("address"), str) and isinstance(resource.get("type"), str):
                yield resource
        children = _as_list(module.get("child_modules"))
        stack.extend(reversed([c for c in children if isinstance(c, dict)]))


def _as_list(value: Any) -> list[Any]:
    """A section that should be a list; anything else (a hand-edited plan) counts as empty."""
    return value if isinstance(value, list) else []


def _changes(tree: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for change in _as_list(tree.get("resource_changes")):
        if isinstance(change, dict) and isinstance(change.get("address"), str) and isinstance(change.get("change"), dict):
            out[change["address"]] = change["change"]
    return out


def _configuration(tree: dict) -> dict[tuple[str, str], dict]:
    """(module call path without instance keys, resource address in the module) -> expressions."""
    out: dict[tuple[str, str], dict] = {}
    config = tree.get("configuration")
    root = config.get("root_module") if isinstance(config, dict) else None
    stack: list[tuple[str, Any]] = [("", root)] if isinstance(root, dict) else []
    while stack:
        prefix, module = stack.pop()
        for resource in _as_list(module.get("resources")):
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                expressions = resource.get("expressions")
                out[(prefix, resource["address"])] = expressions if isinstance(expressions, dict) else {}
        calls = module.get("module_calls") or {}
        if isinstance(calls, dict):
            for name, call in calls.items():
                inner = call.get("module") if isinstance(call, dict) else None
                if isinstance(inner, dict):
                    stack.append((f"{prefix}module.{name}.", inner))
    return out


_INDEX = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def split_address(address: str) -> tuple[str, str, str]:
    """'module.a[0].module.b.aws_s3_bucket.x["k"]' -> ('module.a[0].module.b.', 'aws_s3_bucket.x', '["k"]')."""
    match = re.match(r'^((?:module\.[^.\[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.)*)(.*)$', address)
    module_prefix, rest = (match.group(1), match.group(2)) if match else ("", address)
    key = ""
    index_match = re.search(r'(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])$', rest)
    if index_match:
        key = index_match.group(1)
        rest = rest[: index_match.start()]
    return module_prefix, rest, key


# ---------------------------------------------------------------------------------------
# One resource of the plan, as the AWS mapping reads it
# ---------------------------------------------------------------------------------------


class PlanResource:
    def __init__(self, path: str, resource: dict, change: dict | None, configuration: dict) -> None:
        self.path = path
        self.address: str = resource["address"]
        self.kind: str = resource["type"]
        self.mode: str = resource.get("mode", "managed")
        self.uncertain = False
        self.module_prefix, self.local_address, self.key = split_address(self.address)
        config_key = (_INDEX.sub("", self.module_prefix), self.local_address)
        self.expressions: dict | None = configuration.get(config_key) if configuration else None
        values = resource.get("values") if isinstance(resource.get("values"), dict) else {}
        unknown = (change or {}).get("after_unknown")
        self.loc = Location(path, getattr(resource, "line", 0) or 1, getattr(resource, "column", 0) or 1)
        configured = None
        if self.kind == "aws_s3_bucket" and self.expressions is not None:
            configured = set(self.expressions)
        self.plan_view = PlanView(self, values, unknown if isinstance(unknown, dict) else {}, self.loc, configured)
        self.bucket_links: dict[str, str] = {}

    def token(self, suffix: str) -> str:
        return f"{self.path}:{self.address}{suffix}"

    def identity(self) -> str:
        from s3lint.symbols import symbol

        name = self.plan_view.raw("bucket")
        if isinstance(name, str) and name:
            return name
        return symbol(self.token(".id"))

    def link_buckets(self, buckets: dict[str, "PlanResource"]) -> None:
        """Where `bucket` is unknown in the plan, find the bucket its expression refers to."""
        expression = (self.expressions or {}).get("bucket")
        references = expression.get("references") if isinstance(expression, dict) else None
        for reference in references or []:
            if not isinstance(reference, str):
                continue
            target = re.sub(r"\.(id|bucket|arn)$", "", reference)
            for candidate in (self.module_prefix + target, self.module_prefix + target + self.key):
                bucket = buckets.get(candidate)
                if bucket is not None:
                    self.plan_view.bucket_reference = bucket
                    return


class PlanView:
    """The interface of `s3lint.loaders.terraform.view.View`, over a plan's values."""

    def __init__(self, owner: PlanResource, values: dict, unknown: dict, loc: Location, configured: set[str] | None) -> None:
        self.owner = owner
        self.values = values
        self.unknown = unknown
        self._loc = loc
        self.configured = configured
        self.uncertain = False
        self.bucket_reference: PlanResource | None = None

    def _hidden(self, name: str) -> bool:
        return self.configured is not None and name in _INLINE_COMPUTED and name not in self.configured

    def attribute(self, name: str) -> Any:
        return True if self.raw(name) is not None else None

    def has(self, name: str) -> bool:
        return self.raw(name) is not None

    def raw(self, name: str) -> Any:
        from s3lint.loaders.terraform.evaluate import TfUnknown

        if self._hidden(name):
            return None
        if self.unknown.get(name) is True:
            if name == "bucket" and self.bucket_reference is not None:
                return TfUnknown("the bucket name is chosen at apply", token=self.bucket_reference.token(".id"))
            return TfUnknown(f"{self.owner.address}.{name} is known only after apply", token=self.owner.token(f".{name}"))
        value = self.values.get(name)
        if isinstance(value, str):
            # A plan writes "" for an optional string that is not set.  Positions inside a
            # plan string are meaningless: the resource's object is the location.
            return str(value) if value else None
        return _plain(value)

    def reference_target(self, name: str) -> Any:
        """The bucket resource the configuration's `bucket` expression refers to, if any."""
        return self.bucket_reference if name == "bucket" else None

    def header(self) -> Location:
        return self._loc

    def loc(self, name: str | None = None) -> Location:
        return self._loc

    def value(self, name: str, default: Any = None, convert: Any = None) -> Any:
        from s3lint.loaders.terraform.evaluate import is_unknown
        from s3lint.model import Value

        raw = self.raw(name)
        if raw is None:
            return Value(default, self._loc, explicit=False)
        if convert is not None and not is_unknown(raw):
            raw = convert(raw)
        return Value(raw, self._loc)

    def blocks(self, kind: str) -> list["PlanView"]:
        if self._hidden(kind):
            return []
        raw = self.values.get(kind)
        items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
        unknown = self.unknown.get(kind)
        unknown_items = unknown if isinstance(unknown, list) else []
        out = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                inner_unknown = unknown_items[index] if index < len(unknown_items) and isinstance(unknown_items[index], dict) else {}
                out.append(PlanView(self.owner, item, inner_unknown, self._loc, None))
        return out

    def first(self, kind: str) -> "PlanView | None":
        blocks = self.blocks(kind)
        return blocks[0] if blocks else None


def _plain(value: Any) -> Any:
    """Plan values without their JSON positions (a policy's statements are located at the
    resource, not at characters inside an escaped string)."""
    if not isinstance(value, (dict, list)):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack = [(value, root)]
    while stack:
        source, target = stack.pop()
        entries = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in entries:
            child = {} if isinstance(item, dict) else [] if isinstance(item, list) else (str(item) if isinstance(item, str) else item)
            if isinstance(target, dict):
                target[str(key)] = child
            else:
                target.append(child)
            if isinstance(item, (dict, list)):
                stack.append((item, child))
    return root

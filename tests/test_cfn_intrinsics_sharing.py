"""The resolver shares what it does not change: checked against the resolver that copies all.

`Resolver` returns a plain node (as the parsers build them) that holds nothing to resolve as
itself, and copies a plain node above an intrinsic wholesale; anything else is copied key by
key.  `CopyingResolver` below is the resolver as it was before (every mapping and list copied
key by key, positions read with `key_pos`/`value_pos`/`item_pos`, no memos): the two must give
the same trees, with the same positions, for any template, and the CloudFormation loader must
build the same model with either.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s3lint.loaders import cloudformation
from s3lint.loaders.cfn_intrinsics import (
    MAX_ALTERNATIVES,
    MAX_DEPTH,
    MAX_TEXT,
    Resolver,
    SymbolicUnknown,
    _TooDeep,
    _unknown,
    is_intrinsic,
)
from s3lint.loaders.json_source import parse_json
from s3lint.loaders.yaml_source import parse_yaml
from s3lint.source import LDict, LList, Location, LStr, Pos, pos_of
from s3lint.symbols import NO_VALUE, Unknown, symbol

SETTINGS = settings(
    max_examples=int(os.environ.get("S3LINT_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FIXTURES = Path(__file__).parent / "fixtures" / "cloudformation"


class CopyingResolver(Resolver):
    """The reference: copies every mapping and list, and remembers nothing between lookups."""

    def _resolve(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _TooDeep
        if isinstance(node, dict):
            if is_intrinsic(node):
                return self._intrinsic(node, depth)
            return self._copy_dict(node, depth)
        if isinstance(node, list):
            return self._copy_list(node, depth)
        if isinstance(node, str) and not isinstance(node, LStr):
            return LStr(node)
        return node

    def _resolve_mapping(self, node: dict, depth: int) -> Any:
        return self._resolve(node, depth)

    def _resolve_list(self, node: list, depth: int) -> Any:
        return self._resolve(node, depth)

    def _copy_dict(self, node: dict, depth: int) -> LDict:
        line, column = pos_of(node)
        out = LDict(line=line, column=column)
        located = isinstance(node, LDict)
        for key, value in node.items():
            resolved = self._resolve(value, depth + 1)
            if resolved is NO_VALUE:
                continue
            out[key] = resolved
            if located:
                out.key_positions[key] = node.key_pos(key)
                out.value_positions[key] = node.value_pos(key)
        if located:
            out.duplicate_keys = list(node.duplicate_keys)
        return out

    def _copy_list(self, node: list, depth: int) -> LList:
        line, column = pos_of(node)
        out = LList(line=line, column=column)
        located = isinstance(node, LList)
        for index, item in enumerate(node):
            resolved = self._resolve(item, depth + 1)
            if resolved is NO_VALUE:
                continue
            out.append_located(resolved, node.item_pos(index) if located else pos_of(item))
        return out

    def resource_type(self, logical_id: Any) -> str | None:
        self._types.clear()
        return super().resource_type(logical_id)

    def _parameter(self, name: str, pos: Pos, depth: int) -> Any:
        self._parameter_texts.clear()
        return super()._parameter(name, pos, depth)

    def _concat(self, parts: list[Any], pos: Pos) -> Any:
        """Without the shortcut for parts that are all strings."""
        pieces: list[list[str]] = [[]]
        length = 0
        for part in parts:
            choices = self._string_choices(part, pos)
            if len(pieces) * len(choices) > MAX_ALTERNATIVES:
                choices = [self._symbol_for(part, pos)]
            length += max((len(choice) for choice in choices), default=0)
            if length > MAX_TEXT:
                return _unknown("a string too long to resolve", pos)
            if len(choices) == 1:
                for option in pieces:
                    option.append(choices[0])
            else:
                pieces = [option + [choice] for option in pieces for choice in choices]
        options = ["".join(option) for option in pieces]
        if len(options) == 1:
            return LStr(options[0], *pos)
        unique = list(dict.fromkeys(options))
        if len(unique) == 1:
            return LStr(unique[0], *pos)
        return Unknown(
            "built from values not known statically",
            tuple(LStr(option, *pos) for option in unique),
            line=pos[0],
            column=pos[1],
        )


def snapshot(value: Any) -> Any:
    """Everything observable about a resolved value or a model object: types, contents and
    every position (the recorded key, value and item positions too)."""
    if isinstance(value, Location):
        return ("Location", value.path, value.line, value.column, value.end_line, value.end_column)
    if isinstance(value, Unknown):
        token = value.token if isinstance(value, SymbolicUnknown) else None
        alternatives = [snapshot(alternative) for alternative in value.alternatives]
        return (type(value).__name__, value.reason, token, value.line, value.column, alternatives)
    if value is NO_VALUE:
        return ("NO_VALUE",)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [(field.name, snapshot(getattr(value, field.name))) for field in dataclasses.fields(value)]
        return (type(value).__name__, fields)
    if isinstance(value, dict):
        items = [(key, snapshot(child)) for key, child in value.items()]
        if isinstance(value, LDict):
            positions = (value.line, value.column, value.key_positions, value.value_positions, value.duplicate_keys)
            return ("LDict", items, positions)
        return (type(value).__name__, items)
    if isinstance(value, (list, tuple)):
        items = [snapshot(child) for child in value]
        if isinstance(value, LList):
            return ("LList", items, (value.line, value.column, value.item_positions))
        return (type(value).__name__, items)
    if isinstance(value, LStr):
        return ("LStr", str(value), value.line, value.column)
    return (type(value).__name__, value)


def resolve_all(resolver_class: type[Resolver], tree: Any) -> list[Any]:
    """Each resource's Properties resolved in order by one resolver, as the loader does."""
    resolver = resolver_class(tree)
    resources = tree.get("Resources") if isinstance(tree, dict) else None
    if not isinstance(resources, dict):
        return [snapshot(resolver.resolve(tree))]
    out = []
    for logical_id, resource in resources.items():
        if isinstance(resource, dict):
            out.append(snapshot(resolver.resolve(resource.get("Properties"))))
            out.append(resolver.bucket_identity(str(logical_id)))
    out.append([resolver.condition(name) for name in ("IsProd", "Undecided", "Loop", "Missing")])
    return out


def load_both(tree: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    shared = snapshot(cloudformation.load_cloudformation(tree, "t.yaml"))
    with monkeypatch.context() as patch:
        patch.setattr(cloudformation, "Resolver", CopyingResolver)
        copied = snapshot(cloudformation.load_cloudformation(tree, "t.yaml"))
    return shared, copied


# -- generated templates ------------------------------------------------------------------

NAMES = ["Env", "Name", "Subnets", "A", "B", "Topic", "Missing", "AWS::Region", "AWS::AccountId", "AWS::NoValue"]
scalars = st.one_of(
    st.text(alphabet="ab-.:*${}!", max_size=8),
    st.integers(min_value=-2, max_value=3),
    st.booleans(),
    st.none(),
)


def intrinsics(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(NAMES).map(lambda name: {"Ref": name}),
        st.tuples(st.sampled_from(["A", "B", "Topic", "Missing"]), st.sampled_from(["Arn", "DomainName", "X"])).map(
            lambda pair: {"Fn::GetAtt": list(pair)}
        ),
        st.sampled_from(["${Env}-x", "${A}", "arn:${AWS::Partition}:s3:::${B}/*", "${A.Arn}", "${!Lit}", "${Name}${Env}"]).map(
            lambda text: {"Fn::Sub": text}
        ),
        st.tuples(st.sampled_from(["IsProd", "Undecided", "Loop"]), children, children).map(lambda args: {"Fn::If": list(args)}),
        st.tuples(st.sampled_from(["", "-"]), st.lists(children, max_size=3)).map(lambda args: {"Fn::Join": list(args)}),
        st.tuples(st.integers(min_value=0, max_value=2), st.lists(children, max_size=3)).map(lambda args: {"Fn::Select": list(args)}),
        st.sampled_from(["dev", "prod", {"Ref": "Env"}, {"Ref": "AWS::Region"}]).map(lambda key: {"Fn::FindInMap": ["M", key, "V"]}),
        children.map(lambda value: {"Fn::Base64": value}),
    )


values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "Ref", "Fn::X", "Status"]), children, max_size=3),
        intrinsics(children),
    ),
    max_leaves=14,
)
properties = st.dictionaries(st.sampled_from(["BucketName", "Tags", "PolicyDocument", "Bucket", "X"]), values, max_size=4)


@st.composite
def templates(draw: st.DrawFn) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for logical_id in draw(st.lists(st.sampled_from(["A", "B", "P", "R"]), unique=True, max_size=4)):
        kind = "AWS::S3::BucketPolicy" if logical_id == "P" else "AWS::S3::Bucket"
        resources[logical_id] = {"Type": kind, "Properties": draw(properties)}
    resources["Topic"] = {"Type": "AWS::SNS::Topic"}
    return {
        "Parameters": {
            "Env": {"Type": "String", "Default": "dev"},
            "Name": {"Type": "String"},
            "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b"},
        },
        "Mappings": {"M": {"dev": {"V": draw(values)}, "prod": {"V": "p"}}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "Undecided": {"Fn::Equals": [{"Ref": "Name"}, "x"]},
            "Loop": {"Fn::Not": [{"Condition": "Loop"}]},
        },
        "Resources": resources,
    }


@SETTINGS
@given(templates(), st.booleans())
def test_resolving_shares_what_copying_would_only_repeat(template: dict[str, Any], as_yaml: bool) -> None:
    text = yaml.safe_dump(template) if as_yaml else json.dumps(template, indent=1)
    tree = parse_yaml(text, "t.yaml")[0] if as_yaml else parse_json(text, "t.json")
    assert resolve_all(Resolver, tree) == resolve_all(CopyingResolver, tree)


@SETTINGS
@given(templates())
def test_resolving_unlocated_trees_copies_as_before(template: dict[str, Any]) -> None:
    # plain dicts, lists and strs: nothing is shared, everything becomes located
    assert resolve_all(Resolver, template) == resolve_all(CopyingResolver, template)


@SETTINGS
@given(templates())
def test_the_loader_builds_the_same_model_either_way(template: dict[str, Any]) -> None:
    tree = parse_json(json.dumps(template, indent=1), "t.json")
    with pytest.MonkeyPatch.context() as monkeypatch:
        shared, copied = load_both(tree, monkeypatch)
    assert shared == copied


@pytest.mark.parametrize(
    "path",
    sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json", ".template")),
    ids=lambda p: str(p.relative_to(FIXTURES)),
)
def test_fixture_templates_load_the_same_either_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    trees = [parse_json(text, str(path))] if path.suffix == ".json" else parse_yaml(text, str(path))
    for tree in trees:
        if cloudformation.is_cloudformation(tree):
            shared, copied = load_both(tree, monkeypatch)
            assert shared == copied


# -- what is shared, what is copied ---------------------------------------------------------

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Logs:
    Type: AWS::S3::Bucket
  Site:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      LoggingConfiguration:
        DestinationBucketName: !Ref Logs
        LogFilePrefix: site/
      Tags:
        - {Key: Team, Value: web}
        - {Key: Env, Value: !Ref Env}
        - {Key: Gone, Value: !Ref AWS::NoValue}
"""


@pytest.fixture()
def site() -> tuple[Resolver, LDict]:
    tree = parse_yaml(TEMPLATE, "t.yaml")[0]
    return Resolver(tree), tree["Resources"]["Site"]["Properties"]


def test_a_mapping_without_intrinsics_is_its_own_resolution(site: tuple[Resolver, LDict]) -> None:
    resolver, props = site
    resolved = resolver.resolve(props)
    assert resolved is not props  # it holds intrinsics
    assert resolved["VersioningConfiguration"] is props["VersioningConfiguration"]
    assert resolved["Tags"][0] is props["Tags"][0]
    assert resolver.resolve(props["VersioningConfiguration"]) is props["VersioningConfiguration"]


def test_the_mappings_above_an_intrinsic_are_copied_with_their_positions(site: tuple[Resolver, LDict]) -> None:
    resolver, props = site
    resolved = resolver.resolve(props)
    logging = resolved["LoggingConfiguration"]
    assert logging is not props["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == symbol("bucket:Logs")
    assert logging["LogFilePrefix"] is props["LoggingConfiguration"]["LogFilePrefix"]
    assert (logging.line, logging.column) == (props["LoggingConfiguration"].line, props["LoggingConfiguration"].column)
    assert logging.key_positions == props["LoggingConfiguration"].key_positions
    assert logging.value_positions == props["LoggingConfiguration"].value_positions
    assert resolved["Tags"][1]["Value"] == "dev"
    assert (resolved["Tags"][1]["Value"].line, resolved["Tags"][1]["Value"].column) == pos_of(props["Tags"][1]["Value"])


def test_no_value_drops_the_key_and_keeps_the_other_positions(site: tuple[Resolver, LDict]) -> None:
    resolver, props = site
    gone = resolver.resolve(props)["Tags"][2]
    assert dict(gone) == {"Key": "Gone"}
    assert gone.key_positions == {"Key": props["Tags"][2].key_positions["Key"]}
    assert snapshot(resolver.resolve(props)) == snapshot(CopyingResolver(parse_yaml(TEMPLATE, "t.yaml")[0]).resolve(props))


def test_a_node_missing_positions_is_copied_with_them_filled_in() -> None:
    inner = LDict({"a": LStr("x", 3, 7)}, line=3, column=5)  # no key or value positions recorded
    items = LList([inner, "plain"], line=2, column=1)  # no item positions, a plain str
    resolved = Resolver({}).resolve(items)
    assert resolved is not items and resolved[0] is not inner
    assert resolved.item_positions == [(2, 1), (2, 1)]
    assert resolved[0].key_positions == {"a": (3, 5)} and resolved[0].value_positions == {"a": (3, 5)}
    assert isinstance(resolved[1], LStr)
    assert snapshot(resolved) == snapshot(CopyingResolver({}).resolve(items))


def test_a_node_with_a_line_but_no_column_is_copied_at_column_one() -> None:
    node = LDict(line=4, column=0)
    node.set_located("a", 1, (4, 1), (4, 4))
    resolved = Resolver({}).resolve(node)
    assert resolved is not node and (resolved.line, resolved.column) == (4, 1)


@pytest.mark.parametrize("levels", range(MAX_DEPTH - 2, MAX_DEPTH + 3))
@pytest.mark.parametrize("opening, closing", [('{"a": ', "}"), ("[", "]"), ('{"a": [', "]}")])
def test_the_depth_limit_is_where_it_was(levels: int, opening: str, closing: str) -> None:
    tree = parse_json(opening * levels + "1" + closing * levels, "t.json")
    wrapped = parse_json('{"Ref": "X", "b": ' + opening * levels + "1" + closing * levels + "}", "t.json")
    for node in (tree, wrapped, [tree], {"k": tree}):
        assert snapshot(Resolver({}).resolve(node)) == snapshot(CopyingResolver({}).resolve(node))


def test_plain_data_nested_too_deeply_is_still_unknown() -> None:
    text = "[" * (MAX_DEPTH + 5) + "1" + "]" * (MAX_DEPTH + 5)
    tree = parse_json(text, "t.json")
    assert isinstance(Resolver({}).resolve(tree), Unknown)
    shallow = parse_json("[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1), "t.json")
    assert Resolver({}).resolve(shallow) is shallow


def test_references_to_a_parameter_each_take_their_own_position() -> None:
    text = "Parameters: {Env: {Type: String, Default: dev}, Free: {Type: String}}\nX: [!Ref Env, !Ref Env, !Ref Free, !Ref Free]\n"
    tree = parse_yaml(text, "t.yaml")[0]
    resolver = Resolver(tree)
    resolved = [resolver.resolve(item) for item in tree["X"]]
    assert resolved == ["dev", "dev", symbol("param:Free"), symbol("param:Free")]
    assert [(value.line, value.column) for value in resolved] == [pos_of(item) for item in tree["X"]]

"""The located tree of a Terraform policy (`aws.policy_tree`, `aws.localize`) against the
straightforward copy it replaces: same nodes, same types, same positions."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.loaders.terraform.aws import localize, policy_tree
from s3lint.loaders.terraform.evaluate import HDict, HList, HStr, JsonText, TfUnknown, json_text
from s3lint.loaders.terraform.functions import parse_json_located
from s3lint.source import LDict, LList, LStr, Location


def reference_localize(tree: Any, path: str) -> Any:
    """`localize` as it was first written: the specification of the faster one."""

    def own(node: Any) -> tuple[int, int]:
        if getattr(node, "path", path) == path:
            return (getattr(node, "line", 0), getattr(node, "column", 0))
        return (0, 0)

    def convert(node: Any) -> Any:
        if isinstance(node, JsonText):
            return node
        line, column = own(node)
        if isinstance(node, dict):
            return HDict(line=line, column=column, path=path)
        if isinstance(node, list):
            return HList(line=line, column=column, path=path)
        if isinstance(node, str):
            return HStr(str(node), line, column, path)
        return node

    root = convert(tree)
    stack = [(tree, root)]
    while stack:
        source, target = stack.pop()
        same = getattr(source, "path", path) == path
        if isinstance(source, dict):
            for key, value in source.items():
                child = convert(value)
                if same and isinstance(source, LDict):
                    target.set_located(key, child, source.key_pos(key), source.value_positions.get(key) or (0, 0))
                else:
                    target.set_located(key, child, (0, 0), (0, 0))
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
        elif isinstance(source, list):
            for index, value in enumerate(source):
                child = convert(value)
                target.append_located(child, source.item_pos(index) if same and isinstance(source, LList) else (0, 0))
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
    return root


def shape(tree: Any) -> list[Any]:
    """Everything about a located tree that a reader could see."""
    out: list[Any] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        located = (getattr(node, "line", None), getattr(node, "column", None), getattr(node, "path", None))
        if isinstance(node, dict):
            out.append(("dict", type(node).__name__, located, list(node), getattr(node, "key_positions", None), getattr(node, "value_positions", None), getattr(node, "duplicate_keys", None)))
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            out.append(("list", type(node).__name__, located, len(node), getattr(node, "item_positions", None)))
            stack.extend(reversed(node))
        elif isinstance(node, TfUnknown):
            out.append(("unknown", node.reason, node.token))
        else:
            out.append((type(node).__name__, node, located if isinstance(node, str) else None))
    return out


PATHS = st.sampled_from(["main.tf", "other.tf", ""])
POSITIONS = st.tuples(st.integers(0, 3), st.integers(0, 3))


@st.composite
def leaves(draw: Any) -> Any:
    kind = draw(st.integers(0, 6))
    text = draw(st.sampled_from(["s3:GetObject", "*", "", "arn:aws:s3:::b/*"]))
    line, column = draw(POSITIONS)
    if kind == 0:
        return HStr(text, line, column, draw(PATHS))
    if kind == 1:
        return text
    if kind == 2:
        return LStr(text, line, column)
    if kind == 3:
        return json_text({"a": text})
    if kind == 4:
        return TfUnknown("unknown", token="var.x")
    return draw(st.sampled_from([None, True, 3, 2.5]))


def containers(children: Any) -> Any:
    @st.composite
    def build(draw: Any) -> Any:
        kind = draw(st.integers(0, 4))
        line, column = draw(POSITIONS)
        if kind <= 1:
            node: Any = HList(line=line, column=column, path=draw(PATHS)) if kind == 0 else LList(line=line, column=column)
            for item in draw(st.lists(children, max_size=3)):
                if draw(st.booleans()):
                    node.append_located(item, draw(POSITIONS))
                else:
                    node.append(item)  # no position of its own
            return node
        if kind == 4:
            return draw(st.lists(children, max_size=3))
        node = HDict(line=line, column=column, path=draw(PATHS)) if kind == 2 else LDict(line=line, column=column)
        for key in draw(st.lists(st.sampled_from(["Effect", "Action", "Resource", "Sid"]), max_size=4)):
            value = draw(children)
            if draw(st.booleans()):
                node.set_located(key, value, draw(POSITIONS), draw(POSITIONS))  # repeats are duplicates
            else:
                node[key] = value
        return node

    return build()


TREES = st.recursive(leaves(), containers, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(TREES, PATHS)
def test_localize_copies_the_tree_as_the_plain_copy_does(tree: Any, path: str) -> None:
    assert shape(localize(tree, path)) == shape(reference_localize(tree, path))


def test_localize_keeps_positions_of_the_file_only() -> None:
    inner = HDict(line=7, column=3, path="other.tf")
    inner.set_located("Action", HStr("s3:*", 8, 5, "other.tf"), (8, 5), (8, 15))
    tree = HDict(line=2, column=1, path="main.tf")
    tree.set_located("Statement", inner, (3, 3), (3, 15))
    copy = localize(tree, "main.tf")
    assert copy.value_positions == {"Statement": (3, 15)}
    assert (copy["Statement"].line, copy["Statement"].key_positions) == (0, {"Action": (0, 0)})
    assert copy["Statement"]["Action"].line == 0 and copy["Statement"]["Action"].path == "main.tf"


def test_a_policy_in_a_heredoc_is_located_as_a_copy_would_be() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]\n}'
    raw = HStr(text, 12, 3, "main.tf")
    loc = Location("main.tf", 11, 3)
    tree, path = policy_tree(raw, loc)
    assert path == "main.tf"
    expected = reference_localize(parse_json_located(text, "main.tf", 12, 3), "main.tf")
    assert shape(tree) == shape(expected)
    assert tree["Statement"][0]["Action"][0].line == 14

"""The Terraform expression evaluator: literals, templates, operators, for expressions,
splats, functions, references through a module, cycles, budgets and unknowns."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from s3lint.loaders.terraform import hcl
from s3lint.loaders.terraform.evaluate import (
    Evaluator,
    JsonText,
    Scope,
    TfUnknown,
    contains_unknown,
    strip_located,
)
from s3lint.loaders.terraform.module import Loader, ModuleInstance
from s3lint.symbols import OUR_ACCOUNT, Unknown, has_symbol, is_only_symbol, render, symbol


def evaluate(text: str, names: dict[str, Any] | None = None, root: str = ".") -> Any:
    evaluator = Evaluator(root)
    return evaluator.expression(hcl.parse_expression(text), Scope(_NoModule(root), names or {}), "test.tf")


class _NoModule:
    def __init__(self, cwd: str) -> None:
        self.cwd = cwd

    def root_value(self, name: str) -> Any:
        from s3lint.loaders.terraform.evaluate import EvalError

        raise EvalError(f"unknown name {name}")


def plain(text: str, names: dict[str, Any] | None = None) -> Any:
    return strip_located(evaluate(text, names))


def module(tmp_path: Path, files: dict[str, str]) -> tuple[ModuleInstance, Evaluator]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    evaluator = Evaluator(str(tmp_path))
    loader = Loader(str(tmp_path), str(tmp_path), evaluator)
    return ModuleInstance(loader, loader.config(str(tmp_path)), ""), evaluator


def in_module(instance: ModuleInstance, evaluator: Evaluator, text: str) -> Any:
    return evaluator.expression(hcl.parse_expression(text), Scope(instance), os.path.join(instance.cwd, "main.tf"))


# -- literals, collections, templates ------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"abc"', "abc"),
        ("42", 42),
        ("1.5", 1.5),
        ("true", True),
        ("null", None),
        ('[1, "a", false]', [1, "a", False]),
        ('{ a = 1, "b" = 2, c: 3 }', {"a": 1, "b": 2, "c": 3}),
        ('"a-${"b"}-${1 + 1}"', "a-b-2"),
        ('"line\\nbreak \\"quoted\\" \\u00e9"', 'line\nbreak "quoted" é'),
        ('"$${literal} %%{also}"', "${literal} %{also}"),
        ('"%{ if true }yes%{ else }no%{ endif }"', "yes"),
        ('"%{ for x in ["a", "b"] }<${x}>%{ endfor }"', "<a><b>"),
        ('"${ "x" } ${~ " y" ~} z"', "x yz"),
    ],
)
def test_literals_and_templates(text: str, expected: Any) -> None:
    assert plain(text) == expected


def test_a_single_interpolation_keeps_the_value_type() -> None:
    assert plain('"${[1, 2]}"') == [1, 2]
    assert plain('"${true}"') is True


def test_heredoc_keeps_whitespace_and_strips_indentation() -> None:
    source = b'x = <<EOT\n  {\n    "a": "${1}"\n  }\nEOT\ny = <<-EOT\n    one\n      two\n    EOT\n'
    parsed = hcl.parse_hcl("h.tf", source)
    evaluator = Evaluator(".")
    x = evaluator.value_of(parsed.attributes["x"], Scope(None))
    y = evaluator.value_of(parsed.attributes["y"], Scope(None))
    assert x == '  {\n    "a": "1"\n  }\n'
    assert (x.line, x.path) == (2, "h.tf")  # where the content starts: for JSON positions
    assert y == "one\n  two\n"


# -- operators and conditionals ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3.5),
        ("7 % 4", 3),
        ("-(2)", -2),
        ("!true", False),
        ("true && false", False),
        ("true && true", True),
        ("false || true", True),
        ("(1 == 1) || false", True),
        ('"1" == 1', False),
        ('"a" != "b"', True),
        ("3 >= 3", True),
        ('true ? "yes" : "no"', "yes"),
        ('1 > 2 ? "yes" : "no"', "no"),
    ],
)
def test_operators(text: str, expected: Any) -> None:
    assert plain(text) == expected


def test_unknown_condition_keeps_both_alternatives() -> None:
    value = evaluate('u ? "public-read" : "private"', {"u": TfUnknown("input")})
    assert isinstance(value, Unknown)
    assert set(value.alternatives) == {"public-read", "private"}


def test_known_false_decides_and_even_with_an_unknown_side() -> None:
    assert evaluate("false && u", {"u": TfUnknown("x")}) is False
    assert evaluate("u || true", {"u": TfUnknown("x")}) is True
    assert isinstance(evaluate("u && true", {"u": TfUnknown("x")}), Unknown)


def test_comparing_a_symbolic_string_is_unknown() -> None:
    assert isinstance(evaluate('"${u}-x" == "a-x"', {"u": TfUnknown("x", token="var.u")}), Unknown)
    assert evaluate('"${u}-x" == "${u}-x"', {"u": TfUnknown("x", token="var.u")}) is True


# -- for expressions and splats ------------------------------------------------------------


def test_for_expressions() -> None:
    assert plain('[for x in [1, 2, 3] : x * 2 if x != 2]') == [2, 6]
    assert plain('{for k, v in {b = 2, a = 1} : upper(k) => v}') == {"A": 1, "B": 2}
    assert plain('[for i, v in ["a", "b"] : "${i}${v}"]') == ["0a", "1b"]
    assert plain('{for s in ["a", "b", "a"] : s => 1...}') == {"a": [1, 1], "b": [1]}


def test_for_expression_duplicate_key_is_an_error_and_try_catches_it() -> None:
    assert isinstance(evaluate('{for s in ["a", "a"] : s => 1}'), Unknown)
    assert plain('try({for s in ["a", "a"] : s => 1}, "fallback")') == "fallback"


def test_splats() -> None:
    names = {"xs": [{"id": "a"}, {"id": "b"}]}
    assert plain("xs[*].id", names) == ["a", "b"]
    assert plain("xs.*.id", names) == ["a", "b"]
    assert plain("one[*].id", {"one": {"id": "z"}}) == ["z"]
    assert plain("none[*].id", {"none": None}) == []
    assert plain("xs[0].id", names) == "a"
    assert plain("xs.1.id", names) == "b"


# -- functions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ('jsondecode("{\\"a\\": [1, 2]}")', {"a": [1, 2]}),
        ('merge({a = 1, b = 1}, {b = 2}, null)', {"a": 1, "b": 2}),
        ("concat([1], [2, 3], [])", [1, 2, 3]),
        ('format("%s-%03d-%q-%t", "a", 7, "q", true)', 'a-007-"q"-true'),
        ('join(",", ["a", "b"], ["c"])', "a,b,c"),
        ('lower("AbC")', "abc"),
        ('upper("AbC")', "ABC"),
        ('tolist(["a"])', ["a"]),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("tomap({a = 1})", {"a": 1}),
        ('try(local_missing.x, "default")', "default"),
        ('coalesce(null, "", "x")', "x"),
        ('lookup({a = 1}, "b", 2)', 2),
        ('lookup({a = 1}, "a")', 1),
        ('length("abc")', 3),
        ("length([1, 2])", 2),
        ("length({a = 1})", 1),
        ("flatten([[1, [2]], 3, []])", [1, 2, 3]),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('replace("a1b22", "/[0-9]+/", "#")', "a#b#"),
        ('keys({b = 1, a = 2})', ["a", "b"]),
        ('values({b = 1, a = 2})', [2, 1]),
        ('contains(["a"], "a")', True),
        ('element(["a", "b"], 3)', "b"),
        ('compact(["a", "", null])', ["a"]),
        ('distinct([1, 1, 2])', [1, 2]),
        ('split(",", "a,b")', ["a", "b"]),
        ("range(3)", [0, 1, 2]),
        ("range(1, 6, 2)", [1, 3, 5]),
        ('one(["x"])', "x"),
        ('zipmap(["a"], [1])', {"a": 1}),
        ('can(["a"][3])', False),
        ('can(["a"][0])', True),
        ('trimprefix("arn:aws:s3:::b", "arn:aws:s3:::")', "b"),
        ('startswith("abc", "ab")', True),
        ('substr("abcdef", 1, 3)', "bcd"),
        ("max(1, 5, 3)", 5),
        ('tostring(5)', "5"),
        ('tonumber("5")', 5),
        ('tobool("true")', True),
    ],
)
def test_functions(text: str, expected: Any) -> None:
    assert plain(text) == expected


def test_jsonencode_keeps_the_located_tree() -> None:
    source = b'p = jsonencode({\n  Statement = [{\n    Effect = "Allow"\n  }]\n})\n'
    parsed = hcl.parse_hcl("p.tf", source)
    value = Evaluator(".").value_of(parsed.attributes["p"], Scope(None))
    assert isinstance(value, JsonText)
    assert json.loads(value) == {"Statement": [{"Effect": "Allow"}]}
    statement = value.tree["Statement"][0]
    assert (statement.line, statement.path) == (2, "p.tf")
    assert statement.value_pos("Effect") == (3, 14)


def test_unsupported_function_is_unknown_never_an_error() -> None:
    assert isinstance(evaluate('sha256("x")'), Unknown)
    assert isinstance(evaluate('provider::aws::arn_parse("x")'), Unknown)


def test_bad_arguments_give_unknown_not_exceptions() -> None:
    for text in ('merge(1)', 'join(1)', 'format("%d", "x")', 'range(0, 1, 0)', 'lookup({}, "a")', 'element([], 0)', "1 / 0"):
        assert isinstance(evaluate(text), Unknown), text


def test_lower_leaves_symbol_names_alone() -> None:
    value = evaluate('lower("ABC-${u}")', {"u": TfUnknown("x", token="var.Name")})
    assert value == "abc-" + symbol("var.Name")


def test_unknowns_in_templates_become_symbols_named_after_what_they_stand_for() -> None:
    value = evaluate('"arn:aws:s3:::${u}/*"', {"u": TfUnknown("x", token="var.bucket")})
    assert value == f"arn:aws:s3:::{symbol('var.bucket')}/*"
    assert render(value) == "arn:aws:s3:::${var.bucket}/*"


def test_range_explosion_is_unknown_and_fast() -> None:
    started = time.perf_counter()
    assert isinstance(evaluate("range(1000000000)"), Unknown)
    assert isinstance(evaluate("[for x in range(9000) : [for y in range(9000) : y]]"), Unknown)
    assert time.perf_counter() - started < 5


def test_deep_nesting_is_unknown_not_a_recursion_error() -> None:
    deep = "[" * 3000 + "1" + "]" * 3000
    assert contains_unknown(evaluate(deep))  # the part beyond the depth bound
    chain = " + ".join(["1"] * 3000)
    assert isinstance(evaluate(chain), Unknown)


# -- references in a module -------------------------------------------------------------------


def test_variables_locals_and_resource_identities(tmp_path: Path) -> None:
    instance, evaluator = module(
        tmp_path,
        {
            "main.tf": """
variable "env" { default = "prod" }
variable "free" {}
locals {
  name = "acme-${var.env}"
  list = [aws_s3_bucket.named.id, aws_s3_bucket.prefixed.id]
}
resource "aws_s3_bucket" "named" { bucket = local.name }
resource "aws_s3_bucket" "prefixed" { bucket_prefix = "x-" }
resource "aws_s3_bucket" "team" {
  for_each = toset(["a", "b"])
  bucket   = "team-${each.key}"
}
resource "aws_s3_bucket" "shard" {
  count  = 2
  bucket = "shard-${count.index}"
}
data "aws_caller_identity" "me" {}
"""
        },
    )
    assert in_module(instance, evaluator, "aws_s3_bucket.named.arn") == "arn:aws:s3:::acme-prod"
    assert in_module(instance, evaluator, 'aws_s3_bucket.team["b"].bucket') == "team-b"
    assert in_module(instance, evaluator, "aws_s3_bucket.shard[1].id") == "shard-1"
    assert strip_located(in_module(instance, evaluator, "aws_s3_bucket.shard[*].id")) == ["shard-0", "shard-1"]
    prefixed = in_module(instance, evaluator, "aws_s3_bucket.prefixed.id")
    assert is_only_symbol(prefixed, "aws_s3_bucket.prefixed.id")
    assert in_module(instance, evaluator, "local.list")[1] == prefixed
    free = in_module(instance, evaluator, "var.free")
    assert isinstance(free, TfUnknown) and free.token == "var.free"
    assert in_module(instance, evaluator, "data.aws_caller_identity.me.account_id") == symbol(OUR_ACCOUNT)
    kms = in_module(instance, evaluator, '"${aws_kms_key_missing.x.arn}"')
    assert isinstance(kms, Unknown)  # an undeclared resource is an error, hence unknown


def test_reference_cycles_are_unknown(tmp_path: Path) -> None:
    instance, evaluator = module(tmp_path, {"main.tf": "locals {\n  a = local.b\n  b = local.a\n  c = [local.c]\n}\n"})
    assert isinstance(in_module(instance, evaluator, "local.a"), Unknown)
    assert contains_unknown(in_module(instance, evaluator, "local.c"))


def test_file_reads_are_confined_to_the_root(tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text('{"a": 1}')
    instance, evaluator = module(tmp_path, {"main.tf": ""})
    assert in_module(instance, evaluator, 'jsondecode(file("policy.json"))') == {"a": 1}
    assert in_module(instance, evaluator, 'file("${path.module}/policy.json")') == '{"a": 1}'
    for outside in ('file("/etc/passwd")', 'file("../outside.txt")', 'file("/dev/zero")', 'file(".")'):
        assert isinstance(in_module(instance, evaluator, outside), Unknown), outside


def test_file_size_is_limited(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 2_000_000)
    instance, evaluator = module(tmp_path, {"main.tf": ""})
    assert isinstance(in_module(instance, evaluator, 'file("big.txt")'), Unknown)


def test_templatefile(tmp_path: Path) -> None:
    (tmp_path / "t.tftpl").write_text('%{ for n in names ~}\n${upper(n)};\n%{ endfor ~}\nbucket=${bucket}\n%{~ if true ~}\n!\n%{ endif }')
    instance, evaluator = module(tmp_path, {"main.tf": ""})
    value = in_module(instance, evaluator, 'templatefile("t.tftpl", { names = ["a", "b"], bucket = "b1" })')
    assert value == "A;\nB;\nbucket=b1!\n"


def test_each_value_of_a_resource_map(tmp_path: Path) -> None:
    instance, evaluator = module(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "team" {
  for_each = { a = "x", b = "y" }
  bucket   = "team-${each.value}"
}
locals {
  ids = [for k, b in aws_s3_bucket.team : b.id]
}
"""
        },
    )
    assert strip_located(in_module(instance, evaluator, "local.ids")) == ["team-x", "team-y"]
    assert not has_symbol(in_module(instance, evaluator, 'aws_s3_bucket.team["a"].arn'))


# -- the budget counts written object keys like any other expression -----------------------


def test_every_object_key_is_one_evaluation_step() -> None:
    # Written keys are read without building a located string (a fast path); they must still
    # count as the steps they were, so that a budget runs out where it did.
    node = hcl.parse_expression('{ a = 1, "b" = 2, (c) = 3 }')
    evaluator = Evaluator(".")
    value = evaluator.expression(node, Scope(_NoModule("."), {"c": "k"}), "test.tf")
    assert strip_located(value) == {"a": 1, "b": 2, "k": 3}
    assert evaluator.steps == 1 + 2 * 3  # the object, then each key and each value
    for budget in range(1, 9):
        evaluator = Evaluator(".", max_steps=budget)
        value = evaluator.expression(node, Scope(_NoModule("."), {"c": "k"}), "test.tf")
        if budget < 7:
            assert isinstance(value, TfUnknown) and value.reason == "evaluation budget exhausted"
        else:
            assert strip_located(value) == {"a": 1, "b": 2, "k": 3}


def test_object_keys_are_plain_strings_located_where_written() -> None:
    value = evaluate('{\n  Effect = "Allow"\n  "Sid" = "x"\n}')
    assert [type(key) for key in value] == [str, str]
    assert value.key_positions == {"Effect": (2, 3), "Sid": (3, 3)}
    assert value.value_positions == {"Effect": (2, 12), "Sid": (3, 11)}

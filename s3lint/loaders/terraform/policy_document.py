"""`data "aws_iam_policy_document"` into the JSON policy tree AWS would receive.

The tree keeps the position of every statement block and argument, so a finding on the
policy points at the `statement {}` or the `actions = [...]` line that causes it.  Merging
follows the provider: `source_policy_documents` first, this document's statements replace
source statements with the same `sid`, then `override_policy_documents` replace by `sid` or
are appended.
"""

from __future__ import annotations

from typing import Any

from s3lint.loaders.terraform.evaluate import HDict, HList, JsonText, TfUnknown, is_unknown, json_text
from s3lint.loaders.terraform.view import View
from s3lint.symbols import Unknown


def document_json(instance: Any) -> Any:
    cached = instance._values.get("__json__")
    if cached is None:
        view = View(instance.module.loader.evaluator, instance.block, instance.scope)
        try:
            cached = json_text(build_document(view))
        except Exception as error:  # noqa: BLE001 - a policy we cannot build is unknown, not a crash
            cached = TfUnknown(f"policy document not evaluated ({type(error).__name__})")
        instance._values["__json__"] = cached
    return cached


def build_document(view: View) -> HDict:
    block = view.block
    document = HDict(line=block.line, column=block.column, path=block.path)
    header = (block.line, block.column)
    version = view.raw("version")
    document.set_located("Version", version if version is not None else "2012-10-17", _key_pos(view, "version", header), _value_pos(view, "version", header))
    policy_id = view.raw("policy_id")
    if policy_id is not None:
        document.set_located("Id", policy_id, _key_pos(view, "policy_id", header), _value_pos(view, "policy_id", header))

    statements: list[tuple[Any, Any]] = []  # (sid or None, statement)
    for source in _documents(view, "source_policy_documents", "source_json"):
        statements.extend(_statements_of(source))
    for statement_view in view.blocks("statement"):
        statement = statement_tree(statement_view)
        _put(statements, statement.get("Sid"), statement)
    for override in _documents(view, "override_policy_documents", "override_json"):
        for sid, statement in _statements_of(override):
            _put(statements, sid, statement)

    listed = HList(line=block.line, column=block.column, path=block.path)
    for _, statement in statements:
        listed.append_located(statement, (getattr(statement, "line", 0), getattr(statement, "column", 0)))
    document.set_located("Statement", listed, header, header)
    return document


def _put(statements: list[tuple[Any, Any]], sid: Any, statement: Any) -> None:
    if isinstance(sid, str) and sid:
        for index, (existing, _) in enumerate(statements):
            if existing == sid:
                statements[index] = (sid, statement)
                return
    statements.append((sid, statement))


def _documents(view: View, list_name: str, legacy_name: str) -> list[Any]:
    documents: list[Any] = []
    legacy = view.raw(legacy_name)
    if legacy is not None:
        documents.append(legacy)
    listed = view.raw(list_name)
    if isinstance(listed, list):
        documents.extend(listed)
    elif listed is not None:
        documents.append(listed)  # unknown
    return documents


def _statements_of(document: Any) -> list[tuple[Any, Any]]:
    """The statements of another document (a `.json`, a `jsonencode`, a JSON string)."""
    if isinstance(document, JsonText):
        document = document.tree
    elif isinstance(document, str) and not is_unknown(document):
        from s3lint.loaders.terraform.functions import parse_json_located

        try:
            document = parse_json_located(str(document), getattr(document, "path", ""), getattr(document, "line", 0), getattr(document, "column", 0))
        except ValueError:
            return [(None, TfUnknown("a source policy document is not valid JSON"))]
    if is_unknown(document) or not isinstance(document, dict):
        return [(None, document if isinstance(document, Unknown) else TfUnknown("a source policy document is unknown"))]
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [(item.get("Sid") if isinstance(item, dict) else None, item) for item in items]


def statement_tree(view: View) -> HDict:
    block = view.block
    header = (block.line, block.column)
    statement = HDict(line=block.line, column=block.column, path=block.path)

    def put(key: str, argument: str, value: Any) -> None:
        statement.set_located(key, value, _key_pos(view, argument, header), _value_pos(view, argument, header))

    sid = view.raw("sid")
    if sid is not None and sid != "":
        put("Sid", "sid", sid)
    effect = view.raw("effect")
    put("Effect", "effect", "Allow" if effect is None else effect)
    for argument, key in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")):
        value = view.raw(argument)
        if value is None or (isinstance(value, list) and not value):
            continue
        put(key, argument, value)
    for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = view.blocks(kind)
        if blocks:
            principal = _principals(blocks)
            first = blocks[0].block
            statement.set_located(key, principal, (first.line, first.column), (first.line, first.column))
    conditions = view.blocks("condition")
    if conditions:
        first = conditions[0].block
        statement.set_located("Condition", _conditions(conditions), (first.line, first.column), (first.line, first.column))
    return statement


def _principals(blocks: list[View]) -> Any:
    first = blocks[0].block
    principal = HDict(line=first.line, column=first.column, path=first.path)
    for principal_view in blocks:
        kind = principal_view.raw("type")
        identifiers = principal_view.raw("identifiers")
        block = principal_view.block
        if is_unknown(kind):
            return TfUnknown("a principal type is unknown")
        if kind == "*":
            return _located_star(principal_view)
        key = str(kind)
        existing = principal.get(key)
        if isinstance(existing, list) and isinstance(identifiers, list):
            merged = HList(list(existing) + list(identifiers), line=existing.line if isinstance(existing, HList) else 0, path=block.path)
            merged.item_positions = list(getattr(existing, "item_positions", [])) + list(getattr(identifiers, "item_positions", []))
            principal[key] = merged
        else:
            type_pos = _value_pos(principal_view, "type", (block.line, block.column))
            principal.set_located(key, identifiers, type_pos, _value_pos(principal_view, "identifiers", type_pos))
    return principal


def _located_star(view: View) -> Any:
    from s3lint.loaders.terraform.evaluate import HStr

    line, column = _value_pos(view, "type", (view.block.line, view.block.column))
    return HStr("*", line, column, view.block.path)


def _conditions(blocks: list[View]) -> Any:
    first = blocks[0].block
    conditions = HDict(line=first.line, column=first.column, path=first.path)
    for condition_view in blocks:
        block = condition_view.block
        test = condition_view.raw("test")
        variable = condition_view.raw("variable")
        values = condition_view.raw("values")
        if is_unknown(test) or is_unknown(variable):
            return TfUnknown("a condition operator or key is unknown")
        test, variable = str(test), str(variable)
        operator = conditions.get(test)
        if operator is None:
            operator = HDict(line=block.line, column=block.column, path=block.path)
            conditions.set_located(test, operator, _value_pos(condition_view, "test", (block.line, block.column)), (block.line, block.column))
        existing = operator.get(variable)
        if isinstance(existing, list) and isinstance(values, list):
            operator[variable] = HList(list(existing) + list(values), path=block.path)
        else:
            operator.set_located(variable, values, _value_pos(condition_view, "variable", (block.line, block.column)), _value_pos(condition_view, "values", (block.line, block.column)))
    return conditions


def _key_pos(view: View, argument: str, fallback: tuple[int, int]) -> tuple[int, int]:
    attribute = view.attribute(argument)
    return (attribute.line, attribute.column) if attribute is not None else fallback


def _value_pos(view: View, argument: str, fallback: tuple[int, int]) -> tuple[int, int]:
    attribute = view.attribute(argument)
    return (attribute.expr.line, attribute.expr.column) if attribute is not None else fallback

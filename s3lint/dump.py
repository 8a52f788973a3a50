"""The common model as JSON: what `--dump-model` prints and what custom rules query."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from s3lint.model import ScanModel
from s3lint.source import Location
from s3lint.symbols import Unknown, _NoValue, render


def to_data(value: Any) -> Any:
    """Plain JSON data for a model object; unknown values become {"unknown": reason}.

    Iterative, not recursive: values such as Terraform tags come from the input and may nest
    as deeply as the input does."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        item, parent, key = stack.pop()
        converted, children = _convert(item)
        parent[key] = converted
        stack.extend(reversed(children))
    return root[0]


def _convert(value: Any) -> tuple[Any, list[tuple[Any, Any, Any]]]:
    """One node as JSON data, with the children still to convert as (value, container, key)."""
    if isinstance(value, Location):
        return {"path": value.path, "line": value.line, "column": value.column}, []
    if isinstance(value, Unknown):
        data: dict[str, Any] = {"unknown": value.reason}
        if not value.alternatives:
            return data, []
        alternatives: list[Any] = [None] * len(value.alternatives)
        data["alternatives"] = alternatives
        return data, [(a, alternatives, i) for i, a in enumerate(value.alternatives)]
    if isinstance(value, _NoValue):
        return {"absent": True}, []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        out: dict[str, Any] = dict.fromkeys(names)
        return out, [(getattr(value, name), out, name) for name in names]
    if isinstance(value, dict):
        mapping: dict[str, Any] = {}
        children = []
        for k, v in value.items():
            shown = render(k) if isinstance(k, str) else str(k)
            mapping[shown] = None
            children.append((v, mapping, shown))
        return mapping, children
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        seq: list[Any] = [None] * len(items)
        return seq, [(v, seq, i) for i, v in enumerate(items)]
    if isinstance(value, str):
        return render(value), []
    if value is None or isinstance(value, (bool, int, float)):
        return value, []
    return str(value), []


MODEL_VERSION = 1  # bumped when a field is removed or changes meaning (docs/model.md)


def model_data(model: ScanModel) -> dict[str, Any]:
    """The whole model: `version`, then one list per kind of resource, errors and notes."""
    data: dict[str, Any] = {"version": MODEL_VERSION}
    data.update(to_data(model))
    data.pop("suppressions", None)
    return data


def dump_model(model: ScanModel) -> str:
    return json.dumps(model_data(model), indent=2) + "\n"

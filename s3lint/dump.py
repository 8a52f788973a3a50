"""The common model as JSON: what `--dump-model` prints and what custom rules query."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from s3lint.model import ScanModel
from s3lint.source import Location
from s3lint.symbols import Unknown, _NoValue, render


def to_data(value: Any) -> Any:
    """Plain JSON data for a model object; unknown values become {"unknown": reason}."""
    if isinstance(value, Location):
        return {"path": value.path, "line": value.line, "column": value.column}
    if isinstance(value, Unknown):
        data: dict[str, Any] = {"unknown": value.reason}
        if value.alternatives:
            data["alternatives"] = [to_data(a) for a in value.alternatives]
        return data
    if isinstance(value, _NoValue):
        return {"absent": True}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {render(k) if isinstance(k, str) else str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_data(v) for v in value]
    if isinstance(value, str):
        return render(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def model_data(model: ScanModel) -> dict[str, Any]:
    data = to_data(model)
    data.pop("suppressions", None)
    return data


def dump_model(model: ScanModel) -> str:
    return json.dumps(model_data(model), indent=2) + "\n"

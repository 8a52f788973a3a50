"""Output formats.  Each module has `render(report, *, color=False) -> str`; only the one
asked for is imported."""

from __future__ import annotations

import importlib
from typing import Callable

from s3lint.report import Report

REPORTERS: dict[str, str] = {
    "text": "s3lint.reporters.text",
    "json": "s3lint.reporters.json_report",
    "sarif": "s3lint.reporters.sarif",
    "github": "s3lint.reporters.github",
    "junit": "s3lint.reporters.junit",
}

Renderer = Callable[..., str]


def get_renderer(name: str) -> Renderer:
    """The `render` function of an output format; KeyError for an unknown name."""
    return importlib.import_module(REPORTERS[name]).render


def render(name: str, report: Report, *, color: bool = False) -> str:
    return get_renderer(name)(report, color=color)

"""Renderers of each command's report, and :func:`emit`, the one switch over ``--format``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO, TypeVar

ReportT = TypeVar("ReportT")


def emit(
    report: ReportT,
    fmt: str | None,
    out: TextIO,
    *,
    text: Callable[[ReportT], str],
    json: Callable[[ReportT], str],
    annotate: Callable[[ReportT], None] | None = None,
) -> None:
    """Print ``report`` as ``fmt`` asks: JSON alone on stdout (scripts parse it whole), else
    the text; ``github`` adds the workflow annotations (through ``annotate``) to the text."""
    if fmt == "json":
        out.write(json(report) + "\n")
        return
    if fmt == "github" and annotate is not None:
        annotate(report)
    out.write(text(report) + "\n")

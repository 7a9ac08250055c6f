"""``hotfix-ci log``: the deployment log, one row per Deployment hotfix-ci recorded, as
text, JSON, CSV or markdown. Values come from GitHub; user-controlled ones (tags, logins)
are escaped for markdown and kept one line everywhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hotfix_ci.escape import markdown, one_line
from hotfix_ci.github_api.deployments import DeploymentRecord, pr_of

COLUMNS = (
    "time",
    "environment",
    "provider",
    "tag",
    "commit",
    "who",
    "pr",
    "result",
    "rollback_of",
    "break_glass",
)


def row(record: DeploymentRecord, pr: int | None = None) -> dict[str, Any]:
    """One log row; ``pr`` is the PR found for the commit when the payload names none."""
    body = record.payload
    return {
        "time": record.created_at,
        "environment": record.environment,
        "provider": str(body.get("provider") or ""),
        "tag": record.ref,
        "commit": record.sha,
        "who": record.creator,
        "pr": pr_of(record) or pr,
        "result": record.state or "no status",
        "rollback_of": body.get("rollback_of") or None,
        "break_glass": body.get("break_glass") is True,
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return one_line(str(value))


def _short(name: str, value: Any) -> str:
    text = _cell(value)
    if name == "commit" and text != "-":
        return text[:12]
    if name == "pr" and text != "-":
        return f"#{text}"
    return text


def render_json(rows: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps({"deployments": list(rows)}, indent=2)


def render_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow({k: _spreadsheet_safe(_cell(item[k])) for k in COLUMNS})
    return buffer.getvalue().rstrip("\n")


def _spreadsheet_safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text != "-" else text


def render_text(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "no deployments recorded by hotfix-ci in this window"
    table = [list(COLUMNS)] + [[_short(k, item[k]) for k in COLUMNS] for item in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )


def render_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    lines = ["## Deployment log", ""]
    if not rows:
        return "\n".join([*lines, "_No deployments recorded by hotfix-ci in this window._"])
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for item in rows:
        cells = [markdown(_short(k, item[k])) for k in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


RENDERER_BY_NAME: dict[str, Callable[[Sequence[Mapping[str, Any]]], str]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}

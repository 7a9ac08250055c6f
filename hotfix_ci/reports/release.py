"""What ``hotfix-ci release`` and ``hotfix-ci version`` tell people and the next job.

The outputs (``$GITHUB_OUTPUT``) and ``--format json`` carry the same ten keys; JSON keeps
their types (booleans, a number, the matrix object), outputs are strings as Actions wants
them (``"true"``, ``""`` for none, the matrix as compact JSON for ``fromJSON``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Matrix = dict[str, list[dict[str, str]]]


@dataclass(frozen=True, kw_only=True)
class StepResult:
    """One write of the release. ``state``: created, updated, deleted (wrote something);
    exists, gone, skipped, up to date (nothing to write); missing (nothing could be written:
    a warning, the release goes on); in a dry run ``would create``, ``would update``,
    ``would delete``."""

    step: str
    state: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class ReleaseReport:
    released: bool
    reason: str  # one line: what happened, or why nothing was released
    version: str | None = None
    previous_version: str | None = None
    tag: str | None = None
    previous_tag: str | None = None
    severity: str | None = None
    pr_number: int | None = None
    pr_title: str = ""
    pr_url: str = ""
    review_after_deploy: bool = False
    matrix: Matrix = field(default_factory=lambda: {"include": []})
    steps: tuple[StepResult, ...] = ()
    notes: str = ""  # the GitHub Release body
    changelog_block: str = ""  # the changelog section, as it is (or would be) written
    dry_run: bool = False
    # {merged_by, bypassed_by, reason, gate} when a PR that did not pass the gate was
    # released as a recorded break-glass (release.gate_verdict)
    break_glass: dict[str, Any] | None = None


def break_glass_line(info: Mapping[str, Any]) -> str:
    """One line naming who merged, who bypassed, why, and what the gate said."""
    merged, bypassed = info.get("merged_by") or "unknown", info.get("bypassed_by") or "unknown"
    return (
        f"released without a passing PR gate (gate: {info.get('gate')}): merged by {merged}, "
        f"break-glass by {bypassed}, reason: {info.get('reason')}"
    )


def as_json(report: ReleaseReport) -> dict[str, Any]:
    return {
        "released": report.released,
        "version": report.version,
        "previous-version": report.previous_version,
        "tag": report.tag,
        "previous-tag": report.previous_tag,
        "severity": report.severity,
        "pr-number": report.pr_number,
        "review-after-deploy": report.review_after_deploy,
        "matrix": report.matrix,
        "break-glass": report.break_glass,
    }


def outputs(report: ReleaseReport) -> dict[str, str]:
    """The step outputs: same keys as the JSON, as strings."""
    result = {}
    for key, value in as_json(report).items():
        if isinstance(value, bool):
            result[key] = str(value).lower()
        elif isinstance(value, dict):
            result[key] = json.dumps(value, separators=(",", ":"), sort_keys=True)
        else:
            result[key] = "" if value is None else str(value)
    return result


def render_json(report: ReleaseReport) -> str:
    return json.dumps(as_json(report), indent=2, sort_keys=False)


def render_text(report: ReleaseReport) -> str:
    prefix = "dry run: " if report.dry_run else ""
    lines = [f"{prefix}{report.reason}"]
    if report.released:
        previous = _with_tag(report.previous_version, report.previous_tag)
        lines.append(f"version {_with_tag(report.version, report.tag)}, after {previous}")
        lines.append(f"severity: {report.severity or 'none'}")
        if report.break_glass:
            lines.append(f"BREAK-GLASS: {break_glass_line(report.break_glass)}")
        for step in report.steps:
            lines.append(f"  {step.step:<11} {step.state:<12} {step.detail}")
        targets = [f"{m['environment']}/{m['provider']}" for m in report.matrix["include"]]
        lines.append(f"deploy matrix: {', '.join(targets) if targets else 'empty'}")
    return "\n".join(lines)


def render_markdown(report: ReleaseReport) -> str:
    """The job summary: the decision, what was written, the notes and the changelog entry."""
    if not report.released:
        return f"## hotfix-ci release\n\n{report.reason}\n"
    title = f"## hotfix-ci release: {report.tag}" + (" (dry run)" if report.dry_run else "")
    parts = [title, "", report.reason, ""]
    if report.break_glass:
        parts += [f"> [!WARNING]\n> **Break-glass:** {break_glass_line(report.break_glass)}", ""]
    parts += ["| Step | State | Detail |", "| --- | --- | --- |"]
    parts += [f"| {s.step} | {s.state} | {s.detail.replace('|', '/')} |" for s in report.steps]
    parts += ["", "### Release notes", "", report.notes.strip()]
    if report.changelog_block:
        parts += ["", "### Changelog entry", "", "```markdown", report.changelog_block, "```"]
    return "\n".join(parts) + "\n"


def render_version_json(report: Mapping[str, str | None]) -> str:
    return json.dumps(dict(report), indent=2)


def render_version(report: Mapping[str, str | None]) -> str:
    """``hotfix-ci version`` text from ``VersionReport.as_dict()``."""
    source = report["source"] or ""
    source = "no release yet: the 0.1.0 baseline" if source == "default" else source
    lines = [f"{report['kind']}: {_with_tag(report['version'], report['tag'])}"]
    if report["kind"] == "next":
        lines.append(f"previous: {_with_tag(report['previous_version'], report['previous_tag'])}")
    lines.append(f"scheme: {report['scheme']}, read from {source}")
    return "\n".join(lines)


def _with_tag(version: str | None, tag: str | None) -> str:
    return (version or "none") + (f" (tag {tag})" if tag else "")

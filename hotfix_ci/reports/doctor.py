"""How ``hotfix-ci doctor`` reads: one line per check, each finding with its fix; stable JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

# Check name -> what it checks, in the order they are reported.
CHECKS: dict[str, str] = {
    "config": "the config on the default branch is valid",
    "gate-required": "merging into each base branch requires the PR gate check",
    "environments": "the deploy environments exist; production has reviewers and a branch policy",
    "secrets": "the provider and notification secrets exist",
    "workflow-permissions": "each workflow job gets the token permissions it needs, no more",
    "action-pinned": "workflows reference actions by commit SHA",
}
Level = Literal["problem", "unverified"]
ADMIN_HINT = (
    "a workflow's GITHUB_TOKEN can never have it: run doctor yourself with a fine-grained "
    "token (or `gh auth token`) of a repository admin that has it, passed as --token"
)


class Unseen(Protocol):
    """What GitHub would not show (``github_api.settings.Hidden``)."""

    @property
    def what(self) -> str: ...
    @property
    def permission(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing wrong (``problem``) or that the token could not see (``unverified``)."""

    check: str  # a key of CHECKS
    message: str
    fix: str
    where: str | None = None
    level: Level = "problem"

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "level": self.level,
            "message": self.message,
            "fix": self.fix,
            "where": self.where,
        }


@dataclass(frozen=True, kw_only=True)
class DoctorReport:
    repository: str
    default_branch: str
    config_source: str  # where the config was read from, or "defaults"
    findings: tuple[Finding, ...]
    skipped: tuple[str, ...] = ()  # checks that could not run (they need a valid config)

    @property
    def ok(self) -> bool:
        return not self.findings

    def status(self, check: str) -> str:
        levels = {f.level for f in self.findings if f.check == check}
        if not levels and check in self.skipped:
            return "skipped"
        return "problem" if "problem" in levels else "unverified" if levels else "ok"


def unseen(check: str, hidden: Unseen, consequence: str, where: str | None = None) -> Finding:
    """The finding for a part of the setup the token cannot read, and the permission to ask."""
    fix = f"give doctor a token with `{hidden.permission}`"
    if hidden.permission.startswith("administration"):
        fix += f"; {ADMIN_HINT}"
    else:
        fix += " (--token, or the job's `permissions:`)"
    return Finding(
        check=check,
        level="unverified",
        message=f"the token cannot read {hidden.what} ({hidden.status} {hidden.message}): "
        f"{consequence}",
        fix=fix,
        where=where,
    )


def as_json_dict(report: DoctorReport) -> dict[str, Any]:
    """The documented, stable ``--format json`` shape."""
    return {
        "repository": report.repository,
        "default_branch": report.default_branch,
        "config": report.config_source,
        "ok": report.ok,
        "checks": [{"name": name, "status": report.status(name)} for name in CHECKS],
        "findings": [f.as_dict() for f in report.findings],
    }


def render_json(report: DoctorReport) -> str:
    return json.dumps(as_json_dict(report), indent=2)


MARKS = {"ok": "ok  ", "problem": "FAIL", "unverified": "??  ", "skipped": "--  "}


def render_text(report: DoctorReport) -> str:
    lines = [
        f"hotfix-ci doctor: {report.repository} (default branch {report.default_branch}, "
        f"config: {report.config_source})"
    ]
    for name, title in CHECKS.items():
        lines.append(f"{MARKS[report.status(name)]} {name}: {title}")
        for finding in (f for f in report.findings if f.check == name):
            where = f" [{finding.where}]" if finding.where else ""
            lines.append(f"     - {finding.message}{where}")
            lines.append(f"       fix: {finding.fix}")
    lines.append(summary(report.findings))
    return "\n".join(lines)


def summary(findings: Sequence[Finding]) -> str:
    if not findings:
        return "All checks passed: the gate, environments, secrets and workflows are set up."
    problems = sum(1 for f in findings if f.level == "problem")
    unseen = len(findings) - problems
    parts = [f"{problems} problem(s)"] if problems else []
    if unseen:
        parts.append(f"{unseen} check(s) the token could not see")
    return f"{' and '.join(parts)}: apply each fix, then run `hotfix-ci doctor` again."

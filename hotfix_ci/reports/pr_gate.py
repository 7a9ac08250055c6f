"""How a PR-gate verdict reads: terminal text, stable JSON, Markdown, check-run output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hotfix_ci.escape import markdown, one_line
from hotfix_ci.model import PullRequest
from hotfix_ci.policy.pr_gate import GateVerdict
from hotfix_ci.text import inert, shown_path

CHECK_NAME = "hotfix-ci / PR gate"
COMMENT_MARKER = "<!-- hotfix-ci:pr-gate -->"
# GitHub refuses a comment body over 65,536 characters (422 "Body is too long").
COMMENT_LIMIT = 65536


@dataclass(frozen=True, kw_only=True)
class GateReport:
    verdict: GateVerdict
    pull: PullRequest
    api_requests: int

    @property
    def errors(self) -> int:
        return sum(1 for f in self.verdict.findings if f.level == "error")


def as_json_dict(report: GateReport) -> dict[str, Any]:
    """The documented, stable ``--format json`` shape."""
    v = report.verdict
    return {
        "hotfix": v.hotfix,
        "passed": v.passed,
        "severity": v.severity,
        "pull_request": report.pull.number,
        "head_sha": report.pull.head_sha,
        "review_after_deploy": v.review_after_deploy,
        "findings": [f.as_dict() for f in v.findings],
        "stats": {"files": v.files, "lines": v.lines, "api_requests": report.api_requests},
    }


def render_json(report: GateReport) -> str:
    return json.dumps(as_json_dict(report), indent=2)


def headline(report: GateReport) -> str:
    v, pull = report.verdict, report.pull
    who = f'#{pull.number} "{inert(pull.title)}"'
    if not v.hotfix or v.note:
        return f"hotfix-ci PR gate: {who}: passed: {v.note}"
    sev = f" ({v.severity})" if v.severity else ""
    if v.passed:
        extra = " Review is due after deploy." if v.review_after_deploy else ""
        return f"hotfix-ci PR gate: {who}{sev}: passed.{extra}"
    return f"hotfix-ci PR gate: {who}{sev}: FAILED, {report.errors} problem(s) to fix"


def render_text(report: GateReport) -> str:
    lines = [headline(report)]
    for f in report.verdict.findings:
        where = f" [{shown_path(f.path)}]" if f.path else ""
        mark = "FAIL" if f.level == "error" else "WARN"
        lines.append(f"  {mark}  {f.rule}: {inert(f.message)}{where}")
    v = report.verdict
    if v.hotfix and not v.note:
        lines.append(f"  diff: {v.files} file(s), {v.lines} line(s) counted")
    if not v.passed:
        lines.append(
            "Next: fix the items above, then re-run the check; it reads the live pull request."
        )
    return "\n".join(lines)


def _literal(text: str) -> str:
    """Text that quotes the PR (its title, branch, paths), shown as written: no mention
    pings, no link or image renders, no "|" ends the table cell (secrets redacted)."""
    return markdown(one_line(text))


def render_markdown(report: GateReport) -> str:
    v = report.verdict
    status = "passed" if v.passed else "failed"
    icon = ":white_check_mark:" if v.passed else ":x:"
    out = [COMMENT_MARKER, f"### {icon} {CHECK_NAME}: {status}", ""]
    if v.note:
        out.append(f"Not gated: {_literal(v.note)}.")
    else:
        out.append(
            f"Severity: **{v.severity or 'none'}** · diff: {v.files} file(s), {v.lines} line(s)"
            f" · head `{report.pull.head_sha[:7]}`"
        )
        if v.review_after_deploy:
            out.append("")
            out.append("> This P0 ships without approval: **a review is due right after deploy.**")
    if v.findings:
        out += ["", "| | rule | what to do |", "|---|---|---|"]
        for f in v.findings:
            mark = ":x:" if f.level == "error" else ":warning:"
            out.append(f"| {mark} | `{f.rule}` | {_literal(f.message)} |")
        out += ["", "Fix the items above; the check re-reads the live pull request when re-run."]
    return "\n".join(out) + "\n"


def comment_body(report: GateReport, run_url: str | None, limit: int = COMMENT_LIMIT) -> str:
    """The sticky comment, clipped below GitHub's limit at a line, with a pointer to the
    check run (which lists every finding)."""
    body = render_markdown(report)
    if len(body) <= limit:
        return body
    where = f" ([workflow run]({run_url}))" if run_url else ""
    note = (
        f"\n\n> Clipped: the report is longer than a GitHub comment may be. Every finding "
        f"is in the **{CHECK_NAME}** check run of commit `{report.pull.head_sha[:7]}`{where}.\n"
    )
    kept: list[str] = []
    size = len(note)
    for line in body.splitlines():
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + note


def check_run_output(report: GateReport) -> dict[str, Any]:
    v = report.verdict
    annotations = [
        {
            "path": f.path,
            "start_line": f.line or 1,
            "end_line": f.line or 1,
            "annotation_level": "failure" if f.level == "error" else "warning",
            "title": f.rule,
            "message": f.message,
        }
        for f in v.findings
        if f.path
    ]
    summary = render_markdown(report).replace(COMMENT_MARKER + "\n", "")
    return {
        "conclusion": "success" if v.passed else "failure",
        "title": headline(report).replace("hotfix-ci PR gate: ", ""),
        "summary": summary,
        "text": "\n".join(f"- {f.rule}: {f.message}" for f in v.findings),
        "annotations": annotations,
    }

"""What a deploy, gate or rollback run did, as data: printed live, then rendered as the
job summary (Markdown) or as JSON (``--format json``, shape in :meth:`RunReport.as_dict`).

In JSON mode progress lines go to stderr so stdout stays one parseable document.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.errors import ExitCode, error_for
from hotfix_ci.gates import ProbeResult, format_probe
from hotfix_ci.providers.base import Release, RollbackPoint

_MARK = {True: "✅", False: "❌", None: "•"}


@dataclass
class Step:
    name: str
    ok: bool | None
    detail: str
    at: float = field(default_factory=time.time)


@dataclass
class Recorded:
    """A Deployment this run created, and the last state it wrote (None: none written)."""

    id: int
    kind: str  # "deploy" or "rollback"
    ref: str
    state: str | None = None
    description: str = ""
    sha: str = ""


@dataclass
class RunReport:
    command: str
    environment: str
    provider: str | None = None
    release: Release | None = None
    dry_run: bool = False
    rollback_of: str | None = None
    rollback_point: RollbackPoint | None = None
    steps: list[Step] = field(default_factory=list)
    probes: list[tuple[str, ProbeResult]] = field(default_factory=list)
    deployments: list[Recorded] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    state: str = "running"
    exit_code: ExitCode = ExitCode.OK
    live: str | None = None
    message: str = ""
    hint: str | None = None

    def finish(
        self,
        state: str,
        exit_code: ExitCode,
        message: str,
        live: str | None,
        hint: str | None = None,
    ) -> None:
        self.state, self.exit_code, self.message, self.live = state, exit_code, message, live
        self.hint = hint

    def as_dict(self) -> dict[str, Any]:
        release = self.release
        return {
            "command": self.command,
            "environment": self.environment,
            "provider": self.provider,
            "release": None
            if release is None
            else {"tag": release.tag, "version": release.version, "sha": release.sha},
            "dry_run": self.dry_run,
            "rollback_of": self.rollback_of,
            "rollback_point": None
            if self.rollback_point is None
            else self.rollback_point.as_dict(),
            "steps": [
                {"at": _iso(s.at), "step": s.name, "ok": s.ok, "detail": s.detail}
                for s in self.steps
            ],
            "probes": [
                {
                    "phase": phase,
                    "at": _iso(p.at),
                    "gate": p.gate,
                    "ok": p.ok,
                    "ignored": p.ignored,
                    "latency_ms": None if p.latency_ms is None else round(p.latency_ms, 1),
                    "detail": p.detail,
                }
                for phase, p in self.probes
            ],
            "deployments": [
                {
                    "id": d.id,
                    "kind": d.kind,
                    "ref": d.ref,
                    "state": d.state,
                    "description": d.description,
                }
                for d in self.deployments
            ],
            "warnings": list(self.warnings),
            "outcome": {
                "state": self.state,
                "exit_code": int(self.exit_code),
                "live": self.live,
                "message": self.message,
                "hint": self.hint,
            },
        }


def _iso(at: float) -> str:
    millis = int(at * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{millis:03d}Z"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: RunReport) -> str:
    release = report.release.tag if report.release else ""
    target = f"{report.environment}" + (f" / {report.provider}" if report.provider else "")
    lines = [
        f"## hotfix-ci {report.command}: {release} → {target}".replace(":  →", ":"),
        "",
        f"**Result:** {report.state.replace('_', ' ')} (exit {int(report.exit_code)}): "
        f"{_cell(report.message)}",
    ]
    if report.live:
        lines.append(f"**Live now:** `{report.live}`")
    lines += ["", "| Step | Result | Detail |", "|---|---|---|"]
    lines += [f"| {s.name} | {_MARK[s.ok]} | {_cell(s.detail)} |" for s in report.steps]
    if report.probes:
        lines += [
            "",
            "### Gate probes",
            "",
            "| Time (UTC) | Phase | Gate | Result | Latency | Detail |",
            "|---|---|---|---|---|---|",
        ]
        for phase, p in report.probes:
            verdict = "skip" if p.ignored else "pass" if p.ok else "FAIL"
            latency = "" if p.latency_ms is None else f"{p.latency_ms:.0f} ms"
            clock = time.strftime("%H:%M:%S", time.gmtime(p.at))
            lines.append(
                f"| {clock} | {phase} | {p.gate} | {verdict} | {latency} | {_cell(p.detail)} |"
            )
    if report.deployments:
        lines += ["", "### Deployments recorded", "", "| Id | Kind | Ref | State | Description |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {d.id} | {d.kind} | `{d.ref}` | {d.state or 'none'} | {_cell(d.description)} |"
            for d in report.deployments
        ]
    if report.warnings:
        lines += ["", "**Warnings:**", *[f"- {_cell(w)}" for w in report.warnings]]
    return "\n".join(lines) + "\n"


def render_json(reports: list[RunReport]) -> str:
    if len(reports) == 1:
        return json.dumps(reports[0].as_dict(), indent=2)
    first = reports[0]
    body = {"command": first.command, "environment": first.environment}
    return json.dumps({**body, "results": [r.as_dict() for r in reports]}, indent=2)


class Console:
    """Live progress: one line per step and per probe, to ``stream``."""

    def __init__(self, stream: TextIO, report: RunReport) -> None:
        self.stream = stream
        self.report = report

    def say(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def step(self, name: str, ok: bool | None, detail: str) -> None:
        self.report.steps.append(Step(name=name, ok=ok, detail=detail))
        self.say(f"{_MARK[ok]} {name}: {detail}")

    def warn(self, text: str) -> None:
        self.report.warnings.append(text)
        self.say(f"warning: {text}")

    def probe(self, phase: str, result: ProbeResult, width: int) -> None:
        self.report.probes.append((phase, result))
        shown = result.latency_ms is not None and " ms" not in result.detail
        latency = f"  ({result.latency_ms:.0f} ms)" if shown else ""
        self.say(f"  {format_probe(result, name_width=width)}{latency}")


def progress_stream(fmt: str, out: TextIO, err: TextIO | None) -> TextIO:
    """JSON keeps stdout for the document; progress then goes to stderr."""
    return (err or sys.stderr) if fmt == "json" else out


# Worst first: a human must act beats everything else.
_SEVERITY = (
    ExitCode.ROLLBACK_FAILED,
    ExitCode.INTERRUPTED,
    ExitCode.ROLLED_BACK,
    ExitCode.GITHUB_API,
    ExitCode.POLICY_FAILED,
    ExitCode.USAGE,
    ExitCode.INTERNAL,
    ExitCode.OK,
)


def worst(reports: list[RunReport]) -> RunReport:
    return min(reports, key=lambda r: _SEVERITY.index(r.exit_code))


def finish(reports: list[RunReport], io: ActionsIO, fmt: str, out: TextIO) -> int:
    """End a deploy, gate or rollback run: job summary, step outputs, the JSON document, then
    the exit code, as the matching HotfixError so the one handler in :mod:`hotfix_ci.cli`
    prints message and hint (exit 5 and 6 included) the same way for every command."""
    for report in reports:
        io.write_summary(render_markdown(report))
    top = worst(reports)
    io.set_outputs(
        {
            "state": top.state,
            "live": top.live or "",
            "exit-code": str(int(top.exit_code)),
            "rolled-back": str(any(r.state == "rolled_back" for r in reports)).lower(),
        }
    )
    if fmt == "json":
        out.write(render_json(reports) + "\n")
    else:
        for report in reports:
            if report.exit_code == ExitCode.OK:
                out.write(f"done: {report.message}\n")
    if top.exit_code == ExitCode.OK:
        return 0
    messages = [r.message for r in reports if r.exit_code == top.exit_code]
    hints = [r.hint for r in reports if r.exit_code == top.exit_code and r.hint]
    raise error_for(top.exit_code, "\n".join(messages), "; ".join(dict.fromkeys(hints)) or None)

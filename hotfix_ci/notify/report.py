"""What ``hotfix-ci notify`` prints: text, JSON (stable, documented), or text plus
workflow annotations and a job summary inside Actions.

Every line that can hold text from outside (a service's error answer) is made inert for
the runner: a line never starts with ``::``, so it can never be read as a workflow
command (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.escape import markdown
from hotfix_ci.notify.context import NotifyContext
from hotfix_ci.notify.deliver import ChannelOutcome, describe, required_failed

_COMMAND_START = re.compile(r"^(\s*)::", re.MULTILINE)
MARK = {"sent": "ok", "dry-run": "dry run", "failed": "FAILED"}


def inert(text: str) -> str:
    return _COMMAND_START.sub(r"\1: :", text)


@dataclass(frozen=True, kw_only=True)
class NotifyReport:
    context: NotifyContext
    outcomes: list[ChannelOutcome]
    dry_run: bool
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not required_failed(self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        ctx = self.context
        return {
            "event": ctx.event,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "repository": ctx.repository,
            "pr": ctx.pr,
            "tag": ctx.tag,
            "environment": ctx.environment,
            "delivery": ctx.delivery,
            "channels": [outcome.as_dict() for outcome in self.outcomes],
            "warnings": self.warnings,
        }


def render_json(report: NotifyReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False)


def render_text(report: NotifyReport) -> str:
    ctx = report.context
    about = " ".join(
        part
        for part in (
            ctx.repository,
            f"#{ctx.pr}" if ctx.pr is not None else None,
            ctx.tag,
            ctx.environment,
        )
        if part
    )
    lines = [f"notify {ctx.event}{' (dry run)' if report.dry_run else ''}: {about}"]
    lines += [f"  warning: {text}" for text in report.warnings]
    if not report.outcomes:
        lines.append(f"  no channel receives the {ctx.event} event (see notify.events)")
    for outcome in report.outcomes:
        lines.append("  " + describe(outcome))
        if outcome.payload is not None:
            body = json.dumps(outcome.payload, indent=2, ensure_ascii=False)
            lines += ["    " + line for line in body.splitlines()]
    failed = [o for o in report.outcomes if o.failed]
    if failed and report.ok:
        lines.append(f"  {len(failed)} optional channel(s) failed: warnings only, exit 0")
    elif not report.ok:
        lines.append("  a required channel failed: exit 1 (re-run the job once it is fixed)")
    return inert("\n".join(lines))


def publish_github(report: NotifyReport, io: ActionsIO) -> None:
    """Annotations for failed channels and a short job summary."""
    for outcome in report.outcomes:
        if outcome.failed:
            level = "error" if outcome.required else "warning"
            io.annotation(level, describe(outcome), title="hotfix-ci notify")
    rows = [f"### Notifications: {report.context.event}", ""]
    rows += [
        f"- {markdown(o.channel)} ({o.type}): {MARK[o.status]}, {markdown(o.detail)}"
        for o in report.outcomes
    ]
    io.write_summary("\n".join(rows))

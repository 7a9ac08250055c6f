"""``hotfix-ci report``: the incident report and post-mortem draft of one hotfix, in the
seeds' shape (summary, timeline with durations, impact to fill, root cause and fix from the
PR body's sections, parsed by the caller with ``release.notes.parse_sections``), what went
well / wrong, action items), a Mermaid gantt chart, or JSON.

PR text is data: titles are escaped, section text keeps its markdown but no ``@`` mention
pings and no HTML comment survives; secrets are redacted by the caller's stream.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from hotfix_ci.durations import format_duration
from hotfix_ci.escape import ZERO_WIDTH_SPACE, one_line
from hotfix_ci.escape import markdown as escape_markdown
from hotfix_ci.reports.timeline import Measure, Timeline

POSTMORTEM_DUE = dt.timedelta(hours=24)
MEASURE_TEXT = {
    "respond": "opened → first approval",
    "merge": "opened → merged",
    "deploy": "opened → live",
    "total": "opened → done",
}
_MERMAID_UNSAFE = re.compile(r"[:;#%{}<>\"`@\n\r]")  # @: no mention, even in a code block


def marker(number: int) -> str:
    return f"<!-- hotfix-ci:post-mortem:pr-{number} -->"


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def span(seconds: float | None) -> str:
    if seconds is None:
        return "not reached"
    return format_duration(seconds) if seconds >= 1 else "0s"


def verdict(m: Measure) -> str:
    if m.met is None:
        return "no target"
    limit = span(m.limit)
    return f"within {limit}" if m.met else f"MISSED ({limit})"


def outcome(t: Timeline) -> str:
    if t.rolled_back:
        return "rolled back"
    if t.live:
        return "live"
    return "merged, not deployed" if t.merged else "not merged"


def due(t: Timeline) -> dt.datetime:
    """The post-mortem is due 24 hours after the hotfix ended (or was opened)."""
    total = t.measure("total").seconds
    end = t.opened + dt.timedelta(seconds=total) if total is not None else t.opened
    return end + POSTMORTEM_DUE


def as_json(t: Timeline) -> dict[str, Any]:
    return {
        "pr": t.number,
        "title": t.title,
        "url": t.url,
        "author": t.author,
        "severity": t.severity,
        "outcome": outcome(t),
        "opened_at": iso(t.opened),
        "merged": t.merged,
        "live": t.live,
        "break_glass": t.break_glass,
        "approvals": {"before_merge": t.approvals_before_merge, "required": t.approvals_required},
        "review_after_deploy": {
            "required": t.review_after_deploy,
            "done": t.reviewed_after_deploy,
        },
        "deploys": t.deploys,
        "rolled_back": t.rolled_back,
        "restore_seconds": list(t.restore_seconds),
        "tags": list(t.tags),
        "measures": {
            m.name: {"seconds": m.seconds, "target_seconds": m.limit, "met": m.met}
            for m in t.measures
        },
        "timeline": [
            {"at": iso(s.at), "kind": s.kind, "text": s.text, "actor": s.actor} for s in t.steps
        ],
        "postmortem_due": iso(due(t)),
        "gantt": gantt(t),
    }


def render_json(t: Timeline) -> str:
    return json.dumps(as_json(t), indent=2)


def _label(text: str) -> str:
    return _MERMAID_UNSAFE.sub(" ", one_line(text))[:60].strip() or "step"


def gantt(t: Timeline) -> str:
    """The timeline as a Mermaid gantt chart (bars: review, merge, each deploy and
    rollback; milestones: notifications and break-glass). Times in UTC."""
    fmt = "%Y-%m-%dT%H:%M:%S"
    lines = [
        "gantt",
        f"    title Hotfix {t.number} (UTC)",
        "    dateFormat YYYY-MM-DDTHH:mm:ss",
        "    axisFormat %H:%M",
    ]
    bars: list[tuple[str, str, dt.datetime, dt.datetime]] = []
    for m in t.measures[:2]:  # respond, merge
        if m.seconds is not None:
            end = t.opened + dt.timedelta(seconds=m.seconds)
            bars.append(("Review and merge", MEASURE_TEXT[m.name], t.opened, end))
    runs: dict[str, list[dt.datetime]] = {}
    for step in t.steps:
        if step.kind in ("deploy", "rollback"):
            key = step.text.split(" ", 1)[0] + " " + step.kind
            runs.setdefault(key, []).append(step.at)
    for key, times in runs.items():
        bars.append(("Deploy", key, min(times), max(times)))
    count, current = 0, ""
    for section, name, start, stop in bars:
        count += 1
        end = max(stop, start + dt.timedelta(seconds=1))
        if section != current:
            lines.append(f"    section {_label(section)}")
            current = section
        lines.append(f"    {_label(name)} :b{count}, {start.strftime(fmt)}, {end.strftime(fmt)}")
    marks = [s for s in t.steps if s.kind in ("notify", "break-glass", "merged")]
    if marks:
        lines.append("    section Events")
    for step in marks:
        count += 1
        lines.append(f"    {_label(step.text)} :milestone, m{count}, {step.at.strftime(fmt)}, 0d")
    return "\n".join(lines)


def _user_text(text: str) -> str:
    """PR markdown kept as markdown, but inert: no mention pings, no hidden comments."""
    text = text.replace("@", "@" + ZERO_WIDTH_SPACE).replace("<!--", "&lt;!--")
    return text.strip()


def _section(sections: Mapping[str, str], key: str, prompt: str) -> str:
    value = sections.get(key, "").strip()
    return _user_text(value) if value else f"_{prompt}_"


def render_markdown(t: Timeline) -> str:
    sections = t.sections
    title = escape_markdown(one_line(t.title))
    lines = [
        f"# Incident report: #{t.number} {title}",
        "",
        "## Summary",
        "",
        f"- **Severity:** {t.severity or 'none (no single severity label)'}",
        f"- **Outcome:** {outcome(t)}" + (" · **break-glass merge**" if t.break_glass else ""),
        f"- **Pull request:** {t.url or '#' + str(t.number)} by {escape_markdown(t.author)}",
        f"- **Opened:** {stamp(t.opened)}",
        f"- **Approvals before merge:** {t.approvals_before_merge} of {t.approvals_required}",
    ]
    if t.review_after_deploy:
        done = "done" if t.reviewed_after_deploy else "PENDING"
        lines.append(f"- **Review after deploy:** {done}")
    if t.restore_seconds:
        lines.append(f"- **Time to restore:** {', '.join(span(s) for s in t.restore_seconds)}")
    lines += ["", "| Step | Time | Target |", "|---|---|---|"]
    lines += [f"| {MEASURE_TEXT[m.name]} | {span(m.seconds)} | {verdict(m)} |" for m in t.measures]
    lines += ["", "## Timeline (UTC)", "", "| Time | Since opened | Step |", "|---|---|---|"]
    for step in t.steps:
        since = span((step.at - t.opened).total_seconds())
        lines.append(f"| {stamp(step.at)} | +{since} | {escape_markdown(one_line(step.text))} |")
    lines += ["", "```mermaid", gantt(t), "```", ""]
    lines += [
        "## Impact",
        "",
        f"- **Users affected:** {_section(sections, 'affected_users', 'to fill: who, how many')}",
        f"- **What users saw:** {_section(sections, 'impact', 'to fill')}",
        f"- **Error rate:** {_section(sections, 'error_rate', 'to fill: peak, with a graph')}",
        f"- **Duration:** {span(t.measure('total').seconds)} from the PR opening to the end "
        "(add the time before the PR: detection → PR)",
        "- **Revenue / SLA impact:** _to fill_",
        "",
        "## Root cause",
        "",
        _section(sections, "root_cause", "to fill: why it broke"),
        "",
        "## Fix",
        "",
        _section(sections, "fix", "to fill: what the change does"),
        "",
        "# Post-mortem (draft)",
        "",
        f"Due by **{stamp(due(t))}** (24 hours after the hotfix ended). Blameless: describe "
        "systems and decisions, not people.",
        "",
        "## What went well",
        "",
        *[
            f"- {MEASURE_TEXT[m.name]} within target ({span(m.seconds)})"
            for m in t.measures
            if m.met
        ],
        "- _to fill: what helped (alerts, runbooks, tooling, people you could reach)_",
        "",
        "## What went wrong",
        "",
        *_wrong(t),
        "- _to fill: what slowed the response or made it worse_",
        "",
        "## Action items",
        "",
        *_actions(t),
        "- [ ] _to fill: the change that stops this class of incident (owner, due date)_",
    ]
    return "\n".join(lines) + "\n"


def _well(t: Timeline) -> list[str]:
    return [
        f"- {MEASURE_TEXT[m.name]} within target ({span(m.seconds)})" for m in t.measures if m.met
    ]


def _wrong(t: Timeline) -> list[str]:
    found = [
        f"- {MEASURE_TEXT[m.name]}: {span(m.seconds)}, target {span(m.limit)}"
        for m in t.measures
        if m.met is False
    ]
    if t.rolled_back:
        found.append(f"- {t.rolled_back} deploy(s) failed their gates and were rolled back")
    if t.break_glass:
        found.append(
            f"- merged with {t.approvals_before_merge} of {t.approvals_required} required "
            "approval(s) (break-glass)"
        )
    if t.merged and not t.live and not t.rolled_back:
        found.append("- merged but never went live")
    return found


def _actions(t: Timeline) -> list[str]:
    found = []
    if t.review_after_deploy and not t.reviewed_after_deploy:
        found.append("- [ ] review the merged change now (review after deploy is pending)")
    if t.break_glass:
        found.append("- [ ] review the break-glass merge and record why it was needed")
    if t.rolled_back:
        found.append("- [ ] fix the rolled-back release in a new hotfix PR")
    if t.merged and not t.live and not t.rolled_back:
        found.append("- [ ] deploy the release, or record why it was not deployed")
    return found


RENDERER_BY_NAME: dict[str, Callable[[Timeline], str]] = {
    "markdown": render_markdown,
    "json": render_json,
}

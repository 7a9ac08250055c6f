"""``hotfix-ci metrics``: the numbers of many hotfixes, from their timelines; pure.

- count by severity (PRs with no single severity label count as "none");
- median and p90 of time to first approval, merge and deploy (over the hotfixes that
  reached that step; p90 by the nearest-rank method: the smallest value with at least 90 %
  of the values at or below it);
- change failure rate: deploys rolled back / deploys (rollback records not counted);
- time to restore: median and p90 over the successful rollbacks;
- share within target: per step, hotfixes within target / hotfixes whose severity sets a
  target for that step (one not reaching the step counts as missed);
- break-glass merges, and merged hotfixes never deployed.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from hotfix_ci.reports.report import MEASURE_TEXT, span
from hotfix_ci.reports.timeline import Timeline

TIMED = ("respond", "merge", "deploy")


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


@dataclass(frozen=True, kw_only=True)
class Metrics:
    since: str
    hotfixes: int
    by_severity: dict[str, int]
    times_seconds: dict[str, dict[str, float | int | None]]  # measure -> median, p90, count
    deploys: int
    rolled_back: int
    change_failure_rate: float | None
    time_to_restore_seconds: dict[str, float | int | None]
    within_target: dict[str, dict[str, float | int | None]]  # measure -> met, of, share
    break_glass: int
    merged_never_deployed: int
    api_requests: int | None = None


def compute(timelines: Sequence[Timeline], since: str, requests: int | None = None) -> Metrics:
    times: dict[str, dict[str, float | int | None]] = {}
    for name in TIMED:
        values = [s for t in timelines if (s := t.measure(name).seconds) is not None]
        times[name] = {"median": median(values), "p90": p90(values), "count": len(values)}
    restores = [s for t in timelines for s in t.restore_seconds]
    within: dict[str, dict[str, float | int | None]] = {}
    for name in ("respond", "merge", "deploy", "total"):
        judged = [m.met for t in timelines if (m := t.measure(name)).met is not None]
        met = sum(1 for ok in judged if ok)
        within[name] = {
            "met": met,
            "of": len(judged),
            "share": met / len(judged) if judged else None,
        }
    deploys = sum(t.deploys for t in timelines)
    rolled = sum(t.rolled_back for t in timelines)
    return Metrics(
        since=since,
        hotfixes=len(timelines),
        by_severity=dict(sorted(Counter(t.severity or "none" for t in timelines).items())),
        times_seconds=times,
        deploys=deploys,
        rolled_back=rolled,
        change_failure_rate=rolled / deploys if deploys else None,
        time_to_restore_seconds={
            "median": median(restores),
            "p90": p90(restores),
            "count": len(restores),
        },
        within_target=within,
        break_glass=sum(1 for t in timelines if t.break_glass),
        merged_never_deployed=sum(1 for t in timelines if t.merged and not t.deploys),
        api_requests=requests,
    )


def as_json(m: Metrics) -> dict[str, Any]:
    """The documented ``--format json`` shape: the fields, by their names."""
    return asdict(m)


def _pct(value: float | int | None) -> str:
    return "-" if value is None else f"{100 * float(value):.0f} %"


def _time(value: float | int | None) -> str:
    return "-" if value is None else span(float(value))


def _lines(m: Metrics) -> list[tuple[str, str]]:
    rows = [("hotfixes since " + m.since[:10], str(m.hotfixes))]
    rows += [(f"  severity {name}", str(n)) for name, n in m.by_severity.items()]
    for name in TIMED:
        t = m.times_seconds[name]
        rows.append(
            (f"{MEASURE_TEXT[name]} (median / p90)", f"{_time(t['median'])} / {_time(t['p90'])}")
        )
    cfr = _pct(m.change_failure_rate)
    rows.append(
        ("change failure rate", f"{cfr} ({m.rolled_back} of {m.deploys} deploys rolled back)")
    )
    restore = m.time_to_restore_seconds
    rows.append(
        ("time to restore (median / p90)", f"{_time(restore['median'])} / {_time(restore['p90'])}")
    )
    for name, w in m.within_target.items():
        if w["of"]:
            rows.append((f"within target: {name}", f"{_pct(w['share'])} ({w['met']} of {w['of']})"))
    rows.append(("break-glass merges", str(m.break_glass)))
    rows.append(("merged, never deployed", str(m.merged_never_deployed)))
    return rows


def render_text(m: Metrics) -> str:
    rows = _lines(m)
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def render_json(m: Metrics) -> str:
    return json.dumps(as_json(m), indent=2)


def chart(m: Metrics) -> str:
    """Median time to each step, in minutes, as a Mermaid bar chart."""
    names = [name for name in TIMED if m.times_seconds[name]["median"] is not None]
    values = [round(float(m.times_seconds[n]["median"] or 0) / 60, 1) for n in names]
    top = max(values, default=1.0) or 1.0
    labels = ", ".join(f'"{n}"' for n in names)
    return "\n".join(
        [
            "xychart-beta",
            '    title "Median minutes from PR opened"',
            f"    x-axis [{labels}]",
            f'    y-axis "minutes" 0 --> {math.ceil(top * 1.2)}',
            f"    bar [{', '.join(str(v) for v in values)}]",
        ]
    )


def render_markdown(m: Metrics) -> str:
    lines = ["## Hotfix metrics", "", "| Metric | Value |", "|---|---|"]
    lines += [f"| {k.strip()} | {v} |" for k, v in _lines(m)]
    lines += ["", "```mermaid", chart(m), "```"]
    pie = [f'    "{name}" : {n}' for name, n in m.by_severity.items()]
    if pie:
        lines += ["", "```mermaid", "pie title Hotfixes by severity", *pie, "```"]
    return "\n".join(lines)


RENDERER_BY_NAME: dict[str, Callable[[Metrics], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}

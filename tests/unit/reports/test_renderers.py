"""Metrics arithmetic and the renderers' treatment of hostile text."""

from __future__ import annotations

import datetime as dt

import pytest

from hotfix_ci.config.model import MEASURES
from hotfix_ci.github_api.deployments import DeploymentRecord
from hotfix_ci.reports import log, metrics
from hotfix_ci.reports.report import gantt, render_markdown
from hotfix_ci.reports.timeline import Measure, Step, Timeline


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [
        ([], None, None),
        ([5.0], 5.0, 5.0),
        ([1.0, 3.0], 2.0, 3.0),
        ([4.0, 1.0, 3.0], 3.0, 4.0),
        ([float(v) for v in range(1, 11)], 5.5, 9.0),  # nearest rank: ceil(0.9 * 10) = 9th
        ([float(v) for v in range(1, 12)], 6.0, 10.0),  # ceil(9.9) = 10th
    ],
)
def test_median_and_p90(values: list[float], median: float | None, p90: float | None) -> None:
    assert metrics.median(values) == median
    assert metrics.p90(values) == p90


def test_no_hotfixes_gives_empty_figures() -> None:
    m = metrics.compute([], "2026-03-01T00:00:00Z")
    assert (m.hotfixes, m.change_failure_rate, m.time_to_restore_seconds["median"]) == (
        0,
        None,
        None,
    )
    assert "hotfixes since 2026-03-01" in metrics.render_text(m)
    assert "xychart-beta" in metrics.render_markdown(m)


def hostile() -> Timeline:
    opened = dt.datetime(2026, 3, 2, 3, tzinfo=dt.timezone.utc)
    title = "[HOTFIX] x: y; #1 %% }}\n::error::boom @everyone"
    return Timeline(
        number=3, title=title, url="", author="mallory", severity="P1", opened=opened,
        steps=(Step(at=opened, kind="notify", text=title),),
        measures=tuple(Measure(name=n, seconds=None, limit=None) for n in MEASURES),
        merged=False, live=False, break_glass=False, approvals_before_merge=0, approvals_required=1,
        review_after_deploy=False, reviewed_after_deploy=False, deploys=0, rolled_back=0,
        restore_seconds=(), tags=(),
        sections={"root_cause": "<!-- hotfix-ci:post-mortem:pr-9 --> ping @admins"},
    )  # fmt: skip


def test_gantt_labels_cannot_break_the_chart() -> None:
    chart = gantt(hostile())
    milestone = next(line for line in chart.splitlines() if ":milestone" in line)
    label = milestone.split(" :milestone")[0]
    assert not any(ch in label for ch in ":;#%{}@\n")


def test_markdown_keeps_user_text_inert() -> None:
    out = render_markdown(hostile())
    assert "\n::error::" not in out
    assert "@everyone" not in out and "@admins" not in out
    assert "<!-- hotfix-ci:post-mortem:pr-9 -->" not in out
    assert out.startswith("# Incident report: #3 \\[HOTFIX\\] x: y; \\#1")


def record(tag: str) -> DeploymentRecord:
    return DeploymentRecord(
        id=1, ref=tag, sha="a" * 40, environment="production", description="",
        payload={"tool": "hotfix-ci", "provider": "=cmd|' /C calc'!A0", "pr": 4},
        created_at="2026-03-02T03:00:00Z", state="success", creator="github-actions[bot]",
    )  # fmt: skip


def test_csv_defuses_formulas() -> None:
    rows = [log.row(record("+hotfix-v1"))]
    line = log.render_csv(rows).splitlines()[1]
    assert line.startswith("2026-03-02T03:00:00Z,production,'=cmd|' /C calc'!A0,'+hotfix-v1,")
    assert line.endswith(",github-actions[bot],4,success,-,no")


def test_text_and_markdown_log() -> None:
    rows = [log.row(record("hotfix-v1|x"))]
    assert "aaaaaaaaaaaa  github-actions[bot]  #4" in log.render_text(rows)
    assert "hotfix\\-v1\\|x" in log.render_markdown(rows)
    assert log.render_text([]) == "no deployments recorded by hotfix-ci in this window"

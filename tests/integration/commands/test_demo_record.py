"""The demo's last stage: the deployment log and the post-mortem of the demo's own run, read
from its emulator by the real `log` and `report` commands."""

from __future__ import annotations

import io
import re

from hotfix_ci.commands.demo import Demo, default_stages, run_demo
from hotfix_ci.commands.demo.record_stage import gantt_block, record_stage, sections

ROW = re.compile(
    r"^   (?P<time>\S+)\s+production\s+shop\s+(?P<tag>\S+)\s+[0-9a-f]{12}\s+\S+\s+"
    r"(?P<pr>\S+)\s+(?P<result>\S+)\s+(?P<rollback_of>\S+)\s+no$"
)


def _play() -> tuple[str, list[dict[str, object]]]:
    issues: list[dict[str, object]] = []

    def capture(demo: Demo) -> int:
        issues.extend(demo.emu.issues("acme/shop"))
        return 0

    out = io.StringIO()
    assert run_demo(out, (*default_stages(), capture)) == 0, out.getvalue()[-3000:]
    return out.getvalue(), issues


def test_the_demo_ends_with_the_log_and_the_post_mortem_of_its_own_run() -> None:
    assert default_stages()[-1] is record_stage
    text, issues = _play()
    log = text[text.index("(`hotfix-ci log`)") : text.index("(`hotfix-ci report")]
    rows = [m.groupdict() for m in map(ROW.match, log.splitlines()) if m]
    # newest first: the automatic rollback, the failed deploy, the PR's deploy at 03:17
    day = rows[-1]["time"][:10]  # type: ignore[index]
    assert rows == [
        {"time": f"{day}T03:42:00Z", "tag": "hotfix-v1.4.3", "pr": "#1", "result": "success",
         "rollback_of": "hotfix-v1.4.4"},
        {"time": f"{day}T03:42:00Z", "tag": "hotfix-v1.4.4", "pr": "-", "result": "failure",
         "rollback_of": "-"},
        {"time": f"{day}T03:17:00Z", "tag": "hotfix-v1.4.3", "pr": "#1", "result": "success",
         "rollback_of": "-"},
    ]  # fmt: skip
    report = text[text.index("(`hotfix-ci report") :]
    # the durations of this night, from 03:00 (PR opened) against the P1 target
    assert "| opened → first approval | 12m | no target |" in report
    assert "| opened → merged | 15m | no target |" in report
    assert "| opened → live | 17m | within 2h |" in report
    assert "- **Severity:** P1" in report and "by bob" in report
    assert f"the post-mortem is due by {_next_day(day)} 03:17:00 UTC" in report
    assert "     ```mermaid" in report and "     gantt" in report
    assert f"opened → merged :b2, {day}T03:00:00, {day}T03:15:00" in report
    assert f"production/shop  deploy :b3, {day}T03:17:00" in report
    assert "... and the sections Timeline (UTC), Impact, Root cause, Fix, Post-mortem" in report
    # one post-mortem issue, opened once, found again by its marker on the re-run
    assert "opened post-mortem issue #2:" in report
    assert "post-mortem issue #2 is up to date:" in report
    mortems = [i for i in issues if str(i.get("title", "")).startswith("Post-mortem: #1 ")]
    assert len(mortems) == 1
    assert [label["name"] for label in mortems[0]["labels"]] == ["post-mortem"]  # type: ignore[index]
    assert "```mermaid" in str(mortems[0]["body"]) and "## Root cause" in str(mortems[0]["body"])


def _next_day(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def test_sections_and_the_gantt_block_are_read_from_the_markdown() -> None:
    document = "# Report\n## Summary\n- a\n```mermaid\ngantt\n# not a heading\n```\n## Fix\nb\n"
    assert [title for title, _ in sections(document)] == ["Report", "Summary", "Fix"]
    assert gantt_block(document) == ["```mermaid", "gantt", "# not a heading", "```"]
    assert gantt_block("# no chart\n") == []

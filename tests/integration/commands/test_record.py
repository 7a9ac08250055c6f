"""`hotfix-ci report`, `metrics` and `log` over four hotfixes seeded to the second in the
emulator: rolled back (#1), P0 reviewed after deploy (#2), never deployed (#3), break-glass
merge (#4). Every number below is worked out by hand from the seeded times."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.errors import ExitCode
from hotfix_ci.testing import Fault
from hotfix_ci.testing.scenes import HotfixScene
from tests.helpers.cli import REPO, base_env, run

DAY = "2026-03-02T"
NOW = "--since=2026-03-01"
BODY = (
    "## Root cause\n\nThe session cache kept a stale key @oncall-team.\n\n"
    "## Fix\n\nInvalidate the key on login.\n\n## Affected users\n\nAll EU users\n"
)
NOTIFY = "<!-- hotfix-ci:notify:rolled-back:production -->\n### Rolled back"


def t(clock: str) -> str:
    return f"{DAY}{clock}Z"


@pytest.fixture
def seeded(emulator: Any) -> Any:
    emulator.set_clock(t("02:00:00"))
    emulator.create_repo(REPO)
    scene = HotfixScene(emulator, REPO)
    scene.tag("hotfix-v1.0.0")
    # 1: P1, approved at +10m, merged at +20m, deploy fails its gates and is rolled back.
    one = scene.open(t("03:00:00"), "login", body=BODY)
    scene.review(one, t("03:10:00"), "alice")
    scene.tag("hotfix-v1.0.1", scene.merge(one, t("03:20:00")))
    scene.deploy(one, "hotfix-v1.0.1", [(t("03:25:00"), "in_progress"), (t("03:31:00"), "failure")])
    scene.deploy(
        one, "hotfix-v1.0.0", [(t("03:33:00"), "success")],
        created=t("03:30:00"), rollback_of="hotfix-v1.0.1",
    )  # fmt: skip
    scene.comment(one, t("03:34:00"), NOTIFY, author="github-actions[bot]")
    # 2: P0 (no approval needed before merge), live at +12m, reviewed at +40m.
    two = scene.open(t("04:00:00"), "outage", labels=["hotfix", "P0"])
    scene.tag("hotfix-v1.0.2", scene.merge(two, t("04:05:00")))
    emulator.set_clock(t("04:06:00"))
    release(emulator, "hotfix-v1.0.2")
    b = scene.deploy(
        two, "hotfix-v1.0.2", [(t("04:08:00"), "in_progress"), (t("04:12:00"), "success")]
    )
    scene.review(two, t("04:40:00"), "alice")
    # 3: P1, approved at +30m, merged at +45m, never deployed.
    three = scene.open(t("05:00:00"), "typo")
    scene.review(three, t("05:30:00"), "alice")
    scene.merge(three, t("05:45:00"))
    # 4: P1 merged at +2m with no approval (break-glass); an older record without "pr".
    four = scene.open(t("06:00:00"), "billing")
    sha = scene.merge(four, t("06:02:00"))
    scene.tag("hotfix-v1.0.3", sha)
    scene.deploy(
        None, "hotfix-v1.0.3", [(t("06:05:00"), "in_progress"), (t("06:09:00"), "success")]
    )
    emulator.set_clock(t("06:09:00"))
    emulator.add_deployment_status(REPO, b, "inactive")  # #4 replaced #2's release
    emulator.set_clock(t("07:00:00"))
    emulator.clear_requests()
    return emulator


def release(emu: Any, tag: str) -> None:
    """A GitHub Release of ``tag``, created through the API as `hotfix-ci release` does."""
    from github import Auth, Github

    Github(base_url=emu.url, auth=Auth.Token("x")).get_repo(REPO).create_git_release(tag, tag, "")


def cli(emu: Any, tmp_path: Path, *args: str) -> Any:
    return run(list(args), base_env(emu, tmp_path), tmp_path)


def measures(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    return {k: v["seconds"] for k, v in json.loads(result.stdout)["measures"].items()}


def test_rolled_back_hotfix(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "report", "--pr", "1", "--format", "json")
    assert measures(result) == {"respond": 600, "merge": 1200, "deploy": None, "total": 1980}
    data = json.loads(result.stdout)
    assert (data["outcome"], data["rolled_back"], data["restore_seconds"]) == (
        "rolled back",
        1,
        [480],
    )
    assert data["measures"]["deploy"] == {"seconds": None, "target_seconds": 7200, "met": False}
    kinds = [step["kind"] for step in data["timeline"]]
    assert kinds == [
        "opened", "labeled", "labeled", "review", "merged", "deploy", "rollback", "deploy",
        "rollback", "notify",
    ]  # fmt: skip
    assert data["timeline"][-1]["text"] == "notified: rolled-back (production)"


def test_p0_reviewed_after_deploy(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "report", "--pr", "2", "--format", "json")
    # the late review ends it (+40m), not the later "inactive" when #4 replaced it
    assert measures(result) == {"respond": 2400, "merge": 300, "deploy": 720, "total": 2400}
    data = json.loads(result.stdout)
    assert data["review_after_deploy"] == {"required": True, "done": True}
    assert data["break_glass"] is False
    assert data["measures"]["respond"]["met"] is False  # 40m > the P0 15m
    assert data["measures"]["total"]["met"] is False  # 40m > the P0 30m
    steps = [(s["at"], s["kind"], s["text"]) for s in data["timeline"]]
    assert ("2026-03-02T04:06:00Z", "tag", "release hotfix-v1.0.2 tagged") in steps
    assert ("2026-03-02T04:40:00Z", "review", "approved by alice") in steps
    assert steps[-1] == (
        "2026-03-02T06:09:00Z",
        "deploy",
        "production/web: deploy hotfix-v1.0.2 inactive",
    )  # shown, but the hotfix ended at the review


def test_never_deployed_hotfix(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "report", "--pr", "3")
    assert result.exit_code == 0, result.stderr
    assert "- **Outcome:** merged, not deployed" in result.stdout
    assert "| opened → first approval | 30m | no target |" in result.stdout
    assert "| opened → live | not reached | MISSED (2h) |" in result.stdout
    assert "- [ ] deploy the release, or record why it was not deployed" in result.stdout


def test_break_glass_merge_found_through_the_merge_commit(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "report", "--pr", "4", "--format", "json")
    assert measures(result) == {"respond": None, "merge": 120, "deploy": 540, "total": 540}
    data = json.loads(result.stdout)
    assert data["break_glass"] is True
    assert data["approvals"] == {"before_merge": 0, "required": 1}
    assert "break-glass" in [step["kind"] for step in data["timeline"]]


def test_markdown_report_has_sections_gantt_and_inert_user_text(
    seeded: Any, tmp_path: Path
) -> None:
    out = cli(seeded, tmp_path, "report", "--pr", "1").stdout
    for heading in ("## Summary", "## Timeline (UTC)", "## Impact", "## Root cause", "## Fix",
                    "# Post-mortem (draft)", "## What went well", "## What went wrong",
                    "## Action items"):  # fmt: skip
        assert f"\n{heading}\n" in out
    assert "The session cache kept a stale key @\u200boncall-team." in out
    assert "- **Users affected:** All EU users" in out
    assert "```mermaid\ngantt\n" in out
    assert "opened → merged :b2, 2026-03-02T03:00:00, 2026-03-02T03:20:00" in out
    started = "production/web: rollback of hotfix\\-v1.0.1 to hotfix\\-v1.0.0 started"
    assert f"| 2026-03-02 03:30:00 UTC | +30m | {started} |" in out
    assert "production/web  rollback :b4, 2026-03-02T03:30:00, 2026-03-02T03:33:00" in out
    assert "Due by **2026-03-03 03:33:00 UTC**" in out
    assert "- [ ] fix the rolled-back release in a new hotfix PR" in out


def test_metrics_numbers_and_request_budget(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "metrics", NOW, "--format", "json")
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout)
    assert m["hotfixes"] == 4
    assert m["by_severity"] == {"P0": 1, "P1": 3}
    assert m["times_seconds"]["respond"] == {"median": 1800, "p90": 2400, "count": 3}
    assert m["times_seconds"]["merge"] == {"median": 750, "p90": 2700, "count": 4}
    assert m["times_seconds"]["deploy"] == {"median": 630, "p90": 720, "count": 2}
    assert (m["deploys"], m["rolled_back"]) == (3, 1)
    assert m["change_failure_rate"] == pytest.approx(1 / 3)
    assert m["time_to_restore_seconds"] == {"median": 480, "p90": 480, "count": 1}
    assert m["within_target"]["respond"] == {"met": 0, "of": 1, "share": 0.0}
    assert m["within_target"]["deploy"] == {"met": 1, "of": 3, "share": pytest.approx(1 / 3)}
    assert m["within_target"]["total"] == {"met": 0, "of": 1, "share": 0.0}
    assert (m["break_glass"], m["merged_never_deployed"]) == (1, 1)
    # issues list 1 + reviews 4 + deployments list 1 + statuses 4 + commit->PRs 1 for the
    # record without "pr" = 11, under 2.5 per hotfix
    assert m["api_requests"] == len(seeded.requests) == 11


def test_metrics_markdown_has_a_chart(seeded: Any, tmp_path: Path) -> None:
    out = cli(seeded, tmp_path, "metrics", NOW, "--format", "markdown").stdout
    assert "| change failure rate | 33 % (1 of 3 deploys rolled back) |" in out
    assert "```mermaid\nxychart-beta\n" in out
    assert '    x-axis ["respond", "merge", "deploy"]' in out
    assert '    "P1" : 3' in out


def test_metrics_since_leaves_older_hotfixes_out(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "metrics", "--since=2026-03-02T04:30:00Z", "--format", "json")
    assert json.loads(result.stdout)["by_severity"] == {"P1": 2}


def test_log_lists_every_deployment_with_its_pr_and_rollback(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "log", NOW, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["deployments"]
    assert [(r["tag"], r["pr"], r["result"], r["rollback_of"]) for r in rows] == [
        ("hotfix-v1.0.3", 4, "success", None),  # no "pr" in the payload: found by commit
        ("hotfix-v1.0.2", 2, "inactive", None),
        ("hotfix-v1.0.0", 1, "success", "hotfix-v1.0.1"),
        ("hotfix-v1.0.1", 1, "failure", None),
    ]
    assert {r["who"] for r in rows} == {"github-actions[bot]"}
    assert rows[0]["time"] == "2026-03-02T06:05:00Z"
    # one commit lookup, for the one record whose payload names no PR
    lookups = [r for r in seeded.requests if r.path.endswith("/pulls") and "/commits/" in r.path]
    assert len(lookups) == 1


def test_log_csv_and_text(seeded: Any, tmp_path: Path) -> None:
    csv = cli(seeded, tmp_path, "log", NOW, "--format", "csv", "-e", "production").stdout
    lines = csv.splitlines()
    assert lines[0] == "time,environment,provider,tag,commit,who,pr,result,rollback_of,break_glass"
    assert len(lines) == 5
    text = cli(seeded, tmp_path, "log", "--since=2026-03-02T06:00:00Z").stdout.splitlines()
    assert text[0].split() == ["time", "environment", "provider", "tag", "commit", "who", "pr",
                               "result", "rollback_of", "break_glass"]  # fmt: skip
    assert len(text) == 2 and "hotfix-v1.0.3" in text[1]


def test_open_issue_once_then_update(seeded: Any, tmp_path: Path) -> None:
    first = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue")
    assert first.exit_code == 0, first.stderr
    assert "opened post-mortem issue #5" in first.stderr
    (issue,) = seeded.issues(REPO)
    assert (issue["number"], issue["labels"][0]["name"]) == (5, "post-mortem")
    assert issue["body"].startswith("<!-- hotfix-ci:post-mortem:pr-2 -->\n# Incident report")
    again = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue")
    assert "post-mortem issue #5 is up to date" in again.stderr
    seeded.set_clock(t("07:10:00"))
    seeded.add_review(REPO, 2, "dave", state="CHANGES_REQUESTED")
    updated = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue")
    assert "updated post-mortem issue #5" in updated.stderr
    assert [i["number"] for i in seeded.issues(REPO)] == [5]
    assert "changes requested by dave" in seeded.issues(REPO)[0]["body"]


def test_open_issue_ignores_a_marker_pasted_by_someone_else(seeded: Any, tmp_path: Path) -> None:
    marker = "<!-- hotfix-ci:post-mortem:pr-2 -->"
    seeded.create_issue(REPO, title="x", body=marker, author="eve", labels=["post-mortem"])
    result = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue")
    assert "opened post-mortem issue #6" in result.stderr


def test_open_issue_after_a_5xx_that_landed_is_not_opened_twice(
    seeded: Any, tmp_path: Path
) -> None:
    seeded.faults.add(Fault(method="POST", path=r"/issues$", status=502, apply=True))
    result = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue")
    assert result.exit_code == 0, result.stderr
    assert "opened post-mortem issue #5" in result.stderr
    assert [i["number"] for i in seeded.issues(REPO)] == [5]


def test_dry_run_opens_nothing(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue", "--dry-run")
    assert "dry run: would open post-mortem issue '[HOTFIX]" not in result.stderr
    assert (
        "dry run: would open post-mortem issue 'Post-mortem: #2 [HOTFIX] outage'" in result.stderr
    )
    assert not any(r.method == "POST" for r in seeded.requests)


def test_missing_pr_is_a_usage_error(seeded: Any, tmp_path: Path) -> None:
    result = cli(seeded, tmp_path, "report", "--pr", "99")
    assert result.exit_code == ExitCode.USAGE
    assert "pull request #99 was not found in acme/web" in result.stderr


def test_rate_limit_is_a_github_error_with_the_reset(seeded: Any, tmp_path: Path) -> None:
    seeded.faults.add(Fault(path=r"/deployments", kind="rate_limit", reset_in=3600, times=None))
    result = cli(seeded, tmp_path, "log")
    assert result.exit_code == ExitCode.GITHUB_API
    assert "rate limit" in result.stderr.lower()


def test_server_errors_after_retries_are_a_github_error(seeded: Any, tmp_path: Path) -> None:
    seeded.faults.add(Fault(path=r"/issues$", status=503, times=None))
    result = cli(seeded, tmp_path, "metrics")
    assert result.exit_code == ExitCode.GITHUB_API
    assert "error:" in result.stderr and "503" in result.stderr


def test_bad_since_and_format_are_usage_errors(seeded: Any, tmp_path: Path) -> None:
    bad = cli(seeded, tmp_path, "metrics", "--since", "last tuesday")
    assert bad.exit_code == ExitCode.USAGE
    assert "--since 'last tuesday' is not a time span or a date" in bad.stderr
    assert cli(seeded, tmp_path, "log", "--format", "xml").exit_code == ExitCode.USAGE


def test_inside_actions_the_report_goes_to_the_job_summary(seeded: Any, tmp_path: Path) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    env = base_env(
        seeded, tmp_path, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
    )  # fmt: skip
    result = run(["report", "--pr", "1", "--format", "json"], env, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["pr"] == 1  # stdout stays the JSON document alone
    assert "```mermaid\ngantt\n" in summary.read_text()
    assert "opened → merged :b2, 2026-03-02T03:00:00, 2026-03-02T03:20:00" in outputs.read_text()


def test_open_issue_without_issues_write_names_the_permission(seeded: Any, tmp_path: Path) -> None:
    seeded.set_token_permissions({"issues": "read"})
    result = cli(seeded, tmp_path, "report", "--pr", "2", "--open-issue")
    assert result.exit_code == ExitCode.GITHUB_API
    assert "issues: write" in result.stderr
    assert seeded.issues(REPO) == []


def test_a_late_stale_status_changes_no_log_result_report_or_metrics(
    seeded: Any, tmp_path: Path
) -> None:
    """Issue 10 item 6 for `log`, `report` and `metrics`: an ``in_progress`` that lands after
    a Deployment's outcome (a retried write answered late) is stale and changes nothing."""
    commands = [
        ["log", NOW, "--format", "json"],
        ["report", "--pr", "1", "--format", "json"],
        ["report", "--pr", "4", "--format", "json"],
        ["metrics", NOW, "--format", "json"],
    ]
    before = [json.loads(cli(seeded, tmp_path, *args).stdout) for args in commands]
    seeded.set_clock(t("06:40:00"))
    # #4's release (success at 06:09) and #1's rollback (success at 03:33)
    for deployment in seeded.deployments(REPO):
        if deployment["ref"] in ("hotfix-v1.0.3", "hotfix-v1.0.0"):
            seeded.add_deployment_status(REPO, deployment["id"], "in_progress", description="late")
    seeded.set_clock(t("07:00:00"))
    after = [json.loads(cli(seeded, tmp_path, *args).stdout) for args in commands]
    # Before: the log said in_progress for both; #4's report ended at the stale write
    # (total 40m, not 9m) and showed it as the last step; metrics moved with it.
    assert [r["result"] for r in after[0]["deployments"]] == [
        "success",
        "inactive",
        "success",
        "failure",
    ]
    assert after[2]["measures"]["total"]["seconds"] == 540
    assert after == before

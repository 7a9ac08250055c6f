"""Issue 10 item 2 and issue 11 item 2: the pull_request_target gate has no checkout.

check-pr then reads the policy through the contents API at the PR's base commit and the diff
from the API; it answers merge_group events (the check run on the group's head) and the
review relay's workflow_run events. Every event file is a real webhook payload.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotfix_ci.reports.pr_gate import CHECK_NAME
from hotfix_ci.testing.contract import webhook_example
from tests.helpers.cli import REPO, base_env, rules, run

STRICT = (
    "version: 1\n"
    "severities:\n"
    "  P1: {label: P1, approvals: 1}\n"
    "diff:\n"
    "  max_lines: 20\n"
    "  require_tests: false\n"
)
LOOSE = STRICT.replace("approvals: 1", "approvals: 0").replace("max_lines: 20", "max_lines: 9999")
BIG = "".join(f"line {i}\n" for i in range(60))


def _scene(emu: Any, *, base_config: str | None = STRICT) -> int:
    """Base commit with the strict policy; the PR's head loosens it and grows the diff."""
    emu.create_repo(REPO, default_branch="main")
    for login, level in (("alice", "write"), ("bob", "write")):
        emu.set_permission(REPO, login, level)
    base_files = {"app.py": "a\n"}
    if base_config is not None:
        base_files[".github/hotfix.yml"] = base_config
    emu.commit(REPO, branch="main", message="base", files=base_files)
    emu.commit(
        REPO,
        branch="hotfix/login-500",
        message="fix",
        files={".github/hotfix.yml": LOOSE, "app.py": BIG},
    )
    return int(
        emu.create_pull(
            REPO,
            title="[HOTFIX] Fix login 500s",
            head="hotfix/login-500",
            author="bob",
            labels=["hotfix", "P1"],
        )
    )


def _event_env(emu: Any, tmp_path: Path, name: str, payload: dict[str, Any]) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return base_env(emu, tmp_path, GITHUB_EVENT_NAME=name, GITHUB_EVENT_PATH=str(path))


def _empty_workspace(tmp_path: Path) -> Path:
    work = tmp_path / "workspace"  # what the runner gives a job without a checkout
    work.mkdir()
    return work


def test_no_checkout_reads_the_policy_from_the_base_commit_through_the_api(
    emulator, tmp_path: Path
) -> None:
    n = _scene(emulator)
    env = base_env(emulator, tmp_path)
    res = run(["check-pr", "--pr", str(n), "--format", "json", "--no-report"], env,
              _empty_workspace(tmp_path))  # fmt: skip
    assert res.exit_code == 1, res.stdout + res.stderr
    # Before: no checkout meant no policy file, so the defaults judged the PR (no size cap
    # of 20, no policy-change rule from the base); the PR's own loosened copy is never read.
    assert {"approvals", "diff-size", "policy-change"} <= set(rules(res))
    size = next(f for f in res.json["findings"] if f["rule"] == "diff-size")
    assert "20" in size["message"]
    assert res.json["stats"]["lines"] >= 60  # the API's numbers


def test_no_checkout_non_hotfix_costs_the_pull_and_the_policy_read(
    emulator, tmp_path: Path
) -> None:
    emulator.create_repo(REPO, default_branch="main")
    n = int(emulator.create_pull(REPO, title="Add dark mode", head="feature/dark", author="bob"))
    emulator.clear_requests()
    env = base_env(emulator, tmp_path)
    res = run(["check-pr", "--pr", str(n)], env, _empty_workspace(tmp_path))
    assert res.exit_code == 0 and "passed: not a hotfix pull request" in res.stdout
    head = emulator.pull_head_sha(REPO, n)
    # The pull, the policy at the base, then the passing check run (looked up, then written).
    assert [(r.method, r.path) for r in emulator.requests] == [
        ("GET", f"/repos/{REPO}/pulls/{n}"),
        ("GET", f"/repos/{REPO}/contents/.github/hotfix.yml"),
        ("GET", f"/repos/{REPO}/commits/{head}/check-runs"),
        ("POST", f"/repos/{REPO}/check-runs"),
    ]


def test_no_checkout_and_no_policy_at_the_base_uses_the_defaults(emulator, tmp_path: Path) -> None:
    n = _scene(emulator, base_config=None)
    env = base_env(emulator, tmp_path)
    res = run(["check-pr", "--pr", str(n), "--format", "json", "--no-report"], env,
              _empty_workspace(tmp_path))  # fmt: skip
    # The PR adds .github/hotfix.yml: a policy change judged by the defaults, never by it.
    assert "policy-change" in rules(res), res.stdout


def test_merge_group_writes_the_check_run_on_the_group_head(emulator, tmp_path: Path) -> None:
    n = _scene(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    group_sha = emulator.commit(REPO, branch=f"gh-readonly-queue/main/pr-{n}-" + "a" * 40,
                                message="queue", files={"app.py": BIG})  # fmt: skip
    payload = webhook_example("merge_group", "checks_requested", api_url=emulator.url)
    payload["merge_group"]["head_sha"] = group_sha
    payload["merge_group"]["head_ref"] = f"refs/heads/gh-readonly-queue/main/pr-{n}-" + "a" * 40
    payload["repository"]["full_name"] = REPO
    env = _event_env(emulator, tmp_path, "merge_group", payload)
    res = run(["check-pr", "--format", "json"], env, _empty_workspace(tmp_path))
    assert res.exit_code == 1, res.stdout + res.stderr  # diff-size still fails
    assert res.json["pull_request"] == n
    runs = [r for r in emulator.check_runs(REPO) if r["name"] == CHECK_NAME]
    assert [(r["head_sha"], r["conclusion"]) for r in runs] == [(group_sha, "failure")]
    assert not emulator.comments(REPO, n)  # the queue entry does not touch the PR's comment


def test_merge_group_of_a_plain_pr_passes_on_the_group_head(emulator, tmp_path: Path) -> None:
    emulator.create_repo(REPO, default_branch="main")
    n = int(emulator.create_pull(REPO, title="Docs", head="docs/typo", author="bob"))
    ref = f"gh-readonly-queue/main/pr-{n}-" + "b" * 40
    group_sha = emulator.commit(REPO, branch=ref, message="queue")
    payload = webhook_example("merge_group", "checks_requested", api_url=emulator.url)
    payload["merge_group"].update(head_sha=group_sha, head_ref=f"refs/heads/{ref}")
    env = _event_env(emulator, tmp_path, "merge_group", payload)
    res = run(["check-pr"], env, _empty_workspace(tmp_path))
    assert res.exit_code == 0, res.stdout + res.stderr
    runs = emulator.check_runs(REPO)
    # The queue waits for the required check on every entry: a non-hotfix one gets it too.
    assert [(r["head_sha"], r["conclusion"]) for r in runs] == [(group_sha, "success")]


def test_merge_group_with_a_foreign_head_ref_is_a_payload_error(emulator, tmp_path: Path) -> None:
    payload = webhook_example("merge_group", "checks_requested", api_url=emulator.url)
    payload["merge_group"]["head_ref"] = "refs/heads/main"
    env = _event_env(emulator, tmp_path, "merge_group", payload)
    res = run(["check-pr"], env, _empty_workspace(tmp_path))
    assert res.exit_code == 2
    assert "not a merge queue branch" in res.stderr


def test_review_relay_workflow_run_judges_the_pull_request(emulator, tmp_path: Path) -> None:
    n = _scene(emulator, base_config="version: 1\n")
    head = emulator.push(REPO, n, {"app.py": "fixed\n"}, author="bob")
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    payload = webhook_example("workflow_run", "completed", api_url=emulator.url)
    payload["workflow_run"]["head_sha"] = head
    payload["workflow_run"]["pull_requests"] = []  # as for a PR from a fork: looked up by sha
    env = _event_env(emulator, tmp_path, "workflow_run", payload)
    res = run(["check-pr", "--format", "json"], env, _empty_workspace(tmp_path))
    assert res.json["pull_request"] == n, res.stdout + res.stderr
    runs = emulator.check_runs(REPO)
    assert [r["head_sha"] for r in runs] == [head]

"""check-pr end to end: the CLI, PyGithub over HTTP, the emulator's live state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotfix_ci.testing.contract import webhook_example
from tests.helpers.cli import REPO, base_env, rules, run, seed
from tests.helpers.git import commit


def check(emu, tmp_path, *extra: str, env_extra: dict[str, str] | None = None, pr: int = 1):
    env = base_env(emu, tmp_path, **(env_extra or {}))
    return run(["check-pr", "--pr", str(pr), "--format", "json", *extra], env, tmp_path)


def test_passing_p1_hotfix_exact_json_shape(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    res = check(emulator, tmp_path)
    assert res.exit_code == 0, res.stderr
    head = emulator.pulls(REPO)[0]["head"]["sha"]
    data = res.json
    assert set(data) == {
        "hotfix",
        "passed",
        "severity",
        "pull_request",
        "head_sha",
        "review_after_deploy",
        "findings",
        "stats",
    }
    assert data["hotfix"] is True and data["passed"] is True
    assert (data["severity"], data["pull_request"], data["head_sha"]) == ("P1", n, head)
    assert data["findings"] == []
    assert data["stats"]["files"] == 2 and data["stats"]["lines"] == 23
    assert data["stats"]["api_requests"] == len(emulator.requests)


def test_non_hotfix_pull_passes_with_a_check_run_and_no_comment(emulator, tmp_path: Path) -> None:
    seed(emulator, title="Add dark mode", head="feature/dark", labels=[])
    emulator.clear_requests()
    # The policy on disk (no git checkout); with nothing on disk it is read through the API
    # at the base commit, one request more (test_check_pr_no_checkout).
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "hotfix.yml").write_text("version: 1\n")
    for _ in range(2):  # a re-run completes the same check run again
        res = run(["check-pr", "--pr", "1"], base_env(emulator, tmp_path), tmp_path)
        assert res.exit_code == 0
        assert "passed: not a hotfix pull request" in res.stdout
    # The pull request, the check-run lookup and the check-run write; nothing else.
    assert [(r.method, r.status) for r in emulator.requests][:3] == [
        ("GET", 200),
        ("GET", 200),
        ("POST", 201),
    ]
    # Issue 10 item 19: a passing check run, so the check can be required on every PR.
    runs = emulator.check_runs(REPO)
    assert [(r["name"], r["conclusion"]) for r in runs] == [("hotfix-ci / PR gate", "success")]
    assert emulator.comments(REPO, 1) == []


def test_self_approval_fails(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "bob", state="APPROVED")
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    assert rules(res) == ["approvals"]
    assert "bob approved their own pull request" in res.json["findings"][0]["message"]


def test_approval_on_older_commit_is_stale_after_push(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.push(REPO, n)
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    assert "alice's approval is for commit" in res.json["findings"][0]["message"]
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    assert check(emulator, tmp_path).exit_code == 0


def test_approval_then_changes_requested(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.add_review(REPO, n, "alice", state="CHANGES_REQUESTED")
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    assert res.json["findings"][0]["message"].startswith("alice requested changes")


def test_dismissed_approval_does_not_count(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    rid = emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.dismiss_review(REPO, n, rid)
    assert rules(check(emulator, tmp_path)) == ["approvals"]


def test_approval_by_reader_does_not_count_and_permission_is_read(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "eve", state="APPROVED")
    emulator.add_review(REPO, n, "mallory", state="APPROVED")  # not a collaborator at all
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    message = res.json["findings"][0]["message"]
    assert "eve has 'read' permission" in message and "mallory has 'none' permission" in message
    asked = [r.path for r in emulator.requests if "/permission" in r.path]
    assert sorted(asked) == [
        f"/repos/{REPO}/collaborators/eve/permission",
        f"/repos/{REPO}/collaborators/mallory/permission",
    ]


def test_reviewers_team_membership(emulator, tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text(
        "version: 1\napprovals:\n  reviewers: ['@acme/sre']\n"
    )
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    assert "not in approvals.reviewers" in check(emulator, tmp_path).json["findings"][0]["message"]
    emulator.add_team_member("acme", "sre", "alice")
    assert check(emulator, tmp_path).exit_code == 0


def test_team_membership_unreadable_says_members_read(emulator, tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text(
        "version: 1\napprovals:\n  reviewers: ['@acme/sre']\n"
    )
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.set_token_permissions({"members": "none"})
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    assert "members: read" in res.json["findings"][0]["message"]


def test_self_labelled_p0_with_labelled_by(emulator, tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text(
        "version: 1\nseverities:\n"
        "  P0: {label: P0, approvals: 0, review_after_deploy: true, labelled_by: [lead]}\n"
        "  P1: {label: P1, approvals: 1}\n"
    )
    n = seed(emulator, labels=["hotfix", "P0"])
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    assert (
        "P0 was applied by bob, who is not in severities.P0.labelled_by (lead)"
        in (res.json["findings"][0]["message"])
    )
    emulator.remove_label(REPO, n, "P0", actor="bob")
    emulator.add_label(REPO, n, "P0", actor="lead")
    res = check(emulator, tmp_path)
    assert res.exit_code == 0
    assert res.json["review_after_deploy"] is True and res.json["severity"] == "P0"


def test_lockfile_with_and_without_label(emulator, tmp_path: Path) -> None:
    n = seed(
        emulator,
        files=[
            {"filename": "app/login.py", "additions": 1, "deletions": 1},
            {"filename": "tests/test_login.py", "additions": 4, "deletions": 0},
            {"filename": "web/package-lock.json", "additions": 10, "deletions": 2},
        ],
    )
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    res = check(emulator, tmp_path)
    assert res.exit_code == 1
    [finding] = res.json["findings"]
    assert finding["rule"] == "protected-paths" and finding["path"] == "web/package-lock.json"
    emulator.add_label(REPO, n, "allow-dependency-change", actor="alice")
    assert check(emulator, tmp_path).exit_code == 0


def test_no_test_file(emulator, tmp_path: Path) -> None:
    n = seed(emulator, files=[{"filename": "app/login.py", "additions": 3, "deletions": 1}])
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    assert rules(check(emulator, tmp_path)) == ["tests-required"]


def test_rerun_reads_live_pull_not_the_stale_event(emulator, tmp_path: Path) -> None:
    n = seed(emulator, title="fix login")
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    event = webhook_example("pull_request", "opened", api_url=emulator.url)
    event["number"] = n
    event["pull_request"]["number"] = n
    event["pull_request"]["title"] = "fix login"
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    env = base_env(
        emulator, tmp_path, GITHUB_EVENT_PATH=str(event_path), GITHUB_EVENT_NAME="pull_request"
    )
    first = run(["check-pr", "--format", "json"], env, tmp_path)
    assert first.exit_code == 1 and rules(first) == ["title"]
    emulator.update_pull(REPO, n, title="[HOTFIX] Fix login")
    again = run(["check-pr", "--format", "json"], env, tmp_path)  # same stale payload
    assert again.exit_code == 0, again.stdout


def test_3001_files_fail_closed_with_api_limit(emulator, tmp_path: Path) -> None:
    files = [{"filename": f"src/f{i}.py", "additions": 1, "deletions": 0} for i in range(3001)]
    files.append({"filename": "tests/test_x.py", "additions": 1, "deletions": 0})
    n = seed(emulator, files=files)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    res = check(emulator, tmp_path, "--no-report")
    assert res.exit_code == 1
    assert "api-limit" in rules(res)
    pages = [r for r in emulator.requests if r.path.endswith("/files")]
    assert len(pages) == 30


def test_exactly_3000_files_is_not_cut(emulator, tmp_path: Path) -> None:
    files = [{"filename": f"src/f{i}.py", "additions": 1, "deletions": 0} for i in range(2999)]
    files.append({"filename": "tests/test_x.py", "additions": 1, "deletions": 0})
    n = seed(emulator, files=files)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    res = check(emulator, tmp_path, "--no-report")
    assert "api-limit" not in rules(res)
    assert res.json["stats"]["files"] == 3000


def test_bot_in_skip_authors_is_not_gated(emulator, tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text(
        "version: 1\npull_request:\n  skip_authors: ['dependabot[bot]']\n"
    )
    seed(
        emulator,
        author="dependabot[bot]",
        labels=["hotfix"],
        files=[{"filename": "package-lock.json", "additions": 500, "deletions": 400}],
    )
    res = run(["check-pr", "--pr", "1"], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 0
    assert "dependabot[bot] is in pull_request.skip_authors" in res.stdout


def test_sticky_comment_and_check_run_are_not_duplicated(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    env = base_env(emulator, tmp_path)
    assert run(["check-pr", "--pr", str(n)], env, tmp_path).exit_code == 1
    assert run(["check-pr", "--pr", str(n)], env, tmp_path).exit_code == 1
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    assert run(["check-pr", "--pr", str(n)], env, tmp_path).exit_code == 0
    comments = emulator.comments(REPO, n)
    assert len(comments) == 1
    assert "hotfix-ci / PR gate: passed" in comments[0]["body"]
    runs = emulator.check_runs(REPO)
    assert len(runs) == 1
    assert runs[0]["name"] == "hotfix-ci / PR gate"
    assert (runs[0]["status"], runs[0]["conclusion"]) == ("completed", "success")


def test_annotations_are_batched_fifty_per_request(emulator, tmp_path: Path) -> None:
    locks = [
        {"filename": f"svc{i}/package-lock.json", "additions": 1, "deletions": 0}
        for i in range(120)
    ]
    cfg = tmp_path / "cfg.yml"
    cfg.write_text("version: 1\ndiff: {max_files: 1000, max_lines: 100000}\n")
    n = seed(emulator, files=[*locks, {"filename": "tests/t.py", "additions": 1, "deletions": 0}])
    emulator.clear_requests()
    res = run(
        ["check-pr", "--pr", str(n), "--config", str(cfg)], base_env(emulator, tmp_path), tmp_path
    )
    assert res.exit_code == 1
    writes = [
        r for r in emulator.requests if "check-runs" in r.path and r.method in ("POST", "PATCH")
    ]
    assert [r.method for r in writes] == ["POST", "PATCH", "PATCH"]
    # the emulator keeps every annotation it was sent
    from github import Auth, Github

    gh = Github(base_url=emulator.url, auth=Auth.Token("x"), retry=None)
    run_id = emulator.check_runs(REPO)[0]["id"]
    annotations = list(gh.get_repo(REPO).get_check_run(run_id).get_annotations())
    assert len(annotations) == 120
    assert {a.path for a in annotations} == {f"svc{i}/package-lock.json" for i in range(120)}


def test_outputs_summary_and_github_format(emulator, tmp_path: Path) -> None:
    seed(
        emulator,
        labels=["hotfix", "P0"],
        files=[{"filename": "a.py", "additions": 1, "deletions": 0}],
    )
    out, summary = tmp_path / "out", tmp_path / "summary"
    env = base_env(
        emulator,
        tmp_path,
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(out),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    res = run(["check-pr", "--pr", "1"], env, tmp_path)
    assert res.exit_code == 1
    assert res.stdout.startswith("::add-mask::ghs_")
    assert "::error title=hotfix-ci%3A tests-required::no test file changed" in res.stdout
    text = out.read_text()
    for name, value in (("passed", "false"), ("severity", "P0"), ("review-after-deploy", "true")):
        delim = text.split(f"{name}<<", 1)[1].split("\n", 1)[0]
        assert delim.startswith("ghadelimiter_") and len(delim) > 20
        assert text.split(f"{name}<<{delim}\n", 1)[1].startswith(f"{value}\n{delim}\n")
    assert "tests-required" in summary.read_text()
    assert "ghs_" not in summary.read_text() and "ghs_t3st" not in res.stdout.split("\n", 1)[1]


def test_local_git_checkout_diff_avoids_files_api(emulator, git_repo: Path, tmp_path: Path) -> None:
    repo = git_repo
    base = commit(repo, {"app.py": "a\n"}, "base")
    head = commit(repo, {"app.py": "b\nc\n", "tests/test_app.py": "def test(): pass\n"}, "fix")
    # The API would report a lockfile; the checkout's real diff has none.
    emulator.create_repo(REPO, default_branch="main")
    emulator.set_permission(REPO, "alice", "write")
    emulator.commit(REPO, branch="main", message="base", sha=base)
    emulator.commit(REPO, branch="hotfix/login-500", message="fix", sha=head)
    n = emulator.create_pull(
        REPO,
        title="[HOTFIX] Fix",
        head="hotfix/login-500",
        author="bob",
        labels=["hotfix", "P1"],
        files=[{"filename": "package-lock.json", "additions": 1, "deletions": 0}],
    )
    emulator.add_review(REPO, n, "alice", state="APPROVED", commit_id=head)
    res = run(
        ["check-pr", "--pr", str(n), "--format", "json", "--no-report"],
        base_env(emulator, tmp_path),
        repo,
    )
    assert res.exit_code == 0, res.stdout
    assert res.json["stats"]["files"] == 2 and res.json["stats"]["lines"] == 4
    assert not [r for r in emulator.requests if r.path.endswith("/files")]


@pytest.mark.parametrize("payload", ["", "{not json", "[]"])
def test_bad_event_payload_is_a_usage_error(emulator, tmp_path: Path, payload: str) -> None:
    seed(emulator)
    event = tmp_path / "event.json"
    event.write_text(payload)
    env = base_env(
        emulator, tmp_path, GITHUB_EVENT_PATH=str(event), GITHUB_EVENT_NAME="pull_request"
    )
    res = run(["check-pr"], env, tmp_path)
    assert res.exit_code == 2
    assert "event.json" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_push_event_without_pr_says_pass_pr(emulator, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(webhook_example("push", None, api_url=emulator.url)))
    env = base_env(emulator, tmp_path, GITHUB_EVENT_PATH=str(event), GITHUB_EVENT_NAME="push")
    res = run(["check-pr"], env, tmp_path)
    assert res.exit_code == 2
    assert "--pr" in res.stderr


def test_missing_token_and_repo(emulator, tmp_path: Path) -> None:
    res = run(["check-pr", "--pr", "1"], base_env(emulator, tmp_path, GITHUB_TOKEN=""), tmp_path)
    assert res.exit_code == 2 and "no GitHub token" in res.stderr
    res = run(
        ["check-pr", "--pr", "1"], base_env(emulator, tmp_path, GITHUB_REPOSITORY=""), tmp_path
    )
    assert res.exit_code == 2 and "--repo OWNER/NAME" in res.stderr
    res = run(
        ["check-pr", "--pr", "1", "--repo", "not a repo"], base_env(emulator, tmp_path), tmp_path
    )
    assert res.exit_code == 2 and "OWNER/NAME" in res.stderr


def test_bad_config_exits_2_with_line(emulator, tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text("version: 1\ndiff:\n  max_lnes: 3\n")
    res = run(["check-pr", "--pr", "1"], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 2
    assert ":3:" in res.stderr and "max_lines" in res.stderr

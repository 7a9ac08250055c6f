"""Issue 10 item 1: the policy comes from the PR's base commit, never from the PR's tree.

Each test builds a real git checkout (base commit on main, the PR's head on top of it, the
head checked out, as actions/checkout leaves it) and runs check-pr in it against the emulator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.cli import REPO, base_env, rules, run
from tests.helpers.git import commit, git

STRICT = (
    "version: 1\n"
    "severities:\n"
    "  P0: {label: P0, approvals: 0, review_after_deploy: true, labelled_by: [lead]}\n"
    "  P1: {label: P1, approvals: 1}\n"
    "diff:\n"
    "  max_lines: 20\n"
    "  require_tests: false\n"
)
TEST_FILE = {"tests/test_app.py": "def test_fix():\n    assert True\n"}


def _pull(emu: Any, repo: Path, base: str, head: str, *, labels: list[str]) -> int:
    emu.create_repo(REPO, default_branch="main")
    for login, level in (("alice", "write"), ("bob", "write"), ("eve", "read")):
        emu.set_permission(REPO, login, level)
    emu.commit(REPO, branch="main", message="base", sha=base)
    emu.commit(REPO, branch="hotfix/login-500", message="fix", sha=head)
    return int(
        emu.create_pull(
            REPO,
            title="[HOTFIX] Fix login 500s",
            head="hotfix/login-500",
            author="bob",
            labels=labels,
        )
    )


def _check(emu: Any, repo: Path, tmp_path: Path, n: int) -> Any:
    env = base_env(emu, tmp_path)
    return run(["check-pr", "--pr", str(n), "--format", "json", "--no-report"], env, repo)


def test_pr_that_loosens_its_own_policy_is_judged_by_the_base(
    emulator, git_repo: Path, tmp_path: Path
) -> None:
    base = commit(git_repo, {".github/hotfix.yml": STRICT, "app.py": "a\n"}, "base")
    loose = STRICT.replace("approvals: 1", "approvals: 0").replace("20", "100000")
    big = "".join(f"line {i}\n" for i in range(200))
    head = commit(git_repo, {".github/hotfix.yml": loose, "app.py": big, **TEST_FILE}, "fix")
    n = _pull(emulator, git_repo, base, head, labels=["hotfix", "P1"])
    res = _check(emulator, git_repo, tmp_path, n)
    assert res.exit_code == 1, res.stdout
    # Before: the PR's own config (approvals 0, max_lines 100000) passed it with no review.
    assert set(rules(res)) == {"approvals", "diff-size", "policy-change"}
    change = next(f for f in res.json["findings"] if f["rule"] == "policy-change")
    assert ".github/hotfix.yml" in change["message"]
    assert "need an approval from someone with write access" in change["message"]


def test_pr_that_deletes_the_policy_keeps_labelled_by(
    emulator, git_repo: Path, tmp_path: Path
) -> None:
    base = commit(git_repo, {".github/hotfix.yml": STRICT, "app.py": "a\n"}, "base")
    head = commit(git_repo, {".github/hotfix.yml": None, "app.py": "b\n", **TEST_FILE}, "fix")
    n = _pull(emulator, git_repo, base, head, labels=["hotfix", "P0"])
    res = _check(emulator, git_repo, tmp_path, n)
    assert res.exit_code == 1, res.stdout
    messages = [f["message"] for f in res.json["findings"]]
    # Before: defaults applied (no labelled_by), so the self-labelled P0 passed.
    assert any(
        "P0 was applied by bob, who is not in severities.P0.labelled_by" in m for m in messages
    )
    assert "policy-change" in rules(res)


def test_gitattributes_cannot_hide_lines(emulator, git_repo: Path, tmp_path: Path) -> None:
    base = commit(git_repo, {".github/hotfix.yml": STRICT, "app.py": "a\n"}, "base")
    big = "".join(f"line {i}\n" for i in range(500))
    head = commit(git_repo, {".gitattributes": "* -diff\n", "app.py": big, **TEST_FILE}, "fix")
    n = _pull(emulator, git_repo, base, head, labels=["hotfix", "P1"])
    # What GitHub's files API counts for the same diff.
    emulator.set_pull_files(
        REPO,
        n,
        [
            {"filename": ".gitattributes", "additions": 1, "deletions": 0, "status": "added"},
            {"filename": "app.py", "additions": 500, "deletions": 1},
            {"filename": "tests/test_app.py", "additions": 2, "deletions": 0, "status": "added"},
        ],
    )
    emulator.add_review(REPO, n, "alice", state="APPROVED", commit_id=head)
    res = _check(emulator, git_repo, tmp_path, n)
    assert res.exit_code == 1, res.stdout
    # Before: numstat said "-" for every file, counted as 0 lines, and the PR passed.
    assert res.json["stats"]["lines"] == 504
    assert rules(res) == ["diff-size"]


def test_policy_change_approved_by_a_listed_reviewer_passes(
    emulator, git_repo: Path, tmp_path: Path
) -> None:
    strict = STRICT + "approvals:\n  reviewers: [alice]\n"
    base = commit(git_repo, {".github/hotfix.yml": strict, "app.py": "a\n"}, "base")
    workflow = {".github/workflows/ci.yml": "on: push\njobs: {}\n"}
    head = commit(git_repo, {"app.py": "b\n", **workflow, **TEST_FILE}, "fix")
    n = _pull(emulator, git_repo, base, head, labels=["hotfix", "P0"])
    emulator.remove_label(REPO, n, "P0", actor="bob")
    emulator.add_label(REPO, n, "P0", actor="lead")
    res = _check(emulator, git_repo, tmp_path, n)
    assert res.exit_code == 1
    assert rules(res) == ["policy-change"]
    assert "approvals.reviewers (alice)" in res.json["findings"][0]["message"]
    emulator.add_review(REPO, n, "eve", state="APPROVED", commit_id=head)  # not listed
    assert rules(_check(emulator, git_repo, tmp_path, n)) == ["policy-change"]
    emulator.add_review(REPO, n, "alice", state="APPROVED", commit_id=head)
    res = _check(emulator, git_repo, tmp_path, n)
    assert res.exit_code == 0, res.stdout


def test_without_the_base_commit_a_policy_change_fails_closed(
    emulator, git_repo: Path, tmp_path: Path
) -> None:
    base = commit(git_repo, {".github/hotfix.yml": STRICT, "app.py": "a\n"}, "base")
    loose = STRICT.replace("approvals: 1", "approvals: 0")
    head = commit(git_repo, {".github/hotfix.yml": loose, "app.py": "b\n", **TEST_FILE}, "fix")
    n = _pull(emulator, git_repo, base, head, labels=["hotfix", "P1"])
    emulator.set_pull_files(
        REPO,
        n,
        [
            {"filename": ".github/hotfix.yml", "additions": 1, "deletions": 1},
            {"filename": "app.py", "additions": 1, "deletions": 1},
        ],
    )
    # A checkout of the PR's tree only (no history): the base commit cannot be read.
    shallow = tmp_path / "shallow"
    shallow.mkdir()
    git(shallow, "init", "-q", "-b", "main")
    commit(shallow, {".github/hotfix.yml": loose, "app.py": "b\n"}, "head only")
    res = _check(emulator, shallow, tmp_path, n)
    assert res.exit_code == 1, res.stdout
    assert rules(res) == ["policy-change"]
    assert "fetch-depth: 0" in res.json["findings"][0]["message"]

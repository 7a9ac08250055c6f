"""Issue 10 item 3: who may approve, and whose change request blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.cli import REPO, base_env, rules, run, seed


def _check(emu: Any, tmp_path: Path, n: int = 1) -> Any:
    env = base_env(emu, tmp_path)
    return run(["check-pr", "--pr", str(n), "--format", "json", "--no-report"], env, tmp_path)


def _config(tmp_path: Path, extra: str = "") -> None:
    (tmp_path / ".github").mkdir(exist_ok=True)
    (tmp_path / ".github/hotfix.yml").write_text(
        "version: 1\nseverities:\n"
        "  P0: {label: P0, approvals: 0, review_after_deploy: true, labelled_by: [lead]}\n"
        "  P1: {label: P1, approvals: 1}\n" + extra
    )


def test_someone_who_pushed_to_the_pr_cannot_approve_it(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.push(REPO, n, {"src/app.py": "fixed\n"}, author="alice")
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    res = _check(emulator, tmp_path, n)
    # Before: alice (write access, not the opener) counted although she wrote the head commit.
    assert res.exit_code == 1, res.stdout
    assert rules(res) == ["approvals"]
    assert "alice pushed commits to this pull request" in res.json["findings"][0]["message"]


def test_a_bot_counts_only_when_listed(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.set_permission(REPO, "helper[bot]", "write")
    emulator.add_review(REPO, n, "helper[bot]", state="APPROVED")
    res = _check(emulator, tmp_path, n)
    # Before: a bot with write access approved the hotfix.
    assert res.exit_code == 1, res.stdout
    assert "helper[bot] is a bot" in res.json["findings"][0]["message"]
    _config(tmp_path, "approvals:\n  reviewers: ['helper[bot]', alice]\n")
    assert _check(emulator, tmp_path, n).exit_code == 0


def test_change_request_from_a_reader_does_not_block(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.add_review(REPO, n, "eve", state="CHANGES_REQUESTED")  # read-only
    emulator.add_review(REPO, n, "mallory", state="CHANGES_REQUESTED")  # outsider
    res = _check(emulator, tmp_path, n)
    # Before: exit 1, "eve requested changes", "mallory requested changes".
    assert res.exit_code == 0, res.stdout
    emulator.add_review(REPO, n, "carol", state="CHANGES_REQUESTED")
    emulator.set_permission(REPO, "carol", "write")
    res = _check(emulator, tmp_path, n)
    assert res.exit_code == 1
    assert [f["message"].split(" ")[0] for f in res.json["findings"]] == ["carol"]


def test_change_request_on_a_lead_labelled_p0_only_from_listed_reviewers(
    emulator, tmp_path: Path
) -> None:
    _config(tmp_path, "approvals:\n  reviewers: [alice]\n")
    n = seed(emulator, labels=["hotfix"])
    emulator.add_label(REPO, n, "P0", actor="lead")
    emulator.add_review(REPO, n, "bob2", state="CHANGES_REQUESTED")
    emulator.set_permission(REPO, "bob2", "write")
    res = _check(emulator, tmp_path, n)
    # Before: anyone's change request blocked the P0.
    assert res.exit_code == 0, res.stdout
    emulator.add_review(REPO, n, "alice", state="CHANGES_REQUESTED")
    res = _check(emulator, tmp_path, n)
    assert res.exit_code == 1
    assert res.json["findings"][0]["message"].startswith("alice requested changes")

"""Issue 10 item 5 (check-pr's writes): GitHub applied the write, then failed to say so.

Before: PyGithub resent the POST, leaving two sticky comments / two check runs of one name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_ci.testing.faults import Fault
from tests.helpers.cli import REPO, base_env, run, seed


@pytest.mark.parametrize(
    "fault",
    [
        Fault(method="POST", path=r"/issues/1/comments$", status=502, apply=True),
        Fault(method="POST", path=r"/issues/1/comments$", kind="disconnect", apply=True),
        Fault(method="POST", path=r"/check-runs$", status=502, apply=True),
        Fault(method="POST", path=r"/check-runs$", kind="disconnect", apply=True),
        Fault(method="POST", path=r"/check-runs$", kind="slow", delay=1.5, apply=True),
    ],
    ids=["comment-502", "comment-dropped", "check-502", "check-dropped", "check-late"],
)
def test_applied_write_that_failed_is_not_written_twice(
    emulator, tmp_path: Path, fault: Fault
) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.faults.add(fault)
    env = base_env(emulator, tmp_path, HOTFIX_CI_HTTP_TIMEOUT="0.7")
    res = run(["check-pr", "--pr", str(n)], env, tmp_path)
    assert res.exit_code == 0, res.stderr
    assert len(emulator.comments(REPO, n)) == 1
    runs = emulator.check_runs(REPO)
    assert len(runs) == 1 and runs[0]["conclusion"] == "success"


def test_write_that_was_not_applied_is_sent_again(emulator, tmp_path: Path) -> None:
    n = seed(emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.faults.add(Fault(method="POST", path=r"/issues/1/comments$", status=502))
    res = run(["check-pr", "--pr", str(n)], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 0, res.stderr
    assert len(emulator.comments(REPO, n)) == 1


def test_a_pr_that_turns_hotfix_on_the_same_head_keeps_one_check_run(
    emulator, tmp_path: Path
) -> None:
    n = seed(emulator, title="Fix login 500s", head="feature/login-500", labels=[])
    env = base_env(emulator, tmp_path)
    first = run(["check-pr", "--pr", str(n)], env, tmp_path)
    assert first.exit_code == 0 and "not a hotfix" in first.stdout, first.stdout
    (passing,) = emulator.check_runs(REPO)
    assert passing["conclusion"] == "success" and emulator.comments(REPO, n) == []
    emulator.update_pull(REPO, n, title="[HOTFIX] Fix login 500s")
    emulator.add_label(REPO, n, "hotfix", actor="bob")
    emulator.add_label(REPO, n, "P1", actor="bob")
    second = run(["check-pr", "--pr", str(n)], env, tmp_path)
    assert second.exit_code == 1, second.stdout  # a P1 with no approval yet
    # Before: a PR without comments skipped the lookup, so a second "hotfix-ci / PR gate"
    # check run (failure) sat beside the passing one on the same head commit.
    runs = emulator.check_runs(REPO)
    assert [(r["id"], r["name"], r["conclusion"]) for r in runs] == [
        (passing["id"], passing["name"], "failure")
    ]
    assert len(emulator.comments(REPO, n)) == 1

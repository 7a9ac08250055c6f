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

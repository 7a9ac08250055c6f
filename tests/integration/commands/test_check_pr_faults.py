"""check-pr under GitHub faults: bounded retries, then success or exit 4 with a clear message,
and never a second sticky comment or check run."""

from __future__ import annotations

import time
from pathlib import Path

from hotfix_ci.testing import Fault, GitHubEmulator
from tests.helpers.cli import REPO, TOKEN, base_env, run, seed


def gate(emu, tmp_path: Path, **env: str):
    started = time.monotonic()
    res = run(["check-pr", "--pr", "1"], base_env(emu, tmp_path, **env), tmp_path)
    res.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    assert TOKEN not in res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    return res


def approved(emu) -> None:
    seed(emu)
    emu.add_review(REPO, 1, "alice", state="APPROVED")


def published_once(emu) -> None:
    assert len(emu.check_runs(REPO)) == 1
    assert len(emu.comments(REPO, 1)) == 1


def test_transient_500s_are_retried(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(method="GET", path=r"/pulls/1$", status=502, times=2))
    emulator.faults.add(Fault(method="POST", path=r"/check-runs$", status=500, times=1))
    res = gate(emulator, tmp_path)
    assert res.exit_code == 0, res.stderr
    published_once(emulator)
    assert [r.status for r in emulator.requests if r.path.endswith("/pulls/1")] == [502, 502, 200]


def test_persistent_500_exits_4_and_writes_nothing(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(method="GET", path=r"/pulls/1/files", status=500, times=None))
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "listing the files of pull request #1: GitHub kept failing (500" in res.stderr
    assert "githubstatus.com" in res.stderr
    assert res.elapsed < 10
    assert emulator.check_runs(REPO) == [] and emulator.comments(REPO, 1) == []


def test_primary_rate_limit_far_reset_fails_fast_with_reset_time(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(path=r"/reviews", kind="rate_limit", reset_in=3600, times=None))
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "rate limit is exhausted" in res.stderr
    assert "UTC (in 60 min)" in res.stderr
    assert res.elapsed < 5


def test_primary_rate_limit_near_reset_waits_and_succeeds(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(path=r"/reviews", kind="rate_limit", reset_in=1, times=1))
    res = gate(emulator, tmp_path)
    assert res.exit_code == 0, res.stderr
    assert res.elapsed < 6


def test_secondary_rate_limit(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(path=r"/pulls/1$", kind="secondary_rate_limit", retry_after=1))
    assert gate(emulator, tmp_path).exit_code == 0
    emulator.faults.add(
        Fault(path=r"/pulls/1$", kind="secondary_rate_limit", retry_after=120, times=None)
    )
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "rate limit" in res.stderr
    assert res.elapsed < 5


def test_429_retry_after_is_honoured(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(
        Fault(path=r"/pulls/1/reviews", kind="retry_after", status=429, retry_after=1)
    )
    res = gate(emulator, tmp_path)
    assert res.exit_code == 0, res.stderr
    assert res.elapsed >= 1


def test_slow_github_times_out_in_bounded_time(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(path=r"/pulls/1/reviews", kind="slow", delay=3, times=None))
    res = gate(emulator, tmp_path, HOTFIX_CI_HTTP_TIMEOUT="1", HOTFIX_CI_HTTP_RETRIES="1")
    assert res.exit_code == 4
    assert "listing the reviews of pull request #1" in res.stderr
    # Before: "could not reach GitHub ... (ConnectionError)", which reads as a network fault.
    assert "did not answer in time" in res.stderr
    assert "ConnectionError" not in res.stderr
    assert res.elapsed < 8


def test_dropped_connection_is_retried(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(path=r"/pulls/1$", kind="disconnect", times=1))
    assert gate(emulator, tmp_path).exit_code == 0


def test_missing_checks_permission_names_it(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.set_token_permissions({"checks": "none"})
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "the token needs the `checks: write` permission" in res.stderr
    assert "permissions:" in res.stderr
    assert emulator.check_runs(REPO) == []


def test_bad_token_is_401(tmp_path: Path) -> None:
    with GitHubEmulator(token="ghs_the_right_one_" + "x" * 20) as emu:
        approved(emu)
        res = gate(emu, tmp_path)
        assert res.exit_code == 4
        assert "GitHub rejected the token (401" in res.stderr
        assert emu.contract_violations == []


def test_unknown_pull_is_404(emulator, tmp_path: Path) -> None:
    approved(emulator)
    res = run(["check-pr", "--pr", "99"], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 4
    assert "reading pull request #99: not found (404" in res.stderr


def test_failure_on_the_comment_then_rerun(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(method="POST", path=r"/issues/1/comments", status=500, times=None))
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "commenting on #1" in res.stderr
    assert emulator.check_runs(REPO) == [] and emulator.comments(REPO, 1) == []
    emulator.faults.clear()
    assert gate(emulator, tmp_path).exit_code == 0
    published_once(emulator)


def test_failure_between_comment_and_check_run_then_reruns(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(method="POST", path=r"/check-runs$", status=500, times=None))
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "writing check run 'hotfix-ci / PR gate'" in res.stderr
    assert emulator.check_runs(REPO) == [] and len(emulator.comments(REPO, 1)) == 1
    emulator.faults.clear()
    assert gate(emulator, tmp_path).exit_code == 0
    published_once(emulator)
    assert gate(emulator, tmp_path).exit_code == 0
    published_once(emulator)


def test_429_primary_limit_near_reset_is_waited_for_like_a_403(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(Fault(path=r"/reviews", kind="rate_limit", status=429, reset_in=1))
    res = gate(emulator, tmp_path)
    # Before: exit 4 at once, "GitHub answered 429".
    assert res.exit_code == 0, res.stderr
    assert 1 <= res.elapsed < 6
    published_once(emulator)


def test_429_primary_limit_far_reset_fails_fast_with_reset_time(emulator, tmp_path: Path) -> None:
    approved(emulator)
    emulator.faults.add(
        Fault(path=r"/reviews", kind="rate_limit", status=429, reset_in=3600, times=None)
    )
    res = gate(emulator, tmp_path)
    assert res.exit_code == 4
    assert "rate limit is exhausted (429)" in res.stderr
    assert "UTC (in 60 min)" in res.stderr
    assert res.elapsed < 5

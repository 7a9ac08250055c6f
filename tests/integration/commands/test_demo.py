"""`hotfix-ci demo`: the README's first command plays the whole procedure and exits 0."""

from __future__ import annotations

import subprocess
import sys


def test_demo_runs_every_stage() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "hotfix_ci", "demo"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = res.stdout
    assert res.returncode == 0, out[-3000:] + res.stderr[-3000:]
    # the gate fails, then passes once the PR is fixed and approved by someone else
    assert "FAILED, 5 problem(s) to fix" in out
    assert "bob approved their own pull request, which does not count" in out
    assert '"[HOTFIX] Fix login 500s" (P1): passed.' in out
    # merge and release, and a re-run that creates nothing
    assert "hotfix-v1.4.3" in out
    assert "write requests on the re-run: 0" in out
    # deploy, a failing gate, the automatic rollback
    assert "rolled back to hotfix-v1.4.3" in out
    # the summary jobs post each run's outcome once to the signed loopback webhook
    assert "[receiver] webhook received deployed (deployed) acme/shop hotfix-v1.4.3" in out
    assert "[receiver] webhook received rolled-back (rolled_back) acme/shop hotfix-v1.4.4" in out
    assert out.count(": signature ok") == 2 and "SIGNATURE REJECTED" in out
    # it ends with the log and the post-mortem of its own run (test_demo_record has the rest)
    assert "(`hotfix-ci log`), newest first" in out
    assert "| opened → live | 17m | within 2h |" in out and "     gantt" in out
    assert "demo finished: every stage behaved as the procedure says." in out
    assert "Traceback" not in out + res.stderr
    # one story: the release prints the matrix the deploy stage deploys
    assert '{"include":[{"environment":"production","provider":"shop"}]}' in out
    # the sample tool's full command line is shown once, then as `sample_app VERB`
    assert out.count("sample_app.py") == 1
    assert "[shop] deploy: sample_app deploy hotfix-v1.4.3" in out
    assert "[shop] rollback: sample_app rollback hotfix-v1.4.3" in out

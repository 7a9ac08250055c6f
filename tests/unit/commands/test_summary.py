from __future__ import annotations

import io
import json
from pathlib import Path

from hotfix_ci.action import main


def _run(jobs: object, tmp_path: Path) -> tuple[int, str, str]:
    summary = tmp_path / "summary.md"
    out = io.StringIO()
    env = {
        "INPUT_COMMAND": "summary",
        "INPUT_JOBS": json.dumps(jobs),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    import contextlib

    with contextlib.redirect_stdout(out):
        code = main(env)
    return code, out.getvalue(), summary.read_text() if summary.exists() else ""


def test_summary_of_a_green_run(tmp_path: Path) -> None:
    jobs = {
        "release": {"result": "success", "outputs": {"tag": "v1.2.4", "released": "true"}},
        "deploy": {"result": "success", "outputs": {}},
    }
    code, out, summary = _run(jobs, tmp_path)
    assert code == 0
    assert "Release: `v1.2.4`" in summary
    assert "| deploy | success |" in summary
    assert "::error" not in out


def test_summary_fails_the_run_and_names_the_failed_job(tmp_path: Path) -> None:
    jobs = {
        "release": {"result": "success", "outputs": {"tag": "v1.2.4"}},
        "deploy": {"result": "failure", "outputs": {}},
    }
    code, out, summary = _run(jobs, tmp_path)
    assert code == 1
    assert "| deploy | failure |" in summary
    assert "::error title=hotfix-ci run failed::deploy did not succeed" in out


def test_summary_rejects_a_non_object(tmp_path: Path) -> None:
    code, out, _ = _run([1, 2], tmp_path)
    assert code == 2 and "JSON of `needs`" in out

"""Issue 10 item 11: no secret in any text that leaves the process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import REPO, TOKEN, base_env, run, seed


def test_token_is_redacted_from_comment_check_run_summary_and_json(
    emulator, tmp_path: Path
) -> None:
    # A PR title that quotes the token (pasted from a log): it must not be republished.
    n = seed(emulator, title=f"Fix login 500s after {TOKEN} rotated")
    summary = tmp_path / "summary.md"
    env = base_env(emulator, tmp_path, GITHUB_STEP_SUMMARY=str(summary))
    res = run(["check-pr", "--pr", str(n), "--format", "json"], env, tmp_path)
    assert res.exit_code == 1, res.stderr  # no approval yet
    comments = emulator.comments(REPO, n)
    runs = emulator.check_runs(REPO)
    published = [
        res.stdout,
        res.stderr,
        summary.read_text(),
        *(c["body"] for c in comments),
        json.dumps(runs),
    ]
    # Before: the title (token included) was echoed in the comment, summary and JSON.
    assert all(TOKEN not in text for text in published)
    assert "***" in comments[0]["body"]

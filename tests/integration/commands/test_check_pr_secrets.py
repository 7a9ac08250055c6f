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
    body = comments[0]["body"]
    # The comment shows the title literally (markdown-escaped): the token must be redacted
    # before escaping, or its escaped spelling (ghs\_…) would slip past the redactor.
    assert TOKEN.replace("_", "\\_") not in body
    assert "\\*\\*\\* rotated" in body


def test_pr_text_in_the_comment_pings_no_one_and_renders_no_link_or_image(
    emulator, tmp_path: Path
) -> None:
    title = "@acme/everyone see ![x](https://t.example/p.png) | [y](https://e.example)"
    n = seed(emulator, title=title)
    res = run(["check-pr", "--pr", str(n)], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 1, res.stderr
    body = emulator.comments(REPO, n)[0]["body"]
    assert "acme/everyone" in body  # the title finding does quote it
    for live in ("@acme", "![x](", "[y](", "| [y]"):
        assert live not in body, live

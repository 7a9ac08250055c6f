"""Issue 10 items 14-17 through check-pr: library log lines, user text that tries to be a
workflow command, local file faults that keep the exit code, and bad input that exits 2 at
once."""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotfix_ci.testing import Fault
from tests.helpers.cli import GOOD_FILES, REPO, TOKEN, base_env, run, seed

# The runner splits lines on CR as well as LF (and the other Unicode line breaks).
LINES = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
OURS = re.compile(r"::(add-mask::|group::|endgroup::|(error|warning|notice)( [a-z]+=[^:]*)?::)")
HOSTILE = "[HOTFIX] Fix\n::error ::pwned by title\r::add-mask::main ::stop-commands::tok"


def command_lines(text: str) -> list[str]:
    """Every line the runner would read as a workflow command."""
    return [line.lstrip() for line in LINES.split(text) if line.lstrip().startswith("::")]


def test_user_text_never_becomes_a_workflow_command(emulator, tmp_path: Path) -> None:
    files = [*GOOD_FILES, {"filename": "x\n::error ::pwned by path", "additions": 1}]
    files.append({"filename": "app\n/package-lock.json", "additions": 1, "deletions": 0})
    n = seed(emulator, title=HOSTILE, files=files)
    env = base_env(emulator, tmp_path, GITHUB_ACTIONS="true")
    res = run(["check-pr", "--pr", str(n)], env, tmp_path)
    assert res.exit_code == 1, res.stderr
    commands = command_lines(res.stdout) + command_lines(res.stderr)
    # Before: `::error ::pwned by title`, `::add-mask::main`, `::stop-commands::tok` and
    # `::error ::pwned by path` were lines of their own.
    assert commands and all(OURS.match(line) for line in commands), commands
    assert not any("pwned" in line or line[12:] == "main" for line in commands)
    assert [c for c in commands if c.startswith("::add-mask::")] == [f"::add-mask::{TOKEN}"]
    # The path with a newline is quoted and cannot slip past `**/package-lock.json`.
    assert '"app\\n/package-lock.json" is protected' in res.stdout
    # The title is printed on one line, as data.
    assert '"[HOTFIX] Fix ::error ::pwned by title ::add-mask::main ::stop-commands::tok"' in (
        res.stdout
    )


def test_error_annotation_is_escaped_and_redacted(emulator, tmp_path: Path) -> None:
    seed(emulator)
    env = base_env(emulator, tmp_path, GITHUB_ACTIONS="true")
    hostile = f"50%\n::error ::{TOKEN}\r::stop-commands::x.yml"
    res = run(["check-pr", "--pr", "1", "--config", hostile], env, tmp_path)
    assert res.exit_code == 2
    assert res.stdout == f"::add-mask::{TOKEN}\n"  # the one line that carries it
    assert TOKEN not in res.stderr
    annotation = [line for line in res.stderr.splitlines() if line.startswith("::error")]
    # Before: the message went out raw, its newline and CR starting two more commands.
    assert annotation == [
        "::error title=hotfix-ci::50%25%0A::error ::***%0D::stop-commands::x.yml: "
        "config file not found"
    ]
    assert all(OURS.match(c) for c in command_lines(res.stderr)), res.stderr


@pytest.fixture
def root_logging() -> Iterator[io.StringIO]:
    """A root logger at DEBUG, as a caller's logging.basicConfig would set up."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield sink
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def test_pygithub_log_lines_never_reach_stderr(emulator, tmp_path: Path, root_logging) -> None:
    seed(emulator)
    emulator.add_review(REPO, 1, "alice", state="APPROVED")
    emulator.faults.add(Fault(path=r"/reviews", kind="rate_limit", reset_in=1, times=1))
    emulator.faults.add(Fault(method="GET", path=r"/pulls/1$", status=502, times=1))
    res = run(["check-pr", "--pr", "1"], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 0, res.stderr
    logged = root_logging.getvalue() + res.stderr + res.stdout
    for line in ("Setting next backoff", "Request GET", "failed with", "Retrying", "Restored"):
        assert line not in logged


def test_unwritable_summary_and_outputs_are_warnings(emulator, tmp_path: Path) -> None:
    seed(emulator)  # not approved: exit 1
    env = base_env(emulator, tmp_path, GITHUB_STEP_SUMMARY="/dev/full", GITHUB_OUTPUT="/dev/full")
    res = run(["check-pr", "--pr", "1"], env, tmp_path)
    # Before: OSError (No space left on device) turned the policy failure into exit 3.
    assert res.exit_code == 1, res.stderr
    assert "warning: could not write the job summary to $GITHUB_STEP_SUMMARY (/dev/full)" in (
        res.stdout
    )
    assert "could not write the step outputs to $GITHUB_OUTPUT" in res.stdout
    assert "exit code are unchanged" in res.stdout


def quick(emulator, tmp_path: Path, args: list[str], **env: str):
    started = time.monotonic()
    res = run(["check-pr", "--pr", "1", *args], base_env(emulator, tmp_path, **env), tmp_path)
    assert time.monotonic() - started < 1.5
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    return res


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        ([], {"GITHUB_OUTPUT": "{tmp}"}, "is a directory, so the step outputs cannot be written"),
        ([], {"GITHUB_OUTPUT": "{tmp}/no/such/out"}, "is in a directory that does not exist"),
        ([], {"GITHUB_STEP_SUMMARY": "{tmp}/gone/s.md"}, "the job summary cannot be written"),
        (["--config", "/dev/zero"], {}, "does not look like a YAML config"),
        ([], {"GITHUB_TOKEN": "ghs_t\u00f6ken" + "x" * 30}, "non-ASCII or control characters"),
        ([], {"GITHUB_API_URL": "http://127.0.0.1:99999"}, "is not a usable URL: its port"),
        ([], {"GITHUB_API_URL": "http://[::1"}, "is not a usable URL: the '['"),
        ([], {"HOTFIX_CI_HTTP_TIMEOUT": "1e309"}, "must be a finite number"),
    ],
)
def test_bad_input_exits_2_within_a_second(emulator, tmp_path: Path, args, env, said) -> None:
    seed(emulator)
    values = {k: v.replace("{tmp}", str(tmp_path)) for k, v in env.items()}
    res = quick(emulator, tmp_path, args, **values)
    assert res.exit_code == 2, res.stderr
    assert said in res.stderr
    assert "what to do:" in res.stderr


def test_event_path_dev_zero_exits_2_within_a_second(emulator, tmp_path: Path) -> None:
    seed(emulator)
    env = base_env(
        emulator, tmp_path, GITHUB_EVENT_PATH="/dev/zero", GITHUB_EVENT_NAME="pull_request"
    )
    started = time.monotonic()
    res = run(["check-pr"], env, tmp_path)
    # Before: read_bytes() on /dev/zero never returned.
    assert time.monotonic() - started < 1.5
    assert res.exit_code == 2, res.stderr
    assert "is not a webhook payload" in res.stderr


# -- item 19: the sticky comment's size, check runs for every PR, planted markers -----------


def test_a_huge_report_is_clipped_below_githubs_limit(emulator, tmp_path: Path) -> None:
    files = [
        {"filename": f"vendor/pkg{i:04}/package-lock.json", "additions": 1, "deletions": 0}
        for i in range(700)
    ]
    n = seed(emulator, files=[*GOOD_FILES, *files])
    env = base_env(emulator, tmp_path, GITHUB_RUN_ID="77", GITHUB_SERVER_URL="https://github.com")
    res = run(["check-pr", "--pr", str(n)], env, tmp_path)
    # Before: the emulator's 422 "Body is too long" (as GitHub), exit 4 and no check run.
    assert res.exit_code == 1, res.stderr
    [comment] = emulator.comments(REPO, n)
    assert 60000 < len(comment["body"]) <= 65536
    assert "Every finding is in the **hotfix-ci / PR gate** check run" in comment["body"]
    assert "https://github.com/acme/web/actions/runs/77" in comment["body"]
    [check] = emulator.check_runs(REPO)
    assert check["conclusion"] == "failure"


def test_the_emulator_refuses_a_comment_over_65536_characters(emulator) -> None:
    import requests

    n = seed(emulator)
    url = f"{emulator.url}/repos/{REPO}/issues/{n}/comments"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    ok = requests.post(url, json={"body": "x" * 65536}, headers=headers, timeout=5)
    refused = requests.post(url, json={"body": "x" * 65537}, headers=headers, timeout=5)
    assert ok.status_code == 201
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == (
        "Body is too long (maximum is 65536 characters)"
    )
    assert emulator.contract_violations == []


def test_skipped_author_gets_a_passing_check_run(emulator, tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "hotfix.yml").write_text(
        "version: 1\npull_request:\n  skip_authors: [bob]\n"
    )
    n = seed(emulator)
    res = run(["check-pr", "--pr", str(n)], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 0, res.stderr
    # Before: no check run, so a required check never reported on such PRs.
    assert [r["conclusion"] for r in emulator.check_runs(REPO)] == ["success"]
    assert emulator.comments(REPO, n) == []


def test_a_planted_marker_in_someone_elses_comment_is_never_edited(
    emulator, tmp_path: Path
) -> None:
    n = seed(emulator)
    planted = "<!-- hotfix-ci:pr-gate -->\n### :white_check_mark: hotfix-ci / PR gate: passed"
    emulator.add_comment(REPO, n, planted, author="eve")
    res = run(["check-pr", "--pr", str(n)], base_env(emulator, tmp_path), tmp_path)
    assert res.exit_code == 1, res.stderr
    comments = emulator.comments(REPO, n)
    # Before: eve's comment was taken for ours and rewritten by the bot's token.
    assert [(c["user"]["login"], c["body"] == planted) for c in comments] == [
        ("eve", True),
        ("github-actions[bot]", False),
    ]
    again = run(["check-pr", "--pr", str(n)], base_env(emulator, tmp_path), tmp_path)
    assert again.exit_code == 1
    assert len(emulator.comments(REPO, n)) == 2  # ours is updated in place, eve's untouched
    assert emulator.comments(REPO, n)[0]["body"] == planted

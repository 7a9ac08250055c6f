"""Issue 10 item 21: the release's back-merge says what really happened when GitHub refuses
the pull request with a 422 that no re-run can change.

Before: both ended in exit 4 "GitHub answered 422: Validation Failed (invalid)" and "Re-run
the job", which fails the same way forever: a target branch that does not exist, and a
target that already contains the fix ("No commits between develop and ...").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from tests.helpers.cli import REPO
from tests.helpers.release import release, scene, write_config, writes

CONFIG = "release:\n  back_merge: [develop]\n"
HEAD = "hotfix-backmerge/hotfix-v1.4.3-into-develop"


def branches(emulator: Any) -> list[str]:
    return [
        r["ref"].removeprefix("refs/heads/") for r in emulator.refs(REPO) if "/heads/" in r["ref"]
    ]


def back_merge_line(result: Any) -> str:
    assert result.exit_code == 0, result.stderr
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("  back-merge ")]
    return " ".join(line.split())


def test_a_target_that_already_has_the_fix_is_done(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, CONFIG)
    sha = scene(emulator)
    emulator.commit(REPO, branch="develop", message="dev work after the hotfix")  # has sha
    done = release(emulator, tmp_path, sha, "--format", "text")
    assert back_merge_line(done) == (
        "back-merge up to date develop already contains hotfix-v1.4.3: nothing to merge"
    )
    assert done.stdout.startswith("released hotfix-v1.4.3")
    assert [p for p in emulator.pulls(REPO) if p["base"]["ref"] == "develop"] == []
    assert HEAD not in branches(emulator)  # the helper branch is removed again
    again = release(emulator, tmp_path, sha, "--format", "text")  # a re-run: done as well
    assert back_merge_line(again).startswith("back-merge up to date develop already contains")


def test_the_emulator_answers_no_commits_as_github_does(emulator: Any) -> None:
    """GitHub's answer (as quoted in public issue threads, e.g. peter-evans/create-pull-request
    #2105): 422 Validation Failed, errors [{resource PullRequest, code custom, message "No
    commits between main and X"}], no ``field``; validated against the OpenAPI description."""
    emulator.create_repo(REPO, default_branch="main")
    emulator.commit(REPO, branch="main", message="init")
    emulator.commit(REPO, branch="later", message="x")  # branched from main: contains it
    url = f"{emulator.url}/repos/{REPO}/pulls"
    headers = {"Authorization": "token x", "Accept": "application/vnd.github+json"}
    answer = requests.post(
        url, json={"head": "main", "base": "later", "title": "t"}, headers=headers, timeout=5
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {
            "resource": "PullRequest",
            "code": "custom",
            "message": "No commits between later and main",
        }
    ]
    missing = requests.post(
        url, json={"head": "later", "base": "nope", "title": "t"}, headers=headers, timeout=5
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"resource": "PullRequest", "field": "base", "code": "invalid"}
    ]


def test_a_missing_target_branch_is_a_config_error_with_the_fix(
    emulator: Any, tmp_path: Path
) -> None:
    write_config(tmp_path, CONFIG)
    sha = scene(emulator)
    result = release(emulator, tmp_path, sha)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "error: back-merge of hotfix-v1.4.3 into develop: the branch develop does not exist, "
        "so there is nothing to merge into (a re-run alone cannot change that)"
    )
    assert lines[1].startswith(
        "  what to do: create the branch develop, or remove it from release.back_merge in the "
        "config; then re-run the job (already done: tag created (hotfix-v1.4.3"
    )
    assert "GitHub answered 422" not in result.stderr
    # Nothing is left behind for it: no helper branch, no pull request.
    assert HEAD not in branches(emulator)
    assert not [w for w in writes(emulator) if w.endswith("/pulls")]


def test_a_dry_run_names_the_missing_target_too(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, CONFIG)
    sha = scene(emulator)
    result = release(emulator, tmp_path, sha, "--dry-run")
    assert result.exit_code == 2
    assert "the branch develop does not exist" in result.stderr
    assert writes(emulator) == []

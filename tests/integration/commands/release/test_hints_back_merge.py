"""Issue 10 item 21: the release's back-merge says what really happened when GitHub refuses
the pull request with a 422 that no re-run can change.

Before: both ended in exit 4 "GitHub answered 422: Validation Failed (invalid)" and "Re-run
the job", which fails the same way forever: a target branch that does not exist, and a
target that already contains the fix ("No commits between develop and ..."). A target that
does not exist is a warning: the hotfix is tagged and released by then, and must deploy.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import requests

from hotfix_ci.release.plan import back_merge_branch
from hotfix_ci.testing import Fault
from tests.helpers.cli import REPO, TOKEN
from tests.helpers.release import outputs_file, read_outputs, release, scene, write_config, writes

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


def branch_before_the_fix(emulator: Any, branch: str) -> None:
    """``branch`` at the release before the hotfix (v1.4.2), so the fix is not in it."""
    api = f"{emulator.url}/repos/{REPO}/git"
    headers = {"Authorization": f"token {TOKEN}"}
    tagged = requests.get(f"{api}/ref/tags/v1.4.2", headers=headers, timeout=5).json()
    ref = {"ref": f"refs/heads/{branch}", "sha": tagged["object"]["sha"]}
    assert requests.post(f"{api}/refs", json=ref, headers=headers, timeout=5).status_code == 201


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


def test_a_missing_target_branch_is_a_warning_and_the_release_goes_on(
    emulator: Any, tmp_path: Path
) -> None:
    """Before: exit 2 after the tag and the Release existed, with no outputs, so the deploy
    job never ran, nor the steps after the back-merges."""
    write_config(tmp_path, "release:\n  back_merge: [gone, develop]\n")
    sha = scene(emulator)
    branch_before_the_fix(emulator, "develop")
    out = outputs_file(tmp_path)
    result = release(emulator, tmp_path, sha, "--format", "github", GITHUB_OUTPUT=str(out))
    assert result.exit_code == 0, result.stderr
    outputs = read_outputs(out)
    assert (outputs["released"], outputs["tag"]) == ("true", "hotfix-v1.4.3")
    assert json.loads(outputs["matrix"]) == {"include": []}  # handed to the deploy job
    warned = (
        "back-merge into gone: there is no branch gone, so no pull request was opened; the "
        "release and its deploy go on. Later: fix or remove gone in release.back_merge, or "
        "restore the branch and bring hotfix-v1.4.3 into it by hand"
    )
    assert f"::warning title=back-merge::{warned}" in result.stdout.splitlines()
    assert [
        " ".join(line.split()[:2])
        for line in result.stdout.splitlines()
        if "back-merge " in line[:13]
    ] == [
        "back-merge missing",
        "back-merge created",
    ]
    assert [
        p["base"]["ref"] for p in emulator.pulls(REPO) if p["head"]["ref"] != "hotfix/login-500"
    ] == ["develop"]
    assert back_merge_branch("hotfix-v1.4.3", "gone") not in branches(emulator)
    assert "hotfix/login-500" not in branches(emulator)  # the steps after it ran too
    again = release(emulator, tmp_path, sha, "--format", "text")  # a re-run: nothing twice
    assert again.exit_code == 0 and len(emulator.pulls(REPO)) == 2


def test_a_target_deleted_while_the_release_runs_is_a_warning_too(
    emulator: Any, tmp_path: Path
) -> None:
    write_config(tmp_path, CONFIG)
    sha = scene(emulator)
    branch_before_the_fix(emulator, "develop")
    # The pull request is sent after develop was looked up: delete develop in between.
    emulator.faults.add(Fault(method="POST", path=r"/pulls$", kind="slow", delay=0.6))
    deleter = threading.Thread(target=delete_once_helper_exists, args=(emulator, "develop"))
    deleter.start()
    result = release(emulator, tmp_path, sha, "--format", "text")
    deleter.join()
    assert result.exit_code == 0, result.stderr
    assert back_merge_line(result).startswith("back-merge missing into develop: there is no")
    assert HEAD not in branches(emulator)  # the helper branch is removed again


def delete_once_helper_exists(emulator: Any, branch: str) -> None:
    deadline = time.monotonic() + 10
    while HEAD not in branches(emulator) and time.monotonic() < deadline:
        time.sleep(0.01)
    url = f"{emulator.url}/repos/{REPO}/git/refs/heads/{branch}"
    requests.delete(url, headers={"Authorization": f"token {TOKEN}"}, timeout=5)


def test_a_dry_run_names_the_missing_target_too(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, CONFIG)
    sha = scene(emulator)
    result = release(emulator, tmp_path, sha, "--dry-run", "--format", "text")
    assert back_merge_line(result).startswith("back-merge missing into develop: there is no")
    assert writes(emulator) == []

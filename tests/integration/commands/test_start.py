"""`hotfix-ci start` against a real local bare remote and the emulator mirroring it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.github_api import GitHubClient
from hotfix_ci.github_api.connect import Connection
from hotfix_ci.github_api.deployments import create_deployment, create_status
from hotfix_ci.testing.faults import Fault
from tests.helpers.cli import REPO, TOKEN, Result, base_env, run
from tests.helpers.git import commit, git

BRANCH = "hotfix/login-returns-500"
CONFIG = {
    "version": 1,
    "deploy": {
        "environments": {
            "production": {
                "providers": [
                    {
                        "name": "app",
                        "type": "command",
                        "with": {"deploy": ["true"], "rollback": ["true"]},
                    }
                ]
            }
        }
    },
}


@pytest.fixture
def remote(git_repo: Path, emulator: Any) -> Path:
    """A bare remote with main and two release tags (1.0.0 older, 1.0.1 latest) plus a
    commit on main after them; the emulator mirrors it before every API request."""
    bare = git_repo.parent / "remote.git"
    git(git_repo.parent, "init", "-q", "--bare", "-b", "main", str(bare))
    commit(git_repo, {".github/hotfix.yml": json.dumps(CONFIG)}, "config")
    git(git_repo, "tag", "hotfix-v1.0.0")
    commit(git_repo, {"app.py": "print('v1.0.1')\n"}, "fix 1")
    git(git_repo, "tag", "hotfix-v1.0.1")
    commit(git_repo, {"app.py": "print('next')\n"}, "unreleased work")
    git(git_repo, "remote", "add", "origin", str(bare))
    git(git_repo, "push", "-q", "--tags", "origin", "main")
    emulator.create_repo(REPO)
    emulator.mirror_git(REPO, bare)
    return bare


def start(repo: Path, emu: Any, *args: str) -> Result:
    return run(["start", "Login returns 500", "--repo", REPO, *args], base_env(emu, repo), repo)


def pulls(emu: Any) -> list[dict[str, Any]]:
    return emu.pulls(REPO)


def test_start_branches_from_the_latest_tag_pushes_and_opens_the_pr(
    git_repo: Path, remote: Path, emulator: Any
) -> None:
    result = start(git_repo, emulator, "--severity", "P1")
    assert result.exit_code == 0, result.stderr + result.stdout
    assert "production ref: hotfix-v1.0.1 (the latest hotfix tag" in result.stdout
    tip = git(remote, "rev-parse", f"refs/heads/{BRANCH}")
    assert git(remote, "rev-parse", f"{tip}^") == git(git_repo, "rev-parse", "hotfix-v1.0.1^{}")
    assert git(git_repo, "branch", "--show-current") == BRANCH
    (pull,) = pulls(emulator)
    assert pull["title"] == "[HOTFIX] Login returns 500"
    assert pull["head"]["ref"] == BRANCH and pull["base"]["ref"] == "main"
    assert sorted(label["name"] for label in pull["labels"]) == ["P1", "hotfix"]
    assert "## Severity\n\nP1\n" in pull["body"] and "## Rollback plan" in pull["body"]
    assert f"pull request: {pull['html_url']}" in result.stdout
    assert "gate (first verdict, nothing written):" in result.stdout
    assert "FAIL  approvals: P1 needs 1 approval(s)" in result.stdout  # not reviewed yet
    written = [r for r in emulator.requests if r.method != "GET"]
    assert [r.path.rsplit("/", 1)[-1] for r in written] == ["pulls", "labels"]  # no check run


def test_start_branches_from_the_release_live_in_the_deployment_log(
    git_repo: Path, remote: Path, emulator: Any
) -> None:
    client = GitHubClient(Connection(api_url=emulator.url, token=TOKEN, backoff=0.01), REPO)
    body = {"tool": "hotfix-ci", "provider": "app", "tag": "hotfix-v1.0.0", "version": "1.0.0"}
    record = create_deployment(
        client,
        ref="hotfix-v1.0.0",
        environment="production",
        payload=body,
        description="deploy",
        production=True,
    )
    create_status(client, record.id, "success")
    result = start(git_repo, emulator)
    assert result.exit_code == 0, result.stderr
    assert "production ref: hotfix-v1.0.0 (live on production (app) per the deployment log)" in (
        result.stdout
    )
    tip = git(remote, "rev-parse", f"refs/heads/{BRANCH}")
    assert git(remote, "rev-parse", f"{tip}^") == git(git_repo, "rev-parse", "hotfix-v1.0.0^{}")


def test_a_rerun_after_the_pr_failed_opens_it_once(
    git_repo: Path, remote: Path, emulator: Any
) -> None:
    emulator.faults.add(Fault(method="POST", path=r"/pulls$", status=502, times=None))
    failed = start(git_repo, emulator)
    assert failed.exit_code == 4, failed.stdout + failed.stderr
    assert "pushed hotfix/login-returns-500 to origin" in failed.stdout
    assert "run the same `hotfix-ci start` again" in failed.stderr
    assert pulls(emulator) == []
    emulator.faults.clear()
    again = start(git_repo, emulator)
    assert again.exit_code == 0, again.stderr
    assert "resuming: hotfix/login-returns-500 exists" in again.stdout
    assert "production ref: hotfix-v1.0.1" in again.stdout  # read back from its commit
    assert "pushed" not in again.stdout and "created" not in again.stdout
    assert len(pulls(emulator)) == 1
    third = start(git_repo, emulator)
    assert third.exit_code == 0 and len(pulls(emulator)) == 1


def test_dry_run_changes_nothing(git_repo: Path, remote: Path, emulator: Any) -> None:
    result = start(git_repo, emulator, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"would create {BRANCH} from hotfix-v1.0.1" in result.stdout
    assert git(remote, "branch", "--list", BRANCH) == ""
    assert git(git_repo, "branch", "--show-current") == "main"
    assert pulls(emulator) == []


def test_a_dirty_tree_is_refused_before_anything(
    git_repo: Path, remote: Path, emulator: Any
) -> None:
    (git_repo / "app.py").write_text("half done\n")
    result = start(git_repo, emulator)
    assert result.exit_code == 2
    assert "uncommitted changes" in result.stderr and "git stash" in result.stderr
    assert git(remote, "branch", "--list", BRANCH) == ""


def test_a_branch_someone_else_pushed_is_not_taken_over(
    git_repo: Path, remote: Path, emulator: Any
) -> None:
    git(git_repo, "push", "-q", "origin", f"main:refs/heads/{BRANCH}")
    result = start(git_repo, emulator)
    assert result.exit_code == 2
    assert f"the branch {BRANCH} already exists on origin" in result.stderr
    assert pulls(emulator) == []


def test_no_remote_and_unknown_severity_are_usage_errors(
    git_repo: Path, remote: Path, emulator: Any
) -> None:
    wrong = start(git_repo, emulator, "--severity", "P9")
    assert wrong.exit_code == 2 and "unknown --severity 'P9'" in wrong.stderr
    git(git_repo, "remote", "remove", "origin")
    missing = start(git_repo, emulator)
    assert missing.exit_code == 2 and "no remote 'origin'" in missing.stderr


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Login returns 500", "login-returns-500"),
        ("  `rm -rf /`; $(evil) & Ünïcode!! ", "rm-rf-evil-n-code"),
        ("x" * 80, "x" * 48),
    ],
)
def test_the_branch_slug_is_a_safe_ref_name(description: str, expected: str) -> None:
    from hotfix_ci.commands.start import slug

    assert slug(description) == expected


def test_a_description_without_letters_is_refused() -> None:
    from hotfix_ci.commands.start import slug
    from hotfix_ci.errors import UsageError

    with pytest.raises(UsageError, match="no letters or digits"):
        slug("!!! ???")


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("git@github.com:acme/web.git", "acme/web"),
        ("https://github.com/acme/web", "acme/web"),
        ("ssh://git@github.com/acme/web.git/", "acme/web"),
        ("/tmp/remote.git", None),  # a local remote names no repository: pass --repo
    ],
)
def test_the_repository_is_read_from_the_remote_url(url: str, repo: str | None) -> None:
    from hotfix_ci.commands.start import repo_of_url

    assert repo_of_url(url) == repo

"""`hotfix-ci release` writes beyond the tag: changelog commit, follow-up issue, back-merge
PRs, version file, and what a failure half-way leaves for the re-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotfix_ci.github_api import releases as api
from hotfix_ci.testing import Fault
from tests.helpers.release import (
    REPO,
    as_json,
    merge_gated,
    release,
    scene,
    tag_names,
    write_config,
    writes,
)

CHANGELOG = """# Changelog

Intro paragraph, kept byte for byte.

## [Unreleased]

## [1.4.2] - 2025-10-01

### Fixed

- Older fix

[Unreleased]: https://github.com/acme/web/compare/v1.4.2...HEAD
"""


def _seed_changelog(emulator: Any) -> None:
    emulator.create_repo(REPO, default_branch="main")
    emulator.commit(REPO, branch="main", message="changelog", files={"CHANGELOG.md": CHANGELOG})


def _hotfix(emulator: Any, *labels: str) -> str:
    emulator.add_tag(REPO, "v1.4.2")
    number = emulator.create_pull(
        REPO,
        title="[HOTFIX] Fix login 500s",
        head="hotfix/login-500",
        author="bob",
        labels=list(labels or ("hotfix", "P1")),
    )
    return str(merge_gated(emulator, number))


def test_changelog_commit_inserts_the_entry_once(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, "release:\n  commit_changelog: true\n")
    _seed_changelog(emulator)
    sha = _hotfix(emulator)
    as_json(release(emulator, tmp_path, sha))
    text = emulator.file_content(REPO, "CHANGELOG.md")
    head, entry_and_rest = text.split("## [1.4.3] - ", 1)
    assert head == CHANGELOG.split("## [1.4.2]", maxsplit=1)[0]  # everything above is untouched
    assert entry_and_rest.split("\n", 1)[1].startswith("\n### Fixed\n\n- Fix login 500s ([#1](")
    assert text.endswith(
        "[Unreleased]: https://github.com/acme/web/compare/v1.4.2...HEAD\n"
        "[1.4.3]: https://github.com/acme/web/compare/v1.4.2...hotfix-v1.4.3\n"
    )
    emulator.clear_requests()
    as_json(release(emulator, tmp_path, sha))
    assert writes(emulator) == [] and emulator.file_content(REPO, "CHANGELOG.md") == text


def test_changelog_conflict_is_retried_and_keeps_both_changes(
    emulator: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    write_config(tmp_path, "release:\n  commit_changelog: true\n")
    _seed_changelog(emulator)
    sha = _hotfix(emulator)
    real, calls = api.get_file, []

    def read_then_someone_commits(client: Any, path: str, ref: str) -> Any:
        found = real(client, path, ref)
        if not calls:  # between our read and our write, a teammate edits the file
            edited = CHANGELOG.replace("Intro paragraph", "Intro paragraph (edited)")
            emulator.commit(REPO, branch="main", message="edit", files={"CHANGELOG.md": edited})
        calls.append(path)
        return found

    monkeypatch.setattr(api, "get_file", read_then_someone_commits)
    as_json(release(emulator, tmp_path, sha))
    text = emulator.file_content(REPO, "CHANGELOG.md")
    assert "Intro paragraph (edited), kept" in text and "## [1.4.3] - " in text
    assert len(calls) == 2
    puts = [r.status for r in emulator.requests if r.method == "PUT"]
    assert puts == [409, 200]


def test_p0_follow_up_issue_is_opened_once(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, "approvals:\n  reviewers: [alice, '@acme/sre']\n")
    emulator.create_repo(REPO, default_branch="main")
    sha = _hotfix(emulator, "hotfix", "P0")
    data = as_json(release(emulator, tmp_path, sha))
    assert data["review-after-deploy"] is True and data["severity"] == "P0"
    as_json(release(emulator, tmp_path, sha))
    (issue,) = emulator.issues(REPO)
    assert issue["title"] == "Post-deploy review: [HOTFIX] Fix login 500s"
    assert issue["body"].startswith("@alice @acme/sre: please review pull request #1")
    assert "hotfix-v1.4.3" in issue["body"]


def test_p1_opens_no_follow_up_issue(emulator: Any, tmp_path: Path) -> None:
    emulator.create_repo(REPO, default_branch="main")
    data = as_json(release(emulator, tmp_path, _hotfix(emulator)))
    assert data["review-after-deploy"] is False and emulator.issues(REPO) == []


def test_back_merge_pull_request_is_opened_once(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, "release:\n  back_merge: [develop]\n")
    emulator.create_repo(REPO, default_branch="main")
    emulator.commit(REPO, branch="develop", message="dev work", files={"dev.txt": "wip\n"})
    sha = _hotfix(emulator)
    for _ in range(2):
        as_json(release(emulator, tmp_path, sha))
    back = [p for p in emulator.pulls(REPO) if p["base"]["ref"] == "develop"]
    assert len(back) == 1
    assert back[0]["head"]["ref"] == "hotfix-backmerge/hotfix-v1.4.3-into-develop"
    assert back[0]["head"]["sha"] == sha and back[0]["state"] == "open"


def test_version_from_file_is_read_at_the_merge_commit(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, "release:\n  version_from: file:VERSION\n")
    emulator.create_repo(REPO, default_branch="main")
    emulator.commit(REPO, branch="main", message="version", files={"VERSION": "2.0.7\n"})
    data = as_json(release(emulator, tmp_path, _hotfix(emulator)))
    assert (data["previous-version"], data["version"], data["tag"]) == (
        "2.0.7",
        "2.0.8",
        "hotfix-v2.0.8",
    )


def test_a_server_error_once_is_retried(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator)
    emulator.faults.add(Fault(method="POST", path=r"/releases$", status=500, times=1))
    as_json(release(emulator, tmp_path, sha))
    assert [r.status for r in emulator.requests if r.path.endswith("/releases")] == [500, 201]
    assert len(emulator.releases(REPO)) == 1


def test_failure_between_tag_and_release_is_completed_by_the_rerun(
    emulator: Any, tmp_path: Path
) -> None:
    sha = scene(emulator)
    emulator.faults.add(Fault(method="POST", path=r"/releases$", status=500, times=None))
    failed = release(emulator, tmp_path, sha, HOTFIX_CI_HTTP_RETRIES="2")
    assert failed.exit_code == 4
    assert "error: creating the GitHub Release hotfix-v1.4.3: GitHub kept failing (500" in (
        failed.stderr
    )
    assert "already done: tag created (hotfix-v1.4.3" in failed.stderr
    assert "Re-run the job" in failed.stderr
    assert tag_names(emulator) == ["hotfix-v1.4.3", "v1.4.2"] and emulator.releases(REPO) == []
    emulator.faults.clear()
    emulator.clear_requests()
    data = as_json(release(emulator, tmp_path, sha))
    assert data["tag"] == "hotfix-v1.4.3"
    assert tag_names(emulator) == ["hotfix-v1.4.3", "v1.4.2"] and len(emulator.releases(REPO)) == 1
    assert [w for w in writes(emulator) if "/git/" in w] == [
        "DELETE /repos/acme/web/git/refs/heads/hotfix/login-500"
    ]


def test_permission_refused_names_the_missing_permission(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator)
    emulator.set_token_permissions({"contents": "read"})
    res = release(emulator, tmp_path, sha)
    assert res.exit_code == 4
    assert "creating the tag object hotfix-v1.4.3" in res.stderr
    assert "`contents: write`" in res.stderr
    assert tag_names(emulator) == ["v1.4.2"]

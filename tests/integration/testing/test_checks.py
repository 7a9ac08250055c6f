"""PyGithub against the emulator: check runs, annotations, and token permissions."""

from __future__ import annotations

import pytest
from github import GithubException

from hotfix_ci.testing import GitHubEmulator
from tests.helpers.github import REPO, client


def annotations(start: int, count: int) -> list[dict[str, object]]:
    return [
        {
            "path": f"src/f{i}.py",
            "start_line": i + 1,
            "end_line": i + 1,
            "annotation_level": "failure",
            "message": f"problem {i}",
        }
        for i in range(start, start + count)
    ]


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def test_check_run_with_120_annotations_in_three_patches(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/x", author="bob")
    repo = client(emulator).get_repo(REPO)
    head = repo.get_pull(n).head.sha
    run = repo.create_check_run("hotfix-gate", head, status="in_progress")
    for start in (0, 50, 100):
        count = min(50, 120 - start)
        run.edit(
            output={
                "title": "Gate",
                "summary": "3 failures",
                "annotations": annotations(start, count),
            }
        )
    run.edit(conclusion="failure")

    fetched = repo.get_check_run(run.id)
    assert (fetched.status, fetched.conclusion, fetched.output.annotations_count) == (
        "completed",
        "failure",
        120,
    )
    listed = list(fetched.get_annotations())
    assert [a.message for a in listed] == [f"problem {i}" for i in range(120)]
    assert [r.name for r in repo.get_commit(head).get_check_runs()] == ["hotfix-gate"]
    assert emulator.check_runs(REPO)[0]["pull_requests"][0]["number"] == n


def test_more_than_50_annotations_per_request_is_422(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    sha = repo.get_branch("main").commit.sha
    with pytest.raises(GithubException) as refused:
        repo.create_check_run(
            "gate", sha, output={"title": "t", "summary": "s", "annotations": annotations(0, 51)}
        )
    assert refused.value.status == 422
    assert emulator.check_runs(REPO) == []


def test_latest_filter_keeps_newest_run_per_name(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    sha = repo.get_branch("main").commit.sha
    repo.create_check_run("gate", sha, conclusion="failure")
    newest = repo.create_check_run("gate", sha, conclusion="success")
    runs = repo.get_commit(sha).get_check_runs()
    assert runs.totalCount == 1
    assert [r.id for r in runs] == [newest.id]
    assert len(list(repo.get_commit(sha).get_check_runs(filter="all"))) == 2


def test_denied_permission_names_what_is_missing(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    sha = repo.get_branch("main").commit.sha
    emulator.set_token_permissions({"checks": "read"})
    with pytest.raises(GithubException) as denied:
        repo.create_check_run("gate", sha)
    assert denied.value.status == 403
    assert denied.value.data["message"] == "Resource not accessible by integration"
    assert denied.value.headers["x-accepted-github-permissions"] == "checks=write"
    assert list(repo.get_commit(sha).get_check_runs()) == []  # read is still allowed

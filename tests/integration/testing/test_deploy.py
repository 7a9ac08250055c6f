"""PyGithub against the emulator: deployments, deployment statuses, file contents."""

from __future__ import annotations

import base64

import pytest
from github import GithubException

from hotfix_ci.testing import GitHubEmulator
from tests.helpers.github import REPO, client


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def test_deployments_and_statuses_newest_first(emulator: GitHubEmulator) -> None:
    emulator.add_tag(REPO, "hotfix-1.0.1")
    repo = client(emulator).get_repo(REPO)
    old = repo.create_deployment(
        "hotfix-1.0.1", environment="production", auto_merge=False, required_contexts=[]
    )
    new = repo.create_deployment(
        "main",
        environment="production",
        payload={"provider": "fly"},
        auto_merge=False,
        required_contexts=[],
    )
    repo.create_deployment("main", environment="staging", auto_merge=False, required_contexts=[])
    new.create_status("in_progress")
    new.create_status("failure", description="gate http failed", target_url="http://127.0.0.1/log")

    production = list(repo.get_deployments(environment="production"))
    assert [d.id for d in production] == [new.id, old.id]
    assert production[0].payload == {"provider": "fly"}
    assert [d.id for d in repo.get_deployments(ref="hotfix-1.0.1")] == [old.id]
    statuses = list(new.get_statuses())
    assert [(s.state, s.description) for s in statuses] == [
        ("failure", "gate http failed"),
        ("in_progress", ""),
    ]
    assert [s["state"] for s in emulator.deployment_statuses(REPO, new.id)] == [
        "failure",
        "in_progress",
    ]
    assert repo.get_deployment(old.id).sha == repo.get_git_ref("tags/hotfix-1.0.1").object.sha


def test_unknown_ref_cannot_be_deployed(emulator: GitHubEmulator) -> None:
    with pytest.raises(GithubException) as refused:
        client(emulator).get_repo(REPO).create_deployment(
            "nope", auto_merge=False, required_contexts=[]
        )
    assert refused.value.status == 422
    assert emulator.deployments(REPO) == []


def test_contents_update_and_sha_conflict(emulator: GitHubEmulator) -> None:
    emulator.commit(REPO, branch="main", message="log", files={"CHANGELOG.md": "# Changelog\n"})
    repo = client(emulator).get_repo(REPO)
    current = repo.get_contents("CHANGELOG.md", ref="main")
    assert not isinstance(current, list)
    assert current.decoded_content == b"# Changelog\n"

    repo.update_file(
        "CHANGELOG.md", "changelog: 1.4.3", "# Changelog\n## 1.4.3\n", current.sha, branch="main"
    )
    assert emulator.file_content(REPO, "CHANGELOG.md") == "# Changelog\n## 1.4.3\n"
    with pytest.raises(GithubException) as stale:
        repo.update_file("CHANGELOG.md", "again", "lost update", current.sha, branch="main")
    assert stale.value.status == 409
    assert emulator.file_content(REPO, "CHANGELOG.md") == "# Changelog\n## 1.4.3\n"


def test_contents_create_needs_no_sha_but_update_does(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    created = repo.create_file("docs/hotfix.md", "add", "steps\n", branch="main")
    assert created["content"].path == "docs/hotfix.md"
    _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/contents/docs")
    assert [entry["name"] for entry in data] == ["hotfix.md"]
    body = {"message": "m", "content": base64.b64encode(b"x").decode(), "branch": "main"}
    with pytest.raises(GithubException) as missing_sha:
        repo._requester.requestJsonAndCheck(
            "PUT", f"{repo.url}/contents/docs/hotfix.md", input=body
        )
    assert missing_sha.value.status == 422

"""PyGithub against the emulator: refs, tags, releases, commits, branches."""

from __future__ import annotations

import pytest
from github import GithubException

from hotfix_ci.testing import GitHubEmulator
from tests.helpers.github import REPO, client


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def test_annotated_tag_ref_then_release(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    sha = repo.get_branch("main").commit.sha
    tag = repo.create_git_tag("hotfix-1.4.3", "Hotfix 1.4.3", sha, "commit")
    ref = repo.create_git_ref("refs/tags/hotfix-1.4.3", tag.sha)
    release = repo.create_git_release("hotfix-1.4.3", name="Hotfix 1.4.3", message="notes")

    assert (ref.ref, ref.object.type, ref.object.sha) == ("refs/tags/hotfix-1.4.3", "tag", tag.sha)
    assert repo.get_git_tag(tag.sha).object.sha == sha
    assert [(t.name, t.commit.sha) for t in repo.get_tags()] == [("hotfix-1.4.3", sha)]
    assert repo.get_release("hotfix-1.4.3").id == release.id
    release.update_release(name="Hotfix 1.4.3", message="notes + changelog")
    assert [r["body"] for r in emulator.releases(REPO)] == ["notes + changelog"]
    with pytest.raises(GithubException) as again:
        repo.create_git_ref("refs/tags/hotfix-1.4.3", sha)
    assert again.value.status == 422
    assert again.value.data["message"] == "Reference already exists"


def test_release_creates_missing_tag_at_target(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    repo.create_git_release("v2.0.1", name="v2.0.1", message="", target_commitish="main")
    main = repo.get_branch("main").commit.sha
    assert repo.get_git_ref("tags/v2.0.1").object.sha == main
    with pytest.raises(GithubException) as missing:
        repo.get_release("v9")
    assert missing.value.status == 404


def test_ref_update_delete_and_matching(emulator: GitHubEmulator) -> None:
    first = emulator.commit(REPO, branch="main", message="one")
    old = emulator.add_tag(REPO, "hotfix-1.0.1", sha=first)
    emulator.add_tag(REPO, "hotfix-1.0.2")
    second = emulator.commit(REPO, branch="main", message="two")
    repo = client(emulator).get_repo(REPO)

    assert [r.ref for r in repo.get_git_matching_refs("tags/hotfix-")] == [
        "refs/tags/hotfix-1.0.1",
        "refs/tags/hotfix-1.0.2",
    ]
    ref = repo.get_git_ref("heads/main")
    with pytest.raises(GithubException) as backwards:
        ref.edit(old, force=False)
    assert backwards.value.data["message"] == "Update is not a fast forward"
    ref.edit(old, force=True)
    assert emulator.file_content(REPO, "README.md", ref="main") is not None
    assert repo.get_branch("main").commit.sha == old != second
    repo.get_git_ref("tags/hotfix-1.0.2").delete()
    assert [r["ref"] for r in emulator.refs(REPO)] == ["refs/heads/main", "refs/tags/hotfix-1.0.1"]


def test_commit_views(emulator: GitHubEmulator) -> None:
    sha = emulator.commit(REPO, branch="main", message="fix: login", files={"app.py": "a\nb\n"})
    repo = client(emulator).get_repo(REPO)
    commit = repo.get_commit(sha)
    assert commit.commit.message == "fix: login"
    assert [(f.filename, f.additions) for f in commit.files] == [("app.py", 2)]
    git_commit = repo.get_git_commit(sha)
    assert git_commit.parents[0].sha == commit.parents[0].sha
    with pytest.raises(GithubException) as unknown:
        repo.get_commit("0" * 40)
    assert unknown.value.status == 422

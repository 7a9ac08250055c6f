"""PyGithub against the emulator: pull requests, their files, reviews, commits and merges."""

from __future__ import annotations

import pytest
from github import GithubException

from hotfix_ci.errors import UsageError
from hotfix_ci.testing import GitHubEmulator
from tests.helpers.github import REPO, client


def changed(count: int) -> list[dict[str, object]]:
    return [
        {"filename": f"src/m{i}.py", "additions": i % 7, "deletions": 1, "status": "modified"}
        for i in range(count)
    ]


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def test_get_pull_and_files_across_pages(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(
        REPO,
        title="[HOTFIX] fix login",
        body="why",
        head="hotfix/login",
        author="bob",
        files=changed(250),
        labels=["hotfix", "P1"],
    )
    pr = client(emulator, per_page=100).get_repo(REPO).get_pull(n)

    assert (pr.title, pr.body, pr.user.login) == ("[HOTFIX] fix login", "why", "bob")
    assert (pr.head.ref, pr.base.ref, pr.state, pr.merged) == (
        "hotfix/login",
        "main",
        "open",
        False,
    )
    assert [label.name for label in pr.labels] == ["hotfix", "P1"]
    assert pr.changed_files == 250
    assert pr.additions == sum(i % 7 for i in range(250))
    files = list(pr.get_files())
    assert [f.filename for f in files] == [f"src/m{i}.py" for i in range(250)]
    assert files[3].additions == 3 and files[3].changes == 4
    pages = [r for r in emulator.requests if r.path.endswith("/files")]
    assert [r.query.get("page", "1") for r in pages] == ["1", "2", "3"]


def test_files_list_stops_at_3000_like_github(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/big", author="bob", files=changed(3100))
    pr = client(emulator, per_page=100).get_repo(REPO).get_pull(n)
    assert pr.changed_files == 3100
    assert len(list(pr.get_files())) == 3000


def test_files_derived_from_commits_when_not_given(emulator: GitHubEmulator) -> None:
    emulator.commit(
        REPO, branch="hotfix/x", message="fix", files={"app.py": "a\nb\n", "README.md": None}
    )
    n = emulator.create_pull(REPO, title="t", head="hotfix/x", author="bob")
    files = {
        f.filename: (f.status, f.additions, f.deletions)
        for f in client(emulator).get_repo(REPO).get_pull(n).get_files()
    }
    assert files == {"app.py": ("added", 2, 0), "README.md": ("removed", 0, 1)}


def test_reviews_keep_their_commit_after_a_push(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/x", author="bob")
    first_head = client(emulator).get_repo(REPO).get_pull(n).head.sha
    approval = emulator.add_review(REPO, n, "alice", state="APPROVED")
    emulator.add_review(REPO, n, "carol", state="CHANGES_REQUESTED")
    new_head = emulator.push(REPO, n, files={"app.py": "v2\n"})
    emulator.dismiss_review(REPO, n, approval)

    pr = client(emulator).get_repo(REPO).get_pull(n)
    reviews = [(r.user.login, r.state, r.commit_id) for r in pr.get_reviews()]
    assert reviews == [
        ("alice", "DISMISSED", first_head),
        ("carol", "CHANGES_REQUESTED", first_head),
    ]
    assert pr.head.sha == new_head != first_head
    assert [c.sha for c in pr.get_commits()][-1] == new_head
    assert "review_dismissed" in [e.event for e in pr.as_issue().get_events()]


def test_create_list_and_update_over_http(emulator: GitHubEmulator) -> None:
    emulator.commit(REPO, branch="hotfix/a", message="a", files={"a.py": "x\n"})
    repo = client(emulator).get_repo(REPO)
    pr = repo.create_pull(base="main", head="hotfix/a", title="[HOTFIX] a", body="b")
    pr.edit(title="[HOTFIX] a2")

    assert [p.title for p in repo.get_pulls(state="open", head="acme:hotfix/a")] == ["[HOTFIX] a2"]
    assert list(repo.get_pulls(state="open", base="release")) == []
    events = [(e.event, e.rename) for e in pr.as_issue().get_events()]
    assert events == [("renamed", {"from": "[HOTFIX] a", "to": "[HOTFIX] a2"})]
    with pytest.raises(GithubException) as duplicate:
        repo.create_pull(base="main", head="hotfix/a", title="again", body="")
    assert duplicate.value.status == 422
    assert "already exists" in duplicate.value.data["errors"][0]["message"]


def test_merge_links_commit_to_pull(emulator: GitHubEmulator) -> None:
    emulator.commit(REPO, branch="hotfix/m", message="fix", files={"CHANGELOG.md": "fixed\n"})
    n = emulator.create_pull(REPO, title="t", head="hotfix/m", author="bob")
    merge_sha = emulator.merge_pull(REPO, n, merged_by="alice")

    repo = client(emulator).get_repo(REPO)
    pr = repo.get_pull(n)
    assert (pr.merged, pr.merged_by.login, pr.merge_commit_sha, pr.state) == (
        True,
        "alice",
        merge_sha,
        "closed",
    )
    assert [p.number for p in repo.get_commit(merge_sha).get_pulls()] == [n]
    assert repo.get_branch("main").commit.sha == merge_sha
    assert emulator.file_content(REPO, "CHANGELOG.md") == "fixed\n"
    assert [e.event for e in pr.as_issue().get_events()][-2:] == ["merged", "closed"]


def test_merge_can_mirror_a_local_merge_commit(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/m", author="bob")
    local = "ab" * 20  # the sha of a real local repository's HEAD (act's GITHUB_SHA)
    assert emulator.merge_pull(REPO, n, merged_by="alice", sha=local) == local

    repo = client(emulator).get_repo(REPO)
    assert repo.get_pull(n).merge_commit_sha == local
    assert [p.number for p in repo.get_commit(local).get_pulls()] == [n]
    assert repo.get_branch("main").commit.sha == local


def test_setup_mistakes_are_usage_errors(emulator: GitHubEmulator) -> None:
    with pytest.raises(UsageError, match="no repository"):
        emulator.create_pull("acme/nope", title="t", head="h", author="bob")
    with pytest.raises(UsageError, match="refused"):
        emulator.create_pull(REPO, title="t", head="hotfix/x", base="missing", author="bob")

"""PyGithub against the emulator: issues, labels and their events, comments."""

from __future__ import annotations

import pytest
from github import GithubException

from hotfix_ci.testing import GitHubEmulator
from tests.helpers.github import REPO, client


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def test_label_events_name_their_actor(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(
        REPO, title="t", head="hotfix/x", author="bob", labels=["hotfix"], label_actor="bob"
    )
    emulator.add_label(REPO, n, "P1", actor="mallory")
    emulator.remove_label(REPO, n, "P1", actor="mallory")
    emulator.add_label(REPO, n, "P0", actor="alice")

    issue = client(emulator).get_repo(REPO).get_issue(n)
    events = [(e.event, e.actor.login, e.label.name) for e in issue.get_events()]
    assert events == [
        ("labeled", "bob", "hotfix"),
        ("labeled", "mallory", "P1"),
        ("unlabeled", "mallory", "P1"),
        ("labeled", "alice", "P0"),
    ]
    assert [label.name for label in issue.get_labels()] == ["hotfix", "P0"]
    assert issue.pull_request is not None


def test_labels_over_http_record_the_token_user(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/x", author="bob")
    issue = client(emulator).get_repo(REPO).get_issue(n)
    issue.add_to_labels("hotfix", "P2")
    issue.remove_from_labels("P2")
    events = [(e.event, e.actor.login, e.label.name) for e in issue.get_events()]
    assert events == [
        ("labeled", "github-actions[bot]", "hotfix"),
        ("labeled", "github-actions[bot]", "P2"),
        ("unlabeled", "github-actions[bot]", "P2"),
    ]


def test_create_and_edit_comment(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/x", author="bob")
    repo = client(emulator).get_repo(REPO)
    pr = repo.get_pull(n)
    comment = pr.create_issue_comment("<!-- hotfix-ci -->\nverdict: fail")
    comment.edit("<!-- hotfix-ci -->\nverdict: pass")

    listed = list(pr.get_issue_comments())
    assert [(c.id, c.body, c.user.login) for c in listed] == [
        (comment.id, "<!-- hotfix-ci -->\nverdict: pass", "github-actions[bot]")
    ]
    assert emulator.comments(REPO, n)[0]["body"].endswith("verdict: pass")
    assert repo.get_pull(n).comments == 1


def test_create_and_close_issue(emulator: GitHubEmulator) -> None:
    repo = client(emulator).get_repo(REPO)
    issue = repo.create_issue(title="Incident: login down", body="timeline", labels=["incident"])
    issue.edit(state="closed")

    assert [i["title"] for i in emulator.issues(REPO)] == ["Incident: login down"]
    assert emulator.issues(REPO)[0]["state"] == "closed"
    assert [e.event for e in repo.get_issue(issue.number).get_events()] == ["labeled", "closed"]


def test_unknown_issue_is_404(emulator: GitHubEmulator) -> None:
    with pytest.raises(GithubException) as missing:
        client(emulator).get_repo(REPO).get_issue(99)
    assert missing.value.status == 404
    assert missing.value.data["message"] == "Not Found"

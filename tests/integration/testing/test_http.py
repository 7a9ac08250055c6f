"""The emulator's HTTP contract: auth, headers, paging links, permissions, and every fault."""

from __future__ import annotations

import time

import pytest
import requests
from github import GithubException, RateLimitExceededException
from urllib3.util.retry import Retry

from hotfix_ci.testing import Fault, GitHubEmulator
from tests.helpers.github import REPO, client


def get(emulator: GitHubEmulator, path: str, token: str | None = "x") -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(emulator.url + path, headers=headers, timeout=5)


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def test_every_response_carries_github_headers(emulator: GitHubEmulator) -> None:
    first, second = get(emulator, f"/repos/{REPO}"), get(emulator, f"/repos/{REPO}/nothing-here")
    assert first.headers["Content-Type"] == "application/json; charset=utf-8"
    assert first.headers["X-RateLimit-Limit"] == "5000"
    assert first.headers["X-RateLimit-Resource"] == "core"
    assert (
        int(second.headers["X-RateLimit-Remaining"])
        == int(first.headers["X-RateLimit-Remaining"]) - 1
    )
    assert int(second.headers["X-RateLimit-Used"]) == int(first.headers["X-RateLimit-Used"]) + 1
    assert first.headers["X-GitHub-Request-Id"] != second.headers["X-GitHub-Request-Id"]
    assert second.status_code == 404
    assert second.json() == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
    }
    assert first.json()["url"] == f"{emulator.url}/repos/{REPO}"


def test_missing_or_wrong_token_is_bad_credentials() -> None:
    with GitHubEmulator(token="ghs_right") as emulator:
        emulator.create_repo(REPO)
        assert get(emulator, f"/repos/{REPO}", token=None).status_code == 401
        wrong = get(emulator, f"/repos/{REPO}", token="ghs_wrong")
        assert (wrong.status_code, wrong.json()["message"]) == (401, "Bad credentials")
        assert get(emulator, f"/repos/{REPO}", token="ghs_right").status_code == 200


def test_link_header_has_absolute_urls(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(
        REPO,
        title="t",
        head="hotfix/x",
        author="bob",
        files=[{"filename": f"f{i}"} for i in range(250)],
    )
    middle = get(emulator, f"/repos/{REPO}/pulls/{n}/files?per_page=100&page=2")
    base = f"{emulator.url}/repos/{REPO}/pulls/{n}/files"
    assert middle.headers["Link"] == (
        f'<{base}?per_page=100&page=1>; rel="prev", <{base}?per_page=100&page=1>; rel="first", '
        f'<{base}?per_page=100&page=3>; rel="next", <{base}?per_page=100&page=3>; rel="last"'
    )
    assert len(middle.json()) == 100
    last = get(emulator, f"/repos/{REPO}/pulls/{n}/files?per_page=100&page=3")
    assert (len(last.json()), 'rel="next"' in last.headers["Link"]) == (50, False)
    assert "Link" not in get(emulator, f"/repos/{REPO}/pulls/{n}/reviews").headers  # one page


def test_people_and_permissions(emulator: GitHubEmulator) -> None:
    emulator.set_permission(REPO, "alice", "maintain")
    emulator.set_permission(REPO, "tom", "triage")
    emulator.add_team_member("acme", "sre", "carol")
    gh = client(emulator)
    repo = gh.get_repo(REPO)
    assert [repo.get_collaborator_permission(u) for u in ("alice", "tom", "eve")] == [
        "write",
        "read",
        "none",
    ]
    assert get(emulator, "/orgs/acme/teams/sre/memberships/carol").json()["state"] == "active"
    assert get(emulator, "/orgs/acme/teams/sre/memberships/dave").status_code == 404
    emulator.set_token_permissions({"members": "none"})
    denied = get(emulator, "/orgs/acme/teams/sre/memberships/carol")
    assert denied.status_code == 403
    assert denied.headers["X-Accepted-GitHub-Permissions"] == "members=read"
    assert gh.get_user().login == "github-actions[bot]"
    assert gh.get_rate_limit().resources.core.limit == 5000


def test_error_fault_then_recovery_with_bounded_retry(emulator: GitHubEmulator) -> None:
    n = emulator.create_pull(REPO, title="t", head="hotfix/x", author="bob")
    emulator.faults.add(Fault(method="GET", path=r"/pulls/\d+$", status=502, times=2))
    retry = Retry(total=3, status_forcelist=[502], backoff_factor=0, allowed_methods=None)
    assert client(emulator, retry=retry).get_repo(REPO).get_pull(n).number == n
    assert [r.status for r in emulator.requests if r.path.endswith(f"/pulls/{n}")] == [
        502,
        502,
        200,
    ]


def test_error_fault_without_retry_surfaces(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(path=f"^/repos/{REPO}$", status=500))
    with pytest.raises(GithubException) as failed:
        client(emulator).get_repo(REPO)
    assert failed.value.status == 500
    assert client(emulator).get_repo(REPO).full_name == REPO  # times=1: spent


def test_primary_rate_limit_fault(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(kind="rate_limit", reset_in=120))
    with pytest.raises(RateLimitExceededException) as limited:
        client(emulator).get_repo(REPO)
    assert limited.value.status == 403
    assert limited.value.headers["x-ratelimit-remaining"] == "0"
    assert abs(int(limited.value.headers["x-ratelimit-reset"]) - (time.time() + 120)) < 5
    assert limited.value.data["message"].startswith("API rate limit exceeded")


def test_primary_rate_limit_fault_as_429(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(kind="rate_limit", status=429))
    with pytest.raises(GithubException) as limited:
        client(emulator).get_repo(REPO)
    assert (limited.value.status, limited.value.headers["x-ratelimit-remaining"]) == (429, "0")


def test_secondary_rate_limit_fault(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(kind="secondary_rate_limit", retry_after=7))
    with pytest.raises(RateLimitExceededException) as limited:
        client(emulator).get_repo(REPO)
    assert (limited.value.status, limited.value.headers["retry-after"]) == (403, "7")
    assert "secondary rate limit" in limited.value.data["message"]


def test_retry_after_fault(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(kind="retry_after", retry_after=3))
    with pytest.raises(GithubException) as limited:
        client(emulator).get_repo(REPO)
    assert (limited.value.status, limited.value.headers["retry-after"]) == (429, "3")


def test_slow_fault_delays_then_serves(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(kind="slow", delay=0.3))
    started = time.monotonic()
    assert client(emulator).get_repo(REPO).full_name == REPO
    assert time.monotonic() - started >= 0.3


def test_disconnect_fault_drops_the_connection(emulator: GitHubEmulator) -> None:
    emulator.faults.add(Fault(kind="disconnect", times=None, path="/pulls"))
    repo = client(emulator).get_repo(REPO)
    with pytest.raises(requests.exceptions.ConnectionError):
        repo.get_pull(1)
    assert emulator.requests[-1].status == 0
    emulator.faults.clear()
    assert get(emulator, f"/repos/{REPO}").status_code == 200

"""Reads for the record of hotfixes: the hotfix PRs, their comments, a release's time, the
PRs of a commit. Each is one paged list call; callers combine them (``reports.timeline``).

Endpoints, as documented:
- ``GET /repos/{owner}/{repo}/issues?labels=L&state=all&since=T`` lists issues *and* pull
  requests (an item with ``pull_request``, whose ``merged_at`` says if and when it merged),
  newest created first: https://docs.github.com/rest/issues/issues#list-repository-issues
- ``GET /repos/{owner}/{repo}/pulls/{n}`` (the merge commit sha):
  https://docs.github.com/rest/pulls/pulls#get-a-pull-request
- ``GET /repos/{owner}/{repo}/issues/{n}/comments``:
  https://docs.github.com/rest/issues/comments#list-issue-comments
- ``GET /repos/{owner}/{repo}/releases/tags/{tag}``:
  https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name
- ``GET /repos/{owner}/{repo}/commits/{sha}/pulls``:
  https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hotfix_ci.errors import GitHubAPIError
from hotfix_ci.github_api.client import GitHubClient
from hotfix_ci.github_api.rest import get_or_none, pages, repo_url, request


@dataclass(frozen=True, kw_only=True)
class HotfixPull:
    number: int
    title: str
    body: str
    author: str
    html_url: str
    labels: tuple[str, ...]
    state: str
    created_at: str
    merged_at: str | None
    closed_at: str | None
    merge_commit_sha: str | None = None  # only from pulls/get; the issues list has none


@dataclass(frozen=True, kw_only=True)
class IssueComment:
    id: int
    author: str
    body: str
    created_at: str
    updated_at: str


def _login(data: Any) -> str:
    return str(data.get("login") or "") if isinstance(data, Mapping) else ""


def pull_from_item(item: Mapping[str, Any]) -> HotfixPull:
    """An issues-list item or a pulls/get answer as a HotfixPull."""
    marker = item.get("pull_request")
    merged_at = item.get("merged_at")
    if merged_at is None and isinstance(marker, Mapping):
        merged_at = marker.get("merged_at")
    return HotfixPull(
        number=int(item["number"]),
        title=str(item.get("title") or ""),
        body=str(item.get("body") or ""),
        author=_login(item.get("user")),
        html_url=str(item.get("html_url") or ""),
        labels=tuple(str(lb.get("name")) for lb in item.get("labels") or [] if lb),
        state=str(item.get("state") or ""),
        created_at=str(item.get("created_at") or ""),
        merged_at=str(merged_at) if merged_at else None,
        closed_at=str(item["closed_at"]) if item.get("closed_at") else None,
        merge_commit_sha=item.get("merge_commit_sha"),
    )


def hotfix_pulls(client: GitHubClient, label: str, since: str) -> Iterator[HotfixPull]:
    """Pull requests carrying ``label`` opened at or after ``since`` (ISO UTC), newest first:
    100 a page, and no page past the first PR opened before ``since``."""
    params = {"labels": label, "state": "all", "since": since, "sort": "created"}
    with client.call(f"listing the pull requests labelled {label!r}", "issues: read"):
        for item in pages(client, repo_url(client, "issues"), params):
            if str(item.get("created_at") or "") < since:
                return
            if item.get("pull_request"):
                yield pull_from_item(item)


def pull(client: GitHubClient, number: int) -> HotfixPull | None:
    """The pull request, or None when GitHub answers 404 (no such PR, or hidden from us)."""
    with client.call(f"reading pull request #{number}", "pull-requests: read"):
        data = get_or_none(client, repo_url(client, f"pulls/{number}"))
    return None if data is None else pull_from_item(data)


def comments(client: GitHubClient, number: int) -> tuple[IssueComment, ...]:
    with client.call(f"listing the comments of #{number}", "issues: read"):
        return tuple(
            IssueComment(
                id=int(c["id"]),
                author=_login(c.get("user")),
                body=str(c.get("body") or ""),
                created_at=str(c.get("created_at") or ""),
                updated_at=str(c.get("updated_at") or ""),
            )
            for c in pages(client, repo_url(client, f"issues/{number}/comments"))
        )


def release_time(client: GitHubClient, tag: str) -> str | None:
    """When the GitHub Release of ``tag`` was published (None: no release for it)."""
    url = repo_url(client, f"releases/tags/{quote(tag, safe='')}")
    with client.call(f"reading the release of {tag}", "contents: read"):
        data = get_or_none(client, url)
    if not isinstance(data, Mapping):
        return None
    return str(data.get("published_at") or data.get("created_at") or "") or None


def pulls_of_commit(client: GitHubClient, sha: str) -> tuple[int, ...]:
    """The merged PRs a commit belongs to (for Deployments recorded before payloads named
    their PR)."""
    url = repo_url(client, f"commits/{sha}/pulls")
    with client.call(f"listing the pull requests of commit {sha[:12]}", "pull-requests: read"):
        return tuple(int(p["number"]) for p in pages(client, url, max_pages=1))


def authenticated_login(client: GitHubClient) -> str:
    """The token's own login; "" when the token may not read ``/user`` (an installation
    token such as GITHUB_TOKEN answers 403 there)."""
    try:
        with client.call("reading the token's user", "metadata: read"):
            data = get_or_none(client, "/user")
    except GitHubAPIError as exc:
        if exc.status in (401, 403):
            return ""
        raise
    return _login(data)


@dataclass(frozen=True, kw_only=True)
class IssueRef:
    number: int
    html_url: str
    body: str
    author: str


def _issue_ref(data: Mapping[str, Any]) -> IssueRef:
    return IssueRef(
        number=int(data["number"]),
        html_url=str(data.get("html_url") or ""),
        body=str(data.get("body") or ""),
        author=_login(data.get("user")),
    )


def find_marked_issue(
    client: GitHubClient, label: str, marker: str, trusted: Callable[[str], bool]
) -> IssueRef | None:
    """The issue labelled ``label`` whose body holds ``marker``, written by an author
    ``trusted`` accepts (anyone can paste a marker into an issue of their own)."""
    params = {"labels": label, "state": "all"}
    with client.call(f"looking for the {label!r} issue", "issues: read"):
        for item in pages(client, repo_url(client, "issues"), params):
            ref = _issue_ref(item)
            if not item.get("pull_request") and marker in ref.body and trusted(ref.author):
                return ref
    return None


def create_issue(client: GitHubClient, title: str, body: str, labels: list[str]) -> IssueRef:
    with client.call(f"opening issue {title!r}", "issues: write"):
        data = request(
            client,
            "POST",
            repo_url(client, "issues"),
            input={"title": title, "body": body, "labels": labels},
        )
    return _issue_ref(data)


def update_issue_body(client: GitHubClient, number: int, body: str) -> None:
    with client.call(f"updating issue #{number}", "issues: write"):
        request(client, "PATCH", repo_url(client, f"issues/{number}"), input={"body": body})

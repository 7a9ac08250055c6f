"""Raw REST calls through PyGithub's requester: one pager that follows ``Link: rel="next"``
(https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api) and
one read that answers None for 404. Callers wrap them in ``client.call`` for messages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from github import GithubException

from hotfix_ci.github_api.client import GitHubClient

MAX_PAGES = 50  # 5,000 items at 100 a page: beyond any list we read; stops a runaway Link loop


def repo_url(client: GitHubClient, rest: str) -> str:
    return f"/repos/{client.repo_name}/{rest}"


def request(client: GitHubClient, verb: str, url: str, **kwargs: Any) -> Any:
    _, data = client.gh.requester.requestJsonAndCheck(verb, url, **kwargs)
    return data


def get_or_none(client: GitHubClient, url: str, **kwargs: Any) -> Any | None:
    """The JSON of GET ``url``; None when GitHub answers 404 (absent, or hidden from us)."""
    try:
        return request(client, "GET", url, **kwargs)
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise


def pages(
    client: GitHubClient,
    url: str,
    params: Mapping[str, Any] | None = None,
    *,
    per_page: int = 100,
    max_pages: int = MAX_PAGES,
) -> Iterator[Any]:
    """Every item of a list endpoint, page by page, lazily (stop early, pay nothing more)."""
    next_url: str | None = url
    query: dict[str, Any] | None = {"per_page": per_page, **(params or {})}
    for _ in range(max_pages):
        if next_url is None:
            return
        headers, data = client.gh.requester.requestJsonAndCheck("GET", next_url, parameters=query)
        yield from data or []
        next_url, query = next_link(headers), None


def next_link(headers: Mapping[str, Any]) -> str | None:
    link = next((str(v) for k, v in headers.items() if k.lower() == "link"), "")
    for part in link.split(","):
        section = part.split(";")
        if len(section) >= 2 and 'rel="next"' in section[1]:
            return section[0].strip().strip("<>")
    return None


def error_message(exc: GithubException) -> str:
    data = exc.data
    return str(data.get("message") or "") if isinstance(data, Mapping) else str(data or "")

"""Read a repository's setup for ``hotfix-ci doctor``: branch protection, the rules that apply
to a branch, environments, secret names and files on the default branch.

A read the token may not make answers :class:`Hidden` (what it could not see and which
permission would show it) instead of raising: branch protection needs ``administration:
read``, which a workflow's ``GITHUB_TOKEN`` can never have. Other failures raise
``GitHubAPIError`` as everywhere else.

References: https://docs.github.com/rest/branches/branch-protection#get-branch-protection,
https://docs.github.com/rest/repos/rules#get-rules-for-a-branch,
https://docs.github.com/rest/deployments/environments#list-environments,
https://docs.github.com/rest/actions/secrets (list repository, organization and environment
secrets: names and dates, never values), https://docs.github.com/rest/repos/contents.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from github import GithubException

from hotfix_ci.github_api.client import GitHubClient
from hotfix_ci.github_api.errors import translate
from hotfix_ci.github_api.rest import MAX_PAGES, error_message, next_link, repo_url

JSON = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Hidden:
    """GitHub would not show ``what``: the token needs ``permission``."""

    what: str
    permission: str
    status: int
    message: str


@dataclass(frozen=True, kw_only=True)
class Absent:
    """GitHub says ``what`` does not exist (``message`` is its answer)."""

    what: str
    message: str


def _accepted(exc: GithubException) -> str | None:
    for key, value in (exc.headers or {}).items():
        if key.lower() == "x-accepted-github-permissions" and value:
            return str(value).split(",")[0].split(";")[0].strip().replace("=", ": ")
    return None


def _refused(exc: GithubException) -> bool:
    """A 403 that is a permission refusal, not a rate limit (those raise as usual)."""
    headers = {k.lower(): str(v) for k, v in (exc.headers or {}).items()}
    limited = headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers
    return exc.status == 403 and not limited and "rate limit" not in error_message(exc).lower()


def _get(client: GitHubClient, url: str, what: str, permission: str) -> Any:
    """GET ``url``: its JSON, or Hidden on a permission refusal; other errors raise."""
    try:
        _, data = client.gh.requester.requestJsonAndCheck("GET", url)
    except GithubException as exc:
        return _hidden_or_raise(client, exc, what, permission)
    return data


def _hidden_or_raise(
    client: GitHubClient, exc: GithubException, what: str, permission: str
) -> Hidden:
    """A permission refusal as Hidden (naming the permission GitHub asks for); any other
    failure raised as the GitHubAPIError of reading ``what``."""
    if _refused(exc):
        needed = _accepted(exc) or permission
        return Hidden(what=what, permission=needed, status=403, message=error_message(exc))
    raise translate(exc, f"reading {what}", permission, client.conn.api_url) from exc


def _wrapped_list(
    client: GitHubClient, url: str, key: str, what: str, permission: str
) -> list[JSON] | Hidden:
    """Every item of a list GitHub wraps as ``{"total_count": N, key: [...]}``."""
    items: list[JSON] = []
    next_url: str | None = f"{url}?per_page=100"
    for _ in range(MAX_PAGES):
        if next_url is None:
            break
        try:
            headers, data = client.gh.requester.requestJsonAndCheck("GET", next_url)
        except GithubException as exc:
            if exc.status == 404:  # an environment that does not exist has no secrets
                return []
            return _hidden_or_raise(client, exc, what, permission)
        items.extend((data or {}).get(key) or [])
        next_url = next_link(headers)
    return items


def default_branch(client: GitHubClient) -> str:
    data = _get(client, f"/repos/{client.repo_name}", "the repository", "metadata: read")
    if isinstance(data, Hidden):  # metadata: read is always granted; a refusal is a bad token
        return "main"
    return str(data.get("default_branch") or "main")


def branch_protection(client: GitHubClient, branch: str) -> JSON | Absent | Hidden | None:
    """The protection of ``branch``; None when it has none; Absent when the branch is missing."""
    url = repo_url(client, f"branches/{quote(branch, safe='')}/protection")
    what = f"the branch protection of {branch}"
    try:
        _, data = client.gh.requester.requestJsonAndCheck("GET", url)
    except GithubException as exc:
        message = error_message(exc)
        if exc.status == 404 and message == "Branch not protected":
            return None
        if exc.status == 404 and message == "Branch not found":
            return Absent(what=f"branch {branch}", message=message)
        if exc.status == 404 or _refused(exc):
            # Without admin rights GitHub answers 404 on private repositories, 403 elsewhere.
            needed = _accepted(exc) or "administration: read"
            return Hidden(what=what, permission=needed, status=exc.status, message=message)
        needs = "administration: read"
        raise translate(exc, f"reading {what}", needs, client.conn.api_url) from exc
    return dict(data) if isinstance(data, Mapping) else None


def branch_rules(client: GitHubClient, branch: str) -> list[JSON] | Hidden:
    """The active ruleset rules that apply to ``branch``."""
    url = repo_url(client, f"rules/branches/{quote(branch, safe='')}") + "?per_page=100"
    data = _get(client, url, f"the rulesets of {branch}", "metadata: read")
    return data if isinstance(data, Hidden) else list(data or [])  # one page: a few rules


def environments(client: GitHubClient) -> list[JSON] | Hidden:
    url = repo_url(client, "environments")
    return _wrapped_list(client, url, "environments", "the environments", "actions: read")


def secret_names(client: GitHubClient, environment: str | None = None) -> set[str] | Hidden:
    """Names of the repository's secrets, or of one environment's."""
    if environment is None:
        url, what, needs = repo_url(client, "actions/secrets"), "the repository secrets", "secrets"
    else:
        url = repo_url(client, f"environments/{quote(environment, safe='')}/secrets")
        what, needs = f"the secrets of environment {environment}", "environments"
    found = _wrapped_list(client, url, "secrets", what, f"{needs}: read")
    return found if isinstance(found, Hidden) else {str(s["name"]).upper() for s in found}


def organization_secret_names(client: GitHubClient) -> set[str] | Hidden:
    """Names of the organization secrets shared with this repository."""
    url = repo_url(client, "actions/organization-secrets")
    what = "the organization secrets shared with the repository"
    found = _wrapped_list(client, url, "secrets", what, "secrets: read")
    return found if isinstance(found, Hidden) else {str(s["name"]).upper() for s in found}


def file_text(client: GitHubClient, path: str, ref: str) -> str | Hidden | None:
    """The text of ``path`` at ``ref``; None when there is no such file."""
    url = repo_url(client, f"contents/{quote(path)}")
    what = f"{path} on {ref}"
    try:
        _, data = client.gh.requester.requestJsonAndCheck("GET", url, parameters={"ref": ref})
    except GithubException as exc:
        if exc.status == 404:
            return None
        if _refused(exc):
            needed = _accepted(exc) or "contents: read"
            return Hidden(what=what, permission=needed, status=403, message=error_message(exc))
        raise translate(exc, f"reading {what}", "contents: read", client.conn.api_url) from exc
    if not isinstance(data, Mapping) or data.get("type") != "file":
        return None
    try:
        return base64.b64decode(str(data.get("content") or "")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None

"""Every web link hotfix-ci writes (run, pull request, compare), on the right GitHub host.

On GitHub Enterprise Server the runner sets ``GITHUB_SERVER_URL=https://HOST`` and
``GITHUB_API_URL=https://HOST/api/v3``; links must point at HOST, never at github.com. The
server URL is ``GITHUB_SERVER_URL``, else derived from ``GITHUB_API_URL`` (``.../api/v3``
stripped; ``api.github.com`` and ``api.HOST`` lose the ``api.``), else github.com. Links the
API sends (a pull request's ``html_url``, a release's) are used as sent.
https://docs.github.com/actions/reference/workflows-and-actions/variables#default-environment-variables
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

GITHUB_COM = "https://github.com"
GHES_API_SUFFIX = "/api/v3"


def server_url(env: Mapping[str, str]) -> str:
    """The web root of the GitHub that ``env`` points at, without a trailing slash."""
    explicit = (env.get("GITHUB_SERVER_URL") or "").strip().rstrip("/")
    if explicit:
        return explicit
    api = (env.get("GITHUB_API_URL") or "").strip().rstrip("/")
    if not api:
        return GITHUB_COM
    parts = urlsplit(api)
    if not parts.scheme or not parts.netloc:
        return GITHUB_COM
    root = f"{parts.scheme}://{parts.netloc}"
    if parts.path.endswith(GHES_API_SUFFIX):
        return root + parts.path.removesuffix(GHES_API_SUFFIX)
    if parts.netloc.startswith("api.") and not parts.path.strip("/"):
        return f"{parts.scheme}://{parts.netloc.removeprefix('api.')}"
    return GITHUB_COM  # an API URL of no known shape (a proxy, a stand-in) says nothing


def repo_link(server: str, repo: str, *path: str) -> str:
    """``server/owner/name/path...``: a page of the repository."""
    return "/".join([server.rstrip("/"), repo, *path])


def run_url(env: Mapping[str, str], repo: str | None) -> str | None:
    """This workflow run's page, or None outside Actions (no ``GITHUB_RUN_ID``)."""
    run_id = env.get("GITHUB_RUN_ID")
    if not run_id or not repo:
        return None
    return repo_link(server_url(env), repo, "actions", "runs", run_id)


def pull_url(env: Mapping[str, str], repo: str | None, number: int | None) -> str | None:
    if number is None or not repo:
        return None
    return repo_link(server_url(env), repo, "pull", str(number))


def compare_url(server: str, repo: str, base: str, head: str) -> str:
    return repo_link(server, repo, "compare", f"{base}...{head}")

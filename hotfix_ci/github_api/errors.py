"""Turn whatever PyGithub, requests or urllib3 raised into a GitHubAPIError a human can act on."""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import requests
import urllib3.exceptions
from github import GithubException, RateLimitExceededException

from hotfix_ci.errors import GitHubAPIError

_DOCS_PERMISSIONS = "https://docs.github.com/actions/security-guides/automatic-token-authentication"


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, Mapping):
        text = str(data.get("message") or "").strip()
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            details = []
            for item in errors[:3]:
                if isinstance(item, Mapping):
                    details.append(str(item.get("message") or item.get("code") or item))
                else:
                    details.append(str(item))
            text = f"{text} ({'; '.join(details)})" if text else "; ".join(details)
        return text or "no message"
    return str(data or "no message")[:300]


def _header(exc: GithubException, name: str) -> str | None:
    headers = exc.headers or {}
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _reset_text(reset: str | None, now: dt.datetime | None = None) -> str:
    if not reset or not reset.isdigit():
        return "GitHub did not say when it resets"
    when = dt.datetime.fromtimestamp(int(reset), dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    minutes = max(0, round((when - now).total_seconds() / 60))
    return f"it resets at {when:%H:%M:%S} UTC (in {minutes} min)"


def _needed_permission(accepted: str | None, declared: str) -> str:
    """What to ask the user for: the command's own need when GitHub names the same scope
    (a lookup that needs `checks: read` precedes a write that needs `checks: write`)."""
    if not accepted:
        return declared
    first = accepted.split(",")[0].split(";")[0].strip().replace("=", ": ")
    if first.split(":")[0].strip() == declared.split(":", maxsplit=1)[0].strip():
        return declared
    return first


@dataclass(frozen=True, kw_only=True)
class Reach:
    """What a message about a failed request names: where GitHub was asked, how long each
    try waited (the timeout in effect) and how often it was retried, and the repository."""

    api_url: str
    timeout: float | None = None
    retries: int | None = None
    repo: str | None = None


def translate(
    exc: BaseException, operation: str, permission: str, api_url: str | Reach
) -> GitHubAPIError:
    """The GitHubAPIError for ``exc`` raised while doing ``operation``."""
    reach = api_url if isinstance(api_url, Reach) else Reach(api_url=api_url)
    if isinstance(exc, GithubException):
        return _translate_github(exc, operation, permission, reach)
    tries = f", {reach.retries + 1} tries" if reach.retries else ""
    if _timed_out(exc):
        within = f": no answer within {reach.timeout:g} s" if reach.timeout else ""
        raise_it = (
            f"; if GitHub is often this slow from here, raise HOTFIX_CI_HTTP_TIMEOUT (now "
            f"{reach.timeout:g} s, at most 600)"
            if reach.timeout
            else ""
        )
        return GitHubAPIError(
            f"{operation}: timed out: GitHub at {reach.api_url} did not answer in time"
            f"{within}{tries}",
            hint="GitHub may be slow or degraded (https://www.githubstatus.com): re-run the job"
            + raise_it,
            operation=operation,
        )
    if isinstance(exc, (requests.ConnectionError, urllib3.exceptions.HTTPError)):
        what, fix = _connection_failure(exc)
        return GitHubAPIError(
            f"{operation}: {what} (GitHub at {reach.api_url}{tries})",
            hint=fix,
            operation=operation,
        )
    return GitHubAPIError(
        f"{operation}: the request to GitHub failed before a usable "
        f"answer came ({reach.api_url}{tries}): its answer broke off or could not be read",
        hint="GitHub may be degraded (https://www.githubstatus.com): re-run the job; if it "
        "keeps failing, check a proxy between the runner and GitHub",
        operation=operation,
    )


_URL_HINT = "check GITHUB_API_URL (https://api.github.com, or https://HOST/api/v3 on GHES)"


def _connection_failure(exc: BaseException) -> tuple[str, str]:
    """What went wrong with the connection, in words (never the exception's class name)."""
    chain = list(_chain(exc))
    if any(isinstance(e, (socket.gaierror, urllib3.exceptions.NameResolutionError)) for e in chain):
        return (
            "the GitHub host name did not resolve",
            f"{_URL_HINT} and the runner's DNS; re-run the job once the name resolves",
        )
    if any(isinstance(e, ConnectionRefusedError) or "refused" in str(e).lower() for e in chain):
        return (
            "the connection to GitHub was refused: nothing listens there",
            f"{_URL_HINT}, its port and any proxy; re-run the job once GitHub answers",
        )
    if any(isinstance(e, (ssl.SSLError, urllib3.exceptions.SSLError)) for e in chain):
        return (
            "the TLS handshake with GitHub failed: is its certificate trusted?",
            "on GHES with a private CA, point REQUESTS_CA_BUNDLE at the CA certificate; "
            f"else {_URL_HINT}",
        )
    if any(isinstance(e, urllib3.exceptions.ProxyError) for e in chain):
        return (
            "the proxy between the runner and GitHub failed",
            "check HTTPS_PROXY / NO_PROXY on the runner, then re-run the job",
        )
    if any(
        isinstance(e, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
        for e in chain
    ) or any(isinstance(e, urllib3.exceptions.ProtocolError) for e in chain):
        return (
            "GitHub closed the connection without answering",
            "GitHub may be degraded (https://www.githubstatus.com): re-run the job",
        )
    return (
        "could not reach GitHub",
        f"{_URL_HINT} and the network; re-run the job once GitHub answers",
    )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: args, ``reason`` (urllib3), ``__cause__``/``__context__``."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            inner.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                inner.append(linked)
        pending.extend(inner)


def _timed_out(exc: BaseException) -> bool:
    """A read or connect timeout, also when requests wraps it in a ConnectionError once
    urllib3's retries are spent (MaxRetryError whose reason is a ReadTimeoutError). urllib3's
    NewConnectionError (refused, unreachable) subclasses ConnectTimeoutError: not a timeout."""
    return any(_timed_out_once(e) for e in _chain(exc))


def _timed_out_once(exc: BaseException) -> bool:
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return False
    if isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.Timeout):
        return False
    return isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError))


_NO_COMMIT = re.compile(r"No commit found for (?:SHA|the ref):? *(\S*)", re.IGNORECASE)


def _translate_github(
    exc: GithubException, operation: str, permission: str, reach: Reach
) -> GitHubAPIError:
    status = exc.status
    message = _message(exc)
    remaining = _header(exc, "X-RateLimit-Remaining")
    retry_after = _header(exc, "Retry-After")
    low = message.lower()
    if isinstance(exc, RateLimitExceededException) or (
        status in (403, 429) and (remaining == "0" or "rate limit" in low or retry_after)
    ):
        if "secondary" in low or (retry_after and remaining != "0"):
            wait = f"retry after {retry_after}s" if retry_after else "wait a minute"
            return GitHubAPIError(
                f"{operation}: GitHub's secondary rate limit stopped the request "
                f"({status}: {message}).",
                hint=f"too many requests at once; {wait} and re-run the job.",
                status=status,
                operation=operation,
            )
        return GitHubAPIError(
            f"{operation}: the GitHub API rate limit is exhausted ({status}); "
            f"{_reset_text(_header(exc, 'X-RateLimit-Reset'))}.",
            hint="re-run the job after the reset, or use a GitHub App token, "
            "which has a higher limit.",
            status=status,
            operation=operation,
        )
    if status == 401:
        return GitHubAPIError(
            f"{operation}: GitHub rejected the token (401 {message}).",
            hint="the token is missing, expired or revoked: pass `github-token` to the action, "
            "or set GITHUB_TOKEN / --token outside Actions.",
            status=status,
            operation=operation,
        )
    if status == 403:
        needed = _needed_permission(_header(exc, "X-Accepted-GitHub-Permissions"), permission)
        return GitHubAPIError(
            f"{operation}: GitHub refused the request (403 {message}); "
            f"the token needs the `{needed}` permission.",
            hint=f"add `{needed}` under `permissions:` of the job ({_DOCS_PERMISSIONS}); "
            "outside Actions, use a token that has it",
            status=status,
            operation=operation,
        )
    if status == 404:
        return GitHubAPIError(
            f"{operation}: not found (404 {message}).",
            hint="check the repository and number; a token that cannot see a private "
            f"repository also gets 404 (it needs `{permission}`).",
            status=status,
            operation=operation,
        )
    if status is not None and status >= 500:
        return GitHubAPIError(
            f"{operation}: GitHub kept failing ({status} {message}) after bounded retries.",
            hint="GitHub may be degraded (https://www.githubstatus.com); re-run the job.",
            status=status,
            operation=operation,
        )
    missing = _NO_COMMIT.search(message) if status in (404, 422) else None
    if missing is not None:
        sha = missing.group(1).rstrip(".") or "the commit"
        repo = reach.repo or "the repository"
        return GitHubAPIError(
            f"{operation}: commit {sha} is not on GitHub in {repo} ({status} {message})",
            hint=f"the commit was not pushed, or it belongs to another repository: push it "
            f"to {repo} (git push), or pass the sha of a commit GitHub has (--sha; inside "
            "Actions GITHUB_SHA is the run's commit), and check --repo / GITHUB_REPOSITORY, "
            "then re-run",
            status=status,
            operation=operation,
        )
    return GitHubAPIError(
        f"{operation}: GitHub answered {status}: {message}.",
        hint="GitHub refused the request as it was sent: check the values the message names "
        "(a branch, a tag, a sha, a config key), fix them, then re-run the job",
        status=status,
        operation=operation,
    )


@contextmanager
def api_call(operation: str, permission: str, api_url: str | Reach) -> Iterator[None]:
    """Run a block of PyGithub calls, translating its failures."""
    try:
        yield
    except GitHubAPIError:
        raise
    except (GithubException, requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise translate(exc, operation, permission, api_url) from exc

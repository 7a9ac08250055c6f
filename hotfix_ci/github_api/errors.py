"""Turn whatever PyGithub, requests or urllib3 raised into a GitHubAPIError a human can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

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


def translate(exc: BaseException, operation: str, permission: str, api_url: str) -> GitHubAPIError:
    """The GitHubAPIError for ``exc`` raised while doing ``operation``."""
    if isinstance(exc, GithubException):
        return _translate_github(exc, operation, permission)
    if _timed_out(exc):
        return GitHubAPIError(
            f"{operation}: GitHub at {api_url} did not answer in time, after bounded retries.",
            hint="GitHub may be degraded (https://www.githubstatus.com); re-run the job.",
            operation=operation,
        )
    if isinstance(exc, (requests.ConnectionError, urllib3.exceptions.HTTPError)):
        return GitHubAPIError(
            f"{operation}: could not reach GitHub at {api_url} after bounded retries "
            f"({type(exc).__name__}).",
            hint="check GITHUB_API_URL and the network; re-run the job once GitHub answers.",
            operation=operation,
        )
    return GitHubAPIError(
        f"{operation}: unexpected failure talking to GitHub: {exc}", operation=operation
    )


def _timed_out(exc: BaseException) -> bool:
    """A read or connect timeout, also when requests wraps it in a ConnectionError once
    urllib3's retries are spent (MaxRetryError whose reason is a ReadTimeoutError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (requests.Timeout, urllib3.exceptions.TimeoutError)):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException) and _timed_out_once(reason):
            return True
        inner = current.args[0] if current.args else None
        current = inner if isinstance(inner, BaseException) else current.__cause__
    return False


def _timed_out_once(exc: BaseException) -> bool:
    return isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError))


def _translate_github(exc: GithubException, operation: str, permission: str) -> GitHubAPIError:
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
    return GitHubAPIError(
        f"{operation}: GitHub answered {status}: {message}.",
        status=status,
        operation=operation,
    )


@contextmanager
def api_call(operation: str, permission: str, api_url: str) -> Iterator[None]:
    """Run a block of PyGithub calls, translating its failures."""
    try:
        yield
    except GitHubAPIError:
        raise
    except (GithubException, requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise translate(exc, operation, permission, api_url) from exc

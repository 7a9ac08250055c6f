"""Build a PyGithub client with explicit, bounded retries and no client-side throttling."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from github import Auth, Github, GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait
from urllib3.util.retry import Retry

from hotfix_ci.text import number_setting

DEFAULT_API_URL = "https://api.github.com"


@dataclass(frozen=True, kw_only=True)
class Connection:
    """How to reach GitHub. ``token`` is a secret: never log it."""

    api_url: str = DEFAULT_API_URL
    token: str
    timeout: float = 15.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 60.0  # the longest we sleep for a rate-limit reset or Retry-After

    def __repr__(self) -> str:
        return f"Connection(api_url={self.api_url!r}, token=***)"


# HOTFIX_CI_HTTP_* -> (field, default, lowest, highest, whole number, unit). The bounds keep a
# typo from becoming a hang (a timeout of 1e300 s) or a crash (an overflow deep in urllib3).
HTTP_SETTINGS: dict[str, tuple[str, float, float, float, bool, str]] = {
    "HOTFIX_CI_HTTP_TIMEOUT": ("timeout", 15.0, 0.1, 600.0, False, "seconds"),
    "HOTFIX_CI_HTTP_RETRIES": ("retries", 3, 0, 20, True, "retries"),
    "HOTFIX_CI_HTTP_BACKOFF": ("backoff", 0.5, 0.0, 60.0, False, "seconds"),
    "HOTFIX_CI_HTTP_MAX_WAIT": ("max_wait", 60.0, 0.0, 3600.0, False, "seconds"),
}


def connection_from_env(env: Mapping[str, str], *, api_url: str, token: str) -> Connection:
    """The connection, tuned by the ``HOTFIX_CI_HTTP_*`` variables; a value that is not a
    number in its range is a usage error (exit 2) naming the variable, the value and the
    range, before any request is sent."""
    values: dict[str, float] = {}
    for name, (field, default, low, high, whole, unit) in HTTP_SETTINGS.items():
        value = number_setting(env, name, default, low=low, high=high, whole=whole, unit=unit)
        values[field] = value
    return Connection(
        api_url=api_url,
        token=token,
        timeout=values["timeout"],
        retries=int(values["retries"]),
        backoff=values["backoff"],
        max_wait=values["max_wait"],
    )


UNSAFE_WRITES = frozenset({"POST", "PATCH"})


class BoundedRetry(GithubRetry):
    """GithubRetry that never sleeps longer than ``max_wait`` for a Retry-After header.

    GithubRetry already caps the primary rate-limit wait (``max_rate_limit_wait``), but a
    ``Retry-After`` on a 429 or secondary limit goes to urllib3, which sleeps whatever the
    server says: at 3 a.m. we would rather fail with a clear message than hang.
    """

    def sleep_for_retry(self, response: Any = None) -> bool:
        retry_after = self.get_retry_after(response) if response is not None else None
        cap = self.max_rate_limit_wait
        if retry_after is not None and cap is not None and retry_after > cap:
            raise RateLimitExceededExceedsMaxWait(
                response.status,
                {"message": f"Retry-After {retry_after:g}s exceeds the {cap:g}s cap"},
                dict(response.headers),
                wait=retry_after,
            )
        return bool(super().sleep_for_retry(response))

    # A POST or PATCH that reached GitHub may have been applied even when the answer is a
    # 5xx or never arrives: it is never resent here. The caller looks the write up by its
    # marker first (``GitHubClient.write_once``). Rate-limit answers (403/429) are refusals,
    # applied nothing, and are still waited for and retried.
    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() in UNSAFE_WRITES and status_code not in (403, 429):
            return False
        return bool(super().is_retry(method, status_code, has_retry_after))

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        unsafe = bool(method) and str(method).upper() in UNSAFE_WRITES
        if unsafe and error is not None and self._is_read_error(error):
            raise error  # sent, maybe applied: the caller looks before resending
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        reset = _primary_reset(response)
        if reset is None:
            return retry
        # GitHub documents 429 as well as 403 for an exhausted primary limit; GithubRetry only
        # waits for the 403. The same rule here: sleep until X-RateLimit-Reset (plus a
        # second), or fail at once when that is beyond max_wait.
        backoff = max(0.0, reset - time.time()) + 1
        cap = self.max_rate_limit_wait
        if cap is not None and backoff > cap:
            raise RateLimitExceededExceedsMaxWait(
                response.status,
                _body(response, url),
                dict(response.headers),
                wait=backoff,
            )
        wait = max(backoff, retry.get_backoff_time())
        retry.get_backoff_time = lambda: wait  # type: ignore[method-assign]
        return retry


def _primary_reset(response: Any) -> int | None:
    """X-RateLimit-Reset of a 429 primary-limit answer (no Retry-After), else None."""
    if response is None or response.status != 429 or "Retry-After" in response.headers:
        return None
    if response.headers.get("X-RateLimit-Remaining") != "0":
        return None
    value = str(response.headers.get("X-RateLimit-Reset") or "")
    return int(value) if value.isdigit() else None


def _body(response: Any, url: str | None) -> Any:
    try:
        return json.loads(GithubRetry.get_content(response, url or ""))
    except Exception:  # the status and headers still say what happened
        return {"message": "API rate limit exceeded"}


def make_retry(conn: Connection) -> Retry:
    return BoundedRetry(
        total=conn.retries,
        backoff_factor=conn.backoff,
        backoff_max=conn.max_wait,
        secondary_rate_wait=min(60.0, conn.max_wait),
        max_rate_limit_wait=conn.max_wait,
        raise_on_status=False,
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS.union({"GET", "POST", "PATCH"}),
        # GithubRetry's default list (5xx and 403) plus 429: a primary limit may be a 429.
        status_forcelist=[*range(500, 600), 403, 429],
    )


class RequestCounter:
    """Counts HTTP exchanges PyGithub makes (retries included are counted by urllib3, not here)."""

    def __init__(self) -> None:
        self.count = 0

    def wrap(self, raw: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return raw(*args, **kwargs)

        return counted


def quiet_library_loggers() -> None:
    """PyGithub and urllib3 log their retries ("Request GET ... failed with 403", "Setting
    next backoff to 5.01s", "Retrying ...") through Python's last-resort handler onto stderr.
    Our own messages say what failed and what to do, so theirs are dropped."""
    for name in ("github", "urllib3"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def effective_timeout(conn: Connection) -> int:
    """The per-request timeout PyGithub is given (whole seconds, at least one)."""
    return int(max(1, conn.timeout))


def open_github(conn: Connection, counter: RequestCounter | None = None) -> Github:
    quiet_library_loggers()
    gh = Github(
        base_url=conn.api_url.rstrip("/"),
        auth=Auth.Token(conn.token),
        timeout=effective_timeout(conn),
        retry=make_retry(conn),
        per_page=100,
        lazy=True,
        seconds_between_requests=None,
        seconds_between_writes=None,
        user_agent="hotfix-ci",
    )
    if counter is not None:
        requester = gh.requester
        # PyGithub has no request hook; every HTTP exchange goes through this private method.
        raw = requester._Requester__requestRaw  # type: ignore[attr-defined]
        requester._Requester__requestRaw = counter.wrap(raw)  # type: ignore[attr-defined]
    return gh

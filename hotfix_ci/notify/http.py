"""HTTP for the notification channels: bounded retries with backoff, nothing secret in errors.

Retries use tenacity (``Retrying``, ``stop_after_attempt`` | ``stop_after_delay``,
``retry_if_exception``; https://tenacity.readthedocs.io/en/latest/): at most ``attempts``
tries and ``max_time`` seconds in all. Retried: connection errors, timeouts, 5xx, and
429 (Statuspage also answers 420) after the ``Retry-After`` seconds
(https://www.rfc-editor.org/rfc/rfc9110#field.retry-after), never past ``max_time``.
Not retried: any other 4xx, the request itself is wrong.

A read timeout is ambiguous: the service may have posted the message. Chat webhooks have
no way to look a message up, so they are sent again (a duplicate beats a lost alert at
3 a.m.); a caller that can look up what it wrote (Statuspage) passes ``ambiguous_ok=False``
and gets :class:`AmbiguousSend` instead, to look before it writes again.
Sessions ignore proxy variables and ~/.netrc (``trust_env = False``), as providers do.
Messages name the environment variable of the URL, never the URL: it holds the token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import tenacity

from hotfix_ci.errors import HotfixError
from hotfix_ci.text import number_setting

RATE_LIMITED = (420, 429)


class ChannelError(HotfixError):
    """A channel could not deliver; the message says what and the hint what to do."""


class AmbiguousSend(ChannelError):
    """The request may have been applied: look it up before writing again."""


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    attempts: int = 4
    timeout: float = 10.0  # per request
    max_time: float = 30.0  # all attempts and waits of one request together
    backoff: float = 0.5  # first wait; doubles per attempt

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetryPolicy:
        """HOTFIX_CI_NOTIFY_ATTEMPTS / _TIMEOUT / _MAX_TIME / _BACKOFF override the defaults."""
        default = cls()
        return cls(
            attempts=max(
                1, int(number_setting(env, "HOTFIX_CI_NOTIFY_ATTEMPTS", default.attempts))
            ),
            timeout=number_setting(env, "HOTFIX_CI_NOTIFY_TIMEOUT", default.timeout),
            max_time=number_setting(env, "HOTFIX_CI_NOTIFY_MAX_TIME", default.max_time),
            backoff=number_setting(env, "HOTFIX_CI_NOTIFY_BACKOFF", default.backoff),
        )


class _Transient(Exception):
    def __init__(self, response: requests.Response | None, retry_after: float | None) -> None:
        super().__init__("transient")
        self.response = response
        self.retry_after = retry_after


def _retry_after(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None  # an HTTP date, or nothing: use the backoff


class Transport:
    """Sends one channel request with the retry policy; ``sleep`` is replaceable in tests."""

    def __init__(self, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self.sleep = sleep
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers["User-Agent"] = "hotfix-ci"

    def request(
        self, method: str, url: str, *, what: str, ambiguous_ok: bool = True, **kwargs: Any
    ) -> requests.Response:
        """The answer below 500 (and not 429); raises ChannelError once retries are spent.

        ``what`` names the request in messages, e.g. "POST to $SLACK_WEBHOOK_URL".
        """
        policy, started = self.policy, time.monotonic()

        def attempt() -> requests.Response:
            try:
                response = self.session.request(method, url, timeout=policy.timeout, **kwargs)
            except requests.ReadTimeout:
                if not ambiguous_ok:
                    raise AmbiguousSend(f"{what}: no answer in {policy.timeout:g}s") from None
                raise _Transient(None, None) from None
            except (requests.ConnectionError, requests.Timeout):
                raise _Transient(None, None) from None
            if response.status_code >= 500 or response.status_code in RATE_LIMITED:
                raise _Transient(response, _retry_after(response))
            return response

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            planned = policy.backoff * 2 ** (state.attempt_number - 1)
            if isinstance(exc, _Transient) and exc.retry_after is not None:
                planned = exc.retry_after
            left = policy.max_time - (time.monotonic() - started)
            return float(max(0.0, min(planned, left)))

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(policy.attempts)
            | tenacity.stop_after_delay(policy.max_time),
            wait=wait,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Transient as exc:
            raise ChannelError(
                f"{what} failed after {policy.attempts} attempts within "
                f"{policy.max_time:g}s: {_describe(exc.response)}",
                hint="the service may be down or rate limiting; re-run the job, or raise "
                "HOTFIX_CI_NOTIFY_MAX_TIME / HOTFIX_CI_NOTIFY_ATTEMPTS",
            ) from None


def _describe(response: requests.Response | None) -> str:
    if response is None:
        return "no answer (connection failed or timed out)"
    return f"last answer {response.status_code}"


def answer_text(response: requests.Response) -> str:
    """The first line of an error answer, cut short (callers redact it)."""
    lines = response.text.strip().splitlines()
    return lines[0][:200] if lines else response.reason or "no message"


def check(response: requests.Response, what: str, hints: Mapping[int, str]) -> None:
    """Raise ChannelError for a 4xx answer, with the hint for its status code."""
    code = response.status_code
    if code < 400:
        return
    raise ChannelError(
        f"{what} answered {code}: {answer_text(response)}",
        hint=hints.get(code) or hints.get(0) or "check the channel's settings",
    )

"""Fault injection: make chosen requests fail the way GitHub fails.

The rate-limit faults reproduce what GitHub documents for a primary limit (403 or 429 with
``X-RateLimit-Remaining: 0`` and a reset time) and a secondary limit (403 with
``Retry-After`` and the "secondary rate limit" message), see
https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Literal, get_args

from hotfix_ci.errors import UsageError

FaultKind = Literal[
    "error", "rate_limit", "secondary_rate_limit", "retry_after", "slow", "disconnect"
]
DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"


@dataclass
class Fault:
    """Requests matching ``method`` and ``path`` (``re.search``) fail ``times`` times."""

    method: str | None = None
    path: str = ".*"
    status: int = 500
    kind: FaultKind = "error"
    times: int | None = 1  # None: forever
    delay: float = 0.0
    retry_after: int = 1
    reset_in: int = 60
    # True: the request is applied first and *then* failed ("error": its 5xx, "disconnect":
    # no answer, "slow": the answer after ``delay``): GitHub did the write, the client
    # cannot tell.
    apply: bool = False
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in get_args(FaultKind):
            raise UsageError(
                f"unknown fault kind {self.kind!r}",
                hint=f"use one of: {', '.join(get_args(FaultKind))}",
            )
        try:
            self._pattern = re.compile(self.path)
        except re.error as exc:
            raise UsageError(
                f"fault path {self.path!r} is not a valid regular expression: {exc}",
                hint=r"escape literal characters, e.g. r'/pulls/\d+/files'",
            ) from exc

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        return self._pattern.search(path) is not None


@dataclass(frozen=True)
class FaultResponse:
    """What the server sends instead of the real answer (``status == 0``: hang up)."""

    status: int
    headers: dict[str, str]
    body: dict[str, object] | None


class FaultSet:
    """The active faults, consumed first-added first; safe to use from any thread."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """The first matching fault, counting one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


def fault_response(fault: Fault, login: str) -> FaultResponse | None:
    """The response for ``fault``; None for ``slow`` (the caller serves normally)."""
    if fault.kind == "slow":
        return None
    if fault.kind == "disconnect":
        return FaultResponse(0, {}, None)
    if fault.kind == "rate_limit":
        reset = int(time.time()) + fault.reset_in
        message = (
            f"API rate limit exceeded for user ID {login}. If you reach out to GitHub Support "
            "for help, please include the request ID."
        )
        headers = {
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Used": "5000",
            "X-RateLimit-Reset": str(reset),
        }
        status = 429 if fault.status == 429 else 403
        return FaultResponse(status, headers, _error(message, DOCS))
    if fault.kind == "secondary_rate_limit":
        message = (
            "You have exceeded a secondary rate limit. Please wait a few minutes before you "
            "try again. If you reach out to GitHub Support for help, please include the "
            "request ID."
        )
        return FaultResponse(403, {"Retry-After": str(fault.retry_after)}, _error(message, DOCS))
    if fault.kind == "retry_after":
        message = "You have exceeded a secondary rate limit. Please retry your request again later."
        return FaultResponse(429, {"Retry-After": str(fault.retry_after)}, _error(message, DOCS))
    messages = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    message = messages.get(fault.status, f"Emulated failure (HTTP {fault.status})")
    return FaultResponse(fault.status, {}, _error(message, "https://docs.github.com/rest"))


def _error(message: str, documentation_url: str) -> dict[str, object]:
    return {"message": message, "documentation_url": documentation_url}

"""Look before resending: a write that may have been applied is found by its marker first.

A POST or PATCH that reached GitHub may have been applied although the answer was a 5xx,
a dropped connection or a timeout (``connect.BoundedRetry`` therefore never resends one).
``write_once`` retries such a write itself, but only after ``lookup`` (the write's marker:
comment marker, check name + head sha, Deployment run id, tag name, release tag, issue
marker, PR head) says it did not land; "it exists now" is success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hotfix_ci.errors import GitHubAPIError

T = TypeVar("T")

ATTEMPTS = 3


def maybe_applied(exc: GitHubAPIError) -> bool:
    """No answer, a 5xx, or a 422 (a retried write that finds its own earlier copy)."""
    return exc.status is None or exc.status >= 500 or exc.status == 422


def write_once(
    write: Callable[[], T], lookup: Callable[[], T | None] | None, *, attempts: int = ATTEMPTS
) -> T:
    """``write()``; after a failure that may have been applied, ``lookup()`` it and return what
    it finds, else write again (up to ``attempts`` in all). ``lookup`` None: the write is
    idempotent (a PATCH of the same fields) and is simply repeated."""
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except GitHubAPIError as exc:
            if not maybe_applied(exc):
                raise
            if lookup is not None:
                found = lookup()
                if found is not None:
                    return found
            if attempt == attempts or exc.status == 422:
                raise
    raise AssertionError("unreachable")  # pragma: no cover

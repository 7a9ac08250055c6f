"""Fault matching, consumption and the responses each kind produces (no server)."""

from __future__ import annotations

import time

import pytest

from hotfix_ci.errors import UsageError
from hotfix_ci.testing.faults import Fault, FaultSet, fault_response


def test_fault_is_consumed_after_times() -> None:
    faults = FaultSet()
    faults.add(Fault(method="GET", path=r"/pulls/\d+/files", times=2))
    assert faults.take("POST", "/repos/o/r/pulls/1/files") is None
    assert faults.take("GET", "/repos/o/r/pulls/1") is None
    assert faults.take("GET", "/repos/o/r/pulls/1/files") is not None
    assert faults.take("GET", "/repos/o/r/pulls/2/files") is not None
    assert faults.take("GET", "/repos/o/r/pulls/1/files") is None
    assert len(faults) == 0


def test_forever_fault_stays_until_cleared() -> None:
    faults = FaultSet()
    faults.add(Fault(times=None))
    assert all(faults.take("GET", f"/x/{i}") for i in range(5))
    faults.clear()
    assert faults.take("GET", "/x") is None


def test_bad_kind_or_pattern_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown fault kind"):
        Fault(kind="explode")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="not a valid regular expression"):
        Fault(path="(")


def test_rate_limit_response_shapes() -> None:
    primary = fault_response(Fault(kind="rate_limit", reset_in=30), "bot")
    assert primary is not None and primary.status == 403
    assert primary.headers["X-RateLimit-Remaining"] == "0"
    assert int(primary.headers["X-RateLimit-Reset"]) >= int(time.time()) + 29
    assert str(primary.body["message"]).startswith("API rate limit exceeded")  # type: ignore[index]

    secondary = fault_response(Fault(kind="secondary_rate_limit", retry_after=9), "bot")
    assert secondary is not None and (secondary.status, secondary.headers) == (
        403,
        {"Retry-After": "9"},
    )
    assert str(secondary.body["message"]).startswith("You have exceeded a secondary rate limit")  # type: ignore[index]

    assert fault_response(Fault(kind="slow", delay=1), "bot") is None
    dropped = fault_response(Fault(kind="disconnect"), "bot")
    assert dropped is not None and dropped.status == 0
    error = fault_response(Fault(status=503), "bot")
    assert (
        error is not None and error.status == 503 and error.body["message"] == "Service Unavailable"
    )  # type: ignore[index]

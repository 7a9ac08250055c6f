"""Tests that need a real server or tool (Prometheus, sshd, act, GitHub's npm data): where it
is missing they skip with a one-line reason on a developer's machine, and fail where
``HOTFIX_CI_NO_SKIPS`` is set (``.ci/run`` sets it and installs them all)."""

from __future__ import annotations

import os

import pytest

server = pytest.mark.server  # marks a test (or module) that needs one


def require(available: bool, what: str, install: str) -> None:
    """Go on when ``available``; else skip locally or fail in CI, saying how to install it."""
    if available:
        return
    reason = f"{what} is not installed: {install}"
    if os.environ.get("HOTFIX_CI_NO_SKIPS"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)

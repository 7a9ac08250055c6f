"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotfix_ci.testing import GitHubEmulator
from tests.integration.emulator_client import REPO


@pytest.fixture
def emu() -> Iterator[GitHubEmulator]:
    """An emulator holding acme/web; every response must match GitHub's OpenAPI."""
    with GitHubEmulator() as emulator:
        emulator.create_repo(REPO)
        yield emulator
        assert emulator.contract_violations == []

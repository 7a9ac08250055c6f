"""Every provider through the whole journey of the real deploy and rollback commands
(tests/integration/providers/roundtrip.py says which steps)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.providers import heroku, render
from tests.integration.providers import platforms_api, platforms_cli
from tests.integration.providers.roundtrip import STEPS, Platform, run_round_trip

PLATFORMS: dict[str, type[Platform]] = {
    "kubernetes": platforms_cli.KubernetesPlatform,
    "vercel": platforms_cli.VercelPlatform,
    "railway": platforms_api.RailwayPlatform,
    "render": platforms_api.RenderPlatform,
    "fly": platforms_cli.FlyPlatform,
    "heroku": platforms_api.HerokuPlatform,
    "compose-ssh": platforms_cli.ComposeSshPlatform,
    "command": platforms_cli.CommandPlatform,
}


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "RETRY_WAIT", 0.001)
    monkeypatch.setattr(heroku, "RETRY_WAIT", 0.001)


def test_every_builtin_provider_has_a_round_trip() -> None:
    from hotfix_ci.providers.registry import BUILTIN_PROVIDERS

    assert sorted(PLATFORMS) == sorted(BUILTIN_PROVIDERS)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_round_trip(
    name: str, emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    passed = run_round_trip(PLATFORMS[name](), emulator, tmp_path, monkeypatch, capsys)
    assert passed == list(STEPS)

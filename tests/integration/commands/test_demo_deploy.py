"""The demo's deploy stage on its own: healthy deploy, bad deploy, automatic rollback."""

from __future__ import annotations

import io
from pathlib import Path

from hotfix_ci.commands.demo import Demo
from hotfix_ci.commands.demo.deploy_stage import deploy_stage, next_tag
from hotfix_ci.testing import GitHubEmulator


def test_deploy_stage_shows_the_rollback_and_the_history(tmp_path: Path) -> None:
    out = io.StringIO()
    with GitHubEmulator() as emu:
        demo = Demo(emu, out, tmp_path)
        demo.release_tag = "hotfix-v2.0.1"  # type: ignore[attr-defined]
        code = deploy_stage(demo)
        refs = [(d["ref"], d["description"]) for d in reversed(emu.deployments("acme/shop"))]
        assert emu.contract_violations == []
    text = out.getvalue()
    assert code == 0, text
    assert refs == [
        ("hotfix-v2.0.1", "deploy hotfix-v2.0.1 via shop"),
        ("hotfix-v2.0.2", "deploy hotfix-v2.0.2 via shop"),
        ("hotfix-v2.0.1", "automatic rollback of hotfix-v2.0.2 to hotfix-v2.0.1 via shop"),
    ]
    assert "health  FAIL  500" in text and "(exit code 5)" in text
    assert "in_progress -> failure" in text


def test_next_tag_bumps_the_last_number() -> None:
    assert next_tag("hotfix-v1.4.3") == "hotfix-v1.4.4"
    assert next_tag("v2.0.0-hotfix.9") == "v2.0.0-hotfix.10"
    assert next_tag("hotfix") == "hotfix.1"

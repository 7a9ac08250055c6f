"""Issue 10 item 11, the case the audit found untested: a provider CLI that prints its token
on stderr and fails. The token must not reach a public Deployment status (deploy's and
rollback's), the job summary, the outputs, the JSON or stderr."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest

from tests.helpers.cli import REPO
from tests.helpers.deploy import Scene, deployed

GOOD, BAD = "hotfix-v1.4.2", "hotfix-v1.4.4"
FLY_TOKEN = "fo1_" + "leakyFlyToken" * 3
# A stand-in for the provider's CLI on PATH (a short name, so the whole message fits the
# 140 characters of a status description): it prints its token on stderr and fails.
FLY = """#!{python}
import os, sys
sys.stderr.write("auth failed: token " + os.environ["FLY_API_TOKEN"] + " rejected\\n")
sys.exit(1)
"""


def descriptions(scene: Scene) -> list[str]:
    """Every Deployment's description and every status description in the emulator."""
    found = []
    for deployment in scene.emu.deployments(REPO):
        found.append(deployment["description"])
        found += [s["description"] for s in scene.emu.deployment_statuses(REPO, deployment["id"])]
    return found


def leaking(scene: Scene, *commands: str) -> dict[str, str]:
    """The provider's ``commands`` run ``fly``, which prints FLY_API_TOKEN on stderr and
    exits 1; returns the PATH that finds it."""
    folder = scene.tmp / "bin"
    folder.mkdir()
    fly = folder / "fly"
    fly.write_text(FLY.format(python=sys.executable))
    fly.chmod(0o755)
    for command in commands:
        scene.environment["providers"][0]["with"][command] = ["fly", command]
    scene.write_config()
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize(
    ("args", "failing", "code"),
    [
        (["deploy", "-e", "production", "-p", "app", "--ref", BAD], ("deploy",), 5),
        (["deploy", "-e", "production", "-p", "app", "--ref", BAD], ("deploy", "rollback"), 6),
        (["rollback", "-e", "production", "--to", "hotfix-v1.4.1"], ("rollback",), 6),
    ],
    ids=["deploy-rolled-back", "deploy-rollback-failed", "rollback-command"],
)
def test_a_provider_token_on_stderr_reaches_no_status_summary_output_or_json(
    scene: Scene, args: list[str], failing: tuple[str, ...], code: int
) -> None:
    deployed(scene, "hotfix-v1.4.1", GOOD)
    path = leaking(scene, *failing)
    summary, outputs = scene.tmp / "summary.md", scene.tmp / "outputs.txt"
    result = scene.cli(
        [*args, "--format", "json"],
        FLY_API_TOKEN=FLY_TOKEN,
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
        **path,
    )
    assert result.exit_code == code, result.stderr
    statuses = descriptions(scene)
    # The provider's message reaches the public status, with the token redacted.
    assert any("auth failed: token *** rejected" in text for text in statuses), statuses
    document = json.loads(result.stdout)
    assert "auth failed: token *** rejected" in json.dumps(document)
    # The runner's masking request, on stderr, is the one line allowed to carry the value.
    stderr = [line for line in result.stderr.splitlines() if line != f"::add-mask::{FLY_TOKEN}"]
    assert f"::add-mask::{FLY_TOKEN}" in result.stderr.splitlines()
    written: dict[str, Any] = {
        "Deployment statuses": statuses,
        "stdout (JSON)": result.stdout,
        "stderr": stderr,
        "job summary": summary.read_text(),
        "step outputs": outputs.read_text(),
    }
    for where, text in written.items():
        # Before (without redaction in deployments.clip): the status said "token fo1_…".
        assert FLY_TOKEN not in json.dumps(text), where

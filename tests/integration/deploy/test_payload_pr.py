"""The Deployment payload names the hotfix PR of the run, so `log`, `report` and `metrics`
find a Deployment's PR without a request per commit."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.deploy import TAGS, Scene


def test_deploy_of_a_merged_pr_records_its_number(scene: Scene, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "closed", "number": 7, "pull_request": {"number": 7}}))
    result = scene.deploy(TAGS[1], GITHUB_EVENT_NAME="pull_request", GITHUB_EVENT_PATH=str(event))
    assert result.exit_code == 0, result.stderr
    assert scene.payloads()[-1]["pr"] == 7
    log = scene.cli(["log", "--format", "json"])
    assert json.loads(log.stdout)["deployments"][0]["pr"] == 7


def test_deploy_outside_a_pull_request_event_leaves_pr_out(scene: Scene) -> None:
    result = scene.deploy(TAGS[1])
    assert result.exit_code == 0, result.stderr
    assert "pr" not in scene.payloads()[-1]

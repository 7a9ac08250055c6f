"""The Deployment payload names the hotfix PR of the run, so `log`, `report` and `metrics`
find a Deployment's PR without a request per commit."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import REPO
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


def test_log_finds_the_pr_merged_as_the_deployed_commit(scene: Scene) -> None:
    """A payload without ``pr`` (a dispatched or pushed deploy): log asks GitHub for the PR
    merged as exactly the deployed commit; a PR still open there, or one merged as another
    commit, is not it."""
    emu = scene.emu
    emu.create_pull(REPO, title="[HOTFIX] Fix checkout", head="hotfix/checkout", author="bob")
    number = emu.create_pull(REPO, title="[HOTFIX] Fix login", head="hotfix/login", author="bob")
    merge_sha = emu.merge_pull(REPO, number, merged_by="alice")
    emu.add_tag(REPO, "hotfix-v1.4.5", sha=merge_sha)
    for tag in (TAGS[1], "hotfix-v1.4.5"):
        assert scene.deploy(tag).exit_code == 0
    log = scene.cli(["log", "--format", "json"])
    rows = json.loads(log.stdout)["deployments"]
    assert [(row["tag"], row["pr"]) for row in rows] == [
        ("hotfix-v1.4.5", number),
        (TAGS[1], None),
    ]

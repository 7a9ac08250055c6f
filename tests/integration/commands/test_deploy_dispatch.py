"""Issue 11 item 2: the deploy workflow run by hand (workflow_dispatch) with a tag.

The release job (``release --tag``) checks the tag exists and emits its matrix, writing
nothing; the deploy of a tag older than what is live is recorded as a rollback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import SampleService
from tests.helpers.deploy import Scene
from tests.helpers.release import (
    REPO,
    as_json,
    outputs_file,
    read_outputs,
    release,
    write_config,
    writes,
)
from tests.helpers.release import (
    scene as release_scene,
)

GOOD, NEW = "hotfix-v1.4.2", "hotfix-v1.4.3"


@pytest.fixture
def deploys(emulator: Any, tmp_path: Path) -> Iterator[Scene]:
    with SampleService(tmp_path / "state.json") as service:
        yield Scene(emulator, tmp_path, service)


def test_dispatched_deploy_of_an_older_tag_is_a_recorded_rollback(deploys: Scene) -> None:
    for tag in (GOOD, NEW):
        assert deploys.deploy(tag).exit_code == 0
    result = deploys.deploy(GOOD, GITHUB_EVENT_NAME="workflow_dispatch")
    assert result.exit_code == 0, result.stderr
    assert f"the dispatched deploy deploys {GOOD}, older than the live {NEW}" in result.stdout
    assert deploys.payloads()[-1]["rollback_of"] == NEW
    assert deploys.history()[-1][1] == f"rollback of {NEW} to {GOOD} via app"
    # Dispatching a release never deployed before is a plain deploy.
    again = deploys.deploy("hotfix-v1.4.4", GITHUB_EVENT_NAME="workflow_dispatch")
    assert again.exit_code == 0 and "rollback_of" not in deploys.payloads()[-1]


def test_release_tag_emits_the_matrix_and_writes_nothing(emulator: Any, tmp_path: Path) -> None:
    release_scene(emulator)
    write_config(
        tmp_path,
        "deploy:\n  environments:\n    production:\n      providers:\n"
        "        - name: app\n          type: command\n"
        "          with: {deploy: [echo, '{tag}'], rollback: [echo, '{tag}']}\n",
    )
    emulator.clear_requests()
    out = outputs_file(tmp_path)
    res = release(emulator, tmp_path, "", "--tag", "v1.4.2", GITHUB_OUTPUT=str(out))
    data = as_json(res)
    assert (data["released"], data["tag"], data["version"]) == (True, "v1.4.2", "1.4.2")
    assert data["matrix"] == {"include": [{"environment": "production", "provider": "app"}]}
    assert read_outputs(out)["tag"] == "v1.4.2"
    assert writes(emulator) == []


def test_release_tag_that_does_not_exist_exits_2_as_deploy_says_it(deploys: Scene) -> None:
    """The dispatched run checks the tag twice (release --tag, then deploy --ref): one rule,
    one message, the newest tags (not the API's order) and a did-you-mean."""
    for tag in ("hotfix-v1.4.10", "hotfix-v1.4.9"):  # the API lists 1.4.9 before 1.4.10
        deploys.emu.commit(REPO, branch="main", message=f"fix {tag}")
        deploys.emu.add_tag(REPO, tag)
    deploys.emu.clear_requests()
    released = deploys.cli(["release", "--tag", "hotfix-v1.4.01"])
    assert released.exit_code == 2, released.stdout + released.stderr
    assert writes(deploys.emu) == []
    error, hint = released.stderr.splitlines()[:2]
    assert error == (
        f"error: --tag hotfix-v1.4.01: the repository has no such tag ({REPO}); nothing to deploy"
    )
    newest = "hotfix-v1.4.10, hotfix-v1.4.9, hotfix-v1.4.4, hotfix-v1.4.3, hotfix-v1.4.2"
    assert hint == (
        f"  what to do: did you mean 'hotfix-v1.4.1'? existing tags, newest first: {newest} "
        "(and 1 older); pass one of them as --tag; check --repo / GITHUB_REPOSITORY if the tag "
        "lives in another repository"
    )
    deployed = deploys.deploy("hotfix-v1.4.01")
    assert deployed.exit_code == 2
    assert deployed.stderr.splitlines()[1] == hint.replace("--tag", "--ref")


BREAK_GLASS = {"merged_by": "alice", "bypassed_by": "carol", "reason": "outage", "gate": "missing"}


def test_break_glass_release_is_kept_in_the_deployment_payload(deploys: Scene) -> None:
    import json

    result = deploys.deploy(GOOD, "--break-glass", json.dumps(BREAK_GLASS))
    assert result.exit_code == 0, result.stderr
    # The key the `log` command reads: who merged, who bypassed, why.
    assert deploys.payloads()[-1]["break_glass"] == BREAK_GLASS
    assert deploys.deploy(NEW).exit_code == 0
    assert "break_glass" not in deploys.payloads()[-1]


@pytest.mark.parametrize("value", ["{not json", '{"merged_by": "alice"}', "[1]"])
def test_a_bad_break_glass_record_exits_2_before_deploying(deploys: Scene, value: str) -> None:
    result = deploys.deploy(GOOD, "--break-glass", value)
    assert result.exit_code == 2
    assert "--break-glass" in result.stderr and deploys.payloads() == []

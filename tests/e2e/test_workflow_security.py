"""The action and the rendered workflows pass the schema checks and zizmor with no findings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from hotfix_ci.errors import UsageError
from hotfix_ci.workflows import WorkflowSettings, render_all

ROOT = Path(__file__).resolve().parents[2]
ACTION = "hotfix-ci/hotfix-ci@" + "0123456789abcdef" * 2 + "01234567 # v0.1.0"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' installs it")
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("workflows") / ".github" / "workflows"
    out.mkdir(parents=True)
    settings = WorkflowSettings(
        action=ACTION,
        base=("main", "release"),
        secrets=("VERCEL_TOKEN",),
        notify_secrets=("SLACK_WEBHOOK_URL", "HOTFIX_WEBHOOK_SECRET"),
    )
    for name, text in render_all(settings).items():
        (out / name).write_text(text)
    return out


def test_rendered_workflows_are_valid_and_keep_github_expressions(rendered: Path) -> None:
    for path in rendered.iterdir():
        text = path.read_text()
        assert "[[" not in text and "]]" not in text.replace("]]\n", "")
        data = yaml.safe_load(text)
        assert data["permissions"] == {}
        for job in data["jobs"].values():
            assert "permissions" in job
            for step in job.get("steps", []):
                assert "run" not in step  # all work happens in the action
    deploy = yaml.safe_load((rendered / "hotfix-deploy.yml").read_text())
    assert deploy[True]["push"]["branches"] == ["main", "release"]
    assert (
        "${{ fromJSON(needs.release.outputs.matrix) }}"
        in (rendered / "hotfix-deploy.yml").read_text()
    )


# Events whose workflow file GitHub takes from the base / default branch, never from the PR.
BASE_BRANCH_EVENTS = {"pull_request_target", "workflow_run", "merge_group"}


def test_pr_gate_runs_from_the_base_and_never_checks_out_the_pr(rendered: Path) -> None:
    gate = yaml.safe_load((rendered / "hotfix-pr-gate.yml").read_text())
    # pull_request / pull_request_review run the PR's own copy of the workflow: an author
    # could edit the gate that judges them (issue 10 item 2).
    assert set(gate[True]) == BASE_BRANCH_EVENTS
    assert gate[True]["workflow_run"]["workflows"] == ["hotfix-ci review"]
    steps = [s for job in gate["jobs"].values() for s in job["steps"]]
    assert not any("actions/checkout" in s.get("uses", "") for s in steps)
    assert all(s["uses"] == ACTION.split(" ", 1)[0] for s in steps)
    relay = yaml.safe_load((rendered / "hotfix-pr-review.yml").read_text())
    assert relay["name"] == "hotfix-ci review"
    assert [job["permissions"] for job in relay["jobs"].values()] == [{}]
    # Every zizmor suppression says why, on its line.
    for path in rendered.iterdir():
        for line in path.read_text().splitlines():
            if "zizmor: ignore" in line:
                assert " -- " in line.split("zizmor: ignore", 1)[1], line


def test_schema_check(rendered: Path) -> None:
    subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-actions",
            str(ROOT / "action.yml"),
        ],
        check=True,
        capture_output=True,
    )
    for path in rendered.iterdir():
        res = subprocess.run(
            [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert res.returncode == 0, res.stdout + res.stderr


def test_zizmor_has_no_findings(rendered: Path) -> None:
    res = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            str(ROOT / "action.yml"),
            str(rendered),
            str(ROOT / ".github" / "workflows"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings" in res.stdout + res.stderr


def test_action_never_interpolates_into_run() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", "")


def test_unpinned_action_is_refused() -> None:
    with pytest.raises(UsageError, match="not pinned to a full commit SHA"):
        render_all(WorkflowSettings(action="hotfix-ci/hotfix-ci@v1"))

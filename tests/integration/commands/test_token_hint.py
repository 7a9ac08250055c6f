"""The "no GitHub token" hint names the fix that works where the command runs: the action's
input inside the action, the step's ``env:`` in a workflow's ``run:`` step, ``gh auth token``
on a workstation. The action runs only its own commands, so ``doctor``, ``log``, ``report``
and ``metrics`` are never told to pass a token to it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers.cli import run

NO_TOKEN = {"GITHUB_TOKEN": "", "GITHUB_REPOSITORY": "acme/web", "GITHUB_ACTIONS": ""}
LOCAL_COMMANDS = {
    "doctor": ["doctor"],
    "log": ["log"],
    "report": ["report", "--pr", "1"],
    "metrics": ["metrics"],
}


@pytest.mark.parametrize("name", sorted(LOCAL_COMMANDS))
def test_a_local_command_without_a_token_says_how_to_give_it_one(tmp_path: Path, name: str) -> None:
    res = run(LOCAL_COMMANDS[name], NO_TOKEN, tmp_path)
    assert res.exit_code == 2
    assert "error: no GitHub token" in res.stderr
    assert f"`GITHUB_TOKEN=$(gh auth token) hotfix-ci {name} ...`" in res.stderr
    assert f"the action does not run `{name}`" in res.stderr
    assert "`github-token:" not in res.stderr  # the action refuses these commands


def test_in_a_workflow_run_step_the_hint_starts_with_the_steps_env(tmp_path: Path) -> None:
    res = run(["doctor"], {**NO_TOKEN, "GITHUB_ACTIONS": "true"}, tmp_path)
    assert res.exit_code == 2
    hint = res.stderr.split("what to do: ", 1)[1]
    assert hint.startswith("in a workflow (the action does not run `doctor`), in its `run:`")
    assert "give the step `env: GITHUB_TOKEN: ${{ github.token }}`" in hint


def test_an_action_command_run_by_hand_points_at_the_action_in_a_workflow(
    tmp_path: Path,
) -> None:
    res = run(
        ["deploy", "-e", "production", "--provider", "web", "--ref", "v1"], NO_TOKEN, tmp_path
    )
    assert res.exit_code == 2 and "error: no GitHub token" in res.stderr
    assert "`GITHUB_TOKEN=$(gh auth token) hotfix-ci ...`" in res.stderr
    assert "pass the action's `github-token` input" in res.stderr


def test_inside_the_action_the_hint_is_its_github_token_input(tmp_path: Path) -> None:
    from hotfix_ci import action

    env = {
        **NO_TOKEN,
        "GITHUB_ACTIONS": "true",
        "INPUT_COMMAND": "check-pr",
        "INPUT_PR": "7",
    }
    with CliRunner().isolation(env=env) as (_, stderr, _):
        code = action.main()
        sys.stderr.flush()
        text = stderr.getvalue().decode()
    assert code == 2 and "error: no GitHub token" in text
    assert "the action (command: check-pr) got an empty `github-token` input" in text
    assert "leave `github-token` out to use the job's token" in text
    assert "gh auth token" not in text

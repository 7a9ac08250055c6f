"""`hotfix-ci triage` as a user runs it: flags, JSON, and the interactive prompts."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from click.testing import CliRunner

from hotfix_ci.cli import main
from tests.helpers.cli import Result, run


def interactive(argv: list[str], answers: str, cwd: Path) -> Result:
    """The command line with ``answers`` typed at the prompts (click's runner input)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation(input=answers, env={"GITHUB_ACTIONS": ""}) as (out, err, _):
            code = main(argv)
            sys.stdout.flush()
            sys.stderr.flush()
            return Result(code, out.getvalue().decode(), err.getvalue().decode())
    finally:
        os.chdir(old)


def test_flags_print_severity_target_approvals_and_command(tmp_path: Path) -> None:
    result = run(
        ["triage", "--security", "--cause-known", "--description", "Fix token leak"],
        {"GITHUB_ACTIONS": ""},
        tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "severity: P0",
        "decision: hotfix (fix forward)",
        "  - a security vulnerability",
        "  - the root cause is known and isolated: fix forward",
        "target: respond within 15 min; the whole hotfix within 30 min",
        "approvals: 0 before merge, a review after deploy",
        "next: hotfix-ci start 'Fix token leak' --severity P0",
    ]


def test_json_for_scripts(tmp_path: Path) -> None:
    result = run(
        ["triage", "--major", "--environment", "staging", "--format", "json"], {}, tmp_path
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["severity"] == "P1"
    assert data["action"] == "rollback"
    assert data["next_command"] == "gh workflow run hotfix-rollback.yml -f environment=staging"
    assert data["answers"]["cause-known"] is False


def test_no_prompt_with_no_flags_is_not_a_hotfix(tmp_path: Path) -> None:
    result = run(["triage", "--no-prompt", "--format", "json"], {}, tmp_path)
    assert (result.exit_code, json.loads(result.stdout)["action"]) == (0, "regular-release")


def test_interactive_walks_only_the_questions_it_needs(tmp_path: Path) -> None:
    # not down, security, cause known, not several systems -> P0 hotfix
    result = interactive(["triage", "--description", "Fix XSS"], "n\ny\ny\nn\n", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("[y/N]") == 4
    assert "Is major functionality broken" not in result.stderr
    assert "severity: P0" in result.stdout
    assert "next: hotfix-ci start 'Fix XSS' --severity P0" in result.stdout


def test_interactive_under_5_percent(tmp_path: Path) -> None:
    result = interactive(["triage"], "n\nn\nn\nn\ny\n", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "severity: P2" in result.stdout
    assert "not a hotfix" in result.stdout
    assert "Is the root cause known" not in result.stderr


def test_interactive_down_rolls_back(tmp_path: Path) -> None:
    result = interactive(["triage"], "y\ny\nn\n", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "decision: roll back first, then fix" in result.stdout
    assert "next: gh workflow run hotfix-rollback.yml -f environment=production" in result.stdout


def test_no_answer_at_a_prompt_is_interrupted(tmp_path: Path) -> None:
    result = interactive(["triage"], "", tmp_path)
    assert result.exit_code == 130
    assert result.stdout == ""


def test_config_approvals_are_used(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "hotfix.yml").write_text(
        "version: 1\nseverities:\n  P0: {label: P0, approvals: 0, review_after_deploy: true}\n"
        "  P1: {label: P1, approvals: 2}\n"
    )
    result = run(["triage", "--revenue", "--cause-known", "--format", "json"], {}, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["approvals"] == 2


def test_the_response_target_comes_from_the_configs_targets(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "hotfix.yml").write_text(
        "version: 1\ntargets:\n  P0: {respond: 5m, merge: 20m}\n  P1: {deploy: 1h30m, total: 3h}\n"
    )
    p0 = run(["triage", "--down", "--cause-known", "--no-prompt"], {"GITHUB_ACTIONS": ""}, tmp_path)
    assert p0.exit_code == 0, p0.stderr
    assert "target: respond within 5 min; merge within 20 min" in p0.stdout.splitlines()
    p1 = run(["triage", "--revenue", "--cause-known", "--format", "json"], {}, tmp_path)
    target = json.loads(p1.stdout)["response_target"]
    assert target == "deploy within 1 h 30 min; the whole hotfix within 3 h"


def test_a_severity_the_configs_targets_leave_out_says_so(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "hotfix.yml").write_text("version: 1\ntargets:\n  P0: {total: 45m}\n")
    result = run(["triage", "--revenue", "--cause-known", "--format", "json"], {}, tmp_path)
    assert json.loads(result.stdout)["response_target"] == "no target for P1 in `targets:`"


def test_without_a_config_the_seeds_targets_apply(tmp_path: Path) -> None:
    result = run(["triage", "--revenue", "--cause-known", "--format", "json"], {}, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["response_target"] == "deploy within 2 h"

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hotfix_ci.config import load_config
from tests.helpers.cli import run

ACTION = "acme/hotfix-ci@" + "ab" * 20 + " # v0.1.0"


def test_init_writes_valid_config_and_workflows(tmp_path: Path) -> None:
    res = run(["init", "--action", ACTION, "--base", "main", "--base", "release"], {}, tmp_path)
    assert res.exit_code == 0, res.stderr
    cfg = load_config(None, workdir=tmp_path)
    assert cfg.pull_request.base == ("main", "release")
    gate = yaml.safe_load((tmp_path / ".github/workflows/hotfix-pr-gate.yml").read_text())
    # The gate runs from the base branch (pull_request_target) and never checks out the PR.
    assert set(gate[True]) == {"pull_request_target", "workflow_run", "merge_group"}
    [step] = gate["jobs"]["gate"]["steps"]
    assert step["uses"] == ACTION.split(" ", maxsplit=1)[0]
    assert step["with"]["command"] == "check-pr"
    assert "require the 'hotfix-ci / PR gate' check" in res.stdout


def test_init_refuses_to_overwrite_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    assert run(["init", "--action", ACTION], {}, tmp_path).exit_code == 0
    res = run(["init", "--action", ACTION], {}, tmp_path)
    assert res.exit_code == 2 and "--force" in res.stderr
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    res = run(["init", "--action", ACTION, "--dry-run"], {}, fresh)
    assert res.exit_code == 0 and "would write .github/hotfix.yml" in res.stdout
    assert list(fresh.iterdir()) == []


def test_init_refuses_an_unpinned_action(tmp_path: Path) -> None:
    res = run(["init", "--action", "acme/hotfix-ci@v1"], {}, tmp_path)
    assert res.exit_code == 2
    assert "not pinned to a full commit SHA" in res.stderr
    assert not (tmp_path / ".github").exists()


def test_init_defaults_action_to_the_build_record_or_says_how_to_pass_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotfix_ci.build_info as build_info

    monkeypatch.setattr(build_info, "action_reference", lambda: None)
    res = run(["init"], {}, tmp_path)
    assert res.exit_code == 2
    assert "git rev-parse HEAD" in res.stderr
    assert "--action 'OWNER/hotfix-ci@<40-hex commit sha> # vX.Y.Z'" in res.stderr
    recorded = "acme/hotfix-ci@" + "cd" * 20 + " # v9.9.9"
    monkeypatch.setattr(build_info, "action_reference", lambda: recorded)
    assert run(["init"], {}, tmp_path).exit_code == 0
    gate = (tmp_path / ".github/workflows/hotfix-pr-gate.yml").read_text()
    assert "acme/hotfix-ci@" + "cd" * 20 in gate


def test_build_info_reads_the_generated_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hotfix_ci import __version__
    from hotfix_ci.build_info import action_reference

    (tmp_path / "fake_build_info.py").write_text(
        f"REPOSITORY = 'acme/hotfix-ci'\nCOMMIT = '{'e' * 40}'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert action_reference("fake_build_info") == f"acme/hotfix-ci@{'e' * 40} # v{__version__}"
    assert action_reference("no_such_build_info_module") is None


def test_init_provider_writes_placeholders_and_secrets(tmp_path: Path) -> None:
    res = run(
        ["init", "--action", ACTION, "--provider", "vercel", "--provider", "command"], {}, tmp_path
    )
    assert res.exit_code == 0, res.stderr
    config = yaml.safe_load((tmp_path / ".github/hotfix.yml").read_text())
    providers = config["deploy"]["environments"]["production"]["providers"]
    assert [p["type"] for p in providers] == ["vercel", "command"]
    text = (tmp_path / ".github/hotfix.yml").read_text()
    assert "# production_url: <" in text and "# deploy: <required>" in text
    deploy = yaml.safe_load((tmp_path / ".github/workflows/hotfix-deploy.yml").read_text())
    step = deploy["jobs"]["deploy"]["steps"][1]
    assert step["env"] == {"VERCEL_TOKEN": "${{ secrets.VERCEL_TOKEN }}"}
    assert "fill in the provider settings" in res.stdout


def test_init_unknown_provider_suggests(tmp_path: Path) -> None:
    res = run(["init", "--action", ACTION, "--provider", "vercl"], {}, tmp_path)
    assert res.exit_code != 0 and "vercel" in res.stderr
    assert not (tmp_path / ".github").exists()


def test_init_writes_the_pr_template_the_notes_parser_reads(tmp_path: Path) -> None:
    from hotfix_ci.release.notes import SECTIONS, parse_sections

    assert run(["init", "--action", ACTION], {}, tmp_path).exit_code == 0
    body = (tmp_path / ".github/PULL_REQUEST_TEMPLATE/hotfix.md").read_text()
    headings = [line[3:] for line in body.splitlines() if line.startswith("## ")]
    assert headings == list(SECTIONS.values())
    assert "Error rate" in headings and "Deployment notes" in headings
    filled = body.replace("## Error rate\n", "## Error rate\n3% of checkouts fail\n")
    assert parse_sections(filled) == {"error_rate": "3% of checkouts fail"}


def test_init_check_catches_a_one_line_edit(tmp_path: Path) -> None:
    assert run(["init", "--action", ACTION], {}, tmp_path).exit_code == 0
    res = run(["init", "--action", ACTION, "--check"], {}, tmp_path)
    assert res.exit_code == 0 and "matches" in res.stdout
    path = tmp_path / ".github/workflows/hotfix-deploy.yml"
    path.write_text(path.read_text().replace("runs-on: ubuntu-latest", "runs-on: self", 1))
    res = run(["init", "--action", ACTION, "--check"], {}, tmp_path)
    assert res.exit_code == 1
    assert "--- .github/workflows/hotfix-deploy.yml (on disk)" in res.stdout
    assert "-    runs-on: self" in res.stdout and "+    runs-on: ubuntu-latest" in res.stdout
    assert "hotfix-pr-gate.yml" not in res.stdout
    assert path.read_text().count("runs-on: self") == 1  # --check writes nothing


def test_init_force_names_what_it_replaces_and_dry_run_prints_content(tmp_path: Path) -> None:
    assert run(["init", "--action", ACTION], {}, tmp_path).exit_code == 0
    cfg = tmp_path / ".github/hotfix.yml"
    cfg.write_text(cfg.read_text() + "# mine\n")
    res = run(["init", "--action", ACTION, "--force"], {}, tmp_path)
    assert res.exit_code == 0
    assert "replacing .github/hotfix.yml" in res.stdout
    assert "unchanged .github/workflows/hotfix-pr-gate.yml" in res.stdout
    res = run(["init", "--action", ACTION, "--dry-run"], {}, tmp_path / "..")
    assert "name: hotfix-deploy" in res.stdout and "## Rollback plan" in res.stdout


def test_deploy_workflow_concurrency_per_environment_and_provider_and_summary() -> None:
    from hotfix_ci.workflows import WorkflowSettings, render_all

    rendered = render_all(WorkflowSettings(action=ACTION))
    deploy = yaml.safe_load(rendered["hotfix-deploy.yml"])
    rollback = yaml.safe_load(rendered["hotfix-rollback.yml"])
    # GitHub keeps one pending job per group and cancels the one before: a group per
    # environment would cancel the third provider of a matrix. One group per environment and
    # provider, and the rollback workflow runs one job per provider in that same group.
    group = "hotfix-deploy/${{ matrix.environment }}/${{ matrix.provider }}"
    assert "concurrency" not in deploy and "concurrency" not in rollback
    assert deploy["jobs"]["deploy"]["concurrency"] == {"group": group, "cancel-in-progress": False}
    job = rollback["jobs"]["rollback"]
    assert job["concurrency"] == {"group": group, "cancel-in-progress": False}
    assert job["needs"] == "plan" and job["environment"] == "${{ matrix.environment }}"
    assert job["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert job["steps"][1]["with"]["provider"] == "${{ matrix.provider }}"
    plan = rollback["jobs"]["plan"]
    assert plan["permissions"] == {"contents": "read"}
    assert plan["steps"][1]["with"] == {
        "command": "matrix",
        "environment": "${{ inputs.environment }}",
        "provider": "${{ inputs.provider }}",
    }
    summary = deploy["jobs"]["summary"]
    assert summary["if"] == "always()" and summary["needs"] == ["release", "deploy"]
    checkout, step = summary["steps"]
    assert checkout["with"] == {"persist-credentials": False}  # the config, for notify
    assert step["uses"] == ACTION.split(" ", maxsplit=1)[0]
    assert step["with"] == {"command": "summary", "jobs": "${{ toJSON(needs) }}"}
    # The summary job posts the run's outcome once; the deploy jobs know it from this.
    assert deploy["env"] == {"HOTFIX_NOTIFY_OUTCOME": "summary"}
    assert summary["permissions"] == {
        "contents": "read",
        "deployments": "read",
        "pull-requests": "write",
    }


NOTIFY_CONFIG = """version: 1
notify:
  channels:
    - {name: team, type: slack, url_env: SLACK_WEBHOOK_URL}
    - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET}
    - {name: status, type: statuspage, page_env: SP_PAGE, key_env: SP_KEY, component: api}
    - {name: pr, type: github}
"""


def test_init_passes_the_notify_channels_variables_to_every_job_that_notifies(
    tmp_path: Path,
) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text(NOTIFY_CONFIG)
    res = run(["init", "--action", ACTION, "--provider", "vercel", "--force"], {}, tmp_path)
    assert res.exit_code == 0, res.stderr
    names = ["SLACK_WEBHOOK_URL", "HOOK_URL", "HOOK_SECRET", "SP_PAGE", "SP_KEY"]
    notify = {name: f"${{{{ secrets.{name} }}}}" for name in names}
    flows = tmp_path / ".github/workflows"
    deploy = yaml.safe_load((flows / "hotfix-deploy.yml").read_text())["jobs"]
    rollback = yaml.safe_load((flows / "hotfix-rollback.yml").read_text())["jobs"]
    assert deploy["release"]["steps"][1]["env"] == notify
    assert deploy["deploy"]["steps"][1]["env"] == {
        "VERCEL_TOKEN": "${{ secrets.VERCEL_TOKEN }}",
        **notify,
    }
    assert deploy["summary"]["steps"][1]["env"] == notify
    assert rollback["rollback"]["steps"][1]["env"] == {
        "VERCEL_TOKEN": "${{ secrets.VERCEL_TOKEN }}",
        **notify,
    }
    assert "env" not in rollback["plan"]["steps"][1]  # the matrix needs no secret


def test_init_check_sees_a_notify_channel_added_to_the_config(tmp_path: Path) -> None:
    assert run(["init", "--action", ACTION], {}, tmp_path).exit_code == 0
    deploy = yaml.safe_load((tmp_path / ".github/workflows/hotfix-deploy.yml").read_text())
    assert "env" not in deploy["jobs"]["release"]["steps"][1]  # no channels: no env
    (tmp_path / ".github/hotfix.yml").write_text(NOTIFY_CONFIG)
    res = run(["init", "--action", ACTION, "--check"], {}, tmp_path)
    assert res.exit_code == 1
    assert "+          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}" in res.stdout

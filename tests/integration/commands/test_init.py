from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hotfix_ci.config import load_config
from hotfix_ci.providers.registry import BUILTIN_PROVIDERS
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
    assert "# production_url: <instead of project>" in text and "# rollback_url: <" not in text
    assert providers[0]["with"] == {"project": "fill-in"}
    assert providers[1]["with"] == {"deploy": ["fill-in"], "rollback": ["fill-in"]}
    deploy = yaml.safe_load((tmp_path / ".github/workflows/hotfix-deploy.yml").read_text())
    step = deploy["jobs"]["deploy"]["steps"][1]
    assert step["env"] == {"VERCEL_TOKEN": "${{ secrets.VERCEL_TOKEN }}"}
    assert "replace each `fill-in`" in res.stdout


@pytest.mark.parametrize("provider", sorted(BUILTIN_PROVIDERS))
def test_init_provider_config_validates_and_deploy_refuses_the_placeholders(
    tmp_path: Path, provider: str
) -> None:
    """What init writes must pass the real loader (the PR gate and every command load it),
    and deploy must refuse it until the placeholders are filled in."""
    assert run(["init", "--action", ACTION, "--provider", provider], {}, tmp_path).exit_code == 0
    res = run(["config", "validate"], {}, tmp_path)
    assert res.exit_code == 0, res.stdout + res.stderr
    assert ".github/hotfix.yml: valid" in res.stdout
    env = {
        "GITHUB_TOKEN": "ghs_" + "t3st" * 10,
        "GITHUB_REPOSITORY": "acme/web",
        "GITHUB_API_URL": "http://127.0.0.1:9",  # nothing listens: any API call is exit 4
        "GITHUB_ACTIONS": "",
    }
    deploy = ["deploy", "-e", "production", "--provider", provider, "--ref", "hotfix-v1.0.1"]
    res = run(deploy, env, tmp_path)
    assert res.exit_code == 2, res.stderr
    written = yaml.safe_load((tmp_path / ".github/hotfix.yml").read_text())
    [entry] = written["deploy"]["environments"]["production"]["providers"]
    keys = {"fill-in": "{}", "['fill-in']": "{}[0]"}  # a list setting: its first item
    unfilled = ", ".join(keys[str(v)].format(k) for k, v in entry["with"].items() if str(v) in keys)
    assert unfilled, entry  # every built-in provider needs at least one setting
    assert f"providers[0].with: {unfilled} still say 'fill-in'" in res.stderr
    assert f"what to do: fill in {unfilled} of the {provider} provider" in res.stderr
    assert "nothing was deployed" in res.stderr
    # Filled in, the same provider gets past the check (and fails later, for other reasons).
    config = tmp_path / ".github/hotfix.yml"
    config.write_text(config.read_text().replace("fill-in", "filled"))
    assert "fill-in" not in run(deploy, env, tmp_path).stderr


def test_init_check_and_force_render_from_the_config_on_disk(tmp_path: Path) -> None:
    flags = ["init", "--action", ACTION, "--provider", "fly", "--base", "release"]
    assert run(flags, {}, tmp_path).exit_code == 0
    config = (tmp_path / ".github/hotfix.yml").read_text()
    res = run(["init", "--action", ACTION, "--check"], {}, tmp_path)
    assert res.exit_code == 0, res.stdout
    assert "every rendered file matches" in res.stdout
    res = run(["init", "--action", ACTION, "--check", "--base", "main"], {}, tmp_path)
    assert res.exit_code == 0 and "--check renders from .github/hotfix.yml" in res.stderr
    path = tmp_path / ".github/workflows/hotfix-deploy.yml"
    secret = "          FLY_API_TOKEN: ${{ secrets.FLY_API_TOKEN }}\n"
    assert secret in path.read_text()
    path.write_text(path.read_text().replace(secret, "", 1))
    res = run(["init", "--action", ACTION, "--check"], {}, tmp_path)
    assert res.exit_code == 1
    assert "--- .github/workflows/hotfix-deploy.yml (on disk)" in res.stdout
    assert "+" + secret in res.stdout
    assert "from .github/hotfix.yml; run `hotfix-ci init --force`" in res.stdout
    # What --check suggests puts the secret back and keeps the config with its provider.
    res = run(["init", "--action", ACTION, "--force"], {}, tmp_path)
    assert res.exit_code == 0 and "unchanged .github/hotfix.yml" in res.stdout
    assert "on release in the branch protection" in res.stdout
    assert secret in path.read_text()
    assert (tmp_path / ".github/hotfix.yml").read_text() == config
    assert run(["init", "--action", ACTION, "--check"], {}, tmp_path).exit_code == 0


def test_init_refuses_the_readme_placeholder_saying_where_the_commit_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotfix_ci.build_info as build_info
    from hotfix_ci import __version__

    monkeypatch.setattr(build_info, "action_reference", lambda: None)
    readme = "OWNER/hotfix-ci@<40-hex commit sha> # vX.Y.Z"
    res = run(["init", "--action", readme], {}, tmp_path)
    assert res.exit_code == 2 and "still the README's placeholder" in res.stderr
    assert "use OWNER/REPO@<40-hex commit sha>" not in res.stderr
    assert "https://github.com/OWNER/hotfix-ci/releases" in res.stderr
    tag = f"v{__version__}"
    assert f"`git ls-remote https://github.com/OWNER/hotfix-ci refs/tags/{tag}`" in res.stderr
    # Half filled in: the repository and release it names are used.
    env = {"GITHUB_SERVER_URL": "https://ghe.example.com"}
    res = run(["init", "--action", "acme/hotfix-ci@<40-hex commit sha> # v1.2.0"], env, tmp_path)
    assert res.exit_code == 2 and "still the README's placeholder" in res.stderr
    assert "git ls-remote https://ghe.example.com/acme/hotfix-ci refs/tags/v1.2.0" in res.stderr
    # A tag instead of a commit: where that tag's commit is.
    res = run(["init", "--action", "acme/hotfix-ci@v1.2.0"], {}, tmp_path)
    assert res.exit_code == 2 and "not pinned to a full commit SHA" in res.stderr
    assert "https://github.com/acme/hotfix-ci/releases" in res.stderr
    assert "--action 'acme/hotfix-ci@<that 40-hex sha> # v1.2.0'" in res.stderr
    # With a build record the hint is the exact flag.
    recorded = "acme/hotfix-ci@" + "cd" * 20 + " # v9.9.9"
    monkeypatch.setattr(build_info, "action_reference", lambda: recorded)
    res = run(["init", "--action", readme], {}, tmp_path)
    assert res.exit_code == 2 and f"pass --action '{recorded}'" in res.stderr
    assert not (tmp_path / ".github").exists()


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
    deploy = tmp_path / ".github/workflows/hotfix-deploy.yml"
    deploy.write_text(deploy.read_text() + "# edited\n")
    # No --base/--provider: the workflows are rendered from the config, which is kept.
    res = run(["init", "--action", ACTION, "--force"], {}, tmp_path)
    assert res.exit_code == 0
    assert "replacing .github/workflows/hotfix-deploy.yml" in res.stdout
    assert "unchanged .github/workflows/hotfix-pr-gate.yml" in res.stdout
    assert "unchanged .github/hotfix.yml" in res.stdout and "# mine" in cfg.read_text()
    # Flags ask for a new config: --force replaces the customised one and says so.
    res = run(["init", "--action", ACTION, "--base", "main", "--force"], {}, tmp_path)
    assert res.exit_code == 0
    assert "replacing .github/hotfix.yml" in res.stdout and "# mine" not in cfg.read_text()
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
    assert run(["init", "--action", ACTION, "--provider", "vercel"], {}, tmp_path).exit_code == 0
    config = tmp_path / ".github/hotfix.yml"
    config.write_text(config.read_text() + NOTIFY_CONFIG.removeprefix("version: 1\n"))
    # re-rendered from the config on disk: its provider's and its channels' secrets
    res = run(["init", "--action", ACTION, "--force"], {}, tmp_path)
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

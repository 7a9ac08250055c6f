"""hotfix-ci doctor end to end: the CLI, PyGithub over HTTP, the emulator's seeded settings.

Every test starts from a clean setup (exit 0) and breaks one thing, then asserts the finding's
text, its fix and the exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.reports.pr_gate import CHECK_NAME
from hotfix_ci.workflows import WorkflowSettings, render_all
from tests.helpers.cli import REPO, Result, base_env, run

ACTION_SHA = "1" * 40
ACTION = f"acme/hotfix-ci@{ACTION_SHA} # v1.2.0"
CONFIG = """\
version: 1
pull_request:
  base: [main]
deploy:
  environments:
    production:
      providers:
        - name: web
          type: vercel
          with: {production_url: shop.example.com}
    staging:
      providers:
        - name: api
          type: command
          with: {deploy: [./deploy.sh], current: [./current.sh], rollback: [./rollback.sh]}
notify:
  channels:
    - {name: team, type: slack, url_env: SLACK_WEBHOOK_URL}
    - {name: pr, type: github}
"""


def workflows(**replace: str) -> dict[str, str | None]:
    # as `hotfix-ci init --provider vercel` renders them for CONFIG (its notify variable too)
    settings = WorkflowSettings(
        action=ACTION, secrets=("VERCEL_TOKEN",), notify_secrets=("SLACK_WEBHOOK_URL",)
    )
    rendered = render_all(settings)
    files: dict[str, str | None] = {f".github/workflows/{k}": v for k, v in rendered.items()}
    for name, text in replace.items():
        files[f".github/workflows/{name}"] = text
    return files


def clean_setup(emu: Any) -> None:
    emu.create_repo(REPO)
    emu.commit(
        REPO,
        branch="main",
        message="hotfix-ci setup",
        files={".github/hotfix.yml": CONFIG, **workflows()},
    )
    emu.protect_branch(REPO, "main", required_checks=["build", CHECK_NAME])
    emu.create_environment(REPO, "production", reviewers=["alice"], branch_policy="protected")
    emu.create_environment(REPO, "staging")
    emu.add_secret(REPO, "VERCEL_TOKEN", environment="production")
    emu.add_secret(REPO, "SLACK_WEBHOOK_URL")


def doctor(emu: Any, tmp_path: Path, *extra: str) -> Result:
    return run(["doctor", "--format", "json", *extra], base_env(emu, tmp_path), tmp_path)


def findings(result: Result, check: str) -> list[dict[str, Any]]:
    return [f for f in result.json["findings"] if f["check"] == check]


@pytest.fixture
def emu(emulator: Any) -> Any:
    clean_setup(emulator)
    return emulator


def test_clean_setup_passes_every_check(emu: Any, tmp_path: Path) -> None:
    res = doctor(emu, tmp_path)
    assert res.exit_code == 0, res.stdout + res.stderr
    data = res.json
    assert set(data) == {"repository", "default_branch", "config", "ok", "checks", "findings"}
    assert data["ok"] is True and data["findings"] == []
    assert data["config"] == ".github/hotfix.yml on main"
    assert [c["name"] for c in data["checks"]] == [
        "config",
        "gate-required",
        "environments",
        "secrets",
        "workflow-permissions",
        "action-pinned",
    ]
    assert {c["status"] for c in data["checks"]} == {"ok"}
    text = run(["doctor"], base_env(emu, tmp_path), tmp_path)
    assert text.exit_code == 0
    assert "All checks passed" in text.stdout
    assert f"hotfix-ci doctor: {REPO} (default branch main" in text.stdout


def test_gate_not_required_by_protection_or_ruleset(emu: Any, tmp_path: Path) -> None:
    emu.protect_branch(REPO, "main", required_checks=["build", "PR gate"])
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "gate-required")
    assert found["level"] == "problem"
    assert found["message"].startswith(
        f'merging into main does not require the "{CHECK_NAME}" check'
    )
    assert f'add "{CHECK_NAME}"' in found["fix"] and "Rulesets" in found["fix"]
    assert found["where"] == "branch main"


def test_unprotected_branch_passes_through_an_active_ruleset(emu: Any, tmp_path: Path) -> None:
    emu._store.repo(REPO).protection.clear()
    emu.add_ruleset(REPO, "evaluate only", required_checks=[CHECK_NAME], enforcement="evaluate")
    assert findings(doctor(emu, tmp_path), "gate-required") != []  # evaluate mode enforces nothing
    emu.add_ruleset(REPO, "hotfix gate", branches=["refs/heads/main"], required_checks=[CHECK_NAME])
    res = doctor(emu, tmp_path)
    assert res.exit_code == 0, res.json["findings"]


def test_branch_protection_hidden_from_the_token(emu: Any, tmp_path: Path) -> None:
    emu.set_token_permissions({"administration": "none"})
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "gate-required")
    assert found["level"] == "unverified"
    assert "the token cannot read the branch protection of main (403" in found["message"]
    assert "`administration: read`" in found["fix"]
    assert "GITHUB_TOKEN can never have it" in found["fix"]
    statuses = {c["name"]: c["status"] for c in res.json["checks"]}
    assert statuses["gate-required"] == "unverified"
    # a ruleset the token can read settles it without branch protection
    emu.add_ruleset(REPO, "hotfix gate", required_checks=[CHECK_NAME])
    assert doctor(emu, tmp_path).exit_code == 0


def test_missing_base_branch(emu: Any, tmp_path: Path) -> None:
    config = CONFIG.replace("base: [main]", "base: [main, release]")
    emu.commit(REPO, branch="main", message="two bases", files={".github/hotfix.yml": config})
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "gate-required")
    assert "pull_request.base names release, which does not exist on GitHub" in found["message"]


def test_environment_missing_on_github(emu: Any, tmp_path: Path) -> None:
    del emu._store.repo(REPO).environments["staging"]
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "environments")
    assert found["message"] == (
        'environment "staging" does not exist on GitHub: the first deploy creates it with no '
        "protection rules and no secrets"
    )
    assert found["fix"].startswith('Settings → Environments → New environment "staging"')
    assert found["where"] == "deploy.environments.staging"


def test_production_without_reviewers_or_branch_policy(emu: Any, tmp_path: Path) -> None:
    emu.create_environment(REPO, "production")
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    messages = [f["message"] for f in findings(res, "environments")]
    assert messages == [
        'environment "production" has no required reviewers: a deploy to it starts without '
        "anyone approving it",
        'environment "production" has no deployment branch policy: a workflow on any branch can '
        "deploy to it and read its secrets",
    ]
    assert findings(res, "secrets") == []  # its secrets were kept


def test_provider_secret_missing(emu: Any, tmp_path: Path) -> None:
    del emu._store.repo(REPO).environments["production"]["secrets"]["VERCEL_TOKEN"]
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "secrets")
    assert found["message"].startswith("secret VERCEL_TOKEN is missing: it is in neither ")
    assert "environment production's secrets" in found["message"]
    assert found["fix"].startswith(f"`gh secret set VERCEL_TOKEN --repo {REPO} --env production`")
    assert found["where"] == "deploy.environments.production.providers.web (vercel)"
    # an organization secret shared with the repository is as good
    emu.add_secret(REPO, "vercel_token", organization=True)
    assert doctor(emu, tmp_path).exit_code == 0


def test_notification_secret_missing(emu: Any, tmp_path: Path) -> None:
    emu._store.repo(REPO).secrets.clear()
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "secrets")
    assert found["message"].startswith("secret SLACK_WEBHOOK_URL is missing")
    assert found["where"] == "notify.channels.team.url_env"
    assert f"gh secret set SLACK_WEBHOOK_URL --repo {REPO}`" in found["fix"]


def test_a_notify_variable_the_workflow_steps_do_not_pass(emu: Any, tmp_path: Path) -> None:
    # the deploy workflow of an init run before the Slack channel was added to the config
    bare = render_all(WorkflowSettings(action=ACTION, secrets=("VERCEL_TOKEN",)))
    emu.commit(
        REPO,
        branch="main",
        message="older workflow",
        files={".github/workflows/hotfix-deploy.yml": bare["hotfix-deploy.yml"]},
    )
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    found = findings(res, "secrets")
    path = ".github/workflows/hotfix-deploy.yml"
    assert [f["where"] for f in found] == [
        f"{path}: jobs.release.steps[1]",
        f"{path}: jobs.deploy.steps[1]",
        f"{path}: jobs.summary.steps[1]",
    ]
    assert "does not pass SLACK_WEBHOOK_URL (named by notify.channels)" in found[0]["message"]
    assert "SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}" in found[2]["fix"]
    assert "`summary` step" in found[2]["message"]


def test_secrets_hidden_from_the_token(emu: Any, tmp_path: Path) -> None:
    emu.set_token_permissions({"secrets": "none"})
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    found = findings(res, "secrets")
    # VERCEL_TOKEN is seen in the environment's secrets; SLACK_WEBHOOK_URL cannot be told
    assert {f["level"] for f in found} == {"unverified"}
    assert all("SLACK_WEBHOOK_URL" in f["message"] for f in found)
    assert not any("VERCEL_TOKEN" in f["message"] for f in found)
    assert {f["fix"].split("`")[1] for f in found} == {"secrets: read"}


def test_job_permissions_wider_than_needed(emu: Any, tmp_path: Path) -> None:
    deploy = workflows()[".github/workflows/hotfix-deploy.yml"]
    assert deploy is not None
    wide = deploy.replace(
        "      contents: read\n      deployments: write\n",
        "      contents: write\n      deployments: write\n      id-token: write\n",
        1,
    )
    assert wide != deploy
    emu.commit(REPO, branch="main", message="wider", files=workflows(**{"hotfix-deploy.yml": wide}))
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "workflow-permissions")
    assert found["message"] == (
        "job deploy grants {contents: write, id-token: write}, more than it needs "
        "({contents: read, deployments: write}): a compromised step could use it"
    )
    assert found["where"] == ".github/workflows/hotfix-deploy.yml: jobs.deploy"


def test_job_without_permissions_and_job_lacking_one(emu: Any, tmp_path: Path) -> None:
    gate = workflows()[".github/workflows/hotfix-pr-gate.yml"]
    assert gate is not None
    narrow = gate.replace("      checks: write          # the", "      checks: read          # the")
    rollback = workflows()[".github/workflows/hotfix-rollback.yml"]
    assert rollback is not None
    bare = rollback.replace("permissions: {}\n", "").replace(
        "    permissions:\n      contents: read\n      deployments: write\n", ""
    )
    files = workflows(**{"hotfix-pr-gate.yml": narrow, "hotfix-rollback.yml": bare})
    emu.commit(REPO, branch="main", message="edits", files=files)
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    messages = [f["message"] for f in findings(res, "workflow-permissions")]
    assert messages == [
        "job gate lacks {checks: write}: its hotfix-ci command fails with 403",
        "job rollback declares no permissions: it gets the repository's default token, "
        "read-write on older repositories",
    ]


def test_workflow_missing_on_default_branch(emu: Any, tmp_path: Path) -> None:
    files = {".github/workflows/hotfix-rollback.yml": None}
    emu.commit(REPO, branch="main", message="drop", files=files)
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "workflow-permissions")
    assert found["message"].startswith(
        ".github/workflows/hotfix-rollback.yml is not on the default branch"
    )
    assert "hotfix-ci init" in found["fix"]


def test_action_referenced_by_tag(emu: Any, tmp_path: Path) -> None:
    gate = workflows()[".github/workflows/hotfix-pr-gate.yml"]
    assert gate is not None
    tagged = gate.replace(f"acme/hotfix-ci@{ACTION_SHA}", "acme/hotfix-ci@v1")
    files = workflows(**{"hotfix-pr-gate.yml": tagged})
    emu.commit(REPO, branch="main", message="tag", files=files)
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "action-pinned")
    assert found["message"].startswith(
        "the hotfix-ci action acme/hotfix-ci is referenced by 'v1', not by commit SHA"
    )
    assert found["fix"].startswith("pin it: `uses: acme/hotfix-ci@<40-hex commit sha> # v1`")
    assert (
        found["where"] == ".github/workflows/hotfix-pr-gate.yml: jobs.gate.steps[0]"
    )  # no checkout


def test_invalid_config_on_default_branch(emu: Any, tmp_path: Path) -> None:
    broken = CONFIG.replace("pull_request:", "pull_requests:")
    emu.commit(REPO, branch="main", message="typo", files={".github/hotfix.yml": broken})
    res = doctor(emu, tmp_path)
    assert res.exit_code == 1
    [found] = findings(res, "config")
    assert found["message"].startswith("the config is invalid: .github/hotfix.yml on main")
    assert "pull_request" in found["message"] + found["fix"]
    assert res.json["config"] == "invalid"
    statuses = {c["name"]: c["status"] for c in res.json["checks"]}
    assert (statuses["environments"], statuses["secrets"]) == ("skipped", "skipped")
    # the checks that need no config still run, on the default branch
    assert statuses["gate-required"] == "ok"


def test_local_config_overrides_the_default_branch(emu: Any, tmp_path: Path) -> None:
    local = tmp_path / "hotfix.yml"
    local.write_text(CONFIG.replace("staging:", "qa:").replace("name: api", "name: api2"))
    res = doctor(emu, tmp_path, "--config", str(local))
    assert res.exit_code == 1
    assert res.json["config"] == str(local)
    [found] = findings(res, "environments")
    assert found["message"].startswith('environment "qa" does not exist on GitHub')


def test_github_format_annotates_each_finding(emu: Any, tmp_path: Path) -> None:
    emu.create_environment(REPO, "production", reviewers=["alice"])
    env = base_env(emu, tmp_path)
    res = run(["doctor", "--format", "github"], env, tmp_path)
    assert res.exit_code == 1
    assert "::error title=hotfix-ci doctor%3A environments::" in res.stdout
    assert "FAIL environments:" in res.stdout


def test_unknown_repository_is_an_api_error(emu: Any, tmp_path: Path) -> None:
    res = doctor(emu, tmp_path, "--repo", "acme/nope")
    assert res.exit_code == 4
    assert "reading the repository" in res.stderr and "404" in res.stderr


def test_init_and_doctor_agree_that_github_names_are_not_secrets(emu: Any, tmp_path: Path) -> None:
    """GitHub sets GITHUB_* variables itself and refuses secrets named GITHUB_*: init writes
    no `${{ secrets.GITHUB_... }}` line for a channel that reads one, and doctor, reading
    what init wrote, neither asks for that secret nor for that env line."""
    hook = "    - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: GITHUB_HOOK_KEY}\n"
    config = CONFIG + hook
    checkout = tmp_path / "checkout"
    (checkout / ".github").mkdir(parents=True)
    (checkout / ".github/hotfix.yml").write_text(config)
    made = run(["init", "--action", ACTION, "--force"], {}, checkout)
    assert made.exit_code == 0, made.stderr
    flows = {
        f".github/workflows/{p.name}": p.read_text()
        for p in (checkout / ".github/workflows").glob("hotfix-*.yml")
    }
    assert "HOOK_URL: ${{ secrets.HOOK_URL }}" in flows[".github/workflows/hotfix-deploy.yml"]
    assert not any("GITHUB_HOOK_KEY" in text for text in flows.values())
    assert run(["init", "--action", ACTION, "--check"], {}, checkout).exit_code == 0
    files = {".github/hotfix.yml": config, **flows}
    emu.commit(REPO, branch="main", message="a webhook", files=files)
    emu.add_secret(REPO, "HOOK_URL")
    res = doctor(emu, tmp_path)
    assert res.exit_code == 0, res.stdout
    assert res.json["findings"] == []

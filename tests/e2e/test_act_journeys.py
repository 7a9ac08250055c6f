"""The merge -> deploy -> rollback journeys, as workflows: the rendered deploy and rollback
workflows run by act in host mode against the emulator, on real webhook payload shapes.

Two environments, ``eu`` and ``us``, each with one ``command`` provider that drives its own
sample service on 127.0.0.1 (``hotfix_ci/commands/demo/sample_app.py``), so the deploy
matrix has two jobs whose health gates and rollbacks are independent of each other. The
previous release was deployed by ``hotfix-ci deploy`` itself, so the Deployment log holds it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import SampleService, command_settings, update_state
from hotfix_ci.testing.contract import webhook_example
from tests.helpers.act import (
    ActRun,
    ProxyTrap,
    assert_hermetic,
    head,
    make_checkout,
    proxy_env,
    proxy_trap,
    run_act,
    scratch,
)
from tests.helpers.cli import REPO, base_env, run
from tests.helpers.deploy import FAST_WATCH
from tests.helpers.release import PR_BODY

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.server]

PROVIDERS = {"eu": "shop-eu", "us": "shop-us"}
PREVIOUS = "v1.4.2"
RELEASE = "hotfix-v1.4.3"
NEWER = "hotfix-v1.4.4"
WORKFLOWS = ("hotfix-deploy.yml", "hotfix-rollback.yml")


class Journey:
    """acme/web on the emulator with ``v1.4.2`` live in both environments, and its checkout."""

    def __init__(
        self, emu: Any, tmp_path: Path, base: Path, trap: ProxyTrap, services: dict[str, Any]
    ) -> None:
        self.emu, self.tmp, self.base, self.trap, self.services = (
            emu,
            tmp_path,
            base,
            trap,
            services,
        )
        environments = {
            name: {
                "url": services[name].url.removesuffix("/health"),
                "providers": [
                    {
                        "name": provider,
                        "type": "command",
                        "with": command_settings(services[name].state),
                    }
                ],
                "gates": [
                    {
                        "name": "health",
                        "type": "http",
                        "url": services[name].url,
                        "expect": {"status": 200, "json": {"status": "healthy"}},
                    }
                ],
                "watch": dict(FAST_WATCH),
                "rollback": {"on_failure": True},
            }
            for name, provider in PROVIDERS.items()
        }
        config = {"version": 1, "deploy": {"environments": environments}}
        self.repo = make_checkout(tmp_path / "web", WORKFLOWS, json.dumps(config, indent=2))
        emu.create_repo(REPO, default_branch="main")
        emu.set_permission(REPO, "alice", "write")
        emu.commit(REPO, branch="main", message="init", files={"app.py": "print('hi')\n"})
        emu.add_tag(REPO, PREVIOUS)
        for name in PROVIDERS:
            self.cli_deploy(name, PREVIOUS)
        self.emu.clear_requests()  # from here on, the requests are the workflow's

    # -- the scene, set with the real commands -------------------------------------------------
    def cli(self, argv: list[str], **env: str) -> Any:
        environment = base_env(
            self.emu, self.tmp, GITHUB_RUN_ID="7", GITHUB_SERVER_URL="https://github.com", **env
        )
        return run(argv, environment, self.repo)

    def cli_deploy(self, environment: str, tag: str) -> None:
        provider = PROVIDERS[environment]
        done = self.cli(["deploy", "-e", environment, "-p", provider, "--ref", tag])
        assert done.exit_code == 0, done.stdout + done.stderr

    def merge_hotfix(self) -> str:
        """The hotfix PR, merged; its merge commit is the checkout's HEAD (GITHUB_SHA)."""
        number = self.emu.create_pull(
            REPO,
            title="[HOTFIX] Fix login 500s",
            head="hotfix/login-500",
            base="main",
            author="bob",
            body=PR_BODY,
            labels=["hotfix", "P1"],
        )
        pr_head = self.emu.push(REPO, number, {"app.py": "print('fixed')\n"})
        self.emu.add_review(REPO, number, "alice", state="APPROVED")
        # The PR gate passed on its head (release checks it before tagging).
        self.emu.add_check_run(REPO, pr_head, "hotfix-ci / PR gate", conclusion="success")
        sha = head(self.repo)
        assert self.emu.merge_pull(REPO, number, merged_by="alice", sha=sha) == sha
        return sha

    def break_health(self, tag: str) -> None:
        for service in self.services.values():
            update_state(service.state, bad=[tag])

    # -- events and runs -----------------------------------------------------------------------
    def _repository(self, event: dict[str, Any]) -> dict[str, Any]:
        owner, name = REPO.split("/")
        event["repository"].update(full_name=REPO, name=name, default_branch="main")
        event["repository"]["owner"]["login"] = owner
        return event

    def push_event(self) -> dict[str, Any]:
        event = self._repository(webhook_example("push", api_url=self.emu.url))
        sha = head(self.repo)
        event.update(ref="refs/heads/main", after=sha)
        event["head_commit"]["id"] = sha
        event["repository"]["master_branch"] = "main"
        return event

    def dispatch_event(self, **inputs: str) -> dict[str, Any]:
        event = self._repository(webhook_example("workflow_dispatch", api_url=self.emu.url))
        event.update(
            ref="refs/heads/main", workflow=".github/workflows/hotfix-rollback.yml", inputs=inputs
        )
        return event

    def act(self, event_name: str, event: dict[str, Any], workflow: str, **env: str) -> ActRun:
        done = run_act(
            self.repo,
            self.base,
            self.emu,
            event_name,
            event,
            workflow=workflow,
            trap=self.trap,
            env=env,
        )
        assert_hermetic(done, self.emu, self.trap)
        return done

    # -- what is true afterwards ---------------------------------------------------------------
    def answers(self, environment: str) -> dict[str, Any]:
        """What the service itself says over HTTP (not what a state file claims)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.services[environment].url, timeout=5) as response:
                body: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read())
        return body

    def history(self, environment: str) -> list[tuple[str, str, list[str]]]:
        """(ref, description, states oldest first) of the environment's Deployments."""
        found = []
        for deployment in reversed(self.emu.deployments(REPO)):
            if deployment["environment"] != environment:
                continue
            statuses = self.emu.deployment_statuses(REPO, deployment["id"])
            states = [s["state"] for s in reversed(statuses)]
            found.append((deployment["ref"], deployment["description"], states))
        return found

    def payloads(self, environment: str) -> list[dict[str, Any]]:
        deployments = reversed(self.emu.deployments(REPO))
        return [d["payload"] for d in deployments if d["environment"] == environment]


@pytest.fixture
def journey(
    emulator: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Journey]:
    base = scratch(tmp_path_factory.getbasetemp())
    with ExitStack() as stack:
        trap = stack.enter_context(proxy_trap())
        services = {
            name: stack.enter_context(SampleService(tmp_path / f"{name}-service.json"))
            for name in PROVIDERS
        }
        yield Journey(emulator, tmp_path, base, trap, services)


def _job_lines(log: str, job: str) -> str:
    """The lines act prefixes with this job's name (a matrix job's gets an index suffix)."""
    return "\n".join(line for line in log.splitlines() if line.startswith(f"[hotfix-deploy/{job}"))


def test_merge_to_main_releases_then_both_providers_deploy_and_pass(journey: Journey) -> None:
    sha = journey.merge_hotfix()
    done = journey.act("push", journey.push_event(), "hotfix-deploy.yml")
    assert done.returncode == 0, done.tail()

    tag = next(r for r in journey.emu.refs(REPO) if r["ref"] == f"refs/tags/{RELEASE}")
    assert tag["object"]["sha"] != ""
    (release,) = journey.emu.releases(REPO)
    assert (release["tag_name"], release["target_commitish"]) == (RELEASE, sha)
    for environment, provider in PROVIDERS.items():
        assert journey.answers(environment) == {"status": "healthy", "version": RELEASE}
        *_, last = journey.history(environment)
        assert last == (RELEASE, f"deploy {RELEASE} via {provider}", ["in_progress", "success"])
    deployed = [d for d in journey.emu.deployments(REPO) if d["ref"] == RELEASE]
    assert len(deployed) == 2


def test_failing_health_rolls_both_jobs_back_and_fails_the_run(journey: Journey) -> None:
    journey.merge_hotfix()
    journey.break_health(RELEASE)
    done = journey.act("push", journey.push_event(), "hotfix-deploy.yml")
    assert done.returncode != 0, done.tail()

    for environment, provider in PROVIDERS.items():
        assert journey.answers(environment) == {"status": "healthy", "version": PREVIOUS}
        *_, failed, rollback = journey.history(environment)
        assert failed[0] == RELEASE and failed[2][-1] == "failure", failed
        assert rollback[0] == PREVIOUS and rollback[2][-1] == "success", rollback
        assert "rollback" in rollback[1] and provider in rollback[1], rollback
        assert journey.payloads(environment)[-1]["rollback_of"] == RELEASE
    for environment, provider in PROVIDERS.items():
        job = _job_lines(done.log, f"deploy {environment} / {provider}")
        assert "exit-code=5" in job and "Job failed" in job, done.tail()
        assert f"rolled back to {PREVIOUS}, and its gates pass" in job, done.tail()
    summary = _job_lines(done.log, "summary")
    assert "::error title=hotfix-ci run failed::deploy did not succeed" in summary, done.tail()


def test_rollback_workflow_dispatch_puts_the_previous_release_back(journey: Journey) -> None:
    journey.emu.commit(REPO, branch="main", message="fix")
    journey.emu.add_tag(REPO, RELEASE)
    for environment in PROVIDERS:
        journey.cli_deploy(environment, RELEASE)
    event = journey.dispatch_event(environment="eu", provider="", to="")
    done = journey.act("workflow_dispatch", event, "hotfix-rollback.yml")
    assert done.returncode == 0, done.tail()

    assert journey.answers("eu") == {"status": "healthy", "version": PREVIOUS}
    *_, last = journey.history("eu")
    assert last[0] == PREVIOUS and last[2] == ["in_progress", "success"], last
    assert last[1] == f"rollback of {RELEASE} to {PREVIOUS} via shop-eu"
    assert journey.payloads("eu")[-1]["rollback_of"] == RELEASE
    # the other environment was not asked to roll back
    assert journey.answers("us") == {"status": "healthy", "version": RELEASE}
    assert journey.history("us")[-1][0] == RELEASE


def test_rerun_of_an_older_releases_deploy_is_recorded_as_a_rollback(journey: Journey) -> None:
    sha = journey.merge_hotfix()
    released = journey.cli(["release", "--format", "json"], GITHUB_SHA=sha)
    assert released.exit_code == 0 and released.json["tag"] == RELEASE, released.stderr
    journey.emu.commit(REPO, branch="main", message="a later hotfix")
    journey.emu.add_tag(REPO, NEWER)
    for environment in PROVIDERS:
        journey.cli_deploy(environment, RELEASE)
        journey.cli_deploy(environment, NEWER)
    done = journey.act("push", journey.push_event(), "hotfix-deploy.yml", GITHUB_RUN_ATTEMPT="2")
    assert done.returncode == 0, done.tail()

    for environment, provider in PROVIDERS.items():
        assert journey.answers(environment) == {"status": "healthy", "version": RELEASE}
        *_, last = journey.history(environment)
        assert last == (
            RELEASE,
            f"rollback of {NEWER} to {RELEASE} via {provider}",
            ["in_progress", "success"],
        )
        assert journey.payloads(environment)[-1]["rollback_of"] == NEWER
    assert len(journey.emu.releases(REPO)) == 1  # the re-run created nothing twice


def test_the_proxy_trap_sees_a_request_that_would_leave_loopback() -> None:
    """The guard the journeys rely on: an HTTPS request to a public host, from a process with
    the journeys' environment, goes to the trap and fails there."""
    probe = "import requests; requests.get('https://api.github.com/zen', timeout=5)"
    with proxy_trap() as trap:
        env = {**os.environ, **proxy_env(trap)}
        done = subprocess.run(
            [sys.executable, "-c", probe],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode != 0 and "requests.exceptions." in done.stderr, done.stderr[-2000:]
    assert trap.connections >= 1

"""deploy, rollback and the deploy workflow's summary job post their outcome: exactly the
expected messages to a loopback Slack server and a signed webhook receiver."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from hotfix_ci.commands import summary as run_summary
from hotfix_ci.commands.demo.sample_app import SampleService
from hotfix_ci.notify.receiver import WebhookReceiver
from tests.helpers.deploy import Scene
from tests.integration.notify.helpers import FAST

GOOD, NEW, BAD = "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4"
SECRET = "whsec-" + "7" * 24
SLACK_PATH = "/services/T1/B1/stage"
EVENTS = {
    "in-progress": ["team"],
    "deployed": ["team", "hook"],
    "rolled-back": ["team", "hook"],
    "failed": ["team", "hook"],
}


class NotifyScene(Scene):
    """The deploy scene plus `notify:`: a Slack channel and a signed webhook."""

    notify: dict[str, Any]

    def write_config(self) -> None:
        super().write_config()
        path = self.tmp / ".github" / "hotfix.yml"
        config = json.loads(path.read_text())
        config["notify"] = getattr(self, "notify", {"channels": []})
        path.write_text(json.dumps(config, indent=2))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as hook:
        yield hook


@pytest.fixture
def scene(
    emulator: Any, tmp_path: Path, httpserver: HTTPServer, receiver: WebhookReceiver
) -> Iterator[NotifyScene]:
    httpserver.expect_request(SLACK_PATH, method="POST").respond_with_data("ok")
    with SampleService(tmp_path / "state.json") as service:
        scene = NotifyScene(emulator, tmp_path, service)
        scene.notify = {
            "channels": [
                {"name": "team", "type": "slack", "url_env": "SLACK_URL"},
                {
                    "name": "hook",
                    "type": "webhook",
                    "url_env": "HOOK_URL",
                    "secret_env": "HOOK_SECRET",
                },
            ],
            "events": EVENTS,
        }
        scene.write_config()
        yield scene


def channel_env(httpserver: HTTPServer, receiver: WebhookReceiver, **extra: str) -> dict[str, str]:
    retry = {k: v for k, v in FAST.items() if k.startswith("HOTFIX_CI_NOTIFY_")}
    return {
        **retry,
        "SLACK_URL": httpserver.url_for(SLACK_PATH),
        "HOOK_URL": receiver.url,
        "HOOK_SECRET": SECRET,
        **extra,
    }


def slack_titles(httpserver: HTTPServer) -> list[str]:
    return [request.get_json()["text"] for request, _ in httpserver.log]


def hook_events(receiver: WebhookReceiver) -> list[tuple[str, Any, Any, bool]]:
    return [
        (r.payload.get("event"), r.payload.get("tag"), r.payload.get("environment"), r.verified)
        for r in receiver.deliveries
    ]


def test_a_deploy_posts_in_progress_then_deployed_once_each(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    scene.set(live=GOOD)
    result = scene.deploy(NEW, **channel_env(httpserver, receiver))
    assert result.exit_code == 0, result.stderr
    titles = slack_titles(httpserver)
    assert len(titles) == 2
    assert titles[0].startswith("Hotfix in progress: acme/web")
    assert titles[1].startswith("Hotfix deployed to production (app): acme/web")
    assert hook_events(receiver) == [("deployed", NEW, "production", True)]
    assert receiver.deliveries[0].payload["state"] == "deployed"
    assert receiver.deliveries[0].payload["provider"] == "app"
    assert "notify hook (webhook):" in result.stdout


def test_a_rolled_back_deploy_posts_rolled_back_naming_the_failed_release(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    assert scene.deploy(GOOD).exit_code == 0  # no channel variables yet: warnings only
    httpserver.clear_log()
    scene.set(bad=[BAD])
    result = scene.deploy(BAD, **channel_env(httpserver, receiver))
    assert result.exit_code == 5
    assert hook_events(receiver) == [("rolled-back", BAD, "production", True)]
    assert [t.split(":")[0] for t in slack_titles(httpserver)] == [
        "Hotfix in progress",
        "Hotfix rolled back on production (app)",
    ]
    assert receiver.deliveries[0].payload["provider"] == "app"


def test_a_failing_optional_channel_is_a_warning_and_the_deploy_succeeds(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    scene.set(live=GOOD)
    env = channel_env(httpserver, receiver, HOOK_SECRET="not-the-receivers-secret-123")
    result = scene.deploy(NEW, **env)
    assert result.exit_code == 0, result.stderr
    assert scene.live() == NEW
    assert "notify hook (webhook): failed (warning)" in result.stdout
    assert [r.verified for r in receiver.deliveries] == [False]  # rejected with 401, once


def test_a_failing_required_channel_exits_1_and_undoes_nothing(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    scene.notify["channels"][1]["required"] = True
    scene.write_config()
    scene.set(live=GOOD)
    env = channel_env(httpserver, receiver, HOOK_SECRET="not-the-receivers-secret-123")
    result = scene.deploy(NEW, "--format", "json", **env)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["outcome"]["state"] == "deployed"
    assert "required notify channel(s) hook did not receive it" in document["outcome"]["message"]
    assert scene.live() == NEW
    assert scene.history()[-1][2] == ["in_progress", "success"]  # the log says deployed


def test_a_rollback_posts_rolled_back_once(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    assert scene.deploy(GOOD).exit_code == 0
    assert scene.deploy(NEW).exit_code == 0
    httpserver.clear_log()
    result = scene.cli(["rollback", "-e", "production"], **channel_env(httpserver, receiver))
    assert result.exit_code == 0, result.stderr
    assert scene.live() == GOOD
    assert hook_events(receiver) == [("rolled-back", NEW, "production", True)]
    assert len(slack_titles(httpserver)) == 1


def needs(tag: str, providers: list[str], deploy_result: str) -> str:
    matrix = {"include": [{"environment": "production", "provider": p} for p in providers]}
    return json.dumps(
        {
            "release": {
                "result": "success",
                "outputs": {"released": "true", "tag": tag, "matrix": json.dumps(matrix)},
            },
            "deploy": {"result": deploy_result, "outputs": {}},
        }
    )


def summary(scene: NotifyScene, env: dict[str, str], jobs: str) -> tuple[int, str]:
    out = io.StringIO()
    full = {**scene.env(**env), "INPUT_JOBS": jobs, "GITHUB_WORKSPACE": str(scene.tmp)}
    return run_summary.run(full, out), out.getvalue()


def two_providers(scene: NotifyScene) -> None:
    app = scene.environment["providers"][0]
    scene.environment["providers"].append({**app, "name": "app2"})
    scene.write_config()


def test_n_matrix_jobs_and_the_summary_job_post_deployed_exactly_once(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    two_providers(scene)
    scene.set(live=GOOD)
    env = channel_env(httpserver, receiver, HOTFIX_NOTIFY_OUTCOME="summary")
    for provider in ("app", "app2"):
        job = scene.cli(["deploy", "-e", "production", "-p", provider, "--ref", NEW], **env)
        assert job.exit_code == 0, job.stderr
        assert "the run's summary job posts the outcome (deployed)" in job.stdout
    assert receiver.deliveries == [] and httpserver.log == []
    code, text = summary(scene, env, needs(NEW, ["app", "app2"], "success"))
    assert code == 0, text
    assert hook_events(receiver) == [("deployed", NEW, "production", True)]
    assert receiver.deliveries[0].payload["provider"] == "app, app2"
    assert slack_titles(httpserver) == ["Hotfix deployed to production (app, app2): acme/web"]


def test_the_summary_job_reads_a_rollback_from_the_log(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    assert scene.deploy(GOOD).exit_code == 0
    scene.set(bad=[BAD])
    env = channel_env(httpserver, receiver, HOTFIX_NOTIFY_OUTCOME="summary")
    assert scene.deploy(BAD, **env).exit_code == 5
    assert receiver.deliveries == []  # a rollback that worked waits for the summary
    code, text = summary(scene, env, needs(BAD, ["app"], "failure"))
    assert code == 1  # the run failed: a deploy job did not succeed
    assert "production/app rolled_back" in text
    assert hook_events(receiver) == [("rolled-back", BAD, "production", True)]
    assert receiver.deliveries[0].payload["provider"] == "app"


def test_a_failed_rollback_is_posted_by_the_job_at_once_even_in_the_workflow(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    assert scene.deploy(GOOD).exit_code == 0
    scene.set(bad=[BAD, GOOD])  # the rollback target is unhealthy too
    env = channel_env(httpserver, receiver, HOTFIX_NOTIFY_OUTCOME="summary")
    assert scene.deploy(BAD, **env).exit_code == 6
    assert hook_events(receiver) == [("failed", BAD, "production", True)]
    code, text = summary(scene, env, needs(BAD, ["app"], "failure"))
    assert code == 1
    assert "production/app failed" in text
    assert [e for e, *_ in hook_events(receiver)] == ["failed", "failed"]


def test_a_summary_of_a_run_that_released_nothing_posts_nothing(
    scene: NotifyScene, httpserver: HTTPServer, receiver: WebhookReceiver
) -> None:
    jobs = json.dumps(
        {
            "release": {"result": "success", "outputs": {"released": "false"}},
            "deploy": {"result": "skipped"},
        }
    )
    code, text = summary(scene, channel_env(httpserver, receiver), jobs)
    assert code == 0
    assert "nothing was released" in text
    assert receiver.deliveries == [] and httpserver.log == []

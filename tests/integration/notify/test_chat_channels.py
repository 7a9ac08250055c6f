"""Slack, Discord, Teams and the signed webhook against loopback servers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.integration.notify.helpers import send, write_config

SECRET = "whsec-" + "9" * 24


def test_slack_receives_block_kit(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/services/T1/B1/sl4ck", method="POST").respond_with_data("ok")
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    env = {"SLACK_URL": httpserver.url_for("/services/T1/B1/sl4ck")}
    sent = send(tmp_path, env, "alert", pr=7, tag="hotfix-v2.0.1", environment="production")
    assert sent.code == 0, sent.stdout
    assert sent.channel("team")["status"] == "sent"
    ((request, _),) = httpserver.log
    assert request.headers["Content-Type"] == "application/json"
    body = request.get_json()
    assert body["text"].startswith("HOTFIX ALERT: acme/web")
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "context"]
    assert body["blocks"][0]["text"]["type"] == "plain_text"


def test_discord_waits_for_the_saved_message(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(
        "/api/webhooks/1/tok", method="POST", query_string="wait=true"
    ).respond_with_json({"id": "55"})
    write_config(tmp_path, "    - {name: eng, type: discord, url_env: DISCORD_URL}\n")
    sent = send(tmp_path, {"DISCORD_URL": httpserver.url_for("/api/webhooks/1/tok")}, "deployed")
    assert sent.code == 0, sent.stdout
    body = httpserver.log[0][0].get_json()
    assert body["allowed_mentions"] == {"parse": []}
    assert body["embeds"][0]["title"].startswith("Hotfix deployed")


def test_teams_workflow_gets_an_adaptive_card(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/workflows/abc/triggers/manual", method="POST").respond_with_data(
        "", status=202
    )
    write_config(tmp_path, "    - {name: ops, type: teams, url_env: TEAMS_URL}\n")
    env = {"TEAMS_URL": httpserver.url_for("/workflows/abc/triggers/manual")}
    sent = send(tmp_path, env, "rolled-back")
    assert sent.channel("ops")["detail"] == "accepted by the workflow"
    body = httpserver.log[0][0].get_json()
    assert body["type"] == "message"
    assert body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert body["attachments"][0]["content"]["type"] == "AdaptiveCard"


def test_webhook_is_signed_over_the_exact_body_and_retried_with_one_delivery_id(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    answers = iter([Response("busy", status=503), Response("", status=204)])
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda _request: next(answers)
    )
    write_config(
        tmp_path,
        "    - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET}\n",
    )
    env = {"HOOK_URL": httpserver.url_for("/hook"), "HOOK_SECRET": SECRET}
    sent = send(tmp_path, env, "failed", pr=9, tag="hotfix-v1.0.2", environment="staging")
    assert sent.code == 0, sent.stdout
    assert sent.channel("hook")["detail"] == "delivered, signed"
    first, second = (request for request, _ in httpserver.log)
    for request in (first, second):
        raw = request.get_data()
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert request.headers["X-Hotfix-Signature-256"] == expected
        assert request.headers["X-Hotfix-Event"] == "failed"
    assert first.get_data() == second.get_data()
    body = json.loads(first.get_data())
    assert first.headers["X-Hotfix-Delivery"] == body["delivery"]
    assert (body["event"], body["pr"], body["tag"], body["environment"]) == (
        "failed",
        9,
        "hotfix-v1.0.2",
        "staging",
    )
    assert (body["state"], body["repository"]) == ("failed", "acme/web")


def test_client_errors_are_not_retried(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/gone").respond_with_data("no_service", status=404)
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    sent = send(tmp_path, {"SLACK_URL": httpserver.url_for("/gone")}, "alert")
    assert len(httpserver.log) == 1
    team = sent.channel("team")
    assert team["status"] == "failed"
    assert team["detail"] == "POST to $SLACK_URL answered 404: no_service"
    assert "create a new one" in team["hint"]
    assert sent.code == 0  # not required: a warning


def test_rate_limit_waits_for_retry_after(httpserver: HTTPServer, tmp_path: Path) -> None:
    answers = iter([Response("", status=429, headers={"Retry-After": "0.2"}), Response("ok")])
    httpserver.expect_request("/s").respond_with_handler(lambda _r: next(answers))
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    started = time.monotonic()
    sent = send(tmp_path, {"SLACK_URL": httpserver.url_for("/s")}, "alert")
    assert sent.channel("team")["status"] == "sent"
    assert len(httpserver.log) == 2
    assert time.monotonic() - started >= 0.2


def test_retries_are_bounded_in_time(httpserver: HTTPServer, tmp_path: Path) -> None:
    def answer(_request: Request) -> Response:
        return Response("", status=429, headers={"Retry-After": "3600"})

    httpserver.expect_request("/s").respond_with_handler(answer)
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL, required: true}\n")
    env = {
        "SLACK_URL": httpserver.url_for("/s"),
        "HOTFIX_CI_NOTIFY_ATTEMPTS": "50",
        "HOTFIX_CI_NOTIFY_MAX_TIME": "1",
    }
    started = time.monotonic()
    sent = send(tmp_path, env, "alert")
    assert time.monotonic() - started < 5
    assert 1 <= len(httpserver.log) < 50
    assert sent.code == 1
    assert "within 1s: last answer 429" in sent.channel("team")["detail"]


def test_server_errors_are_retried_a_bounded_number_of_times(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/s").respond_with_data("down", status=500)
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    sent = send(tmp_path, {"SLACK_URL": httpserver.url_for("/s")}, "alert")
    assert len(httpserver.log) == 3  # HOTFIX_CI_NOTIFY_ATTEMPTS
    assert sent.channel("team")["detail"].endswith("last answer 500")

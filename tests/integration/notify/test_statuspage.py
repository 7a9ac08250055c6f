"""Statuspage: the incident lifecycle against a stateful loopback stand-in of its REST API."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.integration.notify.helpers import send, write_config

PAGE, KEY = "pg1234", "sp-key-" + "7" * 20


class StatuspageStandin:
    """Incidents and components of one page, as the v1 API documents them."""

    def __init__(self) -> None:
        self.incidents: dict[str, dict[str, Any]] = {}
        self.components = {"cmp-api": {"id": "cmp-api", "name": "API", "status": "operational"}}
        self.ids = (f"inc{n}" for n in itertools.count(1))
        self.slow_next_create = 0.0
        self.calls: list[str] = []

    def __call__(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"OAuth {KEY}":
            return Response('{"error": "unauthorized"}', status=401)
        path = request.path.removeprefix(f"/v1/pages/{PAGE}")
        self.calls.append(f"{request.method} {path}")
        if request.method == "GET" and path == "/components":
            return self.json(list(self.components.values()))
        if request.method == "GET" and path == "/incidents/unresolved":
            return self.json([i for i in self.incidents.values() if i["status"] != "resolved"])
        if request.method == "POST" and path == "/incidents":
            incident = self.apply({"id": next(self.ids), "incident_updates": []}, request)
            self.incidents[incident["id"]] = incident
            if self.slow_next_create:  # created, but the answer comes too late
                time.sleep(self.slow_next_create)
                self.slow_next_create = 0.0
            return self.json(incident, 201)
        found = re.fullmatch(r"/incidents/(\w+)", path)
        if request.method == "PATCH" and found and found.group(1) in self.incidents:
            return self.json(self.apply(self.incidents[found.group(1)], request))
        return Response("not found", status=404)

    def apply(self, incident: dict[str, Any], request: Request) -> dict[str, Any]:
        fields = request.get_json()["incident"]
        for key in ("name", "status", "impact_override", "metadata"):
            if key in fields:
                incident[key] = fields[key]
        incident["incident_updates"].insert(0, {"status": fields["status"], "body": fields["body"]})
        for component_id, status in (fields.get("components") or {}).items():
            assert component_id in fields["component_ids"]
            self.components[component_id]["status"] = status
        return incident

    @staticmethod
    def json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")


@pytest.fixture
def page(httpserver: HTTPServer, tmp_path: Path) -> StatuspageStandin:
    standin = StatuspageStandin()
    httpserver.expect_request(re.compile(f"/v1/pages/{PAGE}/.*")).respond_with_handler(standin)
    write_config(
        tmp_path,
        "    - {name: status, type: statuspage, page_env: PAGE_ID, key_env: SP_KEY,"
        " component: api, required: true}\n",
    )
    return standin


def env(httpserver: HTTPServer, **extra: str) -> dict[str, str]:
    return {
        "PAGE_ID": PAGE,
        "SP_KEY": KEY,
        "HOTFIX_CI_STATUSPAGE_API_URL": httpserver.url_for("/v1"),
        **extra,
    }


def test_incident_lifecycle(
    page: StatuspageStandin, httpserver: HTTPServer, tmp_path: Path
) -> None:
    def notify(event: str) -> str:
        sent = send(tmp_path, env(httpserver), event, pr=12, environment="production")
        assert sent.code == 0, sent.stdout
        return str(sent.channel("status")["detail"])

    assert notify("alert") == "incident inc1 created (investigating)"
    (incident,) = page.incidents.values()
    assert incident["metadata"]["hotfix_ci"]["marker"] == "acme/web#12"
    assert page.components["cmp-api"]["status"] == "degraded_performance"  # no severity known
    assert notify("alert") == "incident inc1 already says this (investigating)"
    assert notify("in-progress") == "incident inc1 updated (identified)"
    assert notify("in-progress") == "incident inc1 already says this (identified)"
    assert notify("rolled-back") == "incident inc1 updated (identified)"
    assert page.components["cmp-api"]["status"] == "degraded_performance"
    assert notify("deployed") == "incident inc1 updated (monitoring)"
    assert page.components["cmp-api"]["status"] == "operational"
    assert notify("resolved") == "incident inc1 resolved"
    assert notify("resolved") == "no open incident of this hotfix: nothing to update"
    assert list(page.incidents) == ["inc1"]
    statuses = [u["status"] for u in reversed(incident["incident_updates"])]
    assert statuses == ["investigating", "identified", "identified", "monitoring", "resolved"]


def test_a_create_whose_answer_timed_out_is_found_not_repeated(
    page: StatuspageStandin, httpserver: HTTPServer, tmp_path: Path
) -> None:
    page.slow_next_create = 1.5
    sent = send(tmp_path, env(httpserver, HOTFIX_CI_NOTIFY_TIMEOUT="0.5"), "alert", pr=3)
    assert sent.code == 0, sent.stdout
    assert sent.channel("status")["detail"] == "incident inc1 created (investigating)"
    assert len(page.incidents) == 1
    assert page.calls.count("POST /incidents") == 1


def test_unknown_component_lists_the_page_components(
    page: StatuspageStandin, httpserver: HTTPServer, tmp_path: Path
) -> None:
    page.components = {"c9": {"id": "c9", "name": "Web", "status": "operational"}}
    sent = send(tmp_path, env(httpserver), "alert", pr=3)
    assert sent.code == 1
    assert sent.channel("status")["detail"] == "the page has no component 'api' (components: Web)"
    assert page.incidents == {}


def test_wrong_key_is_a_clear_failure_without_the_key(
    page: StatuspageStandin, httpserver: HTTPServer, tmp_path: Path
) -> None:
    sent = send(tmp_path, env(httpserver, SP_KEY="wrong-key-123456"), "alert", pr=3)
    assert sent.code == 1
    status = sent.channel("status")
    assert status["detail"].startswith("Statuspage GET components answered 401")
    assert "API key is wrong or revoked" in status["hint"]
    assert "wrong-key-123456" not in sent.stdout + sent.stderr

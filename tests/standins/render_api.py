"""A loopback stand-in for the Render REST API (the calls the render provider makes).

Held to the Go client generated from Render's OpenAPI description (the extract in
contracts/render-api.json, from render-oss/cli pkg/client/): create-deploy bodies may only
carry ``CreateDeployJSONBody``'s keys; every answer's status code is one that operation's
response parser knows (201 **or 202 with no body** for a create: ``queue_next`` makes it
queue the deploy, as Render does behind a deploy in progress); every deploy status it sets
is a ``DeployStatus`` value. State lives in memory: each read of a deploy moves it one
step (queued → created → build_in_progress → update_in_progress → live), the deploy that
goes live deactivates the previous one, so deploy → current → rollback round-trips.

    with RenderAPIStandin(token="rnd_x", service_id="srv-abc") as api:
        settings = {"service_id": "srv-abc", "api_url": api.url}
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.standins.contracts import load

CONTRACT = load("render-api.json")
STEPS = ("queued", "created", "build_in_progress", "update_in_progress", "live")
assert set(STEPS) <= set(CONTRACT["deploy_status"])
Answer = tuple[int, Any]


class RenderAPIStandin:
    def __init__(self, *, token: str, service_id: str) -> None:
        self.token = token
        self.service_id = service_id
        self.deploys: list[dict[str, Any]] = []  # oldest first
        self.requests: list[tuple[str, str, Any]] = []  # (method, path?query, body)
        self.failing_commits: set[str] = set()
        self.queue_next = False  # answer the next create with 202 and no body
        self.fail_route: tuple[str, str, int] | None = None  # (method, path suffix, status)
        self.stall_next = False  # the next deploy created never leaves build_in_progress
        self.auto_deploy = "yes"
        self.violations: list[str] = []  # answers the generated client would not parse
        self._faults: list[tuple[int, str | None]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- test controls -------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, body: str | None = None) -> None:
        """Answer the next ``times`` requests with ``status`` (and ``body`` verbatim)."""
        self._faults.extend([(status, body)] * times)

    def seed_live(self, commit: str) -> dict[str, Any]:
        """A deploy that is already live, as if made before the test."""
        deploy = self._new_deploy({"commitId": commit}, trigger="manual")
        deploy["status"] = "live"
        return deploy

    def live(self) -> dict[str, Any] | None:
        return next((d for d in reversed(self.deploys) if d["status"] == "live"), None)

    # -- server --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> RenderAPIStandin:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> RenderAPIStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the API -------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Any, raw: bytes) -> tuple[int, str]:
        with self._lock:
            body = json.loads(raw) if raw else None
            self.requests.append((method, target, body))
            if self._faults:
                status, text = self._faults.pop(0)
                return status, text if text is not None else _error("injected fault")
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, _error("unauthorized")
            fail = self.fail_route
            if fail and method == fail[0] and urlsplit(target).path.endswith(fail[1]):
                return fail[2], _error("Service Unavailable")
            status, payload = self._route(method, target, body)
            self._check(method, target, status, payload)
            return status, "" if payload is None else json.dumps(payload)

    def _check(self, method: str, target: str, status: int, payload: Any) -> None:
        path = urlsplit(target).path
        operation = (
            "CreateDeploy"
            if method == "POST" and path.endswith("/deploys")
            else "RollbackDeploy"
            if method == "POST"
            else "ListDeploys"
            if path.endswith("/deploys")
            else "RetrieveService"
            if re.fullmatch(r"/v1/services/[^/]+", path)
            else "RetrieveDeploy"
        )
        if status not in CONTRACT["responses"][operation]:
            self.violations.append(f"{operation} answered {status}")
        for deploy in _deploys_in(payload):
            if deploy.get("status") not in CONTRACT["deploy_status"]:
                self.violations.append(f"deploy status {deploy.get('status')!r}")

    def _route(self, method: str, target: str, body: Any) -> Answer:
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        service_only = re.fullmatch(r"/v1/services/([^/]+)", split.path)
        if service_only and method == "GET":
            if service_only.group(1) != self.service_id:
                return 404, {"id": "not_found", "message": "service not found"}
            return 200, {
                "id": self.service_id,
                "autoDeploy": self.auto_deploy,
                "type": "web_service",
            }
        match = re.fullmatch(r"/v1/services/([^/]+)/(deploys|rollback)(?:/([^/]+))?", split.path)
        if not match:
            return 404, {"id": "not_found", "message": f"no route {split.path}"}
        service, kind, deploy_id = match.groups()
        if service != self.service_id:
            return 404, {"id": "not_found", "message": "service not found"}
        if kind == "deploys" and deploy_id is None and method == "GET":
            return self._list(query)
        if kind == "deploys" and deploy_id is None and method == "POST" and not query:
            return self._trigger(body)
        if kind == "deploys" and deploy_id and method == "GET" and not query:
            return self._retrieve(deploy_id)
        if kind == "rollback" and deploy_id is None and method == "POST" and not query:
            return self._rollback(body)
        return 405, {"id": "method_not_allowed", "message": f"{method} {split.path}"}

    def _list(self, query: dict[str, list[str]]) -> Answer:
        allowed = {"limit", "cursor", "status", "createdBefore", "createdAfter"}
        if set(query) - allowed:
            return 400, {"id": "bad_request", "message": f"unknown query {sorted(query)}"}
        limit = query.get("limit", ["20"])[0]
        if not limit.isdigit() or not 1 <= int(limit) <= 100:
            return 400, {"id": "bad_request", "message": "limit must be 1..100"}
        newest = list(reversed(self.deploys))
        statuses = [v for value in query.get("status", []) for v in value.split(",")]
        if set(statuses) - set(CONTRACT["deploy_status"]):
            return 400, {"id": "bad_request", "message": f"unknown status {statuses}"}
        if statuses:
            newest = [d for d in newest if d["status"] in statuses]
        return 200, [{"deploy": _public(d), "cursor": f"c-{d['id']}"} for d in newest[: int(limit)]]

    def _trigger(self, body: Any) -> Answer:
        allowed = set(CONTRACT["create_deploy_body"])
        if not isinstance(body, dict) or set(body) - allowed:
            return 400, {"id": "bad_request", "message": f"invalid body {body!r}"}
        if "commitId" in body and "imageUrl" in body:
            return 400, {"id": "bad_request", "message": "commitId and imageUrl are exclusive"}
        if body.get("clearCache", "do_not_clear") not in ("clear", "do_not_clear"):
            return 400, {"id": "bad_request", "message": "clearCache must be clear|do_not_clear"}
        deploy = self._new_deploy(body, trigger="api")
        if self.queue_next:
            self.queue_next = False
            deploy["status"] = "queued"
            return 202, None
        return 201, _public(deploy)

    def _retrieve(self, deploy_id: str) -> Answer:
        deploy = self._find(deploy_id)
        if deploy is None:
            return 404, {"id": "not_found", "message": "deploy not found"}
        status = deploy["status"]
        if deploy.get("_stalled") and status == "build_in_progress":
            return 200, _public(deploy)
        if status in STEPS[:-1]:
            nxt = STEPS[STEPS.index(status) + 1]
            if nxt == "update_in_progress" and deploy["commit"]["id"] in self.failing_commits:
                nxt = "build_failed"
            if nxt == "live":
                self.go_live(deploy)
            deploy["status"] = nxt
        return 200, _public(deploy)

    def go_live(self, deploy: dict[str, Any]) -> None:
        for other in self.deploys:
            if other["status"] == "live":
                other["status"] = "deactivated"
        deploy["status"] = "live"

    def _rollback(self, body: Any) -> Answer:
        if not isinstance(body, dict) or set(body) != {"deployId"}:
            return 400, {"id": "bad_request", "message": "body must be {deployId}"}
        target = self._find(str(body["deployId"]))
        if target is None or target["status"] not in ("live", "deactivated"):
            return 404, {"id": "not_found", "message": "no successful deploy with that id"}
        source = {"commitId": target["commit"]["id"]}
        if target.get("image"):
            source = {"imageUrl": target["image"]["ref"]}
        deploy = self._new_deploy(source, trigger="rollback")
        deploy["commit"] = dict(target["commit"])
        deploy["status"] = "update_in_progress"  # rollbacks reuse the build artifact
        return 201, _public(deploy)

    def _new_deploy(self, body: dict[str, Any], *, trigger: str) -> dict[str, Any]:
        deploy: dict[str, Any] = {
            "id": f"dep-{next(self._ids):04d}",
            "commit": {"id": body.get("commitId", "0" * 40), "message": "", "createdAt": ""},
            "status": "created",
            "trigger": trigger,
            "createdAt": "2026-01-01T00:00:00Z",
        }
        if "imageUrl" in body:
            deploy["image"] = {"ref": body["imageUrl"], "sha": "sha256:0"}
        if self.stall_next:
            deploy["_stalled"], self.stall_next = True, False
        self.deploys.append(deploy)
        return deploy

    def _find(self, deploy_id: str) -> dict[str, Any] | None:
        return next((d for d in self.deploys if d["id"] == deploy_id), None)


def _public(deploy: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in deploy.items() if not k.startswith("_")}


def _deploys_in(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, list):
        return [i["deploy"] for i in payload if isinstance(i, dict) and "deploy" in i]
    if isinstance(payload, dict) and "status" in payload and "commit" in payload:
        return [payload]
    return []


def _error(message: str) -> str:
    return json.dumps({"id": "error", "message": message})


def _handler_for(standin: RenderAPIStandin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                status, text = standin.handle(self.command, self.path, self.headers, raw)
            except ValueError:
                status, text = 400, _error("body is not JSON")
            data = text.encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running(*, token: str, service_id: str) -> Iterator[RenderAPIStandin]:
    with RenderAPIStandin(token=token, service_id=service_id) as standin:
        yield standin

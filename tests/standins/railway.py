"""Railway public GraphQL API stand-in on a loopback port, state in memory.

Serves POST /graphql/v2 with ``Authorization: Bearer <token>`` or
``Project-Access-Token: <token>``, and only the documented operations the provider uses:
``deployments(input: $input, first: $first)``, ``deployment(id: $id)``,
``serviceInstanceDeployV2(serviceId:, environmentId:, commitSha:)`` and
``deploymentRollback(id: $id)``. A new deployment is BUILDING until it has been read
``reads_to_finish`` times, then SUCCESS (older SUCCESS ones become REMOVED, as Railway
does) or FAILED when ``build_fail`` is set. ``fail_next`` holds HTTP statuses to answer
before serving normally (5xx to test retries, 4xx for hard failures); ``garbage`` makes
it answer 200 with an HTML page.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPS = {
    "list": re.compile(r"\bdeployments\(\s*input:\s*\$input\s*,\s*first:\s*\$first\s*\)"),
    "get": re.compile(r"\bdeployment\(\s*id:\s*\$id\s*\)"),
    "deploy": re.compile(
        r"\bserviceInstanceDeployV2\(\s*serviceId:\s*\$serviceId\s*,\s*"
        r"environmentId:\s*\$environmentId\s*,\s*commitSha:\s*\$commitSha\s*\)"
    ),
    "rollback": re.compile(r"\bdeploymentRollback\(\s*id:\s*\$id\s*\)"),
}


class RailwayStandin:
    def __init__(
        self,
        *,
        token: str,
        project_token: str | None = None,
        project_id: str = "prj_1",
        environment_id: str = "env_1",
        service_id: str = "svc_1",
        reads_to_finish: int = 1,
    ) -> None:
        self.token, self.project_token = token, project_token
        self.ids = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
        }
        self.reads_to_finish = reads_to_finish
        self.deployments: list[dict[str, Any]] = []
        self.fail_next: list[int] = []
        self.build_fail = False
        self.garbage = False  # answer 200 with an HTML page instead of JSON
        self.stall_next: list[float] = []  # seconds to sit on a request after handling it
        self.rollback_returns_bool = False  # the older schema: deploymentRollback: Boolean!
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        # a short poll interval keeps shutdown (each test's teardown) fast
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/graphql/v2"

    def __enter__(self) -> RailwayStandin:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def seed(self, commit: str) -> str:
        """A deployment that is already live, as if deployed before."""
        dep = self._new(commit)
        dep["status"], dep["reads"] = "SUCCESS", self.reads_to_finish
        self._retire_others(dep)
        return str(dep["id"])

    # -- operations -------------------------------------------------------------------
    def handle(self, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        if self.fail_next:
            code = self.fail_next.pop(0)
            return code, {"errors": [{"message": f"stand-in forced HTTP {code}"}]}
        auth_ok = headers.get("Authorization") == f"Bearer {self.token}" or (
            self.project_token is not None
            and headers.get("Project-Access-Token") == self.project_token
        )
        if not auth_ok:
            return 200, {"errors": [{"message": "Not Authorized"}]}
        query, variables = str(body.get("query", "")), body.get("variables") or {}
        op = next((name for name, rx in OPS.items() if rx.search(query)), None)
        if op is None:
            return 400, {"errors": [{"message": "Cannot query field on type Query"}]}
        handlers = {
            "list": self._op_list,
            "get": self._op_get,
            "deploy": self._op_deploy,
            "rollback": self._op_rollback,
        }
        return handlers[op](variables)

    def _op_list(self, v: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        wanted = {k: v.get("input", {}).get(k) for k in self.ids}
        if wanted != self.ids:
            return 200, {"errors": [{"message": "Not Authorized"}]}
        found = list(reversed(self.deployments))
        if (v["input"].get("status") or {}).get("successfulOnly"):
            found = [d for d in found if d["status"] == "SUCCESS"]
        edges = [{"node": _public(d)} for d in found[: int(v.get("first") or 100)]]
        return 200, {"data": {"deployments": {"edges": edges}}}

    def _op_get(self, v: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        dep = self._find(v.get("id"))
        if dep is None:
            return 200, {"errors": [{"message": "Deployment not found"}]}
        if dep["status"] == "BUILDING":
            dep["reads"] += 1
            if dep["reads"] >= self.reads_to_finish:
                dep["status"] = "FAILED" if self.build_fail else "SUCCESS"
                if dep["status"] == "SUCCESS":
                    self._retire_others(dep)
        return 200, {"data": {"deployment": _public(dep)}}

    def _op_deploy(self, v: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if v.get("serviceId") != self.ids["serviceId"] or (
            v.get("environmentId") != self.ids["environmentId"]
        ):
            return 200, {"errors": [{"message": "Service not found"}]}
        if not re.fullmatch(r"[0-9a-f]{40}", str(v.get("commitSha"))):
            return 200, {"errors": [{"message": "Failed to fetch specific commit"}]}
        return 200, {"data": {"serviceInstanceDeployV2": self._new(v["commitSha"])["id"]}}

    def _op_rollback(self, v: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        target = self._find(v.get("id"))
        if target is None or not target.get("succeeded"):
            return 200, {"errors": [{"message": "Deployment cannot be rolled back"}]}
        dep = self._new(target["meta"]["commitHash"])
        if self.rollback_returns_bool:
            return 200, {"data": {"deploymentRollback": True}}
        return 200, {"data": {"deploymentRollback": {"id": dep["id"], "status": dep["status"]}}}

    # -- helpers ----------------------------------------------------------------------
    def _new(self, commit: str) -> dict[str, Any]:
        dep = {
            "id": f"dep_{len(self.deployments) + 1}",
            "status": "BUILDING",
            "reads": 0,
            "createdAt": f"2024-01-01T00:00:{len(self.deployments):02d}Z",
            "staticUrl": f"api-{len(self.deployments) + 1}.up.railway.app",
            "meta": {"commitHash": commit},
        }
        self.deployments.append(dep)
        return dep

    def _find(self, dep_id: Any) -> dict[str, Any] | None:
        return next((d for d in self.deployments if d["id"] == dep_id), None)

    def _retire_others(self, live: dict[str, Any]) -> None:
        live["succeeded"] = True
        for dep in self.deployments:
            if dep is not live and dep["status"] == "SUCCESS":
                dep["status"] = "REMOVED"

    @property
    def live(self) -> dict[str, Any] | None:
        return next((d for d in self.deployments if d["status"] == "SUCCESS"), None)


def _public(dep: dict[str, Any]) -> dict[str, Any]:
    return {k: dep[k] for k in ("id", "status", "createdAt", "staticUrl", "meta")}


def _handler(standin: RailwayStandin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/graphql/v2" or "json" not in self.headers.get("Content-Type", ""):
                self._send(404, {"errors": [{"message": "Not Found"}]})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {"errors": [{"message": "Invalid JSON"}]})
                return
            if standin.garbage:
                raw = b"<html><body>502 Bad Gateway (cached)</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return
            with standin.lock:
                code, payload = standin.handle(self.headers, body)
                stall = standin.stall_next.pop(0) if standin.stall_next else 0.0
            # Handled, but the answer comes late: the client sees a read timeout.
            time.sleep(stall)
            self._send(code, payload)

        def do_GET(self) -> None:
            self._send(405, {"errors": [{"message": "Method Not Allowed"}]})

        def _send(self, code: int, payload: dict[str, Any]) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler

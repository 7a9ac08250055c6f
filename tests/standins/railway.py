"""Railway public GraphQL API stand-in on a loopback port, state in memory.

Every document it receives is **executed with graphql-core against Railway's published
schema** (the extract in contracts/railway-graphql.json, from railwayapp/cli
src/gql/schema.json): a field that does not exist (``successfulOnly``), a selection on a
scalar (``deploymentRollback(id) { id }`` on ``Boolean!``) or a variable of the wrong type
fails here with graphql-core's own message, as Railway rejects it. Resolvers implement
``deployments``, ``deployment``, ``serviceInstanceDeployV2``, ``serviceInstanceUpdate``,
``deploymentRollback`` and ``deploymentRedeploy``.

A new deployment is BUILDING until it has been read ``reads_to_finish`` times, then
SUCCESS (older SUCCESS ones become REMOVED, as Railway does) or FAILED when
``build_fail`` is set (``final_status`` overrides the end state, e.g. SLEEPING or
NEEDS_APPROVAL). ``fail_next`` holds HTTP statuses to answer before serving normally;
``garbage`` makes it answer 200 with an HTML page; ``stall_next`` delays answers;
``no_rollback`` holds deployment ids whose ``canRollback`` is false.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_client_schema, graphql_sync

from tests.standins.contracts import load

CONTRACT = "railway-graphql.json"


def schema() -> GraphQLSchema:
    return build_client_schema(load(CONTRACT)["data"])


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
        self.schema = schema()
        self.deployments: list[dict[str, Any]] = []
        self.image: str | None = None  # the service's source image (image services)
        self.fail_next: list[int] = []
        self.build_fail = False
        self.final_status: str | None = None
        self.no_rollback: set[str] = set()
        self.garbage = False  # answer 200 with an HTML page instead of JSON
        self.stall_next: list[float] = []  # seconds to sit on a request after handling it
        self.fail_op: tuple[str, int] | None = None  # (root field, HTTP status) while set
        self.stall_next_deploy = False  # the next deployment stays BUILDING
        self.requests: list[dict[str, Any]] = []
        self.rejected: list[str] = []  # messages of documents the schema refused
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

    def seed(self, commit: str | None = None, *, image: str | None = None) -> str:
        """A deployment that is already live, as if deployed before."""
        dep = self._new(commit, image)
        dep["status"], dep["reads"] = "SUCCESS", self.reads_to_finish
        self._retire_others(dep)
        return str(dep["id"])

    @property
    def live(self) -> dict[str, Any] | None:
        return next(
            (d for d in reversed(self.deployments) if d["status"] in ("SUCCESS", "SLEEPING")),
            None,
        )

    # -- the API ----------------------------------------------------------------------
    def handle(self, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        if self.fail_next:
            code = self.fail_next.pop(0)
            return code, {"errors": [{"message": f"stand-in forced HTTP {code}"}]}
        if self.fail_op and re.search(rf"\b{self.fail_op[0]}\(", str(body.get("query"))):
            return self.fail_op[1], {"errors": [{"message": f"HTTP {self.fail_op[1]}"}]}
        auth_ok = headers.get("Authorization") == f"Bearer {self.token}" or (
            self.project_token is not None
            and headers.get("Project-Access-Token") == self.project_token
        )
        if not auth_ok:
            return 200, {"errors": [{"message": "Not Authorized"}]}
        result = graphql_sync(
            self.schema,
            str(body.get("query", "")),
            root_value=self._resolvers(),
            variable_values=body.get("variables") or {},
            operation_name=body.get("operationName"),
        )
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
            if result.data is None:  # the document or its variables were refused
                self.rejected.extend(str(e.message) for e in result.errors)
                return 400, {"errors": answer["errors"]}
        return 200, answer

    def _resolvers(self) -> dict[str, Any]:
        return {
            "deployments": self._list,
            "deployment": self._get,
            "serviceInstanceDeployV2": self._deploy,
            "serviceInstanceUpdate": self._update,
            "deploymentRollback": self._rollback,
            "deploymentRedeploy": self._redeploy,
        }

    def _list(self, _info: Any, input: dict[str, Any], first: int | None = None, **_: Any) -> Any:
        wanted = {k: input.get(k) for k in self.ids}
        if wanted != self.ids:
            raise GraphQLError("Not Authorized")
        found = list(reversed(self.deployments))
        status = input.get("status") or {}
        if status.get("in") is not None:
            found = [d for d in found if d["status"] in status["in"]]
        if status.get("notIn") is not None:
            found = [d for d in found if d["status"] not in status["notIn"]]
        edges = [{"cursor": d["id"], "node": self._public(d)} for d in found[: first or 100]]
        page = {"hasNextPage": False, "hasPreviousPage": False}
        return {"edges": edges, "pageInfo": page}

    def _get(self, _info: Any, id: str) -> Any:
        dep = self._find(id)
        if dep is None:
            raise GraphQLError("Deployment not found")
        if dep["status"] == "BUILDING" and not dep.get("stalled"):
            dep["reads"] += 1
            if dep["reads"] >= self.reads_to_finish:
                end = self.final_status or ("FAILED" if self.build_fail else "SUCCESS")
                dep["status"] = end
                if end in ("SUCCESS", "SLEEPING"):
                    self._retire_others(dep)
        return self._public(dep)

    def _deploy(
        self, _info: Any, serviceId: str, environmentId: str, commitSha: str | None = None
    ) -> str:
        if serviceId != self.ids["serviceId"] or environmentId != self.ids["environmentId"]:
            raise GraphQLError("Service not found")
        if self.image is None:
            if commitSha is None or not re.fullmatch(r"[0-9a-f]{40}", commitSha):
                raise GraphQLError("Failed to fetch specific commit")
            return str(self._new(commitSha, None)["id"])
        return str(self._new(None, self.image)["id"])

    def _update(
        self, _info: Any, serviceId: str, input: dict[str, Any], environmentId: str | None = None
    ) -> bool:
        if serviceId != self.ids["serviceId"]:
            raise GraphQLError("Service not found")
        source = input.get("source") or {}
        if source.get("image"):
            self.image = source["image"]
        return True

    def _rollback(self, _info: Any, id: str) -> bool:
        target = self._find(id)
        if target is None or not self._can_rollback(target):
            raise GraphQLError("Deployment cannot be rolled back")
        self._new(target["meta"].get("commitHash"), target["meta"].get("image"))
        return True

    def _redeploy(self, _info: Any, id: str, usePreviousImageTag: bool | None = None) -> Any:
        target = self._find(id)
        if target is None:
            raise GraphQLError("Deployment not found")
        return self._public(
            self._new(target["meta"].get("commitHash"), target["meta"].get("image"))
        )

    # -- helpers ----------------------------------------------------------------------
    def _can_rollback(self, dep: dict[str, Any]) -> bool:
        return bool(dep.get("succeeded")) and dep["id"] not in self.no_rollback

    def _public(self, dep: dict[str, Any]) -> dict[str, Any]:
        public = {k: dep[k] for k in ("id", "status", "createdAt", "staticUrl", "meta")}
        public.update(
            canRollback=self._can_rollback(dep),
            canRedeploy=True,
            deploymentStopped=False,
            suggestAddServiceDomain=False,
            updatedAt=dep["createdAt"],
            projectId=self.ids["projectId"],
            environmentId=self.ids["environmentId"],
            serviceId=self.ids["serviceId"],
        )
        return public

    def _new(self, commit: str | None, image: str | None) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if commit:
            meta["commitHash"] = commit
        if image:
            meta["image"] = image
        dep = {
            "id": f"dep_{len(self.deployments) + 1}",
            "status": "BUILDING",
            "reads": 0,
            "createdAt": f"2024-01-01T00:00:{len(self.deployments):02d}Z",
            "staticUrl": f"api-{len(self.deployments) + 1}.up.railway.app",
            "meta": meta,
            "stalled": self.stall_next_deploy,
        }
        self.stall_next_deploy = False
        self.deployments.append(dep)
        return dep

    def _find(self, dep_id: Any) -> dict[str, Any] | None:
        return next((d for d in self.deployments if d["id"] == dep_id), None)

    def _retire_others(self, live: dict[str, Any]) -> None:
        live["succeeded"] = True
        for dep in self.deployments:
            if dep is not live and dep["status"] in ("SUCCESS", "SLEEPING"):
                dep["status"] = "REMOVED"


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
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(code, payload)  # the client may have given up

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

"""A loopback stand-in for the Heroku Platform API (the calls the heroku provider makes).

Accepts only the documented syntax (https://devcenter.heroku.com/articles/platform-api-reference):
``Accept: application/vnd.heroku+json; version=3`` (``version=3.docker-releases`` for image
updates of the formation), a Bearer token, ``Range: version ..; max=N, order=desc`` on the
release list, and JSON bodies with only the documented keys; anything else is a 4xx. State is
in memory: a build is ``pending`` until read once, then ``succeeded`` with a release; a
release is ``pending`` until read once, then ``succeeded`` and ``current``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

V3 = "application/vnd.heroku+json; version=3"
DOCKER_RELEASES = "application/vnd.heroku+json; version=3.docker-releases"
Answer = tuple[int, Any, dict[str, str]]


class HerokuAPIStandin:
    def __init__(self, *, token: str, app: str) -> None:
        self.token = token
        self.app = app
        self.releases: list[dict[str, Any]] = []  # by version, ascending
        self.builds: dict[str, dict[str, Any]] = {}
        self.formation: dict[str, str] = {}  # process type -> docker image
        self.requests: list[tuple[str, str, Any]] = []
        self.ranges: list[str | None] = []  # Range headers of release lists, in order
        self.failing_versions: set[str] = set()  # source_blob versions whose build fails
        self.failing_releases = False  # release phase fails for new releases
        self._faults: list[tuple[int, str | None]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def fail_next(self, status: int, times: int = 1, body: str | None = None) -> None:
        self._faults.extend([(status, body)] * times)

    def seed_release(self, description: str, source: str) -> dict[str, Any]:
        release = self._new_release(description, source)
        self._succeed(release)
        return release

    def live(self) -> dict[str, Any] | None:
        return next((r for r in self.releases if r["current"]), None)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HerokuAPIStandin:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, method: str, path: str, headers: Any, raw: bytes) -> Answer:
        with self._lock:
            body = json.loads(raw) if raw else None
            self.requests.append((method, path, body))
            if self._faults:
                status, text = self._faults.pop(0)
                return status, text if text is not None else _err("injected fault"), {}
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, _err("Invalid credentials provided.", "unauthorized"), {}
            accept = headers.get("Accept")
            docker = method == "PATCH" and path.endswith("/formation")
            if accept != (DOCKER_RELEASES if docker else V3):
                return 400, _err(f"unexpected Accept header {accept!r}", "bad_request"), {}
            return self._route(method, path, body, headers)

    def _route(self, method: str, path: str, body: Any, headers: Any) -> Answer:
        match = re.fullmatch(r"/apps/([^/]+)/(releases|builds|formation)(?:/([^/]+))?", path)
        if not match or match.group(1) != self.app:
            return 404, _err("Couldn't find that app.", "not_found"), {}
        kind, ident = match.group(2), match.group(3)
        if (method, kind, ident) == ("GET", "releases", None):
            return self._list(headers.get("Range"))
        if method == "GET" and ident is not None:
            return self._read(kind, ident)
        if (method, kind, ident) == ("POST", "releases", None):
            return self._rollback(body)
        if (method, kind, ident) == ("POST", "builds", None):
            return self._build(body)
        if (method, kind, ident) == ("PATCH", "formation", None):
            return self._formation(body)
        return 405, _err(f"{method} {path} is not allowed", "method_not_allowed"), {}

    def _list(self, range_header: str | None) -> Answer:
        self.ranges.append(range_header)
        if range_header is None:
            return 200, self.releases[:200], {}
        options = _parse_range(range_header)
        if options is None:
            return 400, _err(f"invalid Range {range_header!r}", "bad_request"), {}
        limit = min(int(options.get("max", 200)), 1000)
        ordered = self.releases[::-1] if options.get("order") == "desc" else self.releases
        page = ordered[:limit]
        status = 206 if len(ordered) > limit else 200
        return status, page, {"Accept-Ranges": "id, version"}

    def _read(self, kind: str, ident: str) -> Answer:
        if kind == "builds" and ident in self.builds:
            build = self.builds[ident]
            if build["status"] == "pending":
                self._finish_build(build)
            return 200, build, {}
        if kind == "releases":
            release = next(
                (r for r in self.releases if ident in (r["id"], str(r["version"]))), None
            )
            if release is not None:
                if release["status"] == "pending":
                    self._succeed(release)
                return 200, release, {}
        return 404, _err(f"Couldn't find that {kind[:-1]}.", "not_found"), {}

    def _build(self, body: Any) -> Answer:
        blob = body.get("source_blob") if isinstance(body, dict) else None
        if set(body or {}) - {"source_blob", "buildpacks"} or not isinstance(blob, dict):
            return 422, _err("source_blob is required", "invalid_params"), {}
        if set(blob) - {"url", "version", "checksum", "version_description"}:
            return 422, _err(f"unknown source_blob keys {sorted(blob)}", "invalid_params"), {}
        if not str(blob.get("url", "")).startswith(("http://", "https://")):
            return 422, _err("source_blob.url must be an http(s) URL", "invalid_params"), {}
        build_id = f"b{next(self._ids):04d}"
        build = {"id": build_id, "status": "pending", "source_blob": blob, "release": None}
        self.builds[build_id] = build
        return 201, build, {}

    def _finish_build(self, build: dict[str, Any]) -> None:
        version = str(build["source_blob"].get("version"))
        if version in self.failing_versions:
            build["status"] = "failed"
            return
        release = self._new_release(f"Deploy {version[:8]}", f"build:{version}")
        build.update(status="succeeded", release={"id": release["id"]})

    def _formation(self, body: Any) -> Answer:
        updates = body.get("updates") if isinstance(body, dict) else None
        if set(body or {}) != {"updates"} or not isinstance(updates, list) or not updates:
            return 422, _err("updates must be a non-empty list", "invalid_params"), {}
        for update in updates:
            if not isinstance(update, dict) or set(update) != {"type", "docker_image"}:
                return 422, _err(f"invalid update {update!r}", "invalid_params"), {}
            if not str(update["docker_image"]).startswith("sha256:"):
                return 422, _err("docker_image must be an image id", "invalid_params"), {}
        for update in updates:
            self.formation[update["type"]] = update["docker_image"]
        image = updates[0]["docker_image"]
        self._new_release(f"Deployed {updates[0]['type']} ({image[7:19]})", f"image:{image}")
        return 200, [{"type": t, "docker_image": i} for t, i in self.formation.items()], {}

    def _rollback(self, body: Any) -> Answer:
        if not isinstance(body, dict) or set(body) != {"release"}:
            return 422, _err("body must be {release}", "invalid_params"), {}
        target = next((r for r in self.releases if r["id"] == body["release"]), None)
        if target is None:
            return 404, _err("Couldn't find that release.", "not_found"), {}
        release = self._new_release(f"Rollback to v{target['version']}", target["source"])
        return 201, release, {}

    def _new_release(self, description: str, source: str) -> dict[str, Any]:
        release = {
            "id": f"r{next(self._ids):04d}-0000-4000-8000-000000000000",
            "version": len(self.releases) + 1,
            "description": description,
            "status": "pending",
            "current": False,
            "source": source,  # not Heroku's: what the stand-in runs, for assertions
        }
        self.releases.append(release)
        return release

    def _succeed(self, release: dict[str, Any]) -> None:
        if self.failing_releases and release["version"] > 1:
            release["status"] = "failed"
            return
        for other in self.releases:
            other["current"] = False
        release.update(status="succeeded", current=True)


def _parse_range(header: str) -> dict[str, str] | None:
    """``version ..; max=10, order=desc`` -> {"max": "10", "order": "desc"}; None if invalid."""
    field, _, params = header.partition(";")
    if field.strip() != "version ..":
        return None
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;,]", params))):
        key, _, value = part.partition("=")
        if not (
            (key == "max" and value.isdigit()) or (key == "order" and value in ("asc", "desc"))
        ):
            return None
        options[key] = value
    return options


def _err(message: str, ident: str = "error") -> str:
    return json.dumps({"id": ident, "message": message})


def _handler_for(standin: HerokuAPIStandin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                status, payload, extra = standin.handle(self.command, self.path, self.headers, raw)
            except ValueError:
                status, payload, extra = 400, _err("body is not JSON"), {}
            data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler

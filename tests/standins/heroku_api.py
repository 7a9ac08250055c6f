"""A loopback stand-in for the Heroku Platform API and the Heroku container registry.

Every request is checked against the Platform API's JSON hyper-schema (the extract in
contracts/heroku-platform-api.json, from heroku/platform-api schema.json): it must match a
link's ``href`` and ``method``, and its body must validate against the link's ``schema``
(jsonschema, draft 4, refs resolved in the extract). A request no link allows answers 404
and is kept in ``violations``; a body the schema refuses answers 422 ``invalid_params``
with the validator's message. Every answer is validated against the link's
``targetSchema`` (plus ``strictProperties`` as interagent defines it for a resource:
exactly those properties), and a mismatch is kept in ``violations`` too.

The ``version=3.docker-releases`` variant of the formation Batch Update (``docker_image``
in an update, as heroku/cli src/commands/container/release.ts sends it) is not in the
published schema: it is validated against Batch Update with ``docker_image`` added to the
update item. The registry part serves ``GET /v2/<app>/<process>/manifests/<tag>`` (Docker
manifest schema 2, ``config.digest`` = the image id) to ``Basic base64(":" + key)``.

State is in memory: a build is ``pending`` until read once, then ``succeeded`` with a
release; a release is ``pending`` until read once, then ``succeeded`` and ``current``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jsonschema
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

from tests.standins.contracts import load

V3 = "application/vnd.heroku+json; version=3"
DOCKER_RELEASES = "application/vnd.heroku+json; version=3.docker-releases"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
Answer = tuple[int, Any, dict[str, str]]
CONTRACT = load("heroku-platform-api.json")
WHEN = "2026-01-01T00:00:00Z"


def _strict_properties(validator: Any, strict: Any, instance: Any, schema: Any) -> Any:
    if strict and validator.is_type(instance, "object"):
        expected = set(schema.get("properties") or {})
        if set(instance) != expected:
            missing, extra = sorted(expected - set(instance)), sorted(set(instance) - expected)
            yield ValidationError(f"strictProperties: missing {missing}, unexpected {extra}")


StrictDraft4 = jsonschema.validators.extend(
    Draft4Validator, {"strictProperties": _strict_properties}
)


def _validator(schema: Mapping[str, Any], *, answer: bool = False) -> Any:
    """Requests: draft 4. Answers: draft 4 plus interagent's strictProperties."""
    root = {"definitions": CONTRACT["definitions"], **schema}
    return StrictDraft4(root) if answer else Draft4Validator(root)


def _href_pattern(href: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\\\(.*?\\\)\\\}", "[^/]+", re.escape(href)) + "$")


LINKS = [(link["method"], _href_pattern(link["href"]), link) for link in CONTRACT["links"]]


def _docker_batch_update(link: Mapping[str, Any]) -> dict[str, Any]:
    update = json.loads(json.dumps(CONTRACT["definitions"]["formation"]["definitions"]["update"]))
    update["properties"]["docker_image"] = {"type": ["string"], "pattern": "^sha256:[0-9a-f]{64}$"}
    schema = json.loads(json.dumps(link["schema"]))
    schema["properties"]["updates"]["items"] = update
    return schema


class HerokuAPIStandin:
    def __init__(self, *, token: str, app: str) -> None:
        self.token = token
        self.app = app
        self.releases: list[dict[str, Any]] = []  # by version, ascending
        self.builds: dict[str, dict[str, Any]] = {}
        self.formation: dict[str, str] = {}  # process type -> docker image
        self.images: dict[tuple[str, str], str] = {}  # (process, tag) -> image id
        self.requests: list[tuple[str, str, Any]] = []
        self.ranges: list[str | None] = []  # Range headers of release lists, in order
        self.violations: list[str] = []
        self.failing_versions: set[str] = set()  # source_blob versions whose build fails
        self.failing_releases = False  # release phase fails for new releases
        self.no_new_release = False  # a formation update creates no release
        self.stall_builds = False  # builds stay pending
        self.fail_route: tuple[str, str, int] | None = None  # (method, path suffix, status)
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

    def seed_build(self, version: str) -> dict[str, Any]:
        """A build of commit ``version`` that succeeded and is live, as deployed before."""
        build = self._new_build({"url": "https://example.test/src.tgz", "version": version})
        self._finish_build(build)
        self._succeed(self._release(build["release"]["id"]))
        return build

    def push_image(self, process: str, tag: str) -> str:
        """An image pushed as registry.heroku.com/<app>/<process>:<tag>; its id."""
        image_id = "sha256:" + hashlib.sha256(f"{process}:{tag}".encode()).hexdigest()
        self.images[(process, tag)] = image_id
        return image_id

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

    # -- the API -------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: Any, raw: bytes) -> Answer:
        with self._lock:
            body = json.loads(raw) if raw else None
            self.requests.append((method, path, body))
            if self._faults:
                status, text = self._faults.pop(0)
                return status, text if text is not None else _err("injected fault"), {}
            if path.startswith("/v2/"):
                return self._manifest(method, path, headers)
            fail = self.fail_route
            if fail and method == fail[0] and path.endswith(fail[1]):
                return fail[2], _err("Service Unavailable", "service_unavailable"), {}
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, _err("Invalid credentials provided.", "unauthorized"), {}
            link = next(
                (
                    lk
                    for m, rx, lk in LINKS
                    if m == method and rx.match(path.split("?", maxsplit=1)[0])
                ),
                None,
            )
            if link is None:
                self.violations.append(f"no link of the schema is {method} {path}")
                return 404, _err(f"{method} {path} is not in the Platform API", "not_found"), {}
            docker = link["title"] == "Batch Update" and link["resource"] == "formation"
            accept = headers.get("Accept")
            if accept != (DOCKER_RELEASES if docker else V3):
                return 400, _err(f"unexpected Accept header {accept!r}", "bad_request"), {}
            schema = link.get("schema")
            if docker:
                schema = _docker_batch_update(link)
            if schema is not None:
                error = next(iter(_validator(schema).iter_errors(body)), None)
                if error is not None:
                    return 422, _err(f"invalid params: {error.message}", "invalid_params"), {}
            status, payload, extra = self._route(method, path, body, headers)
            if status < 300 and "targetSchema" in link:
                for error in _validator(link["targetSchema"], answer=True).iter_errors(payload):
                    self.violations.append(f"{link['title']} {link['resource']}: {error.message}")
            return status, payload, extra

    def _manifest(self, method: str, path: str, headers: Any) -> Answer:
        basic = "Basic " + base64.b64encode(f":{self.token}".encode()).decode()
        if headers.get("Authorization") != basic:
            return 401, {"errors": [{"code": "UNAUTHORIZED"}]}, {}
        match = re.fullmatch(r"/v2/([^/]+)/([^/]+)/manifests/([^/]+)", path)
        if method != "GET" or not match or match.group(1) != self.app:
            return 404, {"errors": [{"code": "NAME_UNKNOWN"}]}, {}
        if headers.get("Accept") != MANIFEST_V2:
            return 404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "schema 1"}]}, {}
        image_id = self.images.get((match.group(2), match.group(3)))
        if image_id is None:
            return 404, {"errors": [{"code": "MANIFEST_UNKNOWN"}]}, {}
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_V2,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1472,
                "digest": image_id,
            },
            "layers": [],
        }
        return 200, manifest, {}

    def _route(self, method: str, path: str, body: Any, headers: Any) -> Answer:
        match = re.fullmatch(r"/apps/([^/]+)/(releases|builds|formation)(?:/([^/]+))?", path)
        if not match or match.group(1) != self.app:
            return 404, _err("Couldn't find that app.", "not_found"), {}
        kind, ident = match.group(2), match.group(3)
        if (method, kind, ident) == ("GET", "releases", None):
            return self._list(headers.get("Range"))
        if (method, kind, ident) == ("GET", "builds", None):
            return 200, [self._public(b) for b in self.builds.values()], {}
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
        public = [self._public(r) for r in self.releases]
        if range_header is None:
            return 200, public[:200], {}
        options = _parse_range(range_header)
        if options is None:
            return 400, _err(f"invalid Range {range_header!r}", "bad_request"), {}
        limit = min(int(options.get("max", 200)), 1000)
        ordered = public[::-1] if options.get("order") == "desc" else public
        page = ordered[:limit]
        status = 206 if len(ordered) > limit else 200
        return status, page, {"Accept-Ranges": "id, version"}

    def _read(self, kind: str, ident: str) -> Answer:
        if kind == "builds" and ident in self.builds:
            build = self.builds[ident]
            if build["status"] == "pending" and not self.stall_builds:
                self._finish_build(build)
            return 200, self._public(build), {}
        if kind == "releases":
            release = next(
                (r for r in self.releases if ident in (r["id"], str(r["version"]))), None
            )
            if release is not None:
                if release["status"] == "pending":
                    self._succeed(release)
                return 200, self._public(release), {}
        return 404, _err(f"Couldn't find that {kind[:-1]}.", "not_found"), {}

    def _build(self, body: Any) -> Answer:
        blob = body["source_blob"]
        if not str(blob.get("url", "")).startswith(("http://", "https://")):
            return 422, _err("source_blob.url must be an http(s) URL", "invalid_params"), {}
        return 201, self._public(self._new_build(blob)), {}

    def _new_build(self, blob: Mapping[str, Any]) -> dict[str, Any]:
        build_id = _uuid(next(self._ids))
        build = {
            "id": build_id,
            "status": "pending",
            "source_blob": {
                "url": blob["url"],
                "version": blob.get("version"),
                "checksum": None,
                "version_description": None,
            },
            "release": None,
            "app": {"id": _uuid(0)},
            "slug": None,
            "buildpacks": None,
            "created_at": WHEN,
            "updated_at": WHEN,
            "output_stream_url": "https://build-output.heroku.com/streams/1",
            "stack": "heroku-24",
            "user": {"id": _uuid(1), "email": "ci@example.test"},
        }
        self.builds[build_id] = build
        return build

    def _finish_build(self, build: dict[str, Any]) -> None:
        version = str(build["source_blob"].get("version"))
        if version in self.failing_versions:
            build["status"] = "failed"
            return
        release = self._new_release(f"Deploy {version[:8]}", f"build:{version}")
        build.update(status="succeeded", release={"id": release["id"]})

    def _formation(self, body: Any) -> Answer:
        updates = body["updates"]
        for update in updates:
            self.formation[update["type"]] = update.get("docker_image", "")
        if not self.no_new_release:
            image = updates[0].get("docker_image", "")
            self._new_release(f"Deployed {updates[0]['type']} ({image[7:19]})", f"image:{image}")
        return 200, [self._formation_item(t) for t in self.formation], {}

    def _formation_item(self, process: str) -> dict[str, Any]:
        return {
            "app": {"id": _uuid(0), "name": self.app},
            "command": "web",
            "created_at": WHEN,
            "dyno_size": {"id": _uuid(2), "name": "basic"},
            "id": _uuid(3),
            "quantity": 1,
            "size": "basic",
            "type": process,
            "updated_at": WHEN,
        }

    def _rollback(self, body: Any) -> Answer:
        target = next((r for r in self.releases if r["id"] == body["release"]), None)
        if target is None:
            return 404, _err("Couldn't find that release.", "not_found"), {}
        release = self._new_release(f"Rollback to v{target['version']}", target["_source"])
        return 201, self._public(release), {}

    def _release(self, release_id: str) -> dict[str, Any]:
        return next(r for r in self.releases if r["id"] == release_id)

    def _new_release(self, description: str, source: str) -> dict[str, Any]:
        release = {
            "id": _uuid(1000 + next(self._ids)),
            "version": len(self.releases) + 1,
            "description": description,
            "status": "pending",
            "current": False,
            "addon_plan_names": [],
            "artifacts": [],
            "app": {"id": _uuid(0), "name": self.app},
            "created_at": WHEN,
            "updated_at": WHEN,
            "slug": None,
            "user": {"id": _uuid(1), "email": "ci@example.test"},
            "output_stream_url": None,
            "eligible_for_rollback": True,
            "_source": source,  # not Heroku's: what the stand-in runs, for assertions
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

    @staticmethod
    def _public(obj: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}


def _uuid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-000000000000"


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

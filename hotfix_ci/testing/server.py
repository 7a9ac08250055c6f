"""The HTTP side of the emulator: a ThreadingHTTPServer on loopback in a daemon thread.

Every answer carries GitHub's rate-limit headers and ``X-GitHub-Request-Id``; requests need
``Authorization: token X`` or ``Bearer X`` (401 "Bad credentials" otherwise), and a token
limited by ``set_token_permissions`` gets 403 "Resource not accessible by integration" with
the ``X-Accepted-GitHub-Permissions`` header GitHub sends,
https://github.blog/changelog/2023-08-10-x-accepted-github-permissions-header-for-fine-grained-permission-actors/
Rate-limit headers: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api

With a ``prefix`` (``/api/v3``, as GitHub Enterprise Server serves its API) every route lives
under it and the web links in bodies (``html_url``, ``_links.html``, ...) point at the root,
as on an Enterprise Server: ``http://127.0.0.1:PORT/acme/web/pull/1``. A path outside the
prefix answers 404.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from hotfix_ci.testing import (  # noqa: F401  (importing registers every route; no two overlap)
    routes_admin,
    routes_checks,
    routes_deploy,
    routes_git,
    routes_issues,
    routes_pulls,
    routes_releases,
    routes_repos,
    routes_reviews,
)
from hotfix_ci.testing.faults import FaultSet, fault_response
from hotfix_ci.testing.routes_base import DOCS, ApiError, Request, Response, match
from hotfix_ci.testing.state import RATE_LIMIT, Store

ACCESS_RANK = {"none": 0, "read": 1, "write": 2, "admin": 3}
Validator = Callable[[str, str, int, object], list[str]]
# Keys whose URLs are web pages, not API resources: under a prefix they point at the root.
WEB_LINK_KEYS = frozenset(
    {"html_url", "diff_url", "patch_url", "blob_url", "raw_url", "download_url", "clone_url",
     "git_url", "svn_url", "html"}
)  # fmt: skip


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    status: int  # 0: the connection was dropped by a "disconnect" fault


class Dispatcher:
    """Turns one HTTP request into a Response: auth, permissions, route, contract check."""

    def __init__(self, store: Store, token: str | None, validator: Validator | None) -> None:
        self.store = store
        self.token = token
        self.validator = validator
        self.faults = FaultSet()
        self.requests: list[RecordedRequest] = []
        self.contract_violations: list[str] = []
        # Run under the store's lock before each request (e.g. mirroring a real git remote).
        self.before_request: list[Callable[[Store], None]] = []

    def respond(
        self, method: str, raw_path: str, auth: str, raw_body: bytes, base: str
    ) -> Response:
        split = urlsplit(raw_path)
        path, query = split.path.rstrip("/") or "/", dict(parse_qsl(split.query))
        scheme, _, token = auth.partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            return ApiError(401, "Bad credentials").response()
        if self.token is not None and token.strip() != self.token:
            return ApiError(401, "Bad credentials").response()
        found = match(method, path)
        if found is None:
            return ApiError.not_found().response()
        route, params = found
        denied = self._denied(route.permissions)
        if denied is not None:
            return denied
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            return ApiError(400, "Problems parsing JSON").response()
        request = Request(method, path, query, body, base, params)
        with self.store.lock:
            for hook in self.before_request:
                hook(self.store)
            try:
                response = route.handler(self.store, request)
            except ApiError as exc:
                response = exc.response()
            except Exception:  # a bug in the emulator must fail the test, not hang it
                self.contract_violations.append(
                    f"emulator error on {method} {path}:\n{traceback.format_exc()}"
                )
                response = Response(
                    500, {"message": "Emulator internal error", "documentation_url": DOCS}
                )
            if self.validator is not None and response.body is not None:
                self._check(method, path, response)
        return response

    def _check(self, method: str, path: str, response: Response) -> None:
        assert self.validator is not None
        found = self.validator(method, path, response.status, response.body)
        # Every route the emulator serves is in the subset; only a 404 for a path that no
        # route matches has no operation to be checked against.
        unmatched = found and found[0].startswith("no operation in the OpenAPI subset")
        if found and not (unmatched and response.status == 404):
            self.contract_violations.extend(found)

    def _denied(self, needs: tuple[tuple[str, str], ...]) -> Response | None:
        granted = self.store.token_permissions
        if granted is None or not needs:
            return None
        for name, access in needs:
            # permissions the test did not mention stay granted; "none" denies one
            if ACCESS_RANK[granted.get(name, "write")] >= ACCESS_RANK[access]:
                return None
        header = "; ".join(f"{name}={access}" for name, access in needs)
        error = ApiError(
            403,
            "Resource not accessible by integration",
            headers={"X-Accepted-GitHub-Permissions": header},
        )
        return error.response()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: PyGithub reuses one connection
    disable_nagle_algorithm = True  # headers and body go out without a 40 ms delayed-ACK stall
    timeout = 30
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        dispatcher = self.server.dispatcher
        raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        prefix = self.server.prefix
        inside = self.path == prefix or self.path.startswith((prefix + "/", prefix + "?"))
        if prefix and not inside:
            self._send(ApiError.not_found().response())
            return
        self.path = self.path[len(prefix) :] or "/"
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query))
        fault = dispatcher.faults.take(method, split.path)
        answer = None
        applied = None
        if fault is not None and fault.apply:
            auth = self.headers.get("Authorization", "")
            applied = dispatcher.respond(method, self.path, auth, raw_body, self.server.base_url)
        if fault is not None:
            time.sleep(fault.delay)
            answer = fault_response(fault, self.server.store.login)
        if answer is not None and answer.status == 0:
            dispatcher.requests.append(RecordedRequest(method, split.path, query, 0))
            self.close_connection = True  # hang up without a response
            return
        if answer is not None:
            response = Response(answer.status, answer.body, answer.headers)
        elif applied is not None:
            response = applied
        else:
            auth = self.headers.get("Authorization", "")
            response = dispatcher.respond(method, self.path, auth, raw_body, self.server.base_url)
        dispatcher.requests.append(RecordedRequest(method, split.path, query, response.status))
        if prefix and response.body is not None:
            response = Response(
                response.status,
                web_links(response.body, self.server.base_url, self.server.web_url),
                response.headers,
            )
        self._send(response)

    def _send(self, response: Response) -> None:
        store = self.server.store
        with store.lock:
            remaining = store.count_request()
        payload = b"" if response.body is None else json.dumps(response.body).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": str(len(payload)),
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(store.rate_reset),
            "X-RateLimit-Used": str(RATE_LIMIT - remaining),
            "X-RateLimit-Resource": "core",
            "X-GitHub-Request-Id": uuid.uuid4().hex[:20].upper(),
            **response.headers,
        }
        self.send_response(response.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int, dispatcher: Dispatcher, store: Store, prefix: str = "") -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.dispatcher = dispatcher
        self.store = store
        self.prefix = prefix
        self.web_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.base_url = self.web_url + prefix

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (its timeout hit a "slow" fault) is expected, not an error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def web_links(value: Any, api_url: str, web_url: str, key: str = "") -> Any:
    """``value`` with the web links under ``api_url`` moved to ``web_url`` (a new copy)."""
    if isinstance(value, dict):
        # {"html": {"href": url}}: the href belongs to the key above it
        return {
            k: web_links(v, api_url, web_url, key if k == "href" else k) for k, v in value.items()
        }
    if isinstance(value, list):
        return [web_links(item, api_url, web_url, key) for item in value]
    if isinstance(value, str) and key in WEB_LINK_KEYS and value.startswith(api_url + "/"):
        return web_url + value[len(api_url) :]
    return value

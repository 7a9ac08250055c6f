"""Loopback stand-ins for the gates' integration tests: a scriptable health endpoint, and
a real Prometheus scraping a real prometheus_client app (prometheus_stack fixture)."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from tests.helpers.servers import require

# A behaviour per request: "healthy", "error" (500), "slow" (answers after the test ends),
# "wrong_json", "no_ok" (JSON without the expected text), "drop" (close without answering),
# "no_content" (204), "delay" (healthy after HealthApp.delay seconds).
HEALTHY = {"status": "healthy", "message": "all ok"}


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        # "drop" closes sockets under the handler on purpose; its broken pipe is expected.
        pass


class HealthApp:
    def __init__(self) -> None:
        self.script: list[str] = []
        self.default = "healthy"
        self.delay = 0.0
        self.requests: list[dict[str, str]] = []
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/health"

    def next_behaviour(self, headers: dict[str, str]) -> str:
        with self.lock:
            self.requests.append(headers)
            return self.script.pop(0) if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                behaviour = app.next_behaviour(dict(self.headers.items()))
                if behaviour == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if behaviour == "slow":
                    app.released.wait(10)
                if behaviour == "delay":
                    app.released.wait(app.delay)
                status, body = {
                    "error": (500, {"status": "failing", "message": "db down"}),
                    "wrong_json": (200, {"status": "degraded", "message": "ok-ish"}),
                    "no_ok": (200, {"status": "healthy", "message": "fine"}),
                    "no_content": (204, None),
                }.get(behaviour, (200, HEALTHY))
                payload = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


@pytest.fixture
def make_health_app() -> Iterator[Callable[[], HealthApp]]:
    """Start as many health endpoints as a test needs; all stop at teardown."""
    started: list[tuple[HealthApp, threading.Thread]] = []

    def start() -> HealthApp:
        app = HealthApp()
        thread = threading.Thread(target=app.server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        started.append((app, thread))
        return app

    yield start
    for app, thread in started:
        app.released.set()
        app.server.shutdown()
        app.server.server_close()
        thread.join(5)


@pytest.fixture
def health_app(make_health_app: Callable[[], HealthApp]) -> HealthApp:
    return make_health_app()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nobody listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/health"


# --- a real Prometheus scraping a real prometheus_client app ------------------------------

PROMETHEUS_MISSING = (
    "the `prometheus` binary is not on PATH: these tests need a real Prometheus server. "
    "Install the Debian package (apt-get install -y prometheus; .ci/run does this in CI) "
    "and rerun."
)


class ShopApp:
    """A loopback app instrumented with prometheus_client. ``/api`` always answers 200;
    ``/checkout`` answers 500 while ``checkout_failing`` is set. A load thread keeps
    both busy so rate() has something to compute."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests", "Requests served", ["handler", "code"], registry=self.registry
        )
        for handler in ("/api", "/checkout"):
            for code in ("200", "500"):
                self.requests.labels(handler=handler, code=code)  # series exist at 0
        self.checkout_failing = False
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.stopped = threading.Event()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/metrics":
                    status, payload = 200, generate_latest(app.registry)
                else:
                    failing = self.path == "/checkout" and app.checkout_failing
                    status, payload = (500 if failing else 200), b"{}"
                    app.requests.labels(handler=self.path, code=str(status)).inc()
                self.send_response(status)
                self.send_header("Content-Type", CONTENT_TYPE_LATEST)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def load(self) -> None:
        while not self.stopped.wait(0.01):
            for path in ("/api", "/checkout"):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    connection.request("GET", path)
                    connection.getresponse().read()
                except OSError:
                    pass
                finally:
                    connection.close()


@dataclass
class PrometheusStack:
    url: str
    app: ShopApp

    def query(self, promql: str) -> list[Any]:
        with requests.Session() as session:
            session.trust_env = False
            answer = session.get(f"{self.url}/api/v1/query", params={"query": promql}, timeout=5)
        result: list[Any] = answer.json()["data"]["result"]
        return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def prometheus_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusStack]:
    binary = shutil.which("prometheus")
    require(binary is not None, "prometheus", PROMETHEUS_MISSING)
    assert binary is not None
    workdir = tmp_path_factory.mktemp("prometheus")
    app = ShopApp()
    threads = [
        threading.Thread(target=app.server.serve_forever, kwargs={"poll_interval": 0.05}),
        threading.Thread(target=app.load),
    ]
    for thread in threads:
        thread.start()
    config = workdir / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - {{job_name: shop, static_configs: [{{targets: ['127.0.0.1:{app.port}']}}]}}\n"
    )
    port = _free_port()
    log = (workdir / "prometheus.log").open("w")
    server = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    stack = PrometheusStack(url=f"http://127.0.0.1:{port}", app=app)
    try:
        _wait_for_data(stack, server, workdir / "prometheus.log")
        yield stack
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()
        app.stopped.set()
        app.server.shutdown()
        app.server.server_close()
        for thread in threads:
            thread.join(5)


def _wait_for_data(stack: PrometheusStack, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until rate() over the app's counters has a value (two scrapes), at most 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prometheus exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if stack.query('sum(rate(http_requests_total{handler="/api"}[5s])) > 0'):
                return
        except (requests.RequestException, KeyError, ValueError):
            pass
        time.sleep(0.25)
    pytest.fail(f"prometheus had no data after 30 s:\n{log.read_text()[-2000:]}")

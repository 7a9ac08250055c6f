"""A sample service and its deploy tool, for ``hotfix-ci demo``, tests and the benchmark.

Standard library only, so the command provider can run this file directly with
``sys.executable`` (an argument list, no shell, no install needed):

    python sample_app.py deploy STATE TAG      # make TAG live
    python sample_app.py rollback STATE REF    # make REF live again
    python sample_app.py current STATE         # print what is live

STATE is a JSON file: ``live`` (the live tag), ``bad`` (tags whose /health answers 500),
``fail`` (verb -> message: that verb exits 1 with the message), ``started`` (verb -> the
epoch time it last started, for the benchmark). :class:`SampleService` serves
``GET /health`` on 127.0.0.1 from the same file.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def read_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(path: Path, data: dict[str, Any]) -> None:
    # Replace atomically: the service reads the file while the tool writes it.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    tmp.replace(path)


def update_state(path: Path, **values: Any) -> None:
    data = read_state(path)
    data.update(values)
    write_state(path, data)


def tool(argv: list[str]) -> int:
    """The deploy tool's entry point; returns the exit code."""
    if len(argv) < 2 or argv[0] not in ("deploy", "rollback", "current"):
        print("usage: sample_app.py deploy|rollback|current STATE [REF]", file=sys.stderr)
        return 2
    verb, path = argv[0], Path(argv[1])
    data = read_state(path)
    data.setdefault("started", {})[verb] = time.time()
    data.setdefault("calls", []).append(argv)
    write_state(path, data)
    failure = data.get("fail", {}).get(verb)
    if failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    if verb == "current":
        if data.get("live"):
            print(data["live"])
        return 0
    if len(argv) < 3:
        print(f"usage: sample_app.py {verb} STATE REF", file=sys.stderr)
        return 2
    data["live"] = argv[2]
    write_state(path, data)
    print(f"{argv[2]} is live")
    return 0


class SampleService:
    """``GET /health`` on 127.0.0.1: 200 ``{"status": "healthy", "version": TAG}`` or, for a
    tag listed under ``bad``, 500 ``{"status": "failing"}``."""

    def __init__(self, state: Path) -> None:
        self.state = state
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                data = read_state(service.state)
                live = str(data.get("live") or "")
                if self.path != "/health":
                    code, body = 404, {"status": "not found"}
                elif live and live in data.get("bad", []):
                    code, body = 500, {"status": "failing", "version": live}
                else:
                    code, body = 200, {"status": "healthy", "version": live}
                payload = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/health"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> SampleService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


def command_settings(state: Path) -> dict[str, Any]:
    """The ``with:`` block of a ``command`` provider driving this tool."""
    script = str(Path(__file__).resolve())
    base = [sys.executable, script]
    return {
        "deploy": [*base, "deploy", str(state), "{tag}"],
        "rollback": [*base, "rollback", str(state), "{rollback_ref}"],
        "current": [*base, "current", str(state)],
        "timeout": 60,
    }


if __name__ == "__main__":
    sys.exit(tool(sys.argv[1:]))

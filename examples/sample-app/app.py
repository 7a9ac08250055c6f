"""The sample app: ``GET /health`` on 127.0.0.1 for whatever release its state file says is
live (200 ``{"status": "healthy"}``, or 500 for a tag listed under ``bad``).

    python examples/sample-app/app.py [--port 8000] [STATE]   # STATE: service-state.json

The state file is the one hotfix-ci's sample deploy tool writes
(``python -m hotfix_ci.commands.demo.sample_app deploy|rollback|current STATE ...``); the answers
are those of :class:`hotfix_ci.commands.demo.sample_app.SampleService`, which ``hotfix-ci demo``
runs in-process on a random port. This script only puts it on a port you choose.
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from hotfix_ci.commands.demo.sample_app import read_state


def health(state: Path) -> tuple[int, dict[str, str]]:
    """The status and body of ``GET /health`` for the release live in ``state``."""
    data = read_state(state)
    live = str(data.get("live") or "")
    if live and live in data.get("bad", []):
        return 500, {"status": "failing", "version": live}
    return 200, {"status": "healthy", "version": live}


def serve(state: Path, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            code, body = health(state) if self.path == "/health" else (404, {"status": "?"})
            payload = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Serve /health for the sample app.")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("state", nargs="?", default="service-state.json", type=Path)
    args = parser.parse_args(argv)
    server = serve(args.state, args.port)
    print(f"serving http://127.0.0.1:{server.server_address[1]}/health", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""A loopback receiver for the ``webhook`` channel: checks the signature, prints what came.

For ``hotfix-ci demo`` and for teams testing their config before wiring a real endpoint::

    with WebhookReceiver(secret="s3cret", out=sys.stdout) as receiver:
        env["HOTFIX_WEBHOOK_URL"] = receiver.url
        ...  # hotfix-ci notify --event deployed ...
    receiver.deliveries  # what arrived, each with `verified`

It listens on 127.0.0.1 only, answers 204 to a delivery whose ``X-Hotfix-Signature-256``
matches the body (and 401 otherwise, as a real receiver should), and counts a repeated
``X-Hotfix-Delivery`` as a duplicate instead of a second event.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TextIO

from hotfix_ci.notify.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature

MAX_BODY = 1_000_000


@dataclass(frozen=True, kw_only=True)
class Received:
    delivery: str
    verified: bool
    duplicate: bool
    payload: dict[str, Any]

    def summary(self) -> str:
        p = self.payload
        about = " ".join(
            str(part)
            for part in (
                p.get("repository"),
                f"#{p['pr']}" if p.get("pr") else None,
                p.get("tag"),
                p.get("environment"),
            )
            if part
        )
        check = "signature ok" if self.verified else "SIGNATURE REJECTED"
        again = ", duplicate delivery ignored" if self.duplicate else ""
        return f"webhook received {p.get('event')} ({p.get('state')}) {about}: {check}{again}"


class WebhookReceiver:
    def __init__(self, secret: str, *, out: TextIO | None = None, port: int = 0) -> None:
        self.secret = secret
        self.out = out
        self.deliveries: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hotfix"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _record(self, body: bytes, signature: str | None, delivery: str) -> bool:
        verified = verify_signature(body, self.secret, signature)
        try:
            payload = json.loads(body) if verified else {}
        except ValueError:
            payload, verified = {}, False
        with self._lock:
            duplicate = verified and any(r.delivery == delivery for r in self.deliveries)
            received = Received(
                delivery=delivery, verified=verified, duplicate=duplicate, payload=payload
            )
            self.deliveries.append(received)
        if self.out is not None:
            self.out.write(received.summary() + "\n")
            self.out.flush()
        return verified

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_response(413)
                    self.end_headers()
                    return
                body = self.rfile.read(length)
                ok = receiver._record(
                    body,
                    self.headers.get(SIGNATURE_HEADER),
                    self.headers.get(DELIVERY_HEADER) or "",
                )
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return  # quiet: the summary line says what matters

        return Handler

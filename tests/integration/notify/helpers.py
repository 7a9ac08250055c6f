"""Run ``hotfix-ci notify``'s core with a config written to a temporary repository."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotfix_ci.commands.notify import NotifyArgs, run

FAST = {
    "HOTFIX_CI_NOTIFY_ATTEMPTS": "3",
    "HOTFIX_CI_NOTIFY_TIMEOUT": "2",
    "HOTFIX_CI_NOTIFY_MAX_TIME": "3",
    "HOTFIX_CI_NOTIFY_BACKOFF": "0.01",
    "GITHUB_REPOSITORY": "acme/web",
    "GITHUB_RUN_ID": "77",
    "GITHUB_RUN_ATTEMPT": "1",
}


@dataclass
class Sent:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    def channel(self, name: str) -> dict[str, Any]:
        return next(c for c in self.json["channels"] if c["channel"] == name)


def write_config(root: Path, channels: str, events: str = "") -> None:
    (root / ".github").mkdir(parents=True, exist_ok=True)
    text = "version: 1\nnotify:\n  channels:\n" + channels
    if events:
        text += "  events:\n" + events
    (root / ".github" / "hotfix.yml").write_text(text, encoding="utf-8")


def send(root: Path, env: dict[str, str], event: str, *, fmt: str = "json", **args: Any) -> Sent:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        NotifyArgs(event=event, format=fmt, workdir=root, **args),
        {**FAST, **env},
        out,
        err,
    )
    return Sent(code, out.getvalue(), err.getvalue())

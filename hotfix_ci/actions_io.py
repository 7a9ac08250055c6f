"""The one module that speaks GitHub Actions: workflow commands, outputs, the job summary.

Reference: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from hotfix_ci.text import redact, register_secret


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


class ActionsIO:
    """Writes workflow commands to ``stream`` and files named by the environment."""

    def __init__(self, env: Mapping[str, str], stream: TextIO | None = None) -> None:
        self.env = env
        self.stream = stream or sys.stdout

    @property
    def in_actions(self) -> bool:
        return self.env.get("GITHUB_ACTIONS") == "true"

    def mask(self, secret: str) -> None:
        """Ask the runner to mask ``secret``; call before anything else is printed. The value
        is also redacted from all text hotfix-ci itself writes, inside Actions or not."""
        if secret:
            register_secret(secret)
        if secret and self.in_actions:
            self.stream.write(f"::add-mask::{_escape_data(secret)}\n")
            self.stream.flush()

    def annotation(
        self,
        level: str,
        message: str,
        *,
        title: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        command = {"error": "error", "warning": "warning"}.get(level, "notice")
        props = []
        if path:
            props.append(f"file={_escape_property(path)}")
        if line:
            props.append(f"line={line}")
        if title:
            props.append(f"title={_escape_property(title)}")
        head = f"::{command} {','.join(props)}" if props else f"::{command}"
        self.stream.write(redact(f"{head}::{_escape_data(message)}\n"))

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        if self.in_actions:
            self.stream.write(f"::group::{_escape_data(title)}\n")
        try:
            yield
        finally:
            if self.in_actions:
                self.stream.write("::endgroup::\n")

    def set_outputs(self, outputs: Mapping[str, str]) -> None:
        """Append to $GITHUB_OUTPUT, with a random heredoc delimiter per value."""
        path = self.env.get("GITHUB_OUTPUT")
        if not path:
            return
        with Path(path).open("a", encoding="utf-8") as fh:
            for name, value in outputs.items():
                delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
                fh.write(f"{name}<<{delimiter}\n{redact(value)}\n{delimiter}\n")

    def write_summary(self, markdown: str) -> None:
        path = self.env.get("GITHUB_STEP_SUMMARY")
        if not path:
            return
        with Path(path).open("a", encoding="utf-8") as fh:
            fh.write(redact(markdown).rstrip("\n") + "\n")

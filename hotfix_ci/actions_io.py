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

from hotfix_ci.errors import UsageError
from hotfix_ci.text import redact, register_secret

# The files the runner names, and what each holds (for messages).
FILES = {"GITHUB_OUTPUT": "the step outputs", "GITHUB_STEP_SUMMARY": "the job summary"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def error_annotation(message: str, title: str = "hotfix-ci") -> str:
    """``::error title=…::message`` with GitHub's escaping, secrets redacted."""
    return redact(f"::error title={_escape_property(title)}::{_escape_data(message)}")


class ActionsIO:
    """Writes workflow commands to ``stream`` and files named by the environment."""

    def __init__(self, env: Mapping[str, str], stream: TextIO | None = None) -> None:
        self.env = env
        self.stream = stream or sys.stdout
        self.warnings: list[str] = []
        check_files(env)

    def _emit(self, line: str) -> None:
        """One workflow command line; a redacting stream lets only these start with ``::``."""
        write = getattr(self.stream, "write_command", None) or self.stream.write
        write(line)

    @property
    def in_actions(self) -> bool:
        return self.env.get("GITHUB_ACTIONS") == "true"

    def mask(self, secret: str) -> None:
        """Ask the runner to mask ``secret``; call before anything else is printed. The value
        is also redacted from all text hotfix-ci itself writes, inside Actions or not."""
        if secret:
            register_secret(secret)
        if secret and self.in_actions:
            self._emit(f"::add-mask::{_escape_data(secret)}\n")
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
        self._emit(redact(f"{head}::{_escape_data(message)}\n"))

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        if self.in_actions:
            self._emit(redact(f"::group::{_escape_data(title)}\n"))
        try:
            yield
        finally:
            if self.in_actions:
                self._emit("::endgroup::\n")

    def set_outputs(self, outputs: Mapping[str, str]) -> None:
        """Append to $GITHUB_OUTPUT, with a random heredoc delimiter per value."""
        text = ""
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            text += f"{name}<<{delimiter}\n{redact(value)}\n{delimiter}\n"
        self._append("GITHUB_OUTPUT", text)

    def write_summary(self, markdown: str) -> None:
        self._append("GITHUB_STEP_SUMMARY", redact(markdown).rstrip("\n") + "\n")

    def _append(self, variable: str, text: str) -> None:
        """Append ``text`` to the file ``variable`` names. A local I/O failure (a full disk,
        no permission) is a warning: the command keeps its own result and exit code."""
        path = self.env.get(variable)
        if not path or not text:
            return
        try:
            with Path(path).open("a", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            self.warn(
                f"could not write {FILES[variable]} to ${variable} ({path}): "
                f"{exc.strerror or exc}; the command's result and exit code are unchanged"
            )

    def warn(self, message: str) -> None:
        """A warning annotation inside Actions, a ``warning:`` line outside."""
        self.warnings.append(message)
        if self.in_actions:
            self.annotation("warning", message, title="hotfix-ci")
        else:
            self.stream.write(redact(f"warning: {message}\n"))
        self.stream.flush()


def check_files(env: Mapping[str, str]) -> None:
    """$GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY must name files that can exist: a directory
    or a missing directory is a usage error at once (exit 2), before anything is done; a
    write that fails later (a full disk) is only a warning."""
    for variable, what in FILES.items():
        raw = env.get(variable)
        if not raw:
            continue
        path = Path(raw)
        problem = None
        if "\x00" in raw:
            problem = "contains a NUL character"
        elif path.is_dir():
            problem = "is a directory"
        elif not path.parent.is_dir():
            problem = f"is in a directory that does not exist ({path.parent})"
        if problem:
            raise UsageError(
                f"${variable} ({raw!r}) {problem}, so {what} cannot be written",
                hint=f"set {variable} to a file path in an existing directory, or unset it "
                "(the runner sets it inside Actions)",
            )

"""The one module that starts subprocesses: argument lists only, never a shell string."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hotfix_ci.errors import ProcessError


@dataclass(frozen=True)
class Completed:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    timeout: float | None = None,
    check: bool = True,
) -> Completed:
    """Run ``args`` and capture its output as text.

    ``env`` replaces the environment; ``extra_env`` is laid over the current one.
    With ``check`` a non-zero exit raises :class:`ProcessError` carrying stdout/stderr.
    """
    argv = tuple(str(a) for a in args)
    if not argv:
        raise ProcessError("internal: empty command")
    full_env: dict[str, str] | None = None
    if env is not None or extra_env is not None:
        full_env = dict(os.environ if env is None else env)
        full_env.update(extra_env or {})
    try:
        # A new session, so a timeout can kill the whole process group: a smoke script's
        # children must not outlive it.
        with subprocess.Popen(
            argv,
            cwd=cwd,
            env=full_env,
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        ) as child:
            try:
                stdout, stderr = child.communicate(input_text, timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(child)
                stdout, stderr = child.communicate()
                raise subprocess.TimeoutExpired(argv, timeout or 0, stdout, stderr) from None
            completed = subprocess.CompletedProcess(argv, child.returncode, stdout, stderr)
    except FileNotFoundError as exc:
        raise ProcessError(
            f"command not found: {argv[0]}",
            hint=f"install {argv[0]} or put it on PATH",
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise ProcessError(
            f"`{argv[0]}` did not finish within {timeout:g}s",
            stdout=_text(exc.stdout),
            stderr=_text(exc.stderr),
        ) from exc
    except OSError as exc:
        raise ProcessError(f"could not start {argv[0]}: {exc.strerror or exc}") from exc
    result = Completed(argv, completed.returncode, completed.stdout, completed.stderr)
    if check and completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        last = detail[-1] if detail else "no output"
        raise ProcessError(
            f"`{' '.join(argv[:3])}` exited {completed.returncode}: {last}",
            returncode=completed.returncode,
            stdout=completed.stdout,
            stderr=completed.stderr,
        )
    return result


def _kill_group(child: subprocess.Popen[str]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        child.kill()


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value

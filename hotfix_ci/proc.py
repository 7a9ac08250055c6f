"""The one module that starts subprocesses: argument lists only, never a shell string, and
never with hotfix-ci's own secrets in the child's environment (:func:`child_env`)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from hotfix_ci.errors import ProcessError
from hotfix_ci.text import is_secret, secret_names

# Where the GitHub token reaches hotfix-ci: the workflow's env, the gh CLI's variable, and the
# action's inputs (the runner passes input `x` as INPUT_X, dashes kept).
GITHUB_SECRETS = frozenset(
    {
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GH_ENTERPRISE_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
        "INPUT_TOKEN",
        "INPUT_GITHUB-TOKEN",
        "INPUT_GITHUB_TOKEN",
    }
)
# The variables each provider's own tooling reads its credentials from.
PROVIDER_SECRETS = (
    "VERCEL_TOKEN",
    "RAILWAY_TOKEN",
    "RAILWAY_API_TOKEN",
    "RENDER_API_KEY",
    "FLY_API_TOKEN",
    "FLY_ACCESS_TOKEN",
    "HEROKU_API_KEY",
    "SSH_PRIVATE_KEY",
)


def child_env(env: Mapping[str, str], *, keep: Collection[str] = ()) -> dict[str, str]:
    """``env`` without hotfix-ci's own secrets, for a child process (a before-check, a
    command gate, a provider's CLI): the GitHub token variables, every provider secret, the
    variables the config names as secrets (notification channels, gate headers), and any
    variable holding a registered secret value. ``keep`` names the ones the caller passes
    on purpose (a provider's CLI gets its own credentials)."""
    drop = GITHUB_SECRETS | set(PROVIDER_SECRETS) | secret_names()
    return {
        name: value
        for name, value in env.items()
        if name in keep or (name not in drop and not is_secret(value))
    }


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
    keep: Collection[str] = (),
) -> Completed:
    """Run ``args`` and capture its output as text.

    ``env`` replaces the environment; ``extra_env`` is laid over the current one; either
    way the child gets it through :func:`child_env` (``keep``: the secrets it may have).
    With ``check`` a non-zero exit raises :class:`ProcessError` carrying stdout/stderr.
    """
    argv = tuple(str(a) for a in args)
    if not argv:
        raise ProcessError("internal: empty command")
    full_env = child_env({**(os.environ if env is None else env), **(extra_env or {})}, keep=keep)
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

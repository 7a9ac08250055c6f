"""Running a provider's CLI (kubectl, vercel, flyctl, the team's own commands) through proc.

Every CLI provider turns a failed call into the same kind of :class:`ProviderError`: what it
was doing, the tool's last output line (the line that usually says why), and a hint. When
the tool could not even start, proc's own hint ("install X or put it on PATH") wins over
the provider's, because re-running the command by hand would fail the same way.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence

from hotfix_ci import proc
from hotfix_ci.errors import ProcessError
from hotfix_ci.providers.base import ProviderError


def last_line(stderr: str, stdout: str, default: str) -> str:
    """The last line a tool printed (stderr first: that is where CLIs explain a failure)."""
    lines = (stderr or stdout).strip().splitlines()
    return lines[-1] if lines else default


def run_cli(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: str | os.PathLike[str],
    timeout: float,
    failed: str,
    hint: str,
    keep: Collection[str] = proc.PROVIDER_SECRETS,
) -> str:
    """Run ``argv`` with exactly ``env`` and return its stdout.

    A failure raises ``ProviderError("<failed>: <tool's last line>")``; ``hint`` says what
    to do when the tool ran and failed (or timed out).
    """
    try:
        # The provider's own credentials go to its tool; the GitHub token and the
        # notification secrets do not (proc.child_env).
        done = proc.run(argv, env=env, cwd=cwd, timeout=timeout, keep=keep)
    except ProcessError as exc:
        # No exit code: it timed out (or never started); what it printed so far (a banner
        # such as "Vercel CLI 50.12.1") is not the reason, proc's message is.
        answer = (
            exc.message
            if exc.returncode is None
            else last_line(exc.stderr, exc.stdout, exc.message)
        )
        could_not_start = exc.returncode is None and exc.hint
        raise ProviderError(
            f"{failed}: {answer}", hint=exc.hint if could_not_start else hint
        ) from exc
    return done.stdout

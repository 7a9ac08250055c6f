"""The command gate: run an argument list (no shell) with the probe timeout.

Exit 0 passes; the last line of output (stdout, else stderr) is the probe detail, so a
smoke script can say what it checked. The command runs with the env Mapping the caller
passes in, through :mod:`hotfix_ci.proc`, and is not retried: a smoke test may have side
effects, and a timeout of a local command is not a flaky network.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import requests

from hotfix_ci import proc
from hotfix_ci.config.model import CommandGate
from hotfix_ci.errors import ProcessError
from hotfix_ci.gates.http_gate import DEFAULT_TIMEOUT, clip
from hotfix_ci.gates.spec import ProbeResult


def probe(
    spec: CommandGate,
    *,
    env: Mapping[str, str],
    session: requests.Session | None = None,  # unused: same signature as the other gates
    timeout: float = DEFAULT_TIMEOUT,
) -> ProbeResult:
    del session
    at = time.time()
    started = time.perf_counter()
    try:
        completed = proc.run(spec.run, env=env, timeout=timeout, check=False)
    except ProcessError as exc:
        # Not started (missing or not executable) or killed at the timeout.
        latency = (time.perf_counter() - started) * 1000
        last = last_line(exc.stdout, exc.stderr)
        detail = clip(exc.message + (f"; last output: {last}" if last else ""))
        return ProbeResult(gate=spec.name, ok=False, detail=detail, latency_ms=latency, at=at)
    latency = (time.perf_counter() - started) * 1000
    last = last_line(completed.stdout, completed.stderr)
    if completed.returncode == 0:
        detail = clip(last or f"exit 0 in {latency:.0f} ms")
        return ProbeResult(gate=spec.name, ok=True, detail=detail, latency_ms=latency, at=at)
    detail = clip(f"exit {completed.returncode}" + (f": {last}" if last else ""))
    return ProbeResult(gate=spec.name, ok=False, detail=detail, latency_ms=latency, at=at)


def last_line(stdout: str, stderr: str) -> str:
    """The last non-blank line of stdout, or of stderr when stdout has none."""
    for stream in (stdout, stderr):
        lines = [line.strip() for line in stream.splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return ""

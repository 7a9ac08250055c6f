"""The command gate with real subprocesses."""

from __future__ import annotations

import os
import sys
import time

from hotfix_ci.config.model import CommandGate
from hotfix_ci.gates.command_gate import probe

ENV = {"PATH": os.environ.get("PATH", ""), "SMOKE_TARGET": "https://staging.example"}


def script(code: str) -> CommandGate:
    return CommandGate(name="smoke", run=(sys.executable, "-c", code))


def test_exit_zero_passes_and_the_last_line_is_the_detail() -> None:
    code = "print('checking login'); print('checked 3 pages')"
    result = probe(script(code), env=ENV, timeout=10)
    assert result.ok is True
    assert result.detail == "checked 3 pages"
    assert result.latency_ms is not None and result.latency_ms > 0


def test_non_zero_exit_fails_with_code_and_last_line() -> None:
    code = "import sys; print('login ok'); print('cart returned 502', file=sys.stderr); sys.exit(4)"
    result = probe(script(code), env=ENV, timeout=10)
    assert result.ok is False
    assert result.detail == "exit 4: login ok"  # stdout wins; stderr when stdout is empty
    quiet = probe(script("import sys; sys.stderr.write('cart 502\\n'); sys.exit(1)"), env=ENV)
    assert quiet.detail == "exit 1: cart 502"


def test_runs_with_the_env_mapping_passed_in() -> None:
    code = "import os; print(os.environ.get('SMOKE_TARGET'), os.environ.get('HOME'))"
    result = probe(script(code), env=ENV, timeout=10)
    assert result.detail == "https://staging.example None"


def test_a_hanging_command_is_killed_at_the_timeout() -> None:
    started = time.perf_counter()
    result = probe(script("import time; print('started', flush=True); time.sleep(30)"),
                   env=ENV, timeout=0.5)  # fmt: skip
    assert time.perf_counter() - started < 5
    assert result.ok is False
    assert "did not finish within 0.5s" in result.detail


def test_a_missing_command_fails_with_a_hint() -> None:
    result = probe(CommandGate(name="smoke", run=("./no-such-smoke.sh",)), env=ENV)
    assert result.ok is False
    assert result.detail.startswith("command not found: ./no-such-smoke.sh")

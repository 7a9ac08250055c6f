from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from hotfix_ci import proc
from hotfix_ci.errors import ProcessError


def test_runs_argument_list_and_captures_output() -> None:
    result = proc.run(
        [sys.executable, "-c", "import sys; print('a b'); print('err', file=sys.stderr)"]
    )
    assert result.stdout == "a b\n"
    assert result.stderr == "err\n"
    assert result.returncode == 0


def test_argument_with_shell_metacharacters_is_not_interpreted(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = proc.run(
        [sys.executable, "-c", "import sys; print(sys.argv[1])", f"x; touch {marker}"]
    )
    assert result.stdout.strip() == f"x; touch {marker}"
    assert not marker.exists()


def test_nonzero_exit_raises_with_last_stderr_line() -> None:
    with pytest.raises(ProcessError) as info:
        proc.run(
            [
                sys.executable,
                "-c",
                "import sys; print('first', file=sys.stderr); "
                "print('boom', file=sys.stderr); sys.exit(3)",
            ]
        )
    assert info.value.returncode == 3
    assert "exited 3: boom" in info.value.message


def test_check_false_returns_failure() -> None:
    assert proc.run([sys.executable, "-c", "raise SystemExit(4)"], check=False).returncode == 4


def test_missing_command_says_so() -> None:
    with pytest.raises(ProcessError, match="command not found: no-such-tool-xyz"):
        proc.run(["no-such-tool-xyz"])


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(30)\n"
    )
    started = time.monotonic()
    with pytest.raises(ProcessError, match="did not finish within 1s"):
        proc.run([sys.executable, "-c", script], timeout=1)
    assert time.monotonic() - started < 10
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        # a killed child stays a zombie until its parent (init) reaps it
        try:
            status = Path(f"/proc/{grandchild}/status").read_text()
        except FileNotFoundError:
            break
        if "State:\tZ" in status:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the grandchild outlived the timeout")


def test_extra_env_is_laid_over_the_environment() -> None:
    result = proc.run(
        [sys.executable, "-c", "import os; print(os.environ['HOTFIX_X'], 'PATH' in os.environ)"],
        extra_env={"HOTFIX_X": "1"},
    )
    assert result.stdout.split() == ["1", "True"]


def test_input_text_reaches_stdin() -> None:
    assert (
        proc.run(
            [sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"], input_text="hi"
        ).stdout.strip()
        == "HI"
    )

"""Issue 10 item 21: every message says what to do next. Through the CLI, on the emulator.

Before: ``gate`` interrupted by SIGTERM ended "interrupted by SIGTERM (cancelled run?)" with
no hint; a deploy interrupted said "hotfix-v1.4.3 is live, unverified" but not what was done
(its Deployment marked error); ``release`` killed by SIGTERM died without a word; the
before-check error named its command twice ("before-check `sh -c ...` failed: `sh -c ...`
exited 3") and unquoted, so a paste of "run `...` by hand" ran something else; the release
reason line split on a PR title holding CR/LF.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from hotfix_ci.testing import Fault
from tests.helpers.cli import REPO
from tests.helpers.deploy import Scene, deployed
from tests.helpers.release import release, write_config
from tests.helpers.release import scene as release_scene

GOOD, NEW = "hotfix-v1.4.2", "hotfix-v1.4.3"


@contextmanager
def sigterm_after(seconds: float) -> Iterator[None]:
    """SIGTERM to this process after ``seconds``, as a cancelled Actions run sends it."""

    def send() -> None:
        time.sleep(seconds)
        os.kill(os.getpid(), signal.SIGTERM)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        yield
    finally:
        sender.join()


@contextmanager
def sigterm_on_first_probe(scene: Scene) -> Iterator[None]:
    """The health gate probes a server here that answers healthy and, on the first probe,
    sends this process SIGTERM: the signal lands during the watch, deterministically."""
    sent = threading.Event()

    class Health(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = b'{"status": "healthy"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            if not sent.is_set():
                sent.set()
                os.kill(os.getpid(), signal.SIGTERM)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    scene.environment["gates"][0]["url"] = f"http://127.0.0.1:{server.server_address[1]}/health"
    scene.write_config()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert sent.is_set()


def error_and_hint(stderr: str) -> tuple[str, str]:
    lines = stderr.splitlines()
    error = next(line for line in lines if line.startswith("error: "))
    hint = next(line for line in lines if line.startswith("  what to do: "))
    return error.removeprefix("error: "), hint.removeprefix("  what to do: ")


def long_watch(scene: Scene) -> None:
    scene.environment["watch"] = {**scene.environment["watch"], "duration": 30}
    scene.write_config()


# -- 6: interrupted by SIGTERM ------------------------------------------------------------
def test_sigterm_during_the_watch_says_what_was_done_and_what_to_do(scene: Scene) -> None:
    deployed(scene, GOOD)
    long_watch(scene)
    with sigterm_on_first_probe(scene):  # inside the watch, whatever the machine's load
        result = scene.deploy(NEW)
    assert result.exit_code == 130
    message, hint = error_and_hint(result.stderr)
    assert message == (
        f"interrupted by SIGTERM (cancelled run?) during the watch: done: {NEW} was deployed; "
        f"its Deployment is marked error; not done: its gates were not watched to the end, "
        f"so {NEW} is live, unverified"
    )
    assert hint == (
        "re-run the job to deploy and watch again, or roll back: "
        "`hotfix-ci rollback --environment production --provider app`"
    )
    assert scene.history()[-1][2] == ["in_progress", "error"]


def test_sigterm_during_gate_says_nothing_changed_and_how_to_watch_again(scene: Scene) -> None:
    scene.set(live=GOOD)
    long_watch(scene)
    with sigterm_on_first_probe(scene):
        result = scene.cli(["gate", "-e", "production"])
    assert result.exit_code == 130
    message, hint = error_and_hint(result.stderr)
    assert message.startswith("interrupted by SIGTERM (cancelled run?) during the watch: done: ")
    assert "nothing changed (gate only probes); not done: the watch did not finish" in message
    assert hint == "run `hotfix-ci gate --environment production`"


def test_sigterm_during_a_release_is_said_with_what_to_do(emulator: Any, tmp_path: Path) -> None:
    sha = release_scene(emulator)
    write_config(tmp_path, "")
    emulator.faults.add(Fault(method="POST", path=r"/releases$", kind="slow", delay=3))
    with sigterm_after(1.0):
        result = release(emulator, tmp_path, sha, HOTFIX_CI_HTTP_TIMEOUT="10")
    assert result.exit_code == 130
    message, hint = error_and_hint(result.stderr)
    assert message == "interrupted by SIGTERM (cancelled run?) before the command finished"
    assert hint.startswith("re-run the same command (or the job): hotfix-ci looks up what exists")


# -- 8, 9: the before-check error -----------------------------------------------------
def test_a_failed_before_check_names_its_command_once_and_quoted(scene: Scene) -> None:
    script = "echo 'migrations pending' >&2; exit 3"
    scene.environment["before"] = [["sh", "-c", script]]
    scene.write_config()
    result = scene.deploy(NEW)
    assert result.exit_code == 1
    message, hint = error_and_hint(result.stderr)
    shown = "sh -c 'echo '\"'\"'migrations pending'\"'\"' >&2; exit 3'"
    assert message == (
        f"before-check `{shown}` failed: exit 3: migrations pending; nothing was deployed and "
        "no Deployment was recorded"
    )
    assert message.count("sh -c") == 1
    assert (
        hint
        == f"run `{shown}` by hand to see its full output, fix what it reports, then re-run the job"
    )
    # The paste runs exactly the configured command.
    pasted = subprocess.run(["bash", "-c", shown], capture_output=True, text=True, check=False)
    assert (pasted.returncode, pasted.stderr) == (3, "migrations pending\n")
    assert scene.emu.deployments(REPO) == []


# -- 12: the release reason line -------------------------------------------------------
def test_the_release_reason_line_keeps_a_multi_line_title_on_one_line(
    emulator: Any, tmp_path: Path
) -> None:
    sha = release_scene(emulator, title="[HOTFIX] Fix login\r\n::error::pwned\nmore")
    write_config(tmp_path, "")
    result = release(emulator, tmp_path, sha, "--format", "text")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "released hotfix-v1.4.3 from #1 [HOTFIX] Fix login ::error::pwned more"
    assert not any(line.lstrip().startswith("::error") for line in result.stdout.splitlines())

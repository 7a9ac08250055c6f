"""The action's install step, run as shipped (its `run:` from action.yml, by bash): the Python
check, and a cached venv used as it is. A real install from scratch runs under act in
tests/e2e/test_act_pr_gate.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.helpers import ROOT

SHA = "ab" * 20


def install_script() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    return str(step["run"])


def run_install(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    output = tmp_path / "github-output"
    output.touch()
    (tmp_path / "temp").mkdir(exist_ok=True)
    full = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(tmp_path / "temp"),
        "RUNNER_TOOL_CACHE": str(tmp_path / "tool-cache"),
        "HOTFIX_CI_ACTION_REF": SHA,
        **env,
    }
    done = subprocess.run(
        ["bash", "-c", install_script()],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done, output


def old_python(tmp_path: Path) -> Path:
    shim = tmp_path / "python3.8"
    shim.write_text(
        '#!/usr/bin/env bash\ncase "$2" in *sys.exit*) exit 1;; *print*) echo 3.8.18;; esac\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    return shim


def test_python_older_than_3_10_fails_with_the_setup_step_to_add(tmp_path: Path) -> None:
    done, output = run_install(tmp_path, HOTFIX_CI_PYTHON=str(old_python(tmp_path)))
    assert done.returncode == 2
    assert "::error title=hotfix-ci needs Python 3.10 or newer::" in done.stdout
    assert "is Python 3.8.18" in done.stdout
    assert "uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97" in done.stdout
    assert output.read_text() == "" and not (tmp_path / "tool-cache").exists()


def test_no_python_on_path_says_so(tmp_path: Path) -> None:
    done, _ = run_install(tmp_path, HOTFIX_CI_PYTHON="python-that-is-not-there")
    assert done.returncode == 2
    assert "no python-that-is-not-there on this runner's PATH" in done.stdout


def test_a_complete_cached_venv_is_used_without_installing(tmp_path: Path) -> None:
    version = "{}.{}.{}".format(*sys.version_info[:3])
    venv = tmp_path / "tool-cache" / "hotfix-ci" / f"{SHA}-{sys.implementation.name}-{version}"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / ".complete").touch()
    done, output = run_install(tmp_path, HOTFIX_CI_PYTHON=sys.executable)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "installing with" not in done.stdout
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["python"] == f"{venv}/bin/python"
    # the cli output is a launcher for later steps: this venv and the action's own code
    launched = subprocess.run(
        [outputs["cli"], "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert launched.stdout.strip() == "hotfix-ci, version 0.1.0"


def test_an_unfinished_venv_is_never_used(tmp_path: Path) -> None:
    version = "{}.{}.{}".format(*sys.version_info[:3])
    venv = tmp_path / "tool-cache" / "hotfix-ci" / f"{SHA}-{sys.implementation.name}-{version}"
    (venv / "bin").mkdir(parents=True)  # no .complete: an install that was cut off
    # a python that passes the version checks but cannot build a venv: the step must fail
    # rather than hand out the unfinished one
    shim = tmp_path / "python3"
    shim.write_text(
        f'#!/usr/bin/env bash\ncase "$1" in -c) exec {sys.executable} "$@";; *) exit 7;; esac\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    path = os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "uv").exists()
    )
    done, output = run_install(tmp_path, HOTFIX_CI_PYTHON=str(shim), PATH=path)
    assert done.returncode != 0
    assert "installing with pip" in done.stdout
    assert output.read_text() == ""
    assert not venv.exists() or not (venv / ".complete").exists()

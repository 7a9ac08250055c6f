"""The action's install step, run as shipped (its `run:` from action.yml, by bash): the Python
check, a cached venv used as it is, pip's install of only the dependencies (from a wheelhouse,
no index), its fallback for an old pip, and a cancelled install. Under act: tests/e2e."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from hotfix_ci.install_deps import dependencies, dependencies_310
from tests.helpers import ROOT
from tests.helpers.act import wheelhouse

SHA = "ab" * 20


def install_script() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    return str(step["run"])


def install_env(tmp_path: Path, **env: str) -> dict[str, str]:
    (tmp_path / "github-output").touch()
    (tmp_path / "temp").mkdir(exist_ok=True)
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "RUNNER_TEMP": str(tmp_path / "temp"),
        "RUNNER_TOOL_CACHE": str(tmp_path / "tool-cache"),
        "HOTFIX_CI_ACTION_REF": SHA,
        **env,
    }


def run_install(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    done = subprocess.run(
        ["bash", "-c", install_script()],
        env=install_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done, tmp_path / "github-output"


def path_without_uv() -> str:
    return os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "uv").exists()
    )


def cached_venv(tmp_path: Path) -> Path:
    version = "{}.{}.{}".format(*sys.version_info[:3])
    return tmp_path / "tool-cache" / "hotfix-ci" / f"{SHA}-{sys.implementation.name}-{version}"


def offline_pip(tmp_path: Path) -> dict[str, str]:
    """pip with no uv, no index and no cache: only the session's wheelhouse of the runtime
    dependencies (which holds no build backend)."""
    return {
        "PATH": path_without_uv(),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse(tmp_path.parent)),
        "PIP_NO_CACHE_DIR": "1",
    }


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


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
    venv = cached_venv(tmp_path)
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
    venv = cached_venv(tmp_path)
    (venv / "bin").mkdir(parents=True)  # no .complete: an install that was cut off
    # a python that passes the version checks but cannot build a venv: the step must fail
    # rather than hand out the unfinished one
    shim = tmp_path / "python3"
    shim.write_text(
        f'#!/usr/bin/env bash\ncase "$1" in -c) exec {sys.executable} "$@";; *) exit 7;; esac\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    done, output = run_install(tmp_path, HOTFIX_CI_PYTHON=str(shim), PATH=path_without_uv())
    assert done.returncode != 0
    assert "installing with pip" in done.stdout
    assert output.read_text() == ""
    assert not venv.exists() or not (venv / ".complete").exists()


def test_the_dependencies_are_read_from_pyproject_toml_on_every_python() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    import tomllib

    expected = tomllib.loads(text)["project"]["dependencies"]
    assert "PyGithub>=2.3" in expected
    assert dependencies(text) == expected
    assert dependencies_310(text) == expected  # what Python 3.10 (no tomllib) reads


def test_the_310_reader_takes_strings_not_brackets_comments_or_other_tables() -> None:
    text = """[build-system]
requires = ["hatchling>=1.18"]

[project]
name = "x"
dependencies = [  # the runtime ones
  "requests[socks]>=2.31",  # extras hold brackets
  'tomli>=2; python_version < "3.11"',
  "a\\\\b",
  # "not-a-dependency",
]

[project.optional-dependencies]
test = ["pytest"]

[tool.other]
dependencies = ["nope"]
"""
    assert dependencies_310(text) == [
        "requests[socks]>=2.31",
        'tomli>=2; python_version < "3.11"',
        "a\\b",
    ]
    assert dependencies_310(text) == dependencies(text)
    assert dependencies_310("[project]\nname = 'x'\n") == []
    with pytest.raises(ValueError, match="no closing"):
        dependencies_310('[project]\ndependencies = ["a",\n')


@pytest.mark.slow
def test_pip_installs_only_the_dependencies_into_a_venv_without_pip(tmp_path: Path) -> None:
    # the case a GitHub-hosted runner is: no uv, python3 with pip
    done, output = run_install(tmp_path, HOTFIX_CI_PYTHON=sys.executable, **offline_pip(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "installing with pip" in done.stdout
    venv = cached_venv(tmp_path)
    assert (venv / ".complete").exists()
    assert not list(venv.parent.glob(".build.*")), "scratch venv left behind"
    site = site_packages(venv)
    installed = {p.name.lower() for p in site.iterdir()}
    # the dependencies, not hotfix-ci (no build, no build backend in the wheelhouse) and no
    # pip of its own (no ensurepip: the runner's pip installed into it), no compiled bytecode
    # beyond what the step's own import check loaded
    assert "github" in installed and "tenacity" in installed
    assert not any(name.startswith(("hotfix_ci", "hotfix-ci", "pip")) for name in installed)
    assert not list((site / "tenacity").rglob("*.pyc"))
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["python"] == f"{venv}/bin/python"
    launched = subprocess.run(
        [outputs["cli"], "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert launched.stdout.strip() == "hotfix-ci, version 0.1.0"
    # the code comes from the action checkout, PyGithub from the venv
    where = subprocess.run(
        [f"{venv}/bin/python", "-c", "import github, hotfix_ci; print(github.__file__)"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site))


HIDE_RUNNER_PIP = """
import sys
from importlib.machinery import PathFinder


class HideRunnerPip:
    # inside a venv, the base installation's pip is not there (as with a --user pip)
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "pip" or sys.prefix == sys.base_prefix:
            return None
        spec = PathFinder.find_spec(name, path)
        origin = (spec and spec.origin) or ""
        if origin.startswith(sys.base_prefix + "/") and "/site-packages/" in origin:
            raise ModuleNotFoundError("No module named 'pip'", name="pip")
        return None


sys.meta_path.insert(0, HideRunnerPip)
"""


@pytest.mark.slow
def test_a_runner_pip_the_venv_cannot_see_gets_a_venv_with_its_own_pip(tmp_path: Path) -> None:
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(HIDE_RUNNER_PIP, encoding="utf-8")
    env = {**offline_pip(tmp_path), "PYTHONPATH": str(hide)}
    done, output = run_install(tmp_path, HOTFIX_CI_PYTHON=sys.executable, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    venv = cached_venv(tmp_path)
    installed = {p.name.lower() for p in site_packages(venv).iterdir()}
    assert "pip" in installed and "github" in installed  # ensurepip's pip installed them
    assert not any(name.startswith("hotfix_ci") for name in installed)
    assert (venv / ".complete").exists()
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    launched = subprocess.run(
        [outputs["cli"], "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert launched.stdout.strip() == "hotfix-ci, version 0.1.0"


@pytest.mark.slow
def test_a_cancelled_install_leaves_nothing_and_the_next_job_installs(tmp_path: Path) -> None:
    started = tmp_path / "pip-started"
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(  # pip, once started, takes its time
        "import pathlib, sys, time\n"
        "if sys.orig_argv[1:3] == ['-m', 'pip']:\n"
        f"    pathlib.Path({str(started)!r}).touch()\n"
        "    time.sleep(60)\n",
        encoding="utf-8",
    )
    env = install_env(
        tmp_path, HOTFIX_CI_PYTHON=sys.executable, PYTHONPATH=str(slow), **offline_pip(tmp_path)
    )
    step = subprocess.Popen(
        ["bash", "-c", install_script()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not started.exists() and step.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), step.communicate()[0]
    root = cached_venv(tmp_path).parent
    assert list(root.glob(".build.*")), "the install builds aside"
    os.killpg(step.pid, signal.SIGTERM)  # the runner cancels the job's process group
    log = step.communicate(timeout=30)[0]
    assert step.returncode != 0, log
    assert (tmp_path / "github-output").read_text() == ""
    assert not cached_venv(tmp_path).exists()
    assert not list(root.glob(".build.*")), "a cancelled install left its scratch venv"
    # the next job builds it whole and uses it
    done, _ = run_install(tmp_path, HOTFIX_CI_PYTHON=sys.executable, **offline_pip(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (cached_venv(tmp_path) / ".complete").exists()

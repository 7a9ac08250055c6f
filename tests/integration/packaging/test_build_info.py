"""A real wheel build records where it came from, so ``init`` can pin the action by itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

SOURCES = ("pyproject.toml", "hatch_build.py", "README.md", "action.yml")
TREES = ("hotfix_ci", "workflows-templates")


def _source_tree(target: Path) -> Path:
    """A copy of the project's sources, as a fresh clone would have them."""
    target.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, target / name)
    for name in TREES:
        shutil.copytree(
            ROOT / name,
            target / name,
            ignore=shutil.ignore_patterns("__pycache__", "_build_info.py"),
        )
    (target / ".gitignore").write_text("hotfix_ci/_build_info.py\n", encoding="utf-8")
    return target


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _wheel(source: Path, out: Path) -> zipfile.ZipFile:
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = out.glob("hotfix_ci-*.whl")
    return zipfile.ZipFile(wheel)


def test_a_wheel_built_from_a_git_checkout_records_its_repository_and_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source_tree(tmp_path / "src")
    _git(source, "init", "-q")
    _git(source, "remote", "add", "origin", "git@github.com:acme/hotfix-ci.git")
    _git(source, "add", "-A")
    _git(source, "commit", "-qm", "release")
    commit = _git(source, "rev-parse", "HEAD")
    monkeypatch.delenv("HOTFIX_CI_REPOSITORY", raising=False)

    wheel = _wheel(source, tmp_path / "dist")

    recorded = wheel.read("hotfix_ci/_build_info.py").decode()
    assert f"REPOSITORY = 'acme/hotfix-ci'\nCOMMIT = '{commit}'\n" in recorded
    # What init then offers as its default --action, read from the built module itself.
    (tmp_path / "built_info.py").write_text(recorded, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    from hotfix_ci import __version__
    from hotfix_ci.build_info import action_reference

    assert action_reference("built_info") == f"acme/hotfix-ci@{commit} # v{__version__}"


def test_a_wheel_built_without_git_metadata_records_nothing(tmp_path: Path) -> None:
    source = _source_tree(tmp_path / "src")

    wheel = _wheel(source, tmp_path / "dist")

    assert "hotfix_ci/_build_info.py" not in wheel.namelist()
    assert "hotfix_ci/cli/__init__.py" in wheel.namelist()

"""Test-wide guards and the fixtures every kind of test shares: no test may reach beyond
loopback; one GitHub emulator; one real git repository."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import SampleService
from tests.helpers.deploy import Scene

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"test tried to reach {address!r}: only loopback is allowed")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"test tried to reach {address!r}: only loopback is allowed")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    yield


@pytest.fixture
def emulator() -> Iterator[Any]:
    """A fresh GitHub emulator; every response it served must match GitHub's OpenAPI."""
    from hotfix_ci.testing import GitHubEmulator

    with GitHubEmulator() as emu:
        yield emu
        assert emu.contract_violations == [], "\n".join(emu.contract_violations)


@pytest.fixture
def scene(emulator: Any, tmp_path: Path) -> Iterator[Scene]:
    """A deploy scene: the emulator, a config in ``tmp_path`` and the sample service."""
    with SampleService(tmp_path / "state.json") as service:
        yield Scene(emulator, tmp_path, service)


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real repository on ``main`` with one commit (README.md), git isolated from the
    machine's configuration."""
    from tests.helpers.git import commit, git, isolate

    isolate(monkeypatch, tmp_path)
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, {"README.md": "hello\n"}, "initial")
    return path


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Where ``HOTFIX_CI_NO_SKIPS`` is set (CI), a skipped test fails the run."""
    if _skipped and os.environ.get("HOTFIX_CI_NO_SKIPS") and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\n{len(_skipped)} test(s) skipped, but CI runs every test: " + ", ".join(_skipped))

"""Shared scene-setting for the PR-gate integration tests."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from hotfix_ci.cli import main

REPO = "acme/web"
TOKEN = "ghs_" + "t3st" * 10
GOOD_FILES = [
    {"filename": "app/login.py", "additions": 6, "deletions": 2, "status": "modified"},
    {"filename": "tests/test_login.py", "additions": 15, "deletions": 0, "status": "modified"},
]


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


def base_env(emu: Any, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "GITHUB_API_URL": emu.url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_ACTIONS": "",
        "GITHUB_EVENT_PATH": "",
        "GITHUB_OUTPUT": "",
        "GITHUB_STEP_SUMMARY": "",
        "HOTFIX_CI_HTTP_TIMEOUT": "2",
        "HOTFIX_CI_HTTP_BACKOFF": "0.01",
        "HOTFIX_CI_HTTP_MAX_WAIT": "3",
    }
    env.update(extra)
    return env


def run(args: list[str], env: Mapping[str, str], cwd: Path) -> Result:
    """One whole command line through the console script's entry point, ``main``, so the
    exit code is the one a user gets (its error handler included)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation(env=dict(env)) as (stdout, stderr, _):
            code = main(args)
            sys.stdout.flush()
            sys.stderr.flush()
            return Result(code, stdout.getvalue().decode(), stderr.getvalue().decode())
    finally:
        os.chdir(old)


def seed(emu: Any, **pull: Any) -> int:
    emu.create_repo(REPO, default_branch="main")
    for login, level in (("alice", "write"), ("bob", "write"), ("eve", "read")):
        emu.set_permission(REPO, login, level)
    spec: dict[str, Any] = dict(
        title="[HOTFIX] Fix login 500s",
        head="hotfix/login-500",
        base="main",
        author="bob",
        files=GOOD_FILES,
        labels=["hotfix", "P1"],
    )
    spec.update(pull)
    return int(emu.create_pull(REPO, **spec))


def rules(result: Result) -> list[str]:
    return [f["rule"] for f in result.json["findings"]]

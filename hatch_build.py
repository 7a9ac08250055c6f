"""Hatch build hook: record the repository and commit the package is built from.

Writes ``hotfix_ci/_build_info.py`` (ignored by git) for ``hotfix-ci init``'s default
``--action``. Outside a git checkout it writes nothing and ``init`` asks for ``--action``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_REMOTE = re.compile(r"(?:github\.com|/)[:/]([^/:]+/[^/]+?)(?:\.git)?/?$")


def _git(root: str, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", root, *args], capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


class BuildInfoHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        commit = _git(self.root, "rev-parse", "HEAD")
        repository = os.environ.get("HOTFIX_CI_REPOSITORY", "")
        if not repository:
            match = _REMOTE.search(_git(self.root, "remote", "get-url", "origin"))
            repository = match.group(1) if match else ""
        if not commit or not repository:
            return
        target = Path(self.root) / "hotfix_ci" / "_build_info.py"
        target.write_text(
            '"""Written by hatch_build.py at build time; not committed."""\n\n'
            f"REPOSITORY = {repository!r}\nCOMMIT = {commit!r}\n",
            encoding="utf-8",
        )
        build_data.setdefault("artifacts", []).append("hotfix_ci/_build_info.py")

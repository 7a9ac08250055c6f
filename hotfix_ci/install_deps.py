"""The runtime dependencies of hotfix-ci, read from its ``pyproject.toml``, one per line.

The action's pip install runs this with the runner's Python (``python -I``, stdlib only, no
import of hotfix_ci) and installs what it prints, instead of building hotfix-ci itself: the
code runs from the action checkout (``PYTHONPATH``), so no wheel build, no build backend
downloaded into an isolated build env. Python 3.11+ reads the file with ``tomllib``; 3.10
has no TOML parser in the stdlib, so :func:`dependencies_310` reads the one array it needs.

    python -I hotfix_ci/install_deps.py pyproject.toml
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

# A TOML string (basic or literal), a comment, or the array's closing bracket.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|\]')
_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$", re.MULTILINE)
_KEY = re.compile(r"^\s*dependencies\s*=\s*\[", re.MULTILINE)


def dependencies(text: str) -> list[str]:
    """``[project].dependencies`` of a pyproject.toml text."""
    if sys.version_info >= (3, 11):
        import tomllib

        project: dict[str, Any] = tomllib.loads(text).get("project", {})
        return [str(d) for d in project.get("dependencies", [])]
    return dependencies_310(text)


def dependencies_310(text: str) -> list[str]:
    """The same list without a TOML library: the ``dependencies = [...]`` array of the
    ``[project]`` table, as written in hotfix-ci's own pyproject.toml (strings, comments,
    one or many lines)."""
    tables = list(_TABLE.finditer(text))
    for n, table in enumerate(tables):
        if table.group(1).strip() != "project":
            continue
        end = tables[n + 1].start() if n + 1 < len(tables) else len(text)
        key = _KEY.search(text, table.end(), end)
        if key is None:
            return []
        found: list[str] = []
        for token in _TOKEN.finditer(text, key.end()):
            value = token.group()
            if value == "]":
                return found
            if value.startswith('"'):
                found.append(str(json.loads(value)))
            elif value.startswith("'"):
                found.append(value[1:-1])
        raise ValueError("pyproject.toml: [project] dependencies = [ has no closing ]")
    return []


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -I install_deps.py PYPROJECT_TOML", file=sys.stderr)
        return 2
    for requirement in dependencies(Path(argv[1]).read_text(encoding="utf-8")):
        print(requirement)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

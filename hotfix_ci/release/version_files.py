"""Version files: ``file:pyproject.toml`` -- ``[project].version`` or ``[tool.poetry].version``;
``file:package.json`` -- ``"version"``; any other file, e.g. ``file:VERSION`` -- its first
non-empty line.

pyproject.toml is read with :mod:`tomllib` (https://docs.python.org/3/library/tomllib.html)
on Python >= 3.11 and with a small line parser of the two tables on 3.10.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from hotfix_ci.errors import ConfigError

_TABLE = re.compile(r"\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_VERSION_KEY = re.compile(r"""\s*version\s*=\s*(["'])([^"'\n]*)\1""")


def read_version_file(workdir: Path, name: str) -> str:
    """The version written in ``workdir/name`` (see the module docstring for the formats)."""
    path = workdir / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"release.version_from names {name}, but {path} does not exist",
            hint="fix the path (relative to the repository root) or use version_from: tags",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the version file {path}: {exc}",
            hint="make it a readable UTF-8 text file, or use version_from: tags",
        ) from exc
    return version_in_text(name, text)


def version_in_text(name: str, text: str) -> str:
    """The version in ``text``, the content of the file ``name``."""
    suffix = Path(name).suffix
    if suffix == ".toml":
        version = _toml_version(text, name)
    elif suffix == ".json":
        version = _json_version(text, name)
    else:
        version = next((line.strip() for line in text.splitlines() if line.strip()), None)
    if not version:
        raise ConfigError(
            f"no version found in {name}",
            hint='pyproject.toml needs [project] version = "X.Y.Z" (or [tool.poetry]), '
            'package.json a "version" field, other files the version on their first line',
        )
    return version


def _toml_version(text: str, name: str) -> str | None:
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{name} is not valid TOML: {exc}", hint=f"fix the syntax of {name}"
            ) from exc
        project = data.get("project", {})
        if "version" in project.get("dynamic", ()):
            raise ConfigError(
                f"{name} declares the version dynamic, so it holds no version to read",
                hint="use release.version_from: tags (the build tool derives it from them)",
            )
        poetry = data.get("tool", {}).get("poetry", {})
        found = project.get("version") or poetry.get("version")
        return found if isinstance(found, str) else None
    return toml_version_fallback(text)


def toml_version_fallback(text: str) -> str | None:
    """``[project].version``, else ``[tool.poetry].version``, by lines (Python 3.10)."""
    found: dict[str, str] = {}
    table = ""
    for line in text.splitlines():
        header = _TABLE.match(line)
        if header is not None:
            table = header.group(1).strip().replace(" ", "")
            continue
        value = _VERSION_KEY.match(line)
        if value is not None and table in ("project", "tool.poetry"):
            found.setdefault(table, value.group(2))
    return found.get("project") or found.get("tool.poetry")


def _json_version(text: str, name: str) -> str | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{name} is not valid JSON: {exc}", hint=f"fix the syntax of {name}"
        ) from exc
    found = data.get("version") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None

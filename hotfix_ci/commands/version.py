"""``hotfix-ci version current|next``: the current release and the next hotfix's version.

No GitHub API: the versions come from the local git tags (``release.version_from: tags``) or
a version file (``file:pyproject.toml`` -- ``[project].version`` or ``[tool.poetry].version``;
``file:package.json`` -- ``"version"``; any other file, e.g. ``file:VERSION`` -- its first
non-empty line). The arithmetic is :mod:`hotfix_ci.release.versioning`'s. The date scheme always
reads tags: its versions live nowhere else.

pyproject.toml is read with :mod:`tomllib` (https://docs.python.org/3/library/tomllib.html)
on Python >= 3.11 and with a small line parser of the two tables on 3.10.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from hotfix_ci import gitrepo
from hotfix_ci.release import versioning
from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import ConfigError

Kind = Literal["current", "next"]
_TABLE = re.compile(r"\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_VERSION_KEY = re.compile(r"""\s*version\s*=\s*(["'])([^"'\n]*)\1""")


@dataclass(frozen=True, kw_only=True)
class VersionReport:
    kind: Kind
    scheme: str
    version: str | None  # None only for "current" in the date scheme before any release
    tag: str | None
    previous_version: str | None
    previous_tag: str | None
    source: str  # "tags", "file:PATH", or "default" (nothing released yet)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "scheme": self.scheme,
            "version": self.version,
            "tag": self.tag,
            "previous_version": self.previous_version,
            "previous_tag": self.previous_tag,
            "source": self.source,
        }


def execute_version(kind: Kind, cfg: ReleaseConfig, workdir: Path, now: datetime) -> VersionReport:
    scheme = versioning.check_scheme(cfg.scheme)
    version_file = _version_file(cfg.version_from)
    if version_file is None or scheme == "date":
        gitrepo.require_git_repo(workdir)
        version_file = None
    tags = gitrepo.list_tags(workdir) if gitrepo.is_git_repo(workdir) else []
    current = read_version_file(workdir, version_file) if version_file else None
    source = f"file:{version_file}" if version_file else "tags"
    if kind == "next":
        upcoming = versioning.next_version(current, cfg, now=now, existing_tags=tags)
        if current is None and upcoming.previous_version is None:
            source = "default"
        return VersionReport(
            kind=kind,
            scheme=scheme,
            version=upcoming.version,
            tag=upcoming.tag,
            previous_version=upcoming.previous_version,
            previous_tag=upcoming.previous_tag,
            source=source,
        )
    releases = versioning.releases_in(tags, cfg)
    found = versioning.resolve_current(current, cfg, releases)
    if found is None:
        baseline = None if scheme == "date" else ".".join(map(str, versioning.BASELINE))
        return _current(scheme, baseline, None, "default")
    return _current(scheme, found.version, found.tag, source)


def _current(scheme: str, version: str | None, tag: str | None, source: str) -> VersionReport:
    return VersionReport(
        kind="current",
        scheme=scheme,
        version=version,
        tag=tag,
        previous_version=None,
        previous_tag=None,
        source=source,
    )


def _version_file(version_from: str) -> str | None:
    if version_from == "tags":
        return None
    prefix, _, name = version_from.partition(":")
    if prefix != "file" or not name.strip():
        raise ConfigError(
            f"release.version_from {version_from!r} is neither `tags` nor `file:PATH`",
            hint="use version_from: tags, or e.g. version_from: file:pyproject.toml",
        )
    return name.strip()


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
    if path.suffix == ".toml":
        version = _toml_version(text, name)
    elif path.suffix == ".json":
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

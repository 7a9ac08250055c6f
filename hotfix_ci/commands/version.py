"""``hotfix-ci version current|next``: the current release and the next hotfix's version.

No GitHub API: the versions come from the local git tags (``release.version_from: tags``) or
a version file (:mod:`hotfix_ci.release.version_files`). The arithmetic is
:mod:`hotfix_ci.release.versioning`'s. The date scheme always reads tags: its versions live
nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, TextIO

from hotfix_ci import gitrepo
from hotfix_ci.config import load_config
from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import ConfigError
from hotfix_ci.release import versioning
from hotfix_ci.release.version_files import read_version_file

Kind = Literal["current", "next"]


@dataclass(frozen=True, kw_only=True)
class VersionReport:
    kind: Kind
    scheme: str
    version: str | None  # None only for "current" in the date scheme before any release
    tag: str | None
    source: str  # "tags", "file:PATH", or "default" (nothing released yet)
    # What the "next" release follows; a "current" version has none.
    previous_version: str | None = None
    previous_tag: str | None = None

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


@dataclass(frozen=True, kw_only=True)
class VersionArgs:
    kind: Kind
    config: Path | None = None
    format: str = "text"
    workdir: Path = Path()
    now: datetime | None = None


def run(args: VersionArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from hotfix_ci.reports import emit
    from hotfix_ci.reports.release import render_version, render_version_json

    cfg = load_config(args.config, workdir=args.workdir)
    now = args.now or datetime.now(timezone.utc)
    report = version_report(args.kind, cfg.release, args.workdir, now)
    emit(report.as_dict(), args.format, out, text=render_version, json=render_version_json)
    return 0


def version_report(kind: Kind, cfg: ReleaseConfig, workdir: Path, now: datetime) -> VersionReport:
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

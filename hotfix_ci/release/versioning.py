"""Version arithmetic for hotfix releases: which release is current, and what comes next.

Pure: no I/O, no clock (``now`` is passed in). Schemes (``release.scheme``):

- ``patch``: 1.4.2 -> 1.4.3
- ``prerelease``: 1.4.2 -> 1.4.2-hotfix.1 -> 1.4.2-hotfix.2 (``hotfix`` is ``release.token``)
- ``suffix``: 0.14.0 -> 0.14.0q1 -> 0.14.0q2 (a team convention, see :mod:`suffix_version`)
- ``date``: version ``20251022-1430`` (UTC ``%Y%m%d-%H%M`` of ``now``), tag
  ``hotfix-20251022-1430``; ``-2``, ``-3`` are appended to the date on collision.

Ordering. Semver ranks 1.4.2-hotfix.1 *below* 1.4.2, but the prerelease scheme makes
1.4.2-hotfix.1 *from* 1.4.2: it is a hotfix of 1.4.2, released after it. So releases sort by
base ``MAJOR.MINOR.PATCH`` first; within one base, other prereleases (1.5.0-rc.1, by semver
precedence) < the release (1.5.0) < its hotfixes ``<token>.1`` < ``<token>.2`` < ... This
holds in every scheme, so a team that switches scheme keeps a correct history. Build
metadata is ignored for ordering and dropped from the next version.

Next version, from the base B of the current release (its prerelease and build dropped):

- ``patch``: B with patch + 1. Patch after 1.4.2-hotfix.2 is therefore 1.4.3: finalising to
  1.4.2 would re-release a version that already shipped. After 1.5.0-rc.1 it is 1.5.1
  (semver's ``bump_patch``), so a hotfix never takes the number the pending 1.5.0 will use.
- ``prerelease`` / ``suffix``: B with counter n + 1, n the highest hotfix counter of B among
  the current version and the existing tags.
- A version some tag already carries, or a tag name that exists, is skipped (next patch, next
  counter). That happens when ``version_from`` reads a file nobody bumped after a hotfix.

No release yet (no current version, no release tag): 0.1.0 stands for the current release,
so the first hotfix is 0.1.1, 0.1.0-hotfix.1 or 0.1.0q1. Tags that count: those matching
``release.tag``, and bare semver behind the prefixes ``""``, ``v``, ``release-``,
``release-v``; others (``api-v9.0.0``, ``nightly``) are ignored.

Tag templates and git's tag-name rules are in :mod:`hotfix_ci.patterns`.
Reference: https://semver.org/#spec-item-11 (precedence).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cmp_to_key

from semver import Version

from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import ConfigError
from hotfix_ci.patterns import DATE_VALUE, TagTemplate, check_tag_name, check_token
from hotfix_ci.release import suffix as suffix_version

SCHEMES = ("patch", "prerelease", "suffix", "date")
CONVENTIONAL_PREFIXES = ("", "v", "release-", "release-v")
BASELINE = (0, 1, 0)
DATE_FORMAT = "%Y%m%d-%H%M"


@dataclass(frozen=True, kw_only=True)
class NextVersion:
    version: str
    tag: str
    previous_version: str | None
    previous_tag: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "version": self.version,
            "tag": self.tag,
            "previous_version": self.previous_version,
            "previous_tag": self.previous_tag,
        }


@dataclass(frozen=True, kw_only=True)
class Release:
    """A released version, as a tag (or the version file) names it."""

    version: str  # as written, build metadata included
    tag: str | None
    base: tuple[int, int, int]  # date scheme: (yyyymmdd, hhmm, collision number)
    rank: int  # 0 another prerelease of base, 1 the release itself, 2 a hotfix of base
    counter: int = 0  # the hotfix number when rank == 2
    semver: Version | None = None
    from_template: bool = False


def parse_tag(tag: str, prefixes: Sequence[str]) -> Version | None:
    """The semver version behind one of ``prefixes`` (longest first); None if not semver."""
    for prefix in sorted(set(prefixes), key=len, reverse=True):
        if tag.startswith(prefix):
            try:
                return Version.parse(tag[len(prefix) :])
            except ValueError:
                continue
    return None


def check_scheme(scheme: str) -> str:
    if scheme in SCHEMES:
        return scheme
    close = difflib.get_close_matches(scheme, SCHEMES, n=1)
    raise ConfigError(
        f"release.scheme {scheme!r} is not a known versioning scheme",
        hint=(f"did you mean {close[0]!r}? " if close else "")
        + f"use one of: {', '.join(SCHEMES)}",
    )


def release_from_version(text: str, cfg: ReleaseConfig, tag: str | None = None) -> Release | None:
    """Classify a version string (``1.4.2``, ``1.4.2-hotfix.1``, ``0.14.0q1``); None if neither."""
    try:
        version = Version.parse(text)
    except ValueError:
        version = None
    if version is not None:
        base = (version.major, version.minor, version.patch)
        pre = version.prerelease
        hotfix = re.fullmatch(rf"{re.escape(cfg.token)}\.([1-9][0-9]*)", pre or "")
        if pre is None:
            return Release(version=text, tag=tag, base=base, rank=1, semver=version)
        if hotfix:
            counter = int(hotfix.group(1))
            return Release(
                version=text, tag=tag, base=base, rank=2, counter=counter, semver=version
            )
        return Release(version=text, tag=tag, base=base, rank=0, semver=version)
    if cfg.scheme == "suffix":
        parsed = suffix_version.parse(text, cfg.token)
        if parsed is not None:
            rank = 2 if parsed.counter else 1
            return Release(
                version=text, tag=tag, base=parsed.base, rank=rank, counter=parsed.counter
            )
    return None


def _release_from_date(value: str, tag: str) -> Release | None:
    match = DATE_VALUE.fullmatch(value)
    if match is None:
        return None
    day, time, collision = match.groups()
    base = (int(day), int(time), int(collision or 1))
    return Release(version=value, tag=tag, base=base, rank=1, from_template=True)


def release_from_tag(tag: str, cfg: ReleaseConfig, template: TagTemplate) -> Release | None:
    """The release a tag names under ``cfg``, or None for tags that are not releases."""
    fields = template.match(tag)
    if cfg.scheme == "date":
        value = fields.get("date", fields.get("version")) if fields is not None else None
        return _release_from_date(value, tag) if value is not None else None
    if fields is not None and "version" in fields:
        found = release_from_version(fields["version"], cfg, tag)
        if found is not None:
            return replace(found, from_template=True)
    for prefix in sorted(CONVENTIONAL_PREFIXES, key=len, reverse=True):
        if tag.startswith(prefix):
            found = release_from_version(tag[len(prefix) :], cfg, tag)
            if found is not None:
                return found
    return None


def version_of_tag(tag: str, cfg: ReleaseConfig) -> str:
    """The version ``tag`` carries under ``cfg`` (what ``{version}`` means at deploy time):
    ``hotfix-v0.14.0q1`` -> ``0.14.0q1`` in the suffix scheme, ``hotfix-20251022-1430`` ->
    ``20251022-1430`` in the date scheme; a tag that names no release is its own version."""
    template = TagTemplate(cfg.tag_template, scheme=check_scheme(cfg.scheme))
    found = release_from_tag(tag, cfg, template)
    if found is not None:
        return found.version
    fields = template.match(tag) or {}
    return fields.get("version") or fields.get("date") or tag


def _compare(a: Release, b: Release) -> int:
    if a.base != b.base:
        return -1 if a.base < b.base else 1
    if a.rank != b.rank:
        return -1 if a.rank < b.rank else 1
    if a.rank == 0 and a.semver is not None and b.semver is not None:
        return int(a.semver.compare(b.semver))  # semver precedence ignores build metadata
    return (a.counter > b.counter) - (a.counter < b.counter)


def latest(releases: Iterable[Release]) -> Release | None:
    """The highest release; among equals, the tag from the template, without build metadata."""
    candidates = list(releases)
    if not candidates:
        return None
    best = max(candidates, key=cmp_to_key(_compare))
    equal = [r for r in candidates if _compare(r, best) == 0]
    return min(equal, key=lambda r: (not r.from_template, "+" in r.version, r.tag or ""))


def releases_in(tags: Iterable[str], cfg: ReleaseConfig) -> list[Release]:
    template = TagTemplate(cfg.tag_template, scheme=check_scheme(cfg.scheme))
    found = (release_from_tag(tag, cfg, template) for tag in tags)
    return [release for release in found if release is not None]


def newest_first(tags: Iterable[str], cfg: ReleaseConfig) -> list[str]:
    """The release tags among ``tags`` in ``cfg``'s scheme, the highest release first."""
    found = sorted(releases_in(tags, cfg), key=cmp_to_key(_compare), reverse=True)
    return [r.tag for r in found if r.tag]


def latest_release(tags: Iterable[str], cfg: ReleaseConfig) -> Release | None:
    """The current release among ``tags`` in ``cfg``'s scheme (suffix and date included)."""
    return latest(releases_in(tags, cfg))


def latest_version(tags: Iterable[str], cfg: ReleaseConfig) -> Version | None:
    """The highest semver release among ``tags`` (hotfix-aware ordering, see module doc)."""
    found = latest(r for r in releases_in(tags, cfg) if r.semver is not None)
    return found.semver if found is not None else None


def date_stamp(now: datetime) -> str:
    """``now`` in UTC as ``%Y%m%d-%H%M``; a naive ``now`` is taken to be UTC already."""
    aware = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime(DATE_FORMAT)


def next_version(
    current: str | None,
    cfg: ReleaseConfig,
    *,
    now: datetime,
    existing_tags: Collection[str],
) -> NextVersion:
    """The version and tag of the next hotfix (rules in the module docstring).

    ``current`` is the version the caller read (version file or latest tag); None means
    "take the latest release among ``existing_tags``, else the 0.1.0 baseline".
    """
    scheme = check_scheme(cfg.scheme)
    token = check_token(cfg.scheme, cfg.token)
    template = TagTemplate(cfg.tag_template, scheme=scheme)
    releases = releases_in(existing_tags, cfg)
    stamp = date_stamp(now)
    if scheme == "date":
        return _next_date(template, releases, stamp, existing_tags, current)
    previous = resolve_current(current, cfg, releases)
    base = previous.base if previous is not None else BASELINE
    taken = {(r.base, r.rank, r.counter) for r in releases}

    def free(key: tuple[tuple[int, int, int], int, int], version: str) -> bool:
        return key not in taken and template.render(version, stamp) not in existing_tags

    if scheme == "patch":
        candidate = Version(*base).bump_patch()
        while not free(((candidate.major, candidate.minor, candidate.patch), 1, 0), str(candidate)):
            candidate = candidate.bump_patch()
        version = str(candidate)
    else:
        counters = [
            r.counter for r in [*releases, previous] if r and r.base == base and r.rank == 2
        ]
        counter = max(counters, default=0) + 1
        while not free((base, 2, counter), _hotfix_version(scheme, base, token, counter)):
            counter += 1
        version = _hotfix_version(scheme, base, token, counter)
    return NextVersion(
        version=version,
        tag=check_tag_name(template.render(version, stamp)),
        previous_version=previous.version if previous is not None else None,
        previous_tag=previous.tag if previous is not None else None,
    )


def _hotfix_version(scheme: str, base: tuple[int, int, int], token: str, counter: int) -> str:
    if scheme == "suffix":
        return suffix_version.SuffixVersion(*base, counter=counter, token=token).format()
    return str(Version(*base, prerelease=f"{token}.{counter}"))


def resolve_current(
    current: str | None, cfg: ReleaseConfig, releases: list[Release]
) -> Release | None:
    """``current`` as a :class:`Release`, with the tag that carries it if there is one."""
    if current is None:
        return latest(releases)
    text = current.strip()
    text = text[1:] if text.startswith("v") else text
    parsed = release_from_version(text, cfg)
    if parsed is None:
        expected = "0.14.0 or 0.14.0q1" if cfg.scheme == "suffix" else "MAJOR.MINOR.PATCH"
        raise ConfigError(
            f"the current version {current!r} is not a version hotfix-ci can bump "
            f"(expected {expected})",
            hint="fix the version in the file release.version_from names, "
            "or set release.version_from: tags",
        )
    tagged = latest(r for r in releases if _compare(r, parsed) == 0)
    return replace(parsed, tag=tagged.tag) if tagged is not None else parsed


def _next_date(
    template: TagTemplate,
    releases: list[Release],
    stamp: str,
    existing_tags: Collection[str],
    current: str | None,
) -> NextVersion:
    taken = {r.version for r in releases}
    value, collision = stamp, 1
    while value in taken or template.render(value, value) in existing_tags:
        collision += 1
        value = f"{stamp}-{collision}"
    previous = latest(releases)
    return NextVersion(
        version=value,
        tag=check_tag_name(template.render(value, value)),
        previous_version=previous.version if previous is not None else current,
        previous_tag=previous.tag if previous is not None else None,
    )

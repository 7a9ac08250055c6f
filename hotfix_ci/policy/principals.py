"""Logins and ``@org/team`` entries, as used by ``reviewers`` and ``labelled_by``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


def teams_in(entries: Iterable[str]) -> list[tuple[str, str]]:
    """The (org, slug) pairs of the ``@org/team`` entries."""
    out = []
    for entry in entries:
        if entry.startswith("@") and "/" in entry:
            org, slug = entry[1:].split("/", 1)
            out.append((org, slug))
    return out


def logins_in(entries: Iterable[str]) -> set[str]:
    return {e.lower() for e in entries if not e.startswith("@")}


@dataclass(frozen=True)
class Membership:
    """What we know of one person against a list of logins and teams."""

    allowed: bool
    unknown_teams: tuple[str, ...] = ()


def is_listed(
    login: str,
    entries: Iterable[str],
    team_members: Mapping[str, frozenset[str]],
    unreadable: Iterable[str],
) -> Membership:
    entries = tuple(entries)
    if login.lower() in logins_in(entries):
        return Membership(True)
    unknown = []
    for org, slug in teams_in(entries):
        key = f"@{org}/{slug}"
        if key in unreadable:
            unknown.append(key)
        elif login.lower() in {m.lower() for m in team_members.get(key, frozenset())}:
            return Membership(True)
    return Membership(False, tuple(unknown))

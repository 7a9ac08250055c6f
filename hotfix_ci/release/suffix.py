"""The ``suffix`` release scheme: ``0.14.0`` -> ``0.14.0q1`` -> ``0.14.0q2``.

This is a team convention, not semver: a hotfix of a released ``MAJOR.MINOR.PATCH`` appends
the configured token (one or more ASCII letters, e.g. ``q``) and a counter starting at 1.
Semver cannot parse ``0.14.0q1`` (it has no ``-`` before the prerelease), so the scheme keeps
this small parser of its own. Ordering is ``(major, minor, patch, counter)``: the plain
release has counter 0, so ``0.14.0 < 0.14.0q1 < 0.14.0q2 < 0.14.1``.

Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from hotfix_ci.patterns import check_token

_NUMBER = r"(0|[1-9][0-9]*)"


@cache
def _pattern(token: str) -> re.Pattern[str]:
    return re.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:{re.escape(token)}([1-9][0-9]*))?")


@dataclass(frozen=True, order=True)
class SuffixVersion:
    """``MAJOR.MINOR.PATCH`` plus a hotfix counter (0 = the plain release)."""

    major: int
    minor: int
    patch: int
    counter: int = 0
    token: str = field(default="q", compare=False)

    @property
    def base(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def format(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}{self.token}{self.counter}" if self.counter else core

    def bump(self) -> SuffixVersion:
        """The next hotfix of the same release: ``0.14.0`` -> ``0.14.0q1``, ``q1`` -> ``q2``."""
        return replace(self, counter=self.counter + 1)

    def __str__(self) -> str:
        return self.format()


def parse(text: str, token: str) -> SuffixVersion | None:
    """Parse ``0.14.0`` or ``0.14.0<token><n>``; anything else (or ``q0``) gives None."""
    match = _pattern(check_token("suffix", token)).fullmatch(text)
    if match is None:
        return None
    major, minor, patch, counter = match.groups()
    return SuffixVersion(int(major), int(minor), int(patch), int(counter) if counter else 0, token)

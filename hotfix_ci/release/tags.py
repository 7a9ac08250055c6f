"""Release tag names: the ``release.tag`` template, and git's rules for a tag name.

``release.tag`` holds ``{version}`` and/or ``{date}`` (the date scheme's ``%Y%m%d-%H%M``
value, with ``-2``, ``-3`` on collision). A template renders a tag and matches one back.
Tag names follow the ref-name rules of git check-ref-format:
https://www.kernel.org/doc/man-pages/online/pages/man1/git-check-ref-format.1.html
Pure: no I/O.
"""

from __future__ import annotations

import re
import string

from hotfix_ci.errors import ConfigError

DATE_VALUE = re.compile(r"([0-9]{8})-([0-9]{4})(?:-([1-9][0-9]*))?")
_FIELD_PATTERNS = {"version": r"[0-9A-Za-z.+-]+", "date": DATE_VALUE.pattern}
_REF_FORBIDDEN = frozenset(" ~^:?*[\\")


def tag_name_problem(name: str) -> str | None:
    """Why git would refuse ``refs/tags/<name>`` (git check-ref-format rules), or None."""
    if not name:
        return "it is empty"
    if name.startswith("-"):
        return 'it starts with "-", which git would read as an option'
    if "@{" in name:
        return 'it contains "@{"'
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c in _REF_FORBIDDEN for c in name):
        return "it contains a space, a control character, or one of ~ ^ : ? * [ \\"
    if ".." in name:
        return 'it contains ".."'
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return 'it starts or ends with "/" or contains "//"'
    if name.endswith("."):
        return 'it ends with "."'
    if any(part.startswith(".") or part.endswith(".lock") for part in name.split("/")):
        return 'a "/"-separated part starts with "." or ends with ".lock"'
    return None


def check_tag_name(name: str) -> str:
    """Return ``name`` if git accepts it as a tag, else raise :class:`ConfigError`."""
    problem = tag_name_problem(name)
    if problem is not None:
        raise ConfigError(
            f"the release tag {name!r} is not a valid git tag name: {problem}",
            hint="change release.tag so that, with {version} and {date} filled in, it is a "
            'valid ref name, e.g. tag: "hotfix-v{version}"',
        )
    return name


class TagTemplate:
    """``release.tag``: a tag name with ``{version}`` and/or ``{date}`` placeholders."""

    def __init__(self, template: str, *, scheme: str) -> None:
        self.template = template
        self._parts: list[tuple[str, str | None]] = []
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise self._error(f"its braces do not balance ({exc})") from exc
        for literal, name, spec, conversion in parsed:
            if name is not None and (name not in _FIELD_PATTERNS or spec or conversion):
                raise self._error(f"{{{name}}} is not a placeholder it knows")
            self._parts.append((literal, name))
        self.fields = frozenset(name for _, name in self._parts if name)
        needed = {"date", "version"} if scheme == "date" else {"version"}
        if not self.fields & needed:
            raise self._error(
                "it has no {version} placeholder, so every hotfix would get the same tag"
            )
        pattern, seen = "", set()
        for literal, name in self._parts:
            pattern += re.escape(literal)
            if name is not None:
                body = _FIELD_PATTERNS["date" if scheme == "date" else name]
                pattern += f"(?P={name})" if name in seen else f"(?P<{name}>{body})"
                seen.add(name)
        self._regex = re.compile(pattern)

    def _error(self, problem: str) -> ConfigError:
        return ConfigError(
            f"release.tag {self.template!r} cannot be used: {problem}",
            hint='use {version} and/or {date} only, e.g. tag: "hotfix-v{version}"',
        )

    def render(self, version: str, date: str) -> str:
        values = {"version": version, "date": date}
        return "".join(literal + (values[name] if name else "") for literal, name in self._parts)

    def match(self, tag: str) -> dict[str, str] | None:
        found = self._regex.fullmatch(tag)
        return found.groupdict() if found is not None else None

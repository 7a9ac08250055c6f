"""The one copy of every name and path rule: branch globs, path globs, git's ref-name rules,
release tag templates, the release token and release placeholders. Config validation and the
stages use these same functions, so what ``config validate`` accepts is exactly what the
stages accept.

- Branch globs follow GitHub Actions' branch filters (``*`` stops at ``/``, ``**`` does not):
  https://docs.github.com/en/actions/reference/workflow-syntax-for-github-actions#filter-pattern-cheat-sheet
- Path patterns use .gitignore semantics through ``pathspec.GitIgnoreSpec``
  (https://python-path-specification.readthedocs.io/en/latest/api.html), matched against the
  whole path.
- Ref names follow git check-ref-format:
  https://git-scm.com/docs/git-check-ref-format

Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping

import pathspec

from hotfix_ci.errors import ConfigError

DATE_VALUE = re.compile(r"([0-9]{8})-([0-9]{4})(?:-([1-9][0-9]*))?")
TAG_FIELDS = ("version", "date")
_FIELD_PATTERNS = {"version": r"[0-9A-Za-z.+-]+", "date": DATE_VALUE.pattern}
_REF_FORBIDDEN = frozenset(" ~^:?*[\\")
# What no glob can turn into a valid branch name: the glob characters themselves are allowed.
_BRANCH_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:\\]|\.\.|@\{")
RELEASE_PLACEHOLDERS = ("tag", "version", "sha", "environment")
# release.token: letters only under the suffix scheme (0.14.0 -> 0.14.0q1, a digit would run
# into the numbers); else a semver prerelease identifier (1.4.2-hotfix.1).
SUFFIX_TOKEN = re.compile(r"[A-Za-z]+")
PRERELEASE_TOKEN = re.compile(r"[0-9A-Za-z-]+")
# Sample values a tag template is checked with: the longest shapes each scheme produces.
_SAMPLE = {"version": "10.20.30-hotfix.4", "date": "20251022-1430-2"}


# --- branch globs ------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def branch_glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a branch glob: ``**`` any text, ``*`` any text without ``/``, ``?`` one
    character other than ``/``, ``[...]`` / ``[!...]`` a character class; the rest literal.

    Raises ``ValueError`` for an unclosed ``[`` or a reversed range such as ``[z-a]``.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        if char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                raise ValueError(f"'[' at position {i} is never closed with ']'")
            out.append(_char_class(pattern[i + 1 : end]))
            i = end
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(char) or re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def _char_class(body: str) -> str:
    # Every member is escaped, so no body can trip re's "possible nested set" warnings.
    negate = body.startswith("!") and len(body) > 1
    chars = body[1:] if negate else body
    members: list[str] = []
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            low, high = chars[i], chars[i + 2]
            if low > high:
                raise ValueError(f"range {low}-{high} is reversed")
            members.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
        else:
            members.append(re.escape(chars[i]))
            i += 1
    return "[" + ("^" if negate else "") + "".join(members) + "]"


def branch_glob_problem(pattern: str) -> tuple[str, str] | None:
    """Why ``pattern`` can never match a branch, as (problem, hint); None when it can."""
    bad = _BRANCH_FORBIDDEN.search(pattern)
    if bad:
        return (
            f"pattern can never match: git branch names cannot contain {bad.group()!r}",
            "write the branch glob as it appears on GitHub, e.g. 'hotfix/*'",
        )
    try:
        branch_glob_regex(pattern)
    except ValueError as exc:
        return (
            f"invalid branch glob: {exc}",
            "close the character class, e.g. 'hotfix/[a-z]*', or drop the '['",
        )
    return None


def branch_matches(branch: str, pattern: str) -> bool:
    return branch_glob_regex(pattern).match(branch) is not None


# --- path globs --------------------------------------------------------------------------


# pathspec's regexes use ``.`` and ``$``: ``.`` stops at a newline and ``$`` also matches
# before a final one, so ``a\n/package-lock.json`` escaped ``**/package-lock.json``. A path
# is matched whole: ``.`` matches any character and the end is the real end (``\Z``).
_END_ANCHOR = re.compile(r"(?<!\\)((?:\\\\)*)\$")


@functools.lru_cache(maxsize=64)
def path_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """The gitignore-style matcher of ``diff.ignore`` / ``protected`` / ``tests``, matching
    the whole path, line breaks included."""
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    for pattern in spec.patterns:
        regex = getattr(pattern, "regex", None)
        if isinstance(regex, re.Pattern):
            whole = _END_ANCHOR.sub(r"\1\\Z", regex.pattern)
            pattern.regex = re.compile(whole, regex.flags | re.DOTALL)
    return spec


def path_matches(path: str, patterns: Iterable[str]) -> bool:
    pats = tuple(patterns)
    return bool(pats) and bool(path_spec(pats).match_file(path))


# --- git ref names and release tags ------------------------------------------------------


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
            if name is not None and name not in _FIELD_PATTERNS:
                raise self._error(f"{{{name}}} is not a placeholder it knows")
            if name is not None and (spec or conversion):
                written = "{" + name + (f"!{conversion}" if conversion else "")
                written += (f":{spec}" if spec else "") + "}"
                raise self._error(f"{written} formats the value; write it plain, as {{{name}}}")
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


def tag_template_problem(template: str, scheme: str) -> str | None:
    """Why ``release`` would refuse ``release.tag``, in words; None when it renders valid
    tags. The one rule ``config validate`` and ``release`` share."""
    try:
        parsed = TagTemplate(template, scheme=scheme)
    except ConfigError as exc:
        return exc.message.split(" cannot be used: ", 1)[-1]
    problem = tag_name_problem(parsed.render(_SAMPLE["version"], _SAMPLE["date"]))
    return None if problem is None else f"the tags it makes are not valid git tag names: {problem}"


# --- the release token ------------------------------------------------------------------


def token_problem(scheme: str, token: str) -> tuple[str, str] | None:
    """Why ``release`` cannot put ``token`` into versions under ``scheme``, as (problem, hint);
    None when it can. The problem reads after "release.token "; ``config validate`` and the
    version arithmetic both use it, whatever the scheme (``next_version`` checks it always)."""
    if scheme == "suffix":
        if SUFFIX_TOKEN.fullmatch(token):
            return None
        return (
            f"{token!r} cannot be used by the suffix scheme: it must be one or more ASCII "
            "letters, because digits would run into the version numbers",
            'set release.token to letters only, e.g. token: "q" for 0.14.0q1',
        )
    if PRERELEASE_TOKEN.fullmatch(token) and not token.isdigit():
        return None
    return (
        f"{token!r} is not a valid semver prerelease identifier",
        'use letters, digits and "-" with at least one letter, e.g. token: "hotfix"',
    )


def check_token(scheme: str, token: str) -> str:
    """Return ``token`` if ``scheme`` can put it into versions, else raise :class:`ConfigError`."""
    problem = token_problem(scheme, token)
    if problem is not None:
        raise ConfigError(f"release.token {problem[0]}", hint=problem[1])
    return token


# --- placeholders ------------------------------------------------------------------------


def fill_placeholders(
    text: str, values: Mapping[str, str], names: Iterable[str] = RELEASE_PLACEHOLDERS
) -> str:
    """Replace ``{name}`` for each of ``names`` found in ``values``; every other brace stays as
    written (no str.format: braces in image references, JSON or shell snippets must survive)."""
    for name in names:
        if name in values:
            text = text.replace("{" + name + "}", values[name])
    return text

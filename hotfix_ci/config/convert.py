"""Turn schema-valid raw config data into the frozen dataclasses, after the checks a JSON
schema cannot express: regexes compile, globs can match, the tag template is usable.

Branch globs follow GitHub Actions' branch filters (``*`` stops at ``/``, ``**`` does not):
https://docs.github.com/en/actions/reference/workflow-syntax-for-github-actions#filter-pattern-cheat-sheet
Path patterns use .gitignore semantics through ``pathspec.GitIgnoreSpec``
(https://python-path-specification.readthedocs.io/en/latest/api.html); its
``"gitwildmatch"`` factory is deprecated in pathspec 1.x.
Git's own rules for ref names: https://git-scm.com/docs/git-check-ref-format
"""

from __future__ import annotations

import re
import string
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar

import pathspec

from hotfix_ci.config.locate import PathPart, Problem
from hotfix_ci.config.model import (
    ApprovalsConfig,
    DiffConfig,
    HotfixConfig,
    PullRequestConfig,
    ReleaseConfig,
    SeverityConfig,
)
from hotfix_ci.config.notify_build import build_notify, notify_problems

T = TypeVar("T")
R = TypeVar("R")
TAG_FIELDS = ("version", "date")
VERSION_FILES = ("pyproject.toml", "package.json", "VERSION")
# Characters git refuses in a ref name, so a branch glob or tag holding one never matches.
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:\\]|\.\.|@\{")


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
    return re.compile("".join(out) + r"\Z")


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


def compile_path_patterns(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """The gitignore-style matcher the diff rules use for ``ignore``/``protected``/``tests``."""
    return pathspec.GitIgnoreSpec.from_lines(patterns)


_KEY_PATH = re.compile(r"^(deploy(?:\.[A-Za-z0-9_-]+|\[\d+\])*): (.+)$", re.DOTALL)


def _split_key_path(message: str) -> tuple[tuple[PathPart, ...], str]:
    """``deploy.environments.prod.providers[1].name: text`` -> (path parts, text)."""
    match = _KEY_PATH.match(message)
    if not match:
        return ("deploy",), message
    parts: list[PathPart] = []
    for name, index in re.findall(r"([A-Za-z0-9_-]+)|\[(\d+)\]", match.group(1)):
        parts.append(int(index) if index else name)
    return tuple(parts), match.group(2)


def _deploy_problems(deploy: Mapping[str, Any]) -> Iterator[Problem]:
    """What the deploy section's own parser rejects, and provider types that do not exist."""
    if not deploy:
        return
    from hotfix_ci.deploy.config import parse_deploy
    from hotfix_ci.errors import ConfigError
    from hotfix_ci.providers.registry import provider_factory

    try:
        parsed = parse_deploy(dict(deploy))
    except ConfigError as exc:
        path, message = _split_key_path(exc.message)
        yield Problem(path, message, exc.hint)
        return
    for env_name, environment in parsed.environments.items():
        for index, spec in enumerate(environment.providers):
            try:
                provider_factory(spec.type)
            except ConfigError as exc:
                where: tuple[PathPart, ...] = (
                    "deploy",
                    "environments",
                    env_name,
                    "providers",
                    index,
                    "type",
                )
                yield Problem(where, exc.message, exc.hint)


def check_semantics(raw: Mapping[str, Any]) -> list[Problem]:
    """Problems the schema cannot see; tolerates wrong types (the schema reports those)."""
    return list(_semantic_problems(raw))


def _semantic_problems(raw: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _deploy_problems(_section(raw, "deploy"))
    yield from notify_problems(_section(raw, "notify"))
    pull = _section(raw, "pull_request")
    title = pull.get("title")
    if isinstance(title, str):
        try:
            _compile_quietly(re.compile, title)
        except (re.error, OverflowError, RecursionError, FutureWarning) as exc:
            yield Problem(
                ("pull_request", "title"),
                f"not a valid regular expression: {exc}",
                "it is a Python regex searched in the title: escape a literal [ ] ( ) + ? "
                "with a backslash, and quote the value with single quotes in YAML",
            )
    branch = pull.get("branch")
    if isinstance(branch, str) and branch:
        yield from _branch_glob_problems(branch)
    diff = _section(raw, "diff")
    for key in ("ignore", "protected", "tests"):
        patterns = diff.get(key)
        if isinstance(patterns, list):
            for index, pattern in enumerate(patterns):
                if isinstance(pattern, str) and pattern:
                    yield from _path_pattern_problems(("diff", key, index), pattern)
    yield from _severity_problems(raw.get("severities"))
    release = _section(raw, "release")
    tag = release.get("tag")
    if isinstance(tag, str) and tag:
        yield from _tag_problems(tag)
    version_from = release.get("version_from")
    if isinstance(version_from, str) and version_from.startswith("file:"):
        yield from _version_file_problems(version_from.removeprefix("file:"))


def _compile_quietly(compile_: Callable[[T], R], source: T) -> R:
    # re warns (FutureWarning) about sets such as "[[" whose meaning will change; that
    # ambiguity is a config problem to report, not a warning to scroll past in a CI log.
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return compile_(source)


def _section(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, Mapping) else {}


def _branch_glob_problems(branch: str) -> Iterator[Problem]:
    path = ("pull_request", "branch")
    bad = _REF_FORBIDDEN.search(branch)
    if bad:
        yield Problem(
            path,
            f"pattern can never match: git branch names cannot contain {bad.group()!r}",
            "write the branch glob as it appears on GitHub, e.g. 'hotfix/*'",
        )
        return
    try:
        branch_glob_regex(branch)
    except ValueError as exc:
        yield Problem(
            path,
            f"invalid branch glob: {exc}",
            "close the character class, e.g. 'hotfix/[a-z]*', or drop the '['",
        )


def _path_pattern_problems(path: tuple[PathPart, ...], pattern: str) -> Iterator[Problem]:
    try:
        spec = _compile_quietly(compile_path_patterns, (pattern,))
    except (ValueError, re.error, FutureWarning) as exc:
        yield Problem(
            path,
            f"invalid path pattern {pattern!r}: {exc}",
            "use .gitignore syntax, e.g. '**/package-lock.json' or 'tests/**'",
        )
        return
    if all(p.include is None for p in spec.patterns):
        yield Problem(
            path,
            f"path pattern {pattern!r} matches no file",
            "a leading '#' makes a comment and an unclosed '[' a dead pattern in .gitignore "
            "syntax: write '\\#' for a literal '#', or close the '['",
        )


def _severity_problems(severities: Any) -> Iterator[Problem]:
    if not isinstance(severities, Mapping) or not severities:
        return
    owner_of_label: dict[str, str] = {}
    any_hotfix = False
    for name, entry in severities.items():
        if not isinstance(name, str) or not isinstance(entry, Mapping):
            continue
        label = entry.get("label", name)
        if isinstance(label, str):
            if label in owner_of_label:
                yield Problem(
                    ("severities", name, "label"),
                    f"label {label!r} is already the label of severity {owner_of_label[label]!r}",
                    "give every severity its own label, or the gate cannot tell them apart",
                )
            owner_of_label.setdefault(label, name)
        any_hotfix = any_hotfix or entry.get("hotfix", True) is True
    if not any_hotfix:
        yield Problem(
            ("severities",),
            "no severity is hotfix material (every one has hotfix: false)",
            "set hotfix: true on the severities that may take the hotfix path, e.g. P0 and P1",
        )


def _tag_problems(tag: str) -> Iterator[Problem]:
    path = ("release", "tag")
    try:
        parts = list(string.Formatter().parse(tag))
    except ValueError as exc:
        yield Problem(
            path,
            f"invalid tag template: {exc}",
            "write braces only around {version} "
            "or {date}; double them ('{{', '}}') for a literal brace",
        )
        return
    fields = [field for _, field, _, _ in parts if field is not None]
    unknown = [field for field in fields if field not in TAG_FIELDS]
    literal = "".join(text for text, _, _, _ in parts)
    bad = _REF_FORBIDDEN.search(literal)
    if unknown:
        yield Problem(
            path,
            f"unknown placeholder {{{unknown[0]}}} in tag template",
            "the tag template knows {version} and {date}, e.g. 'hotfix-v{version}'",
        )
    elif not fields:
        yield Problem(
            path,
            "tag template has no {version} or {date}, so every hotfix would get the same tag",
            "add a placeholder, e.g. 'hotfix-v{version}'",
        )
    elif bad:
        yield Problem(
            path,
            f"git tag names cannot contain {bad.group()!r}",
            "use letters, digits, '-', '.', '_' and '/' around the placeholders",
        )


def _version_file_problems(file: str) -> Iterator[Problem]:
    path = ("release", "version_from")
    pure = PurePosixPath(file)
    if pure.is_absolute() or ".." in pure.parts:
        yield Problem(
            path,
            f"version file {file!r} is outside the repository",
            "give a path relative to the repository root, e.g. 'file:pyproject.toml'",
        )
    elif pure.name not in VERSION_FILES:
        yield Problem(
            path,
            f"cannot read a version from {pure.name!r}",
            "hotfix-ci reads pyproject.toml, package.json or VERSION files, "
            "e.g. 'file:backend/pyproject.toml'; or use 'tags'",
        )


def to_config(raw: Mapping[str, Any], *, source: str | None) -> HotfixConfig:
    """Build the dataclasses from data that passed the schema and :func:`check_semantics`."""
    defaults = HotfixConfig()
    severities = raw.get("severities")
    return HotfixConfig(
        version=int(raw["version"]),
        pull_request=PullRequestConfig(**_fields(_section(raw, "pull_request"))),
        severities=(
            tuple(_severity(name, entry) for name, entry in severities.items())
            if isinstance(severities, Mapping)
            else defaults.severities
        ),
        approvals=ApprovalsConfig(**_fields(_section(raw, "approvals"))),
        diff=DiffConfig(**_fields(_section(raw, "diff"))),
        release=ReleaseConfig(**_fields(_section(raw, "release"))),
        deploy=dict(_section(raw, "deploy")),
        notify=build_notify(_section(raw, "notify")),
        source=source,
    )


def _severity(name: str, entry: Mapping[str, Any]) -> SeverityConfig:
    fields = _fields(entry)
    fields.setdefault("label", name)
    return SeverityConfig(name=name, **fields)


def _fields(section: Mapping[str, Any]) -> dict[str, Any]:
    # Lists become tuples so the frozen dataclasses stay hashable and immutable.
    return {key: _plain(value) for key, value in section.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    # JSON Schema counts 200.0 as an integer; the dataclasses promise an int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

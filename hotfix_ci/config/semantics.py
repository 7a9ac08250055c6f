"""Problems a JSON schema cannot express, found on schema-valid raw data: regexes compile,
globs can match, tag templates make valid tags, names are unique, durations are finite,
provider types exist. Each is a :class:`Problem` with its key path; the rules themselves
live in :mod:`hotfix_ci.patterns`, shared with the stages.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar

from hotfix_ci import patterns
from hotfix_ci.config.build import section
from hotfix_ci.config.environment_checks import environment_problems, wait_problems
from hotfix_ci.config.locate import CYCLE, PathPart, Problem, walk
from hotfix_ci.config.model import default_severities
from hotfix_ci.config.notify_build import notify_problems
from hotfix_ci.durations import parse_duration
from hotfix_ci.errors import ConfigError
from hotfix_ci.text import did_you_mean

T = TypeVar("T")
R = TypeVar("R")
VERSION_FILES = ("pyproject.toml", "package.json", "VERSION")


def check_semantics(raw: Mapping[str, Any]) -> list[Problem]:
    """Problems the schema cannot see; tolerates wrong types (the schema reports those)."""
    return list(_problems(raw))


def _problems(raw: Mapping[str, Any]) -> Iterator[Problem]:
    pull = section(raw, "pull_request")
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
        found = patterns.branch_glob_problem(branch)
        if found is not None:
            yield Problem(("pull_request", "branch"), *found)
    diff = section(raw, "diff")
    for key in ("ignore", "protected", "tests"):
        for index, pattern in enumerate(diff.get(key) or ()):
            if isinstance(pattern, str) and pattern:
                yield from _path_pattern_problems(("diff", key, index), pattern)
    yield from _severity_problems(raw.get("severities"))
    yield from _target_problems(raw.get("targets"), raw.get("severities"))
    yield from _release_problems(section(raw, "release"))
    yield from _deploy_problems(section(raw, "deploy"))
    yield from notify_problems(section(raw, "notify"))
    yield from _unusable_values(raw)


def _compile_quietly(compile_: Callable[[T], R], source: T) -> R:
    # re warns (FutureWarning) about sets such as "[[" whose meaning will change; that
    # ambiguity is a config problem to report, not a warning to scroll past in a CI log.
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return compile_(source)


def _path_pattern_problems(path: tuple[PathPart, ...], pattern: str) -> Iterator[Problem]:
    try:
        spec = _compile_quietly(patterns.path_spec, (pattern,))
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


def _target_problems(targets: Any, severities: Any) -> Iterator[Problem]:
    """Each ``targets:`` key names a severity (the config's, else the default P0-P3)."""
    if not isinstance(targets, Mapping):
        return
    known = list(severities) if isinstance(severities, Mapping) and severities else []
    known = known or [sev.name for sev in default_severities()]
    for name in targets:
        if name not in known:
            yield Problem(
                ("targets", name),
                f"{name!r} is not a severity",
                did_you_mean(name, [str(k) for k in known], listing="name one of"),
            )


def _release_problems(release: Mapping[str, Any]) -> Iterator[Problem]:
    tag = release.get("tag")
    if isinstance(tag, str) and tag:
        problem = patterns.tag_template_problem(tag, str(release.get("scheme", "patch")))
        if problem is not None:
            yield Problem(
                ("release", "tag"),
                f"unusable tag template: {problem}",
                "use {version} and/or {date} with letters, digits, '-', '.', '_' and '/' "
                "around them, e.g. 'hotfix-v{version}'; double a brace ('{{') for a literal one",
            )
    token = release.get("token")
    if isinstance(token, str):
        found = patterns.token_problem(str(release.get("scheme", "patch")), token)
        if found is not None:
            yield Problem(("release", "token"), *found)
    version_from = release.get("version_from")
    if isinstance(version_from, str) and version_from.startswith("file:"):
        yield from _version_file_problems(version_from.removeprefix("file:"))


def _unusable_values(raw: Any) -> Iterator[Problem]:
    """No number of the config may be .nan or .inf: NaN compares false with everything (a
    gate with max: .nan never fails) and an infinite wait cannot be slept. No value may
    contain itself (an alias of an enclosing anchor): nothing could write it out."""
    for path, leaf in walk(raw):
        if leaf is CYCLE:
            yield Problem(
                path,
                "this value contains itself (an alias *name inside the anchor &name it refers to)",
                "write the value out, or anchor only a value that does not contain the alias",
            )
        elif isinstance(leaf, float) and not math.isfinite(leaf):
            yield Problem(
                path,
                f"{leaf!r} is not a finite number",
                "YAML reads .nan, .inf and -.inf as not-a-number and infinity: write a number, "
                "or delete the key to use its default",
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


def _deploy_problems(deploy: Mapping[str, Any]) -> Iterator[Problem]:
    for name, environment in section(deploy, "environments").items():
        if isinstance(environment, Mapping):
            yield from _environment_problems(("deploy", "environments", name), environment)


def _environment_problems(where: tuple[PathPart, ...], env: Mapping[str, Any]) -> Iterator[Problem]:
    providers = env.get("providers") or []
    yield from _unique_names((*where, "providers"), providers, "provider", "--provider")
    yield from _provider_types((*where, "providers"), providers)
    yield from _unique_names((*where, "gates"), env.get("gates") or [], "gate", "its probes")
    watch = section(env, "watch")
    for key in ("initial_delay", "interval", "duration", "timeout"):
        if key not in watch:
            continue
        path = (*where, "watch", key)
        try:
            seconds = parse_duration(watch[key], key)
        except ConfigError as exc:
            yield Problem(path, exc.message.removeprefix(f"{key}: "), exc.hint)
            continue
        if key in ("interval", "timeout") and seconds == 0:
            yield Problem(path, "must be greater than zero", "e.g. 10s")
        yield from wait_problems(path, watch[key])
    yield from environment_problems(where, env)


def _unique_names(
    where: tuple[PathPart, ...], items: list[Any], what: str, used_by: str
) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str):
            continue
        if name in seen:
            yield Problem(
                (*where, index, "name"),
                f"{what} name {name!r} is used twice",
                f"give each {what} its own name: {used_by} names it",
            )
        seen.add(name)


def _provider_types(where: tuple[PathPart, ...], providers: list[Any]) -> Iterator[Problem]:
    from hotfix_ci.providers.registry import provider_factory

    for index, item in enumerate(providers):
        kind = item.get("type") if isinstance(item, Mapping) else None
        if not isinstance(kind, str):
            continue
        try:
            provider_factory(kind)
        except ConfigError as exc:
            yield Problem((*where, index, "type"), exc.message, exc.hint)

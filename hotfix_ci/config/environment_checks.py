"""What ``deploy`` would trip over in one environment, found at ``config validate`` time:
unusable URLs (:mod:`~hotfix_ci.config.urls`), timings the runner cannot wait for, and
provider placeholders that are misspelt or have no value where they are used.

Tolerates wrong types (the schema reports those): each check looks only at what it can read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from hotfix_ci.config.locate import PathPart, Problem, walk
from hotfix_ci.config.urls import url_message, url_problem
from hotfix_ci.durations import parse_duration
from hotfix_ci.errors import ConfigError
from hotfix_ci.patterns import RELEASE_PLACEHOLDERS, fill_placeholders
from hotfix_ci.text import closest

Where = tuple[PathPart, ...]
# Settings of the built-in providers that name an HTTP endpoint, and those that are timings.
PROVIDER_URL_KEYS = ("api_url", "registry_url", "source_url")
PROVIDER_TIMING_KEYS = ("timeout", "poll_interval")
# A job on a GitHub-hosted runner ends after 6 hours; no wait of a deploy is longer than a day.
MAX_WAIT_SECONDS = 24 * 3600.0
_SAMPLE_RELEASE = {
    "tag": "hotfix-v1.2.4",
    "version": "1.2.4",
    "sha": "0" * 40,
    "environment": "production",
    "rollback_ref": "hotfix-v1.2.3",
}
# A brace word not preceded by "$" (a shell-style ${VAR} is no misspelt placeholder).
_BRACED = re.compile(r"(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}")
# What the providers replace: every {name} of these, wherever it is (no "{{" escape).
_PLACEHOLDER = re.compile(r"\{(tag|version|sha|environment|rollback_ref)\}")
# Which placeholders the command provider fills in each of its commands.
_COMMAND_VALUES = {
    "deploy": frozenset(RELEASE_PLACEHOLDERS),
    "rollback": frozenset((*RELEASE_PLACEHOLDERS, "rollback_ref")),
    "current": frozenset(),
}


def environment_problems(where: Where, env: Mapping[str, Any]) -> Iterator[Problem]:
    url = env.get("url")
    if isinstance(url, str):
        yield from check_url((*where, "url"), url)
    for index, gate in enumerate(_entries(env.get("gates"))):
        if gate.get("type") in ("http", "prometheus") and isinstance(gate.get("url"), str):
            yield from check_url((*where, "gates", index, "url"), gate["url"])
    for index, argv in enumerate(_list(env.get("before"))):
        for position, arg in enumerate(_list(argv)):
            yield from _typo_placeholders((*where, "before", index, position), arg)
    from hotfix_ci.providers.registry import BUILTIN_PROVIDERS

    for index, provider in enumerate(_entries(env.get("providers"))):
        settings = provider.get("with")
        if not isinstance(settings, Mapping):
            continue
        at = (*where, "providers", index, "with")
        yield from _placeholder_problems(at, settings, provider.get("type"))
        if provider.get("type") in BUILTIN_PROVIDERS:
            yield from _builtin_settings_problems(at, settings)


def check_url(path: Where, url: str, *, filled: bool = False) -> Iterator[Problem]:
    """The URL problem of one URL-valued key; ``filled``: a provider setting whose release
    placeholders are replaced before use (checked with sample values)."""
    used = fill_placeholders(url, _SAMPLE_RELEASE) if filled else url
    if url_problem(used) is not None:
        yield Problem(path, *url_message(used))


def _builtin_settings_problems(at: Where, settings: Mapping[str, Any]) -> Iterator[Problem]:
    for key in PROVIDER_URL_KEYS:
        if isinstance(settings.get(key), str):
            yield from check_url((*at, key), settings[key], filled=True)
    for key in PROVIDER_TIMING_KEYS:
        if key in settings:
            yield from wait_problems((*at, key), settings[key])


def wait_problems(path: Where, value: Any) -> Iterator[Problem]:
    """A timing the runner can wait for: a finite duration of at most a day."""
    key = str(path[-1])
    try:
        seconds = parse_duration(value, key)
    except ConfigError:
        return  # the schema (or the duration check of watch:) says what is wrong
    if seconds > MAX_WAIT_SECONDS:
        shown = f"{value!r} ({seconds:g} seconds)" if isinstance(value, str) else f"{seconds:g}s"
        yield Problem(
            path,
            f"{shown} is longer than a day",
            "a deploy job cannot wait that long (GitHub ends a hosted job after 6 hours): "
            "write minutes, e.g. 10m",
        )


def _placeholder_problems(at: Where, settings: Mapping[str, Any], kind: Any) -> Iterator[Problem]:
    for key, value in settings.items():
        # A value that contains itself is reported by semantics (walk yields CYCLE there).
        for path, text in walk(value, (*at, str(key))):
            if not isinstance(text, str):
                continue
            yield from _typo_placeholders(path, text)
            if kind == "command" and key in _COMMAND_VALUES:
                yield from _unfilled(path, text, str(key))


def _typo_placeholders(path: Where, text: Any) -> Iterator[Problem]:
    """``{tga}``, ``{Version}``: a brace word close to a placeholder is a misspelt one (other
    brace text, JSON or ``${VAR}``, is left as written, so only near misses are reported)."""
    if not isinstance(text, str):
        return
    known = (*RELEASE_PLACEHOLDERS, "rollback_ref")
    for name in _BRACED.findall(text):
        if name in known or len(name) < 3:
            continue
        guess = closest(name.lower(), known)
        if guess is not None:
            yield Problem(
                path,
                f"{{{name}}} is not a placeholder, so it would stay in the value as written",
                f"did you mean {{{guess}}}? The placeholders are "
                + ", ".join("{" + k + "}" for k in known),
            )


def _unfilled(path: Where, text: str, command: str) -> Iterator[Problem]:
    filled = _COMMAND_VALUES[command]
    for name in dict.fromkeys(_PLACEHOLDER.findall(text)):
        if name not in filled:
            where = {"current": "`current` gets no placeholders (it asks what is live)"}.get(
                command, "{rollback_ref} exists only in `rollback`"
            )
            yield Problem(
                path,
                f"the {command} command uses {{{name}}}, which has no value there",
                f"{where}: the {command} command would fail at deploy time",
            )


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in _list(value) if isinstance(item, Mapping)]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []

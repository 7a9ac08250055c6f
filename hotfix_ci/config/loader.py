"""Read ``.github/hotfix.yml``, validate it against the shipped JSON schema, and build the
config dataclasses; every problem is reported with its file line and key path.

The schema is JSON Schema Draft 2020-12 (https://json-schema.org/draft/2020-12/schema),
checked with ``jsonschema.Draft202012Validator.iter_errors`` so all problems come at once
(https://python-jsonschema.readthedocs.io/en/stable/errors/).
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from hotfix_ci.config.convert import check_semantics, to_config
from hotfix_ci.config.locate import (
    ParsedYaml,
    PathPart,
    Problem,
    find_line,
    parse_yaml,
    yaml_error_problem,
)
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.errors import ConfigError

DEFAULT_CONFIG_PATH = Path(".github") / "hotfix.yml"
MAX_CONFIG_BYTES = 1_000_000
MAX_SHOWN_PROBLEMS = 20
_SCHEMA_HINT = "`hotfix-ci config schema` prints every key with its type and default"


class InvalidConfigError(ConfigError):
    """The config file has problems; ``problems`` holds each one with its line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        ordered = sorted(problems, key=lambda p: (p.line or 0, _dotted(p.path)))
        first = ordered[0]
        if len(ordered) == 1:
            super().__init__(_problem_line(source, first), hint=first.hint or _SCHEMA_HINT)
        else:
            shown = [
                _problem_line(source, p) + (f" ({p.hint})" if p.hint else "")
                for p in ordered[:MAX_SHOWN_PROBLEMS]
            ]
            if len(ordered) > MAX_SHOWN_PROBLEMS:
                shown.append(f"... and {len(ordered) - MAX_SHOWN_PROBLEMS} more")
            super().__init__(
                "\n".join(shown),
                hint=f"{len(ordered)} problems in {source}; fix them top to bottom. "
                + _SCHEMA_HINT,
            )
        self.source = source
        self.problems = tuple(ordered)


def _dotted(path: tuple[PathPart, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _problem_line(source: str, problem: Problem) -> str:
    where = source
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    if problem.path:
        return f"{where}: {_dotted(problem.path)}: {problem.message}"
    return f"{where}: {problem.message}"


def schema_text() -> str:
    """The JSON schema of the config, as shipped (for ``hotfix-ci config schema``)."""
    return resources.files("hotfix_ci.config").joinpath("hotfix.schema.json").read_text("utf-8")


@functools.cache
def config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(config_schema())


def load_config(path: Path | None = None, *, workdir: Path | None = None) -> HotfixConfig:
    """Load the config: ``path`` if given (it must exist; relative to ``workdir`` when that is
    given), else ``.github/hotfix.yml`` under ``workdir`` (default: the current directory),
    or all defaults (``source`` None) when that file is absent.
    """
    base = workdir or Path.cwd()
    if path is None:
        file = base / DEFAULT_CONFIG_PATH
        if not file.exists() and not file.is_symlink():
            return HotfixConfig()
        shown = DEFAULT_CONFIG_PATH.as_posix()
    else:
        file = path if path.is_absolute() else base / path
        shown = str(path)
    return validate_config_text(_read_text(file, shown, base), shown)


def _read_text(file: Path, shown: str, base: Path) -> str:
    try:
        if file.is_dir():
            raise ConfigError(
                f"{shown}: is a directory, not a config file",
                hint="pass the YAML file itself, e.g. --config .github/hotfix.yml",
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{shown}: config file not found",
            hint=f"check the --config path (relative paths start at {base}); "
            "without --config hotfix-ci reads .github/hotfix.yml and uses defaults if absent",
        ) from None
    except PermissionError:
        raise ConfigError(
            f"{shown}: cannot read the config file: permission denied",
            hint="make it readable by the user running hotfix-ci, e.g. chmod a+r " + shown,
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"{shown}: cannot read the config file: {exc.strerror or exc}",
            hint="check that the path names a regular, readable file",
        ) from None
    if len(data) > MAX_CONFIG_BYTES or b"\0" in data:
        raise ConfigError(
            f"{shown}: does not look like a YAML config (binary data or over 1 MB)",
            hint="point --config at .github/hotfix.yml; a hotfix config is a few KB of text",
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{shown}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="save the file as UTF-8; YAML configs must be UTF-8",
        ) from None


def validate_config_text(text: str, source: str) -> HotfixConfig:
    """Parse and validate config text; ``source`` names it in messages and the result."""
    try:
        parsed = parse_yaml(text)
    # PyYAML errors, or RecursionError on absurd nesting: either way the file is at fault.
    except Exception as exc:
        raise InvalidConfigError(source, [_parse_failure(exc, text)]) from None
    if parsed.data is None:
        raise ConfigError(
            f"{source}: the config file is empty",
            hint="write `version: 1` in it: every other key has a default",
        )
    if not isinstance(parsed.data, dict):
        raise InvalidConfigError(
            source,
            [
                Problem(
                    (),
                    "the top level must be a mapping of `key: value` lines, "
                    f"got {_describe(parsed.data)}",
                    "start the file with `version: 1`",
                    line=find_line(parsed.root, ()),
                )
            ],
        )
    problems = _problems(parsed)
    if problems:
        raise InvalidConfigError(source, problems)
    return to_config(parsed.data, source=source)


def _parse_failure(exc: Exception, text: str) -> Problem:
    if isinstance(exc, yaml.YAMLError):
        return yaml_error_problem(exc, text)
    if isinstance(exc, RecursionError):
        return Problem((), "the YAML is nested too deeply to read", "flatten the structure")
    return Problem((), f"cannot read the YAML: {exc}", "check the file's syntax")


def _problems(parsed: ParsedYaml) -> list[Problem]:
    found = [
        Problem(
            dup.path,
            f"duplicate key (first written on line {dup.first_line})",
            "YAML keeps only the last one silently: delete or merge the other",
            line=dup.line,
        )
        for dup in parsed.duplicates
    ]
    found += schema_problems(parsed.data)
    if not found:
        found += check_semantics(parsed.data)
    return [
        p
        if p.line is not None
        else Problem(p.path, p.message, p.hint, find_line(parsed.root, p.path))
        for p in found
    ]


# --- JSON-schema errors, in words an on-call engineer can act on -------------------------

_TYPE_WORDS = {
    "integer": "an integer",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
    "number": "a number",
}
_TYPE_HINTS = {
    "integer": "write a whole number",
    "string": "write text; quote it if YAML could read it as something else",
    "boolean": "write true or false",
    "array": "write a list, one `- item` per line or [a, b]",
    "object": "write `key: value` lines indented under it",
}


def schema_problems(data: dict[Any, Any]) -> list[Problem]:
    """Every schema violation in ``data`` as a Problem with a key path and a hint."""
    bad_keys = list(_non_text_keys(data, (), set()))
    if bad_keys:
        # JSON Schema only knows text keys; checking further would report nonsense.
        return bad_keys
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_explain(error))
    return problems


def _non_text_keys(value: Any, path: tuple[PathPart, ...], seen: set[int]) -> Any:
    if id(value) in seen:  # aliases can make the data cyclic
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield Problem(
                    path,
                    f"key {_describe(key)} is not text",
                    f'quote the key, e.g. "{key}":',
                )
            else:
                yield from _non_text_keys(item, (*path, key), seen)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_text_keys(item, (*path, index), seen)


def _explain(error: jsonschema.ValidationError) -> list[Problem]:
    path: tuple[PathPart, ...] = tuple(error.absolute_path)
    kind = str(error.validator)
    expected: Any = error.validator_value
    value: Any = error.instance
    schema: Any = error.schema
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}) if isinstance(schema, dict) else {})
        return [
            Problem((*path, key), "unknown key", _suggest(key, allowed, "allowed keys here"))
            for key in value
            if key not in allowed
        ]
    if kind == "required" and isinstance(value, dict):
        return [
            Problem(
                (*path, key),
                "required key is missing",
                "add `version: 1` at the top of the file" if key == "version" else None,
            )
            for key in expected
            if key not in value
        ]
    return [Problem(path, *_message_and_hint(kind, expected, value, schema, path))]


def _message_and_hint(
    kind: str, expected: Any, value: Any, schema: Any, path: tuple[PathPart, ...]
) -> tuple[str, str | None]:
    got = _describe(value)
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        hint = _TYPE_HINTS.get(types[0])
        default = schema.get("default") if isinstance(schema, dict) else None
        if hint and default not in (None, {}) and path and isinstance(path[-1], str):
            hint += f", e.g. {path[-1]}: {json.dumps(default)}"
        return f"expected {words}, got {got}", hint
    if kind == "const":
        return (
            f"must be {json.dumps(expected)}, got {got}",
            "this hotfix-ci reads config version 1: write `version: 1`",
        )
    if kind == "enum":
        choices = [str(c) for c in expected]
        return (
            f"expected one of {', '.join(choices)}; got {got}",
            _suggest(value, choices, "choose one of"),
        )
    if kind == "minimum":
        return (
            f"must be at least {expected}, got {got}",
            f"write a whole number of {expected} or more",
        )
    if kind == "minLength":
        return "must not be empty", "write a value, or delete the key to use its default"
    if kind == "minItems":
        return "must list at least one entry", "add an entry, or delete the key for the default"
    if kind == "minProperties":
        return (
            "must define at least one severity",
            "delete `severities:` to use the defaults P0-P3, or list your own",
        )
    if kind == "pattern":
        return _pattern_message(schema, got)
    return f"invalid value {got}", _SCHEMA_HINT


def _pattern_message(schema: Any, got: str) -> tuple[str, str]:
    root = config_schema()
    if schema == root["$defs"]["actor"]:
        return (
            f'expected a GitHub login or "@org/team", got {got}',
            'write a login such as "octocat" or "dependabot[bot]", or a team as "@my-org/oncall"',
        )
    if schema == root["properties"]["release"]["properties"]["version_from"]:
        return (
            f'expected "tags" or "file:PATH", got {got}',
            'e.g. version_from: "file:pyproject.toml"',
        )
    return (
        f"expected letters, digits or '-', got {got}",
        "e.g. token: hotfix (prerelease) or token: q (suffix)",
    )


def _suggest(word: Any, choices: list[str], fallback: str) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"{fallback}: {', '.join(choices)}"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:56] + '..."'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()} (quote it to keep it as text)"
    return f"a YAML {type(value).__name__} value"

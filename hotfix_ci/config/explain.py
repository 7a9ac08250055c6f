"""Schema errors in words an on-call engineer can act on: key path, what was expected, what
was found, and the nearest valid key or value.

Errors come from ``jsonschema.Draft202012Validator.iter_errors`` so all problems arrive at
once (https://python-jsonschema.readthedocs.io/en/stable/errors/); jsonschema is imported
only here, and only once the generated check (``config/schema_check.py``) found a problem.
"""

from __future__ import annotations

import datetime
import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from hotfix_ci.config.locate import NonTextKey, PathPart, Problem
from hotfix_ci.config.urls import URL_PATTERN, url_message
from hotfix_ci.durations import DURATION_HINT, DURATION_PATTERN
from hotfix_ci.errors import InvalidConfigError
from hotfix_ci.text import did_you_mean

if TYPE_CHECKING:
    import jsonschema

MAX_SHOWN_PROBLEMS = 20
SCHEMA_HINT = "`hotfix-ci config schema` prints every key with its type and default"


def schema_text() -> str:
    """The JSON schema of the config, as shipped (for ``hotfix-ci config schema``)."""
    return resources.files("hotfix_ci.config").joinpath("hotfix.schema.json").read_text("utf-8")


@functools.cache
def config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    # Loaded only to explain an invalid config: a valid one passes the generated check.
    import jsonschema

    return jsonschema.Draft202012Validator(config_schema())


def invalid_config(source: str, problems: list[Problem]) -> InvalidConfigError:
    """One error holding every problem, ordered by line, each on a line of its own."""
    ordered = sorted(problems, key=lambda p: (p.line or 0, dotted(p.path)))
    first = ordered[0]
    if len(ordered) == 1:
        message, hint = _problem_line(source, first), first.hint or SCHEMA_HINT
    else:
        shown = [
            _problem_line(source, p) + (f" ({p.hint})" if p.hint else "")
            for p in ordered[:MAX_SHOWN_PROBLEMS]
        ]
        if len(ordered) > MAX_SHOWN_PROBLEMS:
            shown.append(f"... and {len(ordered) - MAX_SHOWN_PROBLEMS} more")
        message = "\n".join(shown)
        hint = f"{len(ordered)} problems in {source}; fix them top to bottom. " + SCHEMA_HINT
    return InvalidConfigError(message, hint=hint, source=source, problems=tuple(ordered))


def dotted(path: tuple[PathPart, ...]) -> str:
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
        return f"{where}: {dotted(problem.path)}: {problem.message}"
    return f"{where}: {problem.message}"


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
    """Every schema violation in ``data`` as a Problem with a key path and a hint (the
    loader reports keys that are not text first: JSON Schema only knows text keys)."""
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        for problem in _explain(error):
            # A key both an if/then branch and its parent require is reported once.
            if problem not in problems:
                problems.append(problem)
    return problems


_KEY_READ_AS = {
    "tag:yaml.org,2002:bool": "the boolean {value}, not as text: YAML 1.1 reads a bare on, "
    "off, yes, no, true or false as a boolean",
    "tag:yaml.org,2002:int": "a number, not as text",
    "tag:yaml.org,2002:float": "a number, not as text",
    "tag:yaml.org,2002:null": "null, not as text",
    "tag:yaml.org,2002:timestamp": "a date, not as text",
}


def non_text_key_problem(key: NonTextKey) -> Problem:
    """``on:`` and friends, at the key's own line, with the quoted spelling to write."""
    written = key.written or "(an empty key)"
    read_as = _KEY_READ_AS.get(key.tag)
    if read_as is None:
        return Problem(
            key.path,
            f"key {written} is not text",
            "write a plain text key (a list or mapping cannot be a key)",
            line=key.line,
        )
    value = {"true": True, "false": False}.get(key.written.lower())
    if value is None:
        value = key.written.lower() in ("on", "yes", "y")
    message = f"key {written} is read as " + read_as.format(value=describe(value))
    return Problem(key.path, message, f'quote the key: "{key.written}":', line=key.line)


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
    got = describe(value)
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
    if kind == "exclusiveMinimum":
        return f"must be greater than {expected}, got {got}", f"write a number above {expected}"
    if kind == "maximum":
        return f"must be at most {expected}, got {got}", f"write a number up to {expected}"
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
        return _pattern_message(schema, value, got)
    if kind in ("oneOf", "anyOf") and isinstance(expected, list):
        return _alternatives_message(expected, got)
    return f"invalid value {got}", SCHEMA_HINT


def _alternatives_message(branches: list[Any], got: str) -> tuple[str, str]:
    required = [b["required"] for b in branches if isinstance(b, dict) and list(b) == ["required"]]
    if required and len(required) == len(branches):
        keys = " or ".join(f"`{keys[0]}`" for keys in required)
        return f"needs {keys} (or both)", "e.g. max: 0.01 to fail when the value goes above 1%"
    if any(isinstance(b, dict) and b.get("pattern") == DURATION_PATTERN for b in branches):
        return f"expected a duration, got {got}", DURATION_HINT
    words: list[str] = []
    for branch in branches:
        kind = branch.get("type") if isinstance(branch, dict) else None
        if kind == "array":
            inner = branch.get("items", {}).get("type")
            words.append(
                f"a list of {_TYPE_WORDS.get(inner, 'values')[3:]}s" if inner else "a list"
            )
        elif isinstance(kind, str):
            words.append(_TYPE_WORDS.get(kind, kind))
    if words:
        return f"expected {' or '.join(words)}, got {got}", "e.g. status: 200 or status: [200, 204]"
    return f"invalid value {got}", SCHEMA_HINT


def _pattern_message(schema: Any, value: Any, got: str) -> tuple[str, str]:
    root = config_schema()
    release = root["properties"]["release"]["properties"]
    pattern = schema.get("pattern") if isinstance(schema, dict) else None
    if pattern == URL_PATTERN and isinstance(value, str):
        return url_message(value)
    # (is it this value?, what was expected, how to write it)
    known = (
        (
            schema == root["$defs"]["actor"],
            'a GitHub login or "@org/team"',
            'write a login such as "octocat" or "dependabot[bot]", or a team as "@my-org/oncall"',
        ),
        (
            schema == release["version_from"],
            '"tags" or "file:PATH"',
            'e.g. version_from: "file:pyproject.toml"',
        ),
        (
            schema == release["token"],
            "letters, digits or '-'",
            "e.g. token: hotfix (prerelease) or token: q (suffix)",
        ),
    )
    for matches, expected, hint in known:
        if matches:
            return f"expected {expected}, got {got}", hint
    return (
        f"expected a name of letters, digits, '-', '_' or '.', got {got}",
        "start with a letter or digit, e.g. production or web-api",
    )


def _suggest(word: Any, choices: list[str], fallback: str) -> str:
    return did_you_mean(word, choices) or f"{fallback}: {', '.join(choices)}"


def describe(value: Any) -> str:
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

"""Read ``.github/hotfix.yml`` and turn it into the config dataclasses, in one pass:
read -> YAML (with lines) -> schema (the generated :mod:`~hotfix_ci.config.schema_generated`
check; :mod:`~hotfix_ci.config.explain` and jsonschema only when it fails) -> semantics
(:mod:`~hotfix_ci.config.semantics`) -> build (:mod:`~hotfix_ci.config.build`).
Every problem is reported with its file line and key path.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import yaml

from hotfix_ci.config import schema_generated
from hotfix_ci.config.build import to_config
from hotfix_ci.config.explain import (
    describe,
    invalid_config,
    non_text_key_problem,
    schema_problems,
    schema_text,
)
from hotfix_ci.config.locate import ParsedYaml, Problem, find_line, parse_yaml, yaml_error_problem
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.config.semantics import check_semantics
from hotfix_ci.errors import ConfigError
from hotfix_ci.text import register_secret_name

DEFAULT_CONFIG_PATH = Path(".github") / "hotfix.yml"
MAX_CONFIG_BYTES = 1_000_000


def load_config(
    path: Path | None = None, *, workdir: Path | None = None, named_by: str = "--config"
) -> HotfixConfig:
    """Load the config: ``path`` if given (it must exist; relative to ``workdir`` when that is
    given), else ``.github/hotfix.yml`` under ``workdir`` (default: the current directory),
    or all defaults (``source`` None) when that file is absent. ``named_by`` is how the
    command was given ``path`` (its option, or a phrase such as "the PATH argument"), so a
    hint never names an option the running command does not have.
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
    return validate_config_text(_read_text(file, shown, base, named_by), shown)


def _not_found_hint(base: Path, named_by: str) -> str:
    where = f"relative paths start at {base}"
    if named_by.startswith("--"):
        return (
            f"check the {named_by} path ({where}); without {named_by} hotfix-ci reads "
            ".github/hotfix.yml and uses defaults if absent"
        )
    return f"check {named_by} ({where}); `hotfix-ci init` writes a starter .github/hotfix.yml"


def _read_text(file: Path, shown: str, base: Path, named_by: str) -> str:
    try:
        if file.is_dir():
            raise ConfigError(
                f"{shown}: is a directory, not a config file",
                hint="name the YAML file itself, e.g. .github/hotfix.yml",
            )
        # Bounded: /dev/zero or a FIFO must not be read whole before the size check.
        with file.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            f"{shown}: config file not found",
            hint=_not_found_hint(base, named_by),
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
            hint=f"give {named_by} the path of .github/hotfix.yml; a hotfix config is a few KB "
            "of text",
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
        raise invalid_config(source, [_parse_failure(exc, text)]) from None
    if parsed.data is None:
        raise ConfigError(
            f"{source}: the config file is empty",
            hint="write `version: 1` in it: every other key has a default",
        )
    if not isinstance(parsed.data, dict):
        raise invalid_config(
            source,
            [
                Problem(
                    (),
                    "the top level must be a mapping of `key: value` lines, "
                    f"got {describe(parsed.data)}",
                    "start the file with `version: 1`",
                    line=find_line(parsed.root, ()),
                )
            ],
        )
    problems = _problems(parsed)
    if problems:
        raise invalid_config(source, problems)
    config = to_config(parsed.data, source=source)
    register_secret_variables(config)
    return config


def register_secret_variables(config: HotfixConfig) -> None:
    """The variables the config names as secrets (each channel's ``*_env``) never reach a
    child process (hotfix_ci.proc.child_env)."""
    for channel in config.notify.channels:
        for name in (channel.url_env, channel.secret_env, channel.page_env, channel.key_env):
            register_secret_name(name or "")


def _parse_failure(exc: Exception, text: str) -> Problem:
    if isinstance(exc, yaml.YAMLError):
        return yaml_error_problem(exc, text)
    if isinstance(exc, RecursionError):
        return Problem((), "the YAML is nested too deeply to read", "flatten the structure")
    return Problem((), f"cannot read the YAML: {exc}", "check the file's syntax")


@functools.cache
def _generated_check_is_current() -> bool:
    digest = hashlib.sha256(schema_text().encode("utf-8")).hexdigest()
    return digest == schema_generated.SCHEMA_SHA256


def schema_accepts(data: Any) -> bool:
    """The generated check's verdict, trusted only when it was generated from the shipped schema
    (a stale module after a schema change falls back to jsonschema: slower, never wrong)."""
    return _generated_check_is_current() and schema_generated.is_valid(data)


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
    # JSON Schema only knows text keys: with one in the file the schema would report nonsense.
    found += [non_text_key_problem(key) for key in parsed.non_text_keys]
    if not parsed.non_text_keys and not schema_accepts(parsed.data):
        found += schema_problems(parsed.data)
    if not found:
        found += check_semantics(parsed.data)
    return [
        p
        if p.line is not None
        else Problem(p.path, p.message, p.hint, find_line(parsed.root, p.path))
        for p in found
    ]

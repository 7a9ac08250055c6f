"""``hotfix-ci config schema`` and ``hotfix-ci config validate``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hotfix_ci.config import DEFAULT_CONFIG_PATH, load_config, schema_text


@dataclass(frozen=True, kw_only=True)
class SchemaArgs:
    pass


def run_schema(args: SchemaArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    out.write(schema_text() + "\n")
    return 0


@dataclass(frozen=True, kw_only=True)
class ValidateArgs:
    path: Path | None = None
    workdir: Path = Path()


def run_validate(args: ValidateArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """Exit 0 and say so when the config is valid; a ConfigError (exit 2) lists every problem."""
    target = args.path or DEFAULT_CONFIG_PATH
    # `config validate` takes the file as PATH (it has no --config): its hints say so.
    named_by = (
        "the PATH argument"
        if args.path
        else "the working directory: without PATH, config validate reads .github/hotfix.yml"
    )
    load_config(target, workdir=args.workdir, named_by=named_by)
    out.write(f"{target}: valid\n")
    return 0

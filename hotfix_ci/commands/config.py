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


@dataclass(frozen=True, kw_only=True)
class MatrixArgs:
    environment: str
    provider: str | None = None
    config: Path | None = None
    workdir: Path = Path()


def run_matrix(args: MatrixArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """The deploy matrix of one environment (or one provider of it), as the release job's
    ``matrix`` output: the rollback workflow runs one job per provider from it, so each job
    shares the concurrency group of that provider's deploy jobs."""
    import json

    from hotfix_ci.actions_io import ActionsIO

    cfg = load_config(args.config, workdir=args.workdir)
    environment = cfg.deploy.environment(args.environment)
    specs = environment.providers_named(args.provider)
    include = [{"environment": environment.name, "provider": spec.name} for spec in specs]
    text = json.dumps({"include": include}, separators=(",", ":"))
    ActionsIO(env, out).set_outputs({"matrix": text})
    out.write(text + "\n")
    return 0

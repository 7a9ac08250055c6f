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
    from hotfix_ci.errors import UsageError
    from hotfix_ci.release.plan import deploy_matrix
    from hotfix_ci.text import did_you_mean

    cfg = load_config(args.config, workdir=args.workdir)
    names = list(cfg.deploy.environments)
    if args.environment not in names:
        raise UsageError(
            f"environment {args.environment!r} is not in deploy.environments",
            hint=did_you_mean(args.environment, names, listing="use one of")
            if names
            else "add it under deploy.environments in the config",
        )
    include = [
        item
        for item in deploy_matrix(cfg.deploy)["include"]
        if item["environment"] == args.environment
        and (not args.provider or item["provider"] == args.provider)
    ]
    if not include:
        providers = [p.name for p in cfg.deploy.environments[args.environment].providers]
        raise UsageError(
            f"environment {args.environment!r} has no provider {args.provider!r}"
            if args.provider
            else f"environment {args.environment!r} has no providers",
            hint=did_you_mean(args.provider, providers, listing="providers of the environment")
            if providers
            else f"add providers under deploy.environments.{args.environment}.providers",
        )
    text = json.dumps({"include": include}, separators=(",", ":"))
    ActionsIO(env, out).set_outputs({"matrix": text})
    out.write(text + "\n")
    return 0

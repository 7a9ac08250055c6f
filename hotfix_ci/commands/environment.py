"""What ``deploy`` and ``rollback`` share: the options that name one environment of the
config on one repository, and the setup both do before touching a provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TextIO

from hotfix_ci.commands.context import RunContext, resolve_context
from hotfix_ci.config import load_config
from hotfix_ci.config.model import Environment, HotfixConfig
from hotfix_ci.text import redacting


@dataclass(frozen=True, kw_only=True)
class EnvironmentArgs:
    """The options of a command that acts on one environment of ``.github/hotfix-ci.yml``."""

    environment: str
    repo: str | None = None
    config: Path | None = None
    format: str | None = None
    token: str | None = None
    dry_run: bool = False
    workdir: Path = Path()


class OpenEnvironment(NamedTuple):
    ctx: RunContext
    cfg: HotfixConfig
    environment: Environment
    out: TextIO
    err: TextIO


def open_environment(
    args: EnvironmentArgs, env: Mapping[str, str], out: TextIO, err: TextIO
) -> OpenEnvironment:
    """Redacting streams, the GitHub context, the config and the named environment (exit 2
    for an unknown one), in that order, so every secret is redacted from all that follows."""
    out, err = redacting(out), redacting(err)
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt=args.format, out=out, err=err)
    cfg = load_config(args.config, workdir=args.workdir)
    return OpenEnvironment(ctx, cfg, cfg.deploy.environment(args.environment), out, err)

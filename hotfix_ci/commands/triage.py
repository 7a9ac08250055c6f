"""``hotfix-ci triage``: ask the questions, decide by :mod:`hotfix_ci.policy.triage`, print."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hotfix_ci.config import load_config
from hotfix_ci.policy.triage import Ask, triage


@dataclass(frozen=True, kw_only=True)
class TriageArgs:
    ask: Ask
    description: str = "short description"
    environment: str = "production"
    format: str = "text"
    config: Path | None = None
    workdir: Path = Path()


def run(args: TriageArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from hotfix_ci.reports.triage import RENDERER_BY_NAME

    cfg = load_config(args.config, workdir=args.workdir)
    decision = triage(args.ask, cfg, description=args.description, environment=args.environment)
    out.write(RENDERER_BY_NAME[args.format](decision) + "\n")
    return 0

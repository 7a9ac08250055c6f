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
    from hotfix_ci.reports import emit
    from hotfix_ci.reports.triage import render_json, render_text

    cfg = load_config(args.config, workdir=args.workdir)
    decision = triage(args.ask, cfg, description=args.description, environment=args.environment)
    emit(decision, args.format, out, text=render_text, json=render_json)
    return 0

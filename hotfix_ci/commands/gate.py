"""``hotfix-ci gate``: only the health gates of an environment, on its watch schedule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.commands.context import FORMATS
from hotfix_ci.config import load_config
from hotfix_ci.deploy.rollback import rollback_command
from hotfix_ci.deploy.runtime import mask_secrets
from hotfix_ci.deploy.signals import stop_on_signals
from hotfix_ci.errors import ExitCode, UsageError
from hotfix_ci.gates import check_environment, watch
from hotfix_ci.reports.deploy import Console, RunReport, finish, progress_stream
from hotfix_ci.text import redacting, shell_command


@dataclass(frozen=True, kw_only=True)
class GateArgs:
    environment: str
    config: Path | None = None
    format: str | None = None
    workdir: Path = Path()


def run(args: GateArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    # Every registered secret is redacted from all this command prints.
    out, err = redacting(out), redacting(err)
    # JSON on stdout alone: workflow commands go to stderr (the runner reads both).
    io = ActionsIO(env, err if args.format == "json" else out)
    environment = load_config(args.config, workdir=args.workdir).deploy.environment(
        args.environment
    )
    mask_secrets(io, environment, env)
    if args.format is not None and args.format not in FORMATS:
        raise UsageError(f"unknown --format {args.format!r}", hint=f"use one of {FORMATS}")
    fmt = args.format or ("github" if io.in_actions else "text")
    check_environment(environment.gates, env)
    report = RunReport(command="gate", environment=environment.name)
    console = Console(progress_stream(fmt, out, err), report)
    gates = environment.gates
    width = max((len(g.name) for g in gates), default=0)
    with stop_on_signals() as stop:
        outcome = watch(
            gates,
            environment.watch,
            env=env,
            stop=stop.event,
            on_probe=lambda p: console.probe("watch", p, width),
        )
    if outcome.passed:
        console.step("gates", True, outcome.reason)
        report.finish("healthy", ExitCode.OK, outcome.reason, None)
    elif stop.stopped:
        probes = len(report.probes)
        again = shell_command(["hotfix-ci", "gate", "--environment", environment.name])
        reason = stop.ending(
            "during the watch",
            done=f"{probes} probe(s), nothing changed (gate only probes)",
            not_done="the watch did not finish, so there is no verdict",
        )
        report.finish("interrupted", ExitCode.INTERRUPTED, reason, None, hint=f"run `{again}`")
    else:
        console.step("gates", False, outcome.reason)
        report.finish(
            "unhealthy",
            ExitCode.POLICY_FAILED,
            outcome.reason,
            None,
            hint=f"look at the failing gate's probes above; roll back with "
            f"`{rollback_command(environment.name)}` if the latest release caused it",
        )
    return finish([report], io, fmt, out)

"""The end of every deploy, gate and rollback run: job summary, step outputs, the JSON
document, then the exit code, as the matching HotfixError so the top-level handler prints
the message and hint (exit 5 and 6 included) the same way for every command."""

from __future__ import annotations

from typing import TextIO

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.reports.deploy import RunReport, render_json, render_markdown
from hotfix_ci.deploy.runtime import GatesFailed, Interrupted
from hotfix_ci.errors import (
    DeployRolledBack,
    ExitCode,
    GitHubAPIError,
    HotfixError,
    RollbackFailed,
    UsageError,
)

# Worst first: a human must act beats everything else.
_SEVERITY = (6, 130, 5, 4, 1, 2, 3, 0)
_ERROR_BY_CODE: dict[int, type[HotfixError]] = {
    6: RollbackFailed,
    5: DeployRolledBack,
    4: GitHubAPIError,
    1: GatesFailed,
    2: UsageError,
    130: Interrupted,
}


def worst(reports: list[RunReport]) -> RunReport:
    return min(
        reports, key=lambda r: _SEVERITY.index(r.exit_code) if r.exit_code in _SEVERITY else 6
    )


def finish(reports: list[RunReport], io: ActionsIO, fmt: str, out: TextIO) -> int:
    for report in reports:
        io.write_summary(render_markdown(report))
    top = worst(reports)
    io.set_outputs(
        {
            "state": top.state,
            "live": top.live or "",
            "exit-code": str(top.exit_code),
            "rolled-back": str(any(r.state == "rolled_back" for r in reports)).lower(),
        }
    )
    if fmt == "json":
        out.write(render_json(reports) + "\n")
    else:
        for report in reports:
            if report.exit_code == 0:
                out.write(f"done: {report.message}\n")
    if top.exit_code == 0:
        return 0
    messages = [r.message for r in reports if r.exit_code == top.exit_code]
    hints = [r.hint for r in reports if r.exit_code == top.exit_code and r.hint]
    error = _ERROR_BY_CODE.get(top.exit_code, HotfixError)
    raised = error("\n".join(messages), hint="; ".join(dict.fromkeys(hints)) or None)
    if error is HotfixError:
        raised.exit_code = ExitCode(top.exit_code)
    raise raised

"""Post-deploy health gates (http, prometheus, command) and the watch loop.

:func:`watch` after a deploy (or :func:`run_once` after a rollback); :func:`format_probe`
renders one probe line. The gates' config is :mod:`hotfix_ci.config.model`.
"""

from __future__ import annotations

from hotfix_ci.gates.spec import ProbeResult
from hotfix_ci.gates.watch import (
    WatchOutcome,
    check_environment,
    format_probe,
    probe_gate,
    run_once,
    secret_values,
    watch,
)

__all__ = [
    "ProbeResult",
    "WatchOutcome",
    "check_environment",
    "format_probe",
    "probe_gate",
    "run_once",
    "secret_values",
    "watch",
]

"""Post-deploy health gates (http, prometheus, command) and the watch loop.

Parse with :func:`parse_gates` / :func:`parse_watch`, then :func:`watch` after a deploy
(or :func:`run_once` after a rollback). :func:`format_probe` renders one probe line.
"""

from __future__ import annotations

from hotfix_ci.gates.durations import format_duration, parse_duration
from hotfix_ci.gates.spec import (
    GATES_SCHEMA,
    WATCH_SCHEMA,
    CommandGate,
    GateSpec,
    HttpExpect,
    HttpGate,
    ProbeResult,
    PrometheusGate,
    WatchSpec,
    parse_gates,
    parse_watch,
)
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
    "GATES_SCHEMA",
    "WATCH_SCHEMA",
    "CommandGate",
    "GateSpec",
    "HttpExpect",
    "HttpGate",
    "ProbeResult",
    "PrometheusGate",
    "WatchOutcome",
    "WatchSpec",
    "check_environment",
    "format_duration",
    "format_probe",
    "parse_duration",
    "parse_gates",
    "parse_watch",
    "probe_gate",
    "run_once",
    "secret_values",
    "watch",
]

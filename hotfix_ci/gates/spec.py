"""What a probe of a gate answers, and how gate headers name secrets (``${VAR}``).

The gates themselves (HttpGate, PrometheusGate, CommandGate, WatchSpec) are config, in
:mod:`hotfix_ci.config.model`; ``${VAR}`` references in their headers stay as written and
are resolved at probe time from the env Mapping the caller passes in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, kw_only=True)
class ProbeResult:
    """One probe of one gate. ``ignored`` (an empty Prometheus answer under
    ``on_no_data: ignore``) neither fails nor resets the consecutive-failure count."""

    gate: str
    ok: bool
    detail: str
    latency_ms: float | None
    at: float  # epoch seconds when the probe started
    transport_error: bool = False
    ignored: bool = False
    value: float | None = None  # the number a Prometheus gate compared, when there was one

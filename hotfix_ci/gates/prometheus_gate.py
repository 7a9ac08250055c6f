"""The prometheus gate: an instant PromQL query compared against ``max`` / ``min``.

Uses Prometheus' HTTP API, ``GET {url}/api/v1/query?query=...&timeout=...``
(https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries; source
docs/querying/api.md in prometheus/prometheus). The answer is an envelope
``{"status": "success" | "error", "data": {"resultType", "result"}, "errorType", "error"}``;
a bad expression answers 400 with ``errorType: bad_data``. Sample values are quoted
strings because JSON has no NaN: ``"NaN"`` is treated as no data.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from hotfix_ci.config.model import PrometheusGate
from hotfix_ci.gates.http_gate import (
    DEFAULT_TIMEOUT,
    MissingVariable,
    clip,
    fetch_with,
    resolve_headers,
)
from hotfix_ci.gates.spec import ProbeResult


def probe(
    spec: PrometheusGate,
    *,
    env: Mapping[str, str],
    session: requests.Session | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ProbeResult:
    at = time.time()

    def result(ok: bool, detail: str, **extra: Any) -> ProbeResult:
        return ProbeResult(gate=spec.name, ok=ok, detail=detail, at=at, **extra)

    try:
        headers = resolve_headers(spec.headers, env)
    except MissingVariable as exc:
        detail = f"a header uses ${{{exc}}}, which is not set in the environment"
        return result(False, detail, latency_ms=None)
    # Ask Prometheus to give up a little before we do, so its own timeout error reaches us.
    params = {"query": spec.query, "timeout": f"{max(int(timeout * 900), 1)}ms"}
    url = spec.url.rstrip("/") + "/api/v1/query"
    fetched = fetch_with(session, url, headers=headers, timeout=timeout, params=params)
    if fetched.response is None:
        detail = f"Prometheus unreachable: {fetched.error}"
        return result(False, detail, latency_ms=None, transport_error=True)
    latency = fetched.latency_ms
    try:
        envelope = fetched.response.json()
    except ValueError:
        code = fetched.response.status_code
        detail = f"Prometheus answered {code} without JSON: {clip(fetched.response.text)}"
        return result(False, detail, latency_ms=latency)
    if not isinstance(envelope, dict) or envelope.get("status") != "success":
        return result(False, _error_text(envelope, fetched.response), latency_ms=latency)
    try:
        values = sample_values(envelope.get("data"))
    except ValueError as exc:
        return result(False, str(exc), latency_ms=latency)
    return judge(spec, values, result=result, latency_ms=latency)


def _error_text(envelope: object, response: requests.Response) -> str:
    if isinstance(envelope, dict) and envelope.get("error"):
        kind = envelope.get("errorType") or f"HTTP {response.status_code}"
        return f"Prometheus rejected the query ({kind}): {clip(str(envelope['error']))}"
    return f"Prometheus answered {response.status_code}: {clip(response.text)}"


def sample_values(data: object) -> list[tuple[str, float]]:
    """(series labels, value) pairs of an instant result; NaN samples are dropped."""
    if not isinstance(data, dict):
        raise ValueError("Prometheus answered without a data section")
    kind, result = data.get("resultType"), data.get("result")
    samples: list[tuple[str, Any]] = []
    if kind == "vector" and isinstance(result, list):
        samples = [(_labels(s.get("metric")), (s.get("value") or [None, None])[1]) for s in result]
    elif kind == "scalar" and isinstance(result, list) and len(result) == 2:
        samples = [("", result[1])]
    else:
        raise ValueError(
            f"the query returned a {kind} result; a gate needs a single instant value "
            "(an instant vector or a scalar, e.g. wrap a range in rate() or avg_over_time())"
        )
    values = []
    for labels, raw in samples:
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"Prometheus returned a non-numeric sample {raw!r}") from None
        if not math.isnan(value):
            values.append((labels, value))
    return values


def _labels(metric: object) -> str:
    if not isinstance(metric, dict) or not metric:
        return ""
    return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items())) + "}"


def judge(
    spec: PrometheusGate,
    values: list[tuple[str, float]],
    *,
    result: Callable[..., ProbeResult],
    latency_ms: float | None,
) -> ProbeResult:
    """Compare every series against the bounds; the worst offender is reported."""
    if not values:
        if spec.on_no_data == "pass":
            return result(True, "no data (on_no_data: pass)", latency_ms=latency_ms)
        if spec.on_no_data == "ignore":
            return result(True, "no data (ignored)", latency_ms=latency_ms, ignored=True)
        detail = "the query returned no data (empty or NaN); check the query and the scrape"
        return result(False, detail, latency_ms=latency_ms)
    for labels, value in sorted(values, key=lambda pair: -pair[1]):
        if spec.max is not None and value > spec.max:
            detail = f"{value:.6g} > max {spec.max:g}" + (f" for {labels}" if labels else "")
            return result(False, detail, latency_ms=latency_ms, value=value)
    for labels, value in sorted(values, key=lambda pair: pair[1]):
        if spec.min is not None and value < spec.min:
            detail = f"{value:.6g} < min {spec.min:g}" + (f" for {labels}" if labels else "")
            return result(False, detail, latency_ms=latency_ms, value=value)
    worst = max(v for _, v in values) if spec.max is not None else min(v for _, v in values)
    bounds = " and ".join(
        part
        for part in (
            f">= min {spec.min:g}" if spec.min is not None else "",
            f"<= max {spec.max:g}" if spec.max is not None else "",
        )
        if part
    )
    series = f" ({len(values)} series)" if len(values) > 1 else ""
    return result(True, f"{worst:.6g} {bounds}{series}", latency_ms=latency_ms, value=worst)

"""The prometheus gate against a real Prometheus (Debian package) scraping a real app."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from hotfix_ci.config.model import NoDataPolicy, PrometheusGate
from hotfix_ci.gates.prometheus_gate import probe
from hotfix_ci.gates.spec import ProbeResult
from tests.helpers.servers import server

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import PrometheusStack

pytestmark = [pytest.mark.slow, server]

ERROR_RATIO = (
    'sum(rate(http_requests_total{{handler="{h}",code=~"5.."}}[5s]))'
    ' / sum(rate(http_requests_total{{handler="{h}"}}[5s]))'
)


def gate(stack: PrometheusStack, query: str, **bounds: object) -> PrometheusGate:
    return PrometheusGate(name="errors", url=stack.url, query=query, **bounds)  # type: ignore[arg-type]


def test_healthy_error_ratio_passes_with_the_real_value(prometheus_stack: PrometheusStack) -> None:
    result = probe(
        gate(prometheus_stack, ERROR_RATIO.format(h="/api"), max=0.01), env={}, timeout=5
    )
    assert result.ok is True, result.detail
    assert result.value == 0.0
    assert result.detail == "0 <= max 0.01"
    assert result.latency_ms is not None


def test_throughput_value_is_what_prometheus_computes(prometheus_stack: PrometheusStack) -> None:
    query = 'sum(rate(http_requests_total{handler="/api"}[5s]))'
    result = probe(gate(prometheus_stack, query, min=1.0), env={}, timeout=5)
    assert result.ok is True, result.detail
    assert result.value is not None and result.value > 1.0
    assert result.detail.endswith(">= min 1")
    # The same query straight to Prometheus agrees (the load is steady within a few %).
    direct = float(prometheus_stack.query(query)[0]["value"][1])
    assert result.value == pytest.approx(direct, rel=0.5)
    too_high = probe(gate(prometheus_stack, query, min=1e9), env={}, timeout=5)
    assert too_high.ok is False and "< min 1e+09" in too_high.detail


def test_error_ratio_over_max_fails(prometheus_stack: PrometheusStack) -> None:
    spec = gate(prometheus_stack, ERROR_RATIO.format(h="/checkout"), max=0.01)
    assert probe(spec, env={}, timeout=5).ok is True
    prometheus_stack.app.checkout_failing = True
    try:
        result = _wait_for(lambda: probe(spec, env={}, timeout=5), lambda r: not r.ok)
    finally:
        prometheus_stack.app.checkout_failing = False
    assert result.value is not None and result.value > 0.01
    assert " > max 0.01" in result.detail
    assert result.transport_error is False


@pytest.mark.parametrize(
    ("policy", "ok", "ignored", "detail"),
    [
        ("fail", False, False, "the query returned no data (empty or NaN)"),
        ("pass", True, False, "no data (on_no_data: pass)"),
        ("ignore", True, True, "no data (ignored)"),
    ],
)
def test_missing_metric_follows_on_no_data(
    prometheus_stack: PrometheusStack, policy: NoDataPolicy, ok: bool, ignored: bool, detail: str
) -> None:
    query = "sum(rate(no_such_metric_total[5s]))"
    result = probe(gate(prometheus_stack, query, max=1, on_no_data=policy), env={}, timeout=5)
    assert (result.ok, result.ignored) == (ok, ignored)
    assert result.detail.startswith(detail)
    assert result.value is None


def test_nan_counts_as_no_data(prometheus_stack: PrometheusStack) -> None:
    # 0/0: an error ratio over a handler without errors or traffic of that code.
    zero = 'sum(rate(http_requests_total{handler="/api",code="500"}[5s]))'
    assert prometheus_stack.query(f"{zero} / {zero}")[0]["value"][1] == "NaN"
    result = probe(gate(prometheus_stack, f"{zero} / {zero}", max=0.01), env={}, timeout=5)
    assert result.ok is False
    assert "no data" in result.detail


def test_bad_promql_fails_with_prometheus_own_error(prometheus_stack: PrometheusStack) -> None:
    result = probe(gate(prometheus_stack, "sum(rate(http_requests_total[5m]", max=1), env={})
    assert result.ok is False and result.transport_error is False
    assert result.detail.startswith("Prometheus rejected the query (bad_data): ")
    assert "parse error" in result.detail


def test_a_range_vector_is_refused_with_advice(prometheus_stack: PrometheusStack) -> None:
    result = probe(gate(prometheus_stack, "http_requests_total[5s]", max=1), env={})
    assert result.ok is False
    assert "returned a matrix result" in result.detail and "rate()" in result.detail


def test_unreachable_prometheus_is_a_transport_error(closed_port_url: str) -> None:
    spec = PrometheusGate(name="errors", url=closed_port_url, query="up", max=1)
    result = probe(spec, env={}, timeout=0.5)
    assert result.ok is False and result.transport_error is True
    assert result.detail == "Prometheus unreachable: connection refused (retried once)"


def _wait_for(
    run: Callable[[], ProbeResult], done: Callable[[ProbeResult], bool], limit: float = 20
) -> ProbeResult:
    deadline = time.monotonic() + limit
    result = run()
    while not done(result):
        assert time.monotonic() < deadline, f"still {result.detail!r} after {limit}s"
        time.sleep(0.5)
        result = run()
    return result

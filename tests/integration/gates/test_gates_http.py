"""The http gate against a real loopback server."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from hotfix_ci.config.model import HttpExpect, HttpGate
from hotfix_ci.gates.http_gate import probe

if TYPE_CHECKING:
    from conftest import HealthApp

TIMEOUT = 0.3
EXPECT = HttpExpect(status=(200,), json={"status": "healthy"}, contains="ok")


def gate(url: str, expect: HttpExpect = EXPECT, **kwargs: object) -> HttpGate:
    return HttpGate(name="health", url=url, expect=expect, **kwargs)  # type: ignore[arg-type]


def test_healthy_answer_passes_with_status_and_latency(health_app: HealthApp) -> None:
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    assert result.ok is True
    assert result.gate == "health"
    assert result.detail.startswith("200 in ") and result.detail.endswith(" ms")
    assert result.latency_ms is not None and 0 < result.latency_ms < TIMEOUT * 1000
    assert result.transport_error is False
    assert abs(result.at - time.time()) < 5


def test_server_error_fails_and_shows_the_body(health_app: HealthApp) -> None:
    health_app.default = "error"
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    assert result.ok is False and result.transport_error is False
    assert result.detail.startswith("500 in ")
    assert "expected status 200" in result.detail and "db down" in result.detail
    assert len(health_app.requests) == 1  # an answer, even a 500, is not retried


def test_wrong_json_names_the_field(health_app: HealthApp) -> None:
    health_app.default = "wrong_json"
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    assert result.ok is False
    assert 'JSON at status: expected "healthy", got "degraded"' in result.detail


def test_missing_substring_fails(health_app: HealthApp) -> None:
    health_app.default = "no_ok"
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    assert result.ok is False
    assert "body does not contain 'ok'" in result.detail


def test_slow_answer_times_out_after_one_retry(health_app: HealthApp) -> None:
    health_app.default = "slow"
    started = time.perf_counter()
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    elapsed = time.perf_counter() - started
    assert result.ok is False and result.transport_error is True
    assert result.detail == "no answer within 300ms (retried once)"
    assert len(health_app.requests) == 2
    assert elapsed < 2 * TIMEOUT + 0.5


def test_answer_slower_than_max_latency_fails(health_app: HealthApp) -> None:
    health_app.default = "delay"
    health_app.delay = 0.15
    slow_ok = HttpExpect(max_latency_ms=50)
    result = probe(gate(health_app.url, slow_ok), env={}, timeout=1.0)
    assert result.ok is False and result.transport_error is False
    assert "slower than max_latency_ms 50" in result.detail
    assert result.latency_ms is not None and result.latency_ms >= 150


def test_connection_refused_is_a_transport_error(closed_port_url: str) -> None:
    result = probe(gate(closed_port_url), env={}, timeout=TIMEOUT)
    assert result.ok is False and result.transport_error is True
    assert result.detail == "connection refused (retried once)"
    assert result.latency_ms is None


def test_a_dropped_connection_recovers_on_the_in_probe_retry(health_app: HealthApp) -> None:
    health_app.script = ["drop"]
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    assert result.ok is True, result.detail
    assert len(health_app.requests) == 2


def test_dropped_twice_fails_as_transport_error(health_app: HealthApp) -> None:
    health_app.default = "drop"
    result = probe(gate(health_app.url), env={}, timeout=TIMEOUT)
    assert result.ok is False and result.transport_error is True
    assert result.detail == "connection closed without an answer (retried once)"


def test_default_expectation_is_any_2xx_and_status_lists_work(health_app: HealthApp) -> None:
    health_app.default = "no_content"
    assert probe(gate(health_app.url, HttpExpect()), env={}, timeout=TIMEOUT).ok is True
    listed = HttpExpect(status=(200, 204))
    assert probe(gate(health_app.url, listed), env={}, timeout=TIMEOUT).ok is True
    only_200 = probe(gate(health_app.url, HttpExpect(status=(200,))), env={}, timeout=TIMEOUT)
    assert only_200.ok is False and "expected status 200" in only_200.detail
    health_app.default = "error"
    any_2xx = probe(gate(health_app.url, HttpExpect()), env={}, timeout=TIMEOUT)
    assert any_2xx.ok is False and "expected a 2xx status" in any_2xx.detail


def test_header_variables_are_sent_but_never_shown(health_app: HealthApp) -> None:
    secret = "tok-4f9a8b7c6d5e"
    spec = gate(
        health_app.url, headers={"Authorization": "Bearer ${HEALTH_TOKEN}", "X-Env": "prod"}
    )
    health_app.default = "error"
    result = probe(spec, env={"HEALTH_TOKEN": secret}, timeout=TIMEOUT)
    assert health_app.requests[0]["Authorization"] == f"Bearer {secret}"
    assert health_app.requests[0]["X-Env"] == "prod"
    assert secret not in result.detail


def test_unset_header_variable_fails_without_a_request(health_app: HealthApp) -> None:
    spec = gate(health_app.url, headers={"Authorization": "Bearer ${HEALTH_TOKEN}"})
    result = probe(spec, env={}, timeout=TIMEOUT)
    assert result.ok is False
    assert "${HEALTH_TOKEN}, which is not set" in result.detail
    assert health_app.requests == []


def test_proxy_settings_from_the_environment_are_ignored(
    health_app: HealthApp, closed_port_url: str, monkeypatch: object
) -> None:
    # A proxy that refuses connections: a probe that used it would fail.
    monkeypatch.setenv("HTTP_PROXY", closed_port_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("NO_PROXY", "")  # type: ignore[attr-defined]
    assert probe(gate(health_app.url), env={}, timeout=TIMEOUT).ok is True

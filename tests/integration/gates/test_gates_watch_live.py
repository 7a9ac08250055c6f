"""The watch loop on the real clock against real loopback servers."""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING

from hotfix_ci.config.model import CommandGate, HttpExpect, HttpGate, WatchSpec
from hotfix_ci.gates import ProbeResult, run_once, watch

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import HealthApp

FAST = WatchSpec(initial_delay=0, interval=0.05, duration=0.3, failure_limit=2, timeout=0.3)


def health(url: str, name: str = "health") -> HttpGate:
    return HttpGate(name=name, url=url, expect=HttpExpect(status=(200,)))


def test_healthy_service_passes_the_whole_watch(health_app: HealthApp) -> None:
    outcome = watch([health(health_app.url)], FAST, env={})
    assert outcome.passed is True, outcome.reason
    assert len(outcome.probes) == 7 and all(p.ok for p in outcome.probes)
    assert len(health_app.requests) == 7


def test_flapping_service_never_reaches_two_in_a_row(health_app: HealthApp) -> None:
    health_app.script = ["error", "healthy"] * 10
    outcome = watch([health(health_app.url)], FAST, env={})
    assert outcome.passed is True, outcome.reason
    assert [p.ok for p in outcome.probes] == [False, True] * 3 + [False]


def test_failing_service_fails_on_the_second_probe(health_app: HealthApp) -> None:
    health_app.script = ["healthy", "error", "error"]
    outcome = watch([health(health_app.url)], FAST, env={})
    assert outcome.passed is False
    assert outcome.failed_gate == "health"
    assert [p.ok for p in outcome.probes] == [True, False, False]
    assert "500" in outcome.reason


def test_refused_connection_fails_the_watch(closed_port_url: str) -> None:
    outcome = watch([health(closed_port_url)], FAST, env={})
    assert outcome.failed_gate == "health"
    assert all(p.transport_error for p in outcome.probes)
    assert "connection refused (retried once)" in outcome.reason


def test_decision_comes_right_after_the_deciding_probe(
    make_health_app: Callable[[], HealthApp],
) -> None:
    # A slow gate hangs every round; the failing one must not wait for it.
    slow, failing = make_health_app(), make_health_app()
    slow.default, failing.default = "slow", "error"
    spec = WatchSpec(initial_delay=0, interval=0.05, duration=5, failure_limit=1, timeout=2)
    outcome = watch([health(slow.url, "slow"), health(failing.url)], spec, env={})
    returned = time.time()
    assert outcome.failed_gate == "health"
    deciding = outcome.probes[-1]
    assert deciding.gate == "health"
    assert returned - deciding.at < 0.5
    assert outcome.decided_at - deciding.at < 0.5


def test_sigterm_style_stop_interrupts_a_live_watch(health_app: HealthApp) -> None:
    stop = threading.Event()
    spec = WatchSpec(initial_delay=0, interval=0.05, duration=60, failure_limit=2, timeout=0.3)
    threading.Timer(0.2, stop.set).start()
    started = time.perf_counter()
    outcome = watch([health(health_app.url)], spec, env={}, stop=stop)
    assert outcome.reason == "interrupted" and outcome.passed is False
    assert time.perf_counter() - started < 1.0
    assert outcome.probes  # it did probe before the stop


def test_run_once_probes_every_gate_in_order(health_app: HealthApp, closed_port_url: str) -> None:
    gates = [
        health(closed_port_url, "down"),
        health(health_app.url, "up"),
        CommandGate(name="smoke", run=(sys.executable, "-c", "print('smoke ok')")),
    ]
    results = run_once(gates, {"PATH": ""}, 0.3)
    assert [r.gate for r in results] == ["down", "up", "smoke"]
    assert [r.ok for r in results] == [False, True, True]
    assert results[2].detail == "smoke ok"
    assert all(isinstance(r, ProbeResult) for r in results)

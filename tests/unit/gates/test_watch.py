from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import pytest

from hotfix_ci.config.model import CommandGate, GateSpec, HttpGate, WatchSpec
from hotfix_ci.errors import UsageError
from hotfix_ci.gates import (
    ProbeResult,
    WatchOutcome,
    check_environment,
    format_probe,
    secret_values,
    watch,
)


class FakeTime:
    """A monotonic clock that only moves when the watch sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedProber:
    """Answers each gate from a script of outcomes: True pass, False fail, None ignored."""

    def __init__(self, time_: FakeTime, scripts: dict[str, Iterable[bool | None]]) -> None:
        self.time = time_
        self.scripts = {name: iter(script) for name, script in scripts.items()}
        self.calls: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def __call__(self, gate: GateSpec) -> ProbeResult:
        name = gate.name
        with self.lock:
            self.calls.append((self.time.now, name))
            outcome = next(self.scripts[name], True)
        return ProbeResult(
            gate=name,
            ok=outcome is not False,
            ignored=outcome is None,
            detail="fine" if outcome else "HTTP 500",
            latency_ms=1.0,
            at=1_700_000_000.0,
        )


def gate(name: str) -> CommandGate:
    return CommandGate(name=name, run=("true",))


def run_watch(
    scripts: dict[str, Iterable[bool | None]], spec: WatchSpec, **kwargs: object
) -> tuple[WatchOutcome, FakeTime, ScriptedProber]:
    fake = FakeTime()
    prober = ScriptedProber(fake, scripts)
    outcome = watch(
        [gate(name) for name in scripts],
        spec,
        env={},
        clock=fake.clock,
        sleep=fake.sleep,
        prober=prober,
        **kwargs,  # type: ignore[arg-type]
    )
    return outcome, fake, prober


SPEC = WatchSpec(initial_delay=15, interval=10, duration=60, failure_limit=3, timeout=5)


def test_fails_on_the_probe_that_reaches_the_consecutive_limit() -> None:
    outcome, fake, prober = run_watch({"api": [True, False, False, False], "db": []}, SPEC)
    assert outcome.passed is False
    assert outcome.failed_gate == "api"
    assert "api failed 3 probes in a row (failure_limit 3)" in outcome.reason
    assert "HTTP 500" in outcome.reason
    # Round 4 (t = 15 + 30) decided it; no round 5 was started.
    assert max(t for t, _ in prober.calls) == 45.0
    assert fake.now == 45.0


def test_a_pass_resets_the_count_so_flapping_never_fails() -> None:
    flapping = [False, False, True, False, False, True, False]
    outcome, _, _ = run_watch({"api": flapping}, SPEC)
    assert outcome.passed is True
    assert [p.ok for p in outcome.probes] == flapping


def test_ignored_probes_neither_count_nor_reset() -> None:
    spec = WatchSpec(initial_delay=0, interval=1, duration=10, failure_limit=2, timeout=1)
    outcome, _, _ = run_watch({"errors": [False, None, None, False]}, spec)
    assert outcome.failed_gate == "errors"
    assert len(outcome.probes) == 4


def test_initial_delay_is_respected_before_the_first_probe() -> None:
    _, _, prober = run_watch({"api": []}, SPEC)
    first_probe_at = min(t for t, _ in prober.calls)
    assert first_probe_at == 15.0


def test_rounds_every_interval_until_the_duration_then_passes() -> None:
    outcome, fake, prober = run_watch({"api": [], "db": []}, SPEC)
    assert outcome.passed is True
    assert outcome.failed_gate is None
    times = sorted({t for t, _ in prober.calls})
    assert times == [15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0]
    assert len(prober.calls) == 14  # both gates every round
    assert fake.now == 75.0  # returns right after the last round
    assert outcome.reason == "api, db: healthy for 1m (7 rounds)"


def test_sub_second_schedules_keep_their_last_round() -> None:
    # 0.3 / 0.05 is 5.999... in floating point: the 7th round must still run.
    spec = WatchSpec(initial_delay=0, interval=0.05, duration=0.3, failure_limit=3, timeout=1)
    outcome, _, prober = run_watch({"api": []}, spec)
    assert outcome.passed is True
    assert len(prober.calls) == 7


def test_results_are_reported_in_gate_order() -> None:
    seen: list[str] = []

    def prober(g: GateSpec) -> ProbeResult:
        if g.name == "slow":
            time.sleep(0.05)
        return ProbeResult(gate=g.name, ok=True, detail="", latency_ms=1, at=0)

    spec = WatchSpec(initial_delay=0, interval=1, duration=2, failure_limit=1, timeout=1)
    fake = FakeTime()
    watch([gate("slow"), gate("fast")], spec, env={}, clock=fake.clock, sleep=fake.sleep,
          prober=prober, on_probe=lambda r: seen.append(r.gate))  # fmt: skip
    assert seen == ["slow", "fast"] * 3


def test_decides_without_waiting_for_a_slower_gate_of_the_same_round() -> None:
    release = threading.Event()

    def prober(g: GateSpec) -> ProbeResult:
        name = g.name
        if name == "slow":
            release.wait(5)
        return ProbeResult(gate=name, ok=name == "slow", detail="x", latency_ms=1, at=0)

    spec = WatchSpec(initial_delay=0, interval=10, duration=60, failure_limit=1, timeout=5)
    fake = FakeTime()
    started = time.perf_counter()
    try:
        outcome = watch([gate("slow"), gate("broken")], spec, env={}, clock=fake.clock,
                        sleep=fake.sleep, prober=prober)  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        release.set()
    assert outcome.failed_gate == "broken"
    assert [p.gate for p in outcome.probes] == ["broken"]
    assert elapsed < 0.5


def test_stop_event_ends_the_watch_as_interrupted() -> None:
    stop = threading.Event()
    probes: list[ProbeResult] = []

    def on_probe(result: ProbeResult) -> None:
        probes.append(result)
        if len(probes) == 2:
            stop.set()

    outcome, fake, prober = run_watch({"api": []}, SPEC, on_probe=on_probe, stop=stop)
    assert outcome.passed is False
    assert outcome.reason == "interrupted"
    assert outcome.failed_gate is None
    assert len(prober.calls) == 2
    assert fake.now < 35.0  # stopped while sleeping towards round 3


def test_stop_before_start_probes_nothing() -> None:
    stop = threading.Event()
    stop.set()
    outcome, _, prober = run_watch({"api": []}, SPEC, stop=stop)
    assert outcome.reason == "interrupted" and prober.calls == []


def test_a_crashing_probe_is_a_failed_probe_not_a_traceback() -> None:
    def prober(g: GateSpec) -> ProbeResult:
        raise RuntimeError("boom")

    spec = WatchSpec(initial_delay=0, interval=1, duration=5, failure_limit=2, timeout=1)
    fake = FakeTime()
    outcome = watch([gate("api")], spec, env={}, clock=fake.clock, sleep=fake.sleep, prober=prober)
    assert outcome.failed_gate == "api"
    assert "the probe crashed: RuntimeError: boom" in outcome.reason


def test_format_probe_is_one_aligned_line() -> None:
    at = 1_700_000_000.0  # 22:13:20 UTC
    ok = ProbeResult(gate="health", ok=True, detail="200 in 12 ms", latency_ms=12, at=at)
    bad = ProbeResult(gate="errors", ok=False, detail="0.2 > max 0.01", latency_ms=3, at=at)
    skip = ProbeResult(gate="e", ok=True, ignored=True, detail="no data", latency_ms=3, at=at)
    assert format_probe(ok) == "22:13:20  health  PASS  200 in 12 ms"
    assert format_probe(bad, name_width=8) == "22:13:20  errors    FAIL  0.2 > max 0.01"
    assert format_probe(skip) == "22:13:20  e  SKIP  no data"


def test_header_variables_are_checked_and_their_values_listed_for_masking() -> None:
    gates = [
        HttpGate(name="api", url="https://x", headers={"Authorization": "Bearer ${API_TOKEN}"}),
        CommandGate(name="smoke", run=("true",)),
    ]
    with pytest.raises(UsageError, match=r"API_TOKEN \(gate api\)") as caught:
        check_environment(gates, {})
    assert caught.value.hint and "env:" in caught.value.hint
    check_environment(gates, {"API_TOKEN": "s3cret"})
    assert secret_values(gates, {"API_TOKEN": "s3cret", "OTHER": "x"}) == ("s3cret",)


def test_no_gates_passes_at_once_without_sleeping() -> None:
    fake = FakeTime()
    outcome = watch([], SPEC, env={}, clock=fake.clock, sleep=fake.sleep)
    assert outcome.passed is True and outcome.reason == "no gates configured: nothing to watch"
    assert fake.sleeps == []


def test_every_gate_type_of_the_config_schema_has_a_probe() -> None:
    from hotfix_ci.config.gates_schema import GATES_SCHEMA
    from hotfix_ci.gates.watch import PROBES

    kinds = {branch["properties"]["type"]["const"] for branch in GATES_SCHEMA["items"]["oneOf"]}
    assert set(PROBES) == kinds

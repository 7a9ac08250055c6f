"""The watch loop: probe every gate on a schedule and decide as soon as one fails.

After ``initial_delay``, a round probes every gate in parallel every ``interval`` until
``duration`` has elapsed (rounds at 0, interval, ... <= duration). A gate fails the watch
when ``failure_limit`` of its probes in a row fail; a pass resets its count, an ignored
probe leaves it alone. The decision returns the moment that probe completes: the rollback
must not wait for the next interval nor for slower probes of the same round.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import requests

from hotfix_ci.config.model import GateSpec, WatchSpec
from hotfix_ci.durations import format_duration
from hotfix_ci.errors import UsageError
from hotfix_ci.gates import command_gate, http_gate, prometheus_gate
from hotfix_ci.gates.spec import ENV_REFERENCE, ProbeResult

# One probe per gate type; each takes the gate, env, session and timeout.
Probe = Callable[..., ProbeResult]
PROBES: dict[str, Probe] = {
    "http": http_gate.probe,
    "prometheus": prometheus_gate.probe,
    "command": command_gate.probe,
}
_POLL = 0.1  # seconds between checks of the stop event while sleeping or waiting
Prober = Callable[[GateSpec], ProbeResult]


@dataclass(frozen=True, kw_only=True)
class WatchOutcome:
    passed: bool
    failed_gate: str | None
    reason: str
    probes: tuple[ProbeResult, ...]
    decided_at: float  # epoch seconds


class _Interrupted(Exception):
    pass


def watch(
    gates: Sequence[GateSpec],
    spec: WatchSpec,
    *,
    env: Mapping[str, str],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_probe: Callable[[ProbeResult], None] | None = None,
    stop: threading.Event | None = None,
    prober: Prober | None = None,
) -> WatchOutcome:
    """Run the watch schedule. ``prober`` replaces the real probes (tests, dry runs)."""
    watcher = _Watcher(gates, spec, on_probe, stop or threading.Event())
    if not gates:
        return watcher.outcome(True, None, "no gates configured: nothing to watch")
    sessions = {gate.name: http_gate.new_session() for gate in gates} if prober is None else {}

    def real_probe(gate: GateSpec) -> ProbeResult:
        return probe_gate(gate, env=env, session=sessions.get(gate.name), timeout=spec.timeout)

    pool = ThreadPoolExecutor(max_workers=max(1, min(8, len(gates))), thread_name_prefix="gate")
    try:
        watcher.sleep_until(clock() + spec.initial_delay, clock, sleep)
        start = clock()
        # The epsilon keeps 0.3 / 0.05 (5.999...) from losing the last round to float error.
        rounds = math.floor(spec.duration / spec.interval + 1e-9) + 1
        for number in range(rounds):
            watcher.sleep_until(start + number * spec.interval, clock, sleep)
            failed = watcher.run_round(pool, prober or real_probe)
            if failed is not None:
                return watcher.outcome(False, failed[0], failed[1])
    except _Interrupted:
        return watcher.outcome(False, None, "interrupted")
    finally:
        # Abandoned probes end on their own within their timeout; nobody waits for them.
        pool.shutdown(wait=False, cancel_futures=True)
        for session in sessions.values():
            session.close()
    names = ", ".join(gate.name for gate in gates) or "no gates"
    plural = "s" if rounds != 1 else ""
    reason = f"{names}: healthy for {format_duration(spec.duration)} ({rounds} round{plural})"
    return watcher.outcome(True, None, reason)


class _Watcher:
    """The counting state of one watch."""

    def __init__(
        self,
        gates: Sequence[GateSpec],
        spec: WatchSpec,
        on_probe: Callable[[ProbeResult], None] | None,
        stop: threading.Event,
    ) -> None:
        self.gates = tuple(gates)
        self.limit = spec.failure_limit
        self.on_probe = on_probe
        self.stop = stop
        self.probes: list[ProbeResult] = []
        self.failures = {gate.name: 0 for gate in gates}

    def outcome(self, passed: bool, failed: str | None, reason: str) -> WatchOutcome:
        return WatchOutcome(
            passed=passed,
            failed_gate=failed,
            reason=reason,
            probes=tuple(self.probes),
            decided_at=time.time(),
        )

    def sleep_until(
        self, deadline: float, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        while not self.stop.is_set() and (remaining := deadline - clock()) > 0:
            sleep(min(remaining, _POLL))
        if self.stop.is_set():
            raise _Interrupted

    def decides(self, result: ProbeResult) -> bool:
        """Would recording ``result`` reach the failure limit?"""
        return not result.ok and not result.ignored and self.failures[result.gate] + 1 >= self.limit

    def record(self, result: ProbeResult) -> str | None:
        """Count ``result``; return the reason once its gate reaches the limit."""
        self.probes.append(result)
        if self.on_probe is not None:
            self.on_probe(result)
        if result.ignored:
            return None
        count = 0 if result.ok else self.failures[result.gate] + 1
        self.failures[result.gate] = count
        if count < self.limit:
            return None
        return (
            f"gate {result.gate} failed {count} probe{'s' if count != 1 else ''} in a row "
            f"(failure_limit {self.limit}); last: {result.detail}"
        )

    def run_round(self, pool: ThreadPoolExecutor, run_probe: Prober) -> tuple[str, str] | None:
        """Probe every gate; report in gate order, except that a deciding failure is
        reported (and returned) the moment it arrives, without waiting for slower gates."""
        futures = {pool.submit(run_probe, gate): index for index, gate in enumerate(self.gates)}
        arrived: dict[int, ProbeResult] = {}
        recorded: set[int] = set()
        pending: set[Future[ProbeResult]] = set(futures)
        while pending:
            done, pending = wait(pending, timeout=_POLL, return_when=FIRST_COMPLETED)
            if self.stop.is_set():
                raise _Interrupted
            for future in done:
                index = futures[future]
                arrived[index] = _result_of(future, self.gates[index])
            for index in sorted(arrived):
                in_turn = all(i in recorded for i in range(index))
                if not (in_turn or self.decides(arrived[index])):
                    continue
                recorded.add(index)
                reason = self.record(arrived.pop(index))
                if reason is not None:
                    return self.gates[index].name, reason
        return None


def _result_of(future: Future[ProbeResult], gate: GateSpec) -> ProbeResult:
    try:
        return future.result()
    except Exception as exc:  # a probe must never take the watch down with a traceback
        detail = f"the probe crashed: {type(exc).__name__}: {http_gate.clip(str(exc))}"
        return ProbeResult(gate=gate.name, ok=False, detail=detail, latency_ms=None, at=time.time())


def probe_gate(
    gate: GateSpec,
    *,
    env: Mapping[str, str],
    session: requests.Session | None = None,
    timeout: float = http_gate.DEFAULT_TIMEOUT,
) -> ProbeResult:
    """Probe one gate of any type, with the probe its ``type`` names."""
    probe: Probe = PROBES[gate.type]
    return probe(gate, env=env, session=session, timeout=timeout)


def run_once(
    gates: Sequence[GateSpec], env: Mapping[str, str], timeout: float
) -> tuple[ProbeResult, ...]:
    """Probe every gate once, in parallel; results in gate order (post-rollback check)."""
    if not gates:
        return ()
    with ThreadPoolExecutor(max_workers=min(8, len(gates)), thread_name_prefix="gate") as pool:
        futures = [pool.submit(probe_gate, gate, env=env, timeout=timeout) for gate in gates]
        return tuple(_result_of(future, gate) for future, gate in zip(futures, gates, strict=True))


def header_variables(gates: Sequence[GateSpec]) -> dict[str, tuple[str, ...]]:
    """gate name -> the ${VAR} names its headers reference."""
    found: dict[str, tuple[str, ...]] = {}
    for gate in gates:
        if gate.type == "command":
            continue
        names = sorted({m for value in gate.headers.values() for m in ENV_REFERENCE.findall(value)})
        if names:
            found[gate.name] = tuple(names)
    return found


def check_environment(gates: Sequence[GateSpec], env: Mapping[str, str]) -> None:
    """Raise UsageError before a deploy if a gate header needs a variable that is unset."""
    missing = [
        f"{name} (gate {gate})"
        for gate, names in header_variables(gates).items()
        for name in names
        if name not in env
    ]
    if missing:
        raise UsageError(
            f"gate headers reference unset environment variables: {', '.join(missing)}",
            hint="pass them to the step with env: (from secrets); every probe would fail without",
        )


def secret_values(gates: Sequence[GateSpec], env: Mapping[str, str]) -> tuple[str, ...]:
    """The values of the variables gate headers use, for masking before the first log line."""
    names = {name for names in header_variables(gates).values() for name in names}
    return tuple(sorted(env[name] for name in names if env.get(name)))


def format_probe(result: ProbeResult, *, name_width: int = 0) -> str:
    """One log line: ``HH:MM:SS  health  PASS  200 in 12 ms`` (UTC, as Actions logs are)."""
    clock = time.strftime("%H:%M:%S", time.gmtime(result.at))
    verdict = "SKIP" if result.ignored else "PASS" if result.ok else "FAIL"
    return f"{clock}  {result.gate:<{name_width}}  {verdict}  {result.detail}"

"""Rolling a provider back: the step both ``deploy`` (automatically) and ``rollback`` run,
and the message for the case a human must handle.

After the provider reports the point live, the gates are watched on the environment's
schedule until they pass or fail ``failure_limit`` times (:func:`settle`): a rollback is
only "done" when the old release is also healthy, and a sibling provider still rolling
back the same release is waited for (bounded) before that is decided.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hotfix_ci.config.model import Environment
from hotfix_ci.durations import format_duration
from hotfix_ci.errors import HotfixError
from hotfix_ci.gates import ProbeResult, run_once
from hotfix_ci.providers.base import Provider, RollbackPoint
from hotfix_ci.reports.deploy import Console
from hotfix_ci.text import shell_command


@dataclass(frozen=True, kw_only=True)
class RollbackResult:
    ok: bool
    stage: str  # "done", "provider" (the rollback call failed) or "gates" (still unhealthy)
    detail: str
    live: str  # what is live, as well as we know it
    hint: str | None = None
    probes: tuple[ProbeResult, ...] = ()


Siblings = Callable[[], list[str]]  # what else is still rolling back this environment


def perform_rollback(
    provider: Provider,
    point: RollbackPoint,
    environment: Environment,
    env: Mapping[str, str],
    console: Console,
    *,
    siblings: Siblings | None = None,
    deferred_to: str | None = None,
) -> RollbackResult:
    """``deferred_to``: the gates are judged after that provider's rollback instead (one
    command rolling back several providers of an environment in turn)."""
    console.step("rollback", None, f"rolling {provider.name} back to {point.description}")
    try:
        result = provider.rollback(point)
    except Exception as exc:
        detail = exc.message if isinstance(exc, HotfixError) else f"{type(exc).__name__}: {exc}"
        hint = exc.hint if isinstance(exc, HotfixError) else None
        console.step("rollback", False, detail)
        return RollbackResult(
            ok=False, stage="provider", detail=detail, live=what_is_live(provider), hint=hint
        )
    console.step("rollback", True, f"{provider.name} reports {result.ref} live")
    if deferred_to:
        detail = f"gates are judged after {deferred_to} is rolled back too"
        console.step("gates after rollback", None, detail)
        return RollbackResult(ok=True, stage="done", detail=detail, live=result.ref)
    probes, failed, waited = settle(environment, env, console, siblings or (lambda: []))
    if failed:
        names = ", ".join(f"{p.gate} ({p.detail})" for p in failed)
        detail = f"{point.ref} is live again but its gates fail too: {names}"
        if waited:
            detail += f" (still failing after waiting for {waited})"
        console.step("gates after rollback", False, detail)
        return RollbackResult(
            ok=False, stage="gates", detail=detail, live=result.ref, probes=probes
        )
    passed = f"{len(probes)} gate(s) pass" if probes else "no gates configured"
    console.step("gates after rollback", True, passed)
    return RollbackResult(ok=True, stage="done", detail=passed, live=result.ref, probes=probes)


def settle(
    environment: Environment,
    env: Mapping[str, str],
    console: Console,
    siblings: Siblings,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[tuple[ProbeResult, ...], list[ProbeResult], str]:
    """Gates judge the environment, not this provider: after a rollback they are probed on
    the watch schedule (``initial_delay``, then every ``interval``, for at most
    ``duration``) until a round passes or ``failure_limit`` rounds in a row fail. A failing
    round while ``siblings()`` names providers still rolling back the same release does not
    count: their release may be what fails. Returns (last round, its failures, whom it
    waited for)."""
    gates, spec = environment.gates, environment.watch
    width = max((len(g.name) for g in gates), default=0)
    if not gates:
        return (), [], ""
    sleep(spec.initial_delay)
    deadline = clock() + spec.duration
    failures, waited = 0, ""
    while True:
        probes = run_once(gates, env, spec.timeout)
        for probe in probes:
            console.probe("after-rollback", probe, width)
        failed = [p for p in probes if not p.ok and not p.ignored]
        if not failed:
            return probes, [], waited
        busy = siblings()
        if busy:
            if not waited:
                console.step(
                    "gates after rollback",
                    None,
                    f"failing while {', '.join(busy)} still roll(s) back: waiting for them "
                    f"(at most {format_duration(spec.duration)})",
                )
            waited = ", ".join(busy)
        else:
            failures += 1
        if failures >= spec.failure_limit or clock() + spec.interval > deadline:
            return probes, failed, waited
        sleep(spec.interval)


def what_is_live(provider: Provider) -> str:
    """Ask the provider what runs now; never raises (this feeds an emergency message)."""
    try:
        point = provider.current()
    except Exception as exc:
        text = exc.message if isinstance(exc, HotfixError) else str(exc)
        return f"unknown: asking {provider.name} what is live failed too ({text})"
    if point is None:
        return f"unknown: {provider.name} reports nothing live"
    return f"{point.ref} ({provider.name} reports it live)"


def rollback_command(
    environment: str, provider: str | None = None, *, to: str | None = None
) -> str:
    """``hotfix-ci rollback ...`` to paste, shell-quoted (an environment name may hold anything)."""
    argv = ["hotfix-ci", "rollback", "--environment", environment]
    argv += ["--provider", provider] if provider else []
    argv += ["--to", to] if to else []
    return shell_command(argv)


def human_needed(
    *,
    environment: str,
    provider: str,
    attempted: str,
    result: RollbackResult,
    failed_release: str | None,
    manual_tag: str | None,
) -> tuple[str, str]:
    """The exit-6 message and hint: what broke, what is live, what to run by hand."""
    lines = [
        f"ROLLBACK FAILED: a human must act now on {environment} / {provider}.",
        f"  attempted: {attempted}",
        f"  result:    {result.detail}",
        f"  live now:  {result.live}",
    ]
    if failed_release:
        lines.insert(1, f"  failing release: {failed_release}")
    command = rollback_command(environment, provider, to=manual_tag)
    hint = f"roll back by hand: `{command}`"
    if result.hint:
        hint += f"; the provider says: {result.hint}"
    if result.stage == "gates":
        hint = (
            "the previous release is unhealthy too: the cause may not be the release "
            "(database, dependency, config); page the service owner. " + hint
        )
    return "\n".join(lines), hint

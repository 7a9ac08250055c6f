"""Health gates and the watch schedule as frozen data, parsed from the config dict.

Parsing is pure (no I/O, no environment reads): ``${VAR}`` references in headers stay as
written and are resolved at probe time from the env Mapping the caller passes in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hotfix_ci.errors import ConfigError
from hotfix_ci.gates.durations import parse_duration
from hotfix_ci.gates.schema import GATE_NAME_PATTERN, GATES_SCHEMA, WATCH_SCHEMA

# The schemas are re-exported: they lived here before gates.schema, and callers import them
# from here.
__all__ = [
    "ENV_REFERENCE",
    "GATES_SCHEMA",
    "GATE_NAME",
    "WATCH_SCHEMA",
    "CommandGate",
    "GateSpec",
    "HttpExpect",
    "HttpGate",
    "NoDataPolicy",
    "ProbeResult",
    "PrometheusGate",
    "WatchSpec",
    "parse_gates",
    "parse_watch",
]
NoDataPolicy = Literal["fail", "pass", "ignore"]
ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
GATE_NAME = re.compile(GATE_NAME_PATTERN)


@dataclass(frozen=True, kw_only=True)
class HttpExpect:
    """What a healthy answer looks like. ``status`` None means any 2xx."""

    status: tuple[int, ...] | None = None
    json: Mapping[str, Any] | None = field(default=None, hash=False)
    contains: str | None = None
    max_latency_ms: float | None = None


@dataclass(frozen=True, kw_only=True)
class HttpGate:
    name: str
    url: str
    expect: HttpExpect = field(default_factory=HttpExpect)
    # Values may hold ${VAR} references; resolved per probe, never logged.
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    type: Literal["http"] = "http"


@dataclass(frozen=True, kw_only=True)
class PrometheusGate:
    name: str
    url: str
    query: str
    max: float | None = None
    min: float | None = None
    on_no_data: NoDataPolicy = "fail"
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    type: Literal["prometheus"] = "prometheus"


@dataclass(frozen=True, kw_only=True)
class CommandGate:
    name: str
    run: tuple[str, ...]
    type: Literal["command"] = "command"


GateSpec = HttpGate | PrometheusGate | CommandGate


@dataclass(frozen=True, kw_only=True)
class WatchSpec:
    """The watch schedule, in seconds; defaults are the documented ones."""

    initial_delay: float = 15.0
    interval: float = 10.0
    duration: float = 300.0
    failure_limit: int = 3
    timeout: float = 5.0


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


_COMMON = {"name", "type"}
_KEYS: dict[str, set[str]] = {
    "http": _COMMON | {"url", "expect", "headers"},
    "prometheus": _COMMON | {"url", "query", "max", "min", "on_no_data", "headers"},
    "command": _COMMON | {"run"},
}
_EXPECT_KEYS = {"status", "json", "contains", "max_latency_ms"}
_WATCH_KEYS = {"initial_delay", "interval", "duration", "failure_limit", "timeout"}


def parse_gates(raw: object, where: str) -> tuple[GateSpec, ...]:
    """Parse the ``gates:`` list found at key path ``where``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of gates, got {type(raw).__name__}")
    gates = tuple(_parse_gate(item, f"{where}[{i}]") for i, item in enumerate(raw))
    seen: set[str] = set()
    for i, gate in enumerate(gates):
        if gate.name in seen:
            raise ConfigError(
                f"{where}[{i}].name: gate name {gate.name!r} is used twice",
                hint="give each gate its own name: probe lines and failures are reported by it",
            )
        seen.add(gate.name)
    return gates


def _parse_gate(raw: object, where: str) -> GateSpec:
    item = _mapping(raw, where)
    kind = item.get("type")
    if kind not in _KEYS:
        raise ConfigError(
            f"{where}.type: unknown gate type {kind!r}",
            hint=f"use one of: {', '.join(_KEYS)}" + _did_you_mean(kind, _KEYS),
        )
    _reject_unknown(item, _KEYS[str(kind)], where)
    name = _string(item.get("name"), f"{where}.name")
    if not GATE_NAME.match(name):
        raise ConfigError(
            f"{where}.name: {name!r} is not a usable gate name",
            hint="use letters, digits, '-', '_' or '.', starting with a letter or digit",
        )
    if kind == "command":
        return CommandGate(name=name, run=_argv(item.get("run"), f"{where}.run"))
    url = _url(item.get("url"), f"{where}.url")
    headers = _headers(item.get("headers"), f"{where}.headers")
    if kind == "http":
        expect = _parse_expect(item.get("expect"), f"{where}.expect")
        return HttpGate(name=name, url=url, expect=expect, headers=headers)
    low, high = (_number(item.get(k), f"{where}.{k}") for k in ("min", "max"))
    if low is None and high is None:
        raise ConfigError(
            f"{where}: a prometheus gate needs `max`, `min` or both",
            hint="e.g. max: 0.01 to fail when the error ratio goes above 1%",
        )
    on_no_data = item.get("on_no_data", "fail")
    if on_no_data not in ("fail", "pass", "ignore"):
        raise ConfigError(
            f"{where}.on_no_data: expected fail, pass or ignore, got {on_no_data!r}",
            hint="fail is the safe choice: an empty answer often means a wrong query",
        )
    query = _string(item.get("query"), f"{where}.query")
    return PrometheusGate(
        name=name, url=url, query=query, max=high, min=low, on_no_data=on_no_data, headers=headers
    )


def _parse_expect(raw: object, where: str) -> HttpExpect:
    if raw is None:
        return HttpExpect()
    item = _mapping(raw, where)
    _reject_unknown(item, _EXPECT_KEYS, where)
    status = item.get("status")
    codes = None if status is None else status if isinstance(status, list) else [status]
    if codes is not None and (
        not codes or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
    ):
        raise ConfigError(
            f"{where}.status: expected an HTTP status or a list of them, got {status!r}",
            hint="e.g. status: 200 or status: [200, 204]",
        )
    body = item.get("json")
    if body is not None and not isinstance(body, dict):
        raise ConfigError(f"{where}.json: expected a mapping matched against the JSON body")
    contains = item.get("contains")
    if contains is not None:
        contains = _string(contains, f"{where}.contains")
    return HttpExpect(
        status=None if codes is None else tuple(codes),
        json=body,
        contains=contains,
        max_latency_ms=_number(item.get("max_latency_ms"), f"{where}.max_latency_ms"),
    )


def parse_watch(raw: object, where: str = "watch") -> WatchSpec:
    """Parse the ``watch:`` mapping; missing keys keep their defaults."""
    if raw is None:
        return WatchSpec()
    item = _mapping(raw, where)
    _reject_unknown(item, _WATCH_KEYS, where)
    values: dict[str, Any] = {}
    for key in ("initial_delay", "interval", "duration", "timeout"):
        if key in item:
            values[key] = parse_duration(item[key], f"{where}.{key}")
    for key in ("interval", "timeout"):
        if values.get(key) == 0:
            raise ConfigError(f"{where}.{key}: must be greater than zero")
    if "failure_limit" in item:
        limit = item["failure_limit"]
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ConfigError(
                f"{where}.failure_limit: expected a whole number >= 1, got {limit!r}",
                hint="3 tolerates two flaky probes in a row; 1 rolls back on the first failure",
            )
        values["failure_limit"] = limit
    return WatchSpec(**values)


def _mapping(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def _reject_unknown(item: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in item:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown key {key!r}",
                hint=f"allowed keys: {', '.join(sorted(allowed))}" + _did_you_mean(key, allowed),
            )


def _did_you_mean(word: object, choices: set[str] | dict[str, Any]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _string(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{where}: expected a non-empty string, got {raw!r}")
    return raw


def _number(raw: object, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ConfigError(f"{where}: expected a number, got {raw!r}")
    return float(raw)


def _url(raw: object, where: str) -> str:
    url = _string(raw, where)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{where}: {url!r} is not an http(s) URL", hint="write the full URL, https://..."
        )
    return url


def _headers(raw: object, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    item = _mapping(raw, where)
    for key, value in item.items():
        if not isinstance(value, str):
            raise ConfigError(
                f"{where}.{key}: header values must be strings",
                hint="quote the value; secrets go in as ${VAR} from the environment",
            )
    return {str(k): v for k, v in item.items()}


def _argv(raw: object, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        raise ConfigError(
            f"{where}: expected an argument list, got the string {raw!r}",
            hint='write it as a list, e.g. run: ["./scripts/smoke.sh", "--fast"]; no shell runs it',
        )
    if not isinstance(raw, list) or not raw or not all(isinstance(a, str) for a in raw):
        raise ConfigError(f"{where}: expected a non-empty list of strings, got {raw!r}")
    return tuple(raw)

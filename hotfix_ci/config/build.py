"""Build the frozen dataclasses from raw data that passed the schema and the semantic checks.

Nothing here validates: :mod:`hotfix_ci.config.loader` runs the schema and
:mod:`hotfix_ci.config.semantics` first, so every value has its documented type and shape.
Durations are turned into seconds here, with the parser whose pattern the schema uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotfix_ci.config.model import (
    MEASURES,
    ApprovalsConfig,
    CommandGate,
    DeployConfig,
    DiffConfig,
    Environment,
    GateSpec,
    HotfixConfig,
    HttpExpect,
    HttpGate,
    PrometheusGate,
    ProviderSpec,
    PullRequestConfig,
    ReleaseConfig,
    SeverityConfig,
    TargetConfig,
    WatchSpec,
)
from hotfix_ci.config.notify_build import build_notify
from hotfix_ci.durations import parse_duration

_DURATIONS = ("initial_delay", "interval", "duration", "timeout")


def to_config(raw: Mapping[str, Any], *, source: str | None) -> HotfixConfig:
    defaults = HotfixConfig()
    severities = raw.get("severities")
    return HotfixConfig(
        version=int(raw["version"]),
        pull_request=PullRequestConfig(**_fields(section(raw, "pull_request"))),
        severities=(
            tuple(_severity(name, entry) for name, entry in severities.items())
            if isinstance(severities, Mapping)
            else defaults.severities
        ),
        approvals=ApprovalsConfig(**_fields(section(raw, "approvals"))),
        diff=DiffConfig(**_fields(section(raw, "diff"))),
        release=ReleaseConfig(**_fields(section(raw, "release"))),
        deploy=deploy_config(section(raw, "deploy")),
        notify=build_notify(section(raw, "notify")),
        targets=_targets(raw.get("targets"), defaults.targets),
        source=source,
    )


def section(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, Mapping) else {}


def deploy_config(raw: Mapping[str, Any]) -> DeployConfig:
    envs = section(raw, "environments")
    return DeployConfig(
        environments={
            str(name): _environment(str(name), value or {}, f"deploy.environments.{name}")
            for name, value in envs.items()
        }
    )


def _environment(name: str, item: Mapping[str, Any], where: str) -> Environment:
    rollback = section(item, "rollback")
    return Environment(
        name=name,
        url=item.get("url"),
        before=tuple(tuple(argv) for argv in item.get("before") or ()),
        providers=tuple(
            ProviderSpec(
                name=entry["name"],
                type=entry["type"],
                settings=dict(entry.get("with") or {}),
                where=f"{where}.providers[{index}]",
            )
            for index, entry in enumerate(item.get("providers") or ())
        ),
        gates=tuple(gate(entry) for entry in item.get("gates") or ()),
        watch=watch(section(item, "watch"), f"{where}.watch"),
        rollback_on_failure=bool(rollback.get("on_failure", True)),
        production=bool(item.get("production", name == "production")),
        transient=bool(item.get("transient", False)),
    )


def gate(item: Mapping[str, Any]) -> GateSpec:
    kind = item["type"]
    if kind == "command":
        return CommandGate(name=item["name"], run=tuple(item["run"]))
    headers = {str(k): str(v) for k, v in (item.get("headers") or {}).items()}
    if kind == "http":
        expect = section(item, "expect")
        status = expect.get("status")
        return HttpGate(
            name=item["name"],
            url=item["url"],
            headers=headers,
            expect=HttpExpect(
                status=None if status is None else tuple(_list(status)),
                json=expect.get("json"),
                contains=expect.get("contains"),
                max_latency_ms=_float(expect.get("max_latency_ms")),
            ),
        )
    return PrometheusGate(
        name=item["name"],
        url=item["url"],
        query=item["query"],
        max=_float(item.get("max")),
        min=_float(item.get("min")),
        on_no_data=item.get("on_no_data", "fail"),
        headers=headers,
    )


def watch(item: Mapping[str, Any], where: str) -> WatchSpec:
    values: dict[str, Any] = {
        key: parse_duration(item[key], f"{where}.{key}") for key in _DURATIONS if key in item
    }
    if "failure_limit" in item:
        values["failure_limit"] = int(item["failure_limit"])
    return WatchSpec(**values)


def _targets(raw: Any, defaults: tuple[TargetConfig, ...]) -> tuple[TargetConfig, ...]:
    """``targets:`` replaces the seeds' defaults when given; durations become seconds."""
    if not isinstance(raw, Mapping):
        return defaults
    return tuple(
        TargetConfig(
            severity=name,
            **{
                key: parse_duration(entry[key], f"targets.{name}.{key}")
                for key in MEASURES
                if key in (entry or {})
            },
        )
        for name, entry in raw.items()
    )


def _severity(name: str, entry: Mapping[str, Any]) -> SeverityConfig:
    fields = _fields(entry)
    fields.setdefault("label", name)
    return SeverityConfig(name=name, **fields)


def _fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    # Lists become tuples so the frozen dataclasses stay hashable and immutable.
    return {key: _plain(value) for key, value in raw.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    # JSON Schema counts 200.0 as an integer; the dataclasses promise an int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from hotfix_ci.config import validate_config_text
from hotfix_ci.config.gates_schema import GATES_SCHEMA, WATCH_SCHEMA
from hotfix_ci.config.model import (
    CommandGate,
    GateSpec,
    HttpExpect,
    HttpGate,
    PrometheusGate,
    WatchSpec,
)
from hotfix_ci.errors import ConfigError

EXAMPLE = """
gates:
  - {name: health, type: http, url: https://api.example.com/health, expect: {status: 200, json: {status: healthy}, contains: "ok", max_latency_ms: 800}}
  - {name: errors, type: prometheus, url: https://prom.example.com, query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', max: 0.01, on_no_data: fail}
  - {name: smoke, type: command, run: ["./scripts/smoke.sh"]}
watch: {initial_delay: 15s, interval: 10s, duration: 5m, failure_limit: 3, timeout: 5s}
"""  # noqa: E501
WHERE = "deploy.environments.prod.gates"
COMMAND = {"deploy": ["./d.sh"], "rollback": ["./r.sh"]}


def _environment(key: str, value: Any) -> Any:
    body = {"providers": [{"name": "app", "type": "command", "with": COMMAND}], key: value}
    text = json.dumps({"version": 1, "deploy": {"environments": {"prod": body}}})
    return validate_config_text(text, "hotfix.yml").deploy.environment("prod")


def parse_gates(raw: Any, where: str = WHERE) -> tuple[GateSpec, ...]:
    """The gates as the config loader builds them (``where`` is always WHERE's path)."""
    gates: tuple[GateSpec, ...] = _environment("gates", raw).gates
    return gates


def parse_watch(raw: Any) -> WatchSpec:
    watch: WatchSpec = _environment("watch", raw or {}).watch
    return watch


def example() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(EXAMPLE)
    return loaded


def test_parses_the_documented_example() -> None:
    raw = example()
    gates = parse_gates(raw["gates"], WHERE)
    assert gates[0] == HttpGate(
        name="health",
        url="https://api.example.com/health",
        expect=HttpExpect(
            status=(200,), json={"status": "healthy"}, contains="ok", max_latency_ms=800.0
        ),
    )
    assert isinstance(gates[1], PrometheusGate)
    assert gates[1].max == 0.01 and gates[1].min is None and gates[1].on_no_data == "fail"
    assert gates[1].query.startswith("sum(rate(http_requests_total{code=~")
    assert gates[2] == CommandGate(name="smoke", run=("./scripts/smoke.sh",))
    assert parse_watch(raw["watch"]) == WatchSpec(
        initial_delay=15.0, interval=10.0, duration=300.0, failure_limit=3, timeout=5.0
    )


def test_watch_defaults_are_the_documented_ones() -> None:
    assert parse_watch(None) == parse_watch({}) == WatchSpec()
    assert WatchSpec() == WatchSpec(
        initial_delay=15, interval=10, duration=300, failure_limit=3, timeout=5
    )
    assert parse_watch({"interval": "2s"}) == WatchSpec(interval=2.0)


def test_status_list_headers_and_defaults() -> None:
    (gate,) = parse_gates(
        [
            {
                "name": "api",
                "type": "http",
                "url": "http://127.0.0.1:1/h",
                "expect": {"status": [200, 204]},
                "headers": {"Authorization": "Bearer ${TOKEN}"},
            }
        ],
        WHERE,
    )
    assert isinstance(gate, HttpGate)
    assert gate.expect.status == (200, 204)
    assert gate.headers == {"Authorization": "Bearer ${TOKEN}"}  # resolved only at probe time
    (bare,) = parse_gates([{"name": "b", "type": "http", "url": "https://x"}], WHERE)
    assert isinstance(bare, HttpGate) and bare.expect == HttpExpect()


@pytest.mark.parametrize(
    ("gates", "message", "hint"),
    [
        (
            [{"name": "a", "type": "htp", "url": "https://x"}],
            r"\[0\]\.type: expected one of http, prometheus, command; got \"htp\"",
            "did you mean 'http'",
        ),
        (
            [{"name": "a", "type": "http", "url": "https://x", "expct": {}}],
            r"\[0\]\.expct: unknown key",
            "did you mean 'expect'",
        ),
        (
            [{"name": "a", "type": "http", "url": "https://x", "expect": {"staus": 200}}],
            r"\[0\]\.expect\.staus: unknown key",
            "did you mean 'status'",
        ),
        (
            [{"name": "a", "type": "http", "url": "https://x", "expect": {"status": "200"}}],
            r"\[0\]\.expect\.status: expected an integer or a list of integers",
            "status: 200",
        ),
        (
            [{"name": "a", "type": "http", "url": "api.example.com"}],
            r"\[0\]\.url: not a usable URL \"api\.example\.com\": it does not start with http://",
            "https://",
        ),
        (
            [{"name": "a", "type": "command", "run": "./smoke.sh --fast"}],
            r"\[0\]\.run: expected a list, got \"\./smoke\.sh --fast\"",
            "write a list",
        ),
        (
            [{"name": "a", "type": "prometheus", "url": "https://p", "query": "up"}],
            r"\[0\]: needs `max` or `min` \(or both\)",
            "max: 0.01",
        ),
        (
            [
                {
                    "name": "a",
                    "type": "prometheus",
                    "url": "https://p",
                    "query": "up",
                    "max": 1,
                    "on_no_data": "skip",
                }
            ],
            r"\[0\]\.on_no_data: expected one of fail, pass, ignore; got \"skip\"",
            "choose one of",
        ),
        (
            [
                {"name": "a", "type": "command", "run": ["x"]},
                {"name": "a", "type": "command", "run": ["y"]},
            ],
            r"\[1\]\.name: gate name 'a' is used twice",
            "own name",
        ),
        ([{"type": "command", "run": ["x"]}], r"\[0\]\.name: required key is missing", None),
        (
            [{"name": "a", "type": "http", "url": "https://x", "headers": {"X-N": 5}}],
            r"\[0\]\.headers\.X-N: expected a string, got 5",
            "quote",
        ),
    ],
)
def test_bad_gates_name_the_key_path(gates: list[Any], message: str, hint: str | None) -> None:
    where = r"^hotfix\.yml:1: " + WHERE.replace(".", r"\.")
    with pytest.raises(ConfigError, match=where + message) as caught:
        parse_gates(gates, WHERE)
    if hint is not None:
        assert caught.value.hint is not None and hint in caught.value.hint


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"interval": "10x"}, r"watch\.interval: expected a duration, got \"10x\""),
        ({"interval": 0}, r"watch\.interval: must be greater than zero"),
        ({"failure_limit": 0}, r"watch\.failure_limit: must be at least 1, got 0"),
        ({"failure_limit": 2.5}, r"watch\.failure_limit: expected an integer, got 2\.5"),
        ({"failur_limit": 2}, r"watch\.failur_limit: unknown key"),
        ([1], r"prod\.watch: expected a mapping, got a list"),
    ],
)
def test_bad_watch_names_the_key_path(raw: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_watch(raw)


def test_schemas_are_valid_draft_2020_12_and_accept_the_example() -> None:
    raw = example()
    for schema, instance in ((GATES_SCHEMA, raw["gates"]), (WATCH_SCHEMA, raw["watch"])):
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(instance)


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        (GATES_SCHEMA, [{"name": "a", "type": "htp", "url": "https://x"}]),
        (GATES_SCHEMA, [{"name": "a", "type": "http", "url": "https://x", "expct": {}}]),
        (GATES_SCHEMA, [{"name": "a", "type": "prometheus", "url": "https://p", "query": "up"}]),
        (GATES_SCHEMA, [{"name": "a", "type": "command", "run": "./smoke.sh"}]),
        (WATCH_SCHEMA, {"interval": "10x"}),
        (WATCH_SCHEMA, {"failure_limit": 0}),
    ],
)
def test_schemas_reject_what_the_loader_rejects(schema: dict[str, Any], instance: object) -> None:
    assert not jsonschema.Draft202012Validator(schema).is_valid(instance)


def _properties(schema: Any, path: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(schema, dict):
        for key, sub in schema.get("properties", {}).items():
            found.append((f"{path}.{key}", sub))
        for key, sub in schema.items():
            found.extend(_properties(sub, f"{path}/{key}"))
    elif isinstance(schema, list):
        for index, sub in enumerate(schema):
            found.extend(_properties(sub, f"{path}[{index}]"))
    return found


def test_every_schema_key_has_a_description() -> None:
    keys = _properties(GATES_SCHEMA) + _properties(WATCH_SCHEMA)
    assert len(keys) > 15
    undocumented = [path for path, sub in keys if not sub.get("description")]
    assert undocumented == []

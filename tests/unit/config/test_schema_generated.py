"""The generated schema check: current with the shipped schema, and of the same verdict as
jsonschema on every example config, on hand-picked edge cases and on mutated configs."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotfix_ci.config import loader, schema_generated, schema_text, validate_config_text
from hotfix_ci.errors import InvalidConfigError
from tests.helpers import ROOT

EXAMPLES = sorted(ROOT.glob("examples/*/.github/hotfix.yml"))


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_config_validator", ROOT / "scripts" / "build_config_validator.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
JSONSCHEMA = jsonschema.Draft202012Validator(json.loads(schema_text()))


def same_verdict(data: Any) -> bool:
    verdict = schema_generated.is_valid(data)
    assert verdict == JSONSCHEMA.is_valid(data), f"generated says {verdict} for {data!r}"
    return verdict


def test_the_generated_module_is_what_the_generator_writes_for_the_shipped_schema() -> None:
    generated = (ROOT / "hotfix_ci" / "config" / "schema_generated.py").read_text("utf-8")
    assert generated == GENERATOR.render(schema_text()), (
        "hotfix_ci/config/schema_generated.py is stale: "
        "run python scripts/build_config_validator.py"
    )
    assert GENERATOR.main(["--check"]) == 0


def test_the_generator_refuses_a_keyword_it_does_not_know() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string", "format": "email"}}}
    with pytest.raises(ValueError, match="format"):
        GENERATOR.render(json.dumps(schema))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parts[-3])
def test_every_example_config_passes_both(path: Path) -> None:
    assert same_verdict(yaml.safe_load(path.read_text("utf-8")))


def _full() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "examples/full/.github/hotfix.yml").read_text())
    return data


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"version": 1}, True),
        ({"version": 1.0}, True),  # JSON Schema: 1.0 is 1
        ({"version": True}, False),  # ... but true is not 1
        ({"version": "1"}, False),
        ({}, False),
        ({"version": 1, "diff": {"max_files": 2.0}}, True),  # an integer, for JSON Schema
        ({"version": 1, "diff": {"max_files": 2.5}}, False),
        ({"version": 1, "diff": {"max_files": False}}, False),
        ({"version": 1, "unknown": 1}, False),
        ({"version": 1, 5: "x"}, False),  # not a text key
        ({"version": 1, "diff": {"max_files": float("inf")}}, False),
    ],
)
def test_edge_cases_get_jsonschemas_verdict(data: dict[Any, Any], valid: bool) -> None:
    if all(isinstance(k, str) for k in data):
        assert same_verdict(data) is valid
    else:  # jsonschema never sees non-text keys: the explainer reports them first
        assert schema_generated.is_valid(data) is valid


def test_a_cyclic_document_is_left_to_the_explainer() -> None:
    data: dict[str, Any] = {"version": 1, "pull_request": {}}
    items: list[Any] = []
    items.append(items)
    data["pull_request"]["branch_patterns"] = items
    assert schema_generated.is_valid(data) is False


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*here, index))
    return found


FULL = _full()
PATHS = _paths(FULL)[1:]
replacements = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=10**4),
    st.sampled_from([0.0, 0.5, 2.0, -1.0, 1e9]),
    st.sampled_from(["", "x", "P1", "hotfix/*", "@org/team", "10m", "https://x", "file:a"]),
    st.lists(st.sampled_from(["a", "a", 1, True, "hotfix"]), max_size=3),
    st.dictionaries(st.sampled_from(["type", "url", "name", "x"]), st.just("v"), max_size=2),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), replacements, st.sampled_from(["replace", "delete", "add"]))
def test_mutated_configs_get_jsonschemas_verdict(
    path: tuple[Any, ...], value: Any, how: str
) -> None:
    data = copy.deepcopy(FULL)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last]["added_key"] = value
    elif isinstance(parent[last], list):
        parent[last].append(value)
    same_verdict(data)


def test_a_valid_config_is_loaded_without_jsonschema_an_invalid_one_explained_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Any] = []
    real = loader.schema_problems
    monkeypatch.setattr(loader, "schema_problems", lambda data: calls.append(data) or real(data))
    validate_config_text("version: 1\ndiff: {max_files: 3}\n", "ok.yml")
    assert calls == []
    with pytest.raises(InvalidConfigError, match=r"bad\.yml:2: diff\.max_fils: unknown key"):
        validate_config_text("version: 1\ndiff: {max_fils: 3}\n", "bad.yml")
    assert len(calls) == 1


def test_a_stale_generated_module_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    loader._generated_check_is_current.cache_clear()
    monkeypatch.setattr(schema_generated, "SCHEMA_SHA256", "0" * 64)
    monkeypatch.setattr(schema_generated, "is_valid", lambda data: True)
    try:
        assert loader.schema_accepts({"version": 1}) is False
        # jsonschema judges instead: the wrong "valid" above changes nothing
        with pytest.raises(InvalidConfigError, match="unknown key"):
            validate_config_text("version: 1\nnope: 1\n", "stale.yml")
    finally:
        loader._generated_check_is_current.cache_clear()

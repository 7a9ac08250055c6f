"""The shipped JSON schema: valid Draft 2020-12, in step with the dataclasses, and the
examples pass it."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from hotfix_ci.config import config_schema, load_config, schema_text
from hotfix_ci.config.model import (
    ApprovalsConfig,
    DiffConfig,
    PullRequestConfig,
    ReleaseConfig,
    SeverityConfig,
    default_severities,
)
from tests.helpers import ROOT

REPO = ROOT
EXAMPLES = sorted(REPO.glob("examples/*/.github/hotfix.yml"))
SECTIONS = {
    "pull_request": PullRequestConfig,
    "approvals": ApprovalsConfig,
    "diff": DiffConfig,
    "release": ReleaseConfig,
}


def test_schema_text_is_the_shipped_file() -> None:
    shipped = REPO / "hotfix_ci" / "config" / "hotfix.schema.json"
    assert schema_text() == shipped.read_text(encoding="utf-8")
    assert config_schema() == json.loads(schema_text())


def test_schema_is_valid_draft_2020_12() -> None:
    schema = config_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://")
    jsonschema.Draft202012Validator.check_schema(schema)


def _objects(node: Any, where: str = "#") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if "properties" in node:
            found.append((where, node))
        for key, value in node.items():
            found += _objects(value, f"{where}/{key}")
    return found


# Free-form by design: a provider's `with:` before its type is known, request headers, and
# the JSON subset a health answer must contain.
OPEN_OBJECTS = ("/with", "/headers", "/json")
# A gate entry only names its `type`; the branch for that type (under allOf/then) is closed.
DISPATCHERS = ("/gates/items",)


def test_every_object_is_closed() -> None:
    for where, node in _objects(config_schema()):
        if where.endswith(OPEN_OBJECTS + DISPATCHERS) or "/if/" in where:
            continue
        assert node.get("additionalProperties") is False, where


def test_committed_schema_matches_the_generated_deploy_section() -> None:
    from hotfix_ci.config.deploy_schema import deploy_schema

    assert config_schema()["properties"]["deploy"] == deploy_schema(), (
        "hotfix.schema.json is out of date: run python scripts/build_config_schema.py"
    )


def test_every_key_has_a_title_and_description() -> None:
    for where, node in _objects(config_schema()):
        for key, prop in node["properties"].items():
            assert prop.get("title"), f"{where}/{key}"
            assert prop.get("description"), f"{where}/{key}"


def test_schema_keys_are_exactly_the_dataclass_fields() -> None:
    props = config_schema()["properties"]
    for section, cls in SECTIONS.items():
        assert set(props[section]["properties"]) == {f.name for f in fields(cls)}, section
    severity = config_schema()["$defs"]["severity"]["properties"]
    assert set(severity) == {f.name for f in fields(SeverityConfig)} - {"name"}


def _as_json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def test_schema_defaults_are_the_dataclass_defaults() -> None:
    props = config_schema()["properties"]
    for section, cls in SECTIONS.items():
        instance = cls()
        for key, prop in props[section]["properties"].items():
            actual = instance.tag_template if key == "tag" else getattr(instance, key)
            assert prop["default"] == _as_json(actual), f"{section}.{key}"
    documented = props["severities"]["default"]
    assert [name for name in documented] == [s.name for s in default_severities()]
    severity_defaults = config_schema()["$defs"]["severity"]["properties"]
    for severity in default_severities():
        entry = documented[severity.name]
        for key in ("approvals", "hotfix", "review_after_deploy", "labelled_by"):
            expected = entry.get(key, severity_defaults[key]["default"])
            assert _as_json(getattr(severity, key)) == expected, f"{severity.name}.{key}"


def test_the_minimal_and_full_examples_exist() -> None:
    assert {"minimal", "full"} <= {p.parts[-3] for p in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parts[-3])
def test_example_validates_against_the_schema(example: Path) -> None:
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(config_schema()).validate(data)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parts[-3])
def test_example_loads(example: Path) -> None:
    config = load_config(workdir=example.parent.parent)
    assert config.source == ".github/hotfix.yml"
    assert config.version == 1


def test_full_example_sets_every_key() -> None:
    full = REPO / "examples" / "full" / ".github" / "hotfix.yml"
    data = yaml.safe_load(full.read_text(encoding="utf-8"))
    props = config_schema()["properties"]
    assert set(data) == set(props)
    for section in SECTIONS:
        assert set(data[section]) == set(props[section]["properties"]), section

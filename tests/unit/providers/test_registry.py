"""The provider registry: lazy built-ins, suggestions, and entry-point plugins."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers import registry
from tests.helpers import ROOT

MINE = ("kubernetes", "vercel", "railway", "fly", "command")


def test_importing_the_registry_loads_no_provider():
    code = (
        "import sys, hotfix_ci.providers.registry as r\n"
        "r.provider_factory('command')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('hotfix_ci.providers.'))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()
    loaded = set(out.split(","))
    assert "hotfix_ci.providers.command" in loaded
    assert not {f"hotfix_ci.providers.{n}" for n in MINE if n != "command"} & loaded


@pytest.mark.parametrize("name", MINE)
def test_builtin_factories_and_schemas(name: str):
    assert callable(registry.provider_factory(name))
    schema = registry.settings_schema(name)
    assert schema["additionalProperties"] is False
    assert schema["$schema"].endswith("2020-12/schema")
    for key, prop in schema["properties"].items():
        assert prop.get("description"), f"{name}.{key} has no description"
    assert set(schema.get("required", [])) <= set(schema["properties"])


@pytest.mark.parametrize("name", MINE)
def test_schemas_are_valid_draft_2020_12(name: str):
    jsonschema.Draft202012Validator.check_schema(registry.settings_schema(name))


def test_unknown_name_gets_a_suggestion():
    with pytest.raises(ConfigError) as info:
        registry.provider_factory("kubernets")
    assert "'kubernets'" in info.value.message
    assert info.value.hint == "did you mean 'kubernetes'?"


def test_unrelated_name_lists_known_types():
    with pytest.raises(ConfigError) as info:
        registry.provider_factory("zzzzzz")
    assert "fly" in (info.value.hint or "") and "command" in (info.value.hint or "")


@pytest.fixture
def plugin_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A third-party provider installed the way pip would: a module plus a dist-info
    whose entry_points.txt registers it in the hotfix_ci.providers group."""
    (tmp_path / "acme_deploy.py").write_text(
        textwrap.dedent("""
        SETTINGS_SCHEMA = {"type": "object", "properties": {"site": {"type": "string"}}}

        class Acme:
            name = "acme"

        def create(context):
            return Acme()
    """)
    )
    dist = tmp_path / "acme_deploy-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-deploy\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hotfix_ci.providers]\nacme = acme_deploy\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_entry_point_provider_is_found(plugin_on_path: Path):
    factory = registry.provider_factory("acme")
    assert factory(None).name == "acme"  # type: ignore[arg-type]
    assert registry.settings_schema("acme")["properties"]["site"] == {"type": "string"}


def test_plugin_names_join_the_suggestions(plugin_on_path: Path):
    with pytest.raises(ConfigError) as info:
        registry.provider_factory("acmee")
    assert info.value.hint == "did you mean 'acme'?"

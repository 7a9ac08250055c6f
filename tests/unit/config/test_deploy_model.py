"""The deploy: section, loaded with the rest of the config: dataclasses, key paths in errors,
suggestions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hotfix_ci.config import DeployConfig, ProviderSpec, validate_config_text
from hotfix_ci.config.model import HttpGate
from hotfix_ci.deploy.runtime import check_provider_settings
from hotfix_ci.errors import ConfigError
from hotfix_ci.patterns import fill_placeholders

ISSUE_EXAMPLE: dict[str, Any] = {
    "environments": {
        "production": {
            "url": "https://example.com",
            "before": [["./scripts/validate_env.sh", "production"]],
            "providers": [
                {
                    "name": "api",
                    "type": "kubernetes",
                    "with": {
                        "namespace": "prod",
                        "deployment": "web",
                        "container": "web",
                        "image": "ghcr.io/acme/web:{tag}",
                        "context": "prod",
                        "timeout": 300,
                    },
                },
                {"name": "web", "type": "vercel", "with": {"project": "acme-web", "scope": "acme"}},
            ],
            "gates": [
                {
                    "name": "health",
                    "type": "http",
                    "url": "https://api.example.com/health",
                    "expect": {"status": 200},
                }
            ],
            "watch": {
                "initial_delay": "15s",
                "interval": "10s",
                "duration": "5m",
                "failure_limit": 3,
                "timeout": "5s",
            },
            "rollback": {"on_failure": True},
        },
        "staging": {"transient": True},
    }
}


def load(deploy: dict[str, Any]) -> DeployConfig:
    """The deploy section as the loader builds it (JSON is YAML)."""
    text = json.dumps({"version": 1, "deploy": deploy})
    return validate_config_text(text, ".github/hotfix.yml").deploy


def test_issue_example_parses_into_dataclasses() -> None:
    config = load(ISSUE_EXAMPLE)
    prod = config.environment("production")
    assert prod.url == "https://example.com"
    assert prod.before == (("./scripts/validate_env.sh", "production"),)
    assert [p.name for p in prod.providers] == ["api", "web"]
    assert prod.provider("api").settings["image"] == "ghcr.io/acme/web:{tag}"
    assert prod.provider("api").where == "deploy.environments.production.providers[0]"
    assert isinstance(prod.gates[0], HttpGate)
    assert (prod.watch.duration, prod.watch.failure_limit) == (300.0, 3)
    assert prod.rollback_on_failure and prod.production and not prod.transient
    staging = config.environment("staging")
    assert staging.transient and not staging.production and staging.rollback_on_failure


def test_empty_section_has_no_environments() -> None:
    assert load({}).environments == {}
    with pytest.raises(ConfigError, match="no environment 'production'") as missing:
        DeployConfig().environment("production")
    assert missing.value.hint is not None and "deploy.environments" in missing.value.hint


COMMAND = {"deploy": ["./d.sh"], "rollback": ["./r.sh"]}


@pytest.mark.parametrize(
    ("patch", "message", "hint"),
    [
        ({"before": "./check.sh"}, r"production\.before: expected a list", "write a list"),
        ({"before": ["./check.sh"]}, r"production\.before\[0\]: expected a list", "a list"),
        (
            {"url": "example.com"},
            r"production\.url: not a usable URL \"example\.com\": it does not start with http://",
            "https://",
        ),
        ({"rollback": {"on_fail": True}}, r"rollback\.on_fail: unknown key", "'on_failure'"),
        ({"rollback": {"on_failure": "yes"}}, r"on_failure: expected true or false", "true"),
        ({"gates": [{"name": "h", "type": "htp"}]}, r"gates\[0\]\.type: expected one of", "http"),
        ({"watch": {"interval": 0}}, r"watch\.interval: must be greater than zero", "10s"),
        ({"providers": [{"name": "a b", "type": "command"}]}, r"providers\[0\]\.name", "letter"),
        (
            {
                "providers": [
                    {"name": "a", "type": "command", "with": COMMAND},
                    {"name": "a", "type": "command", "with": COMMAND},
                ]
            },
            r"providers\[1\]\.name: provider name 'a' is used twice",
            "--provider",
        ),
        ({"providers": [{"name": "a", "type": "fly", "whit": {}}]}, r"whit: unknown key", "'with'"),
        ({"provider": []}, r"production\.provider: unknown key", "'providers'"),
        ({"providres": []}, r"production\.providres: unknown key", "did you mean 'providers'"),
    ],
)
def test_errors_name_the_key_path(patch: dict[str, Any], message: str, hint: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load({"environments": {"production": patch}})
    assert raised.value.hint is not None and hint in raised.value.hint


def test_unknown_provider_name_suggests_one() -> None:
    prod = load(ISSUE_EXAMPLE).environment("production")
    with pytest.raises(ConfigError) as raised:
        prod.provider("wbe")
    assert raised.value.hint is not None and "did you mean 'web'" in raised.value.hint


def test_builtin_provider_settings_are_checked_when_the_config_loads() -> None:
    missing = {"providers": [{"name": "app", "type": "command", "with": {"deploy": ["./d.sh"]}}]}
    with pytest.raises(ConfigError, match=r"providers\[0\]\.with\.rollback: required key"):
        load({"environments": {"production": missing}})
    wrong = {"providers": [{"name": "app", "type": "command", "with": {**COMMAND, "deploy": "d"}}]}
    with pytest.raises(ConfigError, match=r"with\.deploy: expected a list, got \"d\""):
        load({"environments": {"production": wrong}})


def test_plugin_provider_settings_are_checked_against_the_plugin_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hotfix_ci.providers import registry

    plugin = type("Plugin", (), {"SETTINGS_SCHEMA": {"type": "object", "required": ["app"]}})
    monkeypatch.setattr(registry, "_load_module", lambda name: plugin)
    spec = ProviderSpec(name="x", type="acme-cloud", where="deploy.environments.p.providers[0]")
    with pytest.raises(ConfigError, match=r"providers\[0\]\.with: 'app' is a required property"):
        check_provider_settings(spec)
    check_provider_settings(ProviderSpec(name="x", type="acme-cloud", settings={"app": "a"}))


def test_placeholders_replace_release_values_only() -> None:
    values = {"tag": "hotfix-v1.4.3", "version": "1.4.3", "sha": "abc", "environment": "prod"}
    assert fill_placeholders("{environment}:{tag}@{sha} v{version}", values) == (
        "prod:hotfix-v1.4.3@abc v1.4.3"
    )
    assert fill_placeholders('{"json": 1} ${HOME} {other}', values) == '{"json": 1} ${HOME} {other}'

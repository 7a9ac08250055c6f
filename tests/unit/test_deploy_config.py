"""Parsing the deploy: section: dataclasses, key paths in errors, suggestions."""

from __future__ import annotations

from typing import Any

import pytest

from hotfix_ci.deploy.config import (
    ProviderSpec,
    check_provider_settings,
    parse_deploy,
    substitute,
)
from hotfix_ci.errors import ConfigError
from hotfix_ci.gates import HttpGate

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
        "staging": {"providers": [], "transient": True},
    }
}


def test_issue_example_parses_into_dataclasses() -> None:
    config = parse_deploy(ISSUE_EXAMPLE)
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
    assert parse_deploy({}).environments == {}
    with pytest.raises(ConfigError, match="no environment 'production'") as missing:
        parse_deploy(None).environment("production")
    assert missing.value.hint is not None and "deploy.environments" in missing.value.hint


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"before": "./check.sh"}, r"production\.before: expected a list"),
        ({"before": ["./check.sh"]}, r"production\.before\[0\]: expected an argument list"),
        ({"url": "example.com"}, r"production\.url: expected an http\(s\) URL"),
        ({"rollback": {"on_fail": True}}, r"production\.rollback: unknown key 'on_fail'"),
        ({"rollback": {"on_failure": "yes"}}, r"rollback\.on_failure: expected true or false"),
        ({"gates": [{"name": "h", "type": "htp"}]}, r"gates\[0\]\.type: unknown gate type"),
        ({"watch": {"interval": 0}}, r"watch\.interval: must be greater than zero"),
        ({"providers": [{"name": "a b", "type": "command"}]}, r"providers\[0\]\.name"),
        (
            {"providers": [{"name": "a", "type": "command"}, {"name": "a", "type": "fly"}]},
            r"providers\[1\]\.name: provider name 'a' is used twice",
        ),
        (
            {"providers": [{"name": "a", "type": "fly", "whit": {}}]},
            r"providers\[0\]: unknown key 'whit'",
        ),
        ({"provider": []}, r"production: unknown key 'provider'"),
    ],
)
def test_errors_name_the_key_path(patch: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_deploy({"environments": {"production": patch}})


def test_unknown_key_suggests_the_nearest() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_deploy({"environments": {"production": {"providres": []}}})
    assert raised.value.hint is not None and "did you mean 'providers'" in raised.value.hint


def test_unknown_provider_name_suggests_one() -> None:
    prod = parse_deploy(ISSUE_EXAMPLE).environment("production")
    with pytest.raises(ConfigError) as raised:
        prod.provider("wbe")
    assert raised.value.hint is not None and "did you mean 'web'" in raised.value.hint


def test_provider_settings_are_checked_against_the_provider_schema() -> None:
    spec = ProviderSpec(
        name="app",
        type="command",
        settings={"deploy": ["./d.sh"]},
        where="deploy.environments.production.providers[0]",
    )
    with pytest.raises(ConfigError, match=r"providers\[0\]\.with: 'rollback' is a required"):
        check_provider_settings(spec)
    wrong_type = ProviderSpec(
        name="app",
        type="command",
        where="x",
        settings={"deploy": "./d.sh", "rollback": ["r"], "timeout": "5m"},
    )
    with pytest.raises(ConfigError, match=r"x\.with\.deploy: './d.sh' is not of type 'array'"):
        check_provider_settings(wrong_type)
    check_provider_settings(
        ProviderSpec(name="app", type="command", settings={"deploy": ["d"], "rollback": ["r"]})
    )


def test_substitute_replaces_release_placeholders_only() -> None:
    values = {"tag": "hotfix-v1.4.3", "version": "1.4.3", "sha": "abc", "environment": "prod"}
    assert substitute("{environment}:{tag}@{sha} v{version}", values) == (
        "prod:hotfix-v1.4.3@abc v1.4.3"
    )
    assert substitute('{"json": 1} ${HOME} {other}', values) == '{"json": 1} ${HOME} {other}'

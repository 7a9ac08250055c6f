"""The deploy section of the config: schema errors with lines, semantic errors, durations."""

from __future__ import annotations

import pytest

from hotfix_ci.config import validate_config_text
from hotfix_ci.errors import InvalidConfigError

# The example of the deploy issue, verbatim.
ISSUE_EXAMPLE = """\
version: 1
deploy:
  environments:
    production:
      url: https://example.com
      before: [["./scripts/validate_env.sh", "production"]]
      providers:
        - {name: api, type: kubernetes, with: {namespace: prod, deployment: web, container: web, image: "ghcr.io/acme/web:{tag}", context: prod, timeout: 5m}}
        - {name: web, type: vercel, with: {project: acme-web, scope: acme}}
      gates:
        - {name: health, type: http, url: https://api.example.com/health, expect: {status: 200, json: {status: healthy}, contains: "ok", max_latency_ms: 800}}
        - {name: errors, type: prometheus, url: https://prom.example.com, query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', max: 0.01, on_no_data: fail}
        - {name: smoke, type: command, run: ["./scripts/smoke.sh"]}
      watch: {initial_delay: 15s, interval: 10s, duration: 5m, failure_limit: 3, timeout: 5s}
      rollback: {on_failure: true}
"""  # noqa: E501


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidConfigError) as info:
        validate_config_text(text, "hotfix.yml")
    return [f"{p.line}: {'.'.join(map(str, p.path))}: {p.message}" for p in info.value.problems]


def test_the_issue_example_is_valid() -> None:
    cfg = validate_config_text(ISSUE_EXAMPLE, "hotfix.yml")
    env = cfg.deploy.environment("production")
    assert [p.name for p in env.providers] == ["api", "web"]
    assert [g.name for g in env.gates] == ["health", "errors", "smoke"]
    assert env.watch.duration == 300 and env.watch.failure_limit == 3


def test_kubernetes_timeout_takes_a_duration() -> None:
    from pathlib import Path

    from hotfix_ci.providers.base import ProviderContext
    from hotfix_ci.providers.kubernetes import create

    settings = {"deployment": "web", "container": "web", "image": "x:{tag}", "timeout": "5m"}
    provider = create(
        ProviderContext(name="api", type="kubernetes", settings=settings, env={}, workdir=Path())
    )
    assert provider.timeout == 300


def test_typo_in_a_gate_names_the_key_and_its_line() -> None:
    text = ISSUE_EXAMPLE.replace("expect: {status: 200", "expct: {status: 200")
    [found] = problems(text)
    assert found.startswith("11: deploy.environments.production.gates.0.expct: unknown key")


def test_unknown_gate_type_suggests_one() -> None:
    text = ISSUE_EXAMPLE.replace("type: command, run", "type: comand, run")
    [found] = problems(text)
    assert "gates.2.type" in found and 'got "comand"' in found


def test_provider_settings_are_checked_against_the_provider_schema() -> None:
    text = ISSUE_EXAMPLE.replace('image: "ghcr.io/acme/web:{tag}", ', "")
    [found] = problems(text)
    assert found.startswith("8: deploy.environments.production.providers.0.with.image")
    assert "required key is missing" in found


def test_bad_duration() -> None:
    text = ISSUE_EXAMPLE.replace("interval: 10s", "interval: 10 seconds")
    [found] = problems(text)
    assert found.startswith("14: deploy.environments.production.watch.interval")


def test_unknown_provider_type_suggests_the_nearest() -> None:
    text = ISSUE_EXAMPLE.replace("type: vercel", "type: vercle")
    with pytest.raises(InvalidConfigError) as info:
        validate_config_text(text, "hotfix.yml")
    [problem] = info.value.problems
    assert problem.line == 9
    assert problem.message == "unknown provider type 'vercle'"
    assert problem.hint == "did you mean 'vercel'?"


def test_duplicate_provider_name_points_at_its_line() -> None:
    text = ISSUE_EXAMPLE.replace("{name: web, type: vercel", "{name: api, type: vercel")
    with pytest.raises(InvalidConfigError) as info:
        validate_config_text(text, "hotfix.yml")
    [problem] = info.value.problems
    assert problem.line == 9
    assert "provider name 'api' is used twice" in problem.message

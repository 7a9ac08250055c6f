"""Config the schema accepts but a deploy would trip over: ``config validate`` refuses it
at the key's line (environment_checks and semantics), and the deploy-time code shows why."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from hotfix_ci.config import validate_config_text
from hotfix_ci.errors import ConfigError
from hotfix_ci.providers import base as contract
from hotfix_ci.providers.command import substitute

COMMAND = {"deploy": ["./deploy.sh", "{tag}"], "rollback": ["./rollback.sh", "{rollback_ref}"]}


def config_with(environment: dict[str, Any]) -> str:
    return with_provider("command", COMMAND, environment)


def with_provider(kind: str, settings: dict[str, Any], environment: Any = None) -> str:
    """A config whose environment prod has one provider ``app`` of type ``kind``."""
    body = {"providers": [{"name": "app", "type": kind, "with": settings}], **(environment or {})}
    return yaml.safe_dump({"version": 1, "deploy": {"environments": {"prod": body}}})


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        validate_config_text(text, "hotfix.yml")
    return caught.value


def only_problem(text: str) -> tuple[str, str, str | None]:
    error = error_of(text)
    assert len(error.problems) == 1, error.message
    (problem,) = error.problems
    return ".".join(str(p) for p in problem.path), problem.message, problem.hint


@pytest.mark.parametrize(
    ("environment", "path"),
    [
        (
            {
                "gates": [
                    {
                        "name": "p",
                        "type": "prometheus",
                        "url": "http://p",
                        "query": "up",
                        "max": math.nan,
                    }
                ]
            },
            "deploy.environments.prod.gates.0.max",
        ),
        (
            {
                "gates": [
                    {
                        "name": "h",
                        "type": "http",
                        "url": "http://h",
                        "expect": {"max_latency_ms": math.nan},
                    }
                ]
            },
            "deploy.environments.prod.gates.0.expect.max_latency_ms",
        ),
        (
            {
                "gates": [
                    {
                        "name": "h",
                        "type": "http",
                        "url": "http://h",
                        "expect": {"json": {"ratio": math.inf}},
                    }
                ]
            },
            "deploy.environments.prod.gates.0.expect.json.ratio",
        ),
    ],
)
def test_a_number_that_is_not_finite_is_refused(environment: dict[str, Any], path: str) -> None:
    # NaN compares false with everything: `max: .nan` would never fail the gate.
    where, message, hint = only_problem(config_with(environment))
    assert where == path
    assert message.endswith("is not a finite number")
    assert hint is not None and ".nan" in hint


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"app": "a", "source_url": "https://x/s.tgz", "poll_interval": 1e300}, "poll_interval"),
        ({"app": "a", "source_url": "https://x/s.tgz", "timeout": "48h"}, "timeout"),
    ],
)
def test_a_provider_wait_longer_than_a_day_is_refused(settings: dict[str, Any], key: str) -> None:
    text = with_provider("heroku", settings)
    where, message, hint = only_problem(text)
    assert where == f"deploy.environments.prod.providers.0.with.{key}"
    assert "is longer than a day" in message
    assert hint is not None and "e.g. 10m" in hint


def test_a_watch_longer_than_a_day_is_refused() -> None:
    where, message, _ = only_problem(config_with({"watch": {"duration": 1e300}}))
    assert (where, message) == (
        "deploy.environments.prod.watch.duration",
        "1e+300s is longer than a day",
    )


def test_a_watch_of_some_hours_is_fine() -> None:
    validate_config_text(
        config_with({"watch": {"duration": "2h", "interval": "30s"}}), "hotfix.yml"
    )


@pytest.mark.parametrize(
    ("command", "argv", "message"),
    [
        (
            "deploy",
            ["./deploy.sh", "{rollback_ref}"],
            "the deploy command uses {rollback_ref}, which has no value there",
        ),
        (
            "current",
            ["./live.sh", "{tag}"],
            "the current command uses {tag}, which has no value there",
        ),
    ],
)
def test_a_placeholder_the_command_gets_no_value_for_is_refused(
    command: str, argv: list[str], message: str
) -> None:
    values = {"deploy": {"tag": "t", "version": "1", "sha": "s", "environment": "e"}, "current": {}}
    with pytest.raises(contract.ProviderError):  # what the deploy would hit
        substitute(argv, values[command], command)
    settings = {**COMMAND, command: argv}
    text = with_provider("command", settings)
    where, got, hint = only_problem(text)
    assert where == f"deploy.environments.prod.providers.0.with.{command}.1"
    assert got == message
    assert hint is not None and "would fail at deploy time" in hint


@pytest.mark.parametrize(
    ("written", "meant"), [("{tga}", "{tag}"), ("{Version}", "{version}"), ("{shas}", "{sha}")]
)
def test_a_misspelt_placeholder_is_refused_with_the_right_one(written: str, meant: str) -> None:
    settings = {**COMMAND, "deploy": ["./deploy.sh", f"--image=web:{written}"]}
    text = with_provider("command", settings)
    where, message, hint = only_problem(text)
    assert where == "deploy.environments.prod.providers.0.with.deploy.1"
    assert message == f"{written} is not a placeholder, so it would stay in the value as written"
    assert hint is not None and hint.startswith(f"did you mean {meant}?")


def test_other_brace_text_is_left_alone() -> None:
    settings = {
        **COMMAND,
        "deploy": ["./deploy.sh", "${HOME}", '{"a": 1}', "{x}", "{{tag}}", "{somethingelse}"],
    }
    text = with_provider("command", settings)
    validate_config_text(text, "hotfix.yml")


def test_a_value_that_contains_itself_is_refused_not_a_crash() -> None:
    # The http gate matches expect.json as a subset of the body: a cyclic one can match no
    # (finite) body, so every probe would fail and the deploy roll back.
    from hotfix_ci.gates.http_gate import json_mismatch

    loop: dict[str, Any] = {}
    loop["a"] = loop
    assert json_mismatch(loop, {"a": {"a": {"a": {}}}}, "") is not None
    text = (
        "version: 1\n"
        "deploy:\n"
        "  environments:\n"
        "    prod:\n"
        "      providers: [{name: a, type: command, with: {deploy: [x], rollback: [y]}}]\n"
        "      gates: [{name: h, type: http, url: 'http://h', expect: {json: &j {a: *j}}}]\n"
    )
    where, message, _ = only_problem(text)
    assert where == "deploy.environments.prod.gates.0.expect.json.a"
    assert message.startswith("this value contains itself")


def test_a_doubled_brace_does_not_hide_a_placeholder_from_the_check() -> None:
    # The command provider replaces {tag} inside "{{tag}}" too (found by the fuzz).
    with pytest.raises(contract.ProviderError):
        substitute(["./live.sh", "{{tag}}"], {}, "current")
    settings = {**COMMAND, "current": ["./live.sh", "{{tag}}"]}
    assert (
        only_problem(with_provider("command", settings))[1]
        == "the current command uses {tag}, which has no value there"
    )


def test_the_release_token_is_checked_whatever_the_scheme() -> None:
    # release's next_version checks the token under the patch scheme too (found by the fuzz).
    from datetime import datetime, timezone

    from hotfix_ci.config.model import ReleaseConfig
    from hotfix_ci.release.versioning import next_version

    with pytest.raises(ConfigError, match="not a valid semver prerelease identifier"):
        next_version(
            None, ReleaseConfig(token="123"), now=datetime.now(timezone.utc), existing_tags=()
        )
    where, message, _ = only_problem("version: 1\nrelease: {token: '123'}\n")
    assert (where, message) == (
        "release.token",
        "'123' is not a valid semver prerelease identifier",
    )

"""Whatever the file holds, validation ends in a HotfixConfig or a ConfigError, never in
another exception (a traceback at 3 a.m.)."""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotfix_ci.config import HotfixConfig, config_schema, load_config, validate_config_text
from hotfix_ci.errors import ConfigError


def _key_names() -> list[str]:
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(k for k in node.get("properties", {}) if isinstance(k, str))
            for value in node.values():
                walk(value)

    walk(config_schema())
    return sorted(names | {"P0", "P1", "P9"})


KEYS = _key_names()
TYPOS = [k[:-1] for k in KEYS] + [k + "s" for k in KEYS] + [k.upper() for k in KEYS]
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "hotfix/*",
            "[",
            "#x",
            "!",
            "**/*.md",
            "v{version}",
            "{",
            "tags",
            "patch",
            "file:x",
            "@org/team",
            "2024-13-45",
            "[HOTFIX",
            "(",
            "date",
        ]
    ),
)
keys = st.one_of(st.sampled_from(KEYS), st.sampled_from(TYPOS), st.text(max_size=8))
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=25,
)
documents = st.one_of(
    st.fixed_dictionaries(
        {"version": st.sampled_from([1, 1, 2, "1", None])},
        optional={
            k: structures
            for k in ("pull_request", "severities", "approvals", "diff", "release", "deploy")
        },
    ),
    st.dictionaries(keys, structures, max_size=6),
    structures,
)


def outcome(text: str) -> HotfixConfig | ConfigError:
    try:
        return validate_config_text(text, "fuzz.yml")
    except ConfigError as error:
        # Every error must be printable and say where it came from.
        assert str(error).startswith("fuzz.yml")
        return error


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    assert isinstance(outcome(text), (HotfixConfig, ConfigError))


@FUZZ
@given(documents, st.sampled_from(["block", "flow"]))
def test_random_yaml_structures(document: Any, style: str) -> None:
    text = yaml.safe_dump(document, default_flow_style=(style == "flow"), allow_unicode=True)
    assert isinstance(outcome(text), (HotfixConfig, ConfigError))


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_decoded(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    assert isinstance(outcome(text), (HotfixConfig, ConfigError))
    latin = data.decode("latin-1")
    assert isinstance(outcome(latin), (HotfixConfig, ConfigError))


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "version: 1",
                "diff:",
                "  max_files: 3",
                "  - x",
                "\t",
                "&a",
                "*a",
                "<<: *a",
                "? [a]",
                ": x",
                "!!int x",
                "!!binary ~",
                "!!set {a}",
                "---",
                "...",
                "'",
                "severities:",
                "  P0: {label: P0}",
                "  P0:",
                "release:",
                "  tag: '{version}'",
                "!!timestamp x",
                "%YAML 1.1",
                "key: [",
                "]",
                "}",
            ]
        ),
        max_size=12,
    )
)
def test_random_yaml_fragments(lines: list[str]) -> None:
    assert isinstance(outcome("\n".join(lines) + "\n"), (HotfixConfig, ConfigError))


# --- what validate accepts, the later stages accept ----------------------------------------

urls = st.one_of(
    st.sampled_from(
        [
            "https://api.example.com/health",
            "http://exa mple.com",
            "http://127.0.0.1:99999/health",
            "http://[::1/health",
            "http://[::1]:8080/h",
            "http:///x",
            "http://h:0/",
            "ftp://x/health",
            "127.0.0.1:8000/health",
            "https://x/{tag}.tgz",
            "https://[{tag}/",
        ]
    ),
    st.builds(
        "{}{}{}{}".format,
        st.sampled_from(["http://", "https://", "HTTP://", ""]),
        st.text(st.sampled_from("ab.:[]%@ -0ü"), max_size=8),
        st.sampled_from(["", ":80", ":65536", ":x", ":0"]),
        st.sampled_from(["", "/", "/a b", "?q"]),
    ),
)
texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["{tag}", "{tga}", "{rollback_ref}", "{Version}", "${HOME}", "{{tag}}", "{"]),
)
numbers = st.one_of(
    st.integers(min_value=-5, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["15s", "1h30m", "48h", "5 minutes", "0", "1e300"]),
)
argv = st.lists(texts, min_size=1, max_size=3)
gates = st.one_of(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["h", "h2"]), "type": st.just("http"), "url": urls},
        optional={"expect": st.fixed_dictionaries({}, optional={"max_latency_ms": numbers})},
    ),
    st.fixed_dictionaries(
        {
            "name": st.just("p"),
            "type": st.just("prometheus"),
            "url": urls,
            "query": st.just("up"),
        },
        optional={"max": numbers, "min": numbers},
    ),
    st.fixed_dictionaries({"name": st.just("c"), "type": st.just("command"), "run": argv}),
)
providers = st.one_of(
    st.fixed_dictionaries(
        {
            "name": st.just("app"),
            "type": st.just("command"),
            "with": st.fixed_dictionaries(
                {"deploy": argv, "rollback": argv}, optional={"current": argv, "timeout": numbers}
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "name": st.just("h"),
            "type": st.just("heroku"),
            "with": st.fixed_dictionaries(
                {"app": st.just("a"), "source_url": urls},
                optional={"api_url": urls, "poll_interval": numbers, "timeout": numbers},
            ),
        }
    ),
)
environments = st.fixed_dictionaries(
    {"providers": st.lists(providers, min_size=1, max_size=2)},
    optional={
        "url": urls,
        "gates": st.lists(gates, max_size=3),
        "watch": st.fixed_dictionaries(
            {},
            optional={k: numbers for k in ("initial_delay", "interval", "duration", "timeout")},
        ),
        "before": st.lists(argv, max_size=2),
    },
)
releases = st.fixed_dictionaries(
    {},
    optional={
        "scheme": st.sampled_from(["patch", "prerelease", "suffix", "date"]),
        "token": st.sampled_from(["hotfix", "q", "q1", "123", "rc-1", "Q", "-"]),
        "tag": st.sampled_from(
            ["hotfix-v{version}", "v{version}", "hotfix-{date}", "{version}.lock", "{tga}"]
        ),
    },
)
deploy_documents = st.fixed_dictionaries(
    {
        "version": st.just(1),
        "deploy": st.fixed_dictionaries(
            {"environments": st.dictionaries(st.sampled_from(["prod", "staging"]), environments)}
        ),
    },
    optional={"release": releases},
)


def _gate_can_request(url: str) -> bool:
    import requests
    from urllib3.util import parse_url

    try:
        requests.Request("GET", url).prepare()
    except requests.RequestException:
        return False
    return parse_url(url).port != 0


def _assert_later_stages_accept(config: HotfixConfig) -> None:
    """What deploy and release do with an accepted config does not fail on the config."""
    from datetime import datetime, timezone

    from hotfix_ci.providers.command import substitute
    from hotfix_ci.release.versioning import next_version

    release = {"tag": "hotfix-v1.2.4", "version": "1.2.4", "sha": "0" * 40, "environment": "e"}
    next_version(
        None, config.release, now=datetime(2025, 10, 22, tzinfo=timezone.utc), existing_tags=()
    )
    for env in config.deploy.environments.values():
        assert env.url is None or _gate_can_request(env.url), env.url
        for gate in env.gates:
            url = getattr(gate, "url", None)
            assert url is None or _gate_can_request(url), url
        for value in vars(env.watch).values():
            assert math.isfinite(value) and 0 <= value <= 24 * 3600
        for provider in env.providers:
            json.dumps(provider.settings, allow_nan=False)  # the Deployment payload holds them
            if provider.type == "command":
                substitute(provider.settings["deploy"], release, "deploy")
                substitute(provider.settings["rollback"], {**release, "rollback_ref": "r"}, "r")
                substitute(provider.settings.get("current") or ["x"], {}, "current")


@FUZZ
@given(deploy_documents)
def test_an_accepted_deploy_config_is_one_deploy_and_release_can_use(document: Any) -> None:
    found = outcome(yaml.safe_dump(document, allow_unicode=True))
    if isinstance(found, HotfixConfig):
        _assert_later_stages_accept(found)


@FUZZ
@given(st.binary(max_size=300))
def test_any_file_loads_or_is_a_config_error(tmp_path_factory: Any, data: bytes) -> None:
    file = tmp_path_factory.mktemp("cfg") / "hotfix.yml"
    file.write_bytes(data)
    try:
        load_config(file)
    except ConfigError as error:
        assert str(error).startswith(str(file))

"""Whatever the file holds, validation ends in a HotfixConfig or a ConfigError, never in
another exception (a traceback at 3 a.m.)."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotfix_ci.config import HotfixConfig, config_schema, validate_config_text
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
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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

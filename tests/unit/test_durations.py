from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotfix_ci.durations import DURATION_PATTERN, format_duration, parse_duration
from hotfix_ci.errors import ConfigError


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("15s", 15.0),
        ("5m", 300.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
        ("1m30s250ms", 90.25),
        ("1.5s", 1.5),
        (" 10s ", 10.0),
        ("10", 10.0),
        ("0.25", 0.25),
        (7, 7.0),
        (2.5, 2.5),
        (0, 0.0),
    ],
)
def test_parses_config_durations(raw: object, seconds: float) -> None:
    assert parse_duration(raw, "watch.interval") == seconds


@pytest.mark.parametrize(
    "raw", ["", "s", "10x", "5 m", "30m1h", "1m1m", "-5s", "ms", "1h 30m", True, None, [5], -1]
)
def test_rejects_what_is_not_a_duration_and_names_the_key(raw: object) -> None:
    with pytest.raises(ConfigError, match=r"^watch\.interval: ") as caught:
        parse_duration(raw, "watch.interval")
    assert caught.value.exit_code == 2


def test_schema_pattern_agrees_with_the_parser_on_examples() -> None:
    pattern = re.compile(DURATION_PATTERN)
    for good in ("15s", "5m", "1h30m", "500ms", "10", "1.5s"):
        assert pattern.match(good), good
    for bad in ("", "10x", "5 m", "ms", "s"):
        assert not pattern.match(bad), bad


@pytest.mark.parametrize(
    ("seconds", "text"), [(300, "5m"), (0.5, "500ms"), (5400, "1h30m"), (15, "15s"), (1.5, "1.5s")]
)
def test_formats_like_the_config(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (900, "15 min"),
        (5400, "1 h 30 min"),
        (45, "45 s"),
        (7200, "2 h"),
        (3661, "1 h 1 min 1 s"),
        (0, "0 s"),
        (0.4, "0 s"),
        (89.6, "1 min 30 s"),
    ],
)
def test_spoken_is_how_a_sentence_says_it_to_whole_seconds(seconds: float, text: str) -> None:
    assert format_duration(seconds, spoken=True) == text


@given(st.integers(min_value=1, max_value=10 * 3600))
def test_format_then_parse_round_trips_whole_seconds(seconds: int) -> None:
    assert parse_duration(format_duration(seconds), "x") == seconds


@pytest.mark.parametrize("raw", ["nan", "inf", "1e309", "-1", "soon"])
def test_number_settings_reject_what_is_no_finite_number(raw: str) -> None:
    from hotfix_ci.errors import UsageError
    from hotfix_ci.text import number_setting

    with pytest.raises(UsageError, match="HOTFIX_CI_HTTP_TIMEOUT") as raised:
        number_setting({"HOTFIX_CI_HTTP_TIMEOUT": raw}, "HOTFIX_CI_HTTP_TIMEOUT", 15.0)
    assert raised.value.hint is not None and "unset HOTFIX_CI_HTTP_TIMEOUT" in raised.value.hint


def test_number_settings_default_when_unset_or_empty() -> None:
    from hotfix_ci.text import number_setting

    assert number_setting({}, "X", 15.0) == 15.0
    assert number_setting({"X": ""}, "X", 15.0) == 15.0
    assert number_setting({"X": "2.5"}, "X", 15.0) == 2.5

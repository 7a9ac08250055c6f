"""The suffix and date schemes, the suffix parser, tag templates and git ref-name rules."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml

from hotfix_ci.config import validate_config_text
from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import ConfigError
from hotfix_ci.patterns import tag_name_problem, token_problem
from hotfix_ci.release import suffix as suffix_version
from hotfix_ci.release.versioning import (
    NextVersion,
    latest_release,
    next_version,
    version_of_tag,
)

NOW = datetime(2025, 10, 22, 14, 30, 59, tzinfo=timezone.utc)
SUFFIX = ReleaseConfig(scheme="suffix", token="q")
DATE = ReleaseConfig(scheme="date")


def upcoming(tags: list[str], cfg: ReleaseConfig, now: datetime = NOW) -> NextVersion:
    return next_version(None, cfg, now=now, existing_tags=tags)


# -- suffix_version: the scheme's own parser ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.14.0", (0, 14, 0, 0)),
        ("0.14.0q1", (0, 14, 0, 1)),
        ("10.0.12q27", (10, 0, 12, 27)),
    ],
)
def test_suffix_parse(text: str, expected: tuple[int, int, int, int]) -> None:
    parsed = suffix_version.parse(text, "q")
    assert parsed is not None
    assert (parsed.major, parsed.minor, parsed.patch, parsed.counter) == expected
    assert parsed.format() == text


@pytest.mark.parametrize(
    "text",
    ["0.14", "0.14.0q", "0.14.0q0", "0.14.0q01", "0.14.0r1", "00.1.0", "0.14.0-q1", "v0.1.0"],
)
def test_suffix_parse_rejects(text: str) -> None:
    assert suffix_version.parse(text, "q") is None


def test_suffix_bump_and_order() -> None:
    release = suffix_version.parse("0.14.0", "q")
    assert release is not None
    first = release.bump()
    assert (str(first), str(first.bump())) == ("0.14.0q1", "0.14.0q2")
    parsed = [suffix_version.parse(t, "q") for t in ["0.14.1", "0.14.0q10", "0.14.0", "0.14.0q2"]]
    assert [str(v) for v in sorted(p for p in parsed if p)] == [
        "0.14.0",
        "0.14.0q2",
        "0.14.0q10",
        "0.14.1",
    ]


def test_suffix_multi_letter_token() -> None:
    parsed = suffix_version.parse("1.0.0hf3", "hf")
    assert parsed is not None and parsed.bump().format() == "1.0.0hf4"


@pytest.mark.parametrize("token", ["q1", "", "-", "hot fix"])
def test_suffix_token_must_be_letters(token: str) -> None:
    with pytest.raises(ConfigError, match="suffix scheme") as caught:
        suffix_version.parse("0.14.0", token)
    assert caught.value.message.startswith(f"release.token {token!r} cannot be used")
    assert caught.value.hint


@pytest.mark.parametrize(
    ("scheme", "token", "usable"),
    [
        ("suffix", "q", True),
        ("suffix", "hf", True),
        ("suffix", "q1", False),
        ("suffix", "hot-fix", False),
        ("patch", "hotfix", True),
        ("prerelease", "rc-1", True),
        ("date", "0a", True),
        ("patch", "123", False),
        ("prerelease", "0", False),
        ("date", "42", False),
    ],
)
def test_the_one_token_rule_is_what_validate_and_release_apply(
    scheme: str, token: str, usable: bool
) -> None:
    """patterns.token_problem is the rule; config validate reports it at release.token and
    release's version arithmetic raises it, with the same words. (Text with a space or a
    non-ASCII letter the schema's pattern refuses first, whatever the scheme.)"""
    problem = token_problem(scheme, token)
    assert (problem is None) == usable
    text = yaml.safe_dump({"version": 1, "release": {"scheme": scheme, "token": token}})
    cfg = ReleaseConfig(scheme=scheme, token=token)
    if usable:
        validate_config_text(text, "hotfix.yml")
        next_version(None, cfg, now=NOW, existing_tags=())
        return
    assert problem is not None
    with pytest.raises(ConfigError) as invalid:
        validate_config_text(text, "hotfix.yml")
    [found] = invalid.value.problems
    assert (found.path, found.message, found.hint) == (("release", "token"), *problem)
    with pytest.raises(ConfigError) as refused:
        next_version(None, cfg, now=NOW, existing_tags=())
    refusal = (refused.value.message, refused.value.hint)
    assert refusal == (f"release.token {problem[0]}", problem[1])


# -- the suffix scheme ---------------------------------------------------------------------


def test_suffix_scheme_counts_up_from_the_release() -> None:
    first = upcoming(["v0.14.0"], SUFFIX)
    assert (first.version, first.tag, first.previous_tag) == (
        "0.14.0q1",
        "hotfix-v0.14.0q1",
        "v0.14.0",
    )
    second = upcoming(["v0.14.0", first.tag], SUFFIX)
    assert (second.version, second.previous_version) == ("0.14.0q2", "0.14.0q1")
    many = upcoming(["v0.14.0", "hotfix-v0.14.0q9", "hotfix-v0.14.0q10"], SUFFIX)
    assert many.version == "0.14.0q11"


def test_suffix_scheme_without_tags_and_after_a_new_release() -> None:
    assert upcoming([], SUFFIX).version == "0.1.0q1"
    assert upcoming(["hotfix-v0.14.0q3", "v0.15.0"], SUFFIX).version == "0.15.0q1"
    release = latest_release(["hotfix-v0.14.0q3", "v0.14.0", "nightly"], SUFFIX)
    assert release is not None and release.tag == "hotfix-v0.14.0q3"


# -- the date scheme -----------------------------------------------------------------------


def test_date_scheme_names_the_release_after_utc_now() -> None:
    found = upcoming([], DATE)
    assert (found.version, found.tag, found.previous_tag) == (
        "20251022-1430",
        "hotfix-20251022-1430",
        None,
    )
    berlin = NOW.astimezone(timezone(timedelta(hours=2)))
    assert upcoming([], DATE, now=berlin).tag == "hotfix-20251022-1430"
    assert upcoming([], DATE, now=NOW.replace(tzinfo=None)).tag == "hotfix-20251022-1430"


def test_date_scheme_appends_a_number_on_collision() -> None:
    tags = ["hotfix-20251022-1430"]
    assert upcoming(tags, DATE).tag == "hotfix-20251022-1430-2"
    tags.append("hotfix-20251022-1430-2")
    found = upcoming(tags, DATE)
    assert (found.version, found.tag) == ("20251022-1430-3", "hotfix-20251022-1430-3")
    assert (found.previous_version, found.previous_tag) == (
        "20251022-1430-2",
        "hotfix-20251022-1430-2",
    )


def test_date_scheme_previous_is_the_newest_date_tag() -> None:
    tags = ["hotfix-20250101-0000", "hotfix-20251021-0900-2", "hotfix-20251021-0900", "v9.9.9"]
    assert upcoming(tags, DATE).previous_tag == "hotfix-20251021-0900-2"


def test_date_scheme_with_a_custom_template() -> None:
    cfg = ReleaseConfig(scheme="date", tag="prod/{date}")
    found = upcoming(["prod/20251022-1430"], cfg)
    assert (found.tag, found.previous_tag) == ("prod/20251022-1430-2", "prod/20251022-1430")


# -- tag templates -------------------------------------------------------------------------


def test_template_can_carry_the_date_next_to_the_version() -> None:
    cfg = ReleaseConfig(tag="hotfix-v{version}-{date}")
    found = upcoming(["hotfix-v1.4.2-20250101-0000"], cfg)
    assert (found.version, found.tag, found.previous_tag) == (
        "1.4.3",
        "hotfix-v1.4.3-20251022-1430",
        "hotfix-v1.4.2-20250101-0000",
    )


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("hotfix-{foo}", "{foo} is not a placeholder"),
        ("hotfix-{version!r}", "{version!r} formats the value"),
        ("hotfix-{version", "braces do not balance"),
        ("hotfix-v", "no {version} placeholder"),
        ("hotfix {version}", "not a valid git tag name"),
        ("hot..fix-{version}", "not a valid git tag name"),
        ("{version}.lock", "not a valid git tag name"),
    ],
)
def test_bad_templates_are_config_errors(template: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        upcoming([], ReleaseConfig(tag=template))
    assert problem in caught.value.message
    assert caught.value.hint is not None
    assert "{version}" in caught.value.hint


@pytest.mark.parametrize(
    "name",
    ["hotfix-v1.2.3", "v1.2.3+build.1", "prod/20251022-1430", "a/b/c", "x@y", "rel-ü", "@"],
)
def test_valid_tag_names(name: str) -> None:
    assert tag_name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "",
        "-v1",
        "a@{b",
        "a b",
        "a\tb",
        "a~1",
        "a^",
        "a:b",
        "a?",
        "a*",
        "a[b",
        "a\\b",
        "a..b",
        "/a",
        "a/",
        "a//b",
        "a.",
        ".a",
        "a/.b",
        "a.lock",
        "a.lock/b",
        "a\x7f",
    ],
)
def test_invalid_tag_names(name: str) -> None:
    assert tag_name_problem(name) is not None


@pytest.mark.parametrize(
    ("tag", "release", "version"),
    [
        ("hotfix-v1.4.3", ReleaseConfig(), "1.4.3"),
        ("v2.0.0-hotfix.1", ReleaseConfig(scheme="prerelease"), "2.0.0-hotfix.1"),
        ("hotfix-v2.0.0-hotfix.1", ReleaseConfig(scheme="prerelease"), "2.0.0-hotfix.1"),
        # the suffix scheme: {version} is the hotfixed release, never its base
        ("hotfix-v0.14.0q1", ReleaseConfig(scheme="suffix", token="q"), "0.14.0q1"),
        ("hotfix-v0.14.0", ReleaseConfig(scheme="suffix", token="q"), "0.14.0"),
        ("hotfix-20251022-1430", ReleaseConfig(scheme="date"), "20251022-1430"),
        ("hotfix-20251022-1430-2", ReleaseConfig(scheme="date"), "20251022-1430-2"),
        ("rel/7.1.0", ReleaseConfig(tag="rel/{version}"), "7.1.0"),
        ("release-x", ReleaseConfig(), "release-x"),
    ],
)
def test_version_of_tag_follows_the_configured_scheme(
    tag: str, release: ReleaseConfig, version: str
) -> None:
    assert version_of_tag(tag, release) == version

"""Version arithmetic: tag parsing, hotfix-aware ordering, patch and prerelease schemes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from semver import Version

from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import ConfigError
from hotfix_ci.release.versioning import latest_version, next_version, parse_tag

NOW = datetime(2025, 10, 22, 14, 30, tzinfo=timezone.utc)
PATCH = ReleaseConfig()
PRERELEASE = ReleaseConfig(scheme="prerelease")


@pytest.mark.parametrize(
    ("tag", "prefixes", "expected"),
    [
        ("v1.2.3", ["v"], "1.2.3"),
        ("1.2.3", ["", "v"], "1.2.3"),
        ("hotfix-v1.4.2-hotfix.1", ["v", "hotfix-v"], "1.4.2-hotfix.1"),
        ("release-2.0.0", ["release-"], "2.0.0"),
        ("release-v2.0.0", ["release-", "release-v"], "2.0.0"),
        ("v1.2.3+build.7", ["v"], "1.2.3+build.7"),
    ],
)
def test_parse_tag_strips_a_known_prefix(tag: str, prefixes: list[str], expected: str) -> None:
    assert parse_tag(tag, prefixes) == Version.parse(expected)


@pytest.mark.parametrize(
    "tag", ["v1.2", "nightly", "latest", "v01.2.3", "api-v9.0.0", "1.2.3.4", "vv1.2.3"]
)
def test_parse_tag_rejects_non_semver_and_unknown_prefixes(tag: str) -> None:
    assert parse_tag(tag, ["", "v"]) is None


def test_hotfix_prereleases_sort_after_their_base_unlike_raw_semver() -> None:
    tags = ["v1.4.2", "hotfix-v1.4.2-hotfix.1", "hotfix-v1.4.2-hotfix.2", "v1.4.1"]
    # Raw semver precedence would pick the plain release ...
    assert max(parse_tag(t, ["v", "hotfix-v"]) for t in tags) == Version.parse("1.4.2")  # type: ignore[type-var]
    # ... but the hotfixes were made from 1.4.2 and released after it.
    assert latest_version(tags, PATCH) == Version.parse("1.4.2-hotfix.2")


def test_hotfix_counters_compare_as_numbers() -> None:
    tags = ["hotfix-v1.4.2-hotfix.9", "hotfix-v1.4.2-hotfix.10", "v1.4.2"]
    assert latest_version(tags, PRERELEASE) == Version.parse("1.4.2-hotfix.10")


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["v1.4.2", "v1.5.0-rc.1"], "1.5.0-rc.1"),
        (["v1.5.0-rc.1", "v1.5.0"], "1.5.0"),
        (["v1.5.0-rc.2", "v1.5.0-rc.10", "v1.5.0-rc.1"], "1.5.0-rc.10"),
        (["v1.5.0-alpha", "v1.5.0-alpha.1", "v1.5.0-1"], "1.5.0-alpha.1"),
        (["v1.5.0", "hotfix-v1.4.9-hotfix.3"], "1.5.0"),
    ],
)
def test_other_prereleases_keep_semver_precedence(tags: list[str], expected: str) -> None:
    assert latest_version(tags, PATCH) == Version.parse(expected)


def test_non_semver_and_foreign_prefix_tags_are_ignored() -> None:
    tags = ["nightly", "latest", "v1.2", "api-v9.0.0", "deploy-2025", "v1.0.0"]
    assert latest_version(tags, PATCH) == Version.parse("1.0.0")
    assert latest_version(["nightly", "api-v9.0.0"], PATCH) is None


def test_build_metadata_is_ignored_for_ordering() -> None:
    tags = ["v1.4.2+build.10", "v1.4.2+build.9", "v1.4.1"]
    assert latest_version(tags, PATCH).finalize_version() == Version.parse("1.4.2")  # type: ignore[union-attr]
    assert latest_version(["v1.4.2+zzz", "v1.4.3+aaa"], PATCH) == Version.parse("1.4.3+aaa")


def upcoming(
    tags: list[str], cfg: ReleaseConfig = PATCH, current: str | None = None
) -> tuple[str, str, str | None, str | None]:
    found = next_version(current, cfg, now=NOW, existing_tags=tags)
    return found.version, found.tag, found.previous_version, found.previous_tag


def test_patch_without_any_release_starts_from_the_baseline() -> None:
    assert upcoming([]) == ("0.1.1", "hotfix-v0.1.1", None, None)
    assert upcoming(["nightly"]) == ("0.1.1", "hotfix-v0.1.1", None, None)


def test_patch_bumps_the_latest_release() -> None:
    assert upcoming(["v1.4.1", "v1.4.2"]) == ("1.4.3", "hotfix-v1.4.3", "1.4.2", "v1.4.2")


def test_patch_after_a_prerelease_hotfix_moves_to_the_next_patch() -> None:
    # 1.4.2 has shipped (with two hotfixes); finalising to 1.4.2 would re-release it.
    tags = ["v1.4.2", "hotfix-v1.4.2-hotfix.1", "hotfix-v1.4.2-hotfix.2"]
    assert upcoming(tags) == ("1.4.3", "hotfix-v1.4.3", "1.4.2-hotfix.2", "hotfix-v1.4.2-hotfix.2")


def test_patch_after_a_release_candidate_skips_its_final_number() -> None:
    assert upcoming(["v1.4.2", "v1.5.0-rc.1"])[:3] == ("1.5.1", "hotfix-v1.5.1", "1.5.0-rc.1")


def test_patch_drops_build_metadata_of_the_latest_tag() -> None:
    assert upcoming(["v1.4.2+build.7"]) == (
        "1.4.3",
        "hotfix-v1.4.3",
        "1.4.2+build.7",
        "v1.4.2+build.7",
    )


def test_patch_prefers_the_tag_of_the_configured_template_for_equal_versions() -> None:
    assert upcoming(["v1.4.3", "hotfix-v1.4.3"])[3] == "hotfix-v1.4.3"


def test_patch_from_a_stale_version_file_skips_versions_already_tagged() -> None:
    # The file still says 1.4.2 although 1.4.3 shipped under another prefix.
    assert upcoming(["v1.4.2", "v1.4.3"], current="1.4.2") == (
        "1.4.4",
        "hotfix-v1.4.4",
        "1.4.2",
        "v1.4.2",
    )
    assert upcoming([], current="v2.0.0")[:3] == ("2.0.1", "hotfix-v2.0.1", "2.0.0")


def test_a_current_version_that_is_not_semver_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'banana' is not a version") as caught:
        upcoming([], current="banana")
    assert caught.value.hint and "version_from" in caught.value.hint


def test_prerelease_without_any_release() -> None:
    assert upcoming([], PRERELEASE) == ("0.1.0-hotfix.1", "hotfix-v0.1.0-hotfix.1", None, None)


def test_prerelease_counts_hotfixes_of_the_current_base() -> None:
    assert upcoming(["v1.4.2"], PRERELEASE)[:2] == ("1.4.2-hotfix.1", "hotfix-v1.4.2-hotfix.1")
    tags = ["v1.4.2", "hotfix-v1.4.2-hotfix.1", "v1.4.1", "hotfix-v1.4.1-hotfix.7"]
    assert upcoming(tags, PRERELEASE) == (
        "1.4.2-hotfix.2",
        "hotfix-v1.4.2-hotfix.2",
        "1.4.2-hotfix.1",
        "hotfix-v1.4.2-hotfix.1",
    )
    tags = ["v1.4.2", "hotfix-v1.4.2-hotfix.9", "hotfix-v1.4.2-hotfix.10"]
    assert upcoming(tags, PRERELEASE)[0] == "1.4.2-hotfix.11"


def test_prerelease_restarts_its_counter_on_a_new_release() -> None:
    tags = ["v1.4.2", "hotfix-v1.4.2-hotfix.3", "v1.5.0"]
    assert upcoming(tags, PRERELEASE)[:3] == ("1.5.0-hotfix.1", "hotfix-v1.5.0-hotfix.1", "1.5.0")


def test_prerelease_from_a_version_file_continues_past_existing_hotfix_tags() -> None:
    tags = ["hotfix-v1.4.2-hotfix.1", "hotfix-v1.4.2-hotfix.2"]
    assert upcoming(tags, PRERELEASE, current="1.4.2")[0] == "1.4.2-hotfix.3"


def test_prerelease_uses_the_configured_token() -> None:
    cfg = ReleaseConfig(scheme="prerelease", token="hf", tag="v{version}")
    assert upcoming(["v2.0.0", "v2.0.0-hf.1"], cfg)[:2] == ("2.0.0-hf.2", "v2.0.0-hf.2")


@pytest.mark.parametrize("token", ["1", "a b", "", "hot.fix"])
def test_prerelease_rejects_a_token_that_is_not_an_identifier(token: str) -> None:
    with pytest.raises(ConfigError, match=r"release\.token") as caught:
        upcoming([], ReleaseConfig(scheme="prerelease", token=token))
    assert caught.value.hint


def test_unknown_scheme_suggests_the_nearest() -> None:
    with pytest.raises(ConfigError, match="'pacth'") as caught:
        upcoming([], ReleaseConfig(scheme="pacth"))
    assert caught.value.hint and "'patch'" in caught.value.hint


def test_prerelease_on_top_of_a_release_candidate_uses_its_final_base() -> None:
    assert upcoming(["v1.5.0-rc.1"], PRERELEASE)[:3] == (
        "1.5.0-hotfix.1",
        "hotfix-v1.5.0-hotfix.1",
        "1.5.0-rc.1",
    )
    assert upcoming([], PRERELEASE, current="1.4.2-hotfix.2")[0] == "1.4.2-hotfix.3"

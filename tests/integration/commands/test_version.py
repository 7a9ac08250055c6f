"""`hotfix-ci version current|next` against real repositories with real tags and files."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hotfix_ci.commands.version import version_report
from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import ConfigError, UsageError
from hotfix_ci.release.version_files import read_version_file, toml_version_fallback
from tests.helpers.git import commit, git

NOW = datetime(2025, 10, 22, 14, 30, tzinfo=timezone.utc)


def commit_one(git_repo: Path, name: str = "app.py", content: str = "x\n") -> None:
    commit(git_repo, {name: content}, f"change {name}")


def tag(git_repo: Path, name: str, *, annotated: bool = False) -> None:
    commit_one(git_repo, "app.py", f"release {name}\n")
    if annotated:
        git(git_repo, "tag", "-a", name, "-m", f"release {name}")
    else:
        git(git_repo, "tag", name)


def summary(kind: str, cfg: ReleaseConfig, git_repo: Path) -> tuple[str | None, ...]:
    report = version_report(kind, cfg, git_repo, NOW)  # type: ignore[arg-type]
    return report.version, report.tag, report.previous_version, report.previous_tag, report.source


def test_no_tags_yet(git_repo: Path) -> None:
    cfg = ReleaseConfig()
    assert summary("current", cfg, git_repo) == ("0.1.0", None, None, None, "default")
    assert summary("next", cfg, git_repo) == ("0.1.1", "hotfix-v0.1.1", None, None, "default")


def test_patch_with_lightweight_and_annotated_tags(git_repo: Path) -> None:
    tag(git_repo, "v1.4.1")
    tag(git_repo, "v1.4.2", annotated=True)
    cfg = ReleaseConfig()
    assert summary("current", cfg, git_repo) == ("1.4.2", "v1.4.2", None, None, "tags")
    assert summary("next", cfg, git_repo) == ("1.4.3", "hotfix-v1.4.3", "1.4.2", "v1.4.2", "tags")
    tag(git_repo, "hotfix-v1.4.3", annotated=True)
    assert summary("next", cfg, git_repo)[:4] == (
        "1.4.4",
        "hotfix-v1.4.4",
        "1.4.3",
        "hotfix-v1.4.3",
    )


def test_non_semver_tags_and_other_prefixes_are_ignored(git_repo: Path) -> None:
    tag(git_repo, "v1.0.0")
    for name in ("nightly", "latest", "v2", "api-v9.0.0", "deploy-2025-10-01"):
        git(git_repo, "tag", name)
    assert summary("next", ReleaseConfig(), git_repo)[:4] == (
        "1.0.1",
        "hotfix-v1.0.1",
        "1.0.0",
        "v1.0.0",
    )


def test_prerelease_and_build_metadata_on_the_latest_tag(git_repo: Path) -> None:
    tag(git_repo, "v1.4.2")
    tag(git_repo, "v1.5.0-rc.1+build.42", annotated=True)
    assert summary("current", ReleaseConfig(), git_repo)[:2] == (
        "1.5.0-rc.1+build.42",
        "v1.5.0-rc.1+build.42",
    )
    # Build metadata is dropped; the hotfix does not take the rc's final number.
    assert summary("next", ReleaseConfig(), git_repo)[:3] == (
        "1.5.1",
        "hotfix-v1.5.1",
        "1.5.0-rc.1+build.42",
    )


def test_prerelease_scheme_counts_real_hotfix_tags(git_repo: Path) -> None:
    cfg = ReleaseConfig(scheme="prerelease")
    tag(git_repo, "v1.4.2")
    assert summary("next", cfg, git_repo)[:2] == ("1.4.2-hotfix.1", "hotfix-v1.4.2-hotfix.1")
    tag(git_repo, "hotfix-v1.4.2-hotfix.1", annotated=True)
    assert summary("current", cfg, git_repo)[:2] == ("1.4.2-hotfix.1", "hotfix-v1.4.2-hotfix.1")
    assert summary("next", cfg, git_repo)[:4] == (
        "1.4.2-hotfix.2",
        "hotfix-v1.4.2-hotfix.2",
        "1.4.2-hotfix.1",
        "hotfix-v1.4.2-hotfix.1",
    )


def test_patch_after_a_prerelease_hotfix(git_repo: Path) -> None:
    tag(git_repo, "v1.4.2")
    tag(git_repo, "hotfix-v1.4.2-hotfix.1")
    tag(git_repo, "hotfix-v1.4.2-hotfix.2")
    assert summary("next", ReleaseConfig(scheme="patch"), git_repo)[:4] == (
        "1.4.3",
        "hotfix-v1.4.3",
        "1.4.2-hotfix.2",
        "hotfix-v1.4.2-hotfix.2",
    )


def test_suffix_scheme_walks_q1_then_q2(git_repo: Path) -> None:
    cfg = ReleaseConfig(scheme="suffix", token="q")
    tag(git_repo, "v0.14.0")
    first = version_report("next", cfg, git_repo, NOW)
    assert (first.version, first.tag) == ("0.14.0q1", "hotfix-v0.14.0q1")
    tag(git_repo, first.tag or "")  # what the release job does with it
    assert summary("current", cfg, git_repo)[:2] == ("0.14.0q1", "hotfix-v0.14.0q1")
    assert summary("next", cfg, git_repo)[:3] == ("0.14.0q2", "hotfix-v0.14.0q2", "0.14.0q1")


def test_date_scheme_collides_into_dash_two(git_repo: Path) -> None:
    cfg = ReleaseConfig(scheme="date")
    assert summary("current", cfg, git_repo) == (None, None, None, None, "default")
    assert summary("next", cfg, git_repo)[:2] == ("20251022-1430", "hotfix-20251022-1430")
    tag(git_repo, "hotfix-20251022-1430", annotated=True)
    assert summary("next", cfg, git_repo)[:4] == (
        "20251022-1430-2",
        "hotfix-20251022-1430-2",
        "20251022-1430",
        "hotfix-20251022-1430",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "pyproject.toml",
            '[build-system]\nrequires = []\n\n[project]\nname = "x"\nversion = "1.4.2"\n',
        ),
        ("pyproject.toml", '[tool.poetry]\nname = "x"\nversion = "1.4.2"\n'),
        ("package.json", json.dumps({"name": "x", "version": "1.4.2"}, indent=2)),
        ("VERSION", "\n1.4.2\n"),
    ],
)
def test_version_from_file(git_repo: Path, name: str, content: str) -> None:
    (git_repo / name).write_text(content, encoding="utf-8")
    git(git_repo, "tag", "v1.4.2")
    cfg = ReleaseConfig(version_from=f"file:{name}")
    assert summary("current", cfg, git_repo) == ("1.4.2", "v1.4.2", None, None, f"file:{name}")
    assert summary("next", cfg, git_repo) == (
        "1.4.3",
        "hotfix-v1.4.3",
        "1.4.2",
        "v1.4.2",
        f"file:{name}",
    )


def test_version_file_works_outside_git_and_skips_tagged_versions(
    tmp_path: Path, git_repo: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "VERSION").write_text("2.0.0\n", encoding="utf-8")
    cfg = ReleaseConfig(version_from="file:VERSION")
    assert summary("next", cfg, plain)[:3] == ("2.0.1", "hotfix-v2.0.1", "2.0.0")
    (git_repo / "VERSION").write_text("1.4.2\n", encoding="utf-8")
    tag(git_repo, "hotfix-v1.4.3")  # the file was not bumped after the last hotfix
    assert summary("next", cfg, git_repo)[:2] == ("1.4.4", "hotfix-v1.4.4")


@pytest.mark.parametrize(
    ("files", "version_from", "message"),
    [
        ({}, "file:VERSION", "does not exist"),
        ({"VERSION": "\n\n"}, "file:VERSION", "no version found in VERSION"),
        ({"VERSION": "one point two\n"}, "file:VERSION", "is not a version"),
        ({"package.json": "{"}, "file:package.json", "is not valid JSON"),
        ({"package.json": "[1]"}, "file:package.json", "no version found"),
        ({"pyproject.toml": "[project\n"}, "file:pyproject.toml", "is not valid TOML"),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndynamic = ["version"]\n'},
            "file:pyproject.toml",
            "declares the version dynamic",
        ),
        ({}, "git", "neither `tags` nor `file:PATH`"),
        ({}, "file:", "neither `tags` nor `file:PATH`"),
    ],
)
def test_version_source_errors_are_config_errors(
    git_repo: Path, files: dict[str, str], version_from: str, message: str
) -> None:
    for name, content in files.items():
        (git_repo / name).write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        version_report("next", ReleaseConfig(version_from=version_from), git_repo, NOW)
    assert caught.value.hint
    assert caught.value.exit_code == 2


def test_tags_outside_a_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git repository"):
        version_report("current", ReleaseConfig(), tmp_path, NOW)


def test_report_as_dict(git_repo: Path) -> None:
    tag(git_repo, "v1.4.2")
    assert version_report("next", ReleaseConfig(), git_repo, NOW).as_dict() == {
        "kind": "next",
        "scheme": "patch",
        "version": "1.4.3",
        "tag": "hotfix-v1.4.3",
        "previous_version": "1.4.2",
        "previous_tag": "v1.4.2",
        "source": "tags",
    }


def test_toml_fallback_parser_for_python_3_10() -> None:
    text = (
        "[tool.other]\nversion = '9.9.9'\n"
        "[ tool.poetry ]  # comment\nversion = '0.5.0'\n"
        '[project]\nname = "x"\nversion = "1.2.3"\n'
    )
    assert toml_version_fallback(text) == "1.2.3"
    assert toml_version_fallback("[tool.poetry]\nversion = '0.5.0'\n") == "0.5.0"
    assert toml_version_fallback('[tool.other]\nversion = "9.9.9"\n') is None


def test_read_version_file_reads_the_first_non_empty_line(tmp_path: Path) -> None:
    (tmp_path / "VERSION").write_text("\n  3.1.4  \nnotes\n", encoding="utf-8")
    assert read_version_file(tmp_path, "VERSION") == "3.1.4"

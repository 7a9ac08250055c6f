"""load_config: which file is read, the defaults, and every way reading the file can fail."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from hotfix_ci.config import HotfixConfig, load_config, validate_config_text
from hotfix_ci.config.model import (
    DEFAULT_PROTECTED,
    DEFAULT_TESTS,
    ApprovalsConfig,
    DeployConfig,
    DiffConfig,
    Environment,
    ProviderSpec,
    PullRequestConfig,
    ReleaseConfig,
    SeverityConfig,
)
from hotfix_ci.errors import ConfigError, ExitCode, InvalidConfigError

FULL = """\
version: 1
pull_request:
  branch: "hotfix/**"
  base: ["main", "release/2.x"]
  title: '^HOTFIX:'
  labels: ["hotfix", "urgent"]
  skip_authors: ["dependabot[bot]"]
severities:
  SEV1: {label: "sev/1", approvals: 0, review_after_deploy: true, labelled_by: ["@acme/ic"]}
  SEV2: {approvals: 2}
approvals:
  stale_after_push: false
  exclude_author: false
  reviewers: ["octocat", "@acme/backend"]
diff:
  max_files: 3
  max_lines: 50
  ignore: []
  protected: ["**/go.sum"]
  protected_label: "deps-ok"
  require_tests: false
  tests: ["spec/**"]
release:
  scheme: suffix
  tag: "release-{version}"
  token: "q"
  version_from: "file:package.json"
  changelog: null
  commit_changelog: true
  github_release: false
  delete_branch: false
  back_merge: ["develop"]
deploy:
  environments:
    production:
      providers:
        - {name: web, type: fly, with: {app: acme-web, image: "registry.fly.io/acme-web:{tag}"}}
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_version_1_alone_gives_every_documented_default() -> None:
    config = validate_config_text("version: 1\n", "hotfix.yml")
    assert config == HotfixConfig(source="hotfix.yml")
    assert config.pull_request == PullRequestConfig(
        branch="hotfix/*",
        base=("main",),
        title=r"^\[HOTFIX\] \S",
        labels=("hotfix",),
        skip_authors=(),
    )
    assert config.severities == (
        SeverityConfig(name="P0", label="P0", approvals=0, review_after_deploy=True),
        SeverityConfig(name="P1", label="P1", approvals=1),
        SeverityConfig(name="P2", label="P2", hotfix=False),
        SeverityConfig(name="P3", label="P3", hotfix=False),
    )
    assert config.approvals == ApprovalsConfig(
        stale_after_push=True, exclude_author=True, reviewers=()
    )
    assert config.diff.max_files == 10
    assert config.diff.max_lines == 200
    assert config.diff.ignore == ("**/*.md",)
    assert config.diff.protected == DEFAULT_PROTECTED
    assert "**/package-lock.json" in DEFAULT_PROTECTED
    assert "**/Gemfile.lock" in DEFAULT_PROTECTED
    assert config.diff.tests == DEFAULT_TESTS
    assert config.diff.protected_label == "allow-dependency-change"
    assert config.diff.require_tests is True
    assert config.release.scheme == "patch"
    assert config.release.tag_template == "hotfix-v{version}"
    assert config.release.token == "hotfix"
    assert config.release.version_from == "tags"
    assert config.release.changelog == "CHANGELOG.md"
    assert (config.release.github_release, config.release.delete_branch) == (True, True)
    assert config.release.commit_changelog is False
    assert config.release.back_merge == ()
    assert config.deploy == DeployConfig()


def test_full_config_round_trips_into_the_dataclasses() -> None:
    config = validate_config_text(FULL, "full.yml")
    assert config.source == "full.yml"
    assert config.pull_request == PullRequestConfig(
        branch="hotfix/**",
        base=("main", "release/2.x"),
        title="^HOTFIX:",
        labels=("hotfix", "urgent"),
        skip_authors=("dependabot[bot]",),
    )
    assert config.severities == (
        SeverityConfig(
            name="SEV1",
            label="sev/1",
            approvals=0,
            review_after_deploy=True,
            labelled_by=("@acme/ic",),
        ),
        # label defaults to the key name; the rest to the per-entry defaults
        SeverityConfig(name="SEV2", label="SEV2", approvals=2),
    )
    assert config.approvals == ApprovalsConfig(
        stale_after_push=False, exclude_author=False, reviewers=("octocat", "@acme/backend")
    )
    assert config.diff == DiffConfig(
        max_files=3,
        max_lines=50,
        ignore=(),
        protected=("**/go.sum",),
        protected_label="deps-ok",
        require_tests=False,
        tests=("spec/**",),
    )
    assert config.release == ReleaseConfig(
        scheme="suffix",
        tag="release-{version}",
        token="q",
        version_from="file:package.json",
        changelog=None,
        commit_changelog=True,
        github_release=False,
        delete_branch=False,
        back_merge=("develop",),
    )
    assert config.deploy == DeployConfig(
        environments={
            "production": Environment(
                name="production",
                production=True,
                providers=(
                    ProviderSpec(
                        name="web",
                        type="fly",
                        settings={"app": "acme-web", "image": "registry.fly.io/acme-web:{tag}"},
                        where="deploy.environments.production.providers[0]",
                    ),
                ),
            )
        }
    )


def test_given_severities_replace_the_default_set() -> None:
    config = validate_config_text("version: 1\nseverities:\n  P1: {}\n", "x.yml")
    assert [s.name for s in config.severities] == ["P1"]
    assert config.severities[0] == SeverityConfig(name="P1", label="P1")


def test_date_scheme_defaults_its_tag_to_the_date_template() -> None:
    config = validate_config_text("version: 1\nrelease: {scheme: date}\n", "x.yml")
    assert config.release.tag_template == "hotfix-{date}"


def test_an_empty_section_means_its_defaults() -> None:
    config = validate_config_text("version: 1\ndiff:\n  # nothing yet\nrelease:\n", "x.yml")
    assert config.diff == DiffConfig()
    assert config.release == ReleaseConfig()


def test_integral_floats_become_ints() -> None:
    config = validate_config_text("version: 1\ndiff: {max_lines: 300.0}\n", "x.yml")
    assert config.diff.max_lines == 300
    assert type(config.diff.max_lines) is int


def test_lists_are_stored_as_tuples_everywhere() -> None:
    config = validate_config_text(FULL, "full.yml")
    for section in (config.pull_request, config.approvals, config.diff, config.release):
        for field in fields(section):
            assert not isinstance(getattr(section, field.name), list), field.name


def test_default_file_is_read_from_workdir(tmp_path: Path) -> None:
    write(tmp_path / ".github" / "hotfix.yml", "version: 1\ndiff: {max_files: 4}\n")
    config = load_config(workdir=tmp_path)
    assert config.diff.max_files == 4
    assert config.source == ".github/hotfix.yml"


def test_default_file_is_read_from_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / ".github" / "hotfix.yml", "version: 1\ndiff: {max_files: 5}\n")
    monkeypatch.chdir(tmp_path)
    assert load_config().diff.max_files == 5


def test_absent_default_file_means_all_defaults(tmp_path: Path) -> None:
    config = load_config(workdir=tmp_path)
    assert config == HotfixConfig()
    assert config.source is None


def test_explicit_path_that_is_absent_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(Path("ci/hotfix.yml"), workdir=tmp_path)
    assert caught.value.message == "ci/hotfix.yml: config file not found"
    assert caught.value.hint == (
        f"check the --config path (relative paths start at {tmp_path}); without --config "
        "hotfix-ci reads .github/hotfix.yml and uses defaults if absent"
    )
    assert caught.value.exit_code == ExitCode.USAGE == 2


def test_explicit_relative_path_is_resolved_against_workdir(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "h.yml", "version: 1\ndiff: {max_files: 6}\n")
    config = load_config(Path("conf/h.yml"), workdir=tmp_path)
    assert config.diff.max_files == 6
    assert config.source == "conf/h.yml"


def test_errors_in_a_file_name_the_file_and_line(tmp_path: Path) -> None:
    file = write(tmp_path / "h.yml", "version: 1\n\ndiff:\n  max_fils: 3\n")
    with pytest.raises(InvalidConfigError) as caught:
        load_config(file)
    assert caught.value.message == f"{file}:4: diff.max_fils: unknown key"
    assert caught.value.hint == "did you mean 'max_files'?"


def test_a_name_too_long_for_the_filesystem_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the config file: File name too long"):
        load_config(tmp_path / ("x" * 5000))


def test_a_directory_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / ".github" / "hotfix.yml").mkdir(parents=True)
    with pytest.raises(ConfigError) as caught:
        load_config(workdir=tmp_path)
    assert caught.value.message == ".github/hotfix.yml: is a directory, not a config file"
    assert caught.value.hint == "name the YAML file itself, e.g. .github/hotfix.yml"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = write(tmp_path / "h.yml", "version: 1\n")

    def denied(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root here, where chmod 000 would not stop the read.
    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert caught.value.message == f"{file}: cannot read the config file: permission denied"
    assert (
        caught.value.hint
        == f"make it readable by the user running hotfix-ci, e.g. chmod a+r {file}"
    )


def test_other_os_errors_are_reported_with_their_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = write(tmp_path / "h.yml", "version: 1\n")

    def broken(self: Path, *args: object, **kwargs: object) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "open", broken)
    with pytest.raises(ConfigError, match="cannot read the config file: Input/output error"):
        load_config(file)


def test_non_utf8_file_names_the_line_and_byte(tmp_path: Path) -> None:
    file = write(tmp_path / "h.yml", b"version: 1\nrelease:\n  token: caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert caught.value.message == f"{file}:3: not UTF-8 text (byte 0xe9 at offset 32)"
    assert caught.value.hint == "save the file as UTF-8; YAML configs must be UTF-8"


def test_binary_garbage_is_refused_before_parsing(tmp_path: Path) -> None:
    file = write(tmp_path / "h.yml", b"\x7fELF\x02\x01\x01\x00\x00\x00garbage")
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert caught.value.message == (
        f"{file}: does not look like a YAML config (binary data or over 1 MB)"
    )


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    file = write(tmp_path / "h.yml", b"\xef\xbb\xbfversion: 1\n")
    assert load_config(file).version == 1


def test_config_errors_exit_with_2() -> None:
    with pytest.raises(InvalidConfigError) as caught:
        validate_config_text("version: 7\n", "x.yml")
    assert isinstance(caught.value, ConfigError)
    assert caught.value.exit_code == 2

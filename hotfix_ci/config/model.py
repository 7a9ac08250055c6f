"""The config as frozen dataclasses; every field's default is the documented default."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_PROTECTED: tuple[str, ...] = (
    "**/package-lock.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/poetry.lock",
    "**/uv.lock",
    "**/Pipfile.lock",
    "**/requirements*.txt",
    "**/go.sum",
    "**/Cargo.lock",
    "**/Gemfile.lock",
)
DEFAULT_TESTS: tuple[str, ...] = (
    "tests/**",
    "test/**",
    "**/test_*.py",
    "**/*_test.*",
    "**/*.test.*",
    "**/*.spec.*",
)


@dataclass(frozen=True, kw_only=True)
class PullRequestConfig:
    branch: str = "hotfix/*"
    base: tuple[str, ...] = ("main",)
    title: str = r"^\[HOTFIX\] \S"
    labels: tuple[str, ...] = ("hotfix",)
    skip_authors: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SeverityConfig:
    name: str
    label: str
    approvals: int = 1
    hotfix: bool = True
    review_after_deploy: bool = False
    labelled_by: tuple[str, ...] = ()


def default_severities() -> tuple[SeverityConfig, ...]:
    return (
        SeverityConfig(name="P0", label="P0", approvals=0, review_after_deploy=True),
        SeverityConfig(name="P1", label="P1", approvals=1),
        SeverityConfig(name="P2", label="P2", hotfix=False),
        SeverityConfig(name="P3", label="P3", hotfix=False),
    )


@dataclass(frozen=True, kw_only=True)
class ApprovalsConfig:
    stale_after_push: bool = True
    exclude_author: bool = True
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DiffConfig:
    max_files: int = 10
    max_lines: int = 200
    ignore: tuple[str, ...] = ("**/*.md",)
    protected: tuple[str, ...] = DEFAULT_PROTECTED
    protected_label: str = "allow-dependency-change"
    require_tests: bool = True
    tests: tuple[str, ...] = DEFAULT_TESTS


@dataclass(frozen=True, kw_only=True)
class ReleaseConfig:
    scheme: str = "patch"  # patch | prerelease | suffix | date
    tag: str | None = None  # None: "hotfix-v{version}", or "hotfix-{date}" for the date scheme
    token: str = "hotfix"  # noqa: S105 - a prerelease identifier, not a secret
    version_from: str = "tags"  # "tags" | "file:PATH"
    changelog: str | None = "CHANGELOG.md"
    commit_changelog: bool = False
    github_release: bool = True
    delete_branch: bool = True
    back_merge: tuple[str, ...] = ()

    @property
    def tag_template(self) -> str:
        if self.tag is not None:
            return self.tag
        return "hotfix-{date}" if self.scheme == "date" else "hotfix-v{version}"


@dataclass(frozen=True, kw_only=True)
class HotfixConfig:
    version: int = 1
    pull_request: PullRequestConfig = field(default_factory=PullRequestConfig)
    severities: tuple[SeverityConfig, ...] = field(default_factory=default_severities)
    approvals: ApprovalsConfig = field(default_factory=ApprovalsConfig)
    diff: DiffConfig = field(default_factory=DiffConfig)
    release: ReleaseConfig = field(default_factory=ReleaseConfig)
    # Filled by the deploy section once it lands; kept raw until then.
    deploy: dict[str, object] = field(default_factory=dict)
    # A lambda: NotifyConfig is defined further down, with the rest of the notify section.
    notify: NotifyConfig = field(default_factory=lambda: NotifyConfig())  # noqa: PLW0108
    source: str | None = None  # the file it was read from, for messages


NOTIFY_EVENTS: tuple[str, ...] = (
    "alert",
    "in-progress",
    "deployed",
    "rolled-back",
    "failed",
    "resolved",
)
CHANNEL_TYPES: tuple[str, ...] = ("slack", "discord", "teams", "webhook", "statuspage", "github")


@dataclass(frozen=True, kw_only=True)
class ChannelConfig:
    """One ``notify.channels`` entry; the ``*_env`` fields name variables, never values."""

    name: str
    type: str  # one of CHANNEL_TYPES
    url_env: str | None = None
    secret_env: str | None = None
    page_env: str | None = None
    key_env: str | None = None
    component: str | None = None
    required: bool = False


@dataclass(frozen=True, kw_only=True)
class NotifyConfig:
    channels: tuple[ChannelConfig, ...] = ()
    # None: `events:` was omitted, so every channel receives every event.
    events: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def channels_for(self, event: str) -> tuple[ChannelConfig, ...]:
        """The channels ``event`` goes to, in the order ``events:`` lists them."""
        if self.events is None:
            return self.channels
        by_name = {channel.name: channel for channel in self.channels}
        names = dict(self.events).get(event, ())
        return tuple(by_name[name] for name in names if name in by_name)

"""The whole config as frozen dataclasses, deploy section included; every field's default is
the documented default. Built once by :mod:`hotfix_ci.config.build` from validated data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hotfix_ci.errors import ConfigError
from hotfix_ci.text import did_you_mean

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


# --- deploy: gates, watch, providers, environments ----------------------------------------

NoDataPolicy = Literal["fail", "pass", "ignore"]


@dataclass(frozen=True, kw_only=True)
class HttpExpect:
    """What a healthy answer looks like. ``status`` None means any 2xx."""

    status: tuple[int, ...] | None = None
    json: Mapping[str, Any] | None = field(default=None, hash=False)
    contains: str | None = None
    max_latency_ms: float | None = None


@dataclass(frozen=True, kw_only=True)
class HttpGate:
    name: str
    url: str
    expect: HttpExpect = field(default_factory=HttpExpect)
    # Values may hold ${VAR} references; resolved per probe, never logged.
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    type: Literal["http"] = "http"


@dataclass(frozen=True, kw_only=True)
class PrometheusGate:
    name: str
    url: str
    query: str
    max: float | None = None
    min: float | None = None
    on_no_data: NoDataPolicy = "fail"
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    type: Literal["prometheus"] = "prometheus"


@dataclass(frozen=True, kw_only=True)
class CommandGate:
    name: str
    run: tuple[str, ...]
    type: Literal["command"] = "command"


GateSpec = HttpGate | PrometheusGate | CommandGate


@dataclass(frozen=True, kw_only=True)
class WatchSpec:
    """The watch schedule, in seconds; defaults are the documented ones."""

    initial_delay: float = 15.0
    interval: float = 10.0
    duration: float = 300.0
    failure_limit: int = 3
    timeout: float = 5.0


@dataclass(frozen=True, kw_only=True)
class ProviderSpec:
    name: str
    type: str
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)
    where: str = ""  # key path, for messages about its settings


@dataclass(frozen=True, kw_only=True)
class Environment:
    name: str
    url: str | None = None
    before: tuple[tuple[str, ...], ...] = ()
    providers: tuple[ProviderSpec, ...] = ()
    gates: tuple[GateSpec, ...] = ()
    watch: WatchSpec = field(default_factory=WatchSpec)
    rollback_on_failure: bool = True
    production: bool = False
    transient: bool = False

    def provider(self, name: str) -> ProviderSpec:
        for spec in self.providers:
            if spec.name == name:
                return spec
        known = [spec.name for spec in self.providers]
        raise ConfigError(
            f"environment {self.name!r} has no provider named {name!r}",
            hint=_choices("providers", known, name),
        )

    def providers_named(self, name: str | None) -> tuple[ProviderSpec, ...]:
        """The provider ``name`` (``--provider``), or every provider when None; an unknown
        name, or an environment with no providers, is a ConfigError (exit 2)."""
        if name:
            return (self.provider(name),)
        if not self.providers:
            raise ConfigError(
                f"environment {self.name!r} has no providers",
                hint=f"add providers under deploy.environments.{self.name}.providers in "
                ".github/hotfix.yml (each with a name and a type)",
            )
        return self.providers


@dataclass(frozen=True, kw_only=True)
class DeployConfig:
    environments: Mapping[str, Environment] = field(default_factory=dict, hash=False)

    def environment(self, name: str) -> Environment:
        found = self.environments.get(name)
        if found is None:
            raise ConfigError(
                f"deploy.environments has no environment {name!r}",
                hint=_choices("environments", list(self.environments), name),
            )
        return found


def _choices(what: str, known: list[str], wanted: str) -> str:
    if not known:
        return f"add it under deploy.environments in .github/hotfix.yml (no {what} configured)"
    return did_you_mean(wanted, known, listing=f"configured {what}")


# --- notify ---------------------------------------------------------------------------

NOTIFY_EVENTS: tuple[str, ...] = (
    "alert",
    "in-progress",
    "deployed",
    "rolled-back",
    "failed",
    "resolved",
)
CHANNEL_TYPES: tuple[str, ...] = ("slack", "discord", "teams", "webhook", "statuspage", "github")
# A channel's ``<key>_env`` fields, each naming the variable that holds that value.
CHANNEL_VARIABLE_KEYS: tuple[str, ...] = ("url", "secret", "page", "key")


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

    def variables(self) -> tuple[tuple[str, str], ...]:
        """(key, variable name) of each ``*_env`` set, as ``("url", "SLACK_WEBHOOK_URL")``."""
        named = ((key, getattr(self, f"{key}_env")) for key in CHANNEL_VARIABLE_KEYS)
        return tuple((key, name) for key, name in named if name)


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

    def variables(self, *, from_secrets: bool = False) -> tuple[tuple[str, str], ...]:
        """(variable, key path) for every ``*_env`` of every channel, in config order: what
        the channels read, so every value is a secret to redact. ``from_secrets``: only the
        variables a workflow passes from secrets (what ``init`` writes into ``env:`` and
        ``doctor`` looks for). GitHub sets GITHUB_* names itself (the runner's defaults, the
        action's GITHUB_TOKEN) and refuses secret names that start with GITHUB_."""
        return tuple(
            (name, f"notify.channels.{channel.name}.{key}_env")
            for channel in self.channels
            for key, name in channel.variables()
            if not (from_secrets and name.upper().startswith("GITHUB_"))
        )


# --- targets: the seeds' response times, per severity --------------------------------------

MEASURES = ("respond", "merge", "deploy", "total")


@dataclass(frozen=True, kw_only=True)
class TargetConfig:
    """Seconds from "PR opened" each step should take at most (None: no target)."""

    severity: str
    respond: float | None = None  # first approval
    merge: float | None = None
    deploy: float | None = None  # the release live in every environment it went to
    total: float | None = None  # the last recorded step (deploy, rollback, late review)

    def limit(self, measure: str) -> float | None:
        value: float | None = getattr(self, measure)
        return value


def default_targets() -> tuple[TargetConfig, ...]:
    """The seeds: P0 respond within 15 min and the whole hotfix within 30 min; P1 deploy
    within 2 h."""
    return (
        TargetConfig(severity="P0", respond=15 * 60.0, total=30 * 60.0),
        TargetConfig(severity="P1", deploy=2 * 3600.0),
    )


@dataclass(frozen=True, kw_only=True)
class HotfixConfig:
    version: int = 1
    pull_request: PullRequestConfig = field(default_factory=PullRequestConfig)
    severities: tuple[SeverityConfig, ...] = field(default_factory=default_severities)
    approvals: ApprovalsConfig = field(default_factory=ApprovalsConfig)
    diff: DiffConfig = field(default_factory=DiffConfig)
    release: ReleaseConfig = field(default_factory=ReleaseConfig)
    deploy: DeployConfig = field(default_factory=DeployConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    targets: tuple[TargetConfig, ...] = field(default_factory=default_targets)
    source: str | None = None  # the file it was read from, for messages

    def target_for(self, severity: str | None) -> TargetConfig:
        """The targets of ``severity``; none set (every limit None) for an unknown one."""
        found = next((t for t in self.targets if t.severity == severity), None)
        return found or TargetConfig(severity=severity or "")

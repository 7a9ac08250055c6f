"""Frozen data shared by every layer: what GitHub told us, and what the rules found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing a rule has to say; ``level == "error"`` fails the gate."""

    rule: str
    level: Level
    message: str
    path: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True, kw_only=True)
class FileChange:
    path: str
    additions: int
    deletions: int
    status: str = "modified"
    previous_path: str | None = None
    binary: bool = False  # git reported no line counts ("-"): its size is unknown

    @property
    def lines(self) -> int:
        return self.additions + self.deletions


@dataclass(frozen=True, kw_only=True)
class Review:
    """A pull-request review as GitHub reports it (state in GitHub's upper case)."""

    reviewer: str
    state: str
    commit_id: str | None
    submitted_at: str | None = None
    bot: bool = False  # a GitHub App or bot account


@dataclass(frozen=True, kw_only=True)
class LabelEvent:
    """A ``labeled`` or ``unlabeled`` issue event."""

    event: str
    label: str
    actor: str | None
    created_at: str | None = None


@dataclass(frozen=True, kw_only=True)
class PullRequest:
    number: int
    title: str
    author: str
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    labels: tuple[str, ...] = ()
    body: str = ""
    state: str = "open"
    merged: bool = False
    merge_commit_sha: str | None = None
    html_url: str = ""
    changed_files: int = 0
    additions: int = 0
    deletions: int = 0
    comments: int = 0  # issue comments on the PR; 0 lets the sticky comment skip a lookup
    created_at: str = ""  # when it was opened (ISO 8601), "" when unknown


@dataclass(frozen=True, kw_only=True)
class GateEvidence:
    """Everything the PR gate reads, gathered once from the live PR."""

    pull: PullRequest
    reviews: tuple[Review, ...] = ()
    files: tuple[FileChange, ...] = ()
    files_truncated: bool = False
    label_events: tuple[LabelEvent, ...] = ()
    # login -> permission ("admin", "maintain", "write", "triage", "read", "none")
    permissions: dict[str, str] = field(default_factory=dict)
    # "@org/team" -> logins that are active members; absent key = could not be read
    team_members: dict[str, frozenset[str]] = field(default_factory=dict)
    unreadable_teams: tuple[str, ...] = ()
    # The policy (config) file's repository path, and whether the policy was read from the
    # PR's base commit (False: only the checkout was readable, so a PR that changes a
    # policy file cannot be judged by a policy it did not write and fails closed).
    config_path: str = ".github/hotfix.yml"
    # Logins that authored or committed the PR's commits: none of them may approve it.
    pushers: tuple[str, ...] = ()
    policy_from_base: bool = True

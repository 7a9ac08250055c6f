"""The emulator's in-memory GitHub: repositories, git objects, issues and pulls, and their ids.

Everything here is plain data guarded by one lock (``Store.lock``); the HTTP handlers and the
Python API both mutate it under that lock, so a test sees the same state the API serves.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from hotfix_ci.errors import UsageError

RATE_LIMIT = 5000
PERMISSION_LEVELS = ("admin", "maintain", "write", "triage", "read")
JSON = dict[str, Any]


@dataclass
class Commit:
    sha: str
    message: str
    parents: list[str]
    tree: dict[str, str]  # path -> file text: the whole snapshot, so any ref can be read back
    author: str
    date: str


@dataclass
class TagObject:
    sha: str
    tag: str
    message: str
    object_sha: str
    object_type: str
    tagger: str
    date: str


@dataclass
class IssueEvent:
    id: int
    event: str
    actor: str
    created_at: str
    label: str | None = None
    commit_id: str | None = None
    extra: JSON = field(default_factory=dict)


@dataclass
class Comment:
    id: int
    issue_number: int
    user: str
    body: str
    created_at: str
    updated_at: str


@dataclass
class Review:
    id: int
    user: str
    state: str
    body: str
    commit_id: str
    submitted_at: str


@dataclass
class PullData:
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    commits: list[str]
    files: list[JSON] | None  # None: derived from the trees of base_sha and head_sha
    reviews: list[Review] = field(default_factory=list)
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    draft: bool = False


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: str
    created_at: str
    updated_at: str
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    closed_at: str | None = None
    events: list[IssueEvent] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)
    pull: PullData | None = None


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    default_branch: str
    created_at: str
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> object sha
    commits: dict[str, Commit] = field(default_factory=dict)
    tags: dict[str, TagObject] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)  # name -> label id
    check_runs: dict[int, JSON] = field(default_factory=dict)
    releases: dict[int, JSON] = field(default_factory=dict)
    deployments: dict[int, JSON] = field(default_factory=dict)
    deployment_statuses: dict[int, list[JSON]] = field(default_factory=dict)
    commit_pulls: dict[str, list[int]] = field(default_factory=dict)
    next_number: int = 1
    # The settings ``hotfix-ci doctor`` reads (routes_admin.py, seeded by seed_admin.py).
    protection: dict[str, JSON] = field(default_factory=dict)  # branch -> required checks
    rulesets: list[JSON] = field(default_factory=list)
    environments: dict[str, JSON] = field(default_factory=dict)  # name -> settings, secrets
    secrets: dict[str, str] = field(default_factory=dict)  # repository secret -> created_at
    org_secrets: dict[str, str] = field(default_factory=dict)  # shared with this repository

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")

    def resolve(self, ref: str) -> str | None:
        """A branch, tag, full ref or commit sha -> commit sha (annotated tags peeled)."""
        for name in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
            sha = self.refs.get(name)
            if sha is not None:
                return self.peel(sha)
        if ref in self.commits:
            return ref
        matches = [sha for sha in self.commits if len(ref) >= 7 and sha.startswith(ref)]
        return matches[0] if len(matches) == 1 else None

    def peel(self, sha: str) -> str:
        while sha in self.tags:
            sha = self.tags[sha].object_sha
        return sha

    def is_ancestor(self, ancestor: str, sha: str) -> bool:
        pending, seen = [sha], set()
        while pending:
            current = pending.pop()
            if current == ancestor:
                return True
            if current in seen or current not in self.commits:
                continue
            seen.add(current)
            pending.extend(self.commits[current].parents)
        return False


class Store:
    """All repositories and organisation teams, with id, sha and clock sources."""

    def __init__(self, *, login: str) -> None:
        self.lock = threading.RLock()
        self.login = login  # the user the token authenticates as
        self.repos: dict[str, Repo] = {}
        self.teams: dict[tuple[str, str], set[str]] = {}
        self.user_ids: dict[str, int] = {}
        self.clock_offset = 0.0
        self.frozen_at: float | None = None  # set_clock: time stands still until advanced
        self.token_permissions: dict[str, str] | None = None  # None: every permission granted
        self.rate_used = 0
        self.rate_reset = int(time.time()) + 3600
        self._next_id = 1000

    def count_request(self) -> int:
        """One request against the 5,000-per-hour core limit; the remaining count."""
        if self.rate_used >= RATE_LIMIT or time.time() >= self.rate_reset:
            self.rate_used, self.rate_reset = 0, int(time.time()) + 3600  # a new window
        self.rate_used += 1
        return RATE_LIMIT - self.rate_used

    def next_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def new_sha(self, salt: str = "") -> str:
        return hashlib.sha1(f"{self.next_id()}:{salt}".encode(), usedforsecurity=False).hexdigest()

    def now(self) -> str:
        start = time.time() if self.frozen_at is None else self.frozen_at
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + self.clock_offset))

    def user_id(self, login: str) -> int:
        if login not in self.user_ids:
            self.user_ids[login] = 5000 + len(self.user_ids)
        return self.user_ids[login]

    def find_repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def repo(self, full_name: str) -> Repo:
        """The repository for the Python API: an unknown name is a mistake in the test."""
        repo = self.repos.get(full_name.lower())
        if repo is None:
            raise UsageError(
                f"the emulator has no repository {full_name!r}",
                hint=f'call emu.create_repo("{full_name}") first',
            )
        return repo

    def create_repo(self, full_name: str, default_branch: str) -> Repo:
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise UsageError(
                f"{full_name!r} is not an owner/name repository name",
                hint='pass it as "owner/name", e.g. "acme/web"',
            )
        if full_name.lower() in self.repos:
            raise UsageError(f"repository {full_name!r} already exists in the emulator")
        repo = Repo(owner, name, self.next_id(), default_branch, self.now())
        self.repos[full_name.lower()] = repo
        self.user_id(owner)
        self.commit(repo, default_branch, "Initial commit", {"README.md": f"# {name}\n"})
        return repo

    def commit(
        self,
        repo: Repo,
        branch: str,
        message: str,
        files: dict[str, str | None] | None = None,
        *,
        parents: list[str] | None = None,
        author: str | None = None,
        sha: str | None = None,
    ) -> str:
        """A new commit on ``branch`` (created from the default branch if missing).

        ``sha`` lets a test mirror a commit of a real local repository.
        """
        tip = repo.branch_sha(branch) or repo.branch_sha(repo.default_branch)
        if parents is None:
            parents = [tip] if tip else []
        tree = dict(repo.commits[parents[0]].tree) if parents else {}
        for path, text in (files or {}).items():
            if text is None:
                tree.pop(path, None)
            else:
                tree[path] = text
        sha = sha or self.new_sha(message)
        repo.commits[sha] = Commit(sha, message, parents, tree, author or self.login, self.now())
        repo.refs[f"refs/heads/{branch}"] = sha
        return sha


def blob_sha(text: str) -> str:
    """Git's blob id for ``text``, as GitHub reports in contents and diff entries."""
    data = text.encode()
    header = f"blob {len(data)}\0".encode()
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()

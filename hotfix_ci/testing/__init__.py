"""A stateful GitHub REST API emulator on a loopback port, for tests and ``hotfix-ci demo``.

    with GitHubEmulator() as emu:
        emu.create_repo("acme/web")
        n = emu.create_pull("acme/web", title="[HOTFIX] x", head="hotfix/x", author="bob")
        gh = Github(base_url=emu.url, auth=Auth.Token("x"))

The Python methods below set the scene; those that read the state back as the same JSON the
API serves are in ``readers.py``; the routes live in ``routes_*.py``, the HTTP server in
``server.py``. A repository's settings (what ``hotfix-ci doctor`` reads) are seeded by the
methods of ``seed_admin.py``:

    emu.protect_branch("acme/web", "main", required_checks=["hotfix-ci / PR gate"])
    emu.add_ruleset("acme/web", "gate", branches=["~DEFAULT_BRANCH"], required_checks=[...])
    emu.create_environment("acme/web", "production", reviewers=["alice"], branch_policy="protected")
    emu.add_secret("acme/web", "VERCEL_TOKEN", environment="production")  # names only

``GitHubEmulator(prefix="/api/v3")`` serves the API the way GitHub Enterprise Server does:
``emu.url`` ends in ``/api/v3``, ``emu.web_url`` is the root the web links point at.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from hotfix_ci.errors import UsageError
from hotfix_ci.testing import routes_deploy, routes_git, routes_issues, routes_pulls, routes_reviews
from hotfix_ci.testing.contract import validate_response
from hotfix_ci.testing.faults import Fault, FaultSet
from hotfix_ci.testing.objects import ACTIONS_BOT
from hotfix_ci.testing.readers import StateReaders
from hotfix_ci.testing.routes_base import ApiError
from hotfix_ci.testing.seed_admin import AdminSeeding
from hotfix_ci.testing.server import Dispatcher, RecordedRequest, _Server
from hotfix_ci.testing.state import PERMISSION_LEVELS, Issue, Store

__all__ = ["Fault", "FaultSet", "GitHubEmulator", "RecordedRequest"]
JSON = dict[str, Any]


class GitHubEmulator(StateReaders, AdminSeeding):
    """GitHub's REST API for one process: start it, point PyGithub at ``url``, assert."""

    def __init__(
        self,
        *,
        port: int = 0,
        token: str | None = None,
        validate: bool = True,
        login: str = ACTIONS_BOT,
        prefix: str = "",
    ) -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise UsageError(
                f"emulator prefix {prefix!r} must start with / and not end with one",
                hint='e.g. prefix="/api/v3", as GitHub Enterprise Server serves its API',
            )
        self._store = Store(login=login)
        self._dispatcher = Dispatcher(self._store, token, validate_response if validate else None)
        self._port = port
        self._prefix = prefix
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> GitHubEmulator:
        if self._server is None:
            try:
                self._server = _Server(self._port, self._dispatcher, self._store, self._prefix)
            except OSError as exc:
                raise UsageError(
                    f"the GitHub emulator cannot listen on 127.0.0.1:{self._port}: {exc}",
                    hint="pass port=0 to let the system pick a free port",
                ) from exc
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="github-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> GitHubEmulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise UsageError("the GitHub emulator is not running", hint="call emu.start() first")
        return self._server.base_url

    @property
    def web_url(self) -> str:
        """Where web links point: ``url`` without the prefix (the same without one)."""
        if self._server is None:
            raise UsageError("the GitHub emulator is not running", hint="call emu.start() first")
        return self._server.web_url

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._dispatcher.requests

    def clear_requests(self) -> None:
        self._dispatcher.requests.clear()

    @property
    def contract_violations(self) -> list[str]:
        return self._dispatcher.contract_violations

    @property
    def faults(self) -> FaultSet:
        return self._dispatcher.faults

    def set_token_permissions(self, permissions: Mapping[str, str] | None) -> None:
        """Limit the token: {"checks": "none"} denies checks; unnamed ones stay granted."""
        for name, access in (permissions or {}).items():
            if access not in ("none", "read", "write"):
                raise UsageError(
                    f"token permission {name}={access!r} is not none, read or write",
                    hint='write it like GitHub does, e.g. {"checks": "read"}',
                )
        with self._store.lock:
            self._store.token_permissions = dict(permissions) if permissions is not None else None

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward: later timestamps come out ``seconds`` later."""
        with self._store.lock:
            self._store.clock_offset += seconds

    def set_clock(self, when: str) -> None:
        """Stop the emulator's clock at ``when`` (ISO 8601 UTC, e.g. "2026-03-01T03:00:00Z"):
        every timestamp it writes is exactly that until :meth:`advance_clock` moves it, so a
        test seeds a timeline to the second."""
        try:
            moment = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError as exc:
            raise UsageError(
                f"set_clock({when!r}): not an ISO 8601 time",
                hint='write it like GitHub does, e.g. "2026-03-01T03:00:00Z"',
            ) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        with self._store.lock:
            self._store.frozen_at, self._store.clock_offset = moment.timestamp(), 0.0

    # -- setting the scene -------------------------------------------------------------------
    def create_repo(self, full_name: str, *, default_branch: str = "main") -> None:
        with self._store.lock:
            self._store.create_repo(full_name, default_branch)

    def mirror_git(self, repo: str, path: Path) -> None:
        """Keep ``repo`` in step with the git repository at ``path`` (a local bare remote):
        before every API request its branches, tags and commits are copied in, so what a
        test ``git push``-es is what the API serves next (see :mod:`.git_mirror`)."""
        from hotfix_ci.testing import git_mirror

        with self._store.lock:
            state = self._store.repo(repo)
            git_mirror.sync(self._store, state, path)
        self._dispatcher.before_request.append(lambda store: git_mirror.sync(store, state, path))

    def set_permission(self, repo: str, login: str, level: str) -> None:
        if level not in PERMISSION_LEVELS:
            raise UsageError(
                f"unknown repository permission {level!r}",
                hint=f"use one of: {', '.join(PERMISSION_LEVELS)}",
            )
        with self._store.lock:
            self._store.repo(repo).permissions[login] = level

    def add_team_member(self, org: str, team: str, login: str) -> None:
        with self._store.lock:
            self._store.teams.setdefault((org.lower(), team.lower()), set()).add(login)

    def commit(
        self,
        repo: str,
        *,
        branch: str,
        message: str,
        files: Mapping[str, str | None] | None = None,
        sha: str | None = None,
    ) -> str:
        """A new commit on ``branch``; ``files`` maps path -> text (None deletes); ``sha``
        mirrors a commit of a real local repository."""
        with self._store.lock:
            return self._store.commit(
                self._store.repo(repo), branch, message, dict(files or {}), sha=sha
            )

    def create_pull(
        self,
        repo: str,
        *,
        title: str,
        head: str,
        author: str,
        body: str = "",
        base: str | None = None,
        files: Sequence[JSON] | None = None,
        labels: Sequence[str] = (),
        label_actor: str | None = None,
        draft: bool = False,
    ) -> int:
        """Open a pull request (adding a commit to ``head`` if it has none beyond ``base``)."""
        with self._api(), self._store.lock:
            state = self._store.repo(repo)
            base = base or state.default_branch
            head_sha, base_sha = state.branch_sha(head), state.branch_sha(base)
            if head_sha is None or head_sha == base_sha:
                self._store.commit(state, head, title, author=author)
            item = routes_pulls.open_pull(
                self._store, state, title=title, body=body, head=head, base=base, author=author
            )
            assert item.pull is not None
            item.pull.draft = draft
            if files is not None:
                item.pull.files = routes_pulls.normalize_files(list(files))
            routes_pulls.label_all(self._store, state, item, list(labels), label_actor or author)
            return item.number

    def open_issue(self, repo: str, *, title: str, body: str = "", author: str) -> int:
        """Open an issue as ``author`` (someone other than the token, e.g. a squatter)."""
        with self._api(), self._store.lock:
            state = self._store.repo(repo)
            return routes_issues.new_issue(
                self._store, state, title=title, body=body, author=author
            ).number

    def set_pull_files(self, repo: str, number: int, files: Sequence[JSON]) -> None:
        with self._api(), self._store.lock:
            self._pull(repo, number).pull.files = routes_pulls.normalize_files(list(files))  # type: ignore[union-attr]

    def push(
        self,
        repo: str,
        number: int,
        files: Sequence[JSON] | Mapping[str, str | None] | None = None,
        *,
        author: str | None = None,
    ) -> str:
        """A new head commit; ``files`` is a changed-file list, or path -> text contents;
        ``author`` is the commit's author (default: the token's user)."""
        with self._api(), self._store.lock:
            item = self._pull(repo, number)
            contents = dict(files) if isinstance(files, Mapping) else None
            sha = routes_reviews.push(
                self._store, self._store.repo(repo), item, contents, author=author
            )
            if files is not None and not isinstance(files, Mapping):
                item.pull.files = routes_pulls.normalize_files(list(files))  # type: ignore[union-attr]
            return sha

    def update_pull(
        self, repo: str, number: int, *, title: str | None = None, body: str | None = None
    ) -> None:
        with self._store.lock:
            item = self._pull(repo, number)
            if title is not None:
                routes_issues.rename(self._store, item, title, item.user)
            if body is not None:
                item.body = body
            item.updated_at = self._store.now()

    def add_label(self, repo: str, number: int, label: str, *, actor: str) -> None:
        with self._store.lock:
            state = self._store.repo(repo)
            routes_issues.add_label(self._store, state, self._issue(repo, number), label, actor)

    def remove_label(self, repo: str, number: int, label: str, *, actor: str) -> None:
        with self._store.lock:
            routes_issues.remove_label(self._store, self._issue(repo, number), label, actor)

    def add_review(
        self,
        repo: str,
        number: int,
        reviewer: str,
        *,
        state: str = "APPROVED",
        commit_id: str | None = None,
        body: str = "",
    ) -> int:
        with self._api(), self._store.lock:
            item = self._pull(repo, number)
            return routes_reviews.add_review(
                self._store, item, reviewer, state=state, commit_id=commit_id, body=body
            )

    def create_issue(
        self, repo: str, *, title: str, author: str, body: str = "", labels: Sequence[str] = ()
    ) -> int:
        """An issue (not a pull request) opened by ``author``; returns its number."""
        with self._store.lock:
            state = self._store.repo(repo)
            item = routes_issues.new_issue(
                self._store, state, title=title, body=body, author=author
            )
            for name in labels:
                routes_issues.add_label(self._store, state, item, name, author)
            return item.number

    def add_comment(self, repo: str, number: int, body: str, *, author: str | None = None) -> int:
        """A comment on an issue or PR by ``author`` (default: the token's user)."""
        with self._api(), self._store.lock:
            state = self._store.repo(repo)
            item = self._issue(repo, number)
            return routes_issues.add_comment(self._store, state, item, body, author).id

    def dismiss_review(self, repo: str, number: int, review_id: int, message: str = "") -> None:
        with self._api(), self._store.lock:
            routes_reviews.dismiss_review(self._store, self._pull(repo, number), review_id, message)

    def pull_head_sha(self, repo: str, number: int) -> str:
        with self._store.lock:
            return str(self._pull(repo, number).pull.head_sha)  # type: ignore[union-attr]

    def add_check_run(
        self, repo: str, head_sha: str, name: str, *, conclusion: str | None = "success"
    ) -> int:
        """A check run on ``head_sha``, completed with ``conclusion`` (None: in progress),
        as another workflow's job would write it."""
        with self._store.lock:
            state = self._store.repo(repo)
            sha = state.resolve(head_sha)
            if sha is None:
                raise UsageError(f"{repo} has no commit {head_sha}")
            run_id = self._store.next_id()
            state.check_runs[run_id] = {
                "id": run_id,
                "name": name,
                "head_sha": sha,
                "status": "completed" if conclusion else "in_progress",
                "conclusion": conclusion,
                "started_at": self._store.now(),
                "completed_at": self._store.now() if conclusion else None,
                "external_id": "",
                "details_url": None,
                "check_suite_id": self._store.next_id(),
                "output": {"title": None, "summary": None, "text": None},
                "annotations": [],
            }
            return run_id

    def merge_pull(self, repo: str, number: int, *, merged_by: str, sha: str | None = None) -> str:
        """Merge it; ``sha`` names the merge commit, to mirror a real local repository's."""
        with self._api(), self._store.lock:
            item = self._pull(repo, number)
            return routes_reviews.merge(
                self._store, self._store.repo(repo), item, merged_by, sha=sha
            )

    def add_tag(
        self,
        repo: str,
        tag: str,
        *,
        sha: str | None = None,
        annotated: bool = False,
        message: str | None = None,
    ) -> str:
        """Tag ``sha`` (default: the default branch's tip); returns the ref's object sha."""
        with self._api(), self._store.lock:
            state = self._store.repo(repo)
            target = state.resolve(sha or state.default_branch)
            if target is None:
                raise ApiError(422, f"No commit found for SHA: {sha}")
            if annotated:
                target = routes_git.create_tag_object(
                    self._store,
                    state,
                    tag,
                    message=message or tag,
                    object_sha=target,
                    tagger=self._store.login,
                ).sha
            routes_git.create_ref(state, f"refs/tags/{tag}", target)
            return target

    def add_deployment(
        self,
        repo: str,
        *,
        ref: str,
        environment: str = "production",
        payload: Mapping[str, Any] | None = None,
        description: str = "",
        creator: str | None = None,
    ) -> int:
        """A Deployment of ``ref`` (tag, branch or sha), as if POSTed; returns its id."""
        with self._api(), self._store.lock:
            return int(
                routes_deploy.new_deployment(
                    self._store,
                    self._store.repo(repo),
                    ref=ref,
                    environment=environment,
                    payload=dict(payload or {}),
                    description=description,
                    creator=creator,
                )["id"]
            )

    def add_deployment_status(
        self, repo: str, deployment_id: int, state: str, *, description: str = ""
    ) -> None:
        with self._api(), self._store.lock:
            state_repo = self._store.repo(repo)
            deployment = state_repo.deployments.get(deployment_id)
            if deployment is None:
                raise UsageError(f"{repo} has no Deployment {deployment_id}")
            routes_deploy.new_status(
                self._store, state_repo, deployment, state=state, description=description
            )

    # -- helpers -----------------------------------------------------------------------------
    def _pull(self, repo: str, number: int) -> Issue:
        found = self._issue(repo, number)
        if found.pull is None:
            raise UsageError(f"{repo}#{number} is an issue, not a pull request")
        return found

    @contextlib.contextmanager
    def _api(self) -> Iterator[None]:
        """Report a refused setup step (an API validation error) as the test's mistake."""
        try:
            yield
        except ApiError as exc:
            details = "; ".join(str(e.get("message", e)) for e in exc.errors or [])
            raise UsageError(
                f"the emulator refused this setup step: {exc.message}"
                + (f" ({details})" if details else ""),
                hint="check the repository, branch, sha or state the call refers to",
            ) from exc

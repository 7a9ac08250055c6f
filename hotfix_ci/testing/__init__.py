"""A stateful GitHub REST API emulator on a loopback port, for tests and ``hotfix-ci demo``.

    with GitHubEmulator() as emu:
        emu.create_repo("acme/web")
        n = emu.create_pull("acme/web", title="[HOTFIX] x", head="hotfix/x", author="bob")
        gh = Github(base_url=emu.url, auth=Auth.Token("x"))

The Python methods below set the scene; those that read the state back as the same JSON the
API serves are in ``readers.py``; the routes live in ``routes_*.py``, the HTTP server in
``server.py``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from hotfix_ci.errors import UsageError
from hotfix_ci.testing import routes_git, routes_issues, routes_pulls, routes_reviews
from hotfix_ci.testing.contract import validate_response
from hotfix_ci.testing.faults import Fault, FaultSet
from hotfix_ci.testing.objects import ACTIONS_BOT
from hotfix_ci.testing.readers import StateReaders
from hotfix_ci.testing.routes_base import ApiError
from hotfix_ci.testing.server import Dispatcher, RecordedRequest, _Server
from hotfix_ci.testing.state import PERMISSION_LEVELS, Issue, Store

__all__ = ["Fault", "FaultSet", "GitHubEmulator", "RecordedRequest"]
JSON = dict[str, Any]


class GitHubEmulator(StateReaders):
    """GitHub's REST API for one process: start it, point PyGithub at ``url``, assert."""

    def __init__(
        self,
        *,
        port: int = 0,
        token: str | None = None,
        validate: bool = True,
        login: str = ACTIONS_BOT,
    ) -> None:
        self._store = Store(login=login)
        self._dispatcher = Dispatcher(self._store, token, validate_response if validate else None)
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> GitHubEmulator:
        if self._server is None:
            try:
                self._server = _Server(self._port, self._dispatcher, self._store)
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

    # -- setting the scene -------------------------------------------------------------------
    def create_repo(self, full_name: str, *, default_branch: str = "main") -> None:
        with self._store.lock:
            self._store.create_repo(full_name, default_branch)

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

    def dismiss_review(self, repo: str, number: int, review_id: int, message: str = "") -> None:
        with self._api(), self._store.lock:
            routes_reviews.dismiss_review(self._store, self._pull(repo, number), review_id, message)

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

"""The emulator's state readers: what the API would serve, read straight from the store.

Tests and ``hotfix-ci demo`` read the state with these (``emu.comments(repo, 1)``,
``emu.releases(repo)``) without an HTTP round trip; each returns the JSON the matching route
serves. :class:`StateReaders` is a mixin of :class:`hotfix_ci.testing.GitHubEmulator`.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.errors import UsageError
from hotfix_ci.testing.objects import issue
from hotfix_ci.testing.routes_checks import run_json
from hotfix_ci.testing.routes_deploy import deployment_json, status_json
from hotfix_ci.testing.routes_git import ref_json, tag_json
from hotfix_ci.testing.routes_issues import comment_json
from hotfix_ci.testing.routes_pulls import pull_json
from hotfix_ci.testing.routes_releases import release_json
from hotfix_ci.testing.server import _Server, web_links
from hotfix_ci.testing.state import Issue, Store

JSON = dict[str, Any]


class StateReaders:
    """Read the state back as the same JSON the API serves (each read holds the lock)."""

    # Set by GitHubEmulator.__init__ / start().
    _store: Store
    _server: _Server | None

    def comments(self, repo: str, number: int) -> list[JSON]:
        with self._store.lock:
            state, base = self._store.repo(repo), self._base()
            ids = self._issue(repo, number).comment_ids
            return self._web(
                [comment_json(base, self._store, state, state.comments[i]) for i in ids]
            )

    def check_runs(self, repo: str) -> list[JSON]:
        with self._store.lock:
            state = self._store.repo(repo)
            runs = state.check_runs.values()
            return self._web([run_json(self._base(), self._store, state, run) for run in runs])

    def refs(self, repo: str) -> list[JSON]:
        with self._store.lock:
            state = self._store.repo(repo)
            return self._web([ref_json(self._base(), state, name) for name in sorted(state.refs)])

    def tag_objects(self, repo: str) -> list[JSON]:
        """Every annotated tag object, referenced or dangling, in creation order."""
        with self._store.lock:
            state = self._store.repo(repo)
            return [tag_json(self._base(), state, t) for t in state.tags.values()]

    def releases(self, repo: str) -> list[JSON]:
        with self._store.lock:
            state = self._store.repo(repo)
            found = sorted(state.releases.values(), key=lambda r: r["id"], reverse=True)
            return self._web([release_json(self._base(), self._store, state, r) for r in found])

    def deployments(self, repo: str) -> list[JSON]:
        with self._store.lock:
            state = self._store.repo(repo)
            found = sorted(state.deployments.values(), key=lambda d: d["id"], reverse=True)
            return self._web([deployment_json(self._base(), self._store, state, d) for d in found])

    def deployment_statuses(self, repo: str, deployment_id: int) -> list[JSON]:
        with self._store.lock:
            state = self._store.repo(repo)
            found = reversed(state.deployment_statuses.get(deployment_id, []))
            return self._web([status_json(self._base(), self._store, state, s) for s in found])

    def issues(self, repo: str) -> list[JSON]:
        """Issues that are not pull requests, oldest first."""
        with self._store.lock:
            state = self._store.repo(repo)
            found = [i for i in state.issues.values() if i.pull is None]
            return self._web([issue(self._base(), self._store, state, i) for i in found])

    def pulls(self, repo: str) -> list[JSON]:
        """Every pull request, open or closed, oldest first."""
        with self._store.lock:
            state = self._store.repo(repo)
            found = [i for i in state.issues.values() if i.pull is not None]
            return self._web([pull_json(self._base(), self._store, state, i) for i in found])

    def file_content(self, repo: str, path: str, *, ref: str | None = None) -> str | None:
        with self._store.lock:
            state = self._store.repo(repo)
            sha = state.resolve(ref or state.default_branch)
            return None if sha is None else state.commits[sha].tree.get(path)

    def _web(self, items: list[JSON]) -> list[JSON]:
        """Under a prefix, web links point at the root, as the routes serve them."""
        server = self._server
        if server is None or not server.prefix:
            return items
        return [web_links(item, server.base_url, server.web_url) for item in items]

    def _base(self) -> str:
        """The URL the JSON's links point at: the running server's, else a placeholder."""
        return self._server.base_url if self._server is not None else "http://127.0.0.1"

    def _issue(self, repo: str, number: int) -> Issue:
        found = self._store.repo(repo).issues.get(number)
        if found is None:
            raise UsageError(f"{repo} has no issue or pull request #{number}")
        return found

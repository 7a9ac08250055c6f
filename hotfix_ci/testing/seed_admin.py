"""Seeding a repository's settings: branch protection, rulesets, environments, secret names.

:class:`AdminSeeding` is a mixin of :class:`hotfix_ci.testing.GitHubEmulator`; the routes that
serve what it seeds are in ``routes_admin.py``. Secrets have names only: the API never
returns a value, so the emulator keeps none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hotfix_ci.errors import UsageError
from hotfix_ci.testing.state import Repo, Store

JSON = dict[str, Any]
ACTIONS_APP_ID = 15368  # the GitHub Actions app: the author of GITHUB_TOKEN check runs
BRANCH_POLICIES = ("protected", "custom")
ENFORCEMENTS = ("active", "evaluate", "disabled")


class AdminSeeding:
    """Set the repository settings ``hotfix-ci doctor`` reads (each call holds the lock)."""

    _store: Store  # set by GitHubEmulator.__init__

    def protect_branch(
        self,
        repo: str,
        branch: str,
        *,
        required_checks: Sequence[str] | None = (),
        strict: bool = False,
        app_id: int | None = ACTIONS_APP_ID,
        enforce_admins: bool = False,
    ) -> None:
        """Branch protection on ``branch``; ``required_checks`` None: no status checks at all."""
        with self._store.lock:
            state = self._repo_with_branch(repo, branch)
            checks = (
                None
                if required_checks is None
                else [{"context": name, "app_id": app_id} for name in required_checks]
            )
            state.protection[branch] = {
                "checks": checks,
                "strict": strict,
                "enforce_admins": enforce_admins,
            }

    def add_ruleset(
        self,
        repo: str,
        name: str,
        *,
        branches: Sequence[str] = ("~DEFAULT_BRANCH",),
        exclude: Sequence[str] = (),
        required_checks: Sequence[str] = (),
        enforcement: str = "active",
    ) -> int:
        """A branch ruleset; ``branches`` are GitHub's patterns (``refs/heads/main``, ``~ALL``,
        ``~DEFAULT_BRANCH``); only ``active`` rulesets apply. Returns the ruleset id."""
        if enforcement not in ENFORCEMENTS:
            raise UsageError(
                f"ruleset enforcement {enforcement!r} is not one of {', '.join(ENFORCEMENTS)}"
            )
        with self._store.lock:
            state = self._store.repo(repo)
            ident = self._store.next_id()
            rules: list[JSON] = [{"type": "deletion"}]
            if required_checks:
                parameters = {
                    "required_status_checks": [{"context": check} for check in required_checks],
                    "strict_required_status_checks_policy": False,
                }
                rules.append({"type": "required_status_checks", "parameters": parameters})
            state.rulesets.append(
                {
                    "id": ident,
                    "name": name,
                    "include": list(branches),
                    "exclude": list(exclude),
                    "enforcement": enforcement,
                    "rules": rules,
                }
            )
            return ident

    def create_environment(
        self,
        repo: str,
        name: str,
        *,
        reviewers: Sequence[str] = (),
        branch_policy: str | None = None,
        wait_timer: int = 0,
    ) -> None:
        """An environment; ``reviewers`` are user logins; ``branch_policy`` "protected"
        (protected branches only) or "custom" (named branches), None: any branch deploys."""
        if branch_policy is not None and branch_policy not in BRANCH_POLICIES:
            raise UsageError(
                f"branch_policy {branch_policy!r} is not one of {', '.join(BRANCH_POLICIES)}",
                hint="or pass None to let any branch deploy",
            )
        with self._store.lock:
            state = self._store.repo(repo)
            previous = state.environments.get(name, {})
            state.environments[name] = {
                "id": previous.get("id") or self._store.next_id(),
                "created_at": previous.get("created_at") or self._store.now(),
                "reviewers": list(reviewers),
                "branch_policy": branch_policy,
                "wait_timer": wait_timer,
                "secrets": previous.get("secrets", {}),
            }

    def add_secret(
        self,
        repo: str,
        name: str,
        *,
        environment: str | None = None,
        organization: bool = False,
    ) -> None:
        """A secret name: the repository's, an environment's, or an organization secret
        shared with the repository."""
        with self._store.lock:
            state = self._store.repo(repo)
            if environment is not None:
                if environment not in state.environments:
                    raise UsageError(
                        f"{repo} has no environment {environment!r} in the emulator",
                        hint=f'call emu.create_environment("{repo}", "{environment}") first',
                    )
                target = state.environments[environment]["secrets"]
            else:
                target = state.org_secrets if organization else state.secrets
            target[name.upper()] = self._store.now()

    def _repo_with_branch(self, repo: str, branch: str) -> Repo:
        state = self._store.repo(repo)
        if state.branch_sha(branch) is None:
            raise UsageError(
                f"{repo} has no branch {branch!r} in the emulator",
                hint="commit to it first, e.g. emu.commit(repo, branch=..., message=...)",
            )
        return state

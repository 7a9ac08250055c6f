"""Seed hotfix timelines in the emulator to the second, for ``report`` / ``metrics`` tests.

    scene = HotfixScene(emu, "acme/web")
    n = scene.open("2026-03-02T03:00:00Z", "fix-login", labels=["hotfix", "P1"])
    scene.review(n, "2026-03-02T03:10:00Z", "alice")
    sha = scene.merge(n, "2026-03-02T03:20:00Z")
    scene.deploy(n, "hotfix-v1.0.1", sha, [("2026-03-02T03:25:00Z", "in_progress"),
                                          ("2026-03-02T03:31:00Z", "success")])

Every step freezes the emulator's clock at its time (``set_clock``), so each timestamp the
API then serves is exactly the one given. Deployments carry the payload ``hotfix-ci deploy``
writes (``tool``, ``provider``, ``tag``, ``pr``; ``rollback_of`` for a rollback record).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotfix_ci.testing import GitHubEmulator

Statuses = Sequence[tuple[str, str]]  # (time, state)


class HotfixScene:
    def __init__(self, emu: GitHubEmulator, repo: str, *, author: str = "bob") -> None:
        self.emu = emu
        self.repo = repo
        self.author = author

    def open(
        self,
        at: str,
        slug: str,
        *,
        labels: Sequence[str] = ("hotfix", "P1"),
        body: str = "",
        title: str | None = None,
    ) -> int:
        self.emu.set_clock(at)
        return self.emu.create_pull(
            self.repo,
            title=title or f"[HOTFIX] {slug}",
            head=f"hotfix/{slug}",
            author=self.author,
            body=body,
            labels=list(labels),
        )

    def review(self, number: int, at: str, reviewer: str, state: str = "APPROVED") -> None:
        self.emu.set_clock(at)
        self.emu.add_review(self.repo, number, reviewer, state=state)

    def merge(self, number: int, at: str, *, by: str = "carol") -> str:
        self.emu.set_clock(at)
        return self.emu.merge_pull(self.repo, number, merged_by=by)

    def tag(self, tag: str, sha: str | None = None) -> None:
        self.emu.add_tag(self.repo, tag, sha=sha)

    def comment(self, number: int, at: str, body: str, *, author: str | None = None) -> None:
        self.emu.set_clock(at)
        self.emu.add_comment(self.repo, number, body, author=author)

    def deploy(
        self,
        pr: int | None,
        tag: str,
        statuses: Statuses,
        *,
        environment: str = "production",
        provider: str = "web",
        rollback_of: str | None = None,
        created: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """A Deployment of ``tag`` created at ``created`` (default: the first status's time)
        with its statuses; ``pr`` None leaves ``pr`` out, as records before it did."""
        payload: dict[str, Any] = {
            "tool": "hotfix-ci",
            "provider": provider,
            "provider_type": "command",
            "tag": tag,
            "version": tag.rsplit("v", 1)[-1],
            "previous": None,
            **(extra or {}),
        }
        if pr is not None:
            payload["pr"] = pr
        if rollback_of:
            payload["rollback_of"] = rollback_of
        self.emu.set_clock(created or statuses[0][0])
        what = f"rollback of {rollback_of} to {tag}" if rollback_of else f"deploy {tag}"
        deployment = self.emu.add_deployment(
            self.repo,
            ref=tag,
            environment=environment,
            payload=payload,
            description=f"{what} via {provider}",
        )
        for at, state in statuses:
            self.emu.set_clock(at)
            self.emu.add_deployment_status(self.repo, deployment, state, description=what)
        return deployment

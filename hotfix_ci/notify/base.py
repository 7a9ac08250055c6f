"""What every channel implements, and what it is handed to deliver.

A channel is a module (the shape of pre-commit's languages) that satisfies
:class:`ChannelBackend`: ``build`` turns a :class:`~hotfix_ci.notify.render.Message` into
the JSON body the service documents (pure, so it is unit-tested against the documented
structure and limits, and printed as it is by ``--dry-run``), ``deliver`` sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.notify.http import ChannelError, Transport

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import Comment
    from hotfix_ci.notify.render import Message, Templates

Payload = dict[str, Any]


class CommentClient(Protocol):
    """The part of ``hotfix_ci.github_api.GitHubClient`` the github channel uses."""

    def find_comment(self, number: int, marker: str) -> Comment | None: ...

    def create_comment(self, number: int, body: str) -> Comment: ...

    def update_comment(self, comment_id: int, body: str) -> None: ...


@dataclass(frozen=True, kw_only=True)
class Target:
    """Where one channel delivers: its config and the values its variables hold."""

    spec: ChannelConfig
    values: Mapping[str, str]  # "url", "secret", "page", "key": from the named variables
    env: Mapping[str, str]
    transport: Transport
    github: CommentClient | None = None

    def value(self, key: str) -> str:
        return self.values[key]

    def variable(self, key: str) -> str:
        """``$NAME`` of the variable behind ``key``, for messages that must not hold it."""
        return "$" + str(getattr(self.spec, f"{key}_env"))


class ChannelBackend(Protocol):
    """A channel module: its markup flavour, the variables it needs, build and deliver."""

    FLAVOUR: str  # the escaper of hotfix_ci.escape.ESCAPERS its text needs
    # keys of Target.values ("url", "secret", "page", "key"), or "github" for a client
    NEEDS: tuple[str, ...]

    def build(self, message: Message, spec: ChannelConfig, templates: Templates) -> Payload: ...

    def deliver(self, payload: Payload, target: Target) -> str: ...


def need_github(github: CommentClient | None) -> CommentClient:
    if github is None:
        raise ChannelError(
            "a comment on the pull request needs a GitHub token",
            hint="pass --token or set GITHUB_TOKEN (with pull-requests: write)",
        )
    return github


__all__ = ["ChannelBackend", "ChannelError", "CommentClient", "Payload", "Target", "need_github"]

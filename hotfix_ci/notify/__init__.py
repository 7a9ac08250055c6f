"""Notifications: one event, rendered from templates, to Slack, Discord, Teams, a signed
webhook, Statuspage and the hotfix PR.

``announce`` is what release, deploy and rollback call at their stages;
``hotfix-ci notify`` (``hotfix_ci.commands.notify``) is the same from the command line.
Channels are modules registered in ``CHANNELS`` by ``type`` (see ``base.ChannelBackend``).
"""

from __future__ import annotations

from hotfix_ci.notify.base import ChannelBackend, ChannelError, CommentClient, Target
from hotfix_ci.notify.channels import CHANNELS
from hotfix_ci.notify.context import EVENTS, NotifyContext, build_context
from hotfix_ci.notify.deliver import (
    ChannelOutcome,
    announce,
    deliver_all,
    describe,
    required_failed,
)

__all__ = [
    "CHANNELS",
    "EVENTS",
    "ChannelBackend",
    "ChannelError",
    "ChannelOutcome",
    "CommentClient",
    "NotifyContext",
    "Target",
    "announce",
    "build_context",
    "deliver_all",
    "describe",
    "required_failed",
]

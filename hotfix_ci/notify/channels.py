"""The built-in channels by ``type``: each a module satisfying ``ChannelBackend``."""

from __future__ import annotations

from hotfix_ci.notify import discord, github_comment, slack, statuspage, teams, webhook
from hotfix_ci.notify.base import ChannelBackend

CHANNELS: dict[str, ChannelBackend] = {
    "slack": slack,
    "discord": discord,
    "teams": teams,
    "webhook": webhook,
    "statuspage": statuspage,
    "github": github_comment,
}

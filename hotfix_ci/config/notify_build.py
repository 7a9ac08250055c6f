"""The ``notify:`` section: its checks beyond the schema, and its dataclasses.

The schema (``$defs/notify_channel`` and ``properties/notify`` in ``hotfix.schema.json``)
already closes every object and allows per ``type`` only that type's keys; what is left
is what needs the whole section at once: channel names are unique, and every name
``events:`` lists is a channel.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hotfix_ci.config.locate import PathPart, Problem
from hotfix_ci.config.model import ChannelConfig, NotifyConfig
from hotfix_ci.text import did_you_mean


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _channel_names(notify: Mapping[str, Any]) -> list[tuple[int, str]]:
    channels = notify.get("channels")
    if not isinstance(channels, list):
        return []
    return [
        (index, entry["name"])
        for index, entry in enumerate(channels)
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str)
    ]


def notify_problems(notify: Mapping[str, Any]) -> Iterator[Problem]:
    """Duplicate channel names, and names in ``events:`` that no channel has."""
    names = _channel_names(notify)
    first_index: dict[str, int] = {}
    for index, name in names:
        if name in first_index:
            yield Problem(
                ("notify", "channels", index, "name"),
                f"channel name {name!r} is already the name of channels[{first_index[name]}]",
                "give every channel its own name: `events:` refers to channels by name",
            )
        first_index.setdefault(name, index)
    known = sorted(first_index)
    for event, listed in _mapping(notify.get("events")).items():
        if not isinstance(listed, list):
            continue
        for position, name in enumerate(listed):
            if isinstance(name, str) and name not in first_index:
                where: tuple[PathPart, ...] = ("notify", "events", event, position)
                yield Problem(where, f"no channel is named {name!r}", _suggest(name, known))


def _suggest(name: str, known: list[str]) -> str:
    guess = did_you_mean(name, known)
    if guess:
        return guess
    if not known:
        return "define the channel under notify.channels first, e.g. {name: team, type: slack}"
    return f"channels defined under notify.channels: {', '.join(known)}"


def build_notify(notify: Mapping[str, Any]) -> NotifyConfig:
    """The dataclass of a section that passed the schema and :func:`notify_problems`."""
    channels = tuple(
        ChannelConfig(**{key: value for key, value in entry.items()})
        for entry in notify.get("channels") or ()
    )
    events = notify.get("events")
    if not isinstance(events, Mapping):
        return NotifyConfig(channels=channels)
    return NotifyConfig(
        channels=channels,
        events=tuple((event, tuple(names)) for event, names in events.items()),
    )

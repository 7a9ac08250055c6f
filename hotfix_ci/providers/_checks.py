"""Checks every provider makes: required settings, secrets, and whose rollback point it is.

Messages name the key or variable and say where to set it, because the reader is an on-call
engineer looking at a failed deploy job, not at this code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers.base import ProviderError, Release, RollbackPoint

RELEASE_KEYS = ("tag", "version", "sha", "environment")


def required_setting(settings: Mapping[str, Any], key: str, *, provider: str) -> str:
    """``settings[key]`` as a non-empty string, else a ConfigError naming the key."""
    value = settings.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(
            f"{provider} provider {key!r} is missing or not a string",
            hint=f"set `{key}:` under the provider's `with:` block",
        )
    return value


def require_secret(
    env: Mapping[str, str],
    names: Sequence[str],
    *,
    message: str,
    hint: str,
    strip: bool = False,
) -> tuple[str, str]:
    """The first of ``names`` that is set in ``env``, as (name, value); else ProviderError.

    ``strip`` is for values that go into an HTTP header, where a newline pasted into the
    secret would break the request; CLIs read their variable themselves, as it is.
    """
    for name in names:
        value = env.get(name, "")
        if strip:
            value = value.strip()
        if value:
            return name, value
    raise ProviderError(message, hint=hint)


def check_point_type(point: RollbackPoint, expected: str, *, provider: str, name: str) -> None:
    """The one check of a point's type (``<provider type>-<kind>``, base.point_type) before
    it is restored: a point another provider type recorded means nothing here."""
    if point.type != expected:
        raise ProviderError(
            f"{provider} provider {name!r} cannot restore a {point.type!r} point "
            f"(it restores {expected!r} points)",
            hint="roll back with the provider that recorded this point, or name the release "
            "with `hotfix-ci rollback --to TAG` so the provider finds its own point for it",
        )


def fill_release(template: str, release: Release) -> str:
    """Replace the release placeholders left in ``template`` (no str.format: braces in
    image references or JSON must survive)."""
    for key in RELEASE_KEYS:
        template = template.replace("{" + key + "}", getattr(release, key))
    return template


def timeout_schema(description: str, default: float) -> dict[str, Any]:
    """A provider's ``timeout``: seconds, or a duration such as ``5m`` or ``1h30m``."""
    from hotfix_ci.durations import DURATION_PATTERN

    return {
        "oneOf": [
            {"type": "number", "exclusiveMinimum": 0},
            {"type": "string", "pattern": DURATION_PATTERN},
        ],
        "default": default,
        "description": f"{description} Seconds, or a duration such as 5m.",
    }


def timeout_seconds(value: object, default: float, *, where: str) -> float:
    """``value`` (seconds or a duration string) in seconds; ``default`` when unset."""
    from hotfix_ci.durations import parse_duration

    if value is None or value == "":
        return float(default)
    seconds = parse_duration(value, where)
    if seconds <= 0:
        raise ConfigError(f"{where}: must be more than 0 seconds, got {value!r}")
    return seconds


def timeout_whole_seconds(value: object, default: float, *, where: str) -> int:
    """:func:`timeout_seconds` rounded up, for CLI flags such as ``--timeout=300s``."""
    return math.ceil(timeout_seconds(value, default, where=where))

"""Durations as written in the config: ``15s``, ``5m``, ``1h30m``, ``500ms``, or seconds.

Units follow Prometheus' duration strings (``h``, ``m``, ``s``, ``ms``) so a value copied
between a PromQL range and the watch schedule means the same thing. Plain numbers (YAML
ints or floats, or a numeric string) are seconds.
"""

from __future__ import annotations

import math
import re

from hotfix_ci.errors import ConfigError

# Units largest first; each may appear once, in this order ("1h30m", never "30m1h").
_UNIT_SECONDS: dict[str, float] = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_TOKEN = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Shared with the JSON schema so editors reject what the parser rejects.
DURATION_PATTERN = (
    r"^\s*(?=\d)(\d+(\.\d+)?|(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?(\d+(\.\d+)?ms)?)\s*$"
)

DURATION_HINT = (
    "write a duration: a number of seconds (30), or h, m, s, ms in that order (15s, 5m, 1h30m, "
    "500ms)"
)


def parse_duration(value: object, where: str) -> float:
    """Return ``value`` in seconds; raise ConfigError naming ``where`` if it is not one."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration, got {value!r}", hint=DURATION_HINT)
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip(), where)
    else:
        raise ConfigError(
            f"{where}: expected a duration, got {type(value).__name__} {value!r}",
            hint=DURATION_HINT,
        )
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        raise ConfigError(f"{where}: a duration must be a finite number >= 0, got {value!r}")
    return seconds


def _parse_text(text: str, where: str) -> float:
    if _NUMBER.fullmatch(text):
        return float(text)
    total = 0.0
    position = 0
    seen: list[str] = []
    for match in _TOKEN.finditer(text):
        unit = match.group(2)
        if match.start() != position or unit in seen or _out_of_order(seen, unit):
            break
        seen.append(unit)
        total += float(match.group(1)) * _UNIT_SECONDS[unit]
        position = match.end()
    if not text or position != len(text):
        raise ConfigError(f"{where}: {text!r} is not a duration", hint=DURATION_HINT)
    return total


def _out_of_order(seen: list[str], unit: str) -> bool:
    order = list(_UNIT_SECONDS)
    return bool(seen) and order.index(unit) < order.index(seen[-1])


def format_duration(seconds: float, *, spoken: bool = False) -> str:
    """Render seconds the way the config writes them: ``300`` -> ``5m``, ``0.5`` -> ``500ms``,
    ``5400`` -> ``1h30m``; so a value in a message can be copied back into the config.

    ``spoken``: as a sentence says it, to whole seconds (triage's response targets):
    ``900`` -> ``15 min``, ``5400`` -> ``1 h 30 min``, ``45`` -> ``45 s``, ``0`` -> ``0 s``.
    """
    if spoken:
        return _hours_minutes_seconds(round(seconds), ("h", "min", "s"), " ") or "0 s"
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    whole = int(seconds)
    if whole != seconds:
        return f"{seconds:g}s"
    return _hours_minutes_seconds(whole, ("h", "m", "s"), "")


def _hours_minutes_seconds(whole: int, units: tuple[str, str, str], space: str) -> str:
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    counts = zip((hours, minutes, secs), units, strict=True)
    parts = [f"{n}{space}{unit}" for n, unit in counts if n]
    return space.join(parts)

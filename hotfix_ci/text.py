"""Small text rules every message shares: the nearest valid choice, clipping to a limit, and
reading a number from an environment variable."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from typing import Any, TextIO, cast

from hotfix_ci.errors import UsageError


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The valid choice ``word`` most likely meant (a prefix either way, else difflib's
    nearest at its default cutoff), or None."""
    known = list(choices)
    text = str(word)
    prefixed = [name for name in known if text and (name.startswith(text) or text.startswith(name))]
    if prefixed:
        return prefixed[0]
    close = difflib.get_close_matches(text, known, n=1)
    return close[0] if close else None


def did_you_mean(word: object, choices: Iterable[str], *, listing: str | None = None) -> str:
    """``did you mean 'x'? `` (or ""), followed by ``listing: a, b, c`` when one is given."""
    known = list(choices)
    guess = closest(word, known)
    text = f"did you mean {guess!r}? " if guess is not None else ""
    if listing is not None:
        text += f"{listing}: {', '.join(known)}"
    return text.strip()


def clip(text: str, limit: int, *, one_line: bool = False) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis; ``one_line`` folds white space."""
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_setting(env: Mapping[str, str], name: str, default: float) -> float:
    """``env[name]`` as a finite number >= 0 (``default`` when unset or empty); a value that
    is not one is a usage error naming the variable."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(
            f"{name}={raw!r} is not a number",
            hint=f"unset {name} or give it a number of seconds, e.g. 15",
        ) from None
    if not math.isfinite(value) or value < 0:
        raise UsageError(
            f"{name}={raw!r} must be a finite number >= 0",
            hint=f"unset {name} or give it a number such as 15",
        )
    return value


# -- secrets ------------------------------------------------------------------------------
# Every value registered here (the GitHub token, provider and notification secrets, every
# masked value) is replaced by ``***`` in all text that leaves the process: Deployment
# statuses, comments, check runs, summaries, outputs, JSON, stdout and stderr.
_SECRETS: set[str] = set()
REDACTED = "***"
_MIN_SECRET = 4  # shorter values would redact ordinary words


def register_secret(value: str) -> None:
    for part in {value, *value.splitlines()}:
        if len(part.strip()) >= _MIN_SECRET:
            _SECRETS.add(part.strip())


def redact(text: str) -> str:
    """``text`` with every registered secret replaced, longest first."""
    if not _SECRETS or not text:
        return text
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingStream:
    """A text stream wrapper that redacts secrets from everything written through it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if text.startswith("::add-mask::"):  # the one line that must carry the value
            return self._stream.write(text)
        return self._stream.write(redact(text))

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redacting(stream: TextIO) -> TextIO:
    if isinstance(stream, RedactingStream):
        return stream
    return cast("TextIO", RedactingStream(stream))

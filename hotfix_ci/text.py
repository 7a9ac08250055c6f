"""Small text rules every message shares: the nearest valid choice, and clipping to a limit."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


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

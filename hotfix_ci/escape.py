"""Make data inert in each channel's markup, cut text to a limit, and redact secrets.

- Slack mrkdwn: ``&``, ``<`` and ``>`` are control characters and must become ``&amp;``,
  ``&lt;``, ``&gt;``; that alone defuses ``<!channel>``, ``<@U123>`` and ``<url|text>``:
  https://api.slack.com/reference/surfaces/formatting#escaping
- Discord and GitHub markdown, Teams Adaptive Card text (a CommonMark subset):
  a backslash makes any ASCII punctuation literal (https://spec.commonmark.org/0.31.2/#backslash-escapes);
  ``@`` gets a zero-width space after it so no ``@everyone``/``@here``/``@team`` ever pings
  (GitHub and Discord link mentions on the rendered text, after escapes are gone).
  Teams also expands ``{{DATE(...)}}``/``{{TIME(...)}}`` in TextBlocks, so ``{{`` is split:
  https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
- plain: JSON (webhook) and Statuspage text carry the value as it is.

Every escaper redacts the registered secrets (:func:`hotfix_ci.text.redact`) first: once
escaped, a token reads differently (``ghs_x`` is ``ghs\\_x`` in markdown) and the
redaction of the finished text would no longer find it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from hotfix_ci.text import REDACTED, redact

ZERO_WIDTH_SPACE = "\u200b"
# The characters that open markup (emphasis, code, links, headings, lists, quotes, spoilers,
# tables, HTML); "." and "!" only matter after one of these, so they stay as they are.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-|~<>])")
_DANGLING_ESCAPE = re.compile(r"(\\|&[a-z]{0,5}|@)$")


def slack(text: str) -> str:
    return redact(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown(text: str) -> str:
    """Discord and GitHub: every markdown character literal, mentions defused."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", redact(text))
    return escaped.replace("@", "@" + ZERO_WIDTH_SPACE)


def teams(text: str) -> str:
    return markdown(text).replace("\\{\\{", "\\{" + ZERO_WIDTH_SPACE + "\\{")


def plain(text: str) -> str:
    return redact(text)


ESCAPERS: dict[str, Callable[[str], str]] = {
    "slack": slack,
    "markdown": markdown,
    "teams": teams,
    "plain": plain,
}


def one_line(text: str) -> str:
    """Titles and facts stay on one line whatever a PR title holds (``\\n::error::``)."""
    return " ".join(text.split())


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never inside an escape."""
    if len(text) <= limit:
        return text
    cut = _DANGLING_ESCAPE.sub("", text[: limit - 1])
    return cut + "…"


class Redactor:
    """Replaces every known secret value (and the secret parts of secret URLs) with ***."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        for value in secrets:
            self.add(value)

    def add(self, value: str) -> None:
        for line in {value, *value.splitlines()}:
            stripped = line.strip()
            if len(stripped) >= 4:  # shorter values would redact ordinary words
                self._values.add(stripped)
        if value.startswith(("http://", "https://")):
            parts = urlsplit(value.strip())
            # Error texts of HTTP libraries quote the path and query without the scheme.
            for piece in (parts.path, parts.query):
                if len(piece) > 8:
                    self._values.add(piece)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self._values)

    def __call__(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return text

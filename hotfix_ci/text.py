"""Small text rules every message shares: the nearest valid choice, clipping to a limit, and
reading a number from an environment variable."""

from __future__ import annotations

import difflib
import json
import math
import re
import shlex
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


def number_setting(
    env: Mapping[str, str],
    name: str,
    default: float,
    *,
    low: float = 0.0,
    high: float = 10.0**7,
    whole: bool = False,
    unit: str = "seconds",
) -> float:
    """``env[name]`` as a finite number in ``[low, high]`` (a whole one with ``whole``;
    ``default`` when unset or empty). Anything else is a usage error (exit 2) naming the
    variable, its value and the accepted range, so a typo never becomes a hang or a crash."""
    raw = env.get(name)
    if not raw or not raw.strip():
        return default
    kind = "a whole number" if whole else "a number"
    accepted = f"{kind} of {unit} from {low:g} to {high:g}"
    hint = f"set {name} to {accepted}, or unset {name} for the default {default:g}"
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number", hint=hint) from None
    if not math.isfinite(value):
        raise UsageError(f"{name}={raw!r} must be a finite number: {accepted}", hint=hint)
    if not low <= value <= high or (whole and value != int(value)):
        raise UsageError(f"{name}={raw!r} is out of range: it must be {accepted}", hint=hint)
    return value


def shell_command(argv: Iterable[str]) -> str:
    """A command line for the user to paste, quoted by shell rules (``shlex.quote``), so
    the paste runs exactly ``argv`` whatever an environment, tag or argument holds. Every
    "run this by hand" in a message goes through here. An argument holding a line break or
    another control character is written in ANSI-C quotes (``$'a\\nb'``, bash and zsh),
    so the command stays one line and still means the same bytes."""
    return " ".join(_shell_word(str(arg)) for arg in argv)


_ANSI_C = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shell_word(arg: str) -> str:
    if arg.isprintable():
        return shlex.quote(arg)
    return "$'" + "".join(_ansi_c(ch) for ch in arg) + "'"


def _ansi_c(ch: str) -> str:
    if ch in _ANSI_C:
        return _ANSI_C[ch]
    if ch.isprintable():
        return ch
    code = ord(ch)  # \x for ASCII; \u, \U (the character, UTF-8 encoded) above
    return (
        f"\\x{code:02x}"
        if code < 0x80
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )


# -- user text --------------------------------------------------------------------------
# Text from outside (a PR title, a file path, a tool's or a service's answer) is data. The
# runner reads a line that starts with ``::`` (after blanks) as a workflow command, and it
# splits lines on CR as well as LF (and the other Unicode line breaks), so such text is
# printed as one line that never starts a command:
# https://docs.github.com/actions/reference/workflow-commands-for-github-actions
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_COMMAND_START = re.compile(r"(^|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029])([ \t]*)::")


def inert(text: object, *, lines: bool = False) -> str:
    """``text`` made safe to print: line breaks folded to one space (``lines=True`` keeps
    them), and ``::`` at the start of any line broken up (``: :``), so no user text can
    ever be read as a workflow command."""
    value = str(text)
    if not lines:
        value = _LINE_BREAKS.sub(" ", value)
    return _COMMAND_START.sub(r"\1\2: :", value)


def shown_path(path: str) -> str:
    """A file path as printed: as is when plain, else quoted with its line breaks and control
    characters escaped (JSON string rules), so the reader sees exactly which file."""
    if path and path.isprintable() and not any(ch in path for ch in " \"'"):
        return path
    return json.dumps(path, ensure_ascii=False)


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


def is_secret(value: str) -> bool:
    """Whether ``value`` (stripped) is one of the registered secrets."""
    return bool(_SECRETS) and value.strip() in _SECRETS


# Names of variables that hold secrets (the config's notification and gate secret
# variables): child processes never get them (see hotfix_ci.proc.child_env).
_SECRET_NAMES: set[str] = set()


def register_secret_name(name: str) -> None:
    if name:
        _SECRET_NAMES.add(name)


def secret_names() -> frozenset[str]:
    return frozenset(_SECRET_NAMES)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced, longest first."""
    if not _SECRETS or not text:
        return text
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingStream:
    """A text stream wrapper that redacts secrets from everything written through it, and
    makes every line inert (see :func:`inert`): only :meth:`write_command`, which
    :class:`~hotfix_ci.actions_io.ActionsIO` uses for its own workflow commands, can start
    one."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._line_start = True

    def write(self, text: str) -> int:
        if not text:
            return 0
        safe = inert(("\n" if self._line_start else "x") + redact(text), lines=True)[1:]
        self._line_start = text[-1] in "\r\n"
        return self._stream.write(safe)

    def write_command(self, line: str) -> int:
        """One workflow command line of ours (``::add-mask::`` carries its value, so it
        is the one line not redacted)."""
        self._line_start = line.endswith("\n")
        if line.startswith("::add-mask::"):
            return self._stream.write(line)
        return self._stream.write(redact(line))

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redacting(stream: TextIO) -> TextIO:
    if isinstance(stream, RedactingStream):
        return stream
    return cast("TextIO", RedactingStream(stream))

"""The GitHub Actions event that started this run, read from ``GITHUB_EVENT_PATH``.

GitHub sets ``GITHUB_EVENT_NAME`` and ``GITHUB_EVENT_PATH`` (a JSON file holding the
webhook payload) in every workflow step:
https://docs.github.com/en/actions/reference/variables-reference
Pull-request events carry the number as ``pull_request.number`` and as top-level
``number``: https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
Only identifiers come from the payload; state that can change is read from the live API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotfix_ci.errors import HotfixError, PayloadError

PULL_REQUEST_EVENTS = frozenset(
    {
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
    }
)
_OUTSIDE_HINT = "outside a pull_request event, pass --pr N (and --repo OWNER/NAME)"


@dataclass(frozen=True)
class Event:
    """An event name (``pull_request``, ``push``, ...) and its webhook payload."""

    name: str
    payload: Mapping[str, Any]


def read_event(env: Mapping[str, str]) -> Event:
    """Read the event from ``GITHUB_EVENT_NAME`` and the file ``GITHUB_EVENT_PATH`` names."""
    name = env.get("GITHUB_EVENT_NAME", "").strip()
    path_text = env.get("GITHUB_EVENT_PATH", "").strip()
    if not path_text:
        raise PayloadError(
            "GITHUB_EVENT_PATH is not set, so there is no event to read "
            "(this is not a GitHub Actions step, or the variable was cleared)",
            hint=_OUTSIDE_HINT,
        )
    if not name:
        raise PayloadError(
            "GITHUB_EVENT_NAME is not set, so the event file cannot be interpreted",
            hint="run inside a GitHub Actions step, or set GITHUB_EVENT_NAME (e.g. "
            "pull_request) next to GITHUB_EVENT_PATH; " + _OUTSIDE_HINT,
        )
    return Event(name=name, payload=_read_payload(Path(path_text)))


def _read_payload(path: Path) -> Mapping[str, Any]:
    where = f"event file {path} (GITHUB_EVENT_PATH)"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PayloadError(f"{where} does not exist", hint=_OUTSIDE_HINT) from None
    except IsADirectoryError:
        raise PayloadError(f"{where} is a directory", hint=_OUTSIDE_HINT) from None
    except OSError as exc:
        raise PayloadError(
            f"{where} cannot be read: {exc.strerror or exc}",
            hint="check the file's permissions; " + _OUTSIDE_HINT,
        ) from None
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PayloadError(
            f"{where} is not UTF-8 text (bad byte at offset {exc.start})",
            hint="GitHub writes the payload as UTF-8 JSON; " + _OUTSIDE_HINT,
        ) from None
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            hint="if you wrote the file by hand (act -e, tests), fix its JSON; " + _OUTSIDE_HINT,
        ) from None
    except ValueError as exc:  # e.g. an integer too long for int()
        raise PayloadError(f"{where} cannot be read as JSON: {exc}", hint=_OUTSIDE_HINT) from None
    except RecursionError:
        raise PayloadError(f"{where} is nested too deeply to read", hint=_OUTSIDE_HINT) from None
    if not isinstance(payload, dict):
        raise PayloadError(
            f"{where} holds a JSON {type(payload).__name__}, not an object",
            hint='a webhook payload is a JSON object such as {"number": 7, ...}; ' + _OUTSIDE_HINT,
        )
    return payload


def pull_number_from_event(event: Event) -> int | None:
    """The pull request number of a pull-request event; None for any other event."""
    if event.name not in PULL_REQUEST_EVENTS:
        return None
    pull = event.payload.get("pull_request")
    candidates = [pull.get("number") if isinstance(pull, Mapping) else None]
    candidates.append(event.payload.get("number"))
    for number in candidates:
        # bool is an int subclass; true is never a pull request number.
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            return number
    raise PayloadError(
        f"the {event.name} event payload has no usable pull request number "
        "(pull_request.number and number are missing or not positive integers)",
        hint="check the event file GITHUB_EVENT_PATH points at; " + _OUTSIDE_HINT,
    )


def pull_number_of_run(env: Mapping[str, str]) -> int | None:
    """The PR of the run's pull-request event (a merged hotfix's release and deploy run on
    it); None outside a pull-request event or when its payload names none."""
    if not env.get("GITHUB_EVENT_PATH"):
        return None
    try:
        return pull_number_from_event(read_event(env))
    except HotfixError:
        return None

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
import re
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
# GitHub caps webhook payloads at 25 MB:
# https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap
MAX_EVENT_BYTES = 25 * 1024 * 1024
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
        # Bounded: /dev/zero or a FIFO must not be read whole before the size check.
        with path.open("rb") as fh:
            raw = fh.read(MAX_EVENT_BYTES + 1)
    except FileNotFoundError:
        raise PayloadError(f"{where} does not exist", hint=_OUTSIDE_HINT) from None
    except IsADirectoryError:
        raise PayloadError(f"{where} is a directory", hint=_OUTSIDE_HINT) from None
    except OSError as exc:
        raise PayloadError(
            f"{where} cannot be read: {exc.strerror or exc}",
            hint="check the file's permissions; " + _OUTSIDE_HINT,
        ) from None
    if len(raw) > MAX_EVENT_BYTES or b"\0" in raw:
        raise PayloadError(
            f"{where} is not a webhook payload (binary data or over GitHub's 25 MB cap)",
            hint="GITHUB_EVENT_PATH must name the runner's event JSON file; " + _OUTSIDE_HINT,
        )
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


# A merge queue builds each entry on a temporary branch named after the pull request at its
# tip: gh-readonly-queue/<base branch>/pr-<number>-<sha of the base it was built on>.
# https://docs.github.com/en/webhooks/webhook-events-and-payloads#merge_group
_QUEUE_REF = re.compile(
    r"(?:refs/heads/)?gh-readonly-queue/(?P<base>.+)/pr-(?P<number>[1-9][0-9]{0,9})-[0-9a-f]{40}"
)
_SHA40 = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class MergeGroup:
    """A ``merge_group`` (``checks_requested``) event: the group's head commit, which the
    check run must be written on, and the pull request its head ref names."""

    head_sha: str
    head_ref: str
    base_ref: str
    pull: int


def merge_group_from_event(event: Event) -> MergeGroup | None:
    """The merge group of a ``merge_group`` event; None for any other event."""
    if event.name != "merge_group":
        return None
    group = event.payload.get("merge_group")
    if not isinstance(group, Mapping):
        raise PayloadError(
            "the merge_group event payload has no merge_group object",
            hint="check the event file GITHUB_EVENT_PATH points at; " + _OUTSIDE_HINT,
        )
    head_sha, head_ref = group.get("head_sha"), group.get("head_ref")
    if not isinstance(head_sha, str) or not _SHA40.fullmatch(head_sha):
        raise PayloadError(
            f"the merge_group event's head_sha {head_sha!r} is not a 40-character commit sha",
            hint="check the event file GITHUB_EVENT_PATH points at",
        )
    found = _QUEUE_REF.fullmatch(head_ref) if isinstance(head_ref, str) else None
    if found is None:
        raise PayloadError(
            f"the merge_group event's head_ref {head_ref!r} is not a merge queue branch "
            "(refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>)",
            hint="check-pr answers merge_group events GitHub's merge queue sends; " + _OUTSIDE_HINT,
        )
    base_ref = group.get("base_ref")
    return MergeGroup(
        head_sha=head_sha,
        head_ref=str(head_ref),
        base_ref=str(base_ref) if isinstance(base_ref, str) else found["base"],
        pull=int(found["number"]),
    )


@dataclass(frozen=True)
class WorkflowRun:
    """A ``workflow_run`` event (the review relay finished): the commit it ran on and the
    pull requests GitHub lists for it (empty for a pull request from a fork)."""

    head_sha: str
    pulls: tuple[int, ...]


def workflow_run_from_event(event: Event) -> WorkflowRun | None:
    """The finished run of a ``workflow_run`` event; None for any other event."""
    if event.name != "workflow_run":
        return None
    run = event.payload.get("workflow_run")
    head_sha = run.get("head_sha") if isinstance(run, Mapping) else None
    if (
        not isinstance(run, Mapping)
        or not isinstance(head_sha, str)
        or not _SHA40.fullmatch(head_sha)
    ):
        raise PayloadError(
            "the workflow_run event payload has no workflow_run.head_sha commit sha",
            hint="check the event file GITHUB_EVENT_PATH points at; " + _OUTSIDE_HINT,
        )
    listed = run.get("pull_requests")
    pulls = []
    for item in listed if isinstance(listed, list) else ():
        number = item.get("number") if isinstance(item, Mapping) else None
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            pulls.append(number)
    return WorkflowRun(head_sha=head_sha, pulls=tuple(dict.fromkeys(pulls)))


def pull_number_of_run(env: Mapping[str, str]) -> int | None:
    """The PR of the run's pull-request event (a merged hotfix's release and deploy run on
    it); None outside a pull-request event or when its payload names none."""
    if not env.get("GITHUB_EVENT_PATH"):
        return None
    try:
        return pull_number_from_event(read_event(env))
    except HotfixError:
        return None

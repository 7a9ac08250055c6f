"""GitHub Deployments and deployment statuses: the deployment log of hotfix-ci.

Endpoints, as documented:
- create: ``POST /repos/{owner}/{repo}/deployments`` (ref, task, auto_merge,
  required_contexts, payload, environment, description, transient_environment,
  production_environment) https://docs.github.com/rest/deployments/deployments#create-a-deployment
- list: ``GET /repos/{owner}/{repo}/deployments?environment=E`` (newest first, paginated by
  ``Link`` headers) https://docs.github.com/rest/deployments/deployments#list-deployments
- status: ``POST .../deployments/{id}/statuses`` (state, log_url, environment_url,
  description of at most 140 characters, auto_inactive)
  https://docs.github.com/rest/deployments/statuses#create-a-deployment-status
- statuses: ``GET .../deployments/{id}/statuses`` (newest first)
  https://docs.github.com/rest/deployments/statuses#list-deployment-statuses

PyGithub's ``Deployment.create_status`` has no ``log_url``, so statuses go through its
requester; ``auto_merge: false`` and ``required_contexts: []`` because a hotfix deploy of
a tag must neither merge the default branch into it nor wait for unrelated checks.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from hotfix_ci.github_api.rest import pages
from hotfix_ci.github_api.writes import write_once
from hotfix_ci.text import redact

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient

WRITE = "deployments: write"
READ = "deployments: read"
MAX_DESCRIPTION = 140


@dataclass(frozen=True, kw_only=True)
class DeploymentRecord:
    """One Deployment with its outcome: the newest status, or the newest outcome when a
    stale non-final status landed after it (:func:`settled`; ``state`` None: no status yet)."""

    id: int
    ref: str
    sha: str
    environment: str
    description: str
    payload: Mapping[str, Any] = field(default_factory=dict, hash=False)
    created_at: str = ""
    state: str | None = None
    status_description: str = ""
    creator: str = ""  # the login that created the Deployment
    # Its statuses, newest first, when read by ``with_history`` (else empty).
    statuses: tuple[StatusRecord, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StatusRecord:
    """One deployment status: what the Deployment went through, and when."""

    state: str
    description: str
    created_at: str
    creator: str = ""


WRITE_MARKER = "hotfix_ci_write"
TOOL = "hotfix-ci"  # the payload's "tool" on every Deployment hotfix-ci records


def pr_of(record: DeploymentRecord) -> int | None:
    """The hotfix PR a record names in its payload (None: an older record, or none)."""
    value = record.payload.get("pr")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def clip(text: str) -> str:
    """GitHub rejects a status description over 140 characters; secrets never reach it."""
    text = redact(text)
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _payload(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str) and raw.strip():
        try:
            loaded = json.loads(raw)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {}


def _login(data: Any) -> str:
    return str(data.get("login") or "") if isinstance(data, Mapping) else ""


def _record(
    data: Mapping[str, Any],
    state: str | None = None,
    status: str = "",
    statuses: tuple[StatusRecord, ...] = (),
) -> DeploymentRecord:
    return DeploymentRecord(
        id=int(data["id"]),
        ref=str(data.get("ref") or ""),
        sha=str(data.get("sha") or ""),
        environment=str(data.get("environment") or ""),
        description=str(data.get("description") or ""),
        payload=_payload(data.get("payload")),
        created_at=str(data.get("created_at") or ""),
        state=state,
        status_description=status,
        creator=_login(data.get("creator")),
        statuses=statuses,
    )


def create_deployment(
    client: GitHubClient,
    *,
    ref: str,
    environment: str,
    payload: Mapping[str, Any],
    description: str,
    production: bool,
    transient: bool = False,
) -> DeploymentRecord:
    # A marker unique to this write: after a 5xx or timeout the Deployment is looked up by
    # it, so a write GitHub applied is never made twice (an orphan Deployment).
    marker = uuid.uuid4().hex
    body = {
        "ref": ref,
        "task": "deploy",
        "auto_merge": False,
        "required_contexts": [],
        "payload": {**dict(payload), WRITE_MARKER: marker},
        "environment": environment,
        "description": clip(description),
        "production_environment": production,
        "transient_environment": transient,
    }
    url = f"/repos/{client.repo_name}/deployments"

    def post() -> DeploymentRecord:
        with client.call(f"creating a {environment} Deployment of {ref}", WRITE):
            _, data = client.gh.requester.requestJsonAndCheck("POST", url, input=body)
        return _record(data)

    def lookup() -> DeploymentRecord | None:
        with client.call(f"looking for the {environment} Deployment of {ref}", READ):
            _, data = client.gh.requester.requestJsonAndCheck(
                "GET", url, parameters={"environment": environment, "per_page": 30}
            )
        for item in data if isinstance(data, list) else []:
            if _payload(item.get("payload")).get(WRITE_MARKER) == marker:
                return _record(item)
        return None

    return write_once(post, lookup)


def create_status(
    client: GitHubClient,
    deployment_id: int,
    state: str,
    *,
    description: str = "",
    log_url: str | None = None,
    environment_url: str | None = None,
) -> None:
    body: dict[str, Any] = {"state": state, "description": clip(description)}
    if log_url:
        body["log_url"] = log_url
    if environment_url:
        body["environment_url"] = environment_url
    url = f"/repos/{client.repo_name}/deployments/{deployment_id}/statuses"

    def post() -> bool:
        with client.call(f"marking Deployment {deployment_id} {state}", WRITE):
            client.gh.requester.requestJsonAndCheck("POST", url, input=body)
        return True

    def lookup() -> bool | None:
        latest, text = latest_status(client, deployment_id)
        return True if (latest, text) == (state, body["description"]) else None

    write_once(post, lookup)


def latest_status(client: GitHubClient, deployment_id: int) -> tuple[str | None, str]:
    url = f"/repos/{client.repo_name}/deployments/{deployment_id}/statuses"
    with client.call(f"reading the status of Deployment {deployment_id}", READ):
        _, data = client.gh.requester.requestJsonAndCheck("GET", url, parameters={"per_page": 1})
    if isinstance(data, list) and data:
        return str(data[0].get("state")), str(data[0].get("description") or "")
    return None, ""


# A Deployment's outcome: once one of these is written, a later in_progress / queued /
# pending status is a stale write (an earlier request that landed late) and is ignored.
OUTCOMES = frozenset({"success", "failure", "error", "inactive"})
STATUS_WINDOW = 20  # newest statuses read per Deployment to find its outcome


def settled(states: Sequence[object]) -> int:
    """Where a Deployment's history starts, given its status states newest first: at the
    newest outcome, so an outcome is never demoted by a later non-final status (a stale
    write that landed late: ``in_progress, success, in_progress`` reads ``success``); at
    the newest status when there is no outcome yet."""
    return next((index for index, state in enumerate(states) if state in OUTCOMES), 0)


def outcome_status(client: GitHubClient, deployment_id: int) -> tuple[str | None, str]:
    """The state and description of the Deployment's outcome (see :func:`settled`) among
    its newest statuses; (None, "") when it has none."""
    url = f"/repos/{client.repo_name}/deployments/{deployment_id}/statuses"
    with client.call(f"reading the statuses of Deployment {deployment_id}", READ):
        _, data = client.gh.requester.requestJsonAndCheck(
            "GET", url, parameters={"per_page": STATUS_WINDOW}
        )
    statuses = [s for s in data if isinstance(s, dict)] if isinstance(data, list) else []
    if not statuses:
        return None, ""
    chosen = statuses[settled([s.get("state") for s in statuses])]
    return str(chosen.get("state")), str(chosen.get("description") or "")


def list_statuses(client: GitHubClient, deployment_id: int) -> tuple[StatusRecord, ...]:
    """Every status of a Deployment, newest first (one request up to 100 statuses)."""
    url = f"/repos/{client.repo_name}/deployments/{deployment_id}/statuses"
    with client.call(f"listing the statuses of Deployment {deployment_id}", READ):
        return tuple(
            StatusRecord(
                state=str(item.get("state") or ""),
                description=str(item.get("description") or ""),
                created_at=str(item.get("created_at") or ""),
                creator=_login(item.get("creator")),
            )
            for item in pages(client, url, per_page=100)
        )


def deployment_records(
    client: GitHubClient, environment: str | None = None, *, limit: int = 1000
) -> Iterator[DeploymentRecord]:
    """Deployments of ``environment`` (None: every environment), newest first, without
    their statuses: 100 a page and nothing more, lazily. :func:`with_history` adds them."""
    url = f"/repos/{client.repo_name}/deployments"
    params = {"environment": environment} if environment else {}
    where = f"{environment} " if environment else ""
    items = pages(client, url, params, per_page=100)
    for _ in range(limit):
        with client.call(f"listing {where}Deployments", READ):
            item = next(items, None)
        if item is None:
            return
        yield _record(item)


def with_history(client: GitHubClient, record: DeploymentRecord) -> DeploymentRecord:
    """``record`` with its statuses (one request) and its outcome. An outcome is never
    demoted (see :func:`settled`): a non-final status newer than the newest outcome is a
    stale write that landed late, left out of the history, so it neither shows as a step
    nor moves a report's or the metrics' times."""
    statuses = list_statuses(client, record.id)
    statuses = statuses[settled([status.state for status in statuses]) :]
    newest = statuses[0] if statuses else None
    return replace(
        record,
        statuses=statuses,
        state=newest.state if newest else None,
        status_description=newest.description if newest else "",
    )


def list_deployments(
    client: GitHubClient, environment: str | None = None, *, limit: int = 200
) -> Iterator[DeploymentRecord]:
    """Deployments of ``environment`` (None: of every environment), newest first, each with
    its outcome (:func:`outcome_status`); lazily, so a caller that stops early costs no
    further requests."""
    for record in deployment_records(client, environment, limit=limit):
        state, text = outcome_status(client, record.id)
        yield replace(record, state=state, status_description=text)


def recorded_by_hotfix_ci(record: DeploymentRecord, provider: str | None = None) -> bool:
    """A Deployment hotfix-ci recorded (payload ``tool``), of ``provider`` when one is named
    (other tools' Deployments, and those of the environment's other providers, are not)."""
    body = record.payload
    return body.get("tool") == TOOL and (provider is None or body.get("provider") == provider)

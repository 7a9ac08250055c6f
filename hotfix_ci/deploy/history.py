"""The Deployments API as the deployment log: what is live, what was good before it.

hotfix-ci writes a payload on every Deployment it creates (:func:`payload`); the log only
trusts Deployments carrying it, for the provider asked about. "Live" is the newest
Deployment whose newest status is ``success`` (a rollback record counts: it is what runs).
Order is the log's order (newest first), never version arithmetic, so every tag scheme
(semver, prerelease, date) reads the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from hotfix_ci.config.model import ProviderSpec, ReleaseConfig
from hotfix_ci.github_api.deployments import (
    TOOL,
    DeploymentRecord,
    list_deployments,
    recorded_by_hotfix_ci,
)
from hotfix_ci.providers.base import Release, RollbackPoint
from hotfix_ci.release.versioning import version_of_tag

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient


def payload(
    *,
    provider: str,
    provider_type: str,
    release: Release,
    previous: RollbackPoint | None,
    previous_tag: str | None,
    rollback_of: str | None = None,
    point: RollbackPoint | None = None,
    run_url: str | None = None,
    pr: int | None = None,
    break_glass: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload of a Deployment record. ``previous`` is what was live before it;
    a rollback record also carries ``point``, the provider's own point it restored.
    ``pr`` is the hotfix pull request the release came from and ``break_glass`` whether it
    was merged without the approvals its severity needs; both are left out when unknown
    (older records have neither: readers fall back to the commit, see ``pr_of``)."""
    body: dict[str, Any] = {
        "tool": TOOL,
        "provider": provider,
        "provider_type": provider_type,
        "tag": release.tag,
        "version": release.version,
        "previous": None if previous is None else {**previous.as_dict(), "tag": previous_tag},
    }
    if rollback_of:
        body["rollback_of"] = rollback_of
    if point is not None:
        body["point"] = {**point.as_dict(), "tag": release.tag}
    if run_url:
        body["run_url"] = run_url
    if pr is not None:
        body["pr"] = pr
    if break_glass:
        # A release of a PR that did not pass the gate: {merged_by, bypassed_by, reason, gate}
        body["break_glass"] = dict(break_glass)
    return body


class DeploymentLog:
    """One provider's Deployments in one environment, fetched lazily and cached."""

    def __init__(self, client: GitHubClient, environment: str, provider: str) -> None:
        self._source: Iterator[DeploymentRecord] = list_deployments(client, environment)
        self._seen: list[DeploymentRecord] = []
        self.environment = environment
        self.provider = provider

    def __iter__(self) -> Iterator[DeploymentRecord]:
        yield from self._seen
        for record in self._source:
            if recorded_by_hotfix_ci(record, self.provider):
                self._seen.append(record)
                yield record


def live(records: Iterable[DeploymentRecord]) -> DeploymentRecord | None:
    return next((r for r in records if r.state == "success"), None)


def good_before(
    records: Iterable[DeploymentRecord], current: DeploymentRecord | None
) -> DeploymentRecord | None:
    """The release to roll back to from ``current``: the newest successful one older than
    the release ``current`` stands for, with another ref. When ``current`` is itself a
    rollback (payload ``rollback_of``), it stands for the release it rolled back from, so a
    second rollback finds the same target and says "already there" instead of walking
    further back (``--to`` does that)."""
    seen = list(records)
    if current is None:
        return next((r for r in seen if r.state == "success"), None)
    anchor, avoid = current, current.ref
    undone = current.payload.get("rollback_of")
    if isinstance(undone, str) and undone:
        avoid = undone
        anchor = next(
            (r for r in seen if r.id < current.id and r.ref == undone and not _is_rollback(r)),
            current,
        )
    return next(
        (r for r in seen if r.id < anchor.id and r.state == "success" and r.ref != avoid), None
    )


def _is_rollback(record: DeploymentRecord) -> bool:
    return bool(record.payload.get("rollback_of"))


def deployed_before(
    records: Iterable[DeploymentRecord], tag: str, current: DeploymentRecord
) -> bool:
    """Was ``tag`` live at some point before ``current`` (so deploying it again goes back)?"""
    return any(r.id < current.id and r.ref == tag and r.state == "success" for r in records)


def success_of(records: Iterable[DeploymentRecord], tag: str) -> DeploymentRecord | None:
    return next((r for r in records if r.ref == tag and r.state == "success"), None)


def recorded_point(records: Iterable[DeploymentRecord], tag: str) -> RollbackPoint | None:
    """The provider's own point for release ``tag``, as a later Deployment recorded it."""
    for record in records:
        for key in ("previous", "point"):
            raw = record.payload.get(key)
            if isinstance(raw, Mapping) and raw.get("tag") == tag and raw.get("ref"):
                return RollbackPoint.from_dict(raw)
    return None


def tag_of_point(records: Iterable[DeploymentRecord], point: RollbackPoint) -> str | None:
    """The release the log knows ``point`` (what the provider runs) as: a point whose ref is
    a release tag of the log (the command provider's), or one a Deployment recorded as its
    ``previous`` / ``point`` with the tag; None when the log cannot tell."""
    for record in records:
        if record.ref == point.ref:
            return record.ref
        for key in ("previous", "point"):
            raw = record.payload.get(key)
            if isinstance(raw, Mapping) and raw.get("ref") == point.ref and raw.get("tag"):
                return str(raw["tag"])
    return None


def release_of(record: DeploymentRecord, release_config: ReleaseConfig) -> Release:
    """The release a Deployment record deployed: its payload's version, else the version
    of its tag under ``release_config`` (a suffix tag keeps its suffix)."""
    version = record.payload.get("version") or version_of_tag(record.ref, release_config)
    return Release(
        tag=record.ref, version=str(version), sha=record.sha, environment=record.environment
    )


def point_from_record(
    record: DeploymentRecord, spec: ProviderSpec, release_config: ReleaseConfig
) -> RollbackPoint:
    """A point for a release known only from the log: its tag is the ref (the command
    provider passes it as {rollback_ref}; {tag}, {version}, {sha} come from data)."""
    return RollbackPoint(
        provider=spec.name,
        type=spec.type,
        ref=record.ref,
        description=f"release {record.ref} (from the deployment log)",
        data=asdict(release_of(record, release_config)),
    )

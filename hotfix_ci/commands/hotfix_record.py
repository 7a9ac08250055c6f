"""The facts of hotfixes, gathered from GitHub with as few requests as the API allows (for
``report`` and ``metrics``; here, not in ``reports``, since it reads the PR body through
``release.notes`` and the reports must not import the stages that import them).

One hotfix (``report``): the PR, its reviews, label events and comments (one request
each), the Deployments list of every environment (100 a page, stopping at the first one
created before the PR was opened), the statuses of its own Deployments only, and the
release of each of its tags.

All hotfixes (``metrics``): the issues list filtered by the hotfix label (100 a page), the
reviews of each PR (the one per-PR call: GitHub lists no reviews across PRs), the
Deployments list once, and the statuses of the hotfixes' own Deployments. A Deployment
names its PR in its payload (``pr``); an older one without it is matched by its commit
(the merge commit of the PR, or ``commits/{sha}/pulls``, once per commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from hotfix_ci.config.model import HotfixConfig, SeverityConfig
from hotfix_ci.errors import UsageError
from hotfix_ci.github_api import hotfixes
from hotfix_ci.github_api.client import GitHubClient
from hotfix_ci.github_api.deployments import (
    DeploymentRecord,
    deployment_records,
    pr_of,
    recorded_by_hotfix_ci,
    with_history,
)
from hotfix_ci.github_api.hotfixes import HotfixPull
from hotfix_ci.release.notes import parse_sections
from hotfix_ci.reports.timeline import HotfixFacts, Timeline, build_timeline


def severity_of(labels: Iterable[str], cfg: HotfixConfig) -> SeverityConfig | None:
    """The one severity the labels name (None: none, or several)."""
    names = set(labels)
    found = [sev for sev in cfg.severities if sev.label in names]
    return found[0] if len(found) == 1 else None


def timeline_of(facts: HotfixFacts, cfg: HotfixConfig) -> Timeline:
    """The timeline measured against the targets of the hotfix's severity."""
    return build_timeline(facts, cfg.target_for(facts.severity.name if facts.severity else None))


def check_format(value: str, formats: Sequence[str]) -> str:
    if value not in formats:
        raise UsageError(f"unknown --format {value!r}", hint=f"use one of {', '.join(formats)}")
    return value


def hotfix_label(cfg: HotfixConfig) -> str:
    return cfg.pull_request.labels[0] if cfg.pull_request.labels else "hotfix"


def recorded_since(client: GitHubClient, since: str) -> list[DeploymentRecord]:
    """hotfix-ci's Deployments of every environment created at or after ``since``."""
    found = []
    for record in deployment_records(client):
        if record.created_at and record.created_at < since:
            break  # newest first: everything further is older
        if recorded_by_hotfix_ci(record):
            found.append(record)
    return found


def attribute(
    records: Sequence[DeploymentRecord],
    wanted: set[int],
    merge_shas: dict[str, int],
    commit_pulls: Callable[[str], tuple[int, ...]] | None,
) -> dict[int, list[DeploymentRecord]]:
    """Each wanted PR's Deployments: by payload ``pr``, else by commit; a rollback record
    without ``pr`` goes to the PR whose tag it rolled back."""
    by_pr: dict[int, list[DeploymentRecord]] = {}
    tag_owner: dict[str, int] = {}
    asked: dict[str, tuple[int, ...]] = {}
    deploys = [r for r in records if not r.payload.get("rollback_of")]
    for record in sorted(deploys, key=lambda r: r.id):
        number = pr_of(record) or merge_shas.get(record.sha)
        if number is None and commit_pulls is not None and "pr" not in record.payload:
            if record.sha not in asked:
                asked[record.sha] = commit_pulls(record.sha)
            number = next((n for n in asked[record.sha] if n in wanted), None)
        if number in wanted:
            by_pr.setdefault(number, []).append(record)
            tag_owner.setdefault(record.ref, number)
    for record in records:
        undone = record.payload.get("rollback_of")
        if not undone:
            continue
        number = pr_of(record) or tag_owner.get(str(undone))
        if number in wanted:
            by_pr.setdefault(number, []).append(record)
    return by_pr


def one_hotfix(client: GitHubClient, cfg: HotfixConfig, number: int) -> HotfixFacts:
    pull = hotfixes.pull(client, number)
    if pull is None:
        raise UsageError(
            f"pull request #{number} was not found in {client.repo_name}",
            hint="check the number (an issue is not a pull request) and that the token can "
            "read the repository (pull-requests: read)",
        )
    reviews = client.reviews(number)
    labels = client.label_events(number)
    comments = hotfixes.comments(client, number)
    records = recorded_since(client, pull.created_at)
    shas = {pull.merge_commit_sha: number} if pull.merge_commit_sha else {}
    mine = attribute(records, {number}, shas, None).get(number, [])
    deployments = tuple(with_history(client, r) for r in mine)
    releases: dict[str, str] = {}
    for tag in dict.fromkeys(r.ref for r in deployments if not r.payload.get("rollback_of")):
        published = hotfixes.release_time(client, tag)
        if published:
            releases[tag] = published
    return HotfixFacts(
        pull=pull,
        severity=severity_of(pull.labels, cfg),
        reviews=reviews,
        label_events=labels,
        deployments=deployments,
        releases=releases,
        comments=comments,
        sections=parse_sections(pull.body),
    )


def all_hotfixes(client: GitHubClient, cfg: HotfixConfig, since: str) -> list[HotfixFacts]:
    pulls: list[HotfixPull] = list(hotfixes.hotfix_pulls(client, hotfix_label(cfg), since))
    if not pulls:
        return []
    earliest = min(p.created_at for p in pulls)
    records = recorded_since(client, earliest)
    wanted = {p.number for p in pulls}
    by_pr = attribute(records, wanted, {}, lambda sha: hotfixes.pulls_of_commit(client, sha))
    facts = []
    for pull in pulls:
        facts.append(
            HotfixFacts(
                pull=pull,
                severity=severity_of(pull.labels, cfg),
                reviews=client.reviews(pull.number),
                deployments=tuple(with_history(client, r) for r in by_pr.get(pull.number, [])),
            )
        )
    return facts

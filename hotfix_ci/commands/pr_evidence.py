"""Gather what the PR gate needs from the live pull request, in as few requests as we can."""

from __future__ import annotations

from pathlib import Path

from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.github_api import GitHubClient
from hotfix_ci.model import FileChange, GateEvidence, PullRequest
from hotfix_ci.policy.approvals import candidate_approvers
from hotfix_ci.policy.classify import is_hotfix, severity_of
from hotfix_ci.policy.principals import logins_in, teams_in


def local_files(workdir: Path, pull: PullRequest) -> tuple[FileChange, ...] | None:
    """The diff from ``git diff --numstat`` when the checkout holds both commits."""
    from hotfix_ci import gitrepo

    try:
        if not gitrepo.is_git_repo(workdir):
            return None
        if not (
            gitrepo.has_commit(workdir, pull.base_sha)
            and gitrepo.has_commit(workdir, pull.head_sha)
        ):
            return None
        return tuple(gitrepo.numstat(workdir, pull.base_sha, pull.head_sha))
    except Exception:
        return None


def gather(
    client: GitHubClient, number: int, cfg: HotfixConfig, workdir: Path | None
) -> GateEvidence:
    pull = client.pull(number)
    skipped = pull.author.lower() in {a.lower() for a in cfg.pull_request.skip_authors}
    if not is_hotfix(pull, cfg) or skipped:
        return GateEvidence(pull=pull)
    files = local_files(workdir, pull) if workdir is not None else None
    truncated = False
    if files is None:
        files, at_cap = client.pull_files(number)
        # changed_files is the true count; the list stops at GitHub's cap.
        truncated = pull.changed_files > len(files) if pull.changed_files else at_cap
    reviews = client.reviews(number)
    evidence = GateEvidence(pull=pull, reviews=reviews, files=files, files_truncated=truncated)
    sev = severity_of(pull, cfg)
    label_events = client.label_events(number) if sev and sev.labelled_by else ()

    permissions: dict[str, str] = {}
    team_members: dict[str, frozenset[str]] = {}
    unreadable: set[str] = set()

    def check_teams(entries: tuple[str, ...], logins: list[str]) -> None:
        listed = logins_in(entries)
        for org, slug in teams_in(entries):
            key = f"@{org}/{slug}"
            members = set(team_members.get(key, frozenset()))
            for login in logins:
                if login.lower() in listed or key in unreadable:
                    continue
                found = client.team_has_member(org, slug, login)
                if found is None:
                    unreadable.add(key)
                elif found:
                    members.add(login)
            team_members[key] = frozenset(members)

    approvers = candidate_approvers(evidence, cfg.approvals)
    if sev is not None and sev.hotfix and sev.approvals > 0:
        if cfg.approvals.reviewers:
            check_teams(cfg.approvals.reviewers, approvers)
        else:
            for login in approvers:
                permissions[login] = client.permission(login)
    if sev is not None and sev.labelled_by:
        applied = [e for e in label_events if e.event == "labeled" and e.label == sev.label]
        if applied and applied[-1].actor:
            check_teams(sev.labelled_by, [applied[-1].actor])
    return GateEvidence(
        pull=pull,
        reviews=reviews,
        files=files,
        files_truncated=truncated,
        label_events=label_events,
        permissions=permissions,
        team_members=team_members,
        unreadable_teams=tuple(sorted(unreadable)),
    )

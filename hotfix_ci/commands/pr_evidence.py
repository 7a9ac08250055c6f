"""Gather what the PR gate needs from the live pull request, in as few requests as we can."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from hotfix_ci.config import DEFAULT_CONFIG_PATH, load_config, validate_config_text
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.github_api import GitHubClient
from hotfix_ci.model import FileChange, GateEvidence, PullRequest
from hotfix_ci.policy.approvals import candidate_approvers, change_requesters
from hotfix_ci.policy.classify import is_hotfix, severity_of
from hotfix_ci.policy.pr_gate import policy_files_changed
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
        files = tuple(gitrepo.numstat(workdir, pull.base_sha, pull.head_sha))
    except Exception:
        return None
    # git has no line counts for a file it treats as binary (a PR's `.gitattributes` can say
    # `* -diff`): count the whole diff by the API's numbers instead of as 0 lines.
    if any(f.binary for f in files):
        return None
    return files


@dataclass(frozen=True)
class Policy:
    config: HotfixConfig
    path: str  # the config file's path in the repository
    from_base: bool  # read from the PR's base commit (else from the checkout)


def policy_config(
    config: Path | None,
    workdir: Path,
    pull: PullRequest,
    client: GitHubClient | None = None,
) -> Policy:
    """The policy that judges ``pull``: its config file as of the PR's *base* commit.

    The checkout holds the PR's own tree, which its author controls; ``git show base:path``
    reads the trusted copy (absent there: the defaults). An absolute ``--config`` outside the
    checkout is the operator's own file and is read as given. With no checkout at all (the
    ``pull_request_target`` gate never checks out PR code) and no file on disk, the API's
    contents at the base sha are read. Otherwise, without the base commit in the checkout
    the file on disk is read, and ``from_base`` is False so that a PR which changes a policy
    file fails closed.
    """
    from hotfix_ci import gitrepo

    rel = config if config is not None else DEFAULT_CONFIG_PATH
    if rel.is_absolute():
        try:
            rel = rel.resolve().relative_to(workdir.resolve())
        except ValueError:
            return Policy(load_config(config, workdir=workdir), rel.as_posix(), True)
    name = rel.as_posix()
    try:
        readable = gitrepo.is_git_repo(workdir) and gitrepo.has_commit(workdir, pull.base_sha)
    except Exception:
        readable = False
    if not readable and client is not None and not (workdir / rel).exists():
        return _policy_from_api(client, name, pull)
    if not readable:
        return Policy(load_config(config, workdir=workdir), name, False)
    text = gitrepo.file_at(workdir, pull.base_sha, name)
    if text is None:
        return Policy(HotfixConfig(), name, True)
    shown = f"{name} (at the base commit {pull.base_sha[:7]})"
    return Policy(validate_config_text(text, shown), name, True)


def _policy_from_api(client: GitHubClient, name: str, pull: PullRequest) -> Policy:
    """The config file through the contents API at the base sha (absent: the defaults)."""
    from hotfix_ci.github_api.releases import get_file

    found = get_file(client, name, pull.base_sha)
    if found is None:
        return Policy(HotfixConfig(), name, True)
    shown = f"{name} (at the base commit {pull.base_sha[:7]}, read through the API)"
    return Policy(validate_config_text(found.text, shown), name, True)


def gather(
    client: GitHubClient,
    number: int,
    cfg: HotfixConfig,
    workdir: Path | None,
    *,
    pull: PullRequest | None = None,
    policy: Policy | None = None,
) -> GateEvidence:
    pull = pull if pull is not None else client.pull(number)
    config_path = policy.path if policy else DEFAULT_CONFIG_PATH.as_posix()
    from_base = policy.from_base if policy else True
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
    evidence = GateEvidence(
        pull=pull,
        reviews=reviews,
        files=files,
        files_truncated=truncated,
        config_path=config_path,
        policy_from_base=from_base,
    )
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

    needs_approval = sev is not None and sev.hotfix and sev.approvals > 0
    policy_change = bool(policy_files_changed(evidence))
    pushers: tuple[str, ...] = ()
    if (needs_approval or policy_change) and candidate_approvers(evidence, cfg.approvals):
        # Whoever pushed to the PR cannot approve it (GitHub's "most recent push" rule).
        pushers = client.pushers(number)
        evidence = replace(evidence, pushers=pushers)
    approvers = candidate_approvers(evidence, cfg.approvals)
    # A change request blocks only when its author's approval would count: read their
    # standing too.
    standing = change_requesters(evidence) if sev is not None and sev.hotfix else []
    if needs_approval or policy_change:
        standing = [*approvers, *(w for w in standing if w not in approvers)]
    if standing:
        if cfg.approvals.reviewers:
            check_teams(cfg.approvals.reviewers, standing)
        else:
            for login in standing:
                permissions[login] = client.permission(login)
    if sev is not None and sev.labelled_by:
        applied = [e for e in label_events if e.event == "labeled" and e.label == sev.label]
        if applied and applied[-1].actor:
            check_teams(sev.labelled_by, [applied[-1].actor])
    return replace(
        evidence,
        label_events=label_events,
        permissions=permissions,
        team_members=team_members,
        unreadable_teams=tuple(sorted(unreadable)),
    )

"""What ``hotfix-ci release`` decides before it writes: the pull request, the version, the
deploy matrix, and the texts of the tag, the follow-up issue and the back-merge PR.

Pure functions over data the command read; the version arithmetic is
:mod:`hotfix_ci.release.versioning`'s, the hotfix rule :mod:`hotfix_ci.policy.classify`'s.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from hotfix_ci.config.model import DeployConfig, HotfixConfig, ReleaseConfig
from hotfix_ci.github_api.releases import CommitPull, TagInfo
from hotfix_ci.patterns import TagTemplate
from hotfix_ci.release import versioning
from hotfix_ci.release.version_files import version_in_text
from hotfix_ci.reports.release import Matrix
from hotfix_ci.text import inert


@dataclass(frozen=True, kw_only=True)
class PlannedVersion:
    version: str
    tag: str
    previous_version: str | None
    previous_tag: str | None
    reused: bool  # the commit already carried this tag: nothing to create


def merged_as(pulls: Sequence[CommitPull], sha: str) -> CommitPull | None:
    """The pull request merged as exactly ``sha`` (its merge commit), else None."""
    return next((p for p in pulls if p.pull.merged and p.pull.merge_commit_sha == sha), None)


def pick_pull(pulls: Sequence[CommitPull], sha: str, cfg: HotfixConfig) -> CommitPull | None:
    """The pull request merged as ``sha``; else one merged into an allowed base branch."""
    allowed = (p for p in pulls if p.pull.merged and p.pull.base_ref in cfg.pull_request.base)
    return merged_as(pulls, sha) or next(allowed, None)


def _at_or_above(candidate: versioning.Release, mine: versioning.Release) -> bool:
    same = (candidate.base, candidate.rank, candidate.counter) == (
        mine.base,
        mine.rank,
        mine.counter,
    )
    return same or versioning.latest([mine, candidate]) is candidate


def plan_version(
    cfg: ReleaseConfig,
    tags: Iterable[TagInfo],
    sha: str,
    current: str | None,
    *,
    now: datetime,
    taken: Collection[str] = (),
) -> PlannedVersion:
    """Reuse a release tag already on ``sha``; otherwise the next version not in ``taken``.

    On reuse the previous version is computed as the first run did: from the tags below the
    reused one, so a re-run reports the same outputs even after later hotfixes.
    """
    tags = list(tags)
    template = TagTemplate(cfg.tag_template, scheme=versioning.check_scheme(cfg.scheme))
    releases = {t.name: versioning.release_from_tag(t.name, cfg, template) for t in tags}
    mine = versioning.latest(
        r
        for t in tags
        if t.commit_sha == sha and (r := releases[t.name]) is not None and r.from_template
    )
    if mine is not None and mine.tag is not None:
        below = [
            name
            for name, release in releases.items()
            if release is None or not _at_or_above(release, mine)
        ]
        earlier = versioning.next_version(current, cfg, now=now, existing_tags=below)
        on_sha = {**asdict(earlier), "version": mine.version, "tag": mine.tag}
        return PlannedVersion(**on_sha, reused=True)
    names = {t.name for t in tags} | set(taken)
    upcoming = versioning.next_version(current, cfg, now=now, existing_tags=names)
    return PlannedVersion(**asdict(upcoming), reused=False)


def version_file_name(cfg: ReleaseConfig) -> str | None:
    """``PATH`` of ``version_from: file:PATH``; None for tags (and for the date scheme)."""
    prefix, _, name = cfg.version_from.partition(":")
    if prefix != "file" or cfg.scheme == "date":
        return None
    return name.strip() or None


def parse_version_text(name: str, text: str) -> str:
    """The version in the text of the file ``name``, by the rules of ``hotfix-ci version``."""
    return version_in_text(name, text)


def deploy_matrix(deploy: DeployConfig) -> Matrix:
    """``{"include": [{"environment": E, "provider": P}, ...]}``: one job per provider."""
    include = [
        {"environment": name, "provider": spec.name}
        for name, environment in deploy.environments.items()
        for spec in environment.providers
    ]
    return {"include": include}


def tag_message(version: str, pr_number: int, title: str, severity: str | None, url: str) -> str:
    return (
        f"Hotfix {version}: {title}\n\n"
        f"Pull request: #{pr_number} {url}\n"
        f"Severity: {severity or 'none'}\n"
    )


def review_issue_title(pr_title: str) -> str:
    return f"Post-deploy review: {inert(pr_title)}"  # one line whatever the title holds


def review_issue_body(
    *, pr_number: int, pr_url: str, tag: str, severity: str, reviewers: Sequence[str]
) -> str:
    who = " ".join(r if r.startswith("@") else f"@{r}" for r in reviewers)
    ask = (
        f"{who}: please review"
        if who
        else "No reviewers are configured (approvals.reviewers); whoever is on call: please review"
    )
    return (
        f"{ask} pull request #{pr_number} ({pr_url}).\n\n"
        f"It shipped as {tag} with severity {severity}, whose gate lets a hotfix through "
        "without the usual approval on condition that it is reviewed after the deploy "
        "(`review_after_deploy`). Review the change now, record the outcome here, and close "
        "this issue.\n"
    )


def back_merge_branch(tag: str, target: str) -> str:
    return f"hotfix-backmerge/{tag}-into-{target}"

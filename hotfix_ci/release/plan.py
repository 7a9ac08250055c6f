"""What ``hotfix-ci release`` decides before it writes: the pull request, the version, the
deploy matrix, and the texts of the tag, the follow-up issue and the back-merge PR.

Pure functions over data the command read; the version arithmetic is
:mod:`hotfix_ci.release.versioning`'s, the hotfix rule :mod:`hotfix_ci.policy.classify`'s.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotfix_ci.release import versioning
from hotfix_ci.commands.version import read_version_file
from hotfix_ci.config.model import HotfixConfig, ReleaseConfig
from hotfix_ci.github_api.releases import CommitPull, TagInfo
from hotfix_ci.reports.release import Matrix


@dataclass(frozen=True, kw_only=True)
class PlannedVersion:
    version: str
    tag: str
    previous_version: str | None
    previous_tag: str | None
    reused: bool  # the commit already carried this tag: nothing to create


def pick_pull(pulls: Sequence[CommitPull], sha: str, cfg: HotfixConfig) -> CommitPull | None:
    """The pull request merged as ``sha``; else one merged into an allowed base branch."""
    merged = [p for p in pulls if p.pull.merged]
    exact = [p for p in merged if p.pull.merge_commit_sha == sha]
    if exact:
        return exact[0]
    allowed = [p for p in merged if p.pull.base_ref in cfg.pull_request.base]
    return allowed[0] if allowed else None


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
    template = versioning.TagTemplate(cfg.tag_template, scheme=versioning.check_scheme(cfg.scheme))
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
        return PlannedVersion(
            version=mine.version,
            tag=mine.tag,
            previous_version=earlier.previous_version,
            previous_tag=earlier.previous_tag,
            reused=True,
        )
    names = {t.name for t in tags} | set(taken)
    upcoming = versioning.next_version(current, cfg, now=now, existing_tags=names)
    return PlannedVersion(
        version=upcoming.version,
        tag=upcoming.tag,
        previous_version=upcoming.previous_version,
        previous_tag=upcoming.previous_tag,
        reused=False,
    )


def version_file_name(cfg: ReleaseConfig) -> str | None:
    """``PATH`` of ``version_from: file:PATH``; None for tags (and for the date scheme)."""
    prefix, _, name = cfg.version_from.partition(":")
    if prefix != "file" or cfg.scheme == "date":
        return None
    return name.strip() or None


def parse_version_text(name: str, text: str) -> str:
    """The version in the text of the file ``name``, by the rules of ``hotfix-ci version``."""
    with tempfile.TemporaryDirectory(prefix="hotfix-ci-version-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_text(text, encoding="utf-8")
        return read_version_file(Path(tmp), path.name)


def _field(container: object, key: str) -> object:
    if isinstance(container, Mapping):
        return container.get(key)
    return getattr(container, key, None)


def deploy_matrix(deploy: object) -> Matrix:
    """``{"include": [{"environment": E, "provider": P}, ...]}`` from ``deploy.environments``.

    Read loosely (a mapping today, dataclasses tomorrow): environments as a mapping of name to
    environment or a list of environments with a ``name``; providers as names or entries
    with a ``name``.
    """
    include: list[dict[str, str]] = []
    environments = _field(deploy, "environments")
    if isinstance(environments, Mapping):
        pairs = list(environments.items())
    elif isinstance(environments, (list, tuple)):
        pairs = [(_field(env, "name"), env) for env in environments]
    else:
        pairs = []
    for env_name, env in pairs:
        providers = _field(env, "providers")
        for provider in providers if isinstance(providers, (list, tuple)) else []:
            name = provider if isinstance(provider, str) else _field(provider, "name")
            if env_name and name:
                include.append({"environment": str(env_name), "provider": str(name)})
    return {"include": include}


def tag_message(version: str, pr_number: int, title: str, severity: str | None, url: str) -> str:
    return (
        f"Hotfix {version}: {title}\n\n"
        f"Pull request: #{pr_number} {url}\n"
        f"Severity: {severity or 'none'}\n"
    )


def review_issue_title(pr_title: str) -> str:
    return f"Post-deploy review: {pr_title}"


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

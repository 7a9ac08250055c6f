"""The writes of ``hotfix-ci release``, each one idempotent, in the order that lets a re-run
complete a half-done release: tag, changelog commit, GitHub Release, follow-up issue,
back-merge pull requests, deletion of the hotfix branch.

Every step first looks at what exists and then creates only what is missing; in a dry run
it stops after looking and says what it would create.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.errors import (
    BranchMissing,
    ContentChanged,
    GitHubAPIError,
    NothingToMerge,
    RefAlreadyExists,
)
from hotfix_ci.github_api import releases as api
from hotfix_ci.github_api.client import GitHubClient
from hotfix_ci.model import PullRequest
from hotfix_ci.policy.classify import branch_matches
from hotfix_ci.release import changelog
from hotfix_ci.release.plan import (
    PlannedVersion,
    back_merge_branch,
    plan_version,
    review_issue_body,
    review_issue_title,
    tag_message,
)
from hotfix_ci.reports.release import StepResult

MAX_TAG_ATTEMPTS = 3  # a tag taken by a concurrent release: recompute, at most this often
MAX_CONTENT_ATTEMPTS = 3  # the changelog changed under us: re-read and re-apply


@dataclass(frozen=True, kw_only=True)
class ReleaseJob:
    client: GitHubClient
    cfg: HotfixConfig
    pull: PullRequest
    head_repo: str | None
    sha: str
    severity: str | None
    dry_run: bool


def _would(job: ReleaseJob, verb: str) -> str:
    """``would create`` in a dry run, else ``created`` (the step's state)."""
    return f"would {verb}" if job.dry_run else f"{verb}d"


def ensure_tag(
    job: ReleaseJob, tags: list[api.TagInfo], current: str | None, now: datetime
) -> tuple[PlannedVersion, StepResult]:
    """Reuse the release tag on the commit, or create the next one (annotated)."""
    short, taken = job.sha[:7], set[str]()
    for _ in range(MAX_TAG_ATTEMPTS):
        planned = plan_version(job.cfg.release, tags, job.sha, current, now=now, taken=taken)
        if planned.reused:
            return planned, StepResult(
                step="tag", state="exists", detail=f"{planned.tag} on {short}"
            )
        if not job.dry_run:
            message = tag_message(
                planned.version, job.pull.number, job.pull.title, job.severity, job.pull.html_url
            )
            try:
                api.create_annotated_tag(job.client, planned.tag, message, job.sha)
            except RefAlreadyExists:
                # Another job took the name since we listed the tags: where does it point?
                holder = api.tag_commit(job.client, planned.tag)
                tags = [*tags, api.TagInfo(name=planned.tag, commit_sha=holder or "")]
                if holder != job.sha:
                    taken.add(planned.tag)
                    continue
                planned = plan_version(job.cfg.release, tags, job.sha, current, now=now)
                return planned, StepResult(
                    step="tag", state="exists", detail=f"{planned.tag} on {short}"
                )
        detail = f"{planned.tag} on {short} (annotated)"
        return planned, StepResult(step="tag", state=_would(job, "create"), detail=detail)
    raise GitHubAPIError(
        f"creating the release tag: {MAX_TAG_ATTEMPTS} candidate tags "
        f"({', '.join(sorted(taken))}) were each taken by another commit while this job ran",
        hint="another release is running at the same moment; re-run this job when it has "
        "finished (it will pick the next free version)",
    )


def write_changelog(
    job: ReleaseJob, planned: PlannedVersion, entries: Sequence[str], date: str, compare: str | None
) -> StepResult:
    rel = job.cfg.release
    if rel.changelog is None:
        return StepResult(step="changelog", state="skipped", detail="release.changelog is null")
    path, branch = rel.changelog, job.pull.base_ref
    if not rel.commit_changelog:
        detail = f"commit_changelog is false: the {path} entry is in the job summary only"
        return StepResult(step="changelog", state="skipped", detail=detail)
    for _ in range(MAX_CONTENT_ATTEMPTS):
        found = api.get_file(job.client, path, branch)
        text = found.text if found is not None else ""
        if changelog.has_release(text, planned.version):
            detail = f"{path} on {branch} has [{planned.version}]"
            return StepResult(step="changelog", state="exists", detail=detail)
        updated = changelog.insert_release(
            text, planned.version, date, entries, compare_url=compare
        )
        verb = "update" if found is not None else "create"
        detail = f"{path} on {branch}: ## [{planned.version}] - {date}"
        if job.dry_run:
            return StepResult(step="changelog", state=_would(job, verb), detail=detail)
        try:
            api.put_file(
                job.client,
                path,
                updated,
                branch=branch,
                message=f"docs(changelog): {planned.version} [skip ci]",
                sha=found.sha if found is not None else None,
            )
        except ContentChanged:
            continue  # someone committed to the file since we read it: re-read, re-apply
        return StepResult(step="changelog", state=_would(job, verb), detail=detail)
    raise GitHubAPIError(
        f"committing {path} to {branch}: the file changed {MAX_CONTENT_ATTEMPTS} times while "
        "this job tried to add its entry",
        hint="the branch is very busy; re-run this job (the tag and anything done stay as is)",
    )


def write_release(job: ReleaseJob, planned: PlannedVersion, notes: str) -> StepResult:
    if not job.cfg.release.github_release:
        return StepResult(step="release", state="skipped", detail="release.github_release: false")
    existing = api.release_by_tag(job.client, planned.tag)
    if existing is not None:
        if existing.body.strip() == notes.strip():
            return StepResult(step="release", state="exists", detail=existing.html_url)
        # The PR description is the source of the notes: a re-run after fixing it updates them.
        if not job.dry_run:
            api.update_release_body(job.client, existing, notes)
        return StepResult(step="release", state=_would(job, "update"), detail=existing.html_url)
    if job.dry_run:
        return StepResult(step="release", state="would create", detail=planned.tag)
    created = api.create_release(
        job.client, tag=planned.tag, sha=job.sha, name=planned.tag, body=notes
    )
    return StepResult(step="release", state="created", detail=created.html_url)


def review_marker(pr_number: int, tag: str) -> str:
    """The hidden line that identifies the post-deploy review issue of one PR and release."""
    return f"<!-- hotfix-ci:post-deploy-review pr={pr_number} tag={tag} -->"


def open_review_issue(job: ReleaseJob, planned: PlannedVersion) -> StepResult:
    """Found by its hidden marker in an issue the token itself opened, never by title: an
    issue anyone opens with the same title (or a second P0 with the same PR title) must not
    stand in for the review of this PR and release."""
    title = review_issue_title(job.pull.title)
    marker = review_marker(job.pull.number, planned.tag)
    since = job.pull.created_at  # the review issue of a PR is never older than the PR
    number = api.find_marked_issue(job.client, marker, since=since)
    if number is not None:
        return StepResult(step="review", state="exists", detail=f"#{number} {title}")
    if job.dry_run:
        return StepResult(step="review", state="would create", detail=title)
    body = review_issue_body(
        pr_number=job.pull.number,
        pr_url=job.pull.html_url,
        tag=planned.tag,
        severity=job.severity or "none",
        reviewers=job.cfg.approvals.reviewers,
    )
    number = api.create_issue(
        job.client,
        title,
        f"{body}\n{marker}\n",
        find=lambda: api.find_marked_issue(job.client, marker, since=since),
    )
    return StepResult(step="review", state="created", detail=f"#{number} {title}")


def open_back_merges(job: ReleaseJob, planned: PlannedVersion) -> list[StepResult]:
    """One pull request per ``release.back_merge`` branch, from a branch at the merge commit.

    What no re-run can change is said as it is: a target that already contains the fix is
    done ("up to date", the helper branch removed again). A target branch that does not
    exist (or is deleted while this runs) is ``missing``, a warning: it must not keep a
    hotfix that is tagged and released from its deploy, so the release goes on.
    """
    results = []
    for target in job.cfg.release.back_merge:
        head = back_merge_branch(planned.tag, target)
        number = api.find_pull_by_head(job.client, head, target)
        if number is not None:
            results.append(
                StepResult(step="back-merge", state="exists", detail=f"#{number} {head}")
            )
            continue
        if not api.branch_exists(job.client, target):
            results.append(_missing_target(target, planned.tag))
            continue
        if not job.dry_run:
            # The branch may be left by an earlier run that failed before opening the PR.
            with contextlib.suppress(RefAlreadyExists):
                api.create_ref(job.client, f"refs/heads/{head}", job.sha)
            try:
                number = api.create_pull(
                    job.client,
                    head=head,
                    base=target,
                    title=f"Back-merge hotfix {planned.tag} into {target}",
                    body=f"Brings hotfix {planned.tag} (#{job.pull.number}) into `{target}`.\n",
                )
            except NothingToMerge:
                api.delete_branch(job.client, head)  # ours, named for this tag and target
                detail = f"{target} already contains {planned.tag}: nothing to merge"
                results.append(StepResult(step="back-merge", state="up to date", detail=detail))
                continue
            except BranchMissing:  # deleted since we looked
                api.delete_branch(job.client, head)
                results.append(_missing_target(target, planned.tag))
                continue
        detail = f"#{number} {head} -> {target}" if number else f"{head} -> {target}"
        results.append(StepResult(step="back-merge", state=_would(job, "create"), detail=detail))
    return results


def _missing_target(target: str, tag: str) -> StepResult:
    """No branch ``target``: nothing to open a pull request into. A warning, not a stop: the
    release is already tagged, and its deploy must not wait for a back-merge."""
    detail = (
        f"into {target}: there is no branch {target}, so no pull request was opened; the "
        f"release and its deploy go on. Later: fix or remove {target} in release.back_merge, "
        f"or restore the branch and bring {tag} into it by hand"
    )
    return StepResult(step="back-merge", state="missing", detail=detail)


def delete_head_branch(job: ReleaseJob) -> StepResult:
    branch, rules = job.pull.head_ref, job.cfg
    if not rules.release.delete_branch:
        return StepResult(step="branch", state="skipped", detail="release.delete_branch: false")
    if not branch_matches(branch, rules.pull_request.branch):
        detail = f"{branch} does not match {rules.pull_request.branch}: kept"
        return StepResult(step="branch", state="skipped", detail=detail)
    if job.head_repo is not None and job.head_repo.lower() != job.client.repo_name.lower():
        detail = f"{branch} lives in the fork {job.head_repo}: kept"
        return StepResult(step="branch", state="skipped", detail=detail)
    # Look first: a re-run then sends no write at all.
    if not api.branch_exists(job.client, branch):
        return StepResult(step="branch", state="gone", detail=branch)
    if job.dry_run:
        return StepResult(step="branch", state="would delete", detail=branch)
    deleted = api.delete_branch(job.client, branch)
    return StepResult(step="branch", state="deleted" if deleted else "gone", detail=branch)

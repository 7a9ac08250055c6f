"""The release tag a deploy, a rollback or ``release --tag`` is asked to make live must
exist: checked before anything is posted, any provider is asked anything or any Deployment
is recorded, so a typo ends in exit 2 with the tags that do exist, not in a provider call or
a GitHub 422 (exit 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotfix_ci.config.model import ReleaseConfig
from hotfix_ci.errors import UsageError
from hotfix_ci.github_api.releases import list_tags, tag_commit
from hotfix_ci.release.versioning import newest_first
from hotfix_ci.text import did_you_mean, inert

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient

SHOWN_TAGS = 5  # the newest few; a longer list hides the one the user wants


def require_tag(
    client: GitHubClient,
    tag: str,
    cfg: ReleaseConfig,
    *,
    option: str,
    nothing: str,
    sha: str | None = None,
) -> str:
    """The commit ``tag`` points at; a UsageError (exit 2) naming the existing release tags,
    newest first, when there is no such tag. ``option`` is the flag that named the tag
    (``--ref``, ``--to``); ``nothing`` says what was therefore not done. A ``sha`` given
    with it (``--sha``) must be that commit (or a prefix of it)."""
    shown = inert(tag)
    if tag.startswith("-") or not tag.strip():
        raise UsageError(
            f"{option} {shown!r} is not a release tag; {nothing}",
            hint=f"name an existing release tag, e.g. {option} hotfix-v1.4.2 (a tag never "
            "starts with '-')",
        )
    tagged = tag_commit(client, tag)
    if tagged is not None:
        if sha and not (len(sha) >= 7 and tagged.lower().startswith(sha.lower())):
            raise UsageError(
                f"--sha {inert(sha)} is not the commit of {shown} ({tagged[:12]}); {nothing}",
                hint=f"leave --sha out (the tag's commit is used), or pass {tagged}",
            )
        return tagged
    names = [t.name for t in list_tags(client)]
    releases = newest_first(names, cfg) or names
    guess = did_you_mean(tag, releases[:50])
    listed = ", ".join(releases[:SHOWN_TAGS])
    if len(releases) > SHOWN_TAGS:
        listed += f" (and {len(releases) - SHOWN_TAGS} older)"
    if releases:
        hint = (f"{guess} " if guess else "") + (
            f"existing tags, newest first: {listed}; pass one of them as {option}"
        )
    else:
        hint = (
            f"{client.repo_name} has no tags yet: tag a release first (the release job, "
            f"`hotfix-ci release`), then pass its tag as {option}"
        )
    raise UsageError(
        f"{option} {shown}: the repository has no such tag ({client.repo_name}); {nothing}",
        hint=hint + "; check --repo / GITHUB_REPOSITORY if the tag lives in another repository",
    )

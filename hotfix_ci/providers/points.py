"""Rollback points rebuilt from what the deployment log knows about a release.

The pipeline and ``hotfix-ci rollback`` call these instead of building a point themselves:
only the provider knows what its point of a release is (an image filled from its settings,
a platform deployment found by commit), so a point is never a tag posing as a deploy id.
"""

from __future__ import annotations

from hotfix_ci.providers.base import Provider, ProviderError, Release, RollbackPoint


def find_point(provider: Provider, release: Release) -> RollbackPoint | None:
    """``provider.point_for(release)``; None from a third-party provider without it."""
    point_for = getattr(provider, "point_for", None)
    if point_for is None:
        return None
    point: RollbackPoint | None = point_for(release)
    return point


def point_of_release(provider: Provider, release: Release) -> RollbackPoint:
    """The provider's point of ``release``, or a ProviderError saying why there is none."""
    point = find_point(provider, release)
    if point is None:
        commit = f" (commit {release.sha[:12]})" if release.sha else ""
        raise ProviderError(
            f"{provider.name} has no record of release {release.tag}{commit} to roll back to",
            hint="roll back to a release hotfix-ci deployed and recorded (`hotfix-ci rollback "
            "--to TAG` with a tag from the environment's Deployments), or restore it by hand "
            "in the platform's dashboard",
        )
    return point

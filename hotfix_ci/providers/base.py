"""The provider plugin contract: every deploy target is a module behind this Protocol.

A provider module exposes ``create(context: ProviderContext) -> Provider`` and
``SETTINGS_SCHEMA`` (the JSON schema of its ``with:`` block). Built-ins are listed in
:mod:`hotfix_ci.providers.registry`; third parties register a module or callable under the
``hotfix_ci.providers`` entry-point group.

Shared defaults are plain functions a provider class assigns by name, the shape of
pre-commit's ``lang_base.basic_*`` (``point_for = basic_point_for_image``): a provider
writes only what differs. Rollback point types follow one convention, ``<provider type>-
<kind>`` (``kubernetes-image``, ``render-deploy``), built by :func:`point_type`; every
provider checks a point with ``_checks.check_point_type`` before it restores it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hotfix_ci.errors import ProviderError as ProviderError  # noqa: PLC0414


@dataclass(frozen=True, kw_only=True)
class Release:
    """What is being deployed."""

    tag: str
    version: str
    sha: str
    environment: str


@dataclass(frozen=True, kw_only=True)
class RollbackPoint:
    """Where a provider stands, recorded before a deploy so it can be restored exactly.

    ``ref`` is the provider's own identifier of what is live (an image reference, a
    deployment id or URL, a release version, a git ref); ``data`` carries whatever else the
    provider needs to restore it. Both must be JSON-serialisable strings: they travel in the
    GitHub Deployment payload.
    """

    provider: str
    type: str
    ref: str
    description: str
    data: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "type": self.type,
            "ref": self.ref,
            "description": self.description,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RollbackPoint:
        return cls(
            provider=str(raw["provider"]),
            type=str(raw["type"]),
            ref=str(raw["ref"]),
            description=str(raw.get("description", raw["ref"])),
            data={str(k): str(v) for k, v in dict(raw.get("data") or {}).items()},
        )


@dataclass(frozen=True, kw_only=True)
class DeployResult:
    """What is live after a deploy or rollback, in the same vocabulary as RollbackPoint."""

    ref: str
    description: str
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProviderContext:
    """What a provider is built from. ``settings`` are the config's ``with:`` block as
    written: a provider replaces {tag}, {version}, {sha} and {environment} itself, per
    release (``_checks.fill_release``), since a rollback must not see the new release's
    values. ``env`` is the environment to read secrets from and to pass to the provider's
    CLI (never read os.environ directly)."""

    name: str
    type: str
    settings: Mapping[str, Any]
    env: Mapping[str, str]
    workdir: Path
    log: Callable[[str], None] = print


POINT_KINDS = frozenset({"image", "deployment", "deploy", "release", "commit", "ref"})


def point_type(provider_type: str, kind: str) -> str:
    """The one naming convention for rollback point types: ``<provider type>-<kind>``.

    ``kind`` says what the point's ``ref`` is (an image reference, a platform deployment or
    release id, a git commit, the team's own ref), so a point is never restored by a
    provider that would read its ref as something else."""
    if kind not in POINT_KINDS:
        raise ValueError(f"point kind {kind!r} is not one of {sorted(POINT_KINDS)}")
    if not provider_type or provider_type != provider_type.strip().lower():
        raise ValueError(f"provider type {provider_type!r} must be lower-case and non-empty")
    return f"{provider_type}-{kind}"


def release_data(release: Release) -> dict[str, str]:
    """A point's ``data`` entries for the release it stands for (tag, version, sha,
    environment), so a later rollback can fill placeholders the same way."""
    return {
        "tag": release.tag,
        "version": release.version,
        "sha": release.sha,
        "environment": release.environment,
    }


class Provider(Protocol):
    name: str

    def current(self) -> RollbackPoint | None:
        """What is live now, or None when nothing was ever deployed."""
        ...

    def deploy(self, release: Release) -> DeployResult:
        """Deploy ``release``; return once the provider reports it live, or raise."""
        ...

    def rollback(self, point: RollbackPoint) -> DeployResult:
        """Make ``point`` live again (not a blind "undo"); raise if it cannot."""
        ...

    def point_for(self, release: Release) -> RollbackPoint | None:
        """The point of ``release``, known only by its tag, sha and version (a release no
        Deployment recorded, or whose record has no point): the provider's settings filled
        with it, or the platform's own record of it looked up by commit or tag. None when
        the platform has nothing for it; :func:`~hotfix_ci.providers.points.point_of_release`
        turns that into a message."""
        ...


class TemplatedProvider(Protocol):
    """What :func:`basic_point_for_image` needs: a settings template the release fills."""

    name: str
    point_type: str
    image_template: str

    def describe_image(self, image: str, release: Release) -> str: ...


def basic_point_for_none(self: Provider, release: Release) -> RollbackPoint | None:
    """Default for a platform that cannot be asked about a release by tag or commit."""
    return None


def basic_point_for_image(self: TemplatedProvider, release: Release) -> RollbackPoint:
    """Default for image-based providers: the image template filled with ``release``
    (the image the release was built as; the registry keeps it, so it can run again)."""
    from hotfix_ci.providers._checks import fill_release

    image = fill_release(self.image_template, release)
    return RollbackPoint(
        provider=self.name,
        type=self.point_type,
        ref=image,
        description=self.describe_image(image, release),
        data=release_data(release),
    )


ProviderFactory = Callable[[ProviderContext], Provider]

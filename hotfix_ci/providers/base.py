"""The provider plugin contract: every deploy target is a module behind this Protocol.

A provider module exposes ``create(context: ProviderContext) -> Provider`` and
``SETTINGS_SCHEMA`` (the JSON schema of its ``with:`` block). Built-ins are listed in
:mod:`hotfix_ci.providers.registry`; third parties register a module or callable under the
``hotfix_ci.providers`` entry-point group.
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


ProviderFactory = Callable[[ProviderContext], Provider]

"""What the image providers (fly, kubernetes) share: the ``image`` template in their
settings, filled per release, and a whole-second ``timeout`` for their CLI.

A point's ``ref`` is the image that ran, so ``point_for`` is that template filled with an
older release (:func:`~hotfix_ci.providers.base.basic_point_for_image`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import (
    RELEASE_KEYS,
    check_point_type,
    required_setting,
    timeout_schema,
    timeout_whole_seconds,
)


def image_schema(lead: str = "Image to deploy", example: str = "") -> dict[str, Any]:
    """An ``image`` setting: a template whose release placeholders are replaced (the same
    list :func:`~hotfix_ci.providers._checks.fill_release` fills)."""
    placeholders = ", ".join("{" + key + "}" for key in RELEASE_KEYS)
    tail = f", e.g. {example}." if example else "."
    return {"type": "string", "description": f"{lead}; {placeholders} are replaced{tail}"}


def image_settings(*, example: str, timeout: str, default_timeout: int) -> dict[str, Any]:
    """The ``image`` and ``timeout`` settings every image provider takes, for its schema."""
    return {
        "image": image_schema(example=example),
        "timeout": timeout_schema(timeout, default_timeout),
    }


class ImageProvider:
    """Base of a provider that deploys the image its ``image:`` template names.

    A subclass sets ``point_type`` (``<provider type>-image``) and ``default_timeout``
    (seconds), reads its own required settings, then calls ``super().__init__``; it
    describes an image of a release for ``point_for`` (``describe_image``).
    """

    point_type: ClassVar[str]
    default_timeout: ClassVar[int]
    point_for = contract.basic_point_for_image

    @property
    def kind(self) -> str:
        """The provider type, for messages: ``fly`` of ``fly-image``."""
        return self.point_type.removesuffix("-image")

    def __init__(self, context: contract.ProviderContext) -> None:
        self.name = context.name
        self._ctx = context
        self.image_template = required_setting(context.settings, "image", provider=self.kind)
        self.timeout = timeout_whole_seconds(
            context.settings.get("timeout"),
            self.default_timeout,
            where=f"{self.kind} provider with.timeout",
        )

    def describe_image(self, image: str, release: contract.Release) -> str:
        raise NotImplementedError

    def check_point(self, point: contract.RollbackPoint) -> None:
        """Only a point of this provider type is restored (``_checks.check_point_type``)."""
        check_point_type(point, self.point_type, provider=self.kind, name=self.name)

"""Rollback point types follow one convention, checked by one helper; every built-in
provider has point_for."""

from __future__ import annotations

import importlib

import pytest

from hotfix_ci.providers._checks import check_point_type
from hotfix_ci.providers.base import ProviderError, RollbackPoint, point_type
from hotfix_ci.providers.registry import BUILTIN_PROVIDERS


@pytest.mark.parametrize("name", sorted(BUILTIN_PROVIDERS))
def test_every_builtin_names_its_points_by_the_convention(name: str) -> None:
    module = importlib.import_module(BUILTIN_PROVIDERS[name])
    kind = module.POINT_TYPE.removeprefix(f"{name}-")
    assert point_type(name, kind) == module.POINT_TYPE
    provider_class = next(
        v for v in vars(module).values() if isinstance(v, type) and v.__name__.endswith("Provider")
    )
    assert callable(getattr(provider_class, "point_for", None))


def test_point_type_refuses_what_breaks_the_convention() -> None:
    assert point_type("render", "deploy") == "render-deploy"
    with pytest.raises(ValueError, match="kind"):
        point_type("render", "tag")
    with pytest.raises(ValueError, match="lower-case"):
        point_type("Render", "deploy")


def test_a_point_of_the_provider_type_alone_is_refused() -> None:
    """What the log used to rebuild (type = provider type, ref = tag) is not restorable."""
    point = RollbackPoint(provider="k", type="kubernetes", ref="hotfix-v1.0.0", description="")
    with pytest.raises(ProviderError) as info:
        check_point_type(point, "kubernetes-image", provider="kubernetes", name="k")
    assert "--to TAG" in (info.value.hint or "")

"""Built-in providers by name, plus the ``hotfix_ci.providers`` entry-point group.

Modules are imported lazily by name, so a run that deploys to Vercel never imports the
Kubernetes code; an unknown name gets a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import importlib
from importlib.metadata import entry_points
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers.base import ProviderFactory

BUILTIN_PROVIDERS: dict[str, str] = {
    "kubernetes": "hotfix_ci.providers.kubernetes",
    "vercel": "hotfix_ci.providers.vercel",
    "railway": "hotfix_ci.providers.railway",
    "render": "hotfix_ci.providers.render",
    "fly": "hotfix_ci.providers.fly",
    "heroku": "hotfix_ci.providers.heroku",
    "compose-ssh": "hotfix_ci.providers.compose_ssh",
    "command": "hotfix_ci.providers.command",
}
ENTRY_POINT_GROUP = "hotfix_ci.providers"


def _plugin_names() -> list[str]:
    return [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)]


def _load_module(type_name: str) -> Any:
    if type_name in BUILTIN_PROVIDERS:
        return importlib.import_module(BUILTIN_PROVIDERS[type_name])
    matches = entry_points(group=ENTRY_POINT_GROUP, name=type_name)
    for ep in matches:
        return ep.load()
    known = sorted({*BUILTIN_PROVIDERS, *_plugin_names()})
    close = difflib.get_close_matches(type_name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known types: {', '.join(known)}"
    raise ConfigError(f"unknown provider type {type_name!r}", hint=hint)


def provider_factory(type_name: str) -> ProviderFactory:
    """The ``create`` callable of provider ``type_name``."""
    loaded = _load_module(type_name)
    factory = getattr(loaded, "create", loaded)
    if not callable(factory):
        raise ConfigError(f"provider {type_name!r} has no create() function")
    return factory  # type: ignore[no-any-return]


def settings_schema(type_name: str) -> dict[str, Any]:
    """The JSON schema of provider ``type_name``'s ``with:`` block ({} if it has none)."""
    loaded = _load_module(type_name)
    schema = getattr(loaded, "SETTINGS_SCHEMA", {})
    return dict(schema)

"""The hotfix config: ``.github/hotfix.yml`` loaded, validated and built into dataclasses once.

``load_config`` is the entry point; ``schema_text`` is the shipped JSON schema editors use.
Names load on first use (PEP 562), so ``hotfix_ci.config.model`` alone (the CLI's choices)
does not bring in YAML, the loader or the schema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotfix_ci.config.explain import config_schema, schema_text
    from hotfix_ci.config.loader import DEFAULT_CONFIG_PATH, load_config, validate_config_text
    from hotfix_ci.config.locate import Problem
    from hotfix_ci.config.model import (
        ApprovalsConfig,
        DeployConfig,
        DiffConfig,
        Environment,
        HotfixConfig,
        ProviderSpec,
        PullRequestConfig,
        ReleaseConfig,
        SeverityConfig,
    )

_MODULE_OF = {
    "config_schema": "explain",
    "schema_text": "explain",
    "DEFAULT_CONFIG_PATH": "loader",
    "load_config": "loader",
    "validate_config_text": "loader",
    "Problem": "locate",
    **dict.fromkeys(
        (
            "ApprovalsConfig",
            "DeployConfig",
            "DiffConfig",
            "Environment",
            "HotfixConfig",
            "ProviderSpec",
            "PullRequestConfig",
            "ReleaseConfig",
            "SeverityConfig",
        ),
        "model",
    ),
}

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ApprovalsConfig",
    "DeployConfig",
    "DiffConfig",
    "Environment",
    "HotfixConfig",
    "Problem",
    "ProviderSpec",
    "PullRequestConfig",
    "ReleaseConfig",
    "SeverityConfig",
    "config_schema",
    "load_config",
    "schema_text",
    "validate_config_text",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value

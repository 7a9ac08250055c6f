"""The hotfix config: ``.github/hotfix.yml`` loaded, validated and built into dataclasses once.

``load_config`` is the entry point; ``schema_text`` is the shipped JSON schema editors use.
"""

from __future__ import annotations

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

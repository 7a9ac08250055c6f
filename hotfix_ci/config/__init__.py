"""The hotfix config: ``.github/hotfix.yml`` loaded, validated and turned into dataclasses.

``load_config`` is the entry point; ``schema_text`` is the shipped JSON schema editors use.
"""

from __future__ import annotations

from hotfix_ci.config.convert import branch_glob_regex, compile_path_patterns
from hotfix_ci.config.loader import (
    DEFAULT_CONFIG_PATH,
    InvalidConfigError,
    config_schema,
    load_config,
    schema_text,
    validate_config_text,
)
from hotfix_ci.config.locate import Problem
from hotfix_ci.config.model import (
    ApprovalsConfig,
    DiffConfig,
    HotfixConfig,
    PullRequestConfig,
    ReleaseConfig,
    SeverityConfig,
)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ApprovalsConfig",
    "DiffConfig",
    "HotfixConfig",
    "InvalidConfigError",
    "Problem",
    "PullRequestConfig",
    "ReleaseConfig",
    "SeverityConfig",
    "branch_glob_regex",
    "compile_path_patterns",
    "config_schema",
    "load_config",
    "schema_text",
    "validate_config_text",
]

"""Is this pull request a hotfix? The same rule decides for the gate and for the release."""

from __future__ import annotations

import re

from hotfix_ci import patterns
from hotfix_ci.config.model import HotfixConfig, SeverityConfig
from hotfix_ci.model import PullRequest


def branch_matches(branch: str, pattern: str) -> bool:
    """The documented branch glob: ``*`` stays within one ``/`` segment, ``**`` crosses them
    (the same matcher the config loader validates the pattern with)."""
    try:
        return patterns.branch_matches(branch, pattern)
    except ValueError:  # the loader rejects such patterns; never crash on one here
        return False


def is_hotfix(pull: PullRequest, cfg: HotfixConfig) -> bool:
    """Head branch matches, or the title matches, or it carries one of the hotfix labels."""
    rules = cfg.pull_request
    return (
        branch_matches(pull.head_ref, rules.branch)
        or re.search(rules.title, pull.title) is not None
        or any(label in pull.labels for label in rules.labels)
    )


def severity_labels(pull: PullRequest, cfg: HotfixConfig) -> list[SeverityConfig]:
    return [sev for sev in cfg.severities if sev.label in pull.labels]


def severity_of(pull: PullRequest, cfg: HotfixConfig) -> SeverityConfig | None:
    """The one severity the PR carries, or None when it carries none or several."""
    found = severity_labels(pull, cfg)
    return found[0] if len(found) == 1 else None

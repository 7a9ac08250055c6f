"""hotfix-ci: enforce a team's hotfix procedure in GitHub Actions."""

from __future__ import annotations

__version__ = "0.1.0"

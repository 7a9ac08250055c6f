"""GitHub access. The only package that imports PyGithub; import it lazily from commands."""

from __future__ import annotations

# First, before anything imports PyGithub: its GitHub App stack loads only when used.
from hotfix_ci.github_api import app_auth_deferred  # noqa: F401

# isort: split
from hotfix_ci.github_api.client import CheckRunRef, Comment, GitHubClient
from hotfix_ci.github_api.connect import DEFAULT_API_URL, Connection

__all__ = ["DEFAULT_API_URL", "CheckRunRef", "Comment", "Connection", "GitHubClient"]

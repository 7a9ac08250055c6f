"""Subcommands registered on the hotfix-ci group (filled in by their issue's work)."""

from __future__ import annotations

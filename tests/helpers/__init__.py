"""What several test modules share: command lines, the emulator's client, git, servers."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository

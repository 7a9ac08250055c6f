"""What the emulator's own PyGithub tests share (the `emulator` fixture is in tests/conftest.py)."""

from __future__ import annotations

from github import Auth, Github
from urllib3.util.retry import Retry

from hotfix_ci.testing import GitHubEmulator

REPO = "acme/web"


def client(emu: GitHubEmulator, *, retry: Retry | None = None, per_page: int = 30) -> Github:
    """PyGithub without client-side throttling or retries unless asked for."""
    return Github(
        base_url=emu.url,
        auth=Auth.Token("x"),
        retry=retry,
        per_page=per_page,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )

"""The local git side of ``hotfix-ci start``: every call an argument list through
:func:`hotfix_ci.proc.run`, with the GitHub token kept out of git's environment.

Each question is asked before anything is written, so a re-run after a partial failure
(pushed, but the pull request was not opened) finds what is done and carries on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hotfix_ci import proc
from hotfix_ci.errors import ProcessError, UsageError

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT")
MARKER = "hotfix-ci start:"  # the first words of the commit that opens a hotfix branch
TIMEOUT = 120.0


@dataclass(frozen=True)
class Git:
    workdir: Path
    env: Mapping[str, str]

    def run(self, *args: str, check: bool = True) -> proc.Completed:
        clean = {k: v for k, v in self.env.items() if k not in TOKEN_VARIABLES}
        try:
            return proc.run(
                ["git", *args], cwd=self.workdir, env=clean, timeout=TIMEOUT, check=check
            )
        except ProcessError as exc:
            text = (exc.stderr or exc.message).strip().splitlines()
            raise UsageError(
                f"`git {' '.join(args)}` failed: {text[-1] if text else 'no output'}",
                hint="fix what git says (network, credentials, permissions), then run "
                "`hotfix-ci start` again: it carries on where it stopped",
            ) from exc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    # -- questions -----------------------------------------------------------------------
    def require_checkout(self) -> None:
        if not self.ok("rev-parse", "--git-dir"):
            raise UsageError(
                f"{self.workdir} is not a git checkout",
                hint="run `hotfix-ci start` in a clone of the repository",
            )

    def require_clean(self) -> None:
        changed = self.out("status", "--porcelain", "--untracked-files=no")
        if changed:
            first = changed.splitlines()[0].strip()
            raise UsageError(
                f"the working tree has uncommitted changes ({first} ...)",
                hint="commit or stash them (`git stash`), then run `hotfix-ci start` again",
            )

    def remote_url(self, remote: str) -> str:
        found = self.run("remote", "get-url", remote, check=False)
        if found.returncode != 0:
            raise UsageError(
                f"the checkout has no remote {remote!r} to push the hotfix branch to",
                hint=f"add it (`git remote add {remote} URL`) or pass --remote NAME",
            )
        return found.stdout.strip()

    def fetch(self, remote: str) -> None:
        self.run("fetch", "--quiet", "--tags", remote)

    def commit_of(self, ref: str) -> str | None:
        found = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return found.stdout.strip() or None

    def remote_branch(self, remote: str, branch: str) -> str | None:
        line = self.out("ls-remote", "--heads", remote, f"refs/heads/{branch}")
        return line.split()[0] if line else None

    def started_here(self, sha: str) -> bool:
        """Is ``sha`` the commit a `hotfix-ci start` made (so this is a re-run)?"""
        return self.out("log", "-1", "--format=%s", sha).startswith(MARKER)

    # -- writes --------------------------------------------------------------------------
    def create_branch(self, branch: str, start: str, message: str) -> str:
        self.run("switch", "--quiet", "--create", branch, start)
        self.run("commit", "--quiet", "--allow-empty", "--message", message)
        return self.out("rev-parse", "HEAD")

    def push(self, remote: str, branch: str) -> None:
        self.run("push", "--quiet", "--set-upstream", remote, f"refs/heads/{branch}")

"""The error hierarchy: each class carries the exit code the CLI returns for it.

Messages say what happened, why, and how to fix it; ``hint`` holds the "how to fix" part
so reporters can place it on its own line.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    POLICY_FAILED = 1
    USAGE = 2
    INTERNAL = 3
    GITHUB_API = 4
    ROLLED_BACK = 5
    ROLLBACK_FAILED = 6
    INTERRUPTED = 130


class HotfixError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class UsageError(HotfixError):
    """Wrong flags, missing environment, or an unreadable input file."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """The hotfix config is malformed; the message names the key path and line."""


class InvalidConfigError(ConfigError):
    """The config file has problems; ``problems`` holds each one with its file line
    (:class:`hotfix_ci.config.locate.Problem`), the message all of them in words."""

    def __init__(
        self, message: str, *, hint: str | None, source: str, problems: tuple[object, ...]
    ) -> None:
        super().__init__(message, hint=hint)
        self.source = source
        self.problems = problems


class PayloadError(UsageError):
    """The GitHub event payload is missing, unreadable, or of the wrong event."""


class GitHubAPIError(HotfixError):
    """GitHub answered with an error after the bounded retries."""

    exit_code = ExitCode.GITHUB_API

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        status: int | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.operation = operation


class ProcessError(HotfixError):
    """A subprocess could not be started, timed out, or exited non-zero."""

    exit_code = ExitCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        returncode: int | None = None,
        stdout: str = "",
        stderr: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


class ProviderError(HotfixError):
    """A provider call failed; the message says which call and what the tool answered."""


class DeployStopped(HotfixError):
    """Stopped before anything changed (a before-check or the rollback point failed)."""

    exit_code = ExitCode.POLICY_FAILED


class GatesFailed(HotfixError):
    """Gates failed and nothing was rolled back (``gate`` command, or rollback disabled)."""

    exit_code = ExitCode.POLICY_FAILED


class GateNotPassed(HotfixError):
    """release: the merged pull request has no passing PR gate and no recorded break-glass,
    so nothing is tagged."""

    exit_code = ExitCode.POLICY_FAILED


class Interrupted(HotfixError):
    """A signal stopped the run; the records say how far it got."""

    exit_code = ExitCode.INTERRUPTED


class DeployRolledBack(HotfixError):
    """A deploy failed its gates and was rolled back; the rollback point is live."""

    exit_code = ExitCode.ROLLED_BACK


class RollbackFailed(HotfixError):
    """A rollback failed: a human must act now."""

    exit_code = ExitCode.ROLLBACK_FAILED


class RefAlreadyExists(GitHubAPIError):
    """422 "Reference already exists": someone else holds the name."""


class NothingToMerge(GitHubAPIError):
    """422 "No commits between BASE and HEAD": the base already contains every commit of
    the head, so there is no pull request to open."""


class BranchMissing(GitHubAPIError):
    """422 with ``field: base, code: invalid`` on opening a pull request: the base branch
    does not exist."""


class ContentChanged(GitHubAPIError):
    """409 (or 422 "sha wasn't supplied"): the file changed since we read it."""


def error_for(code: ExitCode, message: str, hint: str | None = None) -> HotfixError:
    """The error class that ends a command with ``code``, carrying its message and hint."""
    by_code: dict[ExitCode, type[HotfixError]] = {
        ExitCode.ROLLBACK_FAILED: RollbackFailed,
        ExitCode.ROLLED_BACK: DeployRolledBack,
        ExitCode.GITHUB_API: GitHubAPIError,
        ExitCode.POLICY_FAILED: GatesFailed,
        ExitCode.USAGE: UsageError,
        ExitCode.INTERRUPTED: Interrupted,
    }
    error = by_code.get(code, HotfixError)(message, hint=hint)
    error.exit_code = code
    return error

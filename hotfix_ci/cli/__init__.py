"""The ``hotfix-ci`` command line: click only; options -> args object -> ``commands`` -> exit code.

Every command module registers nothing by itself: the group below adds each command
explicitly, so ``from hotfix_ci.cli import cli`` is the whole command line. Heavy modules
(PyGithub, jsonschema, jinja2) are imported inside the commands so ``--help`` stays fast.

:func:`main` is the one place errors become exit codes: a ``HotfixError`` exits with its own
code and prints what to do, ^C exits 130, a click usage error 2, anything else 3.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

import click

from hotfix_ci import __version__
from hotfix_ci.actions_io import error_annotation
from hotfix_ci.cli import communicate, deploy, pr, release, setup
from hotfix_ci.deploy.signals import Terminated, terminate_as_interrupt
from hotfix_ci.errors import ExitCode, HotfixError
from hotfix_ci.text import inert, redact

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotfix-ci")
def cli() -> None:
    """Enforce your hotfix procedure: gate hotfix PRs, release, deploy, watch, roll back.

    Exit codes: 0 ok, 1 policy or gate failure, 2 usage or config error, 3 internal error,
    4 GitHub API error, 5 deploy failed and was rolled back, 6 rollback failed (page a human).
    """


for _command in (
    pr.check_pr,
    release.release,
    release.version,
    deploy.deploy,
    deploy.gate,
    deploy.rollback,
    communicate.notify,
    communicate.triage,
    communicate.start,
    communicate.log,
    communicate.report,
    communicate.metrics,
    setup.config_group,
    setup.init,
    setup.doctor,
    setup.demo,
):
    cli.add_command(_command)


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


@contextlib.contextmanager
def error_handler() -> Iterator[None]:
    """Turn whatever a command raises into its message on stderr and its exit code."""
    try:
        yield
    except HotfixError as exc:
        # The message may quote user text (a title, a path, a tool's output) and secrets:
        # redacted, and no line of it can start a workflow command.
        click.echo(inert(redact(f"error: {exc.message}"), lines=True), err=True)
        if exc.hint:
            click.echo(inert(redact(f"  what to do: {exc.hint}"), lines=True), err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(error_annotation(exc.message), err=True)
        raise _Exit(int(exc.exit_code)) from None
    except (KeyboardInterrupt, click.Abort) as exc:
        # click turns a KeyboardInterrupt into Abort, keeping it as the cause.
        signalled = exc if isinstance(exc, Terminated) else exc.__cause__ or exc.__context__
        how = (
            f"{signalled.name} (cancelled run?)"
            if isinstance(signalled, Terminated)
            else "SIGINT (^C)"
        )
        click.echo(f"error: interrupted by {how} before the command finished", err=True)
        click.echo(
            "  what to do: re-run the same command (or the job): hotfix-ci looks up what "
            "exists before it writes, so a re-run completes what this one began and writes "
            "nothing twice; `hotfix-ci log` shows any Deployment it left",
            err=True,
        )
        raise _Exit(int(ExitCode.INTERRUPTED)) from None
    except click.ClickException as exc:
        exc.show()
        raise _Exit(exc.exit_code) from None
    except Exception as exc:
        click.echo(inert(redact(f"internal error: {type(exc).__name__}: {exc}")), err=True)
        click.echo(
            "  what to do: this is a bug in hotfix-ci; re-run with the same input and report it "
            "with this message",
            err=True,
        )
        raise _Exit(int(ExitCode.INTERNAL)) from None


def main(argv: list[str] | None = None) -> int:
    """Run one command line; return its exit code (the console script exits with it)."""
    try:
        with error_handler(), terminate_as_interrupt():
            result = cli.main(args=argv, prog_name="hotfix-ci", standalone_mode=False)
    except _Exit as done:
        return done.code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

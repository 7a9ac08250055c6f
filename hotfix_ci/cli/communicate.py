"""Communication: ``notify``, ``triage``, ``start``, ``log``, ``report`` and ``metrics``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from hotfix_ci.cli.options import (
    CONFIG_OPTION,
    FORMAT_OPTION,
    REPO_OPTION,
    TOKEN_OPTION,
    run_command,
)

# The event names live in the config model, so --help does not load the channels.
from hotfix_ci.config.model import NOTIFY_EVENTS as EVENTS


@click.command("notify")
@click.option("--event", required=True, type=click.Choice(EVENTS), help="What happened.")
@click.option("--pr", type=int, default=None, help="The hotfix pull request number.")
@click.option("--tag", default=None, help="The release tag, e.g. hotfix-v1.4.3.")
@click.option("--environment", default=None, help="The environment, e.g. production.")
@click.option("--provider", default=None, help="The provider that deployed, e.g. web.")
@click.option("--dry-run", is_flag=True, help="Print what each channel would get; send nothing.")
@FORMAT_OPTION
@CONFIG_OPTION
@REPO_OPTION
@TOKEN_OPTION
def notify(**options: Any) -> int:
    """Send a hotfix event to the channels of notify.events: Slack, Discord, Teams, a signed
    webhook, Statuspage, a PR comment.

    URLs and keys come from the environment variables the config names. Without a token
    it sends from the flags alone; with one it adds the PR title and severity, and the
    github channel comments on the PR (needs `pull-requests: write`). Exit codes: 0 sent
    (a failed optional channel is a warning), 1 a required channel failed, 2 usage or
    config error.
    """
    from hotfix_ci.commands.notify import NotifyArgs, run

    return run_command(run, NotifyArgs, **options)


def _flag(question_key: str, text: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    return click.option(f"--{question_key}", is_flag=True, default=False, help=text)


@click.command("triage")
@_flag("down", "The service is completely down (P0).")
@_flag("security", "A security vulnerability (P0).")
@_flag("major", "Major functionality broken for over half the users (P1).")
@_flag("revenue", "Revenue is affected (P1).")
@_flag("under-5-percent", "Under 5 % of the users are affected (not a hotfix).")
@_flag("cause-known", "The root cause is known (else: roll back).")
@_flag("several-systems", "Several systems are failing (roll back).")
@click.option(
    "--no-prompt",
    is_flag=True,
    help="Take the answers from the flags only (a flag not given is no), even with none given.",
)
@click.option(
    "--description",
    default="short description",
    show_default=True,
    help="What broke, for the `hotfix-ci start` command it prints.",
)
@click.option(
    "--environment",
    default="production",
    show_default=True,
    help="The environment the rollback command names.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@CONFIG_OPTION
def triage(no_prompt: bool, **options: Any) -> int:
    """Decide in a minute: the severity (P0 down or security, P1 major or revenue, else not a
    hotfix), hotfix or roll back (roll back when the cause is unknown, over half the users
    are affected or several systems fail), the response target, the approvals it needs, and
    the exact next command.

    With no answer flags it asks each question in turn; with any (or --no-prompt) it takes
    the flags. No GitHub token needed. Exit codes: 0 decided, 2 usage or config error,
    130 interrupted.
    """
    from hotfix_ci.commands.triage import TriageArgs, run
    from hotfix_ci.policy.triage import Question, flags_asker

    answer_names = ("down", "security", "major", "revenue", "under_5_percent", "cause_known")
    flags = {
        name.replace("_", "-"): options.pop(name) for name in (*answer_names, "several_systems")
    }

    def prompt(question: Question) -> bool:
        return click.confirm(question.text, default=False, err=True)

    interactive = not no_prompt and not any(flags.values())
    return run_command(
        run, TriageArgs, ask=prompt if interactive else flags_asker(flags), **options
    )


@click.command("start")
@click.argument("description")
@click.option("--severity", default="P1", show_default=True, help="The severity label (P0, P1).")
@click.option(
    "--from",
    "from_ref",
    default=None,
    help="Branch from this ref instead of production (the live release, else the latest "
    "hotfix tag, else the base branch).",
)
@click.option("--remote", default="origin", show_default=True, help="The remote to push to.")
@click.option("--dry-run", is_flag=True, help="Print what it would do; change nothing.")
@CONFIG_OPTION
@REPO_OPTION
@TOKEN_OPTION
def start(**options: Any) -> int:
    """Start a hotfix in this checkout: create hotfix/<slug> from production, push it, open
    the [HOTFIX] pull request (hotfix and severity labels, the PR template's sections), and
    print its URL and the gate's first verdict.

    A re-run carries on where a failed one stopped (e.g. pushed, but no PR yet). Needs a
    token with `contents: write` (push is git's own credentials), `pull-requests: write`,
    `issues: write` (labels) and `deployments: read`. Exit codes: 0 started, 2 usage
    (dirty tree, branch taken, no remote, git failed), 4 GitHub API error.
    """
    from hotfix_ci.commands.start import StartArgs, run

    return run_command(run, StartArgs, **options)


def _formats(*names: str, default: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    return click.option(
        "--format", "fmt", type=click.Choice(names), default=default, show_default=True
    )


@click.command("log")
@click.option("--environment", "-e", default=None, help="Only this environment (default: all).")
@click.option(
    "--since", default="30d", show_default=True, help="How far back: 30d, 2w, 12h or a date."
)
@_formats("text", "json", "csv", "markdown", default="text")
@REPO_OPTION
@TOKEN_OPTION
def log(**options: Any) -> int:
    """The deployment log: every Deployment hotfix-ci recorded, newest first, with its
    time (UTC), environment, provider, tag, commit, who, PR, result, what it rolled back,
    and break-glass.

    Needs `deployments: read`. Exit codes: 0 printed, 2 usage error, 4 GitHub API error.
    """
    from hotfix_ci.commands.log import LogArgs, run

    return run_command(run, LogArgs, **options)


@click.command("report")
@click.option("--pr", type=int, required=True, help="The hotfix pull request number.")
@click.option(
    "--open-issue",
    is_flag=True,
    help="Open the post-mortem issue (once; a re-run updates it). Needs issues: write.",
)
@click.option("--dry-run", is_flag=True, help="With --open-issue: say what it would do.")
@_formats("markdown", "json", default="markdown")
@CONFIG_OPTION
@REPO_OPTION
@TOKEN_OPTION
def report(**options: Any) -> int:
    """The incident report and post-mortem draft of one hotfix, from its timeline on GitHub:
    times to first approval, merge, deploy and the end against the severity's targets, a
    Mermaid gantt chart, root cause and fix from the PR body, prompts and action items.

    Needs `pull-requests: read`, `issues: read`, `deployments: read`, `contents: read`
    (and `issues: write` for --open-issue). Exit codes: 0 done, 2 usage or config error
    (the PR does not exist), 4 GitHub API error.
    """
    from hotfix_ci.commands.report import ReportArgs, run

    return run_command(run, ReportArgs, **options)


@click.command("metrics")
@click.option(
    "--since", default="90d", show_default=True, help="Hotfix PRs opened since: 90d, 2w, a date."
)
@_formats("text", "json", "markdown", default="text")
@CONFIG_OPTION
@REPO_OPTION
@TOKEN_OPTION
def metrics(**options: Any) -> int:
    """Hotfix metrics: count by severity, median and p90 time to first approval, merge and
    deploy, change failure rate, time to restore, share within target, break-glass merges.

    Needs `issues: read`, `pull-requests: read`, `deployments: read`. Exit codes: 0
    printed, 2 usage or config error, 4 GitHub API error.
    """
    from hotfix_ci.commands.metrics import MetricsArgs, run

    return run_command(run, MetricsArgs, **options)

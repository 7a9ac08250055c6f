"""What every GitHub-facing command resolves first: token, repository, API URL, format."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TextIO

from hotfix_ci import links
from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config.urls import url_problem
from hotfix_ci.errors import UsageError
from hotfix_ci.github_api.connect import Connection, connection_from_env
from hotfix_ci.text import inert, redacting

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient

DEFAULT_API_URL = "https://api.github.com"
FORMATS = ("text", "json", "github")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True, kw_only=True)
class RunContext:
    repo: str
    format: str
    io: ActionsIO
    # Built once, by resolve_context: the API URL, the token, and the bounded retries and
    # timeouts the HOTFIX_CI_HTTP_* variables tune, all checked before anything runs.
    conn: Connection

    @property
    def token(self) -> str:
        return self.conn.token

    def run_url(self) -> str | None:
        return links.run_url(self.io.env, self.repo)


def resolve_context(
    env: Mapping[str, str],
    *,
    repo: str | None,
    token: str | None,
    fmt: str | None,
    out: TextIO,
    err: TextIO | None = None,
    local_command: str = "",
) -> RunContext:
    io = workflow_io(env, fmt, out, err)
    secret = token or env.get("GITHUB_TOKEN") or ""
    # Mask before the first line is printed, so not even an error can echo it.
    io.mask(secret)
    chosen = output_format(fmt, io)
    name = repository(env, repo)
    if not secret:
        raise UsageError("no GitHub token", hint=token_hint(env, local_command))
    if any(ch.isspace() for ch in secret):
        raise UsageError("the GitHub token contains whitespace", hint="check how it is passed")
    if not secret.isascii() or not secret.isprintable():
        raise UsageError(
            "the GitHub token contains non-ASCII or control characters",
            hint="GitHub tokens are plain ASCII: check the secret's value for a pasted "
            "quote, dash or invisible character",
        )
    return RunContext(repo=name, format=chosen, io=io, conn=env_connection(env, secret))


def env_connection(env: Mapping[str, str], token: str) -> Connection:
    """The connection to GITHUB_API_URL (default https://api.github.com), checked with the
    config's URL rule, tuned by HOTFIX_CI_HTTP_*: a bad value of either is a usage error
    (exit 2) before any request. For commands that have no RunContext (notify, summary)."""
    api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    problem = url_problem(api_url)
    if problem is not None:
        raise UsageError(
            f"GITHUB_API_URL {api_url!r} is not a usable URL: {problem[0]}",
            hint=f"{problem[1]}; GITHUB_API_URL is the REST API's root: {DEFAULT_API_URL}, "
            "or https://HOST/api/v3 on GitHub Enterprise Server",
        )
    return connection_from_env(env, api_url=api_url, token=token)


def workflow_io(
    env: Mapping[str, str], fmt: str | None, out: TextIO, err: TextIO | None
) -> ActionsIO:
    """Where workflow commands (``::add-mask::``, ``::group::``, annotations) go: with
    ``--format json`` stdout carries the JSON document alone, so they go to stderr, which
    the runner reads too."""
    return ActionsIO(env, err if fmt == "json" and err is not None else out)


def output_format(fmt: str | None, io: ActionsIO) -> str:
    """``--format``, checked; without it ``github`` inside Actions and ``text`` elsewhere."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    return fmt or ("github" if io.in_actions else "text")


def repository(env: Mapping[str, str], flag: str | None) -> str:
    """``--repo``, else GITHUB_REPOSITORY, checked to be OWNER/NAME."""
    name = flag or env.get("GITHUB_REPOSITORY") or ""
    if not name:
        raise UsageError(
            "no repository given",
            hint="pass --repo OWNER/NAME (GITHUB_REPOSITORY is set inside Actions)",
        )
    if not _REPO.match(name):
        message, fix = repository_problem(name, from_flag=bool(flag))
        raise UsageError(message, hint=fix)
    return name


class Reader(NamedTuple):
    ctx: RunContext
    client: GitHubClient
    out: TextIO
    err: TextIO


def open_reader(
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    *,
    repo: str | None,
    token: str | None,
    local_command: str,
) -> Reader:
    """How a command that reads GitHub and prints one document (``log``, ``metrics``,
    ``report``) starts: redacting streams, the context with workflow commands on stderr
    (stdout carries the document alone), and a client (no request is made yet)."""
    from hotfix_ci.github_api.client import GitHubClient

    out, err = redacting(out), redacting(err)
    ctx = resolve_context(
        env, repo=repo, token=token, fmt="json", out=out, err=err, local_command=local_command
    )
    return Reader(ctx, GitHubClient(ctx.conn, ctx.repo), out, err)


def repository_problem(name: str, *, from_flag: bool) -> tuple[str, str]:
    """The message and the fix for a repository name that is not OWNER/NAME: where it came
    from, the form, and the name a URL or a ``.git`` suffix most likely meant."""
    cleaned = name.strip().removesuffix(".git")
    for prefix in ("https://", "http://", "git@"):
        cleaned = cleaned.removeprefix(prefix)
    parts = [p for p in cleaned.replace(":", "/").split("/") if p]
    guess = "/".join(parts[-2:]) if len(parts) >= 2 else None
    if guess is not None and not _REPO.match(guess):
        guess = None
    fix = f"pass --repo {guess}" if guess else "pass --repo OWNER/NAME, e.g. --repo octo-org/web"
    if from_flag:
        where = "--repo"
        fix += " (the owner and the repository name, joined by one slash)"
    else:
        where = "GITHUB_REPOSITORY"
        fix = (
            f"inside Actions the runner sets GITHUB_REPOSITORY to OWNER/NAME: remove the env: "
            f"entry that overrides it; outside Actions set it to OWNER/NAME or {fix}"
        )
    return f"repository {inert(name)!r} (from {where}) is not of the form OWNER/NAME", fix


def token_hint(env: Mapping[str, str], local_command: str) -> str:
    """How to give the command a token where it runs: the action's input inside the action,
    the step's ``env:`` in a workflow's ``run:`` step, ``gh auth token`` on a workstation.
    ``local_command`` names a command the action does not run (doctor, log, ...): it is never
    told to pass a token to the action."""
    by_action = (env.get("INPUT_COMMAND") or "").strip()
    if by_action:
        return (
            f"the action (command: {by_action}) got an empty `github-token` input: a "
            "`${{ secrets.NAME }}` that is not set, or not given to this event (a pull "
            "request from a fork), is empty; set that secret, or leave `github-token` out to "
            "use the job's token"
        )
    line = f"hotfix-ci {local_command} ..." if local_command else "hotfix-ci ..."
    local = f"set GITHUB_TOKEN or pass --token, e.g. `GITHUB_TOKEN=$(gh auth token) {line}`"
    run_step = "give the step `env: GITHUB_TOKEN: ${{ github.token }}`"
    if local_command:
        step = (
            f"in a workflow (the action does not run `{local_command}`), in its `run:` step "
            + run_step
        )
    else:
        step = (
            f"in a workflow, pass the action's `github-token` input, or in a `run:` step {run_step}"
        )
    if env.get("GITHUB_ACTIONS") == "true":
        return f"{step}; {local}"
    return f"{local}; {step}"

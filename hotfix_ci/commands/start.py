"""``hotfix-ci start "short description"``: open a hotfix correctly, from production.

In a local checkout: pick the production ref (the release live in the deployment log,
else the latest hotfix tag, else the base branch; ``--from`` overrides), create
``hotfix/<slug>`` there with one empty commit (GitHub opens no pull request without a
commit), push it, open the ``[HOTFIX]`` pull request with the hotfix and severity labels and
the PR template's sections, and print its URL and the gate's first verdict (check-pr's
rules, without a check run or comment). Every step looks before it writes: a re-run after
a failure (pushed, but the PR was not opened) carries on and opens the PR.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import RunContext, resolve_context
from hotfix_ci.commands.start_git import MARKER, Git
from hotfix_ci.config import load_config
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.errors import ExitCode, GitHubAPIError, UsageError
from hotfix_ci.release.notes import pr_template
from hotfix_ci.text import redacting

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient

SLUG_MAX = 48
Say = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class StartArgs:
    description: str
    severity: str = "P1"
    from_ref: str | None = None
    remote: str = "origin"
    dry_run: bool = False
    repo: str | None = None
    config: Path | None = None
    token: str | None = None
    workdir: Path = Path()


def slug(description: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", description.lower()).strip("-")
    cut = words[:SLUG_MAX].rstrip("-")
    if not cut:
        raise UsageError(
            f"the description {description!r} has no letters or digits for a branch name",
            hint='describe the problem in a few words: hotfix-ci start "login returns 500"',
        )
    return cut


def branch_for(cfg: HotfixConfig, description: str) -> str:
    pattern = cfg.pull_request.branch
    prefix = pattern.split("*", 1)[0] if "*" in pattern else "hotfix/"
    return prefix + slug(description)


def repo_of_url(url: str) -> str | None:
    """OWNER/NAME of a GitHub remote URL (https, ssh or scp form); None for a local path."""
    if "://" not in url and not re.match(r"^[\w.-]+@[\w.-]+:", url):
        return None
    found = re.search(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$", url)
    return f"{found.group(1)}/{found.group(2)}" if found else None


def pr_body(severity: str, start: str, why: str) -> str:
    """The PR template's sections, with the severity filled in and where it started."""
    body = pr_template().replace("## Severity\n", f"## Severity\n\n{severity}\n", 1)
    return f"<!-- hotfix-ci start: branched from {start} ({why}) -->\n" + body


def production_ref(
    client: GitHubClient | None, cfg: HotfixConfig, git: Git, remote: str
) -> tuple[str, str, str]:
    """(ref, its commit, why): live release, else latest hotfix tag, else the base branch."""
    if client is not None:
        found = _live_release(client, cfg, git)
        if found is not None:
            return found
    from hotfix_ci.release.versioning import latest_release

    tags = git.out("tag", "--list").split()
    latest = latest_release(tags, cfg.release)
    if latest is not None and latest.tag:
        sha = git.commit_of(f"refs/tags/{latest.tag}")
        if sha:
            return latest.tag, sha, "the latest hotfix tag (no live release in the deployment log)"
    base = cfg.pull_request.base[0]
    sha = git.commit_of(f"refs/remotes/{remote}/{base}")
    if sha is None:
        raise UsageError(
            f"neither a release nor {remote}/{base} to start the hotfix from",
            hint=f"push {base} first, or pass --from REF",
        )
    return f"{remote}/{base}", sha, f"the base branch {base} (no release tag yet)"


def _live_release(client: GitHubClient, cfg: HotfixConfig, git: Git) -> tuple[str, str, str] | None:
    from hotfix_ci.deploy import history

    names = list(cfg.deploy.environments)
    for name in sorted(names, key=lambda n: n != "production"):
        for spec in cfg.deploy.environments[name].providers:
            record = history.live(history.DeploymentLog(client, name, spec.name))
            if record is None:
                continue
            sha = git.commit_of(f"refs/tags/{record.ref}") or git.commit_of(record.sha)
            if sha:
                return record.ref, sha, f"live on {name} ({spec.name}) per the deployment log"
    return None


def _started_from(git: Git, sha: str) -> tuple[str, str]:
    """Where an earlier run branched from, as its commit message says."""
    body = git.out("log", "-1", "--format=%B", f"{sha}~0")
    found = re.search(r"^Branched from (\S+) \((.*)\)\.$", body, re.MULTILINE)
    return (found.group(1), found.group(2)) if found else ("an earlier start", "resumed")


def run(args: StartArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    out, err = redacting(out), redacting(err)
    git = Git(args.workdir, env)
    git.require_checkout()
    url = git.remote_url(args.remote)
    repo = args.repo or env.get("GITHUB_REPOSITORY") or repo_of_url(url)
    ctx = resolve_context(
        env, repo=repo, token=args.token, fmt="text", out=out, err=err, local_command="start"
    )
    cfg = load_config(args.config, workdir=args.workdir)
    severity = next((s for s in cfg.severities if s.name == args.severity), None)
    if severity is None:
        names = ", ".join(s.name for s in cfg.severities)
        raise UsageError(f"unknown --severity {args.severity!r}", hint=f"use one of {names}")
    git.require_clean()
    branch = branch_for(cfg, args.description)
    title = f"[HOTFIX] {args.description.strip()}"
    labels = list(dict.fromkeys([*cfg.pull_request.labels, severity.label]))
    from hotfix_ci.github_api import GitHubClient

    client = GitHubClient(ctx.conn, ctx.repo)
    git.fetch(args.remote)
    local = git.commit_of(f"refs/heads/{branch}")
    remote = git.remote_branch(args.remote, branch)
    for sha, where in ((local, "locally"), (remote, f"on {args.remote}")):
        if sha is not None and not git.started_here(sha):
            raise UsageError(
                f"the branch {branch} already exists {where} and was not started by hotfix-ci",
                hint=f"work on it (`git switch {branch}`), or describe this hotfix differently",
            )
    if local and remote and local != remote:
        raise UsageError(
            f"{branch} differs locally and on {args.remote}",
            hint=f"reconcile them (`git pull` on {branch}), then run hotfix-ci start again",
        )

    def say(line: str) -> None:
        print(line, file=out)

    if local or remote:
        sha = local or remote
        say(f"resuming: {branch} exists from an earlier `hotfix-ci start`")
        start, why = _started_from(git, str(sha))
    elif args.from_ref:
        start = args.from_ref
        sha = git.commit_of(start) or git.commit_of(f"refs/remotes/{args.remote}/{start}")
        if sha is None:
            raise UsageError(f"--from {start!r} names no commit, tag or branch here")
        why = "--from"
    else:
        start, sha, why = production_ref(client, cfg, git, args.remote)
    say(f"production ref: {start} ({why})")
    if args.dry_run:
        code = _dry_run(say, branch, title, labels, start, bool(local), bool(remote), args)
        if alert := cfg.notify.channels_for("alert"):
            say(f"would post the HOTFIX ALERT once to: {', '.join(c.name for c in alert)}")
        return code
    if not local and not remote:
        message = f"{MARKER} {args.description.strip()}\n\nBranched from {start} ({why})."
        local = git.create_branch(branch, str(sha), message)
        say(f"created {branch} from {start}")
    elif not local:
        git.run("switch", "--quiet", "--track", f"{args.remote}/{branch}")
    if not remote:
        git.push(args.remote, branch)
        say(f"pushed {branch} to {args.remote}")
    from hotfix_ci.github_api.labels import add_labels

    try:
        number, url = _open_pull(client, cfg, branch, title, pr_body(severity.name, start, why))
        add_labels(client, number, labels)
    except GitHubAPIError as exc:
        raise GitHubAPIError(
            f"{exc.message} ({branch} is pushed)",
            hint=f"run the same `hotfix-ci start` again once GitHub answers: it finds {branch} "
            "and opens (or finds) the pull request" + (f"; {exc.hint}" if exc.hint else ""),
            status=exc.status,
            operation=exc.operation,
        ) from exc
    say(f"pull request: {url}")
    say(f"labels: {', '.join(labels)}")
    code = _alert(cfg, env, out, say, client, args, number, title, url, severity.name)
    _first_verdict(ctx, args, number, env, say)
    say(f"next: commit the fix and a regression test on {branch}, push, and get it reviewed")
    return int(code)


def _alert(
    cfg: HotfixConfig,
    env: Mapping[str, str],
    out: TextIO,
    say: Say,
    client: GitHubClient,
    args: StartArgs,
    number: int,
    title: str,
    url: str,
    severity: str,
) -> ExitCode:
    """HOTFIX ALERT to the channels of ``notify.events.alert``, once per PR."""
    from hotfix_ci.actions_io import ActionsIO
    from hotfix_ci.notify.context import impact_of
    from hotfix_ci.notify.hooks import Stage, hotfix_opened

    rank = next((i for i, s in enumerate(cfg.severities) if s.name == severity), None)
    stage = Stage(
        cfg=cfg, env=env, io=ActionsIO(env, out), say=say, github=client, workdir=args.workdir
    )
    return hotfix_opened(
        number, stage, pr_title=title, pr_url=url, severity=severity, impact=impact_of(rank)
    )


def _open_pull(
    client: GitHubClient, cfg: HotfixConfig, branch: str, title: str, body: str
) -> tuple[int, str]:
    from hotfix_ci.github_api.releases import create_pull, find_pull_by_head

    base = cfg.pull_request.base[0]
    number = find_pull_by_head(client, branch, base)
    if number is None:
        number = create_pull(client, head=branch, base=base, title=title, body=body)
    return number, client.pull(number).html_url


def _first_verdict(
    ctx: RunContext, args: StartArgs, number: int, env: Mapping[str, str], say: Say
) -> None:
    """check-pr's rules on the new PR, printed; no check run, comment or summary."""
    from hotfix_ci.commands.check_pr import CheckPrArgs
    from hotfix_ci.commands.check_pr import run as check_pr

    text, errors = io.StringIO(), io.StringIO()
    check = CheckPrArgs(
        pr=number,
        repo=ctx.repo,
        config=args.config,
        format="text",
        report=False,
        token=ctx.token,
        workdir=args.workdir,
    )
    quiet = {k: v for k, v in env.items() if k not in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
    check_pr(check, quiet, text, errors)
    say("gate (first verdict, nothing written):")
    for line in (text.getvalue() + errors.getvalue()).strip().splitlines():
        say(f"  {line}")


def _dry_run(
    say: Say,
    branch: str,
    title: str,
    labels: list[str],
    start: str,
    local: bool,
    remote: bool,
    args: StartArgs,
) -> int:
    say("dry run: nothing is changed.")
    if not local and not remote:
        say(f"would create {branch} from {start} with an empty commit `{MARKER} ...`")
    if not remote:
        say(f"would push {branch} to {args.remote}")
    say(f"would open (or find) the pull request {title!r} with labels {', '.join(labels)}")
    say("would print its URL and the gate's first verdict")
    return int(ExitCode.OK)

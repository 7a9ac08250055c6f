"""``hotfix-ci doctor``: read the repository's setup through the API and say what leaves the
procedure toothless, each finding with its fix.

Read: the config and the four workflows on the default branch (contents API), the branch
protection and active rulesets of every base branch, the environments, and the names of
the repository's, the shared organization's and each environment's secrets. The checks are
pure (:mod:`~hotfix_ci.commands.doctor_checks`, :mod:`~hotfix_ci.commands.doctor_workflows`);
a part the token cannot read is a finding naming the permission, never a crash.

Exit 0 when every check passes, 1 with any finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import resolve_context
from hotfix_ci.commands.doctor_checks import (
    BranchSetup,
    Setup,
    check_environments,
    check_gate_required,
    check_secrets,
)
from hotfix_ci.config import DEFAULT_CONFIG_PATH, HotfixConfig, load_config, validate_config_text
from hotfix_ci.errors import ConfigError, ExitCode
from hotfix_ci.reports.doctor import DoctorReport, Finding, render_json, render_text, unseen
from hotfix_ci.text import redacting

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient
    from hotfix_ci.github_api.settings import Hidden


@dataclass(frozen=True, kw_only=True)
class DoctorArgs:
    repo: str | None = None
    config: Path | None = None  # a local file instead of the default branch's
    format: str | None = None
    token: str | None = None
    workdir: Path = Path()


def _config(
    args: DoctorArgs, client: GitHubClient, branch: str
) -> tuple[HotfixConfig | None, str, list[Finding]]:
    """The config, where it came from, and the finding when it cannot be used."""
    from hotfix_ci.github_api import settings

    try:
        if args.config is not None:
            return load_config(args.config, workdir=args.workdir), str(args.config), []
        path = DEFAULT_CONFIG_PATH.as_posix()
        text = settings.file_text(client, path, branch)
        if isinstance(text, settings.Hidden):
            return None, "unreadable", [unseen("config", text, "the config was not checked")]
        if text is None:
            return HotfixConfig(), f"defaults (no {path} on {branch})", []
        source = f"{path} on {branch}"
        return validate_config_text(text, source), source, []
    except ConfigError as exc:
        finding = Finding(
            check="config",
            message=f"the config is invalid: {exc.message}",
            fix=exc.hint or "run `hotfix-ci config validate` and correct what it names",
            where=str(args.config or DEFAULT_CONFIG_PATH),
        )
        return None, "invalid", [finding]


def read_setup(
    client: GitHubClient, config: HotfixConfig | None, default_branch: str
) -> tuple[Setup, dict[str, str | Hidden | None]]:
    """Everything the checks need, read through the API; and the workflow files' texts."""
    from hotfix_ci.commands.doctor_workflows import WORKFLOW_DIR
    from hotfix_ci.github_api import settings
    from hotfix_ci.workflows import WORKFLOWS

    bases = config.pull_request.base if config is not None else (default_branch,)
    branches = tuple(
        BranchSetup(
            name=name,
            protection=settings.branch_protection(client, name),
            rules=settings.branch_rules(client, name),
        )
        for name in dict.fromkeys(bases)
    )
    wanted = tuple(config.deploy.environments) if config is not None else ()
    environments = settings.environments(client) if wanted else []
    existing = (
        set(wanted)
        if isinstance(environments, settings.Hidden)
        else {str(e.get("name")) for e in environments}
    )
    setup = Setup(
        repo=client.repo_name,
        config=config,
        branches=branches,
        environments=environments,
        repo_secrets=settings.secret_names(client) if config is not None else set(),
        org_secrets=settings.organization_secret_names(client) if config is not None else set(),
        env_secrets={n: settings.secret_names(client, n) for n in wanted if n in existing},
    )
    texts: dict[str, str | Hidden | None] = {
        name: settings.file_text(client, f"{WORKFLOW_DIR}/{name}", default_branch)
        for name in WORKFLOWS
    }
    return setup, texts


def diagnose(args: DoctorArgs, client: GitHubClient) -> DoctorReport:
    from hotfix_ci.commands.doctor_workflows import check_notify_env, check_workflows
    from hotfix_ci.github_api import settings

    branch = settings.default_branch(client)
    config, source, findings = _config(args, client, branch)
    setup, texts = read_setup(client, config, branch)
    findings += check_gate_required(setup)
    findings += check_environments(setup)
    findings += check_secrets(setup)
    findings += check_workflows(texts)
    if config is not None:
        findings += check_notify_env(config.notify.variables(from_secrets=True), texts)
    return DoctorReport(
        repository=client.repo_name,
        default_branch=branch,
        config_source=source,
        findings=tuple(findings),
        skipped=() if config is not None else ("environments", "secrets"),
    )


def run(args: DoctorArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    # Every registered secret is redacted from all this command prints.
    out, err = redacting(out), redacting(err)
    ctx = resolve_context(
        env,
        repo=args.repo,
        token=args.token,
        fmt=args.format,
        out=out,
        err=err,
        local_command="doctor",
    )
    from hotfix_ci.github_api import GitHubClient

    report = diagnose(args, GitHubClient(ctx.conn, ctx.repo))
    if ctx.format == "json":
        out.write(render_json(report) + "\n")
    else:
        if ctx.format == "github":
            for f in report.findings:
                level = "error" if f.level == "problem" else "warning"
                title = f"hotfix-ci doctor: {f.check}"
                ctx.io.annotation(level, f"{f.message}. Fix: {f.fix}", title=title)
        out.write(render_text(report) + "\n")
    return int(ExitCode.OK if report.ok else ExitCode.POLICY_FAILED)

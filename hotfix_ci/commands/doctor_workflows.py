"""``hotfix-ci doctor`` on the workflow files of the default branch: the token permissions of
each job against what ``hotfix-ci init`` renders for it (the least each command needs), and
every remote action pinned by commit SHA. Pure functions over the files' text.

Permissions syntax: https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions#permissions
(a job without ``permissions:`` takes the workflow's, and without either the repository's
default token, read-write on repositories created before February 2023).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from hotfix_ci.github_api.settings import Hidden
from hotfix_ci.reports.doctor import Finding, unseen
from hotfix_ci.workflows import WORKFLOWS, WorkflowSettings, render

WORKFLOW_DIR = ".github/workflows"
RANK = {"none": 0, "read": 1, "write": 2}
# Every scope a GITHUB_TOKEN can carry: what read-all / write-all grant.
SCOPES = (
    "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token",
    "issues", "models", "packages", "pages", "pull-requests", "repository-projects",
    "security-events", "statuses",
)  # fmt: skip
_SHA = re.compile(r"^[0-9a-f]{40}$")
_PLACEHOLDER_ACTION = "owner/hotfix-ci@" + "0" * 40


def needed_permissions() -> dict[str, dict[str, dict[str, str]]]:
    """file -> job -> scope -> access, as ``hotfix-ci init`` renders the workflows."""
    needed: dict[str, dict[str, dict[str, str]]] = {}
    for name in WORKFLOWS:
        data = yaml.safe_load(render(name, WorkflowSettings(action=_PLACEHOLDER_ACTION)))
        needed[name] = {
            job_id: normalize(job.get("permissions")) or {}
            for job_id, job in (data.get("jobs") or {}).items()
        }
    return needed


def normalize(value: Any) -> dict[str, str] | None:
    """A ``permissions:`` value as scope -> access; None when it is not declared."""
    if value is None:
        return None
    if value in ("read-all", "write-all"):
        return dict.fromkeys(SCOPES, value.removesuffix("-all"))
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if str(v) != "none"}
    return {}  # `permissions: {}` or an empty value: nothing


def _jobs(data: Mapping[str, Any]) -> Mapping[str, Any]:
    jobs = data.get("jobs")
    return jobs if isinstance(jobs, Mapping) else {}


def _show(perms: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(perms.items())) + "}"


def check_workflows(texts: Mapping[str, str | Hidden | None]) -> list[Finding]:
    """Findings of both workflow checks over ``texts`` (file name -> its text)."""
    findings: list[Finding] = []
    needed = needed_permissions()
    for name in WORKFLOWS:
        path = f"{WORKFLOW_DIR}/{name}"
        text = texts.get(name)
        if isinstance(text, Hidden):
            findings.append(unseen("workflow-permissions", text, "it was not checked", path))
            continue
        if text is None:
            findings.append(
                Finding(
                    check="workflow-permissions",
                    message=f"{path} is not on the default branch: that part of the procedure "
                    "never runs",
                    fix="run `hotfix-ci init`, then commit and merge the workflow",
                    where=path,
                )
            )
            continue
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            findings.append(
                Finding(
                    check="workflow-permissions",
                    message=f"{path} is not valid YAML: {str(exc).splitlines()[0]}",
                    fix="run `hotfix-ci init --check` to see how it differs from the rendered one",
                    where=path,
                )
            )
            continue
        data = data if isinstance(data, Mapping) else {}
        findings += _permissions(path, data, needed[name])
        findings += _pins(path, data)
    return findings


def _permissions(
    path: str, data: Mapping[str, Any], needed: Mapping[str, Mapping[str, str]]
) -> list[Finding]:
    findings: list[Finding] = []
    jobs = _jobs(data)
    top = normalize(data.get("permissions"))
    for job_id, need in needed.items():
        where = f"{path}: jobs.{job_id}"
        job = jobs.get(job_id)
        if not isinstance(job, Mapping):
            findings.append(
                Finding(
                    check="workflow-permissions",
                    message=f"{path} has no job {job_id!r}, which hotfix-ci renders",
                    fix="run `hotfix-ci init --check` and apply the diff",
                    where=where,
                )
            )
            continue
        granted = normalize(job.get("permissions"))
        granted = top if granted is None else granted
        if granted is None:
            findings.append(
                Finding(
                    check="workflow-permissions",
                    message=f"job {job_id} declares no permissions: it gets the repository's "
                    "default token, read-write on older repositories",
                    fix=f"declare exactly what it needs under jobs.{job_id}: permissions: "
                    f"{_show(need)}",
                    where=where,
                )
            )
            continue
        wider = {k: v for k, v in granted.items() if RANK.get(v, 2) > RANK[need.get(k, "none")]}
        narrower = {k: v for k, v in need.items() if RANK[v] > RANK.get(granted.get(k, "none"), 0)}
        if wider:
            findings.append(
                Finding(
                    check="workflow-permissions",
                    message=f"job {job_id} grants {_show(wider)}, more than it needs "
                    f"({_show(need)}): a compromised step could use it",
                    fix=f"set jobs.{job_id}.permissions to {_show(need)} (keep an extra scope "
                    "only if a step you added needs it)",
                    where=where,
                )
            )
        if narrower:
            findings.append(
                Finding(
                    check="workflow-permissions",
                    message=f"job {job_id} lacks {_show(narrower)}: its hotfix-ci command "
                    "fails with 403",
                    fix=f"set jobs.{job_id}.permissions to {_show(need)}",
                    where=where,
                )
            )
    return findings


def _pins(path: str, data: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    jobs = _jobs(data)
    for job_id, job in jobs.items():
        if not isinstance(job, Mapping):
            continue
        uses = [(f"jobs.{job_id}", job.get("uses"), False)]
        for index, step in enumerate(job.get("steps") or []):
            if isinstance(step, Mapping):
                ours = isinstance(step.get("with"), Mapping) and "command" in step["with"]
                uses.append((f"jobs.{job_id}.steps[{index}]", step.get("uses"), ours))
        for where, ref, ours in uses:
            if not isinstance(ref, str) or ref.startswith(("./", "docker://")):
                continue
            name, _, version = ref.partition("@")
            if _SHA.match(version):
                continue
            what = f"the hotfix-ci action {name}" if ours else f"action {name}"
            findings.append(
                Finding(
                    check="action-pinned",
                    message=f"{what} is referenced by {version or 'no ref'!r}, not by commit "
                    "SHA: whoever can move that tag or branch runs code with this job's token "
                    "and secrets",
                    fix=f"pin it: `uses: {name}@<40-hex commit sha> # {version or 'vX.Y.Z'}` "
                    "(the commit the tag points at, from the action's releases page)",
                    where=f"{path}: {where}",
                )
            )
    return findings


# The hotfix-ci commands that post notifications, so whose step needs the channels' variables.
NOTIFYING = ("release", "deploy", "rollback", "summary")


def check_notify_env(
    variables: Sequence[tuple[str, str]], texts: Mapping[str, str | Hidden | None]
) -> list[Finding]:
    """``secrets`` findings: a step that notifies (release, deploy, rollback, summary) whose
    ``env:`` (its own, its job's or the workflow's) lacks a notify channel's variable; the
    secret may exist, but that step's channel fails with "$NAME is not set"."""
    names = list(dict.fromkeys(name for name, _ in variables))
    findings: list[Finding] = []
    for file_name in WORKFLOWS:
        text = texts.get(file_name)
        if not isinstance(text, str) or not names:
            continue
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue  # workflow-permissions reports it
        if not isinstance(data, Mapping):
            continue
        path = f"{WORKFLOW_DIR}/{file_name}"
        for job_id, job in _jobs(data).items():
            if not isinstance(job, Mapping):
                continue
            for index, step in enumerate(job.get("steps") or []):
                command = step.get("with", {}).get("command") if isinstance(step, Mapping) else None
                if command not in NOTIFYING:
                    continue
                given = {*_env(data), *_env(job), *_env(step)}
                missing = [name for name in names if name not in given]
                if not missing:
                    continue
                lines = ", ".join(f"{n}: ${{{{ secrets.{n} }}}}" for n in missing)
                findings.append(
                    Finding(
                        check="secrets",
                        message=f"the `{command}` step does not pass {', '.join(missing)} "
                        "(named by notify.channels) in its env: its notifications fail with "
                        '"$NAME is not set" even when the secret exists',
                        fix=f"add to that step's env: {lines} (`hotfix-ci init --check` shows "
                        "the lines init renders)",
                        where=f"{path}: jobs.{job_id}.steps[{index}]",
                    )
                )
    return findings


def _env(node: Any) -> list[str]:
    env = node.get("env") if isinstance(node, Mapping) else None
    return [str(key) for key in env] if isinstance(env, Mapping) else []

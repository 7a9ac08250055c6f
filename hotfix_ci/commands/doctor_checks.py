"""The checks of ``hotfix-ci doctor`` over what was read from GitHub: pure functions, no I/O.

Each takes the :class:`Setup` and returns findings; a part GitHub would not show (``Hidden``)
becomes an ``unverified`` finding naming the permission that would show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hotfix_ci.commands.init import PROVIDER_SECRETS
from hotfix_ci.config.model import Environment, HotfixConfig
from hotfix_ci.github_api.settings import Absent, Hidden
from hotfix_ci.reports.doctor import Finding, unseen
from hotfix_ci.reports.pr_gate import CHECK_NAME

JSON = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class BranchSetup:
    name: str
    protection: JSON | Absent | Hidden | None
    rules: list[JSON] | Hidden


@dataclass(frozen=True, kw_only=True)
class Setup:
    repo: str
    config: HotfixConfig | None  # None: the config is invalid (a finding says why)
    branches: tuple[BranchSetup, ...] = ()
    environments: list[JSON] | Hidden = field(default_factory=list)
    repo_secrets: set[str] | Hidden = field(default_factory=set)
    org_secrets: set[str] | Hidden = field(default_factory=set)
    env_secrets: Mapping[str, set[str] | Hidden] = field(default_factory=dict)


# -- the gate is required ---------------------------------------------------------------------
def required_checks(protection: JSON | None, rules: Iterable[JSON]) -> set[str]:
    names: set[str] = set()
    status = (protection or {}).get("required_status_checks") or {}
    names.update(str(c) for c in status.get("contexts") or [])
    names.update(str(c.get("context")) for c in status.get("checks") or [])
    for rule in rules:
        if rule.get("type") == "required_status_checks":
            params = rule.get("parameters") or {}
            names.update(str(c.get("context")) for c in params.get("required_status_checks") or [])
    return names


def check_gate_required(setup: Setup) -> list[Finding]:
    findings: list[Finding] = []
    for branch in setup.branches:
        where = f"branch {branch.name}"
        if isinstance(branch.protection, Absent):
            findings.append(
                Finding(
                    check="gate-required",
                    message=f"pull_request.base names {branch.name}, which does not exist on "
                    "GitHub: hotfix PRs cannot target it",
                    fix="create the branch, or correct pull_request.base in .github/hotfix.yml",
                    where=where,
                )
            )
            continue
        seen_rules = [] if isinstance(branch.rules, Hidden) else branch.rules
        seen_protection = branch.protection if isinstance(branch.protection, dict) else None
        if CHECK_NAME in required_checks(seen_protection, seen_rules):
            continue
        hidden = next((h for h in (branch.protection, branch.rules) if isinstance(h, Hidden)), None)
        if hidden is not None:
            findings.append(
                unseen(
                    "gate-required",
                    hidden,
                    f'whether merging into {branch.name} requires the "{CHECK_NAME}" check is '
                    "unknown (what could be read does not require it)",
                    where,
                )
            )
            continue
        findings.append(
            Finding(
                check="gate-required",
                message=f'merging into {branch.name} does not require the "{CHECK_NAME}" check: '
                "neither branch protection nor an active ruleset lists it, so a hotfix PR that "
                "fails the gate can still be merged",
                fix=f"Settings → Rules → Rulesets → New branch ruleset targeting {branch.name} → "
                f'"Require status checks to pass" → add "{CHECK_NAME}" (or, in the branch '
                f'protection rule of {branch.name}, "Require status checks to pass before '
                'merging"); GitHub offers the check once the gate has run on a pull request',
                where=where,
            )
        )
    return findings


# -- environments -----------------------------------------------------------------------------
def is_production(env: Environment) -> bool:
    return env.production or env.name == "production"


def check_environments(setup: Setup) -> list[Finding]:
    if setup.config is None or not setup.config.deploy.environments:
        return []
    if isinstance(setup.environments, Hidden):
        return [unseen("environments", setup.environments, "the environments were not checked")]
    on_github = {str(e.get("name")): e for e in setup.environments}
    findings: list[Finding] = []
    for name, env in setup.config.deploy.environments.items():
        where = f"deploy.environments.{name}"
        found = on_github.get(name)
        settings = "Settings → Environments"
        if found is None:
            extra = (
                ", add required reviewers and a deployment branch policy"
                if is_production(env)
                else ""
            )
            findings.append(
                Finding(
                    check="environments",
                    message=f'environment "{name}" does not exist on GitHub: the first deploy '
                    "creates it with no protection rules and no secrets",
                    fix=f'{settings} → New environment "{name}"{extra}, and add its secrets',
                    where=where,
                )
            )
            continue
        if not is_production(env):
            continue
        rules = found.get("protection_rules") or []
        if not any(r.get("type") == "required_reviewers" and r.get("reviewers") for r in rules):
            findings.append(
                Finding(
                    check="environments",
                    message=f'environment "{name}" has no required reviewers: a deploy to it '
                    "starts without anyone approving it",
                    fix=f"{settings} → {name} → Required reviewers: add the people or team who "
                    "approve production deploys",
                    where=where,
                )
            )
        if found.get("deployment_branch_policy") is None:
            findings.append(
                Finding(
                    check="environments",
                    message=f'environment "{name}" has no deployment branch policy: a workflow '
                    "on any branch can deploy to it and read its secrets",
                    fix=f"{settings} → {name} → Deployment branches and tags → Protected "
                    "branches only (or Selected branches: your base branches)",
                    where=where,
                )
            )
    return findings


# -- secrets ----------------------------------------------------------------------------------
def provider_secrets(env: Environment) -> list[tuple[str, str]]:
    """(secret, where) for every credential the environment's providers read."""
    found: list[tuple[str, str]] = []
    for spec in env.providers:
        names = PROVIDER_SECRETS.get(spec.type, ())
        if spec.type == "kubernetes" and spec.settings.get("kubeconfig"):
            names = ()  # a kubeconfig file given in the settings
        if spec.type == "compose-ssh" and spec.settings.get("identity_file"):
            names = ()  # a key file given in the settings
        where = f"deploy.environments.{env.name}.providers.{spec.name} ({spec.type})"
        found.extend((name, where) for name in names)
    return found


def _visible(*sources: set[str] | Hidden) -> tuple[set[str], list[Hidden]]:
    names: set[str] = set()
    hidden: list[Hidden] = []
    for source in sources:
        if isinstance(source, Hidden):
            hidden.append(source)
        else:
            names |= source
    return names, hidden


def check_secrets(setup: Setup) -> list[Finding]:
    if setup.config is None:
        return []
    findings: list[Finding] = []
    wanted: list[tuple[str, str, str | None]] = [
        (name, where, env.name)
        for env in setup.config.deploy.environments.values()
        for name, where in provider_secrets(env)
    ]
    notify = setup.config.notify.variables(from_secrets=True)
    wanted += [(name, where, None) for name, where in notify]
    unknown: dict[Hidden, list[str]] = {}
    for secret, where, environment in wanted:
        scope = [setup.repo_secrets, setup.org_secrets]
        if environment is not None:
            scope.append(setup.env_secrets.get(environment, set()))
        names, hidden = _visible(*scope)
        if secret.upper() in names:
            continue
        if hidden:
            for source in hidden:
                unknown.setdefault(source, []).append(secret)
            continue
        places = f"environment {environment}'s secrets, " if environment else ""
        command = f"gh secret set {secret} --repo {setup.repo}"
        if environment is not None:
            command += f" --env {environment}"
        findings.append(
            Finding(
                check="secrets",
                message=f"secret {secret} is missing: it is in neither {places}the repository's "
                "secrets nor the organization secrets shared with the repository",
                fix=f"`{command}` (or Settings → Secrets and variables → Actions)",
                where=where,
            )
        )
    for source, secrets in unknown.items():
        listed = ", ".join(dict.fromkeys(secrets))
        findings.append(unseen("secrets", source, f"whether {listed} exist(s) there is unknown"))
    return list(dict.fromkeys(findings))

"""A repository's settings as ``hotfix-ci doctor`` reads them: branch protection, the rules
that apply to a branch, environments, and secret names (values never exist here).

Endpoints as documented at https://docs.github.com/rest/branches/branch-protection
(404 "Branch not protected"), https://docs.github.com/rest/repos/rules (only active rulesets
apply), https://docs.github.com/rest/deployments/environments,
https://docs.github.com/rest/actions/secrets. Branch protection needs the administration
permission, which a workflow's ``GITHUB_TOKEN`` can never have.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.state import Repo, Store

JSON = dict[str, Any]
ENVIRONMENT = r"{repo}/environments/(?P<environment_name>[^/]+)"


# Registered before routes_git's ``branches/{branch}`` (testing/__init__.py imports this module
# first), which would otherwise take ``main/protection`` for a branch name.
@rest.route("GET", r"{repo}/branches/(?P<branch>[^/]+)/protection", "administration=read")
def branch_protection(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    branch = req.params["branch"]
    if repo.branch_sha(branch) is None:
        raise rest.ApiError(404, "Branch not found")
    settings = repo.protection.get(branch)
    if settings is None:
        raise rest.ApiError(404, "Branch not protected")
    url = f"{req.base_url}/repos/{repo.full_name}/branches/{branch}/protection"
    body: JSON = {
        "url": url,
        "enabled": True,
        "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": settings["enforce_admins"]},
        "required_linear_history": {"enabled": False},
        "allow_force_pushes": {"enabled": False},
        "allow_deletions": {"enabled": False},
    }
    checks = settings["checks"]
    if checks is not None:
        body["required_status_checks"] = {
            "url": f"{url}/required_status_checks",
            "strict": settings["strict"],
            "contexts": [check["context"] for check in checks],
            "contexts_url": f"{url}/required_status_checks/contexts",
            "checks": [dict(check) for check in checks],
        }
    return rest.Response(200, body)


def _applies(repo: Repo, ruleset: JSON, branch: str) -> bool:
    def hit(pattern: str) -> bool:
        if pattern == "~ALL":
            return True
        if pattern == "~DEFAULT_BRANCH":
            return branch == repo.default_branch
        return fnmatch.fnmatchcase(f"refs/heads/{branch}", pattern)

    included = any(hit(p) for p in ruleset["include"])
    return included and not any(hit(p) for p in ruleset["exclude"])


@rest.route("GET", r"{repo}/rules/branches/(?P<branch>.+)", "metadata=read")
def branch_rules(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    branch = req.params["branch"]
    rules: list[JSON] = []
    for ruleset in repo.rulesets:
        if ruleset["enforcement"] != "active" or not _applies(repo, ruleset, branch):
            continue
        source = {
            "ruleset_source_type": "Repository",
            "ruleset_source": repo.full_name,
            "ruleset_id": ruleset["id"],
        }
        for rule in ruleset["rules"]:
            rules.append({**rule, **source})
    return rest.paginate(req, rules, lambda rule: rule)


def environment_json(base: str, store: Store, repo: Repo, name: str) -> JSON:
    env = repo.environments[name]
    rules: list[JSON] = []
    if env["wait_timer"]:
        rules.append(_rule(env, "wait_timer", wait_timer=env["wait_timer"]))
    if env["reviewers"]:
        reviewers = [
            {"type": "User", "reviewer": objects.user(base, store, login)}
            for login in env["reviewers"]
        ]
        rules.append(
            _rule(env, "required_reviewers", prevent_self_review=False, reviewers=reviewers)
        )
    if env["branch_policy"] is not None:
        rules.append(_rule(env, "branch_policy"))
    policy = env["branch_policy"]
    branch_policy = None
    if policy is not None:
        branch_policy = {
            "protected_branches": policy == "protected",
            "custom_branch_policies": policy == "custom",
        }
    return {
        "id": env["id"],
        "node_id": objects.node_id("EN_", env["id"]),
        "name": name,
        "url": f"{base}/repos/{repo.full_name}/environments/{name}",
        "html_url": f"{base}/{repo.full_name}/deployments/activity_log?environments_filter={name}",
        "created_at": env["created_at"],
        "updated_at": env["created_at"],
        "protection_rules": rules,
        "deployment_branch_policy": branch_policy,
    }


def _rule(env: JSON, kind: str, **fields: Any) -> JSON:
    ident = env["id"] * 10 + len(kind)
    return {"id": ident, "node_id": objects.node_id("GA_", ident), "type": kind, **fields}


def _environment(repo: Repo, req: rest.Request) -> str:
    name = req.params["environment_name"]
    if name not in repo.environments:
        raise rest.ApiError.not_found()
    return name


@rest.route("GET", r"{repo}/environments", "actions=read")
def list_environments(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    names = sorted(repo.environments)
    return rest.paginate(
        req,
        names,
        lambda name: environment_json(req.base_url, store, repo, name),
        wrap=lambda items, total: {"total_count": total, "environments": items},
    )


@rest.route("GET", ENVIRONMENT, "actions=read")
def get_environment(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    return rest.Response(200, environment_json(req.base_url, store, repo, _environment(repo, req)))


def _secrets(req: rest.Request, secrets: dict[str, str]) -> rest.Response:
    return rest.paginate(
        req,
        sorted(secrets.items()),
        lambda item: {"name": item[0], "created_at": item[1], "updated_at": item[1]},
        wrap=lambda items, total: {"total_count": total, "secrets": items},
    )


@rest.route("GET", ENVIRONMENT + "/secrets", "environments=read")
def environment_secrets(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    return _secrets(req, repo.environments[_environment(repo, req)]["secrets"])


@rest.route("GET", r"{repo}/actions/secrets", "secrets=read")
def repository_secrets(store: Store, req: rest.Request) -> rest.Response:
    return _secrets(req, rest.repo_of(store, req).secrets)


@rest.route("GET", r"{repo}/actions/organization-secrets", "secrets=read")
def organization_secrets(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    response = _secrets(req, repo.org_secrets)
    assert isinstance(response.body, dict)
    for item in response.body["secrets"]:
        item["visibility"] = "selected"  # organization-actions-secret
    return response

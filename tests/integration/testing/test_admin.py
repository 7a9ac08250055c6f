"""PyGithub against the emulator: branch protection, branch rules, environments, secret names;
the seeding methods that set them; the ``/api/v3`` prefix. Every response is checked against
GitHub's OpenAPI description by the ``emulator`` fixture."""

from __future__ import annotations

from typing import Any

import pytest
from github import GithubException

from hotfix_ci.errors import UsageError
from hotfix_ci.testing import GitHubEmulator
from tests.helpers.github import REPO, client


@pytest.fixture(autouse=True)
def _acme_web(emulator: GitHubEmulator) -> None:
    emulator.create_repo(REPO)


def get(emu: GitHubEmulator, path: str, **params: Any) -> Any:
    _, data = client(emu).requester.requestJsonAndCheck("GET", path, parameters=params or None)
    return data


def test_branch_protection_and_its_absence(emulator: GitHubEmulator) -> None:
    url = f"/repos/{REPO}/branches/main/protection"
    with pytest.raises(GithubException) as unprotected:
        get(emulator, url)
    assert (unprotected.value.status, unprotected.value.data["message"]) == (
        404,
        "Branch not protected",
    )
    emulator.protect_branch(REPO, "main", required_checks=["hotfix-ci / PR gate"], strict=True)
    body = get(emulator, url)
    checks = body["required_status_checks"]
    assert checks["contexts"] == ["hotfix-ci / PR gate"] and checks["strict"] is True
    assert checks["checks"] == [{"context": "hotfix-ci / PR gate", "app_id": 15368}]
    # PyGithub's own reader parses it
    protection = client(emulator).get_repo(REPO).get_branch("main").get_protection()
    assert protection.required_status_checks.contexts == ["hotfix-ci / PR gate"]
    with pytest.raises(GithubException) as missing:
        get(emulator, f"/repos/{REPO}/branches/nope/protection")
    assert missing.value.data["message"] == "Branch not found"
    # the plain branch route still answers
    assert get(emulator, f"/repos/{REPO}/branches/main")["name"] == "main"


def test_branch_protection_needs_administration(emulator: GitHubEmulator) -> None:
    emulator.protect_branch(REPO, "main", required_checks=None)
    assert "required_status_checks" not in get(emulator, f"/repos/{REPO}/branches/main/protection")
    emulator.set_token_permissions({"administration": "none"})
    with pytest.raises(GithubException) as refused:
        get(emulator, f"/repos/{REPO}/branches/main/protection")
    assert refused.value.status == 403
    assert refused.value.headers["x-accepted-github-permissions"] == "administration=read"


def test_rules_for_a_branch_only_active_and_matching(emulator: GitHubEmulator) -> None:
    emulator.commit(REPO, branch="release/1", message="branch")
    gate = emulator.add_ruleset(REPO, "gate", required_checks=["hotfix-ci / PR gate"])
    emulator.add_ruleset(REPO, "trial", required_checks=["x"], enforcement="evaluate")
    emulator.add_ruleset(REPO, "releases", branches=["refs/heads/release/*"], exclude=[])
    emulator.add_ruleset(REPO, "all but main", branches=["~ALL"], exclude=["refs/heads/main"])
    main = get(emulator, f"/repos/{REPO}/rules/branches/main")
    assert [(r["type"], r["ruleset_id"]) for r in main] == [
        ("deletion", gate),
        ("required_status_checks", gate),
    ]
    assert main[1]["parameters"]["required_status_checks"] == [{"context": "hotfix-ci / PR gate"}]
    assert main[1]["ruleset_source"] == REPO
    release = get(emulator, f"/repos/{REPO}/rules/branches/release/1")
    assert [r["type"] for r in release] == ["deletion", "deletion"]
    with pytest.raises(UsageError, match="enforcement 'on'"):
        emulator.add_ruleset(REPO, "bad", enforcement="on")


def test_environments_with_reviewers_and_branch_policy(emulator: GitHubEmulator) -> None:
    emulator.create_environment(
        REPO, "production", reviewers=["alice"], branch_policy="protected", wait_timer=5
    )
    emulator.create_environment(REPO, "staging")
    listed = get(emulator, f"/repos/{REPO}/environments")
    assert listed["total_count"] == 2
    assert [e["name"] for e in listed["environments"]] == ["production", "staging"]
    production = get(emulator, f"/repos/{REPO}/environments/production")
    rules = {r["type"]: r for r in production["protection_rules"]}
    assert set(rules) == {"wait_timer", "required_reviewers", "branch_policy"}
    assert [r["reviewer"]["login"] for r in rules["required_reviewers"]["reviewers"]] == ["alice"]
    assert production["deployment_branch_policy"] == {
        "protected_branches": True,
        "custom_branch_policies": False,
    }
    staging = get(emulator, f"/repos/{REPO}/environments/staging")
    assert (staging["protection_rules"], staging["deployment_branch_policy"]) == ([], None)
    with pytest.raises(GithubException) as missing:
        get(emulator, f"/repos/{REPO}/environments/qa")
    assert missing.value.status == 404
    with pytest.raises(UsageError, match="branch_policy 'main'"):
        emulator.create_environment(REPO, "x", branch_policy="main")


def test_secret_names_by_scope_and_pages(emulator: GitHubEmulator) -> None:
    emulator.create_environment(REPO, "production")
    emulator.add_secret(REPO, "vercel_token", environment="production")
    for index in range(3):
        emulator.add_secret(REPO, f"REPO_{index}")
    emulator.add_secret(REPO, "SHARED", organization=True)
    env_secrets = get(emulator, f"/repos/{REPO}/environments/production/secrets")
    assert [s["name"] for s in env_secrets["secrets"]] == ["VERCEL_TOKEN"]
    first = get(emulator, f"/repos/{REPO}/actions/secrets", per_page=2)
    assert first["total_count"] == 3 and len(first["secrets"]) == 2
    second = get(emulator, f"/repos/{REPO}/actions/secrets", per_page=2, page=2)
    assert [s["name"] for s in second["secrets"]] == ["REPO_2"]
    shared = get(emulator, f"/repos/{REPO}/actions/organization-secrets")
    assert shared["secrets"][0]["name"] == "SHARED"
    assert shared["secrets"][0]["visibility"] == "selected"
    with pytest.raises(UsageError, match="no environment 'qa'"):
        emulator.add_secret(REPO, "X", environment="qa")
    emulator.set_token_permissions({"secrets": "none"})
    with pytest.raises(GithubException) as refused:
        get(emulator, f"/repos/{REPO}/actions/secrets")
    assert refused.value.headers["x-accepted-github-permissions"] == "secrets=read"


def test_protect_branch_names_a_missing_branch(emulator: GitHubEmulator) -> None:
    with pytest.raises(UsageError, match="no branch 'develop'"):
        emulator.protect_branch(REPO, "develop")


def test_prefix_must_be_a_path() -> None:
    with pytest.raises(UsageError, match="must start with /"):
        GitHubEmulator(prefix="api/v3")


def test_pygithub_through_the_prefix_with_web_links_at_the_root() -> None:
    with GitHubEmulator(prefix="/api/v3") as emu:
        emu.create_repo(REPO)
        files = [
            {"filename": f"f{i}.py", "additions": 1, "deletions": 0, "status": "modified"}
            for i in range(3)
        ]
        number = emu.create_pull(REPO, title="x", head="hotfix/x", author="bob", files=files)
        pull = client(emu, per_page=2).get_repo(REPO).get_pull(number)
        assert pull.html_url == f"{emu.web_url}/{REPO}/pull/{number}"
        assert pull.url == f"{emu.url}/repos/{REPO}/pulls/{number}"
        assert pull.raw_data["_links"]["html"]["href"] == pull.html_url
        # pages follow the Link header under the prefix
        assert [f.filename for f in pull.get_files()] == ["f0.py", "f1.py", "f2.py"]
        # the state readers answer what the routes serve
        assert emu.pulls(REPO)[0]["html_url"] == pull.html_url
        assert emu.pulls(REPO)[0]["url"] == pull.url
        assert emu.contract_violations == []

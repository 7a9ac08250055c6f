"""GitHub Enterprise Server: the API under ``/api/v3``, web pages at the root of the host.

The emulator serves the API under the prefix, as an Enterprise Server does; check-pr,
release and deploy run through the CLI with the variables the runner sets there, and every
link they write points at that host: never at github.com, never at the API prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotfix_ci import links
from hotfix_ci.commands.demo.sample_app import SampleService
from hotfix_ci.testing import GitHubEmulator
from hotfix_ci.workflows import WorkflowSettings, render_all
from tests.helpers.cli import REPO, base_env, run, seed
from tests.helpers.deploy import Scene
from tests.helpers.release import scene as release_scene
from tests.helpers.release import write_config

RUN_ID = "9001"
URL = re.compile(r"https?://[^\s)\]\"'>]+")


@pytest.fixture
def ghes() -> Iterator[GitHubEmulator]:
    with GitHubEmulator(prefix="/api/v3") as emu:
        yield emu
        assert emu.contract_violations == [], "\n".join(emu.contract_violations)


def ghes_env(emu: GitHubEmulator, tmp_path: Path, **extra: str) -> dict[str, str]:
    return base_env(emu, tmp_path, GITHUB_SERVER_URL=emu.web_url, GITHUB_RUN_ID=RUN_ID, **extra)


def assert_links_on_host(emu: GitHubEmulator, *texts: str) -> list[str]:
    """Every GitHub link in ``texts`` is a web page of the server (other sites, such as
    keepachangelog.com in a changelog's header, are left alone)."""
    found = [url for text in texts for url in URL.findall(text)]
    assert not [url for url in found if "github.com" in url]
    ours = [url for url in found if url.startswith(emu.web_url + "/")]
    assert ours, "expected links to the server in the written text"
    assert not [url for url in ours if url.startswith(emu.url)], "a link points at the API"
    return ours


def test_emulator_prefix_serves_the_api_under_it_only(ghes: GitHubEmulator) -> None:
    import requests

    ghes.create_repo(REPO)
    assert ghes.url == ghes.web_url + "/api/v3"
    headers = {"Authorization": "token x"}
    inside = requests.get(f"{ghes.url}/repos/{REPO}", headers=headers, timeout=5)
    assert inside.status_code == 200
    body = inside.json()
    assert body["url"] == f"{ghes.url}/repos/{REPO}"
    assert body["html_url"] == f"{ghes.web_url}/{REPO}"
    outside = requests.get(f"{ghes.web_url}/repos/{REPO}", headers=headers, timeout=5)
    assert outside.status_code == 404
    assert [r.path for r in ghes.requests] == [f"/repos/{REPO}"]  # recorded without the prefix


def test_server_url_helper() -> None:
    ghes = {"GITHUB_API_URL": "https://git.acme.corp/api/v3"}
    assert links.server_url(ghes) == "https://git.acme.corp"
    assert links.server_url({**ghes, "GITHUB_SERVER_URL": "https://web.acme.corp/"}) == (
        "https://web.acme.corp"
    )
    assert links.server_url({"GITHUB_API_URL": "https://api.github.com"}) == "https://github.com"
    assert links.server_url({"GITHUB_API_URL": "https://api.acme.ghe.com"}) == (
        "https://acme.ghe.com"
    )
    assert links.server_url({}) == "https://github.com"
    assert links.server_url({"GITHUB_API_URL": "http://127.0.0.1:8080"}) == "https://github.com"
    assert links.run_url(ghes, "acme/web") is None
    assert links.run_url({**ghes, "GITHUB_RUN_ID": "5"}, "acme/web") == (
        "https://git.acme.corp/acme/web/actions/runs/5"
    )


@pytest.mark.parametrize("server_variable", [True, False], ids=["server-url", "from-api-url"])
def test_check_pr_links_point_at_the_server(
    ghes: GitHubEmulator, tmp_path: Path, server_variable: bool
) -> None:
    number = seed(ghes)
    ghes.add_review(REPO, number, "alice", state="APPROVED")
    env = ghes_env(ghes, tmp_path)
    if not server_variable:  # derived from GITHUB_API_URL=http://HOST/api/v3
        del env["GITHUB_SERVER_URL"]
    res = run(["check-pr", "--pr", str(number)], env, tmp_path)
    assert res.exit_code == 0, res.stderr
    (check_run,) = ghes.check_runs(REPO)
    assert check_run["details_url"] == f"{ghes.web_url}/{REPO}/actions/runs/{RUN_ID}"
    (comment,) = ghes.comments(REPO, number)
    assert "github.com" not in comment["body"]


def test_release_links_point_at_the_server(ghes: GitHubEmulator, tmp_path: Path) -> None:
    sha = release_scene(ghes)
    write_config(tmp_path, "release:\n  commit_changelog: true\n")
    env = ghes_env(ghes, tmp_path, GITHUB_SHA=sha)
    res = run(["release", "--format", "json"], env, tmp_path)
    assert res.exit_code == 0, res.stderr
    (release,) = ghes.releases(REPO)
    changelog = ghes.file_content(REPO, "CHANGELOG.md") or ""
    found = assert_links_on_host(ghes, release["body"], changelog)
    compare = f"{ghes.web_url}/{REPO}/compare/v1.4.2...hotfix-v1.4.3"
    assert compare in found
    assert f"{ghes.web_url}/{REPO}/pull/1" in found  # the PR's html_url, as the server sent it


@pytest.fixture
def deploy_scene(ghes: GitHubEmulator, tmp_path: Path) -> Iterator[Scene]:
    with SampleService(tmp_path / "state.json") as service:
        yield Scene(ghes, tmp_path, service)


def test_deploy_log_urls_point_at_the_server(deploy_scene: Scene) -> None:
    emu = deploy_scene.emu
    deploy_scene.set(live="hotfix-v1.4.2")
    argv = ["deploy", "-e", "production", "-p", "app", "--ref", "hotfix-v1.4.3"]
    res = run(argv, ghes_env(emu, deploy_scene.tmp), deploy_scene.tmp)
    assert res.exit_code == 0, res.stderr
    (deployment, *_older) = emu.deployments(REPO)
    statuses = emu.deployment_statuses(REPO, deployment["id"])
    assert statuses, "the deploy recorded no status"
    for status in statuses:
        assert status["log_url"] == f"{emu.web_url}/{REPO}/actions/runs/{RUN_ID}"


def test_doctor_reads_the_setup_through_the_prefix(ghes: GitHubEmulator, tmp_path: Path) -> None:
    ghes.create_repo(REPO)
    action = "acme/hotfix-ci@" + "1" * 40 + " # v1.2.0"
    files: dict[str, str | None] = {
        f".github/workflows/{k}": v for k, v in render_all(WorkflowSettings(action=action)).items()
    }
    ghes.commit(REPO, branch="main", message="setup", files=files)
    ghes.protect_branch(REPO, "main", required_checks=["hotfix-ci / PR gate"])
    res = run(["doctor", "--format", "json"], ghes_env(ghes, tmp_path), tmp_path)
    assert res.exit_code == 0, res.stdout + res.stderr
    assert res.json["ok"] is True

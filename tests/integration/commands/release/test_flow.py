"""`hotfix-ci release` end to end: the CLI, PyGithub over HTTP, the emulator's live state."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hotfix_ci.github_api import releases as api
from tests.helpers.release import (
    REPO,
    as_json,
    merge_gated,
    outputs_file,
    read_outputs,
    release,
    scene,
    tag_names,
    write_config,
    writes,
)

FIRST = {
    "released": True,
    "version": "1.4.3",
    "previous-version": "1.4.2",
    "tag": "hotfix-v1.4.3",
    "previous-tag": "v1.4.2",
    "severity": "P1",
    "pr-number": 1,
    "review-after-deploy": False,
    "matrix": {"include": []},
    "break-glass": None,
}


def test_non_hotfix_merge_creates_nothing(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator, title="Add dark mode", head="feature/dark", labels=())
    emulator.clear_requests()
    res = release(emulator, tmp_path, sha, "--format", "text")
    assert res.exit_code == 0, res.stderr
    assert "#1 'Add dark mode' is not a hotfix pull request" in res.stdout
    assert (
        writes(emulator) == []
        and tag_names(emulator) == ["v1.4.2"]
        and emulator.releases(REPO) == []
    )


def test_direct_push_without_pull_request_releases_nothing(emulator: Any, tmp_path: Path) -> None:
    scene(emulator)
    sha = emulator.commit(REPO, branch="main", message="direct push", files={"x.txt": "x\n"})
    out = outputs_file(tmp_path)
    data = as_json(release(emulator, tmp_path, sha, GITHUB_OUTPUT=str(out)))
    assert data["released"] is False and data["version"] is None
    assert read_outputs(out)["released"] == "false"
    assert tag_names(emulator) == ["v1.4.2"]


def test_first_release_tags_releases_and_outputs_exactly(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator)
    out, summary = outputs_file(tmp_path), tmp_path / "summary.md"
    res = release(emulator, tmp_path, sha, GITHUB_OUTPUT=str(out), GITHUB_STEP_SUMMARY=str(summary))
    assert as_json(res) == FIRST
    expected = {k: ("" if v is None else str(v)) for k, v in FIRST.items()}
    expected |= {"released": "true", "review-after-deploy": "false", "matrix": '{"include":[]}'}
    assert read_outputs(out) == expected
    # an annotated tag: the ref points at a tag object, which points at the merge commit
    ref = next(r for r in emulator.refs(REPO) if r["ref"] == "refs/tags/hotfix-v1.4.3")
    assert ref["object"]["type"] == "tag"
    assert api.TagInfo(name="hotfix-v1.4.3", commit_sha=sha) in _listed_tags(emulator)
    (rel,), tag = emulator.releases(REPO), "hotfix-v1.4.3"
    assert (rel["tag_name"], rel["name"], rel["target_commitish"]) == (tag, tag, sha)
    body = rel["body"]
    assert (
        "**Severity:** P1" in body and "## Root cause" in body and "Use a bound parameter." in body
    )
    assert "## Testing" not in body  # the section holds only a template comment: left out
    assert "**Author:** @bob · **Merged by:** @alice" in body
    # commit_changelog is false: nothing committed, the entry is in the job summary
    assert emulator.file_content(REPO, "CHANGELOG.md") is None
    text = summary.read_text()
    assert re.search(
        r"^## \[1\.4\.3\] - \d{4}-\d\d-\d\d\n\n### Fixed\n\n- Fix login 500s \(\[#1\]", text, re.M
    )
    heads = [r["ref"] for r in emulator.refs(REPO) if r["ref"].startswith("refs/heads/")]
    assert heads == ["refs/heads/main"]  # the merged hotfix branch is deleted


def _listed_tags(emulator: Any) -> list[api.TagInfo]:
    from hotfix_ci.github_api import Connection, GitHubClient

    return api.list_tags(GitHubClient(Connection(api_url=emulator.url, token="t"), REPO))


def test_rerun_creates_nothing_and_reports_the_same_outputs(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator)
    text = release(emulator, tmp_path, sha, "--format", "text").stdout
    assert text.startswith("released hotfix-v1.4.3 from #1 [HOTFIX] Fix login 500s\n")
    assert "  tag         created      hotfix-v1.4.3 on " in text
    assert "  release     created      http" in text and "  branch      deleted" in text
    first = as_json(release(emulator, tmp_path, sha))
    emulator.clear_requests()
    again = release(emulator, tmp_path, sha, "--format", "text")
    assert again.exit_code == 0 and writes(emulator) == []
    assert "already released (nothing new to create): hotfix-v1.4.3" in again.stdout
    assert as_json(release(emulator, tmp_path, sha)) == first == FIRST
    assert tag_names(emulator) == ["hotfix-v1.4.3", "v1.4.2"] and len(emulator.releases(REPO)) == 1


def test_rerun_after_a_later_hotfix_keeps_its_own_version(emulator: Any, tmp_path: Path) -> None:
    first_sha = scene(emulator)
    as_json(release(emulator, tmp_path, first_sha))
    n = emulator.create_pull(
        REPO, title="[HOTFIX] Fix cart", head="hotfix/cart", author="bob", labels=["hotfix", "P1"]
    )
    second_sha = merge_gated(emulator, n)
    assert as_json(release(emulator, tmp_path, second_sha))["tag"] == "hotfix-v1.4.4"
    assert as_json(release(emulator, tmp_path, first_sha)) == FIRST


def test_race_on_the_tag_takes_the_next_version(
    emulator: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    sha = scene(emulator)
    other = emulator.commit(REPO, branch="main", message="another hotfix")
    real = api.list_tags

    def listed_then_raced(client: Any) -> list[api.TagInfo]:
        found = real(client)
        emulator.add_tag(REPO, "hotfix-v1.4.3", sha=other, annotated=True)  # a concurrent release
        return found

    monkeypatch.setattr(api, "list_tags", listed_then_raced)
    data = as_json(release(emulator, tmp_path, sha))
    assert (data["version"], data["tag"]) == ("1.4.4", "hotfix-v1.4.4")
    monkeypatch.setattr(api, "list_tags", real)
    tags = {t.name: t.commit_sha for t in _listed_tags(emulator)}
    assert tags["hotfix-v1.4.3"] == other and tags["hotfix-v1.4.4"] == sha


def test_race_with_a_twin_job_on_the_same_commit_reuses_its_tag(
    emulator: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    sha = scene(emulator)
    real = api.list_tags

    def listed_then_twin(client: Any) -> list[api.TagInfo]:
        found = real(client)
        emulator.add_tag(REPO, "hotfix-v1.4.3", sha=sha, annotated=True)
        return found

    monkeypatch.setattr(api, "list_tags", listed_then_twin)
    assert as_json(release(emulator, tmp_path, sha)) == FIRST
    assert tag_names(emulator) == ["hotfix-v1.4.3", "v1.4.2"] and len(emulator.releases(REPO)) == 1


def test_dry_run_writes_nothing_and_says_what_it_would_do(emulator: Any, tmp_path: Path) -> None:
    write_config(tmp_path, "release:\n  commit_changelog: true\n  back_merge: [develop]\n")
    sha = scene(emulator, labels=("hotfix", "P0"))
    # The back-merge target exists (a missing one fails the dry run too: test_hints_back_merge).
    emulator.commit(REPO, branch="develop", message="dev work", files={"dev.txt": "wip\n"})
    emulator.clear_requests()
    res = release(emulator, tmp_path, sha, "--dry-run", "--format", "text")
    assert res.exit_code == 0, res.stderr
    assert writes(emulator) == []
    for line in (
        "tag         would create hotfix-v1.4.3",
        "changelog   would create CHANGELOG.md",
        "release     would create hotfix-v1.4.3",
        "review      would create Post-deploy review",
        "back-merge  would create hotfix-backmerge/hotfix-v1.4.3-into-develop",
        "branch      would delete hotfix/login-500",
    ):
        assert line in res.stdout
    assert tag_names(emulator) == ["v1.4.2"]


CMD = "type: command, with: {deploy: [./deploy.sh], rollback: [./rollback.sh]}"


def test_deploy_matrix_comes_from_the_config(emulator: Any, tmp_path: Path) -> None:
    write_config(
        tmp_path,
        "deploy:\n  environments:\n    production:\n      providers:\n"
        f"        - {{name: kubernetes, {CMD}}}\n        - {{name: vercel, {CMD}}}\n"
        f"    staging:\n      providers:\n        - {{name: fly, {CMD}}}\n",
    )
    data = as_json(release(emulator, tmp_path, scene(emulator)))
    assert data["matrix"] == {
        "include": [
            {"environment": "production", "provider": "kubernetes"},
            {"environment": "production", "provider": "vercel"},
            {"environment": "staging", "provider": "fly"},
        ]
    }

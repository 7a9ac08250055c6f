"""The demo's release stage, and `hotfix-ci version current|next` through the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hotfix_ci.commands.demo import Demo, run_demo
from hotfix_ci.commands.demo.release_stage import release_stage
from tests.helpers.cli import run
from tests.helpers.git import git


def test_demo_release_stage_releases_then_creates_nothing_on_rerun() -> None:
    seen: list[str] = []

    def capture(demo: Demo) -> int:
        seen.append(demo.release_tag)  # type: ignore[attr-defined]
        return 0

    out = io.StringIO()
    assert run_demo(out, (Demo.run_gate_stage, release_stage, capture)) == 0
    text = out.getvalue()
    assert seen == ["hotfix-v1.4.3"]
    assert "released hotfix-v1.4.3 from #1 [HOTFIX] Fix login 500s" in text
    assert "tag hotfix-v1.4.3: an annotated tag object (tag)" in text
    assert 'matrix output for the deploy job: {"include":[]}' in text
    assert "already released (nothing new to create): hotfix-v1.4.3" in text
    assert "write requests on the re-run: 0" in text


@pytest.fixture
def repo(git_repo: Path) -> Path:
    git(git_repo, "tag", "v1.4.2")
    git(git_repo, "tag", "hotfix-v1.4.2-hotfix.1")
    return git_repo


def test_version_next_and_current_text_and_json(repo: Path) -> None:
    nxt = run(["version", "next"], {}, repo)
    assert nxt.exit_code == 0, nxt.stderr
    assert nxt.stdout.splitlines() == [
        "next: 1.4.3 (tag hotfix-v1.4.3)",
        "previous: 1.4.2-hotfix.1 (tag hotfix-v1.4.2-hotfix.1)",  # a hotfix of 1.4.2 ranks above it
        "scheme: patch, read from tags",
    ]
    current = run(["version", "current", "--format", "json"], {}, repo)
    assert json.loads(current.stdout) == {
        "kind": "current",
        "scheme": "patch",
        "version": "1.4.2-hotfix.1",
        "tag": "hotfix-v1.4.2-hotfix.1",
        "previous_version": None,
        "previous_tag": None,
        "source": "tags",
    }


def test_version_outside_a_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    res = run(["version", "next"], {"GIT_CEILING_DIRECTORIES": str(tmp_path)}, tmp_path)
    assert res.exit_code == 2
    assert res.stderr.startswith("error: ") and "what to do:" in res.stderr

"""The demo's release stage, and `hotfix-ci version current|next` through the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hotfix_ci.commands.demo import Demo, run_demo
from hotfix_ci.commands.demo.deploy_stage import production
from hotfix_ci.commands.demo.release_stage import preview, release_stage
from tests.helpers.cli import run
from tests.helpers.git import git


def test_demo_release_stage_releases_then_creates_nothing_on_rerun() -> None:
    seen: list[str] = []

    def capture(demo: Demo) -> int:
        seen.append(demo.release_tag)  # type: ignore[attr-defined]
        # the deploy stage finds the same production (service and config) still running
        assert production(demo) is demo.production  # type: ignore[attr-defined]
        return 0

    out = io.StringIO()
    assert run_demo(out, (Demo.run_gate_stage, release_stage, capture)) == 0
    text = out.getvalue()
    assert seen == ["hotfix-v1.4.3"]
    assert "released hotfix-v1.4.3 from #1 [HOTFIX] Fix login 500s" in text
    assert "tag hotfix-v1.4.3: an annotated tag object (tag)" in text
    # the release reads the deploy stage's config: the matrix it prints is the one deployed
    matrix = '{"include":[{"environment":"production","provider":"shop"}]}'
    assert f"matrix output for the deploy job: {matrix}" in text
    assert "already released (nothing new to create): hotfix-v1.4.3" in text
    assert "write requests on the re-run: 0" in text


def test_the_notes_preview_shows_whole_sections_and_names_the_rest() -> None:
    body = "intro\n\n## Impact\n\na\nb\n\n## Root cause\n\nc\nd\ne\n\n## Fix\n\nf\n"
    shown, rest = preview(body, budget=8)
    assert shown == ["intro", "", "## Impact", "", "a", "b"]
    assert rest == ["Root cause", "Fix"]
    # a first section longer than the budget is shown whole; all of it fits in a big budget
    assert preview("## Long\n" + "x\n" * 20, budget=3) == (["## Long", *["x"] * 20], [])
    assert preview(body, budget=100)[1] == []


def test_demo_release_notes_preview_ends_at_a_section_end() -> None:
    out = io.StringIO()
    assert run_demo(out, (Demo.run_gate_stage, release_stage)) == 0
    lines = [line.removeprefix("     | ") for line in out.getvalue().splitlines()]
    start = lines.index("**Severity:** P1")
    end = next(i for i, line in enumerate(lines) if line.startswith("... and the sections"))
    shown = lines[start:end]
    # the last heading shown is followed by its text, and the next one is named, not cut
    last = max(i for i, line in enumerate(shown) if line.startswith("## "))
    assert shown[last] == "## Root cause" and shown[-1].startswith("The session query")
    assert lines[end].startswith("... and the sections Fix, ")


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

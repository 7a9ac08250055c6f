from __future__ import annotations

from pathlib import Path

import yaml

from hotfix_ci.config import load_config
from tests.helpers.cli import run

ACTION = "acme/hotfix-ci@" + "ab" * 20 + " # v0.1.0"


def test_init_writes_valid_config_and_workflows(tmp_path: Path) -> None:
    res = run(["init", "--action", ACTION, "--base", "main", "--base", "release"], {}, tmp_path)
    assert res.exit_code == 0, res.stderr
    cfg = load_config(None, workdir=tmp_path)
    assert cfg.pull_request.base == ("main", "release")
    gate = yaml.safe_load((tmp_path / ".github/workflows/hotfix-pr-gate.yml").read_text())
    step = gate["jobs"]["gate"]["steps"][1]
    assert step["uses"] == ACTION.split(" ", maxsplit=1)[0]
    assert step["with"]["command"] == "check-pr"
    assert "require the 'hotfix-ci / PR gate' check" in res.stdout


def test_init_refuses_to_overwrite_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    assert run(["init", "--action", ACTION], {}, tmp_path).exit_code == 0
    res = run(["init", "--action", ACTION], {}, tmp_path)
    assert res.exit_code == 2 and "--force" in res.stderr
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    res = run(["init", "--action", ACTION, "--dry-run"], {}, fresh)
    assert res.exit_code == 0 and "would write .github/hotfix.yml" in res.stdout
    assert list(fresh.iterdir()) == []


def test_init_refuses_an_unpinned_action(tmp_path: Path) -> None:
    res = run(["init", "--action", "acme/hotfix-ci@v1"], {}, tmp_path)
    assert res.exit_code == 2
    assert "not pinned to a full commit SHA" in res.stderr
    assert not (tmp_path / ".github").exists()

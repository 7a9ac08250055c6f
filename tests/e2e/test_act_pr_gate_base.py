"""Issue 10 item 2 and issue 11 item 2, under act: the PR gate a PR cannot change.

GitHub runs a ``pull_request_target`` workflow as it is on the base branch. The scene: the
local repository is checked out at the base commit (as GitHub's runner gets it), the PR's
head commit (on its own branch) replaces the gate workflow with one that passes and loosens
``.github/hotfix.yml``. act runs the base's workflow, which checks nothing out: the verdict is
the base policy's, read through the emulator's API. A ``merge_group`` event (the real
payload) gets its check run on the group's head commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_ci.reports.pr_gate import CHECK_NAME
from hotfix_ci.testing.contract import webhook_example
from hotfix_ci.workflows import WorkflowSettings, render
from tests.e2e.test_act_pr_gate import ACTION, TOKEN, pr_event, run_act
from tests.helpers.cli import REPO
from tests.helpers.git import commit, git
from tests.helpers.servers import server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, server]

STRICT = "version: 1\nseverities:\n  P1: {label: P1, approvals: 1}\n"
LOOSE = STRICT.replace("approvals: 1", "approvals: 0")
# The PR's copy of the gate: it would pass anything (and write no check run at all).
EDITED_GATE = """\
name: hotfix-ci
on: [pull_request_target, pull_request]
permissions: {}
jobs:
  gate:
    name: PR gate
    runs-on: ubuntu-latest
    steps:
      - uses: %s
        with:
          command: version
"""


def _scene(tmp_path: Path, emu) -> tuple[Path, int, str]:
    repo = tmp_path / "web"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@e")
    git(repo, "remote", "add", "origin", f"https://github.com/{REPO}.git")
    gate = render("hotfix-pr-gate.yml", WorkflowSettings(action=ACTION))
    base_files = {".github/workflows/hotfix-pr-gate.yml": gate, ".github/hotfix.yml": STRICT,
                  "app.py": "a\n"}  # fmt: skip
    base = commit(repo, dict(base_files), "base")
    git(repo, "checkout", "-q", "-b", "hotfix/login-500")
    head_files = {".github/workflows/hotfix-pr-gate.yml": EDITED_GATE % ACTION.split(" ")[0],
                  ".github/hotfix.yml": LOOSE, "app.py": "fixed\n"}  # fmt: skip
    head = commit(repo, dict(head_files), "fix, and loosen the gate")
    git(repo, "checkout", "-q", "main")  # the runner of pull_request_target: the base
    emu.create_repo(REPO, default_branch="main")
    emu.set_permission(REPO, "alice", "write")
    emu.set_permission(REPO, "bob", "write")
    emu.commit(REPO, branch="main", message="base", files=base_files, sha=base)
    emu.commit(REPO, branch="hotfix/login-500", message="fix", files=head_files, sha=head)
    n = int(emu.create_pull(REPO, title="[HOTFIX] Fix login 500s", head="hotfix/login-500",
                            author="bob", labels=["hotfix", "P1"]))  # fmt: skip
    return repo, n, head


def test_a_pr_editing_its_gate_workflow_cannot_change_the_verdict(emulator, tmp_path: Path) -> None:
    repo, n, head = _scene(tmp_path, emulator)
    event = pr_event(emulator, n)
    event["pull_request"]["head"]["sha"] = head
    res = run_act(repo, tmp_path, emulator, event)
    log = res.stdout + res.stderr
    # The base's gate ran, with the base's policy: the PR's "approvals: 0" and its passing
    # copy of the workflow changed nothing.
    assert res.returncode != 0, log[-4000:]
    assert "approvals: P1 needs 1 approval(s)" in log, log[-4000:]
    assert "policy-change" in log
    assert TOKEN not in log
    runs = [r for r in emulator.check_runs(REPO) if r["name"] == CHECK_NAME]
    assert [(r["head_sha"], r["conclusion"]) for r in runs] == [(head, "failure")]


def test_merge_group_event_gets_its_check_run_on_the_group_head(emulator, tmp_path: Path) -> None:
    repo, n, _ = _scene(tmp_path, emulator)
    emulator.add_review(REPO, n, "alice", state="APPROVED")
    ref = f"gh-readonly-queue/main/pr-{n}-" + "c" * 40
    group_sha = emulator.commit(REPO, branch=ref, message="queue", files={"app.py": "fixed\n"})
    event = webhook_example("merge_group", "checks_requested", api_url=emulator.url)
    event["merge_group"].update(head_sha=group_sha, head_ref=f"refs/heads/{ref}")
    event["repository"]["full_name"] = REPO
    res = run_act(repo, tmp_path, emulator, event, event_name="merge_group")
    log = res.stdout + res.stderr
    runs = [r for r in emulator.check_runs(REPO) if r["name"] == CHECK_NAME]
    assert [r["head_sha"] for r in runs] == [group_sha], log[-4000:]
    assert f"#{n}" in log

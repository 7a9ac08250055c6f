"""A merge queue entry under act: GitHub's real ``merge_group`` (``checks_requested``) payload
on the rendered PR-gate workflow, against the emulator. The verdict is the queued pull
request's, written as the gate's check run on the group's head commit (the commit the queue
waits on), and it changes when the pull request gets its approval. Nothing leaves loopback;
the token is in no log and no stored text.

Needs the PR-gate workflow that answers ``merge_group`` (branch wt-gate, issue 11 item 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.reports.pr_gate import CHECK_NAME
from hotfix_ci.testing.contract import webhook_example
from tests.helpers import act
from tests.helpers.cli import GOOD_FILES, REPO
from tests.helpers.servers import server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, server]

POLICY = "version: 1\nseverities:\n  P1: {label: P1, approvals: 1}\n"


def _queue(emu: Any, repo: Path) -> tuple[int, str, str]:
    """acme/web whose main is the checkout's HEAD, an unapproved P1 hotfix PR, and the merge
    queue's branch for it; returns (PR number, the group's head sha, the base sha)."""
    base = act.head(repo)
    emu.create_repo(REPO, default_branch="main")
    for login in ("alice", "bob"):
        emu.set_permission(REPO, login, "write")
    emu.commit(
        REPO, branch="main", message="policy", files={".github/hotfix.yml": POLICY}, sha=base
    )
    number = int(
        emu.create_pull(
            REPO,
            title="[HOTFIX] Fix login 500s",
            head="hotfix/login-500",
            base="main",
            author="bob",
            files=GOOD_FILES,
            labels=["hotfix", "P1"],
        )
    )
    queue = f"gh-readonly-queue/main/pr-{number}-{base}"
    group = emu.commit(REPO, branch=queue, message=f"Merge pull request #{number}")
    return number, group, base


def _event(emu: Any, number: int, group: str, base: str) -> dict[str, Any]:
    event = webhook_example("merge_group", "checks_requested", api_url=emu.url)
    event["merge_group"].update(
        head_sha=group,
        head_ref=f"refs/heads/gh-readonly-queue/main/pr-{number}-{base}",
        base_sha=base,
        base_ref="refs/heads/main",
    )
    event["merge_group"]["head_commit"]["id"] = group
    owner, name = REPO.split("/")
    event["repository"].update(full_name=REPO, name=name, default_branch="main")
    event["repository"]["owner"]["login"] = owner
    return event


def test_merge_group_gates_the_queue_entry_on_its_head_commit(
    emulator: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scratch = act.scratch(tmp_path_factory.getbasetemp())
    repo = act.make_checkout(tmp_path / "web", ("hotfix-pr-gate.yml",), POLICY)
    number, group, base = _queue(emulator, repo)

    with act.proxy_trap() as trap:
        refused = act.run_act(
            repo, scratch, emulator, "merge_group", _event(emulator, number, group, base),
            workflow="hotfix-pr-gate.yml", trap=trap,
        )  # fmt: skip
        act.assert_hermetic(refused, emulator, trap)
        assert refused.returncode != 0, refused.tail()
        assert "approvals: P1 needs 1 approval(s)" in refused.log, refused.tail()
        runs = [r for r in emulator.check_runs(REPO) if r["name"] == CHECK_NAME]
        assert [(r["head_sha"], r["conclusion"]) for r in runs] == [(group, "failure")]

        emulator.add_review(REPO, number, "alice", state="APPROVED")
        passed = act.run_act(
            repo, scratch, emulator, "merge_group", _event(emulator, number, group, base),
            workflow="hotfix-pr-gate.yml", trap=trap,
        )  # fmt: skip
        act.assert_hermetic(passed, emulator, trap)
        assert passed.returncode == 0, passed.tail()
    runs = [r for r in emulator.check_runs(REPO) if r["name"] == CHECK_NAME]
    # the same check run, now passing: the queue sees one "hotfix-ci / PR gate" on its commit
    assert [(r["head_sha"], r["conclusion"]) for r in runs] == [(group, "success")]

"""Issue 10 item 4: release tags only a merge that passed the PR gate, or a recorded
break-glass (who merged, who bypassed, why) shown in the notes, summary and outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotfix_ci.errors import ExitCode
from tests.helpers.release import (
    PR_BODY,
    REPO,
    as_json,
    outputs_file,
    read_outputs,
    release,
    scene,
    tag_names,
    writes,
)

REASON = "Checkout is down for every user; the gate's reviewer is asleep."
BREAK_GLASS_BODY = PR_BODY + f"\n## Break-glass\n{REASON}\n"


def _refused(emulator: Any, tmp_path: Path, sha: str) -> Any:
    emulator.clear_requests()
    res = release(emulator, tmp_path, sha)
    assert res.exit_code == ExitCode.POLICY_FAILED == 1, res.stdout + res.stderr
    assert writes(emulator) == []  # nothing tagged, released or opened
    assert tag_names(emulator) == ["v1.4.2"] and emulator.releases(REPO) == []
    return res


def test_admin_merge_without_a_gate_check_is_refused(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator, gate=None)
    res = _refused(emulator, tmp_path, sha)
    assert "#1 was merged by alice without passing the PR gate" in res.stderr
    assert "no 'hotfix-ci / PR gate' check run on its head" in res.stderr
    assert "add the 'break-glass' label and a reason" in res.stderr


def test_failed_gate_is_refused(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator, gate="failure")
    res = _refused(emulator, tmp_path, sha)
    assert "check on" in res.stderr and "concluded failure" in res.stderr


def test_break_glass_label_without_a_reason_is_refused(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator, gate=None, labels=("hotfix", "P1", "break-glass"))
    res = _refused(emulator, tmp_path, sha)
    assert "add a reason" in res.stderr and "the 'break-glass' label" not in res.stderr


def test_break_glass_release_is_recorded_everywhere(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator, gate=None, body=BREAK_GLASS_BODY)
    emulator.add_label(REPO, 1, "break-glass", actor="carol")
    out, summary = outputs_file(tmp_path), tmp_path / "summary.md"
    res = release(emulator, tmp_path, sha, GITHUB_OUTPUT=str(out), GITHUB_STEP_SUMMARY=str(summary))
    data = as_json(res)
    expected = {"merged_by": "alice", "bypassed_by": "carol", "reason": REASON, "gate": "missing"}
    assert data["break-glass"] == expected and data["tag"] == "hotfix-v1.4.3"
    assert json.loads(read_outputs(out)["break-glass"]) == expected
    (rel,) = emulator.releases(REPO)
    assert "**Break-glass release:** merged without a passing PR gate" in rel["body"]
    assert f"Merged by @alice · break-glass by @carol · reason: {REASON}" in rel["body"]
    text = summary.read_text()
    assert "**Break-glass:**" in text and "break-glass by carol" in text and REASON in text


def test_break_glass_reason_line_and_text_output(emulator: Any, tmp_path: Path) -> None:
    sha = scene(
        emulator,
        gate="failure",
        body=PR_BODY + "\nBreak-glass: payments outage, CTO approved on the bridge\n",
        labels=("hotfix", "P1", "break-glass"),
    )
    res = release(emulator, tmp_path, sha, "--format", "text")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("BREAK-GLASS: released hotfix-v1.4.3")
    assert "(gate: failure)" in res.stdout and "payments outage" in res.stdout


def test_passing_gate_releases_without_break_glass(emulator: Any, tmp_path: Path) -> None:
    sha = scene(emulator, body=BREAK_GLASS_BODY)  # a reason alone changes nothing
    data = as_json(release(emulator, tmp_path, sha))
    assert data["break-glass"] is None
    assert "Break-glass release" not in emulator.releases(REPO)[0]["body"]

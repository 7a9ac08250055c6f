"""Issue 10 item 16 for deploy's own exit codes: with the job summary and the step outputs on
a full disk (``/dev/full``), a rolled-back deploy still exits 5 and a failed rollback still
exits 6 (a human is paged), each with a warning that names the file and says the exit code
is unchanged. Without the OSError handling of ``ActionsIO._append`` both end in exit 3,
as the issue reported."""

from __future__ import annotations

import json

import pytest

from tests.helpers.deploy import Scene, deployed

GOOD, BAD = "hotfix-v1.4.2", "hotfix-v1.4.4"
FULL = {"GITHUB_STEP_SUMMARY": "/dev/full", "GITHUB_OUTPUT": "/dev/full"}


@pytest.mark.parametrize("inside_actions", [False, True], ids=["terminal", "actions-json"])
@pytest.mark.parametrize(
    ("failing", "code", "state"),
    [({}, 5, "rolled_back"), ({"rollback": "registry unreachable"}, 6, "rollback_failed")],
    ids=["rolled-back", "rollback-failed"],
)
def test_a_full_disk_keeps_exit_5_and_6_with_a_warning(
    scene: Scene, failing: dict[str, str], code: int, state: str, inside_actions: bool
) -> None:
    deployed(scene, GOOD)
    scene.set(bad=[BAD], fail=failing)
    if inside_actions:
        result = scene.deploy(BAD, "--format", "json", GITHUB_ACTIONS="true", **FULL)
        assert json.loads(result.stdout)["outcome"]["state"] == state
        # JSON on stdout alone: the warnings are annotations on stderr.
        warnings = [line for line in result.stderr.splitlines() if line.startswith("::warning")]
    else:
        result = scene.deploy(BAD, **FULL)
        warnings = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert result.exit_code == code, result.stderr
    said = "\n".join(warnings)
    assert "could not write the job summary to $GITHUB_STEP_SUMMARY (/dev/full)" in said
    assert "could not write the step outputs to $GITHUB_OUTPUT (/dev/full)" in said
    assert "the command's result and exit code are unchanged" in said
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr

"""A release that fails after a write says what was already done, and the error stays what
it was: its class, exit code and fields.

Before: a UsageError without a hint printed ``what to do: None (already done: ...)``, and
a ConfigError came back as a plain UsageError (``error_for`` by exit code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.release import _partial
from hotfix_ci.errors import BranchMissing, ConfigError, HotfixError, InvalidConfigError
from hotfix_ci.release import steps
from hotfix_ci.reports.release import StepResult
from tests.helpers.release import release, scene, tag_names

TAGGED = StepResult(step="tag", state="created", detail="hotfix-v1.4.3 on abc1234 (annotated)")
ALREADY = "already done: tag created (hotfix-v1.4.3 on abc1234 (annotated))"


def test_a_hintless_error_after_the_tag_says_what_was_done_and_no_none(
    emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*_: object) -> StepResult:
        raise ConfigError("a stand-in config error raised after the tag")

    monkeypatch.setattr(steps, "write_release", unreadable)
    sha = scene(emulator)
    result = release(emulator, tmp_path, sha)
    assert result.exit_code == 2, result.stderr
    assert tag_names(emulator) == ["hotfix-v1.4.3", "v1.4.2"]
    error, hint = result.stderr.splitlines()[:2]
    assert error == "error: a stand-in config error raised after the tag"
    assert hint.startswith("  what to do: already done: tag created (hotfix-v1.4.3 on ")
    assert hint.endswith("; a re-run creates nothing twice")
    assert "None" not in result.stderr


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (ConfigError("bad"), f"{ALREADY}; a re-run creates nothing twice"),
        (ConfigError("bad", hint="fix it"), f"fix it ({ALREADY}; a re-run creates nothing twice)"),
        (
            InvalidConfigError("bad", hint=None, source="hotfix.yml", problems=("p",)),
            f"{ALREADY}; a re-run creates nothing twice",
        ),
        (
            BranchMissing("gone", hint="look", status=422, operation="opening a PR"),
            f"{ALREADY}. Re-run the job: it completes the release and creates nothing twice. look",
        ),
    ],
)
def test_the_error_keeps_its_class_and_fields(error: HotfixError, hint: str) -> None:
    before = (type(error), error.exit_code, dict(vars(error)))
    _partial(error, [StepResult(step="changelog", state="skipped", detail="x"), TAGGED])
    assert (type(error), error.exit_code) == before[:2]
    assert error.hint == hint
    assert {k: v for k, v in vars(error).items() if k != "hint"} == {
        k: v for k, v in before[2].items() if k != "hint"
    }


def test_nothing_written_leaves_the_error_as_it_is() -> None:
    error = ConfigError("bad")
    _partial(error, [StepResult(step="tag", state="exists", detail="hotfix-v1.4.3")])
    assert error.hint is None

"""Issue 10 item 21: the action's input errors say which inputs apply and what to do; the
PR-title finding's example is the PR's own title as data; a command printed for the user
to run is shell-quoted, so a paste runs exactly it.

Before: ``input `pr` does not apply to `version``` and nothing else; a 5,000-character
title came back whole in its example; "run `sh -c echo a; exit 3` by hand" pasted ran
``exit 3`` as a second command.
"""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotfix_ci.action import ActionInputError, build_argv, main
from hotfix_ci.policy.pr_gate import TITLE_SHOWN, title_example
from hotfix_ci.text import shell_command

PATTERN = r"^\[HOTFIX\] \S"


# -- 7: the action's inputs ----------------------------------------------------------------
def test_an_input_that_does_not_apply_names_what_does_and_the_fix() -> None:
    with pytest.raises(ActionInputError) as raised:
        build_argv({"INPUT_COMMAND": "version", "INPUT_PR": "12"})
    assert str(raised.value) == (
        "input `pr` does not apply to `version` (it is for `check-pr`); `version` takes: "
        "`version-kind`, `config`, `format`. Remove `pr` from the step's `with:`, or set "
        "`command:` to the command it is for"
    )


def test_a_flag_that_does_not_apply_lists_its_commands() -> None:
    with pytest.raises(ActionInputError) as raised:
        build_argv({"INPUT_COMMAND": "gate", "INPUT_DRY-RUN": "true"})
    message = str(raised.value)
    assert "(it is for `release`, `deploy`, `rollback`)" in message
    assert "`gate` takes: `config`, `format`, `environment`." in message


def test_the_action_error_annotation_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    code = main({"INPUT_COMMAND": "version", "INPUT_PR": "12"})
    assert code == 2
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert line.startswith("::error title=hotfix-ci action::input `pr` does not apply")
    assert err.startswith("error: input `pr` does not apply to `version`")


# -- 11: the title finding's example ------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "example"),
    [
        ("Fix login 500s", "[HOTFIX] Fix login 500s"),
        ("hotfix: Fix login 500s", "[HOTFIX] Fix login 500s"),
        ("fix login\n::error::x", "[HOTFIX] fix login ::error::x"),  # one line
    ],
)
def test_the_example_is_the_pr_own_title(title: str, example: str) -> None:
    assert title_example(title, PATTERN) == example


def test_a_long_title_is_clipped_in_its_example() -> None:
    example = title_example("Fix " + "x" * 5000, PATTERN)
    assert example is not None
    assert example.startswith("[HOTFIX] Fix xxx") and example.endswith("…")
    assert len(example) <= len("[HOTFIX] ") + TITLE_SHOWN


# -- 8: commands to paste --------------------------------------------------------------------
def argv_of(line: str) -> list[str]:
    """What bash makes of ``line``: the words a paste would run."""
    script = 'for a in "$@"; do printf "%s\\0" "$a"; done'
    done = subprocess.run(
        ["bash", "-c", f"f() {{ {script}; }}; f {line}"],
        capture_output=True,
        check=True,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},  # runners are UTF-8
    )
    return [word.decode() for word in done.stdout.split(b"\0")[:-1]]


def test_a_command_to_paste_is_quoted() -> None:
    argv = ["hotfix-ci", "rollback", "--environment", "prod eu", "--to", "it's; rm -rf ~"]
    line = shell_command(argv)
    assert line == "hotfix-ci rollback --environment 'prod eu' --to 'it'\"'\"'s; rm -rf ~'"
    assert argv_of(line) == argv


@settings(max_examples=60, deadline=None)
# (no lone surrogates: they are not text a stream or an argv can carry)
@given(
    st.lists(
        st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=12),
        max_size=4,
    )
)
def test_any_arguments_paste_back_exactly_on_one_line(words: list[str]) -> None:
    line = shell_command(["x", *words])
    assert "\n" not in line and "\r" not in line
    assert argv_of(line) == ["x", *words]

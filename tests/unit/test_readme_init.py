"""The README's ``init``, ``doctor`` and action sections say what the code does: every
``init`` option in its usage line, its exit codes, the PR template it writes, the number of
workflows, and every command and input of the action."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.helpers.cli import run

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def section(title: str) -> str:
    """The text under the heading ``title`` up to the next heading of the same or a higher
    level."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", README, flags=re.MULTILINE)
    assert match, title
    level = len(match.group(1))
    rest = README[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def test_the_init_usage_line_names_every_option_and_its_exit_codes() -> None:
    from hotfix_ci.cli.setup import init

    text = section("`hotfix-ci init`")
    usage = text.split("```", 2)[1]
    options = [o for param in init.params for o in param.opts if o.startswith("--")]
    assert {"--provider", "--check"} <= set(options)
    assert [o for o in options if o not in usage] == []
    codes = " ".join(text.split("Exit codes: ", 1)[1].split(".", 1)[0].split())
    assert "1 `--check` found a difference" in codes and "0 written" in codes and "2 usage" in codes


def test_the_init_section_names_the_pr_template_and_its_sections() -> None:
    from hotfix_ci.commands.init import TEMPLATE_PATH
    from hotfix_ci.release.notes import SECTIONS

    text = " ".join(section("`hotfix-ci init`").split())
    assert f"`{TEMPLATE_PATH}`" in text
    assert [name for name in SECTIONS.values() if name not in text] == []


def test_init_help_and_the_readme_count_the_workflows_init_writes(tmp_path: Path) -> None:
    from hotfix_ci.workflows import WORKFLOWS

    word = NUMBERS[len(WORKFLOWS)]
    res = run(["init", "--help"], {}, tmp_path)
    assert res.exit_code == 0 and f"the {word} workflows" in res.stdout
    for title in ("`hotfix-ci init`", "`hotfix-ci doctor`"):
        text = " ".join(section(title).split())
        assert f"{word} workflows" in text, title
        wrong = [n for n in NUMBERS.values() if n != word and f"{n} workflows" in text]
        assert wrong == [], title


def test_the_action_section_lists_every_command_and_input() -> None:
    from hotfix_ci.action import COMMANDS

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    table = section("The action")
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line[:3] == "| `"}
    assert [name for name in action["inputs"] if f"`{name}`" not in rows] == []
    # summary is run by the action itself (hotfix_ci.action.main), not through the CLI list.
    assert [c for c in (*COMMANDS, "summary") if f"`{c}`" not in rows["`command`"]] == []
    assert "summary" in action["inputs"]["command"]["description"]

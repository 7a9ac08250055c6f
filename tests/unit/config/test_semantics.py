"""Branch globs, path patterns and the semantic checks the schema cannot express."""

from __future__ import annotations

import pytest

from hotfix_ci.config.semantics import check_semantics
from hotfix_ci.patterns import branch_glob_regex, path_spec


@pytest.mark.parametrize(
    ("pattern", "branch", "matches"),
    [
        ("hotfix/*", "hotfix/login-500", True),
        ("hotfix/*", "hotfix/", True),
        ("hotfix/*", "hotfix/team/login-500", False),  # `*` stops at "/"
        ("hotfix/**", "hotfix/team/login-500", True),
        ("hotfix/*", "feature/hotfix/x", False),  # anchored at the start
        ("hotfix/*", "hotfixes/x", False),
        ("hotfix-?", "hotfix-1", True),
        ("hotfix-?", "hotfix-12", False),
        ("hotfix/[0-9]*", "hotfix/4-crash", True),
        ("hotfix/[0-9]*", "hotfix/crash", False),
        ("hotfix/[!0-9]*", "hotfix/crash", True),
        ("hotfix/[!0-9]*", "hotfix/4-crash", False),
        ("hot.fix/*", "hotXfix/a", False),  # regex characters are literal
        ("hotfix+/*", "hotfix+/a", True),
        ("hotfix/[[]x", "hotfix/[x", True),
    ],
)
def test_branch_glob(pattern: str, branch: str, matches: bool) -> None:
    assert bool(branch_glob_regex(pattern).match(branch)) is matches


@pytest.mark.parametrize("pattern", ["hotfix/[a", "hotfix/[z-a]", "["])
def test_bad_branch_globs_raise_value_error(pattern: str) -> None:
    with pytest.raises(ValueError, match=r"never closed|reversed"):
        branch_glob_regex(pattern)


def test_path_patterns_have_gitignore_semantics() -> None:
    spec = path_spec(("**/package-lock.json", "tests/**", "**/*.md"))
    assert spec.match_file("package-lock.json")
    assert spec.match_file("web/app/package-lock.json")
    assert spec.match_file("tests/unit/test_x.py")
    assert spec.match_file("README.md")
    assert not spec.match_file("src/tests.py")
    assert not spec.match_file("src/app.py")


def test_default_config_has_no_semantic_problems() -> None:
    assert check_semantics({"version": 1}) == []


def test_semantic_checks_tolerate_wrong_types() -> None:
    raw = {
        "pull_request": {"title": 5, "branch": ["x"]},
        "diff": {"ignore": "x", "tests": [None, 3]},
        "severities": ["P0"],
        "release": {"tag": None, "version_from": 7},
    }
    assert check_semantics(raw) == []


def test_future_warning_regex_is_a_problem_not_a_warning() -> None:
    # re warns that "[[" may change meaning; pytest runs with warnings as errors, so this
    # also proves the warning never escapes.
    problems = check_semantics({"pull_request": {"title": "[[x]"}})
    assert [p.path for p in problems] == [("pull_request", "title")]
    assert problems[0].message.startswith("not a valid regular expression: Possible nested set")


def test_absolute_version_file_is_outside_the_repository() -> None:
    problems = check_semantics({"release": {"version_from": "file:/etc/VERSION"}})
    assert [p.message for p in problems] == [
        "version file '/etc/VERSION' is outside the repository"
    ]


def test_nested_version_file_is_fine() -> None:
    assert check_semantics({"release": {"version_from": "file:services/api/package.json"}}) == []

"""YAML node -> line lookup and duplicate-key detection."""

from __future__ import annotations

import pytest
import yaml

from hotfix_ci.config.locate import CYCLE, find_line, parse_yaml, walk, yaml_error_problem

TEXT = """\
version: 1
pull_request:
  base:
    - main
    - release/2.x
severities:
  P0:
    label: P0
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ((), 1),
        (("version",), 1),
        (("pull_request",), 2),
        (("pull_request", "base"), 3),
        (("pull_request", "base", 0), 4),
        (("pull_request", "base", 1), 5),
        (("severities", "P0", "label"), 8),
        # beyond the tree: the closest node that exists
        (("severities", "P0", "approvals"), 7),
        (("pull_request", "base", 9), 3),
        (("nope", "deeper"), 1),
    ],
)
def test_find_line(path: tuple[str | int, ...], line: int) -> None:
    assert find_line(parse_yaml(TEXT).root, path) == line


def test_find_line_of_nothing() -> None:
    assert find_line(None, ("a",)) is None


def test_parse_gives_data_and_no_duplicates_for_clean_yaml() -> None:
    parsed = parse_yaml(TEXT)
    assert parsed.data["pull_request"]["base"] == ["main", "release/2.x"]
    assert parsed.duplicates == ()


def test_empty_document() -> None:
    parsed = parse_yaml("# nothing\n")
    assert (parsed.data, parsed.root, parsed.duplicates) == (None, None, ())


def test_duplicates_report_both_lines() -> None:
    parsed = parse_yaml("a: 1\nb:\n  - c: 1\n    c: 2\na: 3\n")
    assert [(d.path, d.line, d.first_line) for d in parsed.duplicates] == [
        (("b", 0, "c"), 4, 3),
        (("a",), 5, 1),
    ]
    assert parsed.data["a"] == 3  # what PyYAML silently does, and why we report it


def test_cyclic_aliases_do_not_hang_the_walk() -> None:
    parsed = parse_yaml("a: &x [*x, {k: 1, k: 2}]\n")
    assert [d.path for d in parsed.duplicates] == [("a", 1, "k")]


def test_scalar_constructor_failures_carry_the_line() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        parse_yaml("a: 1\nb: !!int twelve\n")
    problem = yaml_error_problem(caught.value, "a: 1\nb: !!int twelve\n")
    assert problem.line == 2
    assert problem.message.startswith("cannot read this value (invalid literal for int()")


def test_tab_is_only_blamed_when_parsing_failed() -> None:
    # A tab inside a block scalar is content, not indentation.
    assert parse_yaml("a: |\n  \tcode\n").data == {"a": "\tcode\n"}


def test_syntax_error_has_line_and_column() -> None:
    text = "version: 1\na: {x: 1}}\n"
    with pytest.raises(yaml.YAMLError) as caught:
        parse_yaml(text)
    problem = yaml_error_problem(caught.value, text)
    assert (problem.line, problem.column) == (2, 10)
    assert problem.message == (
        "YAML syntax error: while parsing a block mapping, expected <block end>, but found '}'"
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "a: 'open\n",
            1,
            4,
            "YAML syntax error: the quote that starts here is never closed (noticed on line 2: "
            "found unexpected end of stream)",
        ),
        (
            "version: 1\ndiff:\n  ignore: [a, b\nrelease:\n  tag: x\n",
            3,
            11,
            "YAML syntax error: the '[' here is never closed with ']' (noticed on line 4: "
            "expected ',' or ']', but got ':')",
        ),
        (
            "version: 1\nx: {a: 1,\ny: 2\n",
            2,
            4,
            "YAML syntax error: the '{' here is never closed with '}' (noticed on line 4: "
            "expected ',' or '}', but got '<stream end>')",
        ),
    ],
)
def test_an_unclosed_bracket_or_quote_is_reported_where_it_opens(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        parse_yaml(text)
    problem = yaml_error_problem(caught.value, text)
    assert (problem.line, problem.column, problem.message) == (line, column, message)


def test_walk_yields_every_leaf_with_its_path_and_a_cycle_once() -> None:
    data = yaml.safe_load("a: {b: [1, x]}\nloop: &l {c: .nan, again: *l}\n200: ~\nempty: []\n")
    assert [(path, leaf) for path, leaf in walk(data) if leaf is not CYCLE][:3] == [
        (("a", "b", 0), 1),
        (("a", "b", 1), "x"),
        (("loop", "c"), data["loop"]["c"]),
    ]
    assert [path for path, leaf in walk(data) if leaf is CYCLE] == [("loop", "again")]
    assert [path for path, _ in walk(data)][-1] == (200,)
    assert list(walk("text", ("at",))) == [(("at",), "text")]

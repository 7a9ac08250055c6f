"""Every config mistake, with the exact message and hint an on-call engineer sees."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hotfix_ci.config import validate_config_text
from hotfix_ci.errors import ConfigError, InvalidConfigError

NOW = datetime(2025, 10, 22, 14, 30, tzinfo=timezone.utc)

SRC = ".github/hotfix.yml"


def error_for(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        validate_config_text(text, SRC)
    return caught.value


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        pytest.param(
            "version: 1\npull_request:\n  base: [main]\n\n\n\ndiff:\n  max_lnes: 300\n",
            ".github/hotfix.yml:8: diff.max_lnes: unknown key",
            "did you mean 'max_lines'?",
            id="typo-nested",
        ),
        pytest.param(
            "version: 1\npull_requests: {}\n",
            ".github/hotfix.yml:2: pull_requests: unknown key",
            "did you mean 'pull_request'?",
            id="typo-top",
        ),
        pytest.param(
            "version: 1\nseverities:\n  P0: {labels: P0}\n",
            ".github/hotfix.yml:3: severities.P0.labels: unknown key",
            "did you mean 'label'?",
            id="typo-severity",
        ),
        pytest.param(
            "version: 1\npager: {}\n",
            ".github/hotfix.yml:2: pager: unknown key",
            "allowed keys here: approvals, deploy, diff, notify, pull_request, release,"
            " severities, targets, version",
            id="unknown-no-suggestion",
        ),
        pytest.param(
            "version: 1\ndiff:\n  max_lines: two hundred\n",
            '.github/hotfix.yml:3: diff.max_lines: expected an integer, got "two hundred"',
            "write a whole number, e.g. max_lines: 200",
            id="type-integer",
        ),
        pytest.param(
            "version: 1\napprovals:\n  exclude_author: maybe\n",
            '.github/hotfix.yml:3: approvals.exclude_author: expected true or false, got "maybe"',
            "write true or false, e.g. exclude_author: true",
            id="type-boolean",
        ),
        pytest.param(
            "version: 1\npull_request:\n  labels: hotfix\n",
            '.github/hotfix.yml:3: pull_request.labels: expected a list, got "hotfix"',
            'write a list, one `- item` per line or [a, b], e.g. labels: ["hotfix"]',
            id="type-list",
        ),
        pytest.param(
            "version: 1\nrelease: 2024-01-01\n",
            ".github/hotfix.yml:2: release: expected a mapping or null, got the date "
            "2024-01-01 (quote it to keep it as text)",
            "write `key: value` lines indented under it",
            id="type-mapping-date",
        ),
        pytest.param(
            "version: 1\nrelease:\n  changelog: 5\n",
            ".github/hotfix.yml:3: release.changelog: expected a string or null, got 5",
            "write text; quote it if YAML could read it as something else, "
            'e.g. changelog: "CHANGELOG.md"',
            id="type-string-or-null",
        ),
        pytest.param(
            "# no version here\ndiff: {}\n",
            ".github/hotfix.yml:2: version: required key is missing",
            "add `version: 1` at the top of the file",
            id="version-missing",
        ),
        pytest.param(
            "version: 2\n",
            ".github/hotfix.yml:1: version: must be 1, got 2",
            "this hotfix-ci reads config version 1: write `version: 1`",
            id="version-2",
        ),
        pytest.param(
            'version: "1"\n',
            '.github/hotfix.yml:1: version: must be 1, got "1"',
            "this hotfix-ci reads config version 1: write `version: 1`",
            id="version-string",
        ),
        pytest.param(
            "version: 1\nrelease:\n  scheme: pach\n",
            ".github/hotfix.yml:3: release.scheme: expected one of patch, prerelease, suffix, "
            'date; got "pach"',
            "did you mean 'patch'?",
            id="enum",
        ),
        pytest.param(
            "version: 1\nseverities:\n  P0:\n    approvals: -1\n",
            ".github/hotfix.yml:4: severities.P0.approvals: must be at least 0, got -1",
            "write a whole number of 0 or more",
            id="minimum",
        ),
        pytest.param(
            "version: 1\npull_request:\n  base: []\n",
            ".github/hotfix.yml:3: pull_request.base: must list at least one entry",
            "add an entry, or delete the key for the default",
            id="min-items",
        ),
        pytest.param(
            "version: 1\nseverities: {}\n",
            ".github/hotfix.yml:2: severities: must define at least one severity",
            "delete `severities:` to use the defaults P0-P3, or list your own",
            id="no-severities",
        ),
        pytest.param(
            "version: 1\npull_request:\n  branch: ''\n",
            ".github/hotfix.yml:3: pull_request.branch: must not be empty",
            "write a value, or delete the key to use its default",
            id="empty-string",
        ),
        pytest.param(
            "version: 1\napprovals:\n  reviewers:\n    - octocat\n    - Jane Doe\n",
            ".github/hotfix.yml:5: approvals.reviewers[1]: expected a GitHub login or "
            '"@org/team", got "Jane Doe"',
            'write a login such as "octocat" or "dependabot[bot]", or a team as "@my-org/oncall"',
            id="reviewer-pattern",
        ),
        pytest.param(
            "version: 1\nrelease:\n  version_from: pyproject.toml\n",
            '.github/hotfix.yml:3: release.version_from: expected "tags" or "file:PATH", '
            'got "pyproject.toml"',
            'e.g. version_from: "file:pyproject.toml"',
            id="version-from-pattern",
        ),
        pytest.param(
            "version: 1\nrelease:\n  token: hot fix\n",
            ".github/hotfix.yml:3: release.token: expected letters, digits or '-', got \"hot fix\"",
            "e.g. token: hotfix (prerelease) or token: q (suffix)",
            id="token-pattern",
        ),
        pytest.param(
            "version: 1\npull_request:\n  title: '^\\[HOTFIX\\] (\\S'\n",
            ".github/hotfix.yml:3: pull_request.title: not a valid regular expression: "
            "missing ), unterminated subpattern at position 12",
            "it is a Python regex searched in the title: escape a literal [ ] ( ) + ? with a "
            "backslash, and quote the value with single quotes in YAML",
            id="bad-regex",
        ),
        pytest.param(
            "version: 1\npull_request:\n  branch: 'hotfix/[a-z'\n",
            ".github/hotfix.yml:3: pull_request.branch: invalid branch glob: '[' at position 7 "
            "is never closed with ']'",
            "close the character class, e.g. 'hotfix/[a-z]*', or drop the '['",
            id="branch-glob-unclosed",
        ),
        pytest.param(
            "version: 1\npull_request:\n  branch: 'hotfix/ *'\n",
            ".github/hotfix.yml:3: pull_request.branch: pattern can never match: git branch "
            "names cannot contain ' '",
            "write the branch glob as it appears on GitHub, e.g. 'hotfix/*'",
            id="branch-glob-space",
        ),
        pytest.param(
            "version: 1\ndiff:\n  protected:\n    - '**/go.sum'\n    - '!'\n",
            ".github/hotfix.yml:5: diff.protected[1]: invalid path pattern '!': "
            "Invalid git pattern: '!'",
            "use .gitignore syntax, e.g. '**/package-lock.json' or 'tests/**'",
            id="path-glob-invalid",
        ),
        pytest.param(
            "version: 1\ndiff:\n  tests: ['#tests']\n",
            ".github/hotfix.yml:3: diff.tests[0]: path pattern '#tests' matches no file",
            "a leading '#' makes a comment and an unclosed '[' a dead pattern in .gitignore "
            "syntax: write '\\#' for a literal '#', or close the '['",
            id="path-glob-comment",
        ),
        pytest.param(
            "version: 1\nrelease:\n  tag: 'v{semver}'\n",
            ".github/hotfix.yml:3: release.tag: unusable tag template: {semver} is not a "
            "placeholder it knows",
            "use {version} and/or {date} with letters, digits, '-', '.', '_' and '/' around them, "
            "e.g. 'hotfix-v{version}'; double a brace ('{{') for a literal one",
            id="tag-placeholder",
        ),
        pytest.param(
            "version: 1\nrelease:\n  tag: 'v{version'\n",
            ".github/hotfix.yml:3: release.tag: unusable tag template: its braces do not balance "
            "(expected '}' before end of string)",
            "use {version} and/or {date} with letters, digits, '-', '.', '_' and '/' around them, "
            "e.g. 'hotfix-v{version}'; double a brace ('{{') for a literal one",
            id="tag-braces",
        ),
        pytest.param(
            "version: 1\nrelease:\n  tag: 'hotfix'\n",
            ".github/hotfix.yml:3: release.tag: unusable tag template: it has no {version} "
            "placeholder, so every hotfix would get the same tag",
            "use {version} and/or {date} with letters, digits, '-', '.', '_' and '/' around them, "
            "e.g. 'hotfix-v{version}'; double a brace ('{{') for a literal one",
            id="tag-constant",
        ),
        pytest.param(
            "version: 1\nrelease:\n  tag: 'hot fix {version}'\n",
            ".github/hotfix.yml:3: release.tag: unusable tag template: the tags it makes are not "
            "valid git tag names: it contains a space, a control character, or one of "
            "~ ^ : ? * [ \\",
            "use {version} and/or {date} with letters, digits, '-', '.', '_' and '/' around them, "
            "e.g. 'hotfix-v{version}'; double a brace ('{{') for a literal one",
            id="tag-space",
        ),
        pytest.param(
            "version: 1\nrelease:\n  version_from: 'file:setup.cfg'\n",
            ".github/hotfix.yml:3: release.version_from: cannot read a version from 'setup.cfg'",
            "hotfix-ci reads pyproject.toml, package.json or VERSION files, e.g. "
            "'file:backend/pyproject.toml'; or use 'tags'",
            id="version-file-kind",
        ),
        pytest.param(
            "version: 1\nrelease:\n  version_from: 'file:../VERSION'\n",
            ".github/hotfix.yml:3: release.version_from: version file '../VERSION' is outside "
            "the repository",
            "give a path relative to the repository root, e.g. 'file:pyproject.toml'",
            id="version-file-outside",
        ),
        pytest.param(
            "version: 1\nseverities:\n  P0: {label: urgent}\n  P1: {label: urgent}\n",
            ".github/hotfix.yml:4: severities.P1.label: label 'urgent' is already the label of "
            "severity 'P0'",
            "give every severity its own label, or the gate cannot tell them apart",
            id="severity-label-twice",
        ),
        pytest.param(
            "version: 1\nseverities:\n  P2: {hotfix: false}\n",
            ".github/hotfix.yml:2: severities: no severity is hotfix material (every one has "
            "hotfix: false)",
            "set hotfix: true on the severities that may take the hotfix path, e.g. P0 and P1",
            id="no-hotfix-severity",
        ),
        pytest.param(
            "version: 1\ndiff:\n  max_files: 3\n  max_lines: 9\n  max_files: 4\n",
            ".github/hotfix.yml:5: diff.max_files: duplicate key (first written on line 3)",
            "YAML keeps only the last one silently: delete or merge the other",
            id="duplicate-key",
        ),
        pytest.param(
            "version: 1\n200: x\n",
            ".github/hotfix.yml:2: key 200 is read as a number, not as text",
            'quote the key: "200":',
            id="non-text-key",
        ),
        pytest.param(
            "version: 1\non: {x: 1}\n",
            ".github/hotfix.yml:2: key on is read as the boolean true, not as text: YAML 1.1 "
            "reads a bare on, off, yes, no, true or false as a boolean",
            'quote the key: "on":',
            id="on-key-is-a-boolean",
        ),
        pytest.param(
            "version: 1\nrelease:\n  scheme: patch\n  Off: 3\n",
            ".github/hotfix.yml:4: release: key Off is read as the boolean false, not as text: "
            "YAML 1.1 reads a bare on, off, yes, no, true or false as a boolean",
            'quote the key: "Off":',
            id="nested-off-key",
        ),
        pytest.param(
            "",
            ".github/hotfix.yml: the config file is empty",
            "write `version: 1` in it: every other key has a default",
            id="empty",
        ),
        pytest.param(
            "# just comments\n\n",
            ".github/hotfix.yml: the config file is empty",
            "write `version: 1` in it: every other key has a default",
            id="only-comments",
        ),
        pytest.param(
            "- version: 1\n",
            ".github/hotfix.yml:1: the top level must be a mapping of `key: value` lines, "
            "got a list",
            "start the file with `version: 1`",
            id="top-level-list",
        ),
        pytest.param(
            "version 1\n",
            ".github/hotfix.yml:1: the top level must be a mapping of `key: value` lines, "
            'got "version 1"',
            "start the file with `version: 1`",
            id="top-level-scalar",
        ),
        pytest.param(
            "version: 1\ndiff:\n  max_files: 3\n   max_lines: 4\n",
            ".github/hotfix.yml:4:13: YAML syntax error: mapping values are not allowed here",
            "check the indentation and quoting there: a value that contains ': ' or ' #', or "
            "starts with * & ! [ { @ ` or a quote, must be wrapped in quotes",
            id="yaml-syntax",
        ),
        pytest.param(
            "version: 1\ndiff:\n\tmax_files: 3\n",
            ".github/hotfix.yml:3: a tab is used for indentation; YAML allows only spaces",
            "replace the tab(s) at the start of the line with spaces",
            id="tab",
        ),
        pytest.param(
            "version: 1\n---\nversion: 1\n",
            ".github/hotfix.yml:2: expected a single document in the stream, but found another "
            "document",
            "keep one YAML document: delete the second '---' line",
            id="two-documents",
        ),
        pytest.param(
            "version: 1\nrelease:\n  changelog: 2024-13-45\n",
            ".github/hotfix.yml:3: cannot read this value (month must be in 1..12)",
            "quote the value to keep it as text",
            id="impossible-date",
        ),
        pytest.param(
            "version: 1\nrelease:\n  token: !!python/object:os.system x\n",
            ".github/hotfix.yml:3: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
            "quote the value to keep it as text",
            id="unsafe-tag",
        ),
        pytest.param(
            "version: 1\nx: \x07\n",
            ".github/hotfix.yml:2: contains the character #x0007, which YAML does not allow",
            "delete it; if this is not the config file, name the right one (.github/hotfix.yml)",
            id="control-character",
        ),
        pytest.param(
            "version: 1\ndiff: " + "[" * 3000 + "\n",
            ".github/hotfix.yml: the YAML is nested too deeply to read",
            "flatten the structure",
            id="deep-nesting",
        ),
    ],
)
def test_message_and_hint(text: str, message: str, hint: str) -> None:
    error = error_for(text)
    assert error.message == message
    assert error.hint == hint
    assert str(error) == f"{message}\n  hint: {hint}"


def test_all_problems_are_reported_at_once_in_line_order() -> None:
    error = error_for(
        "version: 1\nrelease:\n  scheme: semver\ndiff:\n  max_lnes: 3\n  max_files: many\n"
    )
    assert isinstance(error, InvalidConfigError)
    assert error.message.splitlines() == [
        ".github/hotfix.yml:3: release.scheme: expected one of patch, prerelease, suffix, "
        'date; got "semver" (choose one of: patch, prerelease, suffix, date)',
        ".github/hotfix.yml:5: diff.max_lnes: unknown key (did you mean 'max_lines'?)",
        '.github/hotfix.yml:6: diff.max_files: expected an integer, got "many" '
        "(write a whole number, e.g. max_files: 10)",
    ]
    assert error.hint == (
        "3 problems in .github/hotfix.yml; fix them top to bottom. "
        "`hotfix-ci config schema` prints every key with its type and default"
    )
    assert [(p.path, p.line) for p in error.problems] == [
        (("release", "scheme"), 3),
        (("diff", "max_lnes"), 5),
        (("diff", "max_files"), 6),
    ]


def test_a_long_list_of_problems_is_capped() -> None:
    text = "version: 1\npull_request:\n  labels:\n" + "    - 1\n" * 30
    error = error_for(text)
    assert isinstance(error, InvalidConfigError)
    assert len(error.problems) == 30
    lines = error.message.splitlines()
    assert len(lines) == 21
    assert lines[-1] == "... and 10 more"


def test_merge_keys_apply_and_a_local_override_is_not_a_duplicate() -> None:
    config = validate_config_text(
        "version: 1\n"
        "severities:\n"
        "  P0: &urgent {approvals: 0, review_after_deploy: true}\n"
        "  P1:\n"
        "    <<: *urgent\n"
        "    approvals: 1\n",
        SRC,
    )
    assert [(s.name, s.approvals, s.review_after_deploy) for s in config.severities] == [
        ("P0", 0, True),
        ("P1", 1, True),
    ]


def test_duplicates_are_found_at_any_depth_and_in_lists() -> None:
    error = error_for(
        "version: 1\nseverities:\n  P0:\n    label: a\n    label: b\n"
        "pull_request:\n  base: [main]\n  base: [prod]\n"
    )
    assert isinstance(error, InvalidConfigError)
    assert [(p.path, p.line) for p in error.problems] == [
        (("severities", "P0", "label"), 5),
        (("pull_request", "base"), 8),
    ]


@pytest.mark.parametrize(
    "template",
    [
        "hotfix*v{version}",
        "hotfix-{version}.lock",
        "{version!r}",
        "{version:>20}",
        "-{version}",
        "{version}/",
        "{tga}",
        "hotfix-v{version",
    ],
)
def test_validate_rejects_exactly_the_tag_templates_release_rejects(template: str) -> None:
    """One rule: ``config validate`` refuses a template iff ``release`` would at merge time."""
    from hotfix_ci.config.model import ReleaseConfig
    from hotfix_ci.release.versioning import next_version

    with pytest.raises(ConfigError):
        next_version(None, ReleaseConfig(tag=template), now=NOW, existing_tags=[])
    with pytest.raises(ConfigError, match=r"release\.tag: unusable tag template"):
        validate_config_text(f"version: 1\nrelease:\n  tag: '{template}'\n", "hotfix.yml")


@pytest.mark.parametrize("template", ["hotfix-v{version}", "rel/{version}", "hf_{date}_{version}"])
def test_validate_accepts_the_tag_templates_release_accepts(template: str) -> None:
    from hotfix_ci.config.model import ReleaseConfig
    from hotfix_ci.release.versioning import next_version

    next_version(None, ReleaseConfig(tag=template), now=NOW, existing_tags=[])
    validate_config_text(f"version: 1\nrelease:\n  tag: '{template}'\n", "hotfix.yml")

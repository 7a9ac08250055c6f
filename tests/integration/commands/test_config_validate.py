"""``hotfix-ci config validate`` through the console entry point: what deploy or release
would trip over later is refused now (exit 2), at the key's own line, with what to write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.cli import Result, run

COMMAND_PROVIDER = '{name: app, type: command, with: {deploy: ["true"], rollback: ["true"]}}'


def validate(tmp_path: Path, text: str, *args: str) -> Result:
    (tmp_path / ".github").mkdir(exist_ok=True)
    (tmp_path / ".github" / "hotfix.yml").write_text(text, encoding="utf-8")
    return run(["config", "validate", *args], {}, tmp_path)


def with_gate(url: str) -> str:
    return (
        "version: 1\n"
        "deploy:\n"
        "  environments:\n"
        "    prod:\n"
        f"      providers: [{COMMAND_PROVIDER}]\n"
        f"      gates: [{{name: h, type: http, url: {url!r}}}]\n"
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://exa mple.com", "its host 'exa mple.com' contains a space"),
        ("http://127.0.0.1:99999/health", "its port 99999 is out of range 1-65535"),
        ("http://[::1/health", "the '[' of the IPv6 address '[::1' is never closed with ']'"),
        ("http:///health", "it names no host after the scheme"),
        ("http://h:abc/x", "its port 'abc' is not a number"),
        ("ftp://x/health", "the scheme ftp:// is not http:// or https://"),
        ("127.0.0.1:8000/health", "it does not start with http:// or https://"),
    ],
)
def test_an_unusable_gate_url_is_refused_with_a_url_message(
    tmp_path: Path, url: str, problem: str
) -> None:
    result = validate(tmp_path, with_gate(url))
    assert result.exit_code == 2
    where = ".github/hotfix.yml:6: deploy.environments.prod.gates[0].url"
    expected = f'{where}: not a usable URL "{url}": {problem}'
    assert expected in result.stderr
    assert "what to do:" in result.stderr
    assert "release.token" not in result.stderr


def test_the_same_url_check_covers_every_url_key(tmp_path: Path) -> None:
    text = (
        "version: 1\n"
        "deploy:\n"
        "  environments:\n"
        "    prod:\n"
        "      url: 'https://shop .example.com'\n"
        "      providers:\n"
        "        - {name: h, type: heroku, with: {app: a, source_url: 'https://[bad/{tag}.tgz',"
        " api_url: 'https://api.heroku.com:0'}}\n"
        "      gates:\n"
        "        - {name: p, type: prometheus, url: 'http://prom:70000', query: up, max: 1}\n"
    )
    result = validate(tmp_path, text)
    assert result.exit_code == 2
    for where, problem in (
        ("prod.url", "its host 'shop .example.com' contains a space"),
        ("providers[0].with.source_url", "is never closed with ']'"),
        ("providers[0].with.api_url", "its port 0 is out of range 1-65535"),
        ("gates[0].url", "its port 70000 is out of range 1-65535"),
    ):
        assert re.search(
            rf"{re.escape(where)}: not a usable URL .*{re.escape(problem)}", result.stderr
        )


def test_a_usable_url_still_validates(tmp_path: Path) -> None:
    result = validate(tmp_path, with_gate("http://[::1]:8080/health check?x=a b"))
    assert (result.exit_code, result.stdout) == (0, ".github/hotfix.yml: valid\n")


@pytest.mark.parametrize(
    ("release", "message"),
    [
        (
            "{scheme: suffix, token: q1}",
            "release.token: 'q1' cannot be used by the suffix scheme: it must be one or more "
            "ASCII letters, because digits would run into the version numbers",
        ),
        (
            "{scheme: prerelease, token: '123'}",
            "release.token: '123' is not a valid semver prerelease identifier",
        ),
    ],
)
def test_a_token_the_scheme_cannot_use_is_refused(
    tmp_path: Path, release: str, message: str
) -> None:
    result = validate(tmp_path, f"version: 1\nrelease: {release}\n")
    assert result.exit_code == 2
    assert f".github/hotfix.yml:2: {message}" in result.stderr
    assert "e.g. token:" in result.stderr  # an example of a token that works


def test_the_on_key_is_reported_at_its_line_with_the_quoted_spelling(tmp_path: Path) -> None:
    result = validate(tmp_path, "version: 1\non: {x: 1}\n")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: .github/hotfix.yml:2: key on is read as the boolean true, not as text: "
        "YAML 1.1 reads a bare on, off, yes, no, true or false as a boolean\n"
    )
    assert 'quote the key: "on":' in result.stderr


def test_a_syntax_error_points_at_the_line_of_the_fault(tmp_path: Path) -> None:
    text = "version: 1\ndiff:\n  ignore: ['*.md', 'docs/**'\nrelease:\n  tag: x\n"
    result = validate(tmp_path, text)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: .github/hotfix.yml:3:11: YAML syntax error: the '[' here is never closed"
    )


def _options_of(command: list[str], cwd: Path) -> set[str]:
    shown = run([*command, "--help"], {}, cwd)
    assert shown.exit_code == 0
    return set(re.findall(r"--[a-z][a-z-]*", shown.stdout))


@pytest.mark.parametrize(
    "command",
    [["version", "current", "--config", "nope.yml"], ["config", "validate", "nope.yml"]],
)
def test_a_missing_config_hint_names_only_options_the_command_has(
    tmp_path: Path, command: list[str]
) -> None:
    result = run(command, {}, tmp_path)
    assert result.exit_code == 2
    assert "nope.yml: config file not found" in result.stderr
    hint = result.stderr.split("what to do:", 1)[1]
    named = set(re.findall(r"--[a-z][a-z-]*", hint))
    assert named <= _options_of(command[:-1] if command[0] == "config" else command[:1], tmp_path)
    if command[0] == "config":
        assert "--config" not in hint and "the PATH argument" in hint
    else:
        assert "--config" in hint


def test_validate_without_path_says_where_it_looked(tmp_path: Path) -> None:
    result = run(["config", "validate"], {}, tmp_path)
    assert result.exit_code == 2
    assert ".github/hotfix.yml: config file not found" in result.stderr
    assert "--config" not in result.stderr
    assert "without PATH, config validate reads .github/hotfix.yml" in result.stderr

"""Issue 10 item 21: bad input says what is wrong, where it came from and the fix (exit 2),
and GitHub's refusals and slowness read as what they are. Driven through the CLI against
the emulator.

Before: ``repository 'nope' is not of the form OWNER/NAME`` with no hint; ``422 No commit
found for SHA`` with no hint; ``deploy --ref hotfix-v9.9.9`` asked the provider what is live
and ended in a GitHub 422 (exit 4); ``HOTFIX_CI_HTTP_RETRIES=1e18`` was accepted and
``HOTFIX_CI_HTTP_TIMEOUT=1e300`` crashed with an OverflowError (exit 3); a refused
connection read as "did not answer in time".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import read_state
from hotfix_ci.testing import Fault
from tests.helpers.cli import REPO, base_env, run, seed
from tests.helpers.deploy import Scene, deployed
from tests.helpers.release import release, write_config
from tests.helpers.release import scene as release_scene

GOOD, NEW = "hotfix-v1.4.2", "hotfix-v1.4.3"


def provider_calls(scene: Scene) -> list[str]:
    return [call[0] for call in read_state(scene.state).get("calls", [])]


def message_and_hint(stderr: str) -> tuple[str, str]:
    lines = stderr.splitlines()
    error = next(line for line in lines if line.startswith("error: "))
    hint = next(line for line in lines if line.startswith("  what to do: "))
    return error.removeprefix("error: "), hint.removeprefix("  what to do: ")


# -- 1: the repository name ------------------------------------------------------------
def test_a_bad_github_repository_names_its_source_and_the_form(
    emulator: Any, tmp_path: Path
) -> None:
    result = run(
        ["check-pr", "--pr", "1"], base_env(emulator, tmp_path, GITHUB_REPOSITORY="nope"), tmp_path
    )
    assert result.exit_code == 2
    message, hint = message_and_hint(result.stderr)
    assert message == "repository 'nope' (from GITHUB_REPOSITORY) is not of the form OWNER/NAME"
    assert "the runner sets GITHUB_REPOSITORY to OWNER/NAME" in hint
    assert "pass --repo OWNER/NAME" in hint
    assert emulator.requests == []


def test_a_repo_flag_given_as_a_url_gets_the_name_it_meant(emulator: Any, tmp_path: Path) -> None:
    args = ["check-pr", "--pr", "1", "--repo", "https://github.com/acme/web.git"]
    result = run(args, base_env(emulator, tmp_path), tmp_path)
    assert result.exit_code == 2
    message, hint = message_and_hint(result.stderr)
    assert "(from --repo) is not of the form OWNER/NAME" in message
    assert hint.startswith("pass --repo acme/web (the owner and the repository name")


# -- 2: a commit GitHub does not have ------------------------------------------------------
def test_a_sha_github_lacks_is_named_with_the_fix(emulator: Any, tmp_path: Path) -> None:
    release_scene(emulator)
    write_config(tmp_path, "")
    missing = "b" * 40
    result = release(emulator, tmp_path, missing, "--sha", missing)
    assert result.exit_code == 4
    message, hint = message_and_hint(result.stderr)
    assert f"commit {missing} is not on GitHub in {REPO}" in message
    assert "not pushed, or it belongs to another repository" in hint
    assert "--sha" in hint and "GITHUB_REPOSITORY" in hint


# -- 3: deploy --ref a tag that does not exist ----------------------------------------
@pytest.mark.parametrize("ref", ["hotfix-v9.9.9", "-x"])
def test_deploy_of_a_missing_tag_exits_2_before_the_provider(scene: Scene, ref: str) -> None:
    deployed(scene, GOOD)
    calls, deployments = provider_calls(scene), len(scene.emu.deployments(REPO))
    result = scene.cli(["deploy", "-e", "production", "-p", "app", f"--ref={ref}"])
    assert result.exit_code == 2, result.stdout + result.stderr
    assert provider_calls(scene) == calls  # not even `current`
    assert len(scene.emu.deployments(REPO)) == deployments
    message, hint = message_and_hint(result.stderr)
    assert "nothing was deployed and no Deployment was created" in message
    if ref.startswith("-"):
        assert message.startswith("--ref '-x' is not a release tag")
    else:
        assert message.startswith("--ref hotfix-v9.9.9: the repository has no such tag")
        newest = "hotfix-v1.4.4, hotfix-v1.4.3, hotfix-v1.4.2, hotfix-v1.4.1"
        assert f"existing tags, newest first: {newest}; pass one of them as --ref" in hint


def test_deploy_with_a_sha_that_is_not_the_tags_commit_exits_2(scene: Scene) -> None:
    """Before: exit 0, the bogus sha filled {sha} and went into the Deployment's payload."""
    calls = provider_calls(scene)
    wrong = "a" * 40
    result = scene.deploy(NEW, "--sha", wrong)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert provider_calls(scene) == calls and scene.emu.deployments(REPO) == []
    message, hint = message_and_hint(result.stderr)
    assert message.startswith(f"--sha {wrong} is not the commit of {NEW} (")
    assert hint.startswith("leave --sha out (the tag's commit is used), or pass ")
    tagged = hint.rsplit(" ", 1)[-1]
    assert scene.deploy(NEW, "--sha", tagged[:12]).exit_code == 0  # a prefix of it is fine


def test_only_the_newest_few_release_tags_are_listed(scene: Scene) -> None:
    for patch in range(5, 12):
        scene.emu.commit(REPO, branch="main", message=f"fix {patch}")
        scene.emu.add_tag(REPO, f"hotfix-v1.4.{patch}")
    scene.emu.add_tag(REPO, "not-a-release")
    result = scene.cli(["deploy", "-e", "production", "-p", "app", "--ref", "hotfix-v2.0.0"])
    assert result.exit_code == 2
    _, hint = message_and_hint(result.stderr)
    shown = ", ".join(f"hotfix-v1.4.{p}" for p in (11, 10, 9, 8, 7))
    assert f"existing tags, newest first: {shown} (and 6 older);" in hint
    assert "not-a-release" not in hint


# -- 4: HOTFIX_CI_HTTP_* ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("HOTFIX_CI_HTTP_TIMEOUT", "nan", "a number of seconds from 0.1 to 600"),
        ("HOTFIX_CI_HTTP_TIMEOUT", "inf", "a number of seconds from 0.1 to 600"),
        ("HOTFIX_CI_HTTP_TIMEOUT", "1e309", "a number of seconds from 0.1 to 600"),
        ("HOTFIX_CI_HTTP_TIMEOUT", "1e300", "a number of seconds from 0.1 to 600"),
        ("HOTFIX_CI_HTTP_TIMEOUT", "-1", "a number of seconds from 0.1 to 600"),
        ("HOTFIX_CI_HTTP_RETRIES", "1e18", "a whole number of retries from 0 to 20"),
        ("HOTFIX_CI_HTTP_RETRIES", "2.5", "a whole number of retries from 0 to 20"),
        ("HOTFIX_CI_HTTP_RETRIES", "abc", "a whole number of retries from 0 to 20"),
        ("HOTFIX_CI_HTTP_BACKOFF", "-1", "a number of seconds from 0 to 60"),
        ("HOTFIX_CI_HTTP_MAX_WAIT", "1e300", "a number of seconds from 0 to 3600"),
    ],
)
def test_bad_http_settings_exit_2_at_once_with_the_range(
    emulator: Any, tmp_path: Path, name: str, value: str, accepted: str
) -> None:
    release_scene(emulator)
    write_config(tmp_path, "")
    started = time.monotonic()
    result = release(emulator, tmp_path, "a" * 40, "--dry-run", **{name: value})
    assert time.monotonic() - started < 1
    assert result.exit_code == 2, result.stderr
    message, hint = message_and_hint(result.stderr)
    assert message.startswith(f"{name}={value!r} ")
    assert hint.startswith(f"set {name} to {accepted}, or unset {name} for the default")
    assert emulator.requests == []  # before any request


# -- 10: slow and unreachable GitHub ------------------------------------------------------
def test_a_slow_github_reads_as_a_timeout_with_the_seconds(emulator: Any, tmp_path: Path) -> None:
    number = seed(emulator)
    emulator.faults.add(Fault(method="GET", path=r"/pulls/1$", kind="slow", delay=2.5, times=None))
    env = base_env(emulator, tmp_path, HOTFIX_CI_HTTP_TIMEOUT="1", HOTFIX_CI_HTTP_RETRIES="1")
    result = run(["check-pr", "--pr", str(number)], env, tmp_path)
    assert result.exit_code == 4
    message, hint = message_and_hint(result.stderr)
    assert "did not answer in time: no answer within 1 s, 2 tries" in message
    assert "raise HOTFIX_CI_HTTP_TIMEOUT (now 1 s, at most 600)" in hint
    assert "Error" not in result.stderr  # no exception class names


def test_a_dropped_connection_is_not_called_a_timeout(emulator: Any, tmp_path: Path) -> None:
    number = seed(emulator)
    emulator.faults.add(Fault(method="GET", path=r"/pulls/1$", kind="disconnect", times=None))
    env = base_env(emulator, tmp_path, HOTFIX_CI_HTTP_RETRIES="1")
    result = run(["check-pr", "--pr", str(number)], env, tmp_path)
    assert result.exit_code == 4
    message, _ = message_and_hint(result.stderr)
    assert "GitHub closed the connection without answering" in message
    assert "in time" not in message and "Error" not in result.stderr


def test_a_refused_connection_is_not_called_a_timeout(tmp_path: Path) -> None:
    class Nowhere:
        url = "http://127.0.0.1:9"  # the discard port: nothing listens

    env = base_env(Nowhere(), tmp_path, HOTFIX_CI_HTTP_RETRIES="0")
    result = run(["check-pr", "--pr", "1"], env, tmp_path)
    assert result.exit_code == 4
    message, hint = message_and_hint(result.stderr)
    assert "the connection to GitHub was refused: nothing listens there" in message
    assert "in time" not in message and "Error" not in result.stderr
    assert hint.startswith("check GITHUB_API_URL")

"""The notify command end to end: exit codes, redaction, dry run, the PR comment through the
GitHub emulator, enrichment from the live PR, the click layer, ``announce``, the receiver."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config import load_config
from hotfix_ci.notify import announce, build_context, required_failed
from hotfix_ci.notify.github_comment import comment_marker
from hotfix_ci.notify.receiver import WebhookReceiver
from hotfix_ci.testing import GitHubEmulator
from tests.helpers.cli import run as run_line
from tests.integration.notify.helpers import FAST, send, write_config
from tests.unit.notify.helpers import HOSTILE_TITLE

REPO = "acme/web"
TOKEN = "ghs_" + "n0tify" * 6
SLACK_SECRET = "T0AAAA/B0BBBB/zzSlackSecretzz"
HOOK_SECRET = "hook-secret-" + "5" * 20
SP_KEY = "statuspage-key-" + "8" * 20
CHANNELS = (
    "    - {name: team, type: slack, url_env: SLACK_URL}\n"
    "    - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET,"
    " required: true}\n"
)


def test_optional_failure_is_a_warning_required_failure_exits_1(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/slack").respond_with_data("no_service", status=404)
    httpserver.expect_request("/hook").respond_with_data("", status=204)
    write_config(tmp_path, CHANNELS)
    env = {
        "SLACK_URL": httpserver.url_for("/slack"),
        "HOOK_URL": httpserver.url_for("/hook"),
        "HOOK_SECRET": HOOK_SECRET,
    }
    sent = send(tmp_path, env, "deployed", fmt="text", pr=5)
    assert sent.code == 0
    assert "notify team (slack): failed (warning): POST to $SLACK_URL answered 404" in sent.stdout
    assert "notify hook (webhook): delivered, signed" in sent.stdout
    assert "1 optional channel(s) failed: warnings only, exit 0" in sent.stdout

    env["HOOK_URL"] = httpserver.url_for("/missing")  # the server answers 500 to it
    sent = send(tmp_path, env, "deployed", pr=5)
    assert sent.code == 1
    assert sent.json["ok"] is False
    assert sent.channel("hook")["status"] == "failed" and sent.channel("hook")["required"]


@pytest.mark.parametrize("in_actions", [True, False])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_secrets_never_appear_in_any_output(
    httpserver: HTTPServer, tmp_path: Path, fmt: str, dry_run: bool, in_actions: bool
) -> None:
    httpserver.expect_request(f"/services/{SLACK_SECRET}").respond_with_data("ok")
    summary = tmp_path / "summary.md"
    write_config(
        tmp_path,
        CHANNELS + "    - {name: status, type: statuspage, page_env: PAGE, key_env: SP_KEY}\n",
    )
    env = {
        "SLACK_URL": httpserver.url_for(f"/services/{SLACK_SECRET}"),
        "HOOK_URL": "http://127.0.0.1:9/hook",  # nothing listens: the error is printed
        "HOOK_SECRET": HOOK_SECRET,
        "PAGE": "page-id-42",
        "SP_KEY": SP_KEY,
        "HOTFIX_CI_STATUSPAGE_API_URL": "http://127.0.0.1:9/v1",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": "http://127.0.0.1:9",
        "GITHUB_ACTIONS": "true" if in_actions else "",
        "GITHUB_STEP_SUMMARY": str(summary),
        "HOTFIX_CI_HTTP_RETRIES": "0",
    }
    sent = send(tmp_path, env, "alert", fmt=fmt, pr=5, dry_run=dry_run)
    # Workflow commands go to stdout, except with --format json: stdout is the JSON alone.
    commands, other = (sent.stderr, sent.stdout) if fmt == "json" else (sent.stdout, sent.stderr)
    if fmt == "json":
        assert sent.json["event"] == "alert"  # stdout parses as one JSON document
        assert "::" not in sent.stdout
    masks = [
        line.removeprefix("::add-mask::")
        for line in commands.splitlines()
        if line.startswith("::add-mask::")
    ]
    # The runner's own masking, on the commands stream: the one place a value may appear.
    unmasked = [line for line in commands.splitlines() if not line.startswith("::add-mask::")]
    everything = "\n".join([other, *unmasked, summary.read_text() if summary.exists() else ""])
    for secret in (SLACK_SECRET, HOOK_SECRET, SP_KEY, TOKEN, env["SLACK_URL"]):
        assert secret not in everything, secret
    if in_actions:
        for secret in (SLACK_SECRET, HOOK_SECRET, SP_KEY, TOKEN):
            assert any(secret in mask for mask in masks), secret
        assert commands.index("::add-mask::") == 0  # masked before the first line
        assert masks.count(TOKEN) == 1
    else:
        assert masks == []
    assert sent.code == (0 if dry_run else 1)  # the required webhook cannot be reached


def test_json_inside_actions_keeps_workflow_commands_off_stdout(
    emu: GitHubEmulator, tmp_path: Path
) -> None:
    number = emu.create_pull(
        REPO, title="[HOTFIX] login", head="hotfix/x", author="bob", labels=["hotfix"]
    )
    write_config(tmp_path, "    - {name: pr, type: github}\n")
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": emu.url, "GITHUB_ACTIONS": "true"}
    sent = send(tmp_path, env, "deployed", fmt="json", pr=number)
    assert sent.code == 0, sent.stderr
    # Before: stdout began with "::add-mask::<token>" (twice), so it was not JSON and held
    # the token in clear.
    assert sent.json["channels"][0]["detail"] == f"commented on #{number}"
    assert TOKEN not in sent.stdout and "::" not in sent.stdout
    assert sent.stderr.splitlines()[0] == f"::add-mask::{TOKEN}"


def test_dry_run_prints_each_payload_and_sends_nothing(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    write_config(tmp_path, CHANNELS)
    env = {
        "SLACK_URL": httpserver.url_for("/slack"),
        "HOOK_URL": httpserver.url_for("/hook"),
        "HOOK_SECRET": HOOK_SECRET,
    }
    sent = send(tmp_path, env, "rolled-back", dry_run=True, pr=5, tag="hotfix-v1.2.3")
    assert sent.code == 0
    assert httpserver.log == []
    assert {c["status"] for c in sent.json["channels"]} == {"dry-run"}
    assert sent.channel("team")["payload"]["blocks"][0]["type"] == "header"
    assert sent.channel("hook")["payload"]["version"] == "1.2.3"
    assert sent.channel("hook")["payload"]["state"] == "rolled_back"


def test_a_missing_variable_is_named_with_what_to_do(tmp_path: Path) -> None:
    write_config(tmp_path, CHANNELS)
    sent = send(tmp_path, {"SLACK_URL": "https://hooks.example.com/x"}, "alert", dry_run=True)
    hook = sent.channel("hook")
    assert hook["detail"] == "$HOOK_URL is not set or empty"
    assert "HOOK_URL: ${{ secrets.HOOK_URL }}" in hook["hint"]
    assert sent.code == 1


def test_plain_http_to_a_remote_host_is_refused(tmp_path: Path) -> None:
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    sent = send(tmp_path, {"SLACK_URL": "http://hooks.example.com/x"}, "alert", dry_run=True)
    assert sent.channel("team")["detail"] == "$SLACK_URL does not hold an https:// URL"


@pytest.fixture
def emu() -> Iterator[GitHubEmulator]:
    with GitHubEmulator() as emulator:
        emulator.create_repo(REPO)
        yield emulator
        assert emulator.contract_violations == []


def test_pr_comment_once_per_event_and_enriched_from_the_live_pr(
    emu: GitHubEmulator, tmp_path: Path
) -> None:
    number = emu.create_pull(
        REPO, title=HOSTILE_TITLE.strip(), head="hotfix/x", author="bob", labels=["hotfix", "P1"]
    )
    write_config(tmp_path, "    - {name: pr, type: github}\n")
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": emu.url}
    first = send(tmp_path, env, "deployed", pr=number, environment="production")
    assert first.code == 0, first.stdout
    assert first.channel("pr")["detail"] == f"commented on #{number}"
    again = send(tmp_path, env, "deployed", pr=number, environment="production")
    assert again.channel("pr")["detail"] == f"comment on #{number} already says this"
    send(tmp_path, env, "resolved", pr=number, environment="production")
    comments = emu.comments(REPO, number)
    assert [c["body"].splitlines()[0] for c in comments] == [
        comment_marker("deployed", "production"),
        comment_marker("resolved", "production"),
    ]
    body = comments[0]["body"]
    assert "- **Severity:** P1" in body  # from the live PR's label
    assert "@everyone" not in body and "<!channel>" not in body
    assert "\\{\\{ 7\\*7 \\}\\}" in body


def test_without_a_token_it_sends_from_flags_and_says_what_is_missing(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/hook").respond_with_data("", status=204)
    write_config(
        tmp_path,
        "    - {name: hook, type: webhook, url_env: HOOK_URL}\n    - {name: pr, type: github}\n",
    )
    sent = send(tmp_path, {"HOOK_URL": httpserver.url_for("/hook")}, "alert", pr=8)
    assert sent.channel("hook")["detail"] == "delivered, unsigned (no secret_env)"
    assert sent.channel("pr")["detail"] == "a comment on the pull request needs a GitHub token"
    assert sent.json["warnings"] == ["no GitHub token: the message has no PR title or severity"]
    assert httpserver.log[0][0].get_json()["pr_url"] == "https://github.com/acme/web/pull/8"


def test_the_command_line(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/slack").respond_with_data("ok")
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    env = {**FAST, "SLACK_URL": httpserver.url_for("/slack"), "GITHUB_ACTIONS": ""}
    ok = run_line(["notify", "--event", "in-progress", "--pr", "3"], env, tmp_path)
    bad = run_line(["notify", "--event", "deploying"], env, tmp_path)
    no_repo = run_line(["notify", "--event", "alert"], {**env, "GITHUB_REPOSITORY": ""}, tmp_path)
    assert ok.exit_code == 0, ok.stderr
    assert "notify team (slack): posted" in ok.stdout
    assert bad.exit_code == 2 and "'deploying' is not one of" in bad.stderr
    assert no_repo.exit_code == 2
    assert "error: no repository" in no_repo.stderr
    assert "--repo OWNER/NAME" in no_repo.stderr
    # The repository rule every GitHub-facing command applies: where the name came from,
    # and the OWNER/NAME a URL most likely meant.
    url = {**env, "GITHUB_REPOSITORY": "https://github.com/acme/web.git"}
    from_url = run_line(["notify", "--event", "alert"], url, tmp_path)
    assert from_url.exit_code == 2
    assert "(from GITHUB_REPOSITORY) is not of the form OWNER/NAME" in from_url.stderr
    assert "pass --repo acme/web" in from_url.stderr
    # GITHUB_API_URL is judged by the config's URL rule before any request: before, a port
    # 0 got as far as a connection attempt, and the PR's facts were silently left out.
    api = {**env, "GITHUB_TOKEN": "ghs_" + "x" * 36, "GITHUB_API_URL": "https://api.example.com:0"}
    bad_api = run_line(["notify", "--event", "alert", "--pr", "3"], api, tmp_path)
    assert bad_api.exit_code == 2
    assert "is not a usable URL: its port 0 is out of range 1-65535" in bad_api.stderr


def test_announce_never_raises_and_annotates_in_actions(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/slack").respond_with_data("down", status=500)
    write_config(tmp_path, "    - {name: team, type: slack, url_env: SLACK_URL}\n")
    config = load_config(workdir=tmp_path)
    env = {**FAST, "SLACK_URL": httpserver.url_for("/slack"), "GITHUB_ACTIONS": "true"}
    stream = io.StringIO()
    ctx = build_context("alert", env, pr=4)
    outcomes = announce("failed", ctx, config, env, ActionsIO(env, stream))
    assert [(o.channel, o.status) for o in outcomes] == [("team", "failed")]
    assert not required_failed(outcomes)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("::add-mask::")
    assert lines[-1].startswith("::warning title=hotfix-ci notify::notify team (slack): failed")
    assert httpserver.log[0][0].get_json()["text"].startswith("Hotfix failed")


def test_receiver_checks_the_signature_and_drops_duplicates(tmp_path: Path) -> None:
    write_config(tmp_path, "    - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: S}\n")
    printed = io.StringIO()
    with WebhookReceiver(HOOK_SECRET, out=printed) as receiver:
        env = {"HOOK_URL": receiver.url, "S": HOOK_SECRET}
        assert send(tmp_path, env, "deployed", pr=2, tag="hotfix-v1.0.1").code == 0
        assert send(tmp_path, env, "deployed", pr=2, tag="hotfix-v1.0.1").code == 0
        wrong = send(tmp_path, {**env, "S": "not-the-secret"}, "deployed", pr=2)
    assert [(r.verified, r.duplicate) for r in receiver.deliveries] == [
        (True, False),
        (True, True),
        (False, False),
    ]
    assert receiver.deliveries[0].payload["tag"] == "hotfix-v1.0.1"
    assert "check that both sides hold the same secret" in wrong.channel("hook")["hint"]
    assert printed.getvalue().splitlines()[0] == (
        "webhook received deployed (deployed) acme/web #2 hotfix-v1.0.1: signature ok"
    )


def test_a_pr_title_quoting_a_secret_reaches_no_channel_in_any_spelling(
    emu: GitHubEmulator, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A title pasted from a log can hold the token; each channel escapes it its own way
    (``ghs\\_…`` in markdown), so redaction must come before the escaping, for every
    channel: the chat payloads, the webhook and the PR comment."""
    for path in ("/slack", "/discord", "/teams", "/hook"):
        httpserver.expect_request(path).respond_with_data("", status=204)
    number = emu.create_pull(
        REPO,
        title=f"[HOTFIX] login broke after {TOKEN} and {HOOK_SECRET} were rotated",
        head="hotfix/x",
        author="bob",
        labels=["hotfix", "P1"],
    )
    write_config(
        tmp_path,
        "    - {name: team, type: slack, url_env: SLACK_URL}\n"
        "    - {name: chat, type: discord, url_env: DISCORD_URL}\n"
        "    - {name: ops, type: teams, url_env: TEAMS_URL}\n"
        "    - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET}\n"
        "    - {name: pr, type: github}\n",
    )
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": emu.url,
        "HOOK_SECRET": HOOK_SECRET,
        **{f"{n}_URL": httpserver.url_for(f"/{n.lower()}") for n in ("SLACK", "DISCORD", "TEAMS")},
        "HOOK_URL": httpserver.url_for("/hook"),
    }
    sent = send(tmp_path, env, "deployed", pr=number, environment="production")
    assert sent.code == 0, sent.stdout
    bodies = [request.get_data(as_text=True) for request, _ in httpserver.log]
    bodies += [c["body"] for c in emu.comments(REPO, number)]
    assert len(bodies) == 5
    assert all("login broke after" in body for body in bodies)  # the title is quoted
    bodies.append(sent.stdout)  # the JSON report quotes the context too
    for secret in (TOKEN, HOOK_SECRET):
        # As is (Slack, JSON), and as markdown escapes it (Discord, Teams, the PR comment).
        spellings = {secret, secret.replace("_", "\\_").replace("-", "\\-")}
        leaks = [(s, b[:80]) for b in bodies for s in spellings if s in b]
        assert leaks == [], leaks

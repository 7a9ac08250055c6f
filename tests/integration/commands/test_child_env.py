"""Issue 10 item 13: child processes (before-checks, command gates, provider commands) never
get hotfix-ci's own secrets, unless the config passes one explicitly."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.helpers.deploy import Scene

TAG = "hotfix-v1.4.3"
DUMP = "import json, os, sys; open(sys.argv[1], 'a').write(json.dumps(dict(os.environ)) + '\\n')"
SECRETS = {
    "GH_TOKEN": "gh-cli-" + "a" * 20,
    "INPUT_GITHUB-TOKEN": "ghs_" + "input" * 8,
    "INPUT_TOKEN": "ghs_" + "other" * 8,
    "SLACK_URL": "https://hooks.slack.invalid/services/T0/B0/" + "s" * 24,
    "VERCEL_TOKEN": "vercel-" + "v" * 24,
}


def dumps(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def dumping(scene: Scene) -> tuple[Path, Path, Path]:
    """A before-check, a command gate and the provider's ``current`` that each write their
    environment to a file (returned in that order); the config is not written yet."""
    before, gate, provider = (scene.tmp / f"{n}.jsonl" for n in ("before", "gate", "provider"))
    scene.environment["before"] = [[sys.executable, "-c", DUMP, str(before)]]
    scene.environment["gates"].append(
        {"name": "smoke", "type": "command", "run": [sys.executable, "-c", DUMP, str(gate)]}
    )
    settings = scene.environment["providers"][0]["with"]
    settings["current"] = [sys.executable, "-c", DUMP, str(provider)]
    return before, gate, provider


def test_before_checks_gates_and_provider_commands_get_no_github_or_notify_secret(
    scene: Scene,
) -> None:
    before, gate, provider = dumping(scene)
    settings = scene.environment["providers"][0]["with"]
    settings["env"] = {"INPUT_TOKEN": SECRETS["INPUT_TOKEN"]}  # passed on purpose
    scene.write_config()
    config = json.loads((scene.tmp / ".github" / "hotfix.yml").read_text())
    config["notify"] = {"channels": [{"name": "team", "type": "slack", "url_env": "SLACK_URL"}]}
    (scene.tmp / ".github" / "hotfix.yml").write_text(json.dumps(config))
    result = scene.deploy(TAG, **SECRETS)
    token = scene.env()["GITHUB_TOKEN"]
    assert before.exists() and gate.exists() and provider.exists(), result.stderr
    for seen in [*dumps(before), *dumps(gate), *dumps(provider)]:
        values = set(seen.values())
        # Before: every child inherited the GitHub token and the notification webhook.
        assert "GITHUB_TOKEN" not in seen and token not in values
        for name in ("GH_TOKEN", "INPUT_GITHUB-TOKEN", "SLACK_URL"):
            assert name not in seen and SECRETS[name] not in values
        assert "PATH" in seen  # the rest of the environment is passed on
    for seen in [*dumps(before), *dumps(gate)]:
        assert "VERCEL_TOKEN" not in seen and "INPUT_TOKEN" not in seen
    # A provider's tool gets the provider credentials, and what `env:` passes explicitly.
    for seen in dumps(provider):
        assert seen["VERCEL_TOKEN"] == SECRETS["VERCEL_TOKEN"]
        assert seen["INPUT_TOKEN"] == SECRETS["INPUT_TOKEN"]


def test_a_secret_value_under_another_name_is_not_passed_on(scene: Scene) -> None:
    """The "any variable holding a registered secret value" clause of proc.child_env."""
    before, gate, provider = dumping(scene)
    scene.write_config()
    token, fly = scene.env()["GITHUB_TOKEN"], "fo1_" + "flyToken" * 4
    copies = {"MY_DEPLOY_TOKEN": token, "COPY_OF_FLY": fly}
    result = scene.deploy(TAG, FLY_API_TOKEN=fly, **copies)
    assert before.exists() and gate.exists() and provider.exists(), result.stderr
    for seen in [*dumps(before), *dumps(gate), *dumps(provider)]:
        # Without the clause: MY_DEPLOY_TOKEN (the GitHub token's value) reaches every
        # child, COPY_OF_FLY (the provider token's value) before-checks and gates too.
        assert "MY_DEPLOY_TOKEN" not in seen and token not in seen.values()
        assert "COPY_OF_FLY" not in seen
        assert "PATH" in seen  # the rest of the environment is passed on
    # The provider's own CLI still gets its credential under its own name.
    assert [seen["FLY_API_TOKEN"] for seen in dumps(provider)] == [fly] * len(dumps(provider))

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


def test_before_checks_gates_and_provider_commands_get_no_github_or_notify_secret(
    scene: Scene,
) -> None:
    before, gate, provider = (scene.tmp / f"{n}.jsonl" for n in ("before", "gate", "provider"))
    scene.environment["before"] = [[sys.executable, "-c", DUMP, str(before)]]
    scene.environment["gates"].append(
        {"name": "smoke", "type": "command", "run": [sys.executable, "-c", DUMP, str(gate)]}
    )
    settings = scene.environment["providers"][0]["with"]
    settings["current"] = [sys.executable, "-c", DUMP, str(provider)]
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

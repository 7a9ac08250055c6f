"""`hotfix-ci config matrix`: one environment's deploy matrix, the rollback workflow's jobs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import REPO, TOKEN, run

CONFIG = {
    "version": 1,
    "deploy": {
        "environments": {
            env: {
                "providers": [
                    {
                        "name": f"{name}-{env}",
                        "type": "command",
                        "with": {"deploy": ["true"], "rollback": ["true"]},
                    }
                    for name in ("web", "api", "worker")
                ]
            }
            for env in ("eu", "us")
        }
    },
}


def _repo(tmp_path: Path) -> Path:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text(json.dumps(CONFIG))
    return tmp_path


def test_every_provider_of_one_environment_and_the_output(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    output.write_text("")
    res = run(
        ["config", "matrix", "-e", "eu"],
        {"GITHUB_OUTPUT": str(output), "GITHUB_ACTIONS": "true"},
        _repo(tmp_path),
    )
    assert res.exit_code == 0, res.stderr
    include = [{"environment": "eu", "provider": f"{n}-eu"} for n in ("web", "api", "worker")]
    assert json.loads(res.stdout) == {"include": include}
    assert json.dumps({"include": include}, separators=(",", ":")) in output.read_text()
    one = run(["config", "matrix", "-e", "us", "-p", "api-us"], {}, tmp_path)
    assert json.loads(one.stdout) == {"include": [{"environment": "us", "provider": "api-us"}]}


def test_unknown_environment_or_provider_is_a_usage_error_with_a_suggestion(
    tmp_path: Path,
) -> None:
    """The lookups are the config model's, the ones deploy and rollback use."""
    res = run(["config", "matrix", "-e", "ue"], {}, _repo(tmp_path))
    assert res.exit_code == 2
    assert "error: deploy.environments has no environment 'ue'" in res.stderr
    assert "what to do: configured environments: eu, us" in res.stderr
    res = run(["config", "matrix", "-e", "us", "-p", "web-eu"], {}, tmp_path)
    assert res.exit_code == 2
    assert "environment 'us' has no provider named 'web-eu'" in res.stderr
    assert "did you mean 'web-us'? configured providers: web-us, api-us, worker-us" in res.stderr


def test_an_environment_without_providers_has_no_matrix_and_nothing_to_roll_back(
    tmp_path: Path,
) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/hotfix.yml").write_text("version: 1\ndeploy: {environments: {eu: {}}}\n")
    env = {"GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": "http://127.0.0.1:9"}
    for argv in (["config", "matrix", "-e", "eu"], ["rollback", "-e", "eu"]):
        res = run(argv, env, tmp_path)
        assert res.exit_code == 2, argv
        assert "error: environment 'eu' has no providers" in res.stderr
        assert "what to do: add providers under deploy.environments.eu.providers" in res.stderr

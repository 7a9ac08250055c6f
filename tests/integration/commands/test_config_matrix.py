"""`hotfix-ci config matrix`: one environment's deploy matrix, the rollback workflow's jobs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import run

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
    res = run(["config", "matrix", "-e", "ue"], {}, _repo(tmp_path))
    assert res.exit_code == 2
    assert "'ue' is not in deploy.environments" in res.stderr
    assert "what to do: use one of: eu, us" in res.stderr
    res = run(["config", "matrix", "-e", "eu", "-p", "web-us"], {}, tmp_path)
    assert res.exit_code == 2
    assert "has no provider 'web-us'" in res.stderr and "web-eu" in res.stderr

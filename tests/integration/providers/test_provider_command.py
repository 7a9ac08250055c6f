"""The command provider running a real deploy script (no shell involved)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from hotfix_ci.providers.command import create
from tests.standins import path_env

RELEASE = Release(tag="hotfix-v1.2.3", version="1.2.3", sha="d" * 40, environment="prod")

# A team's deploy tool: `tool.py deploy REF`, `tool.py rollback REF`, `tool.py current`.
TOOL = """
import json, os, sys, time
state = sys.argv[1]
data = json.load(open(state)) if os.path.exists(state) else {"live": None, "argv": []}
data["argv"].append(sys.argv[2:])
data["env"] = os.environ.get("DEPLOY_REGION")
json.dump(data, open(state, "w"))
verb = sys.argv[2]
if os.environ.get("TOOL_FAIL") == verb:
    print("pushing image...")
    print("warning: slow registry", file=sys.stderr)
    print("error: cluster rejected the manifest", file=sys.stderr)
    sys.exit(3)
if os.environ.get("TOOL_HANG"):
    time.sleep(10)
if verb == "current":
    if data["live"]:
        print("checking...")  # progress output: only the last line is the ref
        print(data["live"])
elif verb == "rollback" and os.environ.get("TOOL_IGNORE_ROLLBACK"):
    pass
elif verb in ("deploy", "rollback"):
    data["live"] = sys.argv[3]
    json.dump(data, open(state, "w"))
"""


@pytest.fixture
def tool(tmp_path: Path) -> Path:
    script = tmp_path / "tool.py"
    script.write_text(TOOL)
    return script


def make(tmp_path: Path, tool: Path, env: dict[str, str] | None = None, **settings: Any) -> Any:
    state = str(tmp_path / "state.json")
    base: dict[str, Any] = {
        "deploy": [sys.executable, str(tool), state, "deploy", "{tag}", "--sha={sha}"],
        "rollback": [sys.executable, str(tool), state, "rollback", "{rollback_ref}"],
        "current": [sys.executable, str(tool), state, "current"],
        "timeout": 20,
    }
    base.update(settings)
    context = ProviderContext(
        name="scripted",
        type="command",
        settings={k: v for k, v in base.items() if v is not None},
        env=path_env(tmp_path / "bin", env),
        workdir=tmp_path,
        log=lambda _line: None,
    )
    return create(context)


def state_of(tmp_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / "state.json").read_text())
    return data


def test_round_trip_with_current(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool)
    assert provider.current() is None  # nothing deployed yet
    provider.deploy(Release(tag="hotfix-v1.2.2", version="1.2.2", sha="e" * 40, environment="prod"))
    before = provider.current()
    assert before.ref == "hotfix-v1.2.2"  # the last line, not "checking..."

    assert provider.deploy(RELEASE).ref == "hotfix-v1.2.3"
    assert provider.current().ref == "hotfix-v1.2.3"
    assert provider.rollback(before).ref == "hotfix-v1.2.2"
    assert provider.current().ref == "hotfix-v1.2.2"
    assert ["deploy", "hotfix-v1.2.3", f"--sha={'d' * 40}"] in state_of(tmp_path)["argv"]
    assert ["rollback", "hotfix-v1.2.2"] in state_of(tmp_path)["argv"]


def test_without_current_the_caller_decides(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool, current=None)
    assert provider.current() is None
    assert provider.deploy(RELEASE).ref == "hotfix-v1.2.3"
    point = RollbackPoint(
        provider="scripted", type="command-ref", ref="hotfix-v1.2.2", description="previous release"
    )
    assert provider.rollback(point).ref == "hotfix-v1.2.2"
    assert state_of(tmp_path)["live"] == "hotfix-v1.2.2"


def test_arguments_are_never_given_to_a_shell(tmp_path: Path, tool: Path):
    state = str(tmp_path / "state.json")
    provider = make(
        tmp_path,
        tool,
        deploy=[
            sys.executable,
            str(tool),
            state,
            "deploy",
            "{tag}; touch pwned",
            '{"env": "{environment}"}',
        ],
    )
    provider.deploy(RELEASE)
    assert ["deploy", "hotfix-v1.2.3; touch pwned", '{"env": "prod"}'] in state_of(tmp_path)["argv"]
    assert not (tmp_path / "pwned").exists()


def test_env_setting_reaches_the_command(tmp_path: Path, tool: Path):
    make(tmp_path, tool, env={"DEPLOY_REGION": "eu-west-1"}).deploy(RELEASE)
    assert state_of(tmp_path)["env"] == "eu-west-1"


def test_failing_command_reports_its_last_stderr_line(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool)
    provider.env["TOOL_FAIL"] = "deploy"
    with pytest.raises(ProviderError) as info:
        provider.deploy(RELEASE)
    assert "the deploy command" in info.value.message
    assert "error: cluster rejected the manifest" in info.value.message
    assert "warning" not in info.value.message
    assert "by hand" in (info.value.hint or "")


def test_hanging_command_times_out(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool, timeout=1)
    provider.env["TOOL_HANG"] = "1"
    with pytest.raises(ProviderError) as info:
        provider.deploy(RELEASE)
    assert "did not finish within 1s" in info.value.message


def test_rollback_that_does_not_take_effect_is_caught(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool)
    provider.deploy(RELEASE)
    provider.env["TOOL_IGNORE_ROLLBACK"] = "1"
    point = RollbackPoint(
        provider="scripted", type="command-ref", ref="hotfix-v1.2.2", description=""
    )
    with pytest.raises(ProviderError) as info:
        provider.rollback(point)
    assert "reports 'hotfix-v1.2.3'" in info.value.message


def test_rollback_ref_in_deploy_is_refused(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool, deploy=["./deploy.sh", "{rollback_ref}"])
    with pytest.raises(ProviderError) as info:
        provider.deploy(RELEASE)
    assert "{rollback_ref}" in info.value.message


def test_missing_program(tmp_path: Path, tool: Path):
    provider = make(tmp_path, tool, deploy=["no-such-deployer", "{tag}"])
    with pytest.raises(ProviderError) as info:
        provider.deploy(RELEASE)
    assert "no-such-deployer" in info.value.message
    assert "install" in (info.value.hint or "")


@pytest.mark.parametrize("bad", ["./deploy.sh {tag}", [], ["ok", 3]])
def test_deploy_must_be_a_list_of_strings(tmp_path: Path, tool: Path, bad: Any):
    with pytest.raises(ConfigError) as info:
        make(tmp_path, tool, deploy=bad)
    assert "'deploy'" in info.value.message and "no shell" in (info.value.hint or "")

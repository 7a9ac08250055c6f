"""The shipped examples work: every config loads (deploy section and provider settings
included), every workflow is the real renderer's output plus the provider's secrets, and
passes GitHub's workflow schema and zizmor; the README's config examples load too.

Regenerate the example workflows after a template change with
``python tests/unit/test_examples.py`` (from the repository root).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from hotfix_ci.config import load_config, validate_config_text
from hotfix_ci.config.model import DeployConfig, HttpGate
from hotfix_ci.deploy.runtime import check_provider_settings
from hotfix_ci.gates.watch import header_variables
from hotfix_ci.workflows import WorkflowSettings, render_all

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SAMPLE_APP = EXAMPLES / "sample-app"
# The action as `hotfix-ci init --action` takes it: pinned by commit, version in a comment.
ACTION = "hotfix-ci/hotfix-ci@93a7e0c2f4be58fc2e62558de408d184f6e20e2a # v0.1.0"
# The variables each example's deploy step passes from secrets: what the provider (or its
# CLI) reads, plus what the gates' ${VAR} headers and the team's own scripts need.
STEP_SECRETS: dict[str, tuple[str, ...]] = {
    "kubernetes": ("PROMETHEUS_TOKEN",),
    "vercel": ("VERCEL_TOKEN", "VERCEL_ORG_ID", "VERCEL_PROJECT_ID"),
    "railway": ("RAILWAY_TOKEN",),
    "render": ("RENDER_API_KEY",),
    "fly": ("FLY_API_TOKEN",),
    "heroku": ("HEROKU_API_KEY",),
    "compose-ssh": ("SSH_PRIVATE_KEY",),
    "command": ("DEPLOY_API_TOKEN",),
}
# The variable each provider itself reads its credentials from (any one of them will do).
# kubectl reads a kubeconfig *file* (KUBECONFIG, `kubeconfig:` or ~/.kube/config), which a
# step before hotfix-ci provides, e.g. the cloud's own login action.
PROVIDER_READS: dict[str, tuple[str, ...]] = {
    "kubernetes": (),
    "vercel": ("VERCEL_TOKEN",),
    "railway": ("RAILWAY_TOKEN", "RAILWAY_API_TOKEN"),
    "render": ("RENDER_API_KEY",),
    "fly": ("FLY_API_TOKEN", "FLY_ACCESS_TOKEN"),
    "heroku": ("HEROKU_API_KEY",),
    "compose-ssh": ("SSH_PRIVATE_KEY",),
    "command": (),
}
PROVIDER_EXAMPLES = sorted(STEP_SECRETS)
CONFIGS = sorted(EXAMPLES.glob("*/.github/hotfix.yml"))
WORKFLOWS = sorted(EXAMPLES.glob("*/.github/workflows/*.yml"))


def expected_workflows(example: str) -> dict[str, str]:
    """What `hotfix-ci init` renders for the example: its secrets in the deploy and rollback
    steps' `env:` (and its config's notify variables, when it has channels)."""
    from hotfix_ci.commands.init import notify_variables

    settings = WorkflowSettings(
        action=ACTION,
        secrets=STEP_SECRETS[example],
        notify_secrets=notify_variables(load_config(EXAMPLES / example / ".github" / "hotfix.yml")),
    )
    return render_all(settings)


def deploy_config(example: str) -> DeployConfig:
    cfg = load_config(EXAMPLES / example / ".github" / "hotfix.yml")
    return cfg.deploy


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' installs it")
    return path


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.parent.parent.name)
def test_every_example_config_loads_with_its_deploy_section(config: Path) -> None:
    cfg = load_config(config)
    deploy = cfg.deploy
    for environment in deploy.environments.values():
        for spec in environment.providers:
            check_provider_settings(spec)
    if config.parent.parent.name in [*PROVIDER_EXAMPLES, "sample-app"]:
        assert deploy.environments, f"{config} deploys nowhere"


@pytest.mark.parametrize("example", PROVIDER_EXAMPLES)
def test_provider_example_deploys_with_its_own_provider(example: str) -> None:
    deploy = deploy_config(example)
    types = {spec.type for env in deploy.environments.values() for spec in env.providers}
    assert types == {example}


@pytest.mark.parametrize("example", PROVIDER_EXAMPLES)
def test_example_workflows_are_the_rendered_ones_plus_secrets(example: str) -> None:
    folder = EXAMPLES / example / ".github" / "workflows"
    expected = expected_workflows(example)
    assert sorted(p.name for p in folder.glob("*.yml")) == sorted(expected)
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{folder / name} differs from the renderer: run python tests/unit/test_examples.py"
        )


@pytest.mark.parametrize("example", PROVIDER_EXAMPLES)
def test_deploy_step_passes_every_variable_the_deploy_needs(example: str) -> None:
    workflow = yaml.safe_load(
        (EXAMPLES / example / ".github" / "workflows" / "hotfix-deploy.yml").read_text()
    )
    step = next(s for s in workflow["jobs"]["deploy"]["steps"] if s.get("with", {}).get("command"))
    passed = step.get("env", {})
    for name, value in passed.items():
        assert value == f"${{{{ secrets.{name} }}}}"
    deploy = deploy_config(example)
    for environment in deploy.environments.values():
        # A gate header's ${VAR} that the step does not pass stops the deploy before it starts.
        for gate, names in header_variables(environment.gates).items():
            missing = set(names) - set(passed)
            assert not missing, f"gate {gate} needs {missing}, not passed to the deploy step"
    reads = PROVIDER_READS[example]
    assert not reads or set(reads) & set(passed), f"{example} reads one of {reads}"


def test_example_workflows_match_githubs_workflow_schema() -> None:
    assert len(WORKFLOWS) >= 3 * len(PROVIDER_EXAMPLES)
    subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_example_workflows_have_no_zizmor_findings() -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "plain", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def readme_configs() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)```yaml\n(.*?)^\1```", text, flags=re.MULTILINE | re.DOTALL)
    configs = []
    for indent, body in blocks:
        lines = [line.removeprefix(indent) for line in body.splitlines()]
        if lines and lines[0].strip() == "version: 1":
            configs.append("\n".join(lines) + "\n")
    return configs


def test_readme_config_examples_load() -> None:
    configs = readme_configs()
    # Quick start, the full reference, release schemes and the deploy reference at least.
    assert len(configs) >= 4
    for index, text in enumerate(configs):
        cfg = validate_config_text(text, f"README.md yaml block {index}")
        deploy = cfg.deploy
        for environment in deploy.environments.values():
            for spec in environment.providers:
                check_provider_settings(spec)


def _sample_app_module() -> object:
    spec = importlib.util.spec_from_file_location("sample_app_example", SAMPLE_APP / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_sample_app_serves_the_release_its_configured_deploy_made_live(tmp_path: Path) -> None:
    """The sample config's deploy command and app.py agree: what the tool deploys is what
    /health reports, and a tag marked bad fails the config's gate expectation."""
    environment = load_config(SAMPLE_APP / ".github" / "hotfix.yml").deploy
    production = environment.environment("production")
    deploy_argv = [
        sys.executable if arg == "python" else arg.replace("{tag}", "hotfix-v1.4.3")
        for arg in production.provider("shop").settings["deploy"]
    ]
    subprocess.run(deploy_argv, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    state = tmp_path / "service-state.json"
    server = _sample_app_module().serve(state, 0)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/health"
        gate = production.gates[0]
        assert isinstance(gate, HttpGate)
        assert gate.expect.status == (200,) and gate.expect.json == {"status": "healthy"}
        assert _get(url) == (200, {"status": "healthy", "version": "hotfix-v1.4.3"})
        data = json.loads(state.read_text())
        state.write_text(json.dumps({**data, "bad": ["hotfix-v1.4.3"]}))
        assert _get(url)[0] == 500
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def write_examples() -> None:
    """Regenerate every example's workflows from the templates."""
    for example in PROVIDER_EXAMPLES:
        folder = EXAMPLES / example / ".github" / "workflows"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in expected_workflows(example).items():
            (folder / name).write_text(text, encoding="utf-8")
            print(f"wrote {(folder / name).relative_to(ROOT)}")


if __name__ == "__main__":
    write_examples()
    sys.exit(0)

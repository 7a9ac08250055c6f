"""What the hot path imports, in a fresh interpreter: a command loads what it uses and no more.

jsonschema is loaded only to explain an invalid config; PyGithub's GitHub App stack (PyJWT,
cryptography) never on a token run; --version and --help load neither the config loader nor
PyGithub.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT
from tests.helpers.cli import REPO, base_env, seed

PROBE = """
import json, sys
from hotfix_ci.cli import main
code = main(sys.argv[2:])
# A deferred stand-in (hotfix_ci.github_api.app_auth_deferred) has not run the module's code.
def ran(module):
    return type(module).__name__ != "DeferredModule" or "__file__" in vars(module)
names = sorted(n for n, m in list(sys.modules.items()) if ran(m))
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": names}, out)
"""
APP_AUTH = ("jwt", "jwt.algorithms", "cryptography")


def modules_after(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, set[str]]:
    report = cwd / "modules.json"
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *argv],
        check=False,
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.exists(), done.stderr
    data = json.loads(report.read_text())
    return data["code"], set(data["modules"])


def test_version_and_help_load_no_config_loader_and_no_pygithub(tmp_path: Path) -> None:
    for argv in (["--version"], ["check-pr", "--help"], ["notify", "--help"]):
        code, modules = modules_after(argv, {}, tmp_path)
        assert code == 0
        heavy = {"github", "jsonschema", "yaml", "jinja2", "requests", "hotfix_ci.config.loader"}
        assert not heavy & modules, (argv, heavy & modules)


def test_check_pr_on_a_valid_config_imports_neither_jsonschema_nor_app_auth(
    emulator, tmp_path: Path
) -> None:
    number = seed(emulator)
    emulator.add_review(REPO, number, "alice", state="APPROVED")
    config = tmp_path / "hotfix.yml"
    config.write_text("version: 1\ndiff: {max_files: 50}\n")
    argv = ["check-pr", "--pr", str(number), "--format", "json", "--config", str(config)]
    code, modules = modules_after(argv, base_env(emulator, tmp_path), tmp_path)
    assert code == 0
    assert "github.MainClass" in modules  # PyGithub did the work
    assert "hotfix_ci.config.schema_generated" in modules
    assert "jsonschema" not in modules
    assert not set(APP_AUTH) & modules
    assert "jinja2" not in modules


def test_an_invalid_config_loads_jsonschema_to_explain_it(tmp_path: Path) -> None:
    config = tmp_path / "hotfix.yml"
    config.write_text("version: 1\ndiff: {max_fils: 3}\n")
    code, modules = modules_after(["version", "current", "--config", str(config)], {}, tmp_path)
    assert code == 2
    assert "jsonschema" in modules


def test_app_auth_still_signs_a_jwt_once_asked() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from github import Auth

    import hotfix_ci.github_api  # noqa: F401  (installs the stand-in when jwt is not loaded)

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    token = Auth.AppAuth(123, pem).token
    assert token.count(".") == 2
    import jwt

    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"])
    assert claims["iss"] == "123"

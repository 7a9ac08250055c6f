"""The compose-ssh provider against a real sshd on loopback, a real git origin, and a
stand-in ``docker`` on the remote PATH."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hotfix_ci.providers import compose_ssh
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from tests.helpers.servers import server
from tests.helpers.sshd import SshServer, require_sshd, running_sshd
from tests.standins import JsonState, install

COMPOSE = "services:\n  web:\n    image: acme/web\n  worker:\n    image: acme/worker\n"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.test",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.test",
}

pytestmark = server


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@dataclass
class Host:
    ssh: SshServer
    directory: Path  # the clone on the "host", with a space in its path on purpose
    docker: JsonState
    shas: dict[str, str]  # tag -> commit
    tmp: Path
    remote_bin: Path  # first on the remote PATH

    def provider(self, env: dict[str, str] | None = None, **settings: Any) -> Any:
        base: dict[str, Any] = {
            "host": self.ssh.host,
            "port": self.ssh.port,
            "user": self.ssh.user,
            "directory": str(self.directory),
            "identity_file": str(self.ssh.identity_file),
            "ssh_known_hosts": self.ssh.known_hosts_line,
            "timeout": 20,
        }
        base.update(settings)
        home = self.tmp / "home"
        home.mkdir(exist_ok=True)
        context = ProviderContext(
            name="prod-box",
            type="compose-ssh",
            settings={k: v for k, v in base.items() if v is not None},
            env={"PATH": os.environ["PATH"], "HOME": str(home), **(env or {})},
            workdir=self.tmp / "work",
            log=lambda _line: None,
        )
        return compose_ssh.create(context)


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    origin, work = tmp_path / "origin.git", tmp_path / "src"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "remote", "add", "origin", str(origin))
    shas = {}
    for version in ("1.0.0", "1.0.1"):
        (work / "compose.yaml").write_text(COMPOSE)
        (work / "app.txt").write_text(version)
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", f"release {version}")
        git(work, "tag", f"hotfix-v{version}")
        shas[f"hotfix-v{version}"] = git(work, "rev-parse", "HEAD")
        if version == "1.0.0":  # the host clones before the hotfix tag exists
            git(work, "push", "-q", "origin", "main", "--tags")
            directory = tmp_path / "srv" / "my app"
            git(tmp_path, "clone", "-q", str(origin), str(directory))
    git(work, "push", "-q", "origin", "main", "--tags")
    bin_dir = tmp_path / "remote-bin"
    state = tmp_path / "docker-state.json"
    install(bin_dir, "docker", "docker_remote", state)
    with running_sshd(tmp_path, remote_path=[bin_dir]) as ssh:
        yield Host(ssh, directory, JsonState(state), shas, tmp_path, bin_dir)


def release(tag: str = "hotfix-v1.0.1") -> Release:
    return Release(tag=tag, version=tag[8:], sha="f" * 40, environment="production")


def test_sshd_is_installed() -> None:
    require_sshd()


@pytest.mark.slow
def test_deploy_current_rollback_round_trip(host: Host) -> None:
    provider = host.provider()
    point = provider.current()
    assert point is not None
    assert (point.ref, point.data["tag"]) == (host.shas["hotfix-v1.0.0"], "hotfix-v1.0.0")

    result = provider.deploy(release())
    new_sha = host.shas["hotfix-v1.0.1"]
    running = host.docker.load()["running"]
    assert result.ref == new_sha and running["head"] == new_sha
    assert running["cwd"] == str(host.directory) and running["services"] == ["web", "worker"]
    assert (host.directory / "app.txt").read_text() == "1.0.1"
    now = provider.current()
    assert now is not None and (now.ref, now.data["tag"]) == (new_sha, "hotfix-v1.0.1")

    restored = provider.rollback(RollbackPoint.from_dict(json.loads(json.dumps(point.as_dict()))))
    assert restored.ref == point.ref
    assert host.docker.load()["running"]["head"] == point.ref
    up = ["compose", "up", "-d", "--wait", "--wait-timeout", "20"]
    assert [c["argv"] for c in host.docker.load()["calls"]] == [up] * 2
    back = provider.current()
    assert back is not None and back.data["tag"] == "hotfix-v1.0.0"


@pytest.mark.slow
def test_compose_file_build_and_services_reach_docker(host: Host) -> None:
    provider = host.provider(compose_file="compose.yaml", build=True, services=["web"])
    provider.deploy(release())
    calls = [c["argv"] for c in host.docker.load()["calls"]]
    wait = ["--wait", "--wait-timeout", "20"]
    assert calls == [["compose", "-f", "compose.yaml", "up", "-d", *wait, "--build", "web"]]
    assert host.docker.load()["running"]["build"] is True


@pytest.mark.slow
def test_remote_words_are_quoted_not_run_by_the_shell(host: Host) -> None:
    evil = "web;touch PWNED;$(touch PWNED2)"
    with pytest.raises(ProviderError, match=r"no such service: web;touch PWNED;\$\(touch"):
        host.provider(services=[evil]).deploy(release())
    assert not list(host.directory.glob("PWNED*"))
    assert host.docker.load()["calls"][0]["argv"][-1] == evil


@pytest.mark.slow
def test_failing_compose_up_reports_the_remote_error(host: Host) -> None:
    host.docker.update(faults={"up_fail": "Error response from daemon: pull access denied"})
    with pytest.raises(ProviderError) as info:
        host.provider().deploy(release())
    message = str(info.value.message)
    assert "`docker compose up -d --wait" in message and "pull access denied" in message
    assert "exited 1" in message and "docker compose" in str(info.value.hint)


@pytest.mark.slow
def test_a_crash_looping_container_fails_the_deploy(host: Host) -> None:
    """`up -d` alone exits 0 while the container restarts forever; `--wait` does not."""
    host.docker.update(faults={"unhealthy": ["web"]})
    with pytest.raises(ProviderError) as info:
        host.provider().deploy(release())
    assert "container app-web-1 is unhealthy" in info.value.message


@pytest.mark.slow
def test_point_for_is_the_release_tag(host: Host) -> None:
    provider = host.provider()
    provider.deploy(release())
    point = provider.point_for(release("hotfix-v1.0.0"))
    assert (point.type, point.ref) == ("compose-ssh-commit", "hotfix-v1.0.0")
    provider.rollback(point)
    assert host.docker.load()["running"]["head"] == host.shas["hotfix-v1.0.0"]


@pytest.mark.slow
def test_unknown_tag_fails_at_checkout(host: Host) -> None:
    with pytest.raises(ProviderError, match=r"could not check out hotfix-v9\.9\.9") as info:
        host.provider().deploy(release("hotfix-v9.9.9"))
    assert "pathspec 'hotfix-v9.9.9' did not match" in info.value.message
    assert "docker" not in json.dumps(host.docker.load())


@pytest.mark.slow
def test_changed_host_key_is_refused(host: Host, tmp_path: Path) -> None:
    other = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    key_type, key = other.with_suffix(".pub").read_text().split()[:2]
    wrong = f"[127.0.0.1]:{host.ssh.port} {key_type} {key}"
    with pytest.raises(ProviderError, match="ssh could not connect") as info:
        host.provider(ssh_known_hosts=wrong).current()
    assert "Host key verification failed" in info.value.message
    assert "known_hosts" in str(info.value.hint)


@pytest.mark.slow
def test_a_step_that_hangs_times_out(host: Host) -> None:
    host.docker.update(faults={"hang": 10})
    with pytest.raises(ProviderError, match="did not finish within 1s"):
        host.provider(timeout=1).deploy(release())


@pytest.mark.slow
def test_garbage_instead_of_a_commit_id_is_reported(host: Host) -> None:
    fake_git = host.remote_bin / "git"
    fake_git.write_text("#!/bin/sh\necho 'Welcome to prod!'\n")
    fake_git.chmod(0o755)
    with pytest.raises(ProviderError, match="answered 'Welcome to prod!', not a commit id"):
        host.provider().current()


@pytest.mark.slow
def test_key_from_the_environment_is_written_private(host: Host) -> None:
    key = host.ssh.identity_file.read_text()
    provider = host.provider(env={"SSH_PRIVATE_KEY": key}, identity_file=None)
    assert provider.current() is not None
    written = host.tmp / "work" / ".hotfix-ci-ssh" / "prod-box" / "id_deploy"
    assert written.stat().st_mode & 0o777 == 0o600


def make_offline(tmp_path: Path, env: dict[str, str], **settings: Any) -> Any:
    context = ProviderContext(
        name="box",
        type="compose-ssh",
        settings={"host": "h.example.test", "user": "deploy", "directory": "app", **settings},
        env=env,
        workdir=tmp_path,
    )
    return compose_ssh.create(context)


def test_missing_key_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="SSH_PRIVATE_KEY is empty") as info:
        make_offline(tmp_path, {}, ssh_known_hosts="h ssh-ed25519 AAAA")
    assert "secrets.SSH_PRIVATE_KEY" in str(info.value.hint)


def test_missing_host_key_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="needs the host's key") as info:
        make_offline(tmp_path, {"SSH_PRIVATE_KEY": "k"}, port=2222)
    assert "ssh-keyscan -p 2222 h.example.test" in str(info.value.hint)


@pytest.mark.parametrize(
    ("directory", "expected"),
    [
        ("/srv/my app", "cd '/srv/my app' && git checkout --force 'a;b'"),
        ("~/my app", "cd ~/'my app' && git checkout --force 'a;b'"),
        ("~", "cd ~ && git checkout --force 'a;b'"),
        ("$(reboot)", "cd '$(reboot)' && git checkout --force 'a;b'"),
    ],
)
def test_remote_command_quotes_every_word(directory: str, expected: str) -> None:
    command = compose_ssh.remote_command(directory, ["git", "checkout", "--force", "a;b"])
    assert command == expected
    assert shlex.split(command)[-1] == "a;b"


def test_settings_schema_describes_every_key() -> None:
    schema = compose_ssh.SETTINGS_SCHEMA
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert all(prop.get("description") for prop in schema["properties"].values())
    assert Draft202012Validator(schema).is_valid(
        {
            "host": "h",
            "user": "u",
            "directory": "app",
            "ssh_known_hosts": "h ssh-ed25519 AAAA",
            "services": ["web"],
        }
    )
    assert not Draft202012Validator(schema).is_valid({"host": "h", "user": "u", "directory": "app"})

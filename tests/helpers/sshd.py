"""A real OpenSSH server on loopback for the compose-ssh tests.

``running_sshd(tmp_path, remote_path=[...])`` generates a host key and a user key in tmp,
writes an sshd_config (127.0.0.1, a free port, keys only, PidFile and AuthorizedKeysFile in
tmp, ``SetEnv PATH=...`` so the session finds the stand-in ``docker`` first), starts
``/usr/sbin/sshd -D -e -f CONFIG``, waits for the port and stops it afterwards.
Without openssh-server they skip locally and fail in CI (``tests.helpers.servers``).
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.servers import require

SSHD = Path("/usr/sbin/sshd")
INSTALL_HINT = (
    f"{SSHD} not found: the compose-ssh tests need a real sshd. Install it with "
    "`apt-get update && apt-get install -y openssh-server` (CI's .ci/run does)."
)


@dataclass(frozen=True)
class SshServer:
    host: str
    port: int
    user: str
    identity_file: Path
    known_hosts_line: str
    log: Path


def require_sshd() -> None:
    require(SSHD.is_file() and os.access(SSHD, os.X_OK), "sshd", INSTALL_HINT)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _keygen(path: Path) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hotfix-ci-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path.with_suffix(".pub").read_text().strip()


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"sshd exited {proc.returncode}:\n{log.read_text()}", pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(4).startswith(b"SSH-"):
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"sshd did not listen on 127.0.0.1:{port} in 15s:\n{log.read_text()}")


@contextmanager
def running_sshd(tmp_path: Path, *, remote_path: Sequence[Path]) -> Iterator[SshServer]:
    require_sshd()
    base = tmp_path / "sshd"
    base.mkdir()
    host_pub = _keygen(base / "host_ed25519")
    user_pub = _keygen(base / "user_ed25519")
    (base / "authorized_keys").write_text(user_pub + "\n")
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # sshd's privilege-separation dir
    port = _free_port()
    user = getpass.getuser()
    path = ":".join([*map(str, remote_path), "/usr/local/bin", "/usr/bin", "/bin"])
    config = base / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {base / 'host_ed25519'}",
                f"PidFile {base / 'sshd.pid'}",
                f"AuthorizedKeysFile {base / 'authorized_keys'}",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                f"AllowUsers {user}",
                f"SetEnv PATH={path}",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    log = base / "sshd.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)], stdout=log_file, stderr=log_file
        )
    try:
        _wait_for_port(port, server, log)
        key_type, key = host_pub.split()[:2]
        yield SshServer(
            host="127.0.0.1",
            port=port,
            user=user,
            identity_file=base / "user_ed25519",
            known_hosts_line=f"[127.0.0.1]:{port} {key_type} {key}",
            log=log,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

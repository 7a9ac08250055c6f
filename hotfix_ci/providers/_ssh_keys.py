"""The files ssh needs for the compose-ssh provider: the host's key and the private key.

Both may arrive as text (``ssh_known_hosts``, the SSH_PRIVATE_KEY secret); they are written
under the checkout with mode 0600, because ssh refuses a private key others can read. A
known_hosts entry is required: StrictHostKeyChecking=yes never trusts a host on first use
(https://man.openbsd.org/ssh_config).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hotfix_ci.providers._checks import require_secret
from hotfix_ci.providers.base import ProviderError

KEY_ENV = "SSH_PRIVATE_KEY"


def private_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.touch(mode=0o600)
    path.chmod(0o600)  # ssh refuses a private key others can read
    path.write_text(text if text.endswith("\n") else text + "\n")
    return path


def known_hosts_file(settings: Mapping[str, Any], files: Path) -> Path:
    if settings.get("ssh_known_hosts"):
        return private_file(files / "known_hosts", str(settings["ssh_known_hosts"]))
    if settings.get("known_hosts"):
        path = Path(str(settings["known_hosts"])).expanduser()
        if not path.is_file():
            raise ProviderError(
                f"known_hosts file {path} does not exist",
                hint="point `known_hosts` at an existing file, or give the lines inline as "
                "`ssh_known_hosts`",
            )
        return path
    raise ProviderError(
        "compose-ssh needs the host's key: neither `ssh_known_hosts` nor `known_hosts` is set",
        hint=f"run `ssh-keyscan -p {settings.get('port', 22)} {settings.get('host')}`, check "
        "the fingerprint against the host, and put the lines in `ssh_known_hosts`",
    )


def identity_file(settings: Mapping[str, Any], env: Mapping[str, str], files: Path) -> Path:
    if settings.get("identity_file"):
        path = Path(str(settings["identity_file"])).expanduser()
        if not path.is_file():
            raise ProviderError(
                f"identity_file {path} does not exist",
                hint=f"point `identity_file` at the private key, or pass the key in {KEY_ENV}",
            )
        return path
    _name, key = require_secret(
        env,
        [KEY_ENV],
        message=f"no ssh key: `identity_file` is not set and {KEY_ENV} is empty",
        hint=f"add the private key as the repository secret {KEY_ENV} and pass it with "
        f"`env: {KEY_ENV}: ${{{{ secrets.{KEY_ENV} }}}}`",
        strip=True,
    )
    return private_file(files / "id_deploy", key)

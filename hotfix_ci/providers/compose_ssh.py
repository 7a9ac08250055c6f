"""compose-ssh provider: check out the release tag on a host over ssh, then `docker compose up`.

Each step is one ``ssh`` call (https://man.openbsd.org/ssh):
``ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=F
-o ConnectTimeout=N -i KEY -p PORT user@host -- <remote command>``. BatchMode never prompts;
StrictHostKeyChecking=yes refuses unknown or changed host keys (https://man.openbsd.org/
ssh_config). ssh exits 255 on its own errors, else with the remote command's status.

ssh sends the remote command as ONE string, joining its arguments with spaces, and the remote
user's login shell parses that string again. Passing ``["git", "checkout", tag]`` unquoted
would let a tag, service name or directory containing ``;``, ``$(...)`` or a space run or
split commands on the host, so every remote word goes through :func:`shlex.quote`.

On the host, in ``directory`` (a clone whose ``origin`` has the release tags):
``git fetch --tags --force origin`` (https://git-scm.com/docs/git-fetch), ``git checkout
--force <tag>`` (detached HEAD; https://git-scm.com/docs/git-checkout), ``docker compose [-f
FILE] up -d --wait --wait-timeout N [--build] [SERVICE...]``
(https://docs.docker.com/reference/cli/docker/compose/up/: ``--wait`` waits for the
services to be running/healthy and fails otherwise), so a container that crash-loops or
fails its healthcheck fails the deploy instead of counting as deployed.
``current`` is ``git rev-parse HEAD`` plus ``git describe --tags --exact-match``
(https://git-scm.com/docs/git-describe); ``rollback`` checks out the recorded commit.
``point_for(release)`` is the release's tag itself: the clone's origin has every release
tag, so any release can be checked out and brought up again.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Sequence
from typing import Any

from hotfix_ci import proc
from hotfix_ci.errors import ProcessError
from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import check_point_type, timeout_schema, timeout_seconds
from hotfix_ci.providers._cli import last_line
from hotfix_ci.providers._ssh_keys import KEY_ENV, identity_file, known_hosts_file

POINT_TYPE = contract.point_type("compose-ssh", "commit")
SSH_OWN_ERROR = 255

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "compose-ssh provider settings",
    "description": "Check out the release tag in a clone on a host over ssh and run "
    f"`docker compose up -d` there. Key: `identity_file` or the {KEY_ENV} variable.",
    "type": "object",
    "additionalProperties": False,
    "required": ["host", "user", "directory"],
    "oneOf": [{"required": ["known_hosts"]}, {"required": ["ssh_known_hosts"]}],
    "properties": {
        "host": {"type": "string", "description": "Host name or address to ssh to."},
        "user": {"type": "string", "description": "User to log in as."},
        "port": {"type": "integer", "default": 22, "description": "sshd port on the host."},
        "directory": {
            "type": "string",
            "description": "The git clone on the host (relative to the user's home, or "
            "starting with ~/ or /); its `origin` remote must have the release tags.",
        },
        "identity_file": {
            "type": "string",
            "description": "Private key file on the runner; without it the key is read from "
            f"the {KEY_ENV} environment variable.",
        },
        "known_hosts": {
            "type": "string",
            "description": "Path of a known_hosts file holding the host's key.",
        },
        "ssh_known_hosts": {
            "type": "string",
            "description": "known_hosts lines for the host (`ssh-keyscan -p PORT HOST`, "
            "fingerprint checked by hand), used instead of `known_hosts`.",
        },
        "compose_file": {"type": "string", "description": "Passed as `docker compose -f`."},
        "build": {
            "type": "boolean",
            "default": False,
            "description": "Pass --build so images are rebuilt from the checked-out source.",
        },
        "services": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Services to bring up (default: all); `up --wait` waits for them "
            "to be running, and healthy where they have a healthcheck.",
        },
        "timeout": timeout_schema("Time one remote step (fetch, checkout, up) may take.", 600),
        "connect_timeout": {
            "type": "integer",
            "minimum": 1,
            "default": 15,
            "description": "Seconds ssh waits for the TCP connection (ConnectTimeout).",
        },
    },
}


def remote_command(directory: str, argv: Sequence[str]) -> str:
    """``cd DIR && argv`` with every word quoted for the remote shell (see module doc).

    A leading ``~/`` stays unquoted so the remote shell expands it to the user's home."""
    if directory == "~" or directory.startswith("~/"):
        rest = directory[2:]
        where = "~/" + shlex.quote(rest) if rest else "~"
    else:
        where = shlex.quote(directory)
    return f"cd {where} && {shlex.join(argv)}"


class ComposeSshProvider:
    """Deploys a compose project on one host; rollback points are git commit shas."""

    def __init__(self, context: contract.ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._log = context.log
        self._env = dict(context.env)
        self._host = str(settings["host"])
        self._user = str(settings["user"])
        self._port = int(settings.get("port", 22))
        self._directory = str(settings["directory"])
        self._timeout = timeout_seconds(
            settings.get("timeout"), 600, where="compose_ssh provider with.timeout"
        )
        self._connect_timeout = int(settings.get("connect_timeout", 15))
        self._up = ["docker", "compose"]
        if settings.get("compose_file"):
            self._up += ["-f", str(settings["compose_file"])]
        wait = ["--wait", "--wait-timeout", str(math.ceil(self._timeout))]
        self._up += ["up", "-d", *wait, *(["--build"] if settings.get("build") else [])]
        self._up += [str(s) for s in settings.get("services", [])]
        files = context.workdir / ".hotfix-ci-ssh" / context.name
        self._known_hosts = known_hosts_file(settings, files)
        self._identity = identity_file(settings, context.env, files)

    @property
    def target(self) -> str:
        return f"{self._user}@{self._host}:{self._port}"

    def current(self) -> contract.RollbackPoint:
        """What HEAD of the clone is; a fresh clone's branch HEAD is a valid point too."""
        # One connection for both: the tag is optional (git describe exits 128 off a tag),
        # so only its failure is swallowed, inside a POSIX-shell group.
        describe = shlex.join(["git", "describe", "--tags", "--exact-match"])
        out = self._remote(
            ["git", "rev-parse", "HEAD"],
            "read the checked-out commit",
            suffix=f" && {{ {describe} 2>/dev/null || true; }}",
        )
        words = out.split()
        sha, tag = (words[0] if words else ""), (words[1] if len(words) > 1 else None)
        if not re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", sha):
            raise contract.ProviderError(
                f"`git rev-parse HEAD` in {self._directory} on {self.target} answered "
                f"{(out.strip().splitlines() or [''])[0][:80]!r}, not a commit id",
                hint="check that the login shell of the ssh user prints nothing on startup",
            )
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=sha,
            description=f"{tag or 'untagged'} ({sha[:12]}) on {self._host}",
            data={"tag": tag or "", "host": self._host, "directory": self._directory},
        )

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        return self._bring_up(_revision(release.tag), release.tag)

    def point_for(self, release: contract.Release) -> contract.RollbackPoint:
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=_revision(release.tag),
            description=f"{release.tag} on {self._host}",
            data={
                **contract.release_data(release),
                "host": self._host,
                "directory": self._directory,
            },
        )

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        check_point_type(point, POINT_TYPE, provider="compose-ssh", name=self.name)
        return self._bring_up(_revision(point.ref), point.data.get("tag") or point.ref)

    def _bring_up(self, revision: str, label: str) -> contract.DeployResult:
        self._remote(["git", "fetch", "--tags", "--force", "origin"], "fetch the tags")
        self._remote(["git", "checkout", "--force", revision], f"check out {label}")
        self._remote(self._up, f"bring {label} up")
        point = self.current()
        self._log(f"compose-ssh: {point.description} is up")
        return contract.DeployResult(ref=point.ref, description=point.description)

    def _remote(self, argv: Sequence[str], what: str, *, suffix: str = "") -> str:
        result = self._ssh(remote_command(self._directory, argv) + suffix, what)
        if result.returncode == SSH_OWN_ERROR:
            raise self._ssh_failed(result, what)
        if result.returncode != 0:
            raise contract.ProviderError(
                f"could not {what} on {self.target}: `{shlex.join(argv)}` in "
                f"{self._directory} exited {result.returncode}: {_last_line(result)}",
                hint=_REMOTE_HINTS.get(argv[0], "fix the host, then re-run the deploy job"),
            )
        return result.stdout

    def _ssh(self, command: str, what: str) -> proc.Completed:
        argv = [
            "ssh",
            *("-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"),
            *("-o", f"UserKnownHostsFile={self._known_hosts}"),
            *("-o", f"ConnectTimeout={self._connect_timeout}"),
            *("-i", str(self._identity)),
            *("-p", str(self._port), f"{self._user}@{self._host}", "--", command),
        ]
        try:
            return proc.run(argv, env=self._env, timeout=self._timeout, check=False)
        except ProcessError as exc:
            raise contract.ProviderError(
                f"could not {what} on {self.target}: {exc.message}",
                hint=exc.hint
                or "raise `timeout:` in the provider's settings if the step is "
                "slow, or check the host",
            ) from None

    def _ssh_failed(self, result: proc.Completed, what: str) -> contract.ProviderError:
        return contract.ProviderError(
            f"ssh could not connect to {self.target} to {what}: {_last_line(result)}",
            hint="check the host's key in `known_hosts`/`ssh_known_hosts` (ssh-keyscan, "
            "then compare the fingerprint), that the key is in the user's authorized_keys, "
            "and that the runner can reach the port",
        )


_REMOTE_HINTS = {
    "git": "the directory must be a git clone whose `origin` remote has the release tags "
    "(git clone URL DIR on the host once); the tag must have been pushed",
    "docker": "run the same `docker compose` command in the directory on the host to see "
    "the full error",
}


def _revision(ref: str) -> str:
    if not ref or ref.startswith("-"):
        raise contract.ProviderError(f"refusing to check out {ref!r}: not a tag or commit")
    return ref


def _last_line(result: proc.Completed) -> str:
    return last_line(result.stderr, result.stdout, "no output")


def create(context: contract.ProviderContext) -> ComposeSshProvider:
    return ComposeSshProvider(context)

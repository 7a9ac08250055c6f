"""Round-trip platforms of the CLI-driven providers: Kubernetes, Fly, Vercel, compose over
ssh, and the command provider (the sample deploy tool)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from hotfix_ci.commands.demo.sample_app import command_settings, read_state, update_state
from tests.helpers.sshd import running_sshd
from tests.integration.providers.roundtrip import TAGS, Platform
from tests.standins import JsonState, install, path_env
from tests.standins.flyctl import release as fly_release

HANG = 8  # seconds a hung call sleeps: longer than Platform.timeout


class _CliPlatform(Platform):
    tool = ""  # the executable's name
    module = ""  # the stand-in module under tests.standins
    shas: Mapping[str, str] = {}

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        self.shas, self.tmp = shas, tmp
        self.state = JsonState(tmp / f"{self.tool}-state.json")
        self.state.save(self.initial())
        install(tmp / "bin", self.tool, self.module, self.state.path)

    def initial(self) -> dict[str, Any]:
        return {}

    def env(self) -> dict[str, str]:
        return path_env(self.tmp / "bin")

    def once(self, **fault: Any) -> None:
        state = self.state.load()
        state.setdefault("faults", {})["once"] = fault
        self.state.save(state)

    def clear_faults(self) -> None:
        state = self.state.load()
        state["faults"] = {}
        self.state.save(state)

    def tag_of(self, sha: str | None) -> str | None:
        return next((t for t, s in self.shas.items() if s == sha), None)


class KubernetesPlatform(_CliPlatform):
    type, tool, module = "kubernetes", "kubectl", "kubectl"

    def initial(self) -> dict[str, Any]:
        (self.tmp / "kubeconfig").write_text("apiVersion: v1\nkind: Config\n")
        return {"deployments": {"shop/api": {"containers": {"api": "none"}}}}

    def settings(self) -> dict[str, Any]:
        return {
            "namespace": "shop",
            "deployment": "api",
            "container": "api",
            "image": "ghcr.io/acme/api:{tag}",
            "timeout": self.timeout,
        }

    def env(self) -> dict[str, str]:
        return {**super().env(), "KUBECONFIG": str(self.tmp / "kubeconfig")}

    def seed(self, tag: str) -> None:
        state = self.state.load()
        state["deployments"]["shop/api"]["containers"]["api"] = f"ghcr.io/acme/api:{tag}"
        self.state.save(state)

    def live_tag(self) -> str | None:
        image = self.state.load()["deployments"]["shop/api"]["containers"]["api"]
        return str(image).rsplit(":", 1)[-1]

    def fail_deploy(self) -> None:
        self.once(
            verb="set",
            fail='Error from server (InternalError): an error on the server ("") has prevented '
            "the request from succeeding (patch deployments.apps api)",
        )

    def hang_deploy(self) -> None:
        self.once(verb="set", hang=HANG)


class FlyPlatform(_CliPlatform):
    """Images are in the runner's Docker, so flyctl pushes them re-tagged."""

    type, tool, module = "fly", "flyctl", "flyctl"

    def initial(self) -> dict[str, Any]:
        return {
            "apps": {"shop": {"releases": [], "config": {"app": "shop"}}},
            "local_images": [f"shop:{tag}" for tag in TAGS],
        }

    def settings(self) -> dict[str, Any]:
        return {"app": "shop", "image": "shop:{tag}", "timeout": self.timeout}

    def env(self) -> dict[str, str]:
        return {**super().env(), "FLY_API_TOKEN": "fo1_" + "x" * 40}

    def seed(self, tag: str) -> None:
        state = self.state.load()
        ref = "registry.fly.io/shop:deployment-01SEED0000000000000000000"
        state["apps"]["shop"]["releases"].append(fly_release(1, ref))
        state["pushed"] = {ref: f"shop:{tag}"}
        self.state.save(state)

    def live_tag(self) -> str | None:
        state = self.state.load()
        live = [r for r in state["apps"]["shop"]["releases"] if r["Status"] == "complete"]
        if not live:
            return None
        ref = max(live, key=lambda r: r["Version"])["ImageRef"]
        return str(state.get("pushed", {}).get(ref, ref)).rsplit(":", 1)[-1]

    def fail_deploy(self) -> None:
        self.once(verb="deploy", fail="Error: failed to update machine 1234: 502 Bad Gateway")

    def hang_deploy(self) -> None:
        self.once(verb="deploy", hang=HANG)


class VercelPlatform(_CliPlatform):
    type, tool, module = "vercel", "vercel", "vercel"

    def initial(self) -> dict[str, Any]:
        return {"project": "shop", "org": "team_acme", "domain": "shop.example.com"}

    def settings(self) -> dict[str, Any]:
        return {
            "project": "shop",
            "org": "team_acme",
            "production_url": "shop.example.com",
            "timeout": self.timeout,
        }

    def env(self) -> dict[str, str]:
        return {**super().env(), "VERCEL_TOKEN": "vc_" + "t" * 40}

    def seed(self, tag: str) -> None:
        """A production deployment Vercel's Git integration made (meta githubCommitSha)."""
        state = self.state.load()
        state["deployments"] = {
            "dpl_0001": {
                "url": "shop-0001.vercel.app",
                "name": "shop",
                "target": "production",
                "readyState": "READY",
                "createdAt": 1_700_000_000_000,
                "meta": {"githubCommitSha": self.shas[tag]},
            }
        }
        state["aliases"] = {"shop.example.com": "dpl_0001"}
        self.state.save(state)

    def live_tag(self) -> str | None:
        state = self.state.load()
        dep = state["deployments"].get(state.get("aliases", {}).get("shop.example.com"))
        if dep is None:
            return None
        meta = dep.get("meta", {})
        return meta.get("hotfixCiTag") or self.tag_of(meta.get("githubCommitSha"))

    def fail_deploy(self) -> None:
        self.once(verb="deploy", fail="Error: Response Error (500): An unexpected error occurred")

    def hang_deploy(self) -> None:
        self.once(verb="deploy", hang=HANG)


class ComposeSshPlatform(_CliPlatform):
    """A real sshd on loopback, a real git origin and clone, a stand-in docker."""

    type, tool, module = "compose-ssh", "docker", "docker_remote"

    def commits(self, tmp: Path) -> Mapping[str, str]:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test"}
        env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.test")

        def git(cwd: Path, *args: str) -> str:
            done = subprocess.run(
                ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
            )
            return done.stdout.strip()

        origin, work = tmp / "origin.git", tmp / "src"
        git(tmp, "init", "-q", "--bare", "-b", "main", str(origin))
        git(tmp, "init", "-q", "-b", "main", str(work))
        git(work, "remote", "add", "origin", str(origin))
        shas = {}
        for tag in TAGS:
            (work / "compose.yaml").write_text("services:\n  web:\n    image: acme/web\n")
            (work / "app.txt").write_text(tag)
            git(work, "add", "-A")
            git(work, "commit", "-q", "-m", tag)
            git(work, "tag", tag)
            shas[tag] = git(work, "rev-parse", "HEAD")
        git(work, "push", "-q", "origin", "main", "--tags")
        self.directory = tmp / "srv" / "web"
        git(tmp, "clone", "-q", str(origin), str(self.directory))
        self.git = git
        return shas

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        self.shas, self.tmp = shas, tmp
        self.state = JsonState(tmp / "docker-state.json")
        install(tmp / "remote-bin", "docker", "docker_remote", self.state.path)
        self.stack = ExitStack()
        self.ssh = self.stack.enter_context(running_sshd(tmp, remote_path=[tmp / "remote-bin"]))

    def stop(self) -> None:
        self.stack.close()

    def settings(self) -> dict[str, Any]:
        return {
            "host": self.ssh.host,
            "port": self.ssh.port,
            "user": self.ssh.user,
            "directory": str(self.directory),
            "identity_file": str(self.ssh.identity_file),
            "ssh_known_hosts": self.ssh.known_hosts_line,
            "timeout": self.timeout,
        }

    def env(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "")}

    def seed(self, tag: str) -> None:
        self.git(self.directory, "checkout", "-q", tag)
        self.state.save({"running": {"head": self.shas[tag], "services": ["web"]}})

    def live_tag(self) -> str | None:
        return self.tag_of(self.state.load().get("running", {}).get("head"))

    def fail_deploy(self) -> None:
        self.once(verb="up", fail="Error response from daemon: 500 Internal Server Error")

    def hang_deploy(self) -> None:
        self.once(verb="up", hang=HANG)


HANG_THEN_RUN = """import os, pathlib, sys, time
marker = pathlib.Path(sys.argv[1])
if marker.exists():
    marker.unlink()
    time.sleep(float(sys.argv[2]))
os.execv(sys.argv[3], sys.argv[3:])
"""


class CommandPlatform(Platform):
    """The team's own deploy tool: the sample app's, behind a wrapper that can hang once."""

    type = "command"

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        self.path = tmp / "app-state.json"
        self.hang_marker = tmp / "hang-next-deploy"
        self.wrapper = tmp / "hang_then_run.py"
        self.wrapper.write_text(HANG_THEN_RUN)

    def settings(self) -> dict[str, Any]:
        settings = command_settings(self.path)
        wrap = [sys.executable, str(self.wrapper), str(self.hang_marker), str(HANG)]
        return {**settings, "deploy": [*wrap, *settings["deploy"]], "timeout": self.timeout}

    def seed(self, tag: str) -> None:
        update_state(self.path, live=tag)

    def live_tag(self) -> str | None:
        return read_state(self.path).get("live")

    def fail_deploy(self) -> None:
        update_state(self.path, fail={"deploy": "HTTP 503 from the deploy API"})

    def hang_deploy(self) -> None:
        self.hang_marker.write_text("")

    def clear_faults(self) -> None:
        update_state(self.path, fail={})
        self.hang_marker.unlink(missing_ok=True)

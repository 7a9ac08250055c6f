"""Benchmark the deploy pipeline against the GitHub emulator and a loopback service.

Prints, over several runs (median and worst):
1. seconds from the probe that reaches ``failure_limit`` (its line is written the moment
   the watch records it) to the rollback command starting (the provider logs the command
   line just before it spawns it); target <= 0.5 s.
2. the pipeline's own overhead on a healthy deploy: wall time minus the provider's commands
   (rollback point read, deploy) minus the configured probe schedule (initial_delay +
   duration); target <= 2 s. It covers config loading, GitHub requests, probes' latency.
3. per provider (all eight, each against the stand-in of the round-trip tests,
   tests/integration/providers/): seconds from the deciding probe to the provider's
   ``rollback()`` being called. The clock stops when the call starts, so no stand-in time is
   in the figure; target <= 0.5 s.

    python benchmarks/deploy_rollback.py [RUNS] [--providers-only]

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

ROOT = Path(__file__).resolve().parents[1]
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
        TimedProvider.rollback_called.append(time.monotonic())
        return self._timed("rollback", point)

    def point_for(self, release: Any) -> Any:
        return self._timed("point_for", release)

    rollback_called: list[float] = []  # noqa: RUF012 - one benchmark at a time


_real_build = deploy_commands.build_provider
deploy_commands.build_provider = lambda *a, **k: TimedProvider(_real_build(*a, **k))  # type: ignore[assignment]


def deploy(
    emu: GitHubEmulator, workdir: Path, config: Path, tag: str, env: dict[str, str] | None = None
) -> tuple[int, StampedStream]:
    env = env or {
        "GITHUB_API_URL": emu.url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_TOKEN": "ghs_" + "b" * 36,
    }
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


def provider_run(name: str, platform: Any) -> float:
    """Deploy a good release, then a failing one, with ``platform``'s provider; seconds from
    the deciding probe to the provider's rollback() call."""
    from types import SimpleNamespace

    from tests.integration.providers.roundtrip import BAD, GOOD, OLD, TAGS, health_server

    with tempfile.TemporaryDirectory() as tmp, GitHubEmulator() as emu:
        workdir = Path(tmp)
        (workdir / "home").mkdir()
        emu.create_repo(REPO)
        real = platform.commits(workdir)
        shas = {}
        for tag in TAGS:
            shas[tag] = emu.commit(
                REPO, branch="main", message=tag, sha=real[tag] if real else None
            )
            emu.add_tag(REPO, tag)
        world = SimpleNamespace(platform=platform, bad=set())
        platform.start(workdir, shas)
        try:
            with health_server(world) as url:  # type: ignore[arg-type]
                provider = {"name": "app", "type": platform.type, "with": platform.settings()}
                environment = {
                    "providers": [provider],
                    "gates": [
                        {"name": "health", "type": "http", "url": url, "expect": {"status": 200}}
                    ],
                    "watch": WATCH,
                }
                config = workdir / "hotfix.yml"
                body = {"version": 1, "deploy": {"environments": {"production": environment}}}
                config.write_text(json.dumps(body))
                env = {
                    "GITHUB_API_URL": emu.url,
                    "GITHUB_REPOSITORY": REPO,
                    "GITHUB_TOKEN": "ghs_" + "b" * 36,
                    "HOME": str(workdir / "home"),
                    "PATH": __import__("os").environ.get("PATH", ""),
                    **platform.env(),
                }
                platform.seed(OLD)
                code, out = deploy(emu, workdir, config, GOOD, env)
                assert code == 0, out.getvalue()
                world.bad.add(BAD)
                TimedProvider.rollback_called.clear()
                code, out = deploy(emu, workdir, config, BAD, env)
                assert code == 5, out.getvalue()
        finally:
            platform.stop()
    fails = [t for t, line in out.lines if "health  FAIL" in line]
    deciding = fails[int(WATCH["failure_limit"]) - 1]
    return TimedProvider.rollback_called[0] - deciding


def provider_rows(runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.integration.providers.test_round_trip import PLATFORMS

    print(
        f"deciding probe -> provider rollback() call, per provider, {runs} runs "
        "(stand-in time excluded; target <= 0.5 s)"
    )
    print(f"  {'provider':<12} {'median':>8} {'worst':>8}")
    for name in sorted(PLATFORMS):
        figures = [provider_run(name, PLATFORMS[name]()) for _ in range(runs)]
        print(
            f"  {name:<12} {statistics.median(figures):>7.4f}s {max(figures):>7.4f}s"
            + ("" if max(figures) <= 0.5 else "  OVER TARGET")
        )


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    runs = int(numbers[0]) if numbers else 5
    if "--providers-only" not in sys.argv:
        command_rows(runs)
    provider_rows(max(1, runs // 2))


def command_rows(runs: int) -> None:
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

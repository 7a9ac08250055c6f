"""``hotfix-ci demo``: the pipeline, end to end, on the built-in GitHub emulator.

It opens a hotfix PR that breaks the rules, runs the gate, fixes the PR one step at a time
the way an on-call engineer would, and shows what they would see at each step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands import check_pr

if TYPE_CHECKING:
    from hotfix_ci.testing import GitHubEmulator

REPO = "acme/shop"
BROKEN_FILES = [
    {"filename": "app/login.py", "additions": 6, "deletions": 2, "status": "modified"},
    {"filename": "package-lock.json", "additions": 120, "deletions": 80, "status": "modified"},
]
FIXED_FILES = [
    {"filename": "app/login.py", "additions": 6, "deletions": 2, "status": "modified"},
    {"filename": "tests/test_login.py", "additions": 18, "deletions": 0, "status": "modified"},
]
PR_BODY = """## Severity
P1

## Impact
Logins fail with HTTP 500 for users with an apostrophe in their name.

## Root cause
The session query interpolated the display name.

## Fix
Use a bound parameter.

## Testing
Regression test tests/test_login.py::test_apostrophe.

## Rollback plan
Redeploy the previous release tag.
"""


class Demo:
    def __init__(self, emu: GitHubEmulator, out: TextIO, workdir: Path) -> None:
        self.emu = emu
        self.out = out
        self.workdir = workdir
        self.token = "ghs_demo" + secrets.token_hex(16)
        self.steps = 0
        # What stages start for later ones (the sample service), closed when the demo ends.
        self.resources = contextlib.ExitStack()
        self.env = {
            "GITHUB_API_URL": emu.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": self.token,
        }

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def step(self, title: str) -> None:
        """A numbered heading; stages may number their own titles, the demo renumbers them."""
        self.steps += 1
        self.say()
        bare = re.sub(r"^\d+\.\s*", "", title)
        self.say(f"== {self.steps}. {bare} ==")

    def gate(self, number: int) -> int:
        buffer = io.StringIO()
        args = check_pr.CheckPrArgs(pr=number, workdir=self.workdir)
        code = check_pr.run(args, self.env, buffer, buffer)
        for line in buffer.getvalue().splitlines():
            self.say(f"   {line}")
        self.say(f"   (exit code {code})")
        return code

    def at(self, minutes: float) -> None:
        """Move the emulator's clock on: the demo's night takes minutes, not milliseconds,
        so the log and the post-mortem show the durations an engineer would see."""
        self.emu.advance_clock(minutes * 60)

    def seed(self) -> int:
        emu = self.emu
        # 03:00 UTC today, frozen: each step moves it on with `at`.
        night = dt.datetime.now(dt.timezone.utc).replace(hour=3, minute=0, second=0, microsecond=0)
        emu.set_clock(night.strftime("%Y-%m-%dT%H:%M:%SZ"))
        emu.create_repo(REPO, default_branch="main")
        emu.set_permission(REPO, "alice", "write")
        emu.set_permission(REPO, "bob", "write")
        emu.add_tag(REPO, "v1.4.2")
        return emu.create_pull(
            REPO,
            title="fix login 500s",
            body=PR_BODY,
            head="hotfix/login-500",
            base="main",
            author="bob",
            files=BROKEN_FILES,
            labels=["hotfix"],
            label_actor="bob",
        )

    def run_gate_stage(self) -> int:
        number = self.seed()
        self.step(f"1. bob opens hotfix PR #{number} in {REPO} at 3 a.m.")
        self.gate(number)
        self.at(6)
        self.step("2. bob fixes the title, adds the P1 label, reverts the lockfile, adds a test")
        self.emu.update_pull(REPO, number, title="[HOTFIX] Fix login 500s")
        self.emu.add_label(REPO, number, "P1", actor="bob")
        self.emu.set_pull_files(REPO, number, FIXED_FILES)
        self.emu.push(REPO, number)
        self.gate(number)
        self.at(2)
        self.step("3. bob approves his own PR (it does not count)")
        self.emu.add_review(REPO, number, "bob", state="APPROVED")
        self.gate(number)
        self.at(4)
        self.step("4. alice reviews the head commit and approves")
        self.emu.add_review(REPO, number, "alice", state="APPROVED")
        code = self.gate(number)
        comments = self.emu.comments(REPO, number)
        head = self.emu.pulls(REPO)[-1]["head"]["sha"]
        runs = [r for r in self.emu.check_runs(REPO) if r["head_sha"] == head]
        self.say()
        self.say(
            f"   The PR carries {len(comments)} sticky comment and {len(runs)} "
            "'hotfix-ci / PR gate' check run on its head commit, updated in place on every run."
        )
        return code


def default_stages() -> tuple[Callable[[Demo], int], ...]:
    from hotfix_ci.commands.demo.deploy_stage import deploy_stage
    from hotfix_ci.commands.demo.notify_stage import notify_stage
    from hotfix_ci.commands.demo.record_stage import record_stage
    from hotfix_ci.commands.demo.release_stage import release_stage

    return (Demo.run_gate_stage, release_stage, deploy_stage, notify_stage, record_stage)


@dataclass(frozen=True, kw_only=True)
class DemoArgs:
    stages: tuple[Callable[[Demo], int], ...] | None = None


def run(args: DemoArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """``hotfix-ci demo``: the whole pipeline on 127.0.0.1, nothing outside this process."""
    return run_demo(out, args.stages)


def run_demo(out: TextIO, stages: tuple[Callable[[Demo], int], ...] | None = None) -> int:
    """Run every stage; stop at the first that does not end as the procedure says."""
    import tempfile

    from hotfix_ci.testing import GitHubEmulator

    out.write("hotfix-ci demo: the built-in GitHub emulator stands in for github.com\n")
    with (
        tempfile.TemporaryDirectory(prefix="hotfix-ci-demo-") as tmp,
        GitHubEmulator() as emu,
        contextlib.ExitStack() as stack,
    ):
        demo = Demo(emu, out, Path(tmp))
        stack.enter_context(demo.resources)
        code = 0
        for stage in stages or default_stages():
            code = stage(demo)
            if code != 0:
                out.write(f"\ndemo stopped: stage {stage.__name__} ended with exit code {code}\n")
                return code
    out.write("\ndemo finished: every stage behaved as the procedure says.\n")
    return 0

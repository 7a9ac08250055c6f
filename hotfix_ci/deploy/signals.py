"""SIGTERM/SIGINT during a deploy: stop watching, but finish writing the records.

A cancelled Actions run sends SIGINT, then SIGTERM a few seconds later, then SIGKILL
(https://docs.github.com/actions/managing-workflow-runs/canceling-a-workflow). Python's
default would raise KeyboardInterrupt wherever the code happens to be (between a deploy and
its Deployment status, say) and leave the Deployment ``in_progress`` forever. While a
pipeline runs, a signal only sets ``stop``: the watch loop returns at once, a running
provider command finishes (killing a rollout half-way is worse), and the pipeline writes
its final statuses before exiting 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

HANDLED = (signal.SIGTERM, signal.SIGINT)


@dataclass
class StopFlag:
    """``event`` is set by the first signal; ``received`` names the signals seen."""

    event: threading.Event = field(default_factory=threading.Event)
    received: list[str] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        return self.event.is_set()

    def reason(self) -> str:
        names = ", ".join(dict.fromkeys(self.received)) or "a stop request"
        return f"interrupted by {names} (cancelled run?)"

    def ending(self, where: str, *, done: str, not_done: str) -> str:
        """The message of a run the signal stopped: when, what was done, what was not."""
        return f"{self.reason()} {where}: done: {done}; not done: {not_done}"


class Terminated(KeyboardInterrupt):
    """SIGTERM outside a deploy's own handling: ends the command like ^C, named as such."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM (a cancelled run's second signal) stops it as ^C does,
    so the error handler says what was interrupted and what to do instead of the process
    dying without a word. A deploy's :func:`stop_on_signals` takes over inside its block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Terminated(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def stop_on_signals(flag: StopFlag | None = None) -> Iterator[StopFlag]:
    """Install the handlers for the block; outside the main thread (tests' worker threads,
    where ``signal.signal`` is not allowed) the flag is still usable, set by hand."""
    flag = flag or StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        flag.received.append(signal.Signals(signum).name)
        flag.event.set()

    previous = {sig: signal.signal(sig, handler) for sig in HANDLED}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

"""Signals during a pipeline set the stop flag instead of killing the process."""

from __future__ import annotations

import os
import signal
import threading

from hotfix_ci.deploy.signals import StopFlag, stop_on_signals


def test_sigterm_sets_the_flag_and_handlers_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals() as flag:
        os.kill(os.getpid(), signal.SIGTERM)
        assert flag.event.wait(2)
        assert flag.stopped and flag.received == ["SIGTERM"]
        assert "SIGTERM" in flag.reason()
    assert signal.getsignal(signal.SIGTERM) is before


def test_outside_the_main_thread_the_flag_still_works() -> None:
    seen: list[StopFlag] = []

    def worker() -> None:
        with stop_on_signals() as flag:
            flag.event.set()
            seen.append(flag)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen[0].stopped and seen[0].reason() == "interrupted by a stop request (cancelled run?)"

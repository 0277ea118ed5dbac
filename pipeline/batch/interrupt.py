"""Interruptions: SIGINT and SIGTERM stop a run after its journal and exports are written
(:class:`BatchInterrupted`, with the shell's exit status); signals ignored while an export is
written or a worker starts."""
from __future__ import annotations

import contextlib
import signal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Exit statuses of a run stopped by a signal (128 + its number, as shells report it).
EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}


class BatchInterrupted(Exception):
    """A run stopped by SIGINT or SIGTERM after writing its journal and exports; ``summary``
    is the run's summary (``interrupted`` holds the signal's name)."""

    def __init__(self, signum: int, summary: dict):
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum, self.summary = signum, summary

    @property
    def exit_status(self) -> int:
        return EXIT_STATUS.get(self.signum, 128 + self.signum)


class _Stop(BaseException):
    """Raised by the signal handlers in the main thread (a BaseException, like KeyboardInterrupt,
    so no ``except Exception`` on the way swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum


@contextlib.contextmanager
def _signal_handlers(signums, handler):
    """``handler`` for these signals while this holds, the old handlers back after (main thread
    only, the one Python lets set handlers; elsewhere a no-op)."""
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, handler) for s in signums}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _signals_ignored(signums):
    """Ignore these signals for a while (main thread only; elsewhere a no-op)."""
    return _signal_handlers(signums, signal.SIG_IGN)


def _stop_on_signals():
    """SIGINT and SIGTERM raise :class:`_Stop` in the main thread while this holds."""
    def handler(signum, frame):
        raise _Stop(signum)
    return _signal_handlers(STOP_SIGNALS, handler)

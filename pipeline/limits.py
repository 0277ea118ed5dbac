"""Limits on one input file: pages read, seconds spent, pixels decoded.

Each is a CLI option of ``extract`` and ``batch`` (``--max-pages``, ``--timeout``,
``--max-image-pixels``) with the default below; each hit is a warning in the file's result.
The batch run's own defaults (workers, engines) are here too, so that building the
command line does not import the batch machinery (multiprocessing, sockets).
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Optional

MAX_PAGES = 200
"""Pages read from one PDF; the rest are skipped with a warning (a report has 3-20)."""

TIMEOUT_S = 300.0
"""Seconds one file may take; a long scanned report OCRs in well under this on one core."""

MAX_IMAGE_PIXELS = 200_000_000
"""Pixels an image file may have (a decompression-bomb guard; A4 at 600 dpi is 35 million)."""

DEFAULT_WORKERS = os.cpu_count() or 1
"""Worker processes of a batch run."""

ENGINES = ("local", "ray")
"""What runs a batch: local worker processes or a Ray cluster."""


@dataclass(frozen=True)
class Limits:
    """The limits one file is read under."""
    max_pages: int = MAX_PAGES
    timeout_s: Optional[float] = TIMEOUT_S  # None: no limit
    max_image_pixels: int = MAX_IMAGE_PIXELS


DEFAULT_LIMITS = Limits()


class FileTimeout(BaseException):
    """A file ran past its time limit (a BaseException: the readers' ``except Exception``
    guards around single pages must not swallow it)."""


MIN_REARM_S = 1e-3
"""Shortest time a deadline is re-armed with: one already due fires at once, not never."""


@dataclass(eq=False)
class _Due:
    """One deadline on the stack: when it is due (``time.monotonic()``) and what firing does."""
    at: float
    fire: Callable[[int, Any], None]
    foreign: bool = False  # a timer someone else set before ours (its own handler fires it)
    fired: bool = False


_stack: list[_Due] = []  # the deadlines in force, outermost first (main thread only)
_saved_handler: Any = None  # the SIGALRM handler to put back when the last of ours ends


@contextmanager
def _signal_blocked():
    """SIGALRM held back while the stack is changed (an alarm then cannot find it half
    updated); it is delivered when the block ends."""
    mask = hasattr(signal, "pthread_sigmask")
    if mask:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        if mask:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})


def _drop_pending_alarm() -> None:
    """Consume a SIGALRM that arrived while blocked (only called with it blocked)."""
    if hasattr(signal, "sigpending") and signal.SIGALRM in signal.sigpending():
        signal.sigwait({signal.SIGALRM})


def _arm() -> None:
    """Set the real-time timer to the soonest deadline that has not fired, or clear it."""
    live = [d.at for d in _stack if not d.fired]
    left = max(min(live) - time.monotonic(), MIN_REARM_S) if live else 0
    signal.setitimer(signal.ITIMER_REAL, left)


def _on_alarm(signum, frame) -> None:
    live = [d for d in _stack if not d.fired]
    if not live:
        return
    due = min(live, key=lambda d: d.at)
    if due.at - time.monotonic() > MIN_REARM_S:  # early (timer and clock disagree): wait on
        _arm()
        return
    due.fired = True
    _arm()  # the next deadline keeps running while this one's error unwinds
    due.fire(signum, frame)


@contextmanager
def deadline(seconds: Optional[float], error: Callable[[], BaseException]):
    """Raise ``error()`` after ``seconds`` of wall time; nests.

    One SIGALRM timer serves every deadline in force: it is always set to the soonest.
    An inner deadline never outlives an outer one (the outer fires inside it, with the
    outer's error); when the inner ends, the outer goes on with the time it has left.  A
    timer set before ours by someone else (its own handler installed) counts as the
    outermost deadline and is handed back, with its remaining time, when ours end.
    A no-op for None or a non-positive time, off the main thread, where the platform has
    no ``setitimer``, and under someone else's timer whose handler is not a Python one.
    Yields the deadline (None for a no-op): its ``fired`` tells a caller that the error was
    raised even where something turned it into another exception or swallowed it (an alarm
    landing inside a ctypes call comes out as ``ctypes.ArgumentError``).
    """
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    foreign = 0.0
    if usable and not _stack:
        foreign = signal.getitimer(signal.ITIMER_REAL)[0]
        usable = not foreign or callable(signal.getsignal(signal.SIGALRM))
    if not usable:
        yield None
        return

    def fire(signum, frame):
        raise error()
    global _saved_handler
    with _signal_blocked():
        now = time.monotonic()
        if not _stack:
            _saved_handler = signal.signal(signal.SIGALRM, _on_alarm)
            if foreign:
                _stack.append(_Due(now + foreign, _saved_handler, foreign=True))
        mine = _Due(now + seconds, fire)
        _stack.append(mine)
        _arm()
    try:
        yield mine
    finally:
        with _signal_blocked():
            del _stack[_stack.index(mine):]  # deadlines opened inside and left by an error go too
            if all(d.foreign for d in _stack):
                left = [d.at - time.monotonic() for d in _stack if not d.fired]
                signal.setitimer(signal.ITIMER_REAL, 0)
                _drop_pending_alarm()  # it was ours: the handler put back must not get it
                signal.signal(signal.SIGALRM, _saved_handler)
                _stack.clear()
                if left:
                    signal.setitimer(signal.ITIMER_REAL, max(left[0], MIN_REARM_S))
            else:
                _arm()


def timeout_message(seconds: float) -> str:
    """What a file past its time limit says."""
    return f"timed out after {seconds:g} s (raise the limit with --timeout)"


def file_deadline(seconds: Optional[float]):
    """Raise :class:`FileTimeout` after ``seconds`` of wall time (a :func:`deadline`; for
    None a no-op)."""
    return deadline(seconds, lambda: FileTimeout(timeout_message(seconds)))

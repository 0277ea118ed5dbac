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
from typing import Optional

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


@contextmanager
def file_deadline(seconds: Optional[float]):
    """Raise :class:`FileTimeout` after ``seconds`` of wall time (SIGALRM; main thread only,
    and only when no other timer runs; elsewhere, or for None, a no-op)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise FileTimeout(f"timed out after {seconds:g} s (raise the limit with --timeout)")
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)

"""Giving freed memory back to the system, so that a long-lived process reading many scans
stays as small as the page it reads.

A scanned page allocates and frees some hundred MB of arrays (the raster, its grey and
binary images, the recognition batches).  glibc's allocator keeps freed memory for reuse
instead of returning it: past the first large free its mmap threshold rises (up to 32 MiB),
so page-sized arrays then come from the heap, and a heap only shrinks from its top; each
thread that allocates (onnxruntime's and OpenCV's pools) has an arena of its own.  A worker
that reads documents one after another so grows from document to document
(``benchmarks/bench_memory.py`` measures it).  :func:`release_freed` (``malloc_trim(0)``:
every arena's free pages back to the system) after each document, and within a long scan
after every TRIM_EVERY_PAGES pages, bounds it; a no-op where the C library is not glibc.
After every page it cost some 3% more CPU than after every document (the trim, and the
next page faulting its memory in again), for no lower peak.

``NIANBAO_MALLOC_TRIM=0`` in the environment turns it off (to measure without it).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import lru_cache
from typing import Optional

TRIM_ENV = "NIANBAO_MALLOC_TRIM"  # "0": never trim (the benchmark's A/B switch)
TRIM_PAD = 0  # bytes malloc_trim leaves at the top of the heap (0: all it can)
TRIM_EVERY_PAGES = 10  # a scan's freed memory goes back after this many pages, and at its end


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[ctypes._CFuncPtr]:
    """glibc's ``malloc_trim``, or None (another C library, or turned off)."""
    if os.environ.get(TRIM_ENV, "1") == "0":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return fn


def release_freed() -> bool:
    """Return the allocator's free memory to the system; whether any was returned (False
    where there is no glibc, or trimming is turned off)."""
    fn = _malloc_trim()
    return bool(fn(TRIM_PAD)) if fn is not None else False

"""Freed memory goes back to the system after each scanned page and each batch file
(``pipeline.memory``; the growth it bounds is measured by ``benchmarks/bench_memory.py``)."""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from pipeline import batch, memory
from pipeline.backend import scan

HELD_MIB = 200  # freed in the middle of the heap: glibc's free() alone keeps it


def _glibc() -> bool:
    return memory._malloc_trim() is not None


@pytest.mark.skipif(sys.platform != "linux", reason="glibc's allocator and /proc: Linux")
def test_release_freed_gives_memory_back():
    """200 MiB of 100 KB blocks (below the mmap threshold: heap memory) freed under a block
    still in use stay resident until :func:`memory.release_freed`."""
    code = textwrap.dedent(f"""
        import json
        from pipeline import memory

        def rss():
            with open("/proc/self/status") as f:
                return next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")) / 1024

        blocks = [bytearray(100_000) for _ in range({HELD_MIB} * 1024 * 1024 // 100_000)]
        for b in blocks:
            b[::4096] = b"x" * len(b[::4096])  # touch every page
        pin = bytearray(100_000)  # above them on the heap: its top cannot shrink
        before = rss()
        del blocks
        freed = rss()
        ok = memory.release_freed()
        print(json.dumps({{"before": before, "freed": freed, "trimmed": rss(), "ok": ok}}))
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    r = __import__("json").loads(p.stdout)
    if not r["ok"] and not _glibc():
        pytest.skip("no glibc malloc_trim")
    assert r["freed"] > r["before"] - HELD_MIB / 2, r  # free() alone kept most of it
    assert r["trimmed"] < r["freed"] - HELD_MIB / 2, r  # release_freed gave it back


def test_release_freed_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(memory.TRIM_ENV, "0")
    memory._malloc_trim.cache_clear()
    try:
        assert memory.release_freed() is False
    finally:
        monkeypatch.delenv(memory.TRIM_ENV)
        memory._malloc_trim.cache_clear()


def _tiff(frames: int) -> bytes:
    """A multi-frame TIFF of blank pages (read without OCR: a blank page has no ink)."""
    pages = [Image.fromarray(np.full((400, 300), 255, np.uint8)) for _ in range(frames)]
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:])
    return buf.getvalue()


def test_read_scan_releases_after_the_document_and_every_few_pages(tmp_path, monkeypatch):
    """Freed memory goes back at the document's end, and within a long scan every
    TRIM_EVERY_PAGES pages (after every page it cost ~3% CPU for no lower peak)."""
    calls = []
    monkeypatch.setattr(scan, "release_freed", lambda: calls.append(1) or True)
    path = tmp_path / "blank.tif"
    path.write_bytes(_tiff(5))
    assert len(scan.read_scan(path).pages) == 5
    assert len(calls) == 1  # the document's end
    calls.clear()
    monkeypatch.setattr(memory, "TRIM_EVERY_PAGES", 2)
    assert len(scan.read_scan(path).pages) == 5
    assert len(calls) == 3  # after pages 2 and 4, and at the end


def test_batch_task_releases_after_every_file(monkeypatch):
    calls = []
    monkeypatch.setattr(batch.work, "release_freed", lambda: calls.append(1) or True)  # where _safe_call looks
    assert batch._safe_call(lambda p: {"source": p}, "a.pdf") == {"source": "a.pdf"}

    def boom(p):
        raise ValueError("bad")
    assert batch._safe_call(boom, "b.pdf")["kind"] == "internal"
    assert len(calls) == 2


@pytest.mark.skipif(sys.platform != "linux", reason="/proc's high-water mark: Linux")
def test_detector_on_a_wide_band_of_text_stays_small():
    """A wide band two text lines tall (a region the line cutter leaves to the detector) is
    padded before the detector scales its short side up to 736 px: at 8:1 it took ~950 MB
    (a worker past 1 GB), at ``DET_MAX_ASPECT`` ~350 MB."""
    code = textwrap.dedent("""
        import numpy as np
        from pipeline.memory import release_freed
        from pipeline.ocr import get_engine

        def hwm():
            with open("/proc/self/status") as f:
                return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:")) / 1024

        engine = get_engine()
        engine.detect(np.full((64, 256), 255, np.uint8))  # the model loaded, before the mark
        band = np.full((80, 1100), 255, np.uint8)
        band[20:40, 10:1090:9] = 0
        band[50:70, 10:700:9] = 0
        release_freed()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = hwm()
        engine.detect(band)
        print(hwm() - before)
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(p.stdout.split()[-1]) < 600, p.stdout

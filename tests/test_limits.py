"""Limits per file (pages, seconds, pixels) as options with documented defaults, each hit a
warning in the result; ``extract DIR`` points to ``batch``; ``--version``."""
import ctypes
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from pipeline.backend import pdf as pdfmod
from pipeline.extract import extract_file
from pipeline.limits import FileTimeout, Limits, MAX_IMAGE_PIXELS, MAX_PAGES, TIMEOUT_S, deadline, file_deadline

from conftest import DATA, ROOT

H2024 = DATA / "corpus" / "real" / "kiro__hzq2024_working.pdf"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, env={**os.environ, "COLUMNS": "200"})


def test_page_limit_is_a_warning_in_the_result():
    r = extract_file(H2024, limits=Limits(max_pages=2))
    assert r.pages == 2 and r.error is None
    assert "PDF has 5 pages; only the first 2 were read (--max-pages)" in r.warnings


def test_time_limit_gives_an_error_result_not_an_exception():
    r = extract_file(H2024, limits=Limits(timeout_s=0.05))
    assert r.error and "timed out after 0.05 s" in r.error and "--timeout" in r.error
    assert any(w.startswith("input error: timed out") for w in r.warnings)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no timer left behind


def _slow_reader(on_timeout):
    """A reader that runs past the limit and does ``on_timeout(error)`` with the timeout."""
    def read(path, limits):
        try:
            time.sleep(2)
        except BaseException as e:
            return on_timeout(e)
        raise AssertionError("the limit did not fire")
    return read


def _raise_other(e):  # what ctypes does to an exception raised during an argument's conversion
    raise ctypes.ArgumentError(f"argument 1: {type(e).__name__}: {e}")


def _swallow(e):  # a reader's page guard that catches too much: reading goes on, no error
    from pipeline.datamodel import Document
    return Document(str(H2024), "0" * 64, "text")


@pytest.mark.parametrize("on_timeout", [_raise_other, _swallow], ids=["converted", "swallowed"])
def test_time_limit_holds_when_the_timeout_is_converted_or_swallowed(monkeypatch, on_timeout):
    """The deadline fired: the result is the timeout error, whatever became of the exception
    (a timeout landing inside a pypdfium2 call came out as ctypes.ArgumentError)."""
    import pipeline.extract as ex
    monkeypatch.setattr(ex, "read_document", _slow_reader(on_timeout))
    r = extract_file(H2024, limits=Limits(timeout_s=0.05))
    assert r.error and "timed out after 0.05 s" in r.error
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


class _Inner(Exception):
    pass


class _Foreign(BaseException):
    pass


def _left() -> float:
    return signal.getitimer(signal.ITIMER_REAL)[0]


def test_page_deadline_nests_inside_the_file_deadline():
    with file_deadline(5.0):
        with deadline(1.0, _Inner):
            assert 0 < _left() <= 1.0  # the timer runs for the soonest deadline
        assert 3.0 < _left() <= 5.0  # the outer timer got its time back
    assert _left() == 0


def test_inner_deadline_fires_and_the_outer_resumes_with_its_remaining_time():
    t, handler = time.monotonic(), signal.getsignal(signal.SIGALRM)
    with file_deadline(5.0):
        with pytest.raises(_Inner):
            with deadline(0.05, _Inner):
                time.sleep(2)
        assert time.monotonic() - t < 1.0
        assert 3.0 < _left() <= 5.0 - 0.05
    assert _left() == 0 and signal.getsignal(signal.SIGALRM) is handler  # the handler before ours is back


def test_inner_deadline_never_outlives_the_outer():
    t = time.monotonic()
    with pytest.raises(FileTimeout, match="timed out after 0.1 s"):
        with file_deadline(0.1):
            with deadline(30.0, _Inner):  # longer than what the file has left
                time.sleep(2)
    assert time.monotonic() - t < 1.0
    assert _left() == 0


def test_the_page_deadline_of_the_pdf_reader_is_the_nesting_timer():
    with pytest.raises(pdfmod._Timeout):
        with file_deadline(5.0):
            with deadline(0.05, pdfmod._Timeout):
                time.sleep(2)
    assert _left() == 0


def test_a_timer_set_before_ours_is_the_outermost_deadline_and_is_handed_back():
    def on_alarm(signum, frame):
        raise _Foreign()
    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        with file_deadline(1.0):
            assert _left() <= 1.0
        assert signal.getsignal(signal.SIGALRM) is on_alarm and 3.0 < _left() <= 5.0
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        with pytest.raises(_Foreign):  # due before ours: its own handler fires it
            with file_deadline(30.0):
                time.sleep(2)
        assert signal.getsignal(signal.SIGALRM) is on_alarm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_deadline_off_the_main_thread_is_a_no_op():
    import threading
    seen = []

    def run():
        with file_deadline(0.01):
            time.sleep(0.05)
            seen.append(_left())
    th = threading.Thread(target=run)
    th.start()
    th.join()
    assert seen == [0]


def test_pixel_limit_refuses_with_the_option_named(tmp_path):
    p = tmp_path / "big.png"
    Image.fromarray(np.full((1200, 1000), 255, np.uint8)).save(p)
    r = extract_file(p, limits=Limits(max_image_pixels=1_000_000))
    assert r.error and "1000×1200 = 1,200,000 pixels" in r.error and "--max-image-pixels" in r.error


def test_cli_documents_the_defaults_and_version():
    h = _cli("extract", "-h").stdout
    assert f"(default {MAX_PAGES})" in h and f"(default {MAX_IMAGE_PIXELS:,})" in h
    assert f"(default {TIMEOUT_S:g})" in _cli("batch", "-h").stdout
    v = _cli("--version")
    assert v.returncode == 0 and v.stdout.startswith("nianbao ") and v.stdout.split()[1][0].isdigit()


def test_extract_of_a_folder_suggests_batch(tmp_path):
    p = _cli("extract", str(tmp_path))
    assert p.returncode == 1
    assert f"nianbao batch {tmp_path} --out RUN_DIR" in p.stderr

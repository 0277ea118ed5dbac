"""Limits per file (pages, seconds, pixels) as options with documented defaults, each hit a
warning in the result; ``extract DIR`` points to ``batch``; ``--version``."""
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
from pipeline.limits import Limits, MAX_IMAGE_PIXELS, MAX_PAGES, TIMEOUT_S, file_deadline

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


def test_page_deadline_nests_inside_the_file_deadline():
    with file_deadline(5.0):
        with pdfmod._deadline(1.0):
            pass
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 3.0 < left <= 5.0  # the outer timer got its time back
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


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

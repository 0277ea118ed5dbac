"""Scanned pages: our scan backend against plain full-page RapidOCR, in one run.

    .venv/bin/python benchmarks/bench_ocr.py [--pages N] [SCAN.pdf ...]

For every ``*.scan.pdf`` in data/corpus/real/ (simulated 150 dpi scans of the
text PDFs beside them), each page is rasterised once at RENDER_DPI and given to

* ours: ``pipeline.backend.scan.read_page_image`` (deskew, grid, batched
  recognition of cell crops, digit-only decoding of numeric cells);
* baseline: ``rapidocr.RapidOCR()(image)`` with its defaults (det + cls + rec).

Printed: seconds per page for both and their ratio (engine start-up counted
once for each, as when several files go through one process), as wall time and
as this process's CPU time (steadier on a shared machine), and the share
of numeric table cells read right.  The truth is what pdfplumber reads from the
matching text PDF: per page, the cells of ``extract_tables()`` that are numbers,
row by row.  Each method's numbers on that page (ours: table cells; baseline:
every box without words, in rows top to bottom) are aligned with the truth by
``difflib``; a truth cell counts as right when it aligns with an equal string.
"""
from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.lexicon import BARE_NUMBER, is_words  # noqa: E402

CORPUS = ROOT / "data" / "corpus" / "real"
ROW_OVERLAP = 0.5  # baseline boxes whose vertical overlap exceeds this share are one row


class Clock:
    """Wall and process-CPU seconds since the last lap."""

    def __init__(self) -> None:
        self.last = self.now()

    @staticmethod
    def now() -> np.ndarray:
        return np.array([time.perf_counter(), time.process_time()])

    def lap(self) -> np.ndarray:
        t = self.now()
        d, self.last = t - self.last, t
        return d


def truth_numbers(text_pdf: Path) -> list[list[str]]:
    """Per page, the numeric cells of pdfplumber's tables in row-major order."""
    import pdfplumber

    pages = []
    with pdfplumber.open(text_pdf) as pdf:
        for p in pdf.pages:
            toks = []
            for table in p.extract_tables():
                for row in table:
                    toks.extend(c.strip() for c in row if c and BARE_NUMBER.match(c.strip()))
            pages.append(toks)
    return pages


def ours_numbers(page) -> list[str]:
    """Table cells of our Page without words (empty cells included), row-major."""
    toks = []
    for ln in page.lines:
        if ln.in_grid:
            toks.extend(c.text for c in ln.cells if not is_words(c.text))
    return toks


def baseline_numbers(result) -> list[str]:
    """RapidOCR boxes without words, grouped into rows by vertical overlap, left to right."""
    items = []
    for box, text in zip(result.boxes if result.boxes is not None else [], result.txts or []):
        ys, xs = [p[1] for p in box], [p[0] for p in box]
        items.append((min(ys), max(ys), min(xs), text))
    items.sort()
    rows: list[list] = []
    for it in items:
        if rows:
            top, bot = min(r[0] for r in rows[-1]), max(r[1] for r in rows[-1])
            overlap = min(bot, it[1]) - max(top, it[0])
            if overlap > ROW_OVERLAP * min(it[1] - it[0], bot - top):
                rows[-1].append(it)
                continue
        rows.append([it])
    toks = []
    for row in rows:
        for it in sorted(row, key=lambda r: r[2]):
            if not is_words(it[3]):
                toks.extend(it[3].split())
    return toks


def score(truth: list[str], got: list[str]) -> tuple[int, list[tuple[str, str]]]:
    """Truth cells matched by equal strings after alignment, and the mismatches."""
    sm = difflib.SequenceMatcher(a=truth, b=got, autojunk=False)
    right = sum(b.size for b in sm.get_matching_blocks())
    wrong = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("replace", "delete"):
            wrong.append((" ".join(truth[i1:i2]), " ".join(got[j1:j2])))
    return right, wrong


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scans", nargs="*", type=Path)
    ap.add_argument("--pages", type=int, default=0, help="at most this many pages per file (0: all)")
    args = ap.parse_args(argv)
    scans = args.scans or sorted(CORPUS.glob("*.scan.pdf"))

    from pipeline.backend import scan
    clock = Clock()
    from pipeline.ocr import get_engine
    get_engine()
    ours_load = clock.lap()
    from rapidocr import RapidOCR
    base = RapidOCR(params={"Global.log_level": "error"})
    base(np.full((64, 64, 3), 255, np.uint8))  # rapidocr loads its models on the first call
    base_load = clock.lap()

    n_pages = 0
    t_ours = np.zeros(2)
    t_base = np.zeros(2)
    tot = {"truth": 0, "ours": 0, "base": 0}
    for path in scans:
        truth_pdf = path.with_name(path.name.replace(".scan.pdf", ".pdf"))
        truth = truth_numbers(truth_pdf) if truth_pdf.exists() else None
        images = list(scan._pdf_images(path.read_bytes(), None, scan.RENDER_DPI))
        if args.pages:
            images = images[:args.pages]
        for img, k in images:
            clock.lap()
            page = scan.read_page_image(img, k)
            dt_o = clock.lap()
            res = base(img)
            dt_b = clock.lap()
            n_pages += 1
            t_ours += dt_o
            t_base += dt_b
            line = (f"{path.name} p{k}: ours {dt_o[0]:.2f}s ({dt_o[1]:.2f} cpu)  "
                    f"base {dt_b[0]:.2f}s ({dt_b[1]:.2f} cpu)")
            if truth is not None and k <= len(truth) and truth[k - 1]:
                tr = truth[k - 1]
                ro, wo = score(tr, ours_numbers(page))
                rb, wb = score(tr, baseline_numbers(res))
                tot["truth"] += len(tr)
                tot["ours"] += ro
                tot["base"] += rb
                line += f"  numbers {len(tr)}: ours {ro} right, base {rb} right"
                if wo:
                    line += f"\n    ours wrong (truth -> read): {wo}"
                if wb:
                    line += f"\n    base wrong (truth -> read): {wb}"
            print(line, flush=True)

    if not n_pages:
        print("no pages")
        return
    per_o = (t_ours + ours_load) / n_pages
    per_b = (t_base + base_load) / n_pages
    print(f"\npages: {n_pages}")
    print(f"engine start-up: ours {ours_load[0]:.2f}s, baseline {base_load[0]:.2f}s (counted once)")
    for i, what in enumerate(("wall", "cpu")):
        print(f"seconds per page ({what}): ours {per_o[i]:.2f}, baseline {per_b[i]:.2f}, "
              f"ratio {per_o[i] / per_b[i]:.2f}")
    if tot["truth"]:
        print(f"numeric cells right: ours {tot['ours']}/{tot['truth']} = {tot['ours'] / tot['truth']:.2%}, "
              f"baseline {tot['base']}/{tot['truth']} = {tot['base'] / tot['truth']:.2%}")


if __name__ == "__main__":
    main()

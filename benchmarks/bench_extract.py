"""Cell accuracy and speed of `nianbao extract` on generated reports, against naive
baselines run in the same session on the same files.

Text PDFs: our pipeline vs pdfplumber ``extract_tables`` with rows found by their
printed labels (``benchmarks/baselines.py``; ``bench_text_pdf.py`` adds Camelot and
the floors, in one process) and vs pdfplumber ``extract_words`` alone (speed).
Scans (150 dpi, degraded): our pipeline vs plain full-page RapidOCR with
positional mapping (accuracy and speed).

Each side runs as one process over all files, start-up included, as a user
would run it.  Usage:

    .venv/bin/python benchmarks/bench_extract.py [--n 12] [--scans 6] [--seed 1000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.generate import generate, write_gold, write_pdf, write_scan  # noqa: E402
from pipeline.template import get  # noqa: E402

PY = sys.executable
NIANBAO = [PY, "-m", "pipeline.cli"]

# Baselines, run as separate processes so that their start-up counts like ours.
WORDS = """
import sys, pdfplumber
n = 0
for f in sys.argv[1:]:
    with pdfplumber.open(f) as pdf:
        for p in pdf.pages:
            p.extract_words(); n += 1
print(n)
"""
# The fair text-PDF baseline: rows found by their printed labels (benchmarks/baselines.py,
# shared with bench_text_pdf.py).
TABLES = """
import sys, json
sys.path.insert(0, "benchmarks")
from baselines import map_by_labels, plumber_tables
print(json.dumps({f: map_by_labels(plumber_tables(f)) for f in sys.argv[1:]}))
"""
PLAIN_OCR = """
import sys, json
import numpy as np, pypdfium2 as pdfium
from pipeline.lexicon import DECIMAL
from rapidocr import RapidOCR
eng = RapidOCR()
out = {}
for f in sys.argv[1:]:
    nums = []
    pdf = pdfium.PdfDocument(f)
    for page in pdf:
        img = np.array(page.render(scale=150 / 72).to_pil().convert("RGB"))
        res = eng(img)
        items = sorted(zip(res.boxes, res.txts), key=lambda b: (round(b[0][0][1] / 12), b[0][0][0])) \\
            if res.boxes is not None else []
        nums += [t.strip() for _, t in items if DECIMAL.fullmatch(t.strip())]
    out[f] = nums
print(json.dumps(out))
"""


def positional(nums: list[str], gold: dict) -> dict:
    """Naive mapping: the n-th number of the document goes to the n-th printed field."""
    printed = [f for f in get(gold["template"]).field_ids if gold["fields"][f] is not None]
    out = {}
    for f, v in zip(printed, nums):
        try:
            out[f] = float(v)
        except ValueError:
            pass
    return out


def score(pred: dict, gold: dict) -> tuple[int, int]:
    """(cells right, cells) over every field id of the gold's template, nulls included."""
    fields = gold["fields"]
    right = 0
    for f, v in fields.items():
        p = pred.get(f)
        right += (p is None and v is None) or (p is not None and v is not None and abs(p - v) < 1e-6)
    return right, len(fields)


def run(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed: {p.stderr[-2000:]}")
    return time.perf_counter() - t, p.stdout


def ours(files: list[Path]) -> tuple[float, dict]:
    secs, out = run(NIANBAO + ["extract", *map(str, files), "--format", "jsonl"])
    return secs, {o["source"]: o for o in map(json.loads, out.splitlines())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=12, help="generated text PDFs")
    ap.add_argument("--scans", type=int, default=6, help="generated scans (slow: OCR)")
    ap.add_argument("--seed", type=int, default=1000)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    pdfs, scans, gold = [], [], {}
    for i in range(max(args.n, args.scans)):
        s = generate(args.seed + i)
        g = {"template": s.template, "fields": s.fields}
        if i < args.n:
            p = tmp / f"r{i:03d}.pdf"
            write_pdf(s, p)
            pdfs.append(p)
            gold[str(p)] = g
        if i < args.scans:
            p = tmp / f"r{i:03d}.scan.pdf"
            write_scan(s, p, seed=args.seed + i)
            scans.append(p)
            gold[str(p)] = g
    import pypdfium2 as pdfium
    pages = {str(p): len(pdfium.PdfDocument(str(p))) for p in pdfs + scans}
    print(f"generated {len(pdfs)} text PDFs ({sum(pages[str(p)] for p in pdfs)} pages), "
          f"{len(scans)} scans ({sum(pages[str(p)] for p in scans)} pages) in {tmp}")

    def report(name, files, pred_of, secs):
        right = total = exact = 0
        for f in files:
            r, t = score(pred_of(str(f)), gold[str(f)])
            right, total, exact = right + r, total + t, exact + (r == t)
        n_pages = sum(pages[str(f)] for f in files)
        print(f"  {name:<40} cells {right}/{total} = {100 * right / total:6.2f}%   "
              f"docs exact {exact}/{len(files)}   {secs / n_pages:6.3f} s/page")
        return secs

    if pdfs:
        print("text PDFs")
        t_ours, res = ours(pdfs)
        report("nianbao extract", pdfs, lambda f: res[f]["fields"], t_ours)
        t_tab, out = run([PY, "-c", TABLES, *map(str, pdfs)])
        mapped = json.loads(out)
        report("pdfplumber extract_tables, rows by label", pdfs, lambda f: mapped[f], t_tab)
        t_words, _ = run([PY, "-c", WORDS, *map(str, pdfs)])
        report("pdfplumber extract_words (speed only)", pdfs, lambda f: {}, t_words)
        print(f"  time ratio nianbao / extract_words: {t_ours / t_words:.2f}x")
    if scans:
        print("scans (150 dpi, skew, blur, JPEG, noise)")
        t_ours, res = ours(scans)
        report("nianbao extract", scans, lambda f: res[f]["fields"], t_ours)
        t_plain, out = run([PY, "-c", PLAIN_OCR, *map(str, scans)])
        nums = json.loads(out)
        report("plain full-page RapidOCR, positional", scans, lambda f: positional(nums[f], gold[f]), t_plain)
        print(f"  time ratio nianbao / plain RapidOCR: {t_ours / t_plain:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Text-PDF hazards (``training.hazards_pdf``): cells right, documents exact, seconds and
peak memory per page, per hazard, on generated reports of a seed range the tests never use
(8000+), against baselines run in the same session on the same files:

* turned pages (``rotate_page``: /Rotate only; ``rotate_content``: a rotation matrix;
  ``rotate_counter``: both, the page shown upright): pdfplumber ``extract_tables``
  with positional mapping;
* table 三 pasted as a picture (``table_image``): plain full-page RapidOCR (its default
  settings, angle classifier on), positional mapping.

Each side runs as one process over a hazard's files, start-up included.  Usage:

    .venv/bin/python benchmarks/bench_pdf_hazards.py [--n 10] [--seed 8000] [--hazards ...]
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

from benchmarks.bench_extract import PLAIN_OCR, TABLES, positional  # noqa: E402
from pipeline.scoring import CELL_KINDS, cell_scores  # noqa: E402
from training.generate import generate  # noqa: E402
from training.hazards_pdf import HAZARDS, apply_hazard, pdf_bytes  # noqa: E402

PY = sys.executable
# The CLI in a process that reports its own peak memory (start-up and all files included):
# VmHWM, the peak of this process's own memory (ru_maxrss would carry the parent's over exec).
PEAK = ("finally:\n    print('PEAK_KB', next(int(ln.split()[1]) for ln in open('/proc/self/status') "
        "if ln.startswith('VmHWM')), file=sys.stderr)")
NIANBAO = [PY, "-c", "import runpy, sys\nsys.argv = ['nianbao'] + sys.argv[1:]\n"
           "try:\n    runpy.run_module('pipeline.cli', run_name='__main__')\n" + PEAK]
MEASURED = "import runpy, sys\ntry:\n    exec(sys.argv.pop(1))\n" + PEAK


def run(cmd: list[str]) -> tuple[float, str, float]:
    """(seconds, stdout, peak MB) of one process."""
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    secs = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed: {p.stderr[-2000:]}")
    kb = [int(ln.split()[1]) for ln in p.stderr.splitlines() if ln.startswith("PEAK_KB")]
    return secs, p.stdout, (kb[-1] / 1024 if kb else float("nan"))


def baseline(code: str, files: list[Path]) -> tuple[float, dict, float]:
    secs, out, mb = run([PY, "-c", MEASURED, code, *map(str, files)])
    return secs, json.loads(out), mb


def report(name: str, files: list[Path], preds: dict, gold: dict, pages: dict, secs: float, mb: float) -> dict:
    """Print one line of figures; return them."""
    kinds = {k: [0, 0] for k in CELL_KINDS}
    exact = 0
    for f in files:
        by = cell_scores(gold[str(f)], preds.get(str(f), {}))["by_kind"]
        for k, v in by.items():
            kinds[k][0] += v["correct"]
            kinds[k][1] += v["total"]
        exact += all(v["correct"] == v["total"] for v in by.values())
    right, total = sum(v[0] for v in kinds.values()), sum(v[1] for v in kinds.values())
    n_pages = sum(pages[str(f)] for f in files)
    split = "  ".join(f"{k} {c}/{t}" for k, (c, t) in kinds.items() if t)
    print(f"  {name:<38} cells {right}/{total} = {100 * right / total:6.2f}%  ({split})  "
          f"docs exact {exact}/{len(files)}  {secs / n_pages:6.3f} s/page  peak {mb:5.0f} MB")
    return {"cells": [right, total], "kinds": kinds, "exact": exact, "docs": len(files),
            "s_per_page": secs / n_pages, "peak_mb": mb}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10, help="generated documents per hazard")
    ap.add_argument("--seed", type=int, default=8000, help="first seed (8000+: never used by the tests or to change the code)")
    ap.add_argument("--hazards", nargs="+", default=list(HAZARDS), choices=HAZARDS)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-hazards-"))
    import pypdfium2 as pdfium
    figures: dict = {}
    for hazard in args.hazards:
        files, gold, pages, drawn, templates = [], {}, {}, [], {}
        for seed in range(args.seed, args.seed + args.n):
            s = generate(seed)
            data, info = apply_hazard(pdf_bytes(s), hazard, seed)
            p = tmp / f"{hazard}_{seed}.pdf"
            p.write_bytes(data)
            files.append(p)
            gold[str(p)], templates[str(p)] = s.fields, s.template
            pages[str(p)] = len(pdfium.PdfDocument(str(p)))
            drawn.append({k: v for k, v in info.items() if k not in ("regions", "hazard", "table")})
        kinds = sorted({json.dumps(d, sort_keys=True) for d in drawn})
        print(f"{hazard}: {len(files)} documents, {sum(pages.values())} pages, seeds {args.seed}-"
              f"{args.seed + args.n - 1}; drawn: {'; '.join(kinds)[:300]}")
        secs, out, mb = run(NIANBAO + ["extract", *map(str, files), "--format", "jsonl"])
        res = {o["source"]: o for o in map(json.loads, out.splitlines())}
        ours = report("nianbao extract", files, {f: o["fields"] for f, o in res.items()}, gold, pages, secs, mb)
        partial = sum(any(c["status"] != "found" for c in o.get("coverage", [])) for o in res.values())
        print(f"  {'':<38} reports with a table partly or not read: {partial}/{len(files)} "
              f"(each warned: {sum(any(w.startswith('table ') for w in o['warnings']) for o in res.values())})")
        code, name = (PLAIN_OCR, "plain full-page RapidOCR, positional") if hazard == "table_image" else \
            (TABLES, "pdfplumber extract_tables, positional")
        b_secs, nums, b_mb = baseline(code, files)
        preds = {f: positional(nums[f], {"template": templates[f], "fields": gold[f]}) for f in map(str, files)}
        base = report(name, files, preds, gold, pages, b_secs, b_mb)
        print(f"  time ratio nianbao / baseline: {secs / b_secs:.2f}x")
        figures[hazard] = {"ours": ours, "baseline": {"name": name, **base}, "partial": partial}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

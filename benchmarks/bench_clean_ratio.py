"""Clean scans: our ``extract_file`` against plain full-page RapidOCR (its defaults) on the same
pages, in ONE process, document by document (ours, then plain), with CPU time (all threads)
as well as wall time per page: on a shared machine CPU time says more than wall, and no file
limit cuts a document short (``bench_scan_hazards.py`` gives each file 300 s).

    PYTHONPATH=$PWD nice .venv/bin/python benchmarks/bench_clean_ratio.py --docs 2 --seed 988700
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2, help="generated reports (clean scans)")
    ap.add_argument("--seed", type=int, default=988700, help="first seed")
    args = ap.parse_args(argv)
    from rapidocr import RapidOCR

    from benchmarks.bench_scan_hazards import page_images
    from pipeline.extract import extract_file
    from training.generate import generate, write_scan

    tmp = Path(tempfile.mkdtemp(prefix="nianbao-clean-ratio-"))
    paths = []
    for i in range(args.docs):
        p = tmp / f"clean_{args.seed + i}.pdf"
        write_scan(generate(args.seed + i), p)
        paths.append(p)
    eng = RapidOCR()  # its defaults: angle classifier on
    extract_file(str(paths[0]))
    eng(next(iter(page_images(str(paths[0])))))  # models loaded outside the timing
    oc = ow = pc = pw = 0.0
    n = 0
    for p in paths:
        c, w = time.process_time(), time.perf_counter()
        r = extract_file(str(p))
        oc, ow = oc + time.process_time() - c, ow + time.perf_counter() - w
        c, w = time.process_time(), time.perf_counter()
        k = 0
        for img in page_images(str(p)):
            eng(img)
            k += 1
        pc, pw = pc + time.process_time() - c, pw + time.perf_counter() - w
        n += k
        print(f"{p.name}: pages {r.pages} ours, {k} plain", flush=True)
    print(f"ours {oc / n:.2f} CPU s/page, {ow / n:.2f} wall; plain RapidOCR {pc / n:.2f} CPU, {pw / n:.2f} wall; "
          f"ours / plain: CPU {oc / pc:.3f}x, wall {ow / pw:.3f}x ({n} pages)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

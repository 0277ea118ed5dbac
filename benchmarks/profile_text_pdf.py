"""Where the time of a text PDF goes: CPU milliseconds per document by stage of ``extract_file``.

For profiling on DEVELOPMENT seeds (default 5000-5010; the figures of
``bench_text_pdf.py`` use seeds 1000+, never used to change the code).  Generated
reports of one table ruling (``--layout``) are read ``--repeat`` times; each stage
function is wrapped with a CPU timer (the outermost stage only, when one calls
another), and pdfplumber ``extract_tables()`` is timed on the same files for the
ratio.  Usage:

    .venv/bin/python benchmarks/profile_text_pdf.py [--layout borderless] [--seeds 5000-5010] [--repeat 3]
"""
from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# (module, function, stage name): the stages of extract_file, in pipeline order; the module
# is the one that calls the function (its name there is the one wrapped).
STAGES = (
    ("pipeline.backend.pdf", "_parse_pages_pdfium", "PDFium: characters, rules"),
    ("pipeline.backend.pdf.page", "chars_to_glyphs", "glyphs, duplicates dropped"),
    ("pipeline.backend.pdf.page", "find_grids", "ruled grids"),
    ("pipeline.backend.pdf.page", "cluster_lines", "text lines (page, grid cells)"),
    ("pipeline.backend.pdf.page", "_free_lines", "free lines, unruled rows"),
    ("pipeline.backend.pdf", "assemble_lines", "furniture, tables across pages"),
    ("pipeline.extract", "apply_labels", "labeller (features, CRF)"),
    ("pipeline.extract", "read_facts", "facts model"),
    ("pipeline.extract", "assemble", "assembler"),
    ("pipeline.coverage", "table_coverage", "coverage"),
    ("pipeline.checks", "run_checks", "checks"),
    ("pipeline.narrative", "metadata", "metadata"),
)


def instrument(totals: dict[str, float]) -> None:
    """Wrap every stage function in its module with a CPU timer adding to ``totals``."""
    import importlib
    depth = [0]

    def timed(fn, name):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            if depth[0]:  # inside another stage: counted there
                return fn(*a, **k)
            depth[0] += 1
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                totals[name] = totals.get(name, 0.0) + time.process_time() - t
                depth[0] -= 1
        return wrapper
    for mod, fn, name in STAGES:
        m = importlib.import_module(mod)
        setattr(m, fn, timed(getattr(m, fn), name))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layout", default="borderless", choices=("grid", "hlines", "borderless"))
    ap.add_argument("--seeds", default="5000-5010", help="first-last (development seeds)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    lo, hi = (int(x) for x in args.seeds.split("-"))
    from baselines import plumber_tables
    from pipeline.extract import extract_file
    from training.generate import generate, write_pdf
    with tempfile.TemporaryDirectory(prefix="nianbao-profile-") as tmp:
        files = []
        for seed in range(lo, hi + 1):
            files.append(str(Path(tmp) / f"{args.layout}_{seed}.pdf"))
            write_pdf(generate(seed, layout=args.layout), files[-1])
        for f in files:  # imports, the shipped models, caches as in a batch
            extract_file(f)
            plumber_tables(f)
        totals: dict[str, float] = {}
        instrument(totals)
        t = time.process_time()
        for _ in range(args.repeat):
            for f in files:
                extract_file(f)
        ours = time.process_time() - t
        t = time.process_time()
        for _ in range(args.repeat):
            for f in files:
                plumber_tables(f)
        plumber = time.process_time() - t
    per_doc = 1000 / (args.repeat * len(files))
    print(f"{args.layout}, seeds {lo}-{hi}: nianbao {ours * per_doc:.1f} CPU ms/doc, pdfplumber extract_tables "
          f"{plumber * per_doc:.1f}, ratio {ours / plumber:.3f}")
    for name, v in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:34s} {v * per_doc:7.2f} ms/doc {100 * v / ours:5.1f}%")
    print(f"  {'(the rest)':34s} {(ours - sum(totals.values())) * per_doc:7.2f} ms/doc")
    return 0


if __name__ == "__main__":
    sys.exit(main())

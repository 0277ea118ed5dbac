"""Wall and CPU seconds of `nianbao extract` on one text dump, start-up included,
against a bare `python -c pass` run in turn in the same session.

Each command runs --runs times, alternating with the baseline; min and median
are printed (the machine is shared: quote the median).  The default extract runs the
narrative facts pipeline with numpy (``pipeline.factnet``); the same extract with
``--facts-engine spacy`` (spaCy running the same pipeline, the reference) runs in turn
too (``--no-spacy``: not).  The package is
byte-compiled first, as an install leaves it (a run that cannot write
``__pycache__``, e.g. with PYTHONDONTWRITEBYTECODE, compiles every module each
time and pays about 0.1 s more).  Also lists which heavy libraries the run
imported (none for a text dump).  Usage:

    .venv/bin/python benchmarks/bench_startup.py [--runs 15] [FILE]
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "data" / "seeds" / "000_4a9178fd99f7f697.txt"
HEAVY = ("spacy", "thinc", "sklearn", "scipy", "numpy", "pandas", "pyarrow", "ray", "rapidocr", "onnxruntime",
         "pdfplumber")
PROBE = ("import sys, io, contextlib\nfrom pipeline.cli import main\n"
         "with contextlib.redirect_stdout(io.StringIO()): main(['extract', sys.argv[1]])\n"
         f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-spacy", action="store_true", help="leave out the --facts-engine spacy runs")
    args = ap.parse_args()
    compileall.compile_dir(str(ROOT / "pipeline"), quiet=1)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    ours = [sys.executable, "-m", "pipeline.cli", "extract", args.file]
    spacy = ours + ["--facts-engine", "spacy"]
    bare = [sys.executable, "-c", "pass"]
    timed(ours, env), timed(bare, env)  # warm the file cache
    if not args.no_spacy:
        timed(spacy, env)
    a, b, c = [], [], []
    for _ in range(args.runs):
        a.append(timed(ours, env))
        if not args.no_spacy:
            c.append(timed(spacy, env))
        b.append(timed(bare, env))
    heavy = subprocess.run([sys.executable, "-c", PROBE, args.file], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()

    def fig(runs: list[tuple[float, float]], k: int) -> dict:
        xs = [r[k] for r in runs]
        return {"min": round(min(xs), 3), "median": round(statistics.median(xs), 3)}
    out = {"file": os.path.relpath(args.file, ROOT), "runs": args.runs,
           "nianbao_extract": {"wall_s": fig(a, 0), "cpu_s": fig(a, 1)},
           "python_-c_pass": {"wall_s": fig(b, 0), "cpu_s": fig(b, 1)},
           **({"nianbao_extract_--facts-engine_spacy": {"wall_s": fig(c, 0), "cpu_s": fig(c, 1)}} if c else {}),
           "heavy_libraries_imported": heavy.split() if heavy else []}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

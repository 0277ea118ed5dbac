"""Batch throughput: reports per minute with 1 and 2 workers, and the scaling ratio.

    .venv/bin/python benchmarks/bench_batch.py [--text N] [--pdf N] [--copies K] [--scans]

Corpora (each run into a fresh run directory, ``pipeline.batch.run_batch``, local engine):

* generated text dumps: ``training.generate`` reports written by ``write_text`` (the four styles);
* generated text PDFs: ``write_pdf``;
* real text dumps: data/corpus/real/pingtan__*.page.txt, K distinct copies of each;
* real text PDFs: data/corpus/real/*.pdf (not scans), K distinct copies of each;
* real scans (``--scans``, slow: ~7 s a page on one core): the *.scan.pdf files, once each.

A batch identifies files by content, so a copy gets a trailing newline (text) or a PDF
comment after ``%%EOF`` (PDF) to be a distinct file that reads the same.  Reports per minute
are over the processing phase (worker start-up and model warm-up included, listing, hashing
and exports not), as ``summary.json`` gives them.  Each corpus runs ``--repeat`` times per
worker count, the counts interleaved (1, 2, 1, 2, ...) so that load from other processes hits
both alike; the best run counts.  Also printed: the workers' CPU seconds per report (what
the figures would give on idle CPUs: about 60 / that per worker), and ``other load``, the
CPUs other processes kept busy during the runs: on a shared machine the figures, the scaling
ratio above all, are only as good as the idle CPUs.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.batch import run_batch  # noqa: E402

REAL = ROOT / "data" / "corpus" / "real"
WORKER_COUNTS = (1, 2)


def distinct_copy(src: Path, dst: Path, i: int) -> Path:
    """A copy of ``src`` that reads the same but hashes differently (copy number ``i``)."""
    tail = f"\n%copy {i}\n".encode() if src.suffix.lower() == ".pdf" else b"\n" * (i + 1)
    dst.write_bytes(src.read_bytes() + tail)
    return dst


def copies(files: list[Path], k: int, out: Path) -> list[Path]:
    """``k`` distinct copies of each file in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    return [distinct_copy(f, out / f"{f.stem}.c{i}{f.suffix}", i) for f in files for i in range(k)]


def generated(n_text: int, n_pdf: int, out: Path) -> tuple[list[Path], list[Path]]:
    """Generated reports: ``n_text`` text dumps (styles in turn) and ``n_pdf`` text PDFs."""
    from training.generate import TEXT_STYLES, generate, write_pdf, write_text
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "pdf").mkdir(parents=True, exist_ok=True)
    text, pdf = [], []
    for seed in range(n_text):
        style = TEXT_STYLES[seed % len(TEXT_STYLES)]
        p = out / "text" / f"synth_{seed:05d}.{'html' if style == 'html' else 'txt'}"
        write_text(generate(seed), p, style)
        text.append(p)
    for seed in range(n_pdf):
        p = out / "pdf" / f"synth_{seed:05d}.pdf"
        write_pdf(generate(seed), p)
        pdf.append(p)
    return text, pdf


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat)."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq = map(int, f.readline().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the batch workers)."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def measure(files: list[Path], workers: int, tmp: Path) -> dict:
    """One batch over ``files`` into a fresh run directory: its summary, plus the workers'
    CPU seconds per report (``cpu_per_report``, which other load does not change) and the
    CPUs that other processes kept busy meanwhile (``other_load``)."""
    run = Path(tempfile.mkdtemp(prefix=f"run_w{workers}_", dir=tmp))
    t, busy, own = time.monotonic(), busy_cpu_seconds(), own_cpu_seconds()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    s = run_batch([str(f) for f in files], run, workers=workers, progress=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime
    other = (busy_cpu_seconds() - busy) - (own_cpu_seconds() - own)
    return {**s, "cpu_per_report": cpu / max(s["processed"], 1),
            "other_load": max(other, 0.0) / max(time.monotonic() - t, 1e-9)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--text", type=int, default=200, help="generated text dumps")
    ap.add_argument("--pdf", type=int, default=60, help="generated text PDFs")
    ap.add_argument("--copies", type=int, default=16, help="distinct copies of each real file")
    ap.add_argument("--scans", action="store_true", help="also the real scans (slow)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per worker count; the best counts")
    args = ap.parse_args(argv)
    print(f"# {os.cpu_count()} CPUs; python {sys.version.split()[0]}; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as d:
        tmp = Path(d)
        t = time.monotonic()
        gen_text, gen_pdf = generated(args.text, args.pdf, tmp / "gen")
        print(f"# generated {len(gen_text)} text dumps and {len(gen_pdf)} PDFs in "
              f"{time.monotonic() - t:.0f} s", flush=True)
        corpora = {
            "generated text dumps": gen_text,
            "generated text PDFs": gen_pdf,
            "real text dumps (pingtan)": copies(sorted(REAL.glob("pingtan__*.page.txt")), args.copies,
                                                tmp / "real_text"),
            "real text PDFs": copies([p for p in sorted(REAL.glob("*.pdf")) if ".scan." not in p.name],
                                     args.copies, tmp / "real_pdf"),
        }
        if args.scans:
            corpora["real scans"] = sorted(REAL.glob("*.scan.pdf"))
        print(f"{'corpus':28} {'files':>5} {'pages':>5} {'failed':>6} "
              + " ".join(f"{f'rpm w={w}':>10}" for w in WORKER_COUNTS) + f" {'scaling':>8}"
              + " ".join(f"{f'cpu s/rep w={w}':>15}" for w in WORKER_COUNTS) + f" {'other load':>10}")
        for name, files in corpora.items():
            if not files:
                print(f"{name:28} (no files)")
                continue
            runs = [(w, measure(files, w, tmp)) for _ in range(args.repeat) for w in WORKER_COUNTS]
            rpm = [max(s["reports_per_minute"] for v, s in runs if v == w) for w in WORKER_COUNTS]
            cpu = [min(s["cpu_per_report"] for v, s in runs if v == w) for w in WORKER_COUNTS]
            base = runs[0][1]
            print(f"{name:28} {len(files):5d} {base['pages']:5d} {base['failed']:6d} "
                  + " ".join(f"{r:10.1f}" for r in rpm) + f" {rpm[-1] / rpm[0]:8.2f}"
                  + " ".join(f"{c:15.3f}" for c in cpu)
                  + f" {sum(s['other_load'] for _, s in runs) / len(runs):10.2f}", flush=True)
    print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

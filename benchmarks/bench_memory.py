"""Memory of a long-lived process reading many scans: resident memory and its high-water
mark after each document, and how they grow from the first document to the last.

``--docs`` generated reports (``training.generate``, seeds from ``--seed``), each scanned
with one hazard in turn (``--hazards``, as ``bench_scan_hazards.make`` writes them), are read

* ``inprocess``: one after another by ONE worker process (``extract_file``, as
  ``bench_scan_hazards``'s worker does): per document its seconds, its peak (VmHWM, reset
  before the document to what is resident through /proc/self/clear_refs, so it counts what
  earlier documents left), the resident memory after it (VmRSS) and glibc's heap (mallinfo2:
  bytes in use by live allocations, bytes free but held by the allocator);
* ``batch``: by ``nianbao batch`` over the folder (``--workers``), its worker processes'
  lifetime high-water marks (VmHWM) read from /proc while the run goes, and its cells.

Cells right are scored against the generator's truth, so a change that saves memory can
be seen not to change what is read.  The generated files (and their truth) are kept in
``--dir`` and reused by a later run with the same ``--dir``, seeds and hazards.

    nice .venv/bin/python benchmarks/bench_memory.py [--docs 28] [--seed 987500]
        [--hazards clean rotated skew seal fax photo borderless] [--mode inprocess batch]
        [--workers 2] [--dir DIR] [--env NAME=VALUE ...]

``--env`` sets environment variables of the worker processes (e.g. ``MALLOC_ARENA_MAX=2``
or ``NIANBAO_MALLOC_TRIM=0``), to measure a setting against the defaults in one session.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scan_hazards import HAZARDS, make, peak_mib, reset_peak  # noqa: E402

DEFAULT_HAZARDS = ("clean", "rotated", "skew", "seal", "fax", "photo", "borderless")
SAMPLE_S = 0.1  # how often the batch mode reads its workers' /proc status
# The batch's per-file limit: a file past it replaces its worker, which would hide the growth
# measured here (a loaded machine takes minutes per scan).
BATCH_TIMEOUT_S = 3600.0
MIB = 1024 * 1024


def status_mib(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MiB (empty when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return {k: int(v.split()[0]) / 1024 for k, v in (ln.split(":", 1) for ln in f)
                    if k in ("VmRSS", "VmHWM")}
    except (OSError, ValueError):
        return {}


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]


def heap_mib() -> dict[str, float]:
    """glibc's view of this process's heap (mallinfo2): ``inuse`` (live allocations, mmap'd
    ones included), ``free`` (freed but still held by the allocator); empty where there is no
    glibc 2.33+."""
    try:
        f = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    f.restype = _Mallinfo2
    m = f()
    return {"inuse": (m.uordblks + m.hblkhd) / MIB, "free": m.fordblks / MIB}


def worker(files: list[str]) -> None:
    """Read ``files`` one after another in this process; a JSON line per document."""
    from pipeline.extract import extract_file

    trim = _timed_trim()
    for f in files:
        reset = reset_peak()
        trim["secs"] = 0.0
        t, cpu = time.perf_counter(), time.process_time()
        r = extract_file(f)
        secs, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(json.dumps({"path": f, "secs": secs, "cpu": cpu, "trim_secs": trim["secs"], "pages": r.pages,
                          "fields": r.fields,
                          "peak_mib": peak_mib(), "peak_reset": reset,
                          "rss_mib": status_mib().get("VmRSS", 0.0), "heap": heap_mib()}), flush=True)


def _timed_trim() -> dict:
    """Time spent giving memory back after each page (``scan.release_freed``), where the
    code under test has it: a dict whose ``secs`` the wrapper adds to."""
    from pipeline.backend import scan

    spent = {"secs": 0.0}
    inner = getattr(scan, "release_freed", None)
    if inner is not None:
        def timed():
            t = time.perf_counter()
            try:
                return inner()
            finally:
                spent["secs"] += time.perf_counter() - t
        scan.release_freed = timed
    return spent


def documents(n: int, seed: int, hazards: list[str], folder: Path) -> list[dict]:
    """The n documents (hazards in turn), written into ``folder`` unless already there."""
    index = folder / "documents.json"
    want = [(hazards[i % len(hazards)], seed + i) for i in range(n)]
    if index.exists():
        docs = json.loads(index.read_text())
        docs = docs[:n]  # a longer run's documents serve a shorter one
        if [(d["hazard"], d["seed"]) for d in docs] == want and all(Path(d["path"]).exists() for d in docs):
            return docs
    docs = [{"hazard": hz, "seed": s, **make(hz, s, folder)} for hz, s in want]
    index.write_text(json.dumps(docs, ensure_ascii=False))
    return docs


def cells(docs: list[dict], fields_by_path: dict[str, dict]) -> tuple[int, int, int]:
    """Cells right, cells, documents exact (a document with no result counts as wrong)."""
    from pipeline.scoring import cell_scores

    right = total = exact = 0
    for d in docs:
        sc = cell_scores(d["fields"], fields_by_path.get(d["path"]) or {})
        right, total, exact = right + sc["correct"], total + sc["total"], exact + (sc["correct"] == sc["total"])
    return right, total, exact


def run_inprocess(docs: list[dict], env: dict[str, str]) -> None:
    cmd = [sys.executable, __file__, "--worker", *[d["path"] for d in docs]]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"worker failed: {p.stderr[-3000:]}")
    rows = [json.loads(ln) for ln in p.stdout.splitlines() if ln.startswith("{")]
    hz = {d["path"]: f"{d['hazard']} {d['seed']}" for d in docs}
    print(f"inprocess: {len(rows)} documents in one process (wall {wall:.0f} s)")
    print(f"  {'#':>3} {'document':<18} {'pages':>5} {'s/page':>6} {'cpu/page':>8} {'peak':>6} {'RSS after':>9} "
          f"{'heap in use':>11} {'heap free':>9}  (MiB)  cells")
    gold = {d["path"]: d for d in docs}
    for i, r in enumerate(rows, 1):
        h = r["heap"] or {}
        n = max(r["pages"], 1)
        right, total, _ = cells([gold[r["path"]]], {r["path"]: r["fields"]})
        print(f"  {i:3d} {hz[r['path']]:<18} {r['pages']:5d} {r['secs'] / n:6.2f} {r.get('cpu', 0) / n:8.2f} "
              f"{r['peak_mib']:6.0f} {r['rss_mib']:9.0f} {h.get('inuse', 0):11.0f} {h.get('free', 0):9.0f}  "
              f"{right}/{total}")
    if not rows:
        return
    pages = sum(r["pages"] for r in rows)
    secs = sum(r["secs"] for r in rows)
    cpu = sum(r.get("cpu", 0.0) for r in rows)
    trim = sum(r.get("trim_secs", 0.0) for r in rows)
    worst = max(rows, key=lambda r: r["peak_mib"])
    half = max(1, len(rows) // 2)
    right, total, exact = cells(docs, {r["path"]: r["fields"] for r in rows})
    print(f"  worst peak {worst['peak_mib']:.0f} MiB ({hz[worst['path']]}, document "
          f"{rows.index(worst) + 1}); worst peak of the first {half} {max(r['peak_mib'] for r in rows[:half]):.0f}, "
          f"of the last {len(rows) - half} {max((r['peak_mib'] for r in rows[half:]), default=0):.0f}; RSS after the first "
          f"{rows[0]['rss_mib']:.0f}, after the last {rows[-1]['rss_mib']:.0f} (growth "
          f"{rows[-1]['rss_mib'] - rows[0]['rss_mib']:+.0f}); {secs / pages:.2f} s/page ({cpu / pages:.2f} CPU s/page; "
          f"giving memory back {1000 * trim / pages:.1f} ms/page) over {pages} pages; "
          f"cells {right}/{total} = {100 * right / max(total, 1):.2f}%, exact {exact}/{len(rows)}", flush=True)


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def run_batch_cli(docs: list[dict], folder: Path, workers: int, env: dict[str, str],
                  timeout_s: float = BATCH_TIMEOUT_S) -> None:
    """``nianbao batch`` over the documents; its workers' high-water marks as it runs."""
    out = Path(tempfile.mkdtemp(prefix="nianbao-mem-run-"))
    inputs = folder / "inputs"
    inputs.mkdir(exist_ok=True)
    for d in docs:  # only this run's documents, by link
        link = inputs / Path(d["path"]).name
        if not link.exists():
            link.symlink_to(d["path"])
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), "--out", str(out),
           "--workers", str(workers), "--timeout", str(timeout_s)]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    hwm: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in _descendants(p.pid):
                s = status_mib(pid)
                if s:
                    hwm[pid] = max(hwm.get(pid, 0.0), s.get("VmHWM", 0.0))
            time.sleep(SAMPLE_S)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    err = p.communicate()[1]
    done.set()
    th.join()
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"nianbao batch failed ({p.returncode}): {err[-3000:]}")
    summary = json.loads((out / "summary.json").read_text())
    fields = {}
    for ln in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
        o = json.loads(ln)
        fields[os.path.realpath(o["source"])] = o.get("fields") or {}
    right, total, exact = cells([{**d, "path": os.path.realpath(d["path"])} for d in docs], fields)
    big = sorted(hwm.values(), reverse=True)[:workers]  # the workers (the resource tracker is small)
    print(f"batch ({workers} workers): {summary['done']} done, {summary['failed']} failed, "
          f"{summary['pages']} pages in {wall:.0f} s; workers' high-water marks "
          f"{', '.join(f'{v:.0f}' for v in big)} MiB; cells {right}/{total} = "
          f"{100 * right / max(total, 1):.2f}%, exact {exact}/{len(docs)}; run in {out}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=28, help="generated reports")
    ap.add_argument("--seed", type=int, default=987500, help="first seed")
    ap.add_argument("--hazards", nargs="+", choices=HAZARDS, default=list(DEFAULT_HAZARDS),
                    help="the documents' hazards, in turn")
    ap.add_argument("--mode", nargs="+", choices=("inprocess", "batch"), default=["inprocess", "batch"])
    ap.add_argument("--workers", type=int, default=2, help="batch workers")
    ap.add_argument("--timeout", type=float, default=BATCH_TIMEOUT_S, help="batch's time limit per file (s)")
    ap.add_argument("--dir", help="keep (and reuse) the generated documents here")
    ap.add_argument("--env", nargs="*", default=[], metavar="NAME=VALUE", help="workers' environment")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.files)
        return 0
    env = dict(kv.split("=", 1) for kv in args.env)
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="nianbao-mem-"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    docs = documents(args.docs, args.seed, args.hazards, folder)
    print(f"{len(docs)} documents, seeds {args.seed}..{args.seed + args.docs - 1}, hazards in turn "
          f"{' '.join(args.hazards)}; files in {folder} ({time.perf_counter() - t:.0f} s to make); "
          f"workers' environment {env or 'as is'}; load average {os.getloadavg()[0]:.1f}", flush=True)
    if "inprocess" in args.mode:
        run_inprocess(docs, env)
    if "batch" in args.mode:
        run_batch_cli(docs, folder, args.workers, env, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch runs over a corpus: parallel, resumable, with CSV/Parquet/Excel exports.

A run directory holds an append-only journal and exports rebuilt from it:

* ``results.jsonl`` — one extract object per report read (``Result.as_dict``);
* ``errors.jsonl``  — one record per file that could not be read as a report
  (``file, sha256, kind, error, timeout_s``).

The main process is the only writer.  Each record is one complete line, written
with flush + fsync; a line torn by ``kill -9`` (no final newline) is cut off when
the next run starts.  A file's identity is the sha256 of its bytes, so a re-run
skips every content already in either journal and does the rest: nothing is lost
(a file killed mid-way has no record and is done again) and nothing is doubled.

Retry policy: errors are not retried (a corrupt file stays corrupt), except a
*timeout*, which is retried when the new run's time limit is longer than the one
it timed out under; ``retry_errors=True`` (``--retry-errors``) retries them all,
e.g. after an upgrade adds a backend.

Engines: ``local`` runs worker processes of its own (spawned, warmed up once,
killed and replaced when a file passes the time limit or the worker dies, e.g.
a segfault); ``ray`` runs one Ray task per file on a local or existing cluster.
Both yield the same ``(Job, object)`` pairs, so records and exports are the same.

Modules: ``inputs`` (paths, hashes, the plan), ``journal``, ``work`` (one file, in a worker),
``local`` and ``ray_engine`` (the engines), ``exports``, ``interrupt`` (signals); the run here.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

from .. import coverage
from ..limits import DEFAULT_LIMITS, DEFAULT_WORKERS, ENGINES, TIMEOUT_S, Limits
# The names the single module ``batch.py`` had stay importable from here.
from .exports import (CELLS_CSV, CELLS_PARQUET, CHECK_COLUMNS, CHECKS_CSV, CSV_ENCODING, DUPLICATE_COLUMNS,
                      DUPLICATES_CSV, ERROR_COLUMNS, ERRORS_CSV, EXCEL_MAX_ROWS, FACTS_PARQUET, FIELDS_CSV,
                      FIELDS_PARQUET, FIELDS_XLSX, MAX_LISTED_CHECKS, META_COLUMNS, STATUS_FILLS, SUMMARY,
                      _atomic, _write_csv, _write_xlsx, cells_frame, export, failed_list, field_label,
                      fields_frame, fields_row, is_decimal, status_row)
from .inputs import (HASH_CHUNK, OCR_EXTENSIONS, REPORT_EXTENSIONS, Job, Plan, _walk, error_key, file_sha256,
                     list_inputs, plan, should_retry)
from .interrupt import (EXIT_STATUS, STOP_SIGNALS, BatchInterrupted, _signals_ignored, _Stop,
                        _stop_on_signals)
from .journal import ERRORS, LOCK, RESULTS, append_record, drop_torn_tail, latest_errors, read_jsonl, run_lock
from .local import MAX_START_FAILURES, POLL_S, READY, WORKER_EXIT_WAIT_S, _Worker, _worker_main, run_local
from .ray_engine import _ray_task, run_ray
from .work import NOT_A_REPORT, WARM_UP_TEXT, _error_obj, _safe_call, failure_of, process_file, warm_up

DEFAULT_TIMEOUT_S = TIMEOUT_S  # per file, enforced by replacing the worker


def _hash_all(paths: list[str]) -> dict[str, str | OSError]:
    out: dict[str, str | OSError] = {}
    for p in paths:
        try:
            out[p] = file_sha256(p)
        except OSError as e:
            out[p] = e
    return out


def run_batch(inputs: Iterable[str], out_dir: str | Path, workers: int = DEFAULT_WORKERS,
              engine: str = "local", address: Optional[str] = None,
              timeout_s: float = DEFAULT_TIMEOUT_S, retry_errors: bool = False,
              progress: bool = True, task: Callable[[str], dict] = process_file,
              model: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
              facts_engine: Optional[str] = None) -> dict:
    """Read every input into ``out_dir`` (resuming what is there), write the exports; the summary.

    ``model``: a trained line classifier (folder or card) to label lines with instead of the
    shipped one; checked here first (``classifier.ModelError``).  ``limits``: pages and pixels
    per file (the time limit is ``timeout_s``).  ``facts_engine``: what runs the narrative
    facts pipeline (``facts.FACT_ENGINES``; default ``facts.DEFAULT_FACT_ENGINE``).
    Failures of single files are recorded, never raised; the exports and ``summary.json``
    are written at the end of every run, also one stopped by SIGINT (Ctrl-C) or SIGTERM, which then
    raises :class:`BatchInterrupted` (workers are stopped, a file they were reading is read again
    by the next run).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    from functools import partial
    if task is process_file and limits != DEFAULT_LIMITS:
        task = partial(process_file, limits=limits)
    if model:
        from ..classifier import load
        model = load(model).path  # refused here, not once per file
        task = partial(task, model=model)
    from ..facts import DEFAULT_FACT_ENGINE, FACT_ENGINES
    if facts_engine not in (None, DEFAULT_FACT_ENGINE):
        if facts_engine not in FACT_ENGINES:
            raise ValueError(f"unknown facts engine {facts_engine!r} (choose from {', '.join(FACT_ENGINES)})")
        task = partial(task, facts_engine=facts_engine)
    from tqdm import tqdm
    t0 = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with run_lock(out):
        for name in (RESULTS, ERRORS):
            if drop_torn_tail(out / name):
                print(f"nianbao: {name}: dropped a line torn by an interrupted run", file=sys.stderr)
        done = {o.get("sha256") for o in read_jsonl(out / RESULTS)}
        paths = list_inputs(inputs)
        p = plan(paths, _hash_all(paths), done, latest_errors(out), timeout_s, retry_errors)
        _write_csv(out / DUPLICATES_CSV, p.duplicates, DUPLICATE_COLUMNS)
        ok = failed = pages = n_partial = 0
        recovered = {"repaired": 0, "partial": 0}  # damaged files read (see datamodel.RECOVERY_STATUSES)
        interrupted: str | bool = "error"  # False when the run finishes, else what stopped it
        stopped: Optional[int] = None
        t1 = time.monotonic()
        run = run_ray if engine == "ray" else run_local
        kwargs = {"address": address} if engine == "ray" else {}
        ocr = any(os.path.splitext(j.path)[1].lower() in OCR_EXTENSIONS for j in p.jobs)
        bar = tqdm(total=p.processed, unit="file", file=sys.stderr, disable=not progress,
                   dynamic_ncols=True)
        try:
            with _stop_on_signals(), open(out / RESULTS, "a", encoding="utf-8") as rf, \
                    open(out / ERRORS, "a", encoding="utf-8") as ef:
                for rec in p.unreadable:
                    append_record(ef, rec)
                    failed += 1
                    bar.update(1)
                for job, obj in run(p.jobs, workers, timeout_s, task=task, ocr=ocr, **kwargs):
                    fail = failure_of(obj)
                    if fail:
                        # A file read but not a report keeps what was read (fields.csv lists it).
                        kept = {"result": obj} if fail[0] == "not_report" else {}
                        append_record(ef, {"file": job.path, "sha256": job.sha256, "kind": fail[0],
                                           "error": fail[1], "timeout_s": timeout_s, **kept})
                        failed += 1
                    else:
                        obj["source"], obj["sha256"] = job.path, obj.get("sha256") or job.sha256
                        append_record(rf, obj)
                        ok += 1
                        n_partial += coverage.outcome(obj) == "partial"
                        status = (obj.get("recovery") or {}).get("status")
                        if status in recovered:
                            recovered[status] += 1
                        pages += int(obj.get("pages") or 0)
                    bar.update(1)
                    bar.set_postfix(pages_s=f"{pages / max(time.monotonic() - t1, 1e-9):.1f}",
                                    failed=failed, refresh=False)
            interrupted = False
        except (_Stop, KeyboardInterrupt) as e:
            stopped = e.signum if isinstance(e, _Stop) else signal.SIGINT
            interrupted = signal.Signals(stopped).name
        finally:
            bar.close()
            if stopped is not None:
                print(f"nianbao: {interrupted}: stopping; writing the exports", file=sys.stderr)
            work_s = time.monotonic() - t1
            with _signals_ignored(STOP_SIGNALS):  # a second Ctrl-C must not leave half an export
                from ..corrections import apply_run  # a person's corrections reach every export
                corrected = apply_run(out, RESULTS)
                totals = export(out)
            summary = {
                "files": len(paths), "unique": len(paths) - len(p.duplicates),
                "duplicates": len(p.duplicates), "skipped": len(p.skipped),
                "processed": ok + failed, "done": ok, "failed": failed, "pages": pages,
                # of "done": reports with a template table partly or not read, and the rest
                "partial": n_partial, "clean": ok - n_partial,
                # damaged files read: rebuilt whole, or in part (pages lost)
                "repaired": recovered["repaired"], "damaged_partial": recovered["partial"],
                "seconds": round(time.monotonic() - t0, 3), "work_seconds": round(work_s, 3),
                "reports_per_minute": round(60 * (ok + failed) / work_s, 1) if ok + failed else 0.0,
                "engine": engine, "workers": workers, "timeout_s": timeout_s, "model": model,
                "interrupted": interrupted, "left": p.processed - ok - failed,
                "reports_corrected": corrected, **totals}
            with _signals_ignored(STOP_SIGNALS):
                _atomic(out / SUMMARY, lambda f: f.write_text(
                    json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"))
    if stopped is not None:
        raise BatchInterrupted(stopped, summary)
    return summary

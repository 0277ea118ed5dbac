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
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import multiprocessing as mp
import multiprocessing.connection
import os
import signal
import stat
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from . import coverage
from .memory import release_freed
from .limits import DEFAULT_LIMITS, DEFAULT_WORKERS, ENGINES, TIMEOUT_S, Limits
from .output import CELL_COLUMNS, EVIDENCE_COLUMNS, MIN_CONFIDENCE, cell_rows, csv_row
from .template import FORMATS, all_field_ids, get

# Extensions a folder walk picks up (files named on the command line are taken as they are).
REPORT_EXTENSIONS = frozenset({".pdf", ".txt", ".html", ".htm", ".docx",
                               ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
# Inputs that may need the OCR models (scanned PDFs, images): workers load them at start-up.
OCR_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
DEFAULT_TIMEOUT_S = TIMEOUT_S  # per file, enforced by replacing the worker
POLL_S = 0.5  # the local pool's longest wait between looks at the clock
WORKER_EXIT_WAIT_S = 2.0  # grace for a worker to exit on its own at the end of a run
MAX_START_FAILURES = 3  # workers that die before they are ready, in a row, before giving up
MAX_LISTED_CHECKS = 5  # failed checks named in fields.csv's short list
EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows less the header; a bigger run gets no fields.xlsx
HASH_CHUNK = 1 << 20

RESULTS, ERRORS = "results.jsonl", "errors.jsonl"
FIELDS_CSV, FIELDS_PARQUET, FIELDS_XLSX = "fields.csv", "fields.parquet", "fields.xlsx"
CELLS_CSV, CELLS_PARQUET = "cells.csv", "cells.parquet"
FACTS_PARQUET = "facts.parquet"  # a row per narrative fact (pipeline.facts.fact_rows)
# fields.csv opens in Chinese-locale Excel only with a byte-order mark.
CSV_ENCODING = "utf-8-sig"
CHECKS_CSV, ERRORS_CSV, DUPLICATES_CSV, SUMMARY = "checks.csv", "errors.csv", "duplicates.csv", "summary.json"
LOCK = ".lock"

# fields.* columns before the field ids, with their spreadsheet headers.
META_COLUMNS = {"source": "文件", "agency": "机关", "year": "年度", "template": "模板",
                "failed_checks": "未通过校验数", "failed_list": "未通过校验", "published": "发布日期",
                "sha256": "SHA-256", "status": "状态", "recovery": "损坏修复", "corrected": "人工更正字段", "kind": "类型", "agency_canonical": "机关（规范名）",
                "cells_printed": "印有数值", "cells_blank": "空白单元格", "cells_absent": "未印",
                "cells_inferred": "规则推得", "cells_placed": "规则定列", "cells_reread": "重新识别",
                "cells_decoded": "规则拆分", "cells_ambiguous": "多解留空", "cells_doubtful": "存疑读数",
                "cells_corrected": "人工更正",
                MIN_CONFIDENCE: "最低识别置信度"}
# Statuses shaded in fields.xlsx (values the rules or a person chose), with their legend.
STATUS_FILLS = {"inferred": ("FFF2CC", "由勾稽关系推得（该格未印出或未读出）"),
                "placed": ("FCE4D6", "印出的数，所在列由勾稽关系确定（该行印少了格），或所在行由表的行序确定（行名无法识别）"),
                "reread": ("DDEBF7", "OCR 复读后改变的读数（使校验通过）"),
                "decoded": ("E2EFDA", "由连写数字按规则拆分"),
                "ambiguous": ("F8CBAD", "留空：多种读法都符合规则"),
                "doubtful": ("F4B084", "印章下或传真件上的读数：几次读法不一或勾稽关系不平，且无规则可确认，请核对"),
                "corrected": ("D9D2E9", "人工更正")}
# ``published_inconsistency``: a person confirmed the report prints it so (``nianbao review``).
CHECK_COLUMNS = ("source", "sha256", "rule", "where", "detail", "published_inconsistency")
ERROR_COLUMNS = ("file", "sha256", "kind", "error")
DUPLICATE_COLUMNS = ("file", "sha256", "same_as")
NOT_A_REPORT = "no report tables found (not a report, or its tables could not be read)"


@dataclass(frozen=True)
class Job:
    """One file to read: its path as given and its content hash."""
    path: str
    sha256: str


# --- inputs ---------------------------------------------------------------------------

def _walk(folder: Path) -> list[str]:
    """Report-like files under a folder, recursively, sorted (dangling links included)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        out += [os.path.join(root, f) for f in sorted(files)
                if os.path.splitext(f)[1].lower() in REPORT_EXTENSIONS]
    return out


def list_inputs(inputs: Iterable[str]) -> list[str]:
    """Expand folders (walked for report extensions), globs and files into paths, in order, once each.

    A named path that does not exist is kept: it becomes an error record, not a silent skip.
    """
    paths: list[str] = []
    for arg in inputs:
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        for m in matches:
            paths += _walk(Path(m)) if os.path.isdir(m) else [m]
    return list(dict.fromkeys(os.path.normpath(p) for p in paths))


def file_sha256(path: str) -> str:
    """sha256 of a regular file's bytes; OSError for anything else (dangling link, folder, fifo)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(f"not a regular file: {path}")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(HASH_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def error_key(rec: dict) -> str:
    """What identifies a failed input: its hash, or its path when it could not be hashed."""
    return rec.get("sha256") or f"path:{rec.get('file')}"


@dataclass
class Plan:
    """What a run does with its inputs."""
    jobs: list[Job] = field(default_factory=list)  # to read now
    skipped: list[str] = field(default_factory=list)  # content done (or failed) in an earlier run
    duplicates: list[dict] = field(default_factory=list)  # same content as an earlier input
    unreadable: list[dict] = field(default_factory=list)  # error records of files that cannot be hashed

    @property
    def processed(self) -> int:
        return len(self.jobs) + len(self.unreadable)


def should_retry(err: dict, timeout_s: float, retry_errors: bool) -> bool:
    """Retry a recorded failure? Only timeouts under a shorter limit, unless asked for all."""
    if retry_errors:
        return True
    return err.get("kind") == "timeout" and timeout_s > float(err.get("timeout_s") or 0)


def plan(paths: list[str], hashes: dict[str, str | OSError], done: set[str], failed: dict[str, dict],
         timeout_s: float, retry_errors: bool = False) -> Plan:
    """Split the inputs into jobs, skips, duplicates and unreadable files (pure)."""
    p, first = Plan(), {}
    for path in paths:
        h = hashes[path]
        if isinstance(h, OSError):
            key = f"path:{path}"
            if key in failed and not retry_errors:
                p.skipped.append(path)
            else:
                p.unreadable.append({"file": path, "sha256": "", "kind": "unreadable",
                                     "error": f"cannot read file: {h.strerror or h}"})
            continue
        if h in first:
            p.duplicates.append({"file": path, "sha256": h, "same_as": first[h]})
            continue
        first[h] = path
        if h in done or (h in failed and not should_retry(failed[h], timeout_s, retry_errors)):
            p.skipped.append(path)
        else:
            p.jobs.append(Job(path, h))
    return p


# --- the journal ------------------------------------------------------------------------

def drop_torn_tail(path: Path) -> int:
    """Cut a journal after its last newline (a line torn by a kill); bytes dropped."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    with open(path, "rb+") as f:
        pos, keep = size, 0
        while pos > 0:
            step = min(HASH_CHUNK, pos)
            f.seek(pos - step)
            i = f.read(step).rfind(b"\n")
            if i >= 0:
                keep = pos - step + i + 1
                break
            pos -= step
        if keep < size:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())
    return size - keep


def read_jsonl(path: Path) -> Iterator[dict]:
    """The records of a journal, streamed; a line that does not parse is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                print(f"nianbao: {path.name}: skipping a damaged line", file=sys.stderr)


def append_record(f, obj: dict) -> None:
    """Append one record as one complete line and make it durable before going on."""
    f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    f.flush()
    os.fsync(f.fileno())


def latest_errors(out: Path) -> dict[str, dict]:
    """The last error record per input key."""
    return {error_key(e): e for e in read_jsonl(out / ERRORS)}


@contextlib.contextmanager
def run_lock(out: Path):
    """Hold the run directory for this process (two runs at once would double records)."""
    with open(out / LOCK, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another batch is running in {out}") from None
        yield


# --- the work done per file ---------------------------------------------------------------

_WARM = False
WARM_UP_TEXT = "二、主动公开政府信息情况\n规章|0|0|0\n"


def warm_up(ocr: bool = False) -> None:
    """Load what a worker needs once: the pipeline's modules, and the OCR models when asked."""
    global _WARM
    if _WARM:
        return
    from .backend.text import read_text
    from .extract import extract_document
    extract_document(read_text(WARM_UP_TEXT.encode(), "warm-up", ""))
    if ocr:
        with contextlib.suppress(ImportError):
            from .ocr import get_engine
            get_engine()
    _WARM = True


def process_file(path: str, model: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
                 facts_engine: Optional[str] = None) -> dict:
    """Worker task: one file's extract object (lines labelled by the model at ``model``, else
    the shipped one; narrative facts run by ``facts_engine``, else the default one) under
    ``limits`` (its time limit is the engine's to enforce: a timeout record, retried under a
    longer one); an exception becomes an ``internal`` error object."""
    import dataclasses
    from .extract import extract_file
    try:
        labeler = classify = None
        if model:
            from .classifier import load_cached
            labeler = load_cached(model)
        if facts_engine:
            from .facts import engine_classifier
            classify = engine_classifier(facts_engine)  # loaded once per worker process
        return extract_file(path, labeler, limits=dataclasses.replace(limits, timeout_s=None),
                            classify=classify).as_dict()
    except Exception as e:  # a bug on one file must not lose the others
        return {"source": path, "error": f"internal error: {type(e).__name__}: {e}", "kind": "internal"}


def failure_of(obj: dict) -> Optional[tuple[str, str]]:
    """``(kind, message)`` when an outcome is not a report, else None."""
    if obj.get("kind"):
        return obj["kind"], obj.get("error", "")
    if obj.get("error"):
        return "input", obj["error"]
    if not obj.get("template") and (obj.get("meta") or {}).get("kind") != "pre-2019-report":
        rec = obj.get("recovery")  # a damaged file: what was lost may be why
        return "not_report", NOT_A_REPORT + (f"; {obj['warnings'][0]}" if rec and obj.get("warnings") else "")
    return None


def _error_obj(kind: str, message: str) -> dict:
    return {"kind": kind, "error": message}


def _safe_call(task: Callable[[str], dict], path: str) -> dict:
    """``task(path)``, an exception as an ``internal`` error object; then what the file
    freed goes back to the system (workers are long-lived: ``pipeline.memory``)."""
    try:
        return task(path)
    except Exception as e:
        return _error_obj("internal", f"internal error: {type(e).__name__}: {e}")
    finally:
        release_freed()


# --- local engine: own worker processes -----------------------------------------------------

READY = "ready"


def _worker_main(conn, task: Callable[[str], dict], ocr: bool) -> None:
    """A worker: warm up, say so, then read paths and send back objects until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    with contextlib.suppress(Exception):
        warm_up(ocr)
    try:
        conn.send(READY)
        while True:
            path = conn.recv()
            conn.send(_safe_call(task, path))
    except (EOFError, OSError):  # the pipe closed: the run ended or stopped while we worked
        return


class _Worker:
    """One worker process, the job it holds and that job's deadline."""

    def __init__(self, ctx, task, ocr: bool):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, task, ocr), daemon=True)
        with _signals_ignored((signal.SIGINT,)):  # inherited: a Ctrl-C during start-up is not its own
            self.proc.start()
        child.close()
        self.ready, self.job, self.deadline, self.limit = False, None, 0.0, 0.0

    def assign(self, job: Job, timeout_s: float) -> None:
        self.job, self.limit, self.deadline = job, timeout_s, time.monotonic() + timeout_s
        self.conn.send(os.path.abspath(job.path))

    def step(self) -> tuple[Optional[tuple[Job, dict]], bool]:
        """What the worker has to say: (a finished job and its object, or None; must be replaced)."""
        if self.conn.poll():
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):
                return self._died()
            if msg == READY:
                self.ready = True
                return None, False
            job, self.job = self.job, None
            return (job, msg), False
        if not self.proc.is_alive():
            return self._died()
        if self.job and time.monotonic() > self.deadline:
            job = self.job
            self.kill()
            return (job, _error_obj("timeout", f"timed out after {self.limit:g} s; worker replaced")), True
        return None, False

    def _died(self) -> tuple[Optional[tuple[Job, dict]], bool]:
        job = self.job
        self.kill()
        if job is None:
            return None, True
        return (job, _error_obj("crash", f"worker died (exit code {self.proc.exitcode})")), True

    def kill(self) -> None:
        self.job = None
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()

    def stop(self) -> None:
        """End an idle worker by closing its pipe; kill it if it does not go."""
        self.conn.close()
        self.proc.join(WORKER_EXIT_WAIT_S)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def run_local(jobs: list[Job], workers: int, timeout_s: float,
              task: Callable[[str], dict] = process_file, ocr: bool = False) -> Iterator[tuple[Job, dict]]:
    """Run jobs on ``workers`` spawned processes; yield each job with its object as it finishes.

    A job over ``timeout_s`` or whose worker dies yields a ``timeout``/``crash`` error object,
    and the worker is replaced; the other jobs go on.
    """
    if not jobs:
        return
    ctx = mp.get_context("spawn")
    queue = deque(jobs)
    pool = [_Worker(ctx, task, ocr) for _ in range(max(1, min(workers, len(jobs))))]
    start_failures = 0
    try:
        while queue or any(w.job for w in pool):
            for w in pool:
                if w.ready and w.job is None and queue:
                    w.assign(queue.popleft(), timeout_s)
            multiprocessing.connection.wait(
                [w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout=POLL_S)
            for i, w in enumerate(pool):
                was_ready = w.ready
                outcome, replace = w.step()
                if replace:
                    start_failures = 0 if was_ready else start_failures + 1
                    if start_failures > MAX_START_FAILURES:
                        raise RuntimeError("batch workers die while starting up")
                    pool[i] = _Worker(ctx, task, ocr)
                if outcome:
                    yield outcome
    finally:
        for w in pool:
            w.kill() if w.job else w.stop()


# --- ray engine -------------------------------------------------------------------------------

def _ray_task(task: Callable[[str], dict], path: str, ocr: bool) -> dict:
    """One file in a Ray worker; the worker process warms up on its first file and keeps it."""
    with contextlib.suppress(Exception):
        warm_up(ocr)
    return _safe_call(task, path)


def run_ray(jobs: list[Job], workers: int, timeout_s: float, address: Optional[str] = None,
            task: Callable[[str], dict] = process_file, ocr: bool = False) -> Iterator[tuple[Job, dict]]:
    """Run jobs as Ray tasks, one per file, on the cluster at ``address`` or a new local one.

    A new local cluster gets ``workers`` CPUs; on a joined cluster as many files run at once as
    it has CPUs.  The files must be readable at the same path on every node.  A task over
    ``timeout_s`` (counted from submission; no more tasks are in flight than CPUs) is cancelled,
    which kills its worker.
    """
    if not jobs:
        return
    import ray
    own = not ray.is_initialized()
    if own:
        ray.init(address=address or "local", num_cpus=None if address else workers,
                 include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        slots = int(ray.cluster_resources().get("CPU", workers)) if address else workers
        remote = ray.remote(num_cpus=1, max_retries=0)(_ray_task)
        queue, running = deque(jobs), {}
        while queue or running:
            while queue and len(running) < max(1, slots):
                job = queue.popleft()
                running[remote.remote(task, os.path.abspath(job.path), ocr)] = (job, time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
            for ref in ready:
                job, _t = running.pop(ref)
                try:
                    yield job, ray.get(ref)
                except ray.exceptions.RayError as e:
                    kind = "crash" if isinstance(e, ray.exceptions.WorkerCrashedError) else "internal"
                    yield job, _error_obj(kind, f"ray task failed: {type(e).__name__}")
            now = time.monotonic()
            for ref, (job, t0) in list(running.items()):
                if now - t0 > timeout_s:
                    ray.cancel(ref, force=True)
                    del running[ref]
                    yield job, _error_obj("timeout", f"timed out after {timeout_s:g} s; task cancelled")
    finally:
        if own:
            ray.shutdown()


# --- exports ----------------------------------------------------------------------------------

def failed_list(checks: list[dict]) -> str:
    """The first failed checks as ``rule@where``, and how many more."""
    bad = [f"{c['rule']}@{c['where']}" for c in checks if not c.get("ok")]
    more = f"; +{len(bad) - MAX_LISTED_CHECKS} more" if len(bad) > MAX_LISTED_CHECKS else ""
    return "; ".join(bad[:MAX_LISTED_CHECKS]) + more


def fields_row(obj: dict) -> dict:
    """One report's row of fields.*: the meta columns, then every field id (via ``csv_row``)."""
    row = csv_row(obj)
    row["failed_list"] = failed_list(obj.get("checks") or [])
    row["status"] = coverage.outcome(obj)  # partial: a template table partly or not read
    row["recovery"] = (obj.get("recovery") or {}).get("status")  # repaired / partial: a damaged file
    row["corrected"] = "; ".join((obj.get("review") or {}).get("corrected", []))
    return {**{k: row.get(k) for k in META_COLUMNS}, **{f: row[f] for f in all_field_ids()}}


def status_row(obj: dict) -> dict:
    """field id -> status of one report's cells (fields.xlsx shades by it)."""
    return {f: c.get("status") for f, c in (obj.get("cells") or {}).items()}


def field_label(field_id: str) -> str:
    """A field's Chinese header: the 2021 template's label, or the 2019 one for 2019-only fields."""
    for name in FORMATS:
        try:
            return get(name).label(field_id)
        except KeyError:
            continue
    return field_id


def is_decimal(field_id: str) -> bool:
    """Money fields hold decimals; every other field is a count."""
    for name in FORMATS:
        with contextlib.suppress(KeyError):
            if get(name).column(field_id).decimal:
                return True
    return False


def fields_frame(rows: list[dict]):
    """fields.* as a DataFrame with stable types: counts Int64, money Float64, meta strings."""
    import pandas as pd
    df = pd.DataFrame(rows, columns=list(META_COLUMNS) + all_field_ids())
    for col in df.columns:
        if col == MIN_CONFIDENCE:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
        elif col in ("year", "failed_checks") or col in EVIDENCE_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif col in META_COLUMNS:
            df[col] = df[col].astype("string")
        else:
            kind = "Float64" if is_decimal(col) else "Int64"
            try:
                df[col] = df[col].astype(kind)
            except (TypeError, ValueError):  # a count that is not an integer (a failed check says so)
                df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
    return df


def cells_frame(rows: list[dict]):
    """cells.* (long form) with stable types: value and coordinates Float64, page Int64."""
    import pandas as pd
    df = pd.DataFrame(rows, columns=list(CELL_COLUMNS))
    for col in df.columns:
        if col in ("page", "start", "end"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif col in ("value", "x0", "top", "x1", "bottom", "confidence", "previous_value"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
        else:
            df[col] = df[col].astype("string")
    return df


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary name, then rename: a kill never leaves a half-written export."""
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_csv(path: Path, rows: list[dict], columns: Iterable[str]) -> None:
    import pandas as pd
    _atomic(path, lambda p: pd.DataFrame(rows, columns=list(columns)).to_csv(p, index=False))


def _write_xlsx(path: Path, df, statuses: Optional[list[dict]] = None) -> None:
    """Chinese labels as headers; a second sheet maps each label to its field id; a third
    is the legend of the shading.  Values the rules or a person chose (``STATUS_FILLS``,
    from ``statuses``: one field -> status map per row) are shaded; the header is frozen
    and filters are on.

    Control characters (which Excel files cannot hold) are dropped from text cells.
    """
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import PatternFill
    if len(df) > EXCEL_MAX_ROWS:
        print(f"nianbao: {len(df)} reports do not fit one Excel sheet; no {path.name}", file=sys.stderr)
        path.unlink(missing_ok=True)
        return
    labels = {c: META_COLUMNS.get(c) or field_label(c) for c in df.columns}
    df = df.copy()
    for col in df.select_dtypes("string").columns:
        df[col] = df[col].str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True)
    fills = {s: PatternFill("solid", start_color=rgb, end_color=rgb) for s, (rgb, _) in STATUS_FILLS.items()}
    col_of = {c: i + 1 for i, c in enumerate(df.columns)}

    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as xw:
            df.rename(columns=labels).to_excel(xw, sheet_name="报告", index=False)
            pd.DataFrame({"表头": list(labels.values()), "field_id": list(labels)}).to_excel(
                xw, sheet_name="字段", index=False)
            legend = [("印出（无底色）", "文件中印出的数；空白格与未印的格也无底色")] + \
                [(s, text) for s, (_, text) in STATUS_FILLS.items()]
            pd.DataFrame(legend, columns=["状态", "说明"]).to_excel(xw, sheet_name="图例", index=False)
            ws = xw.sheets["报告"]
            ws.freeze_panes = "B2"
            ws.auto_filter.ref = ws.dimensions
            for r, row in enumerate(statuses or [], start=2):
                for fid, status in row.items():
                    if status in fills and fid in col_of:
                        ws.cell(row=r, column=col_of[fid]).fill = fills[status]
            key = xw.sheets["图例"]
            for r, (status, _) in enumerate(legend[1:], start=3):
                key.cell(row=r, column=1).fill = fills[status]
    _atomic(path, write)


def export(out: Path) -> dict[str, int]:
    """Rebuild every export from the journal; counts of reports, failed checks and errors.

    The corpus comparisons (``pipeline.corpus``) run over the whole directory: canonical
    agencies in fields.*, every comparison in cross_year.csv, failures in checks.csv.
    """
    from . import corpus
    corp = corpus.analyse(out)
    canonical = corp.canonical
    from .facts import fact_rows, facts_frame
    seen, per_report = set(), []
    for obj in read_jsonl(out / RESULTS):
        if obj.get("sha256") in seen:
            continue
        seen.add(obj.get("sha256"))
        row = {**fields_row(obj), "agency_canonical": canonical.get(obj.get("sha256"))}
        per_report.append((str(obj.get("source")), row, status_row(obj), cell_rows(obj), fact_rows(obj),
                           [{"source": obj.get("source"), "sha256": obj.get("sha256"), **c,
                             "published_inconsistency": bool(c.get("published"))}
                            for c in obj.get("checks") or [] if not c.get("ok")]))
    # The journal is in the order the workers finished; the exports are in the order of the
    # reports' paths, so two runs over the same files write the same files.
    per_report.sort(key=lambda r: r[0])
    rows = [r[1] for r in per_report]
    statuses = [r[2] for r in per_report]
    cells = [c for r in per_report for c in r[3]]
    facts = [f for r in per_report for f in r[4]]
    checks = [c for r in per_report for c in r[5]]
    del per_report
    errors = [e for k, e in latest_errors(out).items() if k not in seen]
    rows += [{**fields_row({**e["result"], "source": e["file"], "sha256": e["sha256"]}),
              "agency_canonical": canonical.get(e["sha256"])}
             for e in errors if isinstance(e.get("result"), dict)]  # read, not a report
    checks += corp.failed_checks()
    _write_csv(out / corpus.CROSS_YEAR_CSV, corpus.cross_year_rows(corp), corpus.CROSS_COLUMNS)
    df = fields_frame(rows)
    _atomic(out / FIELDS_CSV, lambda p: df.to_csv(p, index=False, encoding=CSV_ENCODING))
    _atomic(out / FIELDS_PARQUET, lambda p: df.to_parquet(p, index=False))
    _write_xlsx(out / FIELDS_XLSX, df, statuses)
    cf = cells_frame(cells)
    _atomic(out / CELLS_CSV, lambda p: cf.to_csv(p, index=False, encoding=CSV_ENCODING))
    _atomic(out / CELLS_PARQUET, lambda p: cf.to_parquet(p, index=False))
    _atomic(out / FACTS_PARQUET, lambda p: facts_frame(facts).to_parquet(p, index=False))
    _write_csv(out / CHECKS_CSV, checks, CHECK_COLUMNS)
    _write_csv(out / ERRORS_CSV, errors, ERROR_COLUMNS)
    return {"reports_total": len(rows), "partial_total": sum(r["status"] == "partial" for r in rows),
            "failed_checks_total": len(checks), "errors_total": len(errors)}


# --- interruptions ------------------------------------------------------------------------------

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Exit statuses of a run stopped by a signal (128 + its number, as shells report it).
EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}


class BatchInterrupted(Exception):
    """A run stopped by SIGINT or SIGTERM after writing its journal and exports; ``summary``
    is the run's summary (``interrupted`` holds the signal's name)."""

    def __init__(self, signum: int, summary: dict):
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum, self.summary = signum, summary

    @property
    def exit_status(self) -> int:
        return EXIT_STATUS.get(self.signum, 128 + self.signum)


class _Stop(BaseException):
    """Raised by the signal handlers in the main thread (a BaseException, like KeyboardInterrupt,
    so no ``except Exception`` on the way swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum


@contextlib.contextmanager
def _signals_ignored(signums):
    """Ignore these signals for a while (main thread only; elsewhere a no-op)."""
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, signal.SIG_IGN) for s in signums}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def _stop_on_signals():
    """SIGINT and SIGTERM raise :class:`_Stop` in the main thread while this holds."""
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise _Stop(signum)
    old = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


# --- the run ----------------------------------------------------------------------------------

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
    are written at the end of every run, also one stopped by SIGINT (Ctrl-C) or SIGTERM, which then raises :class:`BatchInterrupted`
    (workers are stopped, a file they were reading is read again by the next run).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    from functools import partial
    if task is process_file and limits != DEFAULT_LIMITS:
        task = partial(process_file, limits=limits)
    if model:
        from .classifier import load
        model = load(model).path  # refused here, not once per file
        task = partial(task, model=model)
    from .facts import DEFAULT_FACT_ENGINE, FACT_ENGINES
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
                from .corrections import apply_run  # a person's corrections reach every export
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

"""A person's corrections of a run: kept, audited, applied to the results, learned from.

``RUN_DIR/corrections.jsonl`` is append-only, one JSON object a line, each naming
the report by its sha256, who (``user``) and when (``at``, UTC ISO 8601):

* a cell: ``{"sha256", "field", "value", "user", "at", "note"}`` — ``value`` the
  number the report prints there (null: it prints none).  The value the cell
  already has confirms it;
* a line label: ``{"sha256", "page", "line", "label", "user", "at", "text"}`` —
  ``line`` the line's index on its page (from 0) as the reader gives it, ``text``
  the line read then (a guard: a re-read that moved the line is reported, not
  mislabelled);
* a failed check as printed: ``{"sha256", "check": {"rule", "where"}, "kind":
  "published_inconsistency", "user", "at", "note"}`` — the report prints numbers
  that do not add up; the check stays failed (reported, never "fixed").

``apply`` turns a run's extract object into the corrected one: a corrected cell
gets status ``corrected`` with the record it replaced in ``previous``, and the
checks are run again on the corrected values.  It first undoes any correction the
object already carries, so applying twice gives the same object (``nianbao
batch`` rewrites ``results.jsonl`` with it before the exports).  Later records
win over earlier ones for the same cell, line or check.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Optional

from .datamodel import LABELS

CORRECTIONS = "corrections.jsonl"
INCONSISTENCY = "published_inconsistency"
CELL_KEYS = ("sha256", "field", "value", "user", "at", "note")
LINE_KEYS = ("sha256", "page", "line", "label", "user", "at")


def now() -> str:
    """The time a correction is made, UTC, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


# --- records -----------------------------------------------------------------------------

def cell_record(sha256: str, field: str, value: Optional[float], user: str, note: str = "",
                at: Optional[str] = None) -> dict:
    """A cell's correction (or confirmation, when ``value`` is the value it has)."""
    return {"sha256": sha256, "field": field, "value": value, "user": user, "at": at or now(),
            "note": note}


def line_record(sha256: str, page: int, line: int, label: str, user: str, text: str = "",
                at: Optional[str] = None) -> dict:
    """A line's label, ``line`` its index on ``page``."""
    return {"sha256": sha256, "page": page, "line": line, "label": label, "user": user,
            "at": at or now(), "text": text}


def check_record(sha256: str, rule: str, where: str, user: str, note: str = "",
                 at: Optional[str] = None) -> dict:
    """A failed check marked as an inconsistency the report itself prints."""
    return {"sha256": sha256, "check": {"rule": rule, "where": where}, "kind": INCONSISTENCY,
            "user": user, "at": at or now(), "note": note}


def kind_of(rec: dict) -> str:
    """``cell``, ``line`` or ``check``; ValueError for anything else."""
    if not isinstance(rec, dict) or not isinstance(rec.get("sha256"), str) or not rec["sha256"]:
        raise ValueError("a correction names its report by sha256")
    if not isinstance(rec.get("user"), str) or not rec.get("at"):
        raise ValueError("a correction says who made it (user) and when (at)")
    if "field" in rec:
        v = rec.get("value")
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise ValueError(f"{rec['field']}: a cell's value is a number or null, not {v!r}")
        return "cell"
    if "label" in rec:
        if rec["label"] not in LABELS:
            raise ValueError(f"unknown label {rec['label']!r} (labels: {', '.join(LABELS)})")
        if not all(isinstance(rec.get(k), int) and rec[k] >= 0 for k in ("page", "line")):
            raise ValueError("a line label names its page and its line's index on the page")
        return "line"
    if rec.get("kind") == INCONSISTENCY and isinstance(rec.get("check"), dict):
        return "check"
    raise ValueError(f"not a correction: {json.dumps(rec, ensure_ascii=False)[:120]}")


# --- the file ------------------------------------------------------------------------------

def path_of(run_dir: str | Path) -> Path:
    return Path(run_dir) / CORRECTIONS


def append(run_dir: str | Path, rec: dict) -> dict:
    """Check one record and append it as one complete, durable line; returns it."""
    kind_of(rec)
    line = json.dumps(rec, ensure_ascii=False) + "\n"
    # One write on an O_APPEND descriptor: concurrent writers never interleave a line.
    fd = os.open(path_of(run_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return rec


def read(run_dir: str | Path) -> list[dict]:
    """Every valid record, in the order made; a damaged or invalid line is reported and skipped."""
    p = path_of(run_dir)
    if not p.is_file():
        return []
    out = []
    with open(p, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
                kind_of(rec)
            except ValueError as e:
                print(f"nianbao: {p.name}:{n}: skipped ({e})", file=sys.stderr)
                continue
            out.append(rec)
    return out


def of_report(records: Iterable[dict], sha256: str, kind: Optional[str] = None) -> list[dict]:
    """A report's records (of one kind), in order."""
    return [r for r in records if r["sha256"] == sha256 and (kind is None or kind_of(r) == kind)]


def latest_lines(records: Iterable[dict], sha256: str) -> dict[tuple[int, int], dict]:
    """(page, line index) -> the last label record for that line of a report."""
    return {(r["page"], r["line"]): r for r in of_report(records, sha256, "line")}


# --- applying them to an extract object ------------------------------------------------------

def _restore(obj: dict) -> bool:
    """Undo the corrections an object carries (cells back to ``previous``); True if any."""
    cells = obj.get("cells") or {}
    changed = False
    for f, c in list(cells.items()):
        if c.get("confirmed"):
            c.pop("confirmed")
            changed = True
        if c.get("status") == "corrected" and isinstance(c.get("previous"), dict):
            prev = c["previous"]
            cells[f] = prev
            obj["fields"][f] = prev.get("value")
            if prev.get("status") == "inferred" and f not in obj.setdefault("inferred", []):
                obj["inferred"].append(f)
            if prev.get("status") == "ambiguous":
                obj.setdefault("ambiguous", {})[f] = prev.get("candidates") or []
            changed = True
    for c in obj.get("checks") or []:
        if c.pop("published", None) is not None:
            changed = True
    obj.pop("review", None)
    return changed


def _recheck(obj: dict) -> None:
    """Run the checks again on the object's (corrected) fields, as extraction runs them."""
    from . import checks, facts, narrative
    from .template import get
    statuses = {f: c.get("status") for f, c in (obj.get("cells") or {}).items()}
    template = get(obj["template"])
    out = checks.run_checks(template, obj["fields"], statuses)
    if "facts" in obj:  # the narrative's facts, as extraction checks them
        out += facts.fact_checks([facts.fact_from_dict(f) for f in obj["facts"]], obj["template"],
                                 obj["fields"], statuses)
    else:
        out += checks.stated_checks(obj["fields"], narrative.stated_fields(obj.get("meta") or {}), statuses)
    obj["checks"] = [c.as_dict() for c in out]


def _same(a, b) -> bool:
    return a is None and b is None or (a is not None and b is not None and float(a) == float(b))


def apply(obj: dict, records: Iterable[dict]) -> dict:
    """The extract object with a run's corrections applied (in place; returned).

    Objects without a template or of other reports pass unchanged (less any
    correction they carried).  A cell record for a field the report's template
    does not have is ignored with a warning in ``review``.
    """
    records = [r for r in records if r.get("sha256") == obj.get("sha256")]
    undone = _restore(obj)
    if not obj.get("template"):
        return obj
    fields, cells = obj["fields"], obj.setdefault("cells", {})
    review = {"corrected": [], "confirmed": [], "inconsistencies": [], "lines_relabelled": 0,
              "ignored": []}
    latest = {r["field"]: r for r in records if kind_of(r) == "cell"}
    for f, r in latest.items():
        if f not in fields:
            review["ignored"].append(f)
            continue
        by = {"user": r["user"], "at": r["at"], "note": r.get("note", "")}
        old = cells.get(f) or {"value": fields[f], "status": "absent" if fields[f] is None else "printed"}
        if _same(old.get("value"), r["value"]):
            cells[f] = dict(old, confirmed=by)
            review["confirmed"].append(f)
            continue
        cells[f] = {"value": r["value"], "status": "corrected", "page": old.get("page"),
                    "box": old.get("box"), "text": old.get("text"), "span": old.get("span"),
                    "confidence": None, "candidates": [], "previous": old, "by": by}
        fields[f] = r["value"]
        if f in obj.get("inferred", []):
            obj["inferred"].remove(f)
        (obj.get("ambiguous") or {}).pop(f, None)
        review["corrected"].append(f)
    if review["corrected"] or undone:
        _recheck(obj)
    marks = {(r["check"]["rule"], r["check"]["where"]): r for r in records if kind_of(r) == "check"}
    for c in obj.get("checks") or []:
        r = marks.get((c["rule"], c["where"]))
        if r and not c["ok"]:
            c["published"] = {"user": r["user"], "at": r["at"], "note": r.get("note", "")}
            review["inconsistencies"].append(f"{c['rule']}@{c['where']}")
    review["lines_relabelled"] = len(latest_lines(records, obj["sha256"]))
    if any(review.values()):
        obj["review"] = review
    return obj


def apply_run(run_dir: str | Path, results: str = "results.jsonl") -> int:
    """Rewrite a run's ``results.jsonl`` with its corrections applied; the reports they touch.

    The caller holds the run (``batch.run_lock``).  The file is replaced in one
    rename, so a kill leaves the old or the new journal, never half of one.
    Nothing is rewritten while the run has no corrections file.
    """
    run = Path(run_dir)
    src = run / results
    if not path_of(run).is_file() or not src.is_file():
        return 0
    records = read(run)
    tmp = src.with_name(src.name + ".tmp")
    changed = 0
    with open(src, encoding="utf-8") as fin, open(tmp, "w", encoding="utf-8") as fout:
        for raw in fin:
            try:
                obj = json.loads(raw)
            except ValueError:
                fout.write(raw)  # kept as it was: the journal's reader reports it
                continue
            obj = apply(obj, records)
            changed += "review" in obj
            fout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        fout.flush()
        os.fsync(fout.fileno())
    os.replace(tmp, src)
    return changed


# --- line labels: a report's lines as its run labelled them, corrected -------------------------

def labeler_of(obj: dict):
    """The labeler a result names (its model card when still there), else the shipped one."""
    from .classifier import ModelError, default_labeler, load_cached, rule_label
    named = obj.get("labeler") or {}
    if named.get("kind") == "rules":
        return rule_label
    if named.get("path") and Path(named["path"]).is_file():
        try:
            return load_cached(named["path"])
        except ModelError:
            pass
    return default_labeler()


def source_path(obj: dict, run_dir: str | Path) -> Path:
    """The report's file: its path as the batch was given it (from here), else from a folder
    above the run directory (``runs/demo`` made in the checkout, reviewed from elsewhere)."""
    p = Path(obj["source"])
    for cand in [p] + [up / p for up in Path(run_dir).resolve().parents if not p.is_absolute()]:
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"{obj['source']}: the report's file is not there any more")


LINES_CACHE = ".lines"  # RUN_DIR/.lines/<sha256>.jsonl: a report's lines as read and labelled


def _labelled_lines(obj: dict, run_dir: str | Path):
    """A report's lines and their predicted labels, read once and kept in the run directory
    (reading a scan again means OCR); the cache holds for the same labeler card only."""
    from training.labelstudio import line_record, record_line
    sha, card = obj["sha256"], (obj.get("labeler") or {}).get("sha256")
    cache = Path(run_dir) / LINES_CACHE / f"{sha}.jsonl"
    if cache.is_file():
        with open(cache, encoding="utf-8") as fh:
            head = json.loads(fh.readline() or "{}")
            if head.get("labeler") == card:
                recs = [json.loads(raw) for raw in fh]
                return [record_line(r) for r in recs], [r["label"] for r in recs]
    from .inputs import read_document
    doc = read_document(source_path(obj, run_dir))
    if sha and doc.sha256 != sha:
        raise ValueError(f"{obj['source']}: the file changed since the run read it")
    lines = doc.lines
    labels = list(labeler_of(obj)(lines))
    cache.parent.mkdir(exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"labeler": card}) + "\n")
        for i, (ln, lab) in enumerate(zip(lines, labels)):
            fh.write(json.dumps(line_record("", sha, i, ln, lab), ensure_ascii=False) + "\n")
    os.replace(tmp, cache)
    return lines, labels


def report_lines(obj: dict, run_dir: str | Path, records: Iterable[dict] = ()):
    """``(lines, labels, records)`` of a report: its lines read again and labelled by the
    labeler its result names, each line's label after the run's line corrections, and
    the correction record of each line (None where none).

    A record whose ``text`` is not the line's text any more (the file or the reader
    changed) is left out with a warning: it labelled another line.
    """
    lines, labels = _labelled_lines(obj, run_dir)
    marks = latest_lines(records, obj["sha256"])
    by_line: list[Optional[dict]] = []
    index: dict[int, int] = {}
    for i, ln in enumerate(lines):
        k = index[ln.page] = index.get(ln.page, -1) + 1
        r = marks.get((ln.page, k))
        if r is not None and r.get("text") and r["text"] != ln.text:
            print(f"nianbao: {obj['source']} page {ln.page} line {k}: the line now reads "
                  f"{ln.text[:30]!r}, not {r['text'][:30]!r}; its label correction is not used",
                  file=sys.stderr)
            r = None
        if r is not None:
            labels[i] = r["label"]
        by_line.append(r)
    return lines, labels, by_line

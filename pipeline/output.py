"""Writers for extract results: json (one object), jsonl (one per line), csv
(one row per file, a column per field id), and the long form of the cells'
evidence (one row per report and field)."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Optional, TextIO

from .datamodel import STATUSES
from .template import all_field_ids

CSV_META = ("source", "sha256", "template", "kind", "agency", "year", "published", "failed_checks", "error")
# Per-report evidence columns of the wide exports: cells by status, and the least OCR confidence.
STATUS_COLUMNS = tuple(f"cells_{s}" for s in STATUSES)
MIN_CONFIDENCE = "min_confidence"
EVIDENCE_COLUMNS = STATUS_COLUMNS + (MIN_CONFIDENCE,)
# cells.* (long form): one row per report and field.
CELL_COLUMNS = ("source", "sha256", "field", "value", "status", "page", "x0", "top", "x1", "bottom",
                "confidence", "text", "start", "end", "candidates", "previous_value", "previous_status")


def evidence_counts(obj: dict) -> dict:
    """``cells_<status>`` counts of one report's cells, and the lowest confidence (None: no OCR)."""
    cells = (obj.get("cells") or {}).values()
    row: dict = {c: 0 for c in STATUS_COLUMNS}
    for c in cells:
        key = f"cells_{c.get('status')}"
        if key in row:
            row[key] += 1
    confs = [c["confidence"] for c in cells if c.get("confidence") is not None]
    row[MIN_CONFIDENCE] = min(confs) if confs else None
    return row


def cell_rows(obj: dict) -> list[dict]:
    """The long form of one report's cells: where each value was read, and how."""
    out = []
    for fid, c in (obj.get("cells") or {}).items():
        box: Optional[list] = c.get("box")
        span: Optional[list] = c.get("span")
        x0, top, x1, bottom = box if box else (None,) * 4
        out.append({"source": obj.get("source"), "sha256": obj.get("sha256"), "field": fid,
                    "value": c.get("value"), "status": c.get("status"), "page": c.get("page"),
                    "x0": x0, "top": top, "x1": x1, "bottom": bottom, "confidence": c.get("confidence"),
                    "text": c.get("text"), "start": span[0] if span else None,
                    "end": span[1] if span else None,
                    "candidates": "|".join(f"{v:g}" for v in c.get("candidates") or []) or None,
                    # a corrected cell keeps what it replaced (the audit trail of the review loop)
                    "previous_value": (c.get("previous") or {}).get("value"),
                    "previous_status": (c.get("previous") or {}).get("status")})
    return out


def to_json(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def to_jsonl_line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


def csv_row(obj: dict) -> dict:
    """A flat row: identity, meta, failed-check count, then every field id."""
    meta = obj.get("meta") or {}
    row = {"source": obj.get("source"), "sha256": obj.get("sha256"), "template": obj.get("template"),
           "kind": meta.get("kind"), "agency": meta.get("agency"), "year": meta.get("year"), "published": meta.get("published"),
           "failed_checks": sum(1 for c in obj.get("checks", []) if not c["ok"]),
           "error": obj.get("error", ""), **evidence_counts(obj)}
    fields = obj.get("fields") or {}
    for f in all_field_ids():
        row[f] = fields.get(f)
    return row


def write_csv(objs: Iterable[dict], out: TextIO) -> None:
    w = csv.DictWriter(out, fieldnames=list(CSV_META + EVIDENCE_COLUMNS) + all_field_ids(),
                       extrasaction="ignore")
    w.writeheader()
    for o in objs:
        w.writerow(csv_row(o))


def render(objs: list[dict], fmt: str) -> str:
    if fmt == "json":
        return to_json(objs[0] if len(objs) == 1 else objs) + "\n"
    if fmt == "jsonl":
        return "".join(to_jsonl_line(o) + "\n" for o in objs)
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(objs, buf)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt}")

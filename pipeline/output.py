"""Writers for extract results: json (one object), jsonl (one per line), csv
(one row per file, a column per field id)."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, TextIO

from .template import all_field_ids

CSV_META = ("source", "sha256", "template", "kind", "agency", "year", "published", "failed_checks", "error")


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
           "error": obj.get("error", "")}
    fields = obj.get("fields") or {}
    for f in all_field_ids():
        row[f] = fields.get(f)
    return row


def write_csv(objs: Iterable[dict], out: TextIO) -> None:
    w = csv.DictWriter(out, fieldnames=list(CSV_META) + all_field_ids(), extrasaction="ignore")
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

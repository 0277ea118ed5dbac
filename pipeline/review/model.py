"""What the review pages show, computed from a run's results (pure; no web here).

A report's doubt is counted four ways, and the reports are listed worst first by
them in this order: failed checks not yet marked as printed inconsistencies,
partly read tables, ambiguous cells, low-confidence cells.  Inside a report the
doubtful cells are visited in the same order.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .. import batch, corrections
from ..template import get

# An OCR cell read with less confidence than this is doubtful.
LOW_CONFIDENCE = 0.9
# Statuses whose value a rule chose (not evidence that the rules hold): worth a look.
CHOSEN = ("inferred", "placed", "reread", "decoded")


@dataclass
class Doubt:
    failed: list[dict] = field(default_factory=list)  # failed checks, not marked as printed so
    partial_tables: list[str] = field(default_factory=list)  # table ids read in part or not at all
    ambiguous: list[str] = field(default_factory=list)
    low_confidence: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (len(self.failed), len(self.partial_tables), len(self.ambiguous), len(self.low_confidence))


def load_results(run_dir: str | Path) -> list[dict]:
    """The run's extract objects, one per report (the first record of a content hash)."""
    seen, out = set(), []
    for obj in batch.read_jsonl(Path(run_dir) / batch.RESULTS):
        if obj.get("sha256") in seen or not obj.get("template"):
            continue
        seen.add(obj.get("sha256"))
        out.append(obj)
    return out


def with_corrections(obj: dict, records: Iterable[dict]) -> dict:
    """The object as the next batch will write it (the pending corrections applied)."""
    return corrections.apply(copy.deepcopy(obj), records)


def partial_tables(obj: dict) -> list[str]:
    """Tables not read in full: none of their cells read, or a row read in part."""
    t = get(obj["template"])
    cells, out = obj.get("cells") or {}, []
    for table in t.tables:
        got = []
        for row in table.rows:
            ids = [f"{table.id}.{row.id}.{c.id}" for c in row.columns]
            read = [obj["fields"].get(i) is not None or (cells.get(i) or {}).get("status") == "blank"
                    for i in ids]
            got.append((any(read), all(read)))
        if not any(a for a, _ in got) or any(a and not b for a, b in got):
            out.append(table.id)
    return out


def doubt(obj: dict) -> Doubt:
    cells = obj.get("cells") or {}
    return Doubt(
        failed=[c for c in obj.get("checks") or [] if not c["ok"] and not c.get("published")],
        partial_tables=partial_tables(obj),
        ambiguous=[f for f, c in cells.items() if c.get("status") == "ambiguous" and not c.get("confirmed")],
        low_confidence=[f for f, c in cells.items() if c.get("confidence") is not None
                        and c["confidence"] < LOW_CONFIDENCE and not c.get("confirmed")
                        and c.get("status") != "corrected"])


def check_fields(obj: dict, check: dict) -> list[str]:
    """The fields a check involves (its members; the field itself for a one-field rule)."""
    if check.get("members"):
        return list(check["members"])
    return [check["where"]] if check["where"] in obj.get("fields", {}) else []


def doubtful_fields(obj: dict) -> list[str]:
    """The cells to look at, in order: members of failed checks, ambiguous, low confidence,
    then values a rule chose; each once, the confirmed and corrected ones left out."""
    d = doubt(obj)
    cells = obj.get("cells") or {}
    order = [f for c in d.failed for f in check_fields(obj, c)] + d.ambiguous + d.low_confidence
    order += [f for f, c in cells.items() if c.get("status") in CHOSEN]
    done = {f for f, c in cells.items() if c.get("confirmed") or c.get("status") == "corrected"}
    return [f for f in dict.fromkeys(order) if f not in done]


def listing(objs: list[dict], agency: str = "", year: str = "", rule: str = "") -> list[dict]:
    """The reports worst first, filtered by agency, year and failed rule."""
    rows = []
    for o in objs:
        meta = o.get("meta") or {}
        d = doubt(o)
        if agency and meta.get("agency") != agency or year and str(meta.get("year")) != year:
            continue
        if rule and rule not in {c["rule"] for c in d.failed}:
            continue
        rows.append({"sha256": o["sha256"], "source": o["source"], "name": Path(o["source"]).name,
                     "agency": meta.get("agency") or "", "year": meta.get("year") or "",
                     "template": o["template"], "doubt": d,
                     "corrected": len((o.get("review") or {}).get("corrected", []))})
    rows.sort(key=lambda r: tuple(-k for k in r["doubt"].key) + (r["agency"], str(r["year"]), r["name"]))
    return rows


def facets(objs: list[dict]) -> dict:
    """Values the filters offer."""
    return {"agency": sorted({(o.get("meta") or {}).get("agency") or "" for o in objs} - {""}),
            "year": sorted({str((o.get("meta") or {}).get("year")) for o in objs
                            if (o.get("meta") or {}).get("year")}),
            "rule": sorted({c["rule"] for o in objs for c in o.get("checks") or [] if not c["ok"]})}


def layout(obj: dict) -> list[dict]:
    """The report's tables as the template lays them out: headings, column labels, and
    for each row its label and the field ids of its cells."""
    t = get(obj["template"])
    out = []
    for table in t.tables:
        widths = {len(r.columns) for r in table.rows}
        rows = [{"id": r.id, "label": r.label, "group": r.group,
                 "fields": [f"{table.id}.{r.id}.{c.id}" for c in r.columns],
                 "columns": [c.label for c in r.columns]} for r in table.rows]
        widest = max(table.rows, key=lambda r: len(r.columns))
        out.append({"id": table.id, "heading": table.heading, "rows": rows,
                    "columns": [c.label for c in widest.columns], "uniform": len(widths) == 1})
    return out


def cell_class(cell: Optional[dict]) -> str:
    """CSS classes of a cell: its status, confirmed, low confidence."""
    cell = cell or {"status": "absent"}
    cls = [f"st-{cell.get('status', 'absent')}"]
    if cell.get("confirmed"):
        cls.append("confirmed")
    if cell.get("confidence") is not None and cell["confidence"] < LOW_CONFIDENCE:
        cls.append("lowconf")
    return " ".join(cls)

"""How much of each template table a report gave: no silent gaps.

A report of a template holds all of the template's tables.  For each one,
:func:`table_coverage` counts the rows the template expects, the rows read and
the cells with a value, and gives it a status (``found``, ``partial``,
``missing``; :data:`~pipeline.datamodel.COVERAGE_STATUSES`).  Every table
partly or not read is named in a warning (:func:`coverage_warnings`), and a
result with such a table is never a plain success: :func:`outcome` calls it
``partial``, which ``nianbao batch`` counts apart.
"""
from __future__ import annotations

from typing import Iterable, Optional, Sequence

from .datamodel import Line, TableCoverage
from .template import OTHER_SPLIT, Table, Template

OTHER_SINGLE = ("other",)
"""（六）其他处理 as one row: the 2021 template prints it split (:data:`OTHER_SPLIT`)
or, in some reports, as this one row; either form is the whole of （六）."""

MISSING_ROWS_SHOWN = 6
"""Rows named in a partial table's warning, before ``+N more``."""


def row_label(line: Line) -> str:
    """A table line's label text: its pieces that are not numbers."""
    from .assemble import parse_number
    parts = [c.text for c in line.cells] if line.cells else line.text.split()
    return "".join(t for t in parts if t.strip() and parse_number(t, decimal=True) is None)


def rows_printed(lines: Sequence[Line], template: Template) -> set[str]:
    """``table.row`` ids whose label a labelled table line of the report prints
    (also a row all of whose cells are printed blank)."""
    from .assemble import match_row, split_tables
    out = set()
    for tid, group in split_tables(lines, template).items():
        table = template.table(tid)
        for ln in group:
            label = row_label(ln) if ln.label == "table_row" else ""
            row = match_row(label, table) if label else None
            if row is not None:
                out.add(f"{tid}.{row.id}")
    return out


def rows_read(template: Template, fields: dict, present_rows: Iterable[str] = (),
              ambiguous: Optional[dict] = None, lines: Sequence[Line] = ()) -> set[str]:
    """``table.row`` ids read: those the assembler found printed (``present_rows``),
    those whose label a table line prints (``lines``, labelled), and those with a
    value or several readings (``ambiguous``) in any cell."""
    found = set(present_rows) | (rows_printed(lines, template) if lines else set())
    for fid, v in fields.items():
        if v is not None or (ambiguous and fid in ambiguous):
            found.add(fid.rsplit(".", 1)[0])
    return found


def expected_rows(table: Table, found: set[str]) -> list[str]:
    """Row ids of ``table`` a report prints: every row, with one form of （六）: the
    split rows unless only the single row was read (or the template has no split)."""
    ids = [r.id for r in table.rows]
    split = [i for i in ids if i in OTHER_SPLIT]
    if not split:
        return ids
    single_only = any(f"{table.id}.{i}" in found for i in OTHER_SINGLE) and \
        not any(f"{table.id}.{i}" in found for i in split)
    drop = set(split) if single_only else set(OTHER_SINGLE)
    return [i for i in ids if i not in drop]


def table_coverage(template: Template, fields: dict, present_rows: Iterable[str] = (),
                   ambiguous: Optional[dict] = None, lines: Sequence[Line] = ()) -> list[TableCoverage]:
    """One :class:`TableCoverage` per table of ``template``, in template order.

    A table is ``found`` when every expected row was read and at least one of its
    cells has a value; ``partial`` when some rows are missing, or every row is
    there but no cell has a value (all printed blank, or none could be read);
    ``missing`` when none of its rows was read."""
    found = rows_read(template, fields, present_rows, ambiguous, lines)
    out = []
    for table in template.tables:
        rows = expected_rows(table, found)
        got = [r for r in rows if f"{table.id}.{r}" in found]
        missing = [r for r in rows if f"{table.id}.{r}" not in found]
        cells = [f"{table.id}.{r}.{c.id}" for r in rows for c in table.row(r).columns]
        read = sum(1 for f in cells if fields.get(f) is not None)
        status = "missing" if not got else ("partial" if missing or not read else "found")
        out.append(TableCoverage(table.id, len(rows), len(got), len(cells), read, status, missing))
    return out


def coverage_warnings(coverage: Iterable[TableCoverage]) -> list[str]:
    """A warning for every table partly or not read."""
    out = []
    for c in coverage:
        if c.status == "found":
            continue
        if c.status == "missing":
            out.append(f"table {c.table}: not read (none of its {c.rows_expected} rows found); "
                       f"its {c.cells_expected} cells are null")
            continue
        if not c.missing_rows:
            out.append(f"table {c.table}: all {c.rows_expected} rows found but none of its "
                       f"{c.cells_expected} cells has a value")
            continue
        shown = ", ".join(c.missing_rows[:MISSING_ROWS_SHOWN])
        more = f", +{len(c.missing_rows) - MISSING_ROWS_SHOWN} more" \
            if len(c.missing_rows) > MISSING_ROWS_SHOWN else ""
        out.append(f"table {c.table}: partly read ({c.rows_found} of {c.rows_expected} rows; "
                   f"not found: {shown}{more})")
    return out


def outcome(obj: dict) -> str:
    """An extract object's outcome: ``partial`` when any template table was partly or
    not read (by its ``coverage``), ``not_report`` without a template (a pre-2019
    report aside: it has none to read), else ``ok``."""
    cov = obj.get("coverage") or []
    if any(c.get("status") != "found" for c in cov):
        return "partial"
    if not obj.get("template") and (obj.get("meta") or {}).get("kind") != "pre-2019-report":
        return "not_report"
    return "ok"

"""Typed records passed between the stages.

input (backend) -> Document of Pages of Lines -> labels on Lines -> Tables ->
checks -> Result.  Stages take and return these; only ``cli``/``batch`` do I/O
beyond reading the input file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

LABELS = ("heading", "table_header", "table_row", "narrative", "other")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points (PDF) or pixels (image)


@dataclass
class Cell:
    text: str
    box: Optional[Box] = None
    confidence: Optional[float] = None
    # Grid position where the source gives one (ruled PDF tables, HTML tables).
    row: Optional[int] = None
    col: Optional[int] = None
    rowspan: int = 1
    colspan: int = 1
    # Character offsets into the document's text, for sources without boxes (text dumps).
    span: Optional[tuple[int, int]] = None
    # A fax's number read without a decimal point whose pixels show one: (digits after it,
    # "dot" (a point blob) or "gap" (the gap a lost point left)); ``scan.digits.decimal_point``.
    point: Optional[tuple[int, str]] = None


@dataclass
class Line:
    """One line of a page: its text, and its cells where the source separates them."""
    text: str
    page: int = 1
    cells: list[Cell] = field(default_factory=list)
    box: Optional[Box] = None
    font_size: Optional[float] = None
    bold: Optional[bool] = None
    source: str = "text"  # text | html | pdf | ocr | docx
    confidence: Optional[float] = None
    in_grid: bool = False  # inside a ruled table grid
    label: Optional[str] = None
    # Character offsets of ``text`` into the document's text, where ``text`` is verbatim there.
    span: Optional[tuple[int, int]] = None

    @property
    def cell_texts(self) -> list[str]:
        return [c.text for c in self.cells] if self.cells else [self.text]


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    width: Optional[float] = None
    height: Optional[float] = None
    source: str = "text"
    warnings: list[str] = field(default_factory=list)
    rotation: int = 0  # degrees the page was turned clockwise as found (0/90/180/270); read upright
    seals: list[Box] = field(default_factory=list)  # seal impressions found (scans), page coordinates
    bilevel: bool = False  # a scan's page that is 1-bit (a fax): its readings are checked by the rules


@dataclass
class Document:
    source: str
    sha256: str
    kind: str  # text | html | pdf | scan | image | docx
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Set when the file was damaged and read by recovery (see RECOVERY_STATUSES).
    recovery: Optional[dict] = None
    # What the page says about itself, outside its text: a web page's <title> and <meta> tags.
    page_meta: dict = field(default_factory=dict)

    @property
    def lines(self) -> list[Line]:
        return [ln for p in self.pages for ln in p.lines]


# ``recovery["status"]`` of a damaged input: ``repaired`` when everything was recovered
# (a rebuilt PDF with all its pages; text with invalid bytes replaced), ``partial`` when
# pages were lost (``recovery["pages_lost"]``).  ``recovery["how"]`` says what was done.
RECOVERY_STATUSES = ("repaired", "partial")


@dataclass
class Check:
    rule: str
    where: str
    ok: bool
    detail: str
    # Each member field of the rule -> its cell status (printed, inferred, reread, ...),
    # so a check passing on values chosen to pass it says so.
    members: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "where": self.where, "ok": self.ok, "detail": self.detail,
                "members": self.members}


# Where a field's value came from (the JSON's ``cells[field]["status"]``).
STATUSES = (
    "printed",    # read where the document prints it
    "blank",      # the document prints the cell empty
    "absent",     # no value was read: the document does not print that row or table (or lost the cell)
    "inferred",   # forced by a rule of the template (the sole unknown of an equation)
    "placed",     # a printed number whose column the rules chose (a row printed short), or whose
                  # row the table's order chose (its label unreadable: assemble.place_unmatched)
    "reread",     # the OCR re-read changed the first reading
    "decoded",    # split from run-together digits by the rules or the narrative
    "ambiguous",  # null: several readings fit every rule (``candidates``)
    "doubtful",   # read where printed under a seal, not sure: its readings disagree and no rule
                  # confirms it, or it was read empty (null: a number there may be lost); or read
                  # on a fax in a rule that fails (``fax_doubt``)
    "corrected",  # a person's correction (``previous`` keeps the value it replaced)
)
# Statuses whose value the document itself gives; the rest were chosen by rules or people.
PRINTED_STATUSES = ("printed", "blank")
# Statuses of a value read where printed but not sure of: neither evidence nor a rule's choice.
UNSURE_STATUSES = ("doubtful",)


@dataclass
class FieldCell:
    """One template field of one report, with its evidence.

    ``box`` is ``[x0, top, x1, bottom]`` in the page's own coordinates (PDF
    points from the top-left for every PDF page, text or scanned; pixels for
    image files); text dumps and web pages give ``text`` and ``span`` (character
    offsets into the document's text) instead.
    """
    value: Optional[float]
    status: str
    page: Optional[int] = None
    box: Optional[Box] = None
    text: Optional[str] = None
    span: Optional[tuple[int, int]] = None
    confidence: Optional[float] = None
    candidates: list = field(default_factory=list)
    previous: Optional[dict] = None  # for ``corrected``: the record it replaced

    @property
    def chosen(self) -> bool:
        """True when a rule or a person, not the document, gave the value."""
        return self.status not in PRINTED_STATUSES + UNSURE_STATUSES and self.status != "absent"

    def as_dict(self) -> dict:
        d = {"value": self.value, "status": self.status, "page": self.page,
             "box": list(self.box) if self.box is not None else None,
             "text": self.text, "span": list(self.span) if self.span is not None else None,
             "confidence": self.confidence, "candidates": list(self.candidates)}
        if self.previous is not None:
            d["previous"] = self.previous
        return d


# How much of a template table a report gave (``TableCoverage.status``).
COVERAGE_STATUSES = (
    "found",    # every row the template expects was read
    "partial",  # some rows were read, others not
    "missing",  # none of its rows was read
)


@dataclass
class TableCoverage:
    """How much of one template table was read: rows the template expects there
    (one form of （六）其他处理, the one the report prints), rows read, and cells
    with a value (read, or forced by a rule; a cell printed blank has none)."""
    table: str
    rows_expected: int
    rows_found: int
    cells_expected: int
    cells_read: int
    status: str
    missing_rows: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"table": self.table, "rows_expected": self.rows_expected, "rows_found": self.rows_found,
                "cells_expected": self.cells_expected, "cells_read": self.cells_read,
                "status": self.status, "missing_rows": list(self.missing_rows)}


@dataclass
class Result:
    source: str
    sha256: str
    template: Optional[str]
    meta: dict = field(default_factory=dict)
    sections: list[dict] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    # Fields left null because several readings fit every rule: id -> candidate values.
    ambiguous: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    # Per-field evidence: field id -> FieldCell (``fields`` stays the plain id -> value map).
    cells: dict = field(default_factory=dict)
    # Page number -> (width, height) in the unit of that page's boxes.
    page_sizes: dict = field(default_factory=dict)
    # One record per template table, in template order (empty without a template).
    coverage: list[TableCoverage] = field(default_factory=list)
    # The Document's recovery record (a damaged input read in part or repaired), else None.
    recovery: Optional[dict] = None
    # The figures the narrative states (``facts.Fact``), linked to the cells they state.
    facts: list = field(default_factory=list)
    # The line labeler that labelled it: name, kind, path and sha256 of its model card.
    labeler: dict = field(default_factory=dict)
    error: Optional[str] = None

    def as_dict(self) -> dict:
        d = {
            "source": self.source, "sha256": self.sha256, "template": self.template,
            "meta": self.meta, "sections": self.sections, "fields": self.fields,
            "inferred": self.inferred, "ambiguous": self.ambiguous,
            "checks": [c.as_dict() for c in self.checks],
            "warnings": self.warnings, "pages": self.pages,
            "cells": {f: c.as_dict() for f, c in self.cells.items()},
            "page_sizes": {str(k): list(v) for k, v in self.page_sizes.items()},
            "coverage": [c.as_dict() for c in self.coverage],
            "facts": [f.as_dict() for f in self.facts],
            "labeler": self.labeler,
        }
        if self.recovery:
            d["recovery"] = self.recovery
        if self.error:
            d["error"] = self.error
        return d


class InputError(Exception):
    """The input cannot be read as a report (corrupt, empty, encrypted, unknown type)."""


def cannot_read(e: OSError) -> str:
    """What a file the system will not give us (missing, a folder, no permission) is reported as,
    by ``nianbao extract`` and in a batch's errors alike."""
    return f"cannot read file: {e.strerror or e}"

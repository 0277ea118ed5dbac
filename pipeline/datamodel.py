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


@dataclass
class Document:
    source: str
    sha256: str
    kind: str  # text | html | pdf | scan | image | docx
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [ln for p in self.pages for ln in p.lines]


@dataclass
class Check:
    rule: str
    where: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "where": self.where, "ok": self.ok, "detail": self.detail}


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
    error: Optional[str] = None

    def as_dict(self) -> dict:
        d = {
            "source": self.source, "sha256": self.sha256, "template": self.template,
            "meta": self.meta, "sections": self.sections, "fields": self.fields,
            "inferred": self.inferred, "ambiguous": self.ambiguous,
            "checks": [c.as_dict() for c in self.checks],
            "warnings": self.warnings, "pages": self.pages,
        }
        if self.error:
            d["error"] = self.error
        return d


class InputError(Exception):
    """The input cannot be read as a report (corrupt, empty, encrypted, unknown type)."""

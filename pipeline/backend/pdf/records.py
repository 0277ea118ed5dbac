"""The records a text PDF's pages are read into, before they become Lines: rows, cells and
tables of ruled grids (:mod:`.continuation` joins them across pages), free lines
(:mod:`.furniture` marks the running ones), and a page's data."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ...datamodel import Cell
from ...layout import Glyph, Grid

@dataclass(eq=False)
class _Row:
    page: int
    box: tuple[float, float, float, float]
    cells: list["_Cell"] = field(default_factory=list)  # cells that start in this row
    repeated_header: bool = False


@dataclass(eq=False)
class _Cell:
    text: str
    box: tuple[float, float, float, float]
    glyphs: list[Glyph]
    rows: list[_Row]  # rows it covers, in order
    col: int = 0
    colspan: int = 1


@dataclass(eq=False)
class _Table:
    page: int
    grid: Grid
    rows: list[_Row]
    cells: list[_Cell]
    prev: Optional["_Table"] = None


@dataclass(eq=False)
class _FreeLine:
    glyphs: list[Glyph]
    text: str
    box: tuple[float, float, float, float]
    furniture: bool = False
    cells: list[Cell] = field(default_factory=list)  # a row of a table without rules


@dataclass(eq=False)
class _PageData:
    number: int
    width: float
    height: float
    free: list[_FreeLine] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    problem: Optional[str] = None  # why the page needs OCR

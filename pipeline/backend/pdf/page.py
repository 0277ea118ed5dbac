"""One page of a text PDF: parsed (characters, rules, the text-layer verdict) under a time
limit, then laid out: glyphs placed in grid cells, free text in lines and unruled rows."""
from __future__ import annotations

from typing import Optional, Sequence

from ...datamodel import Cell
from ...layout import (Glyph, Grid, cluster_lines, find_grids, group_rows, join_fragments, join_glyphs,
                       line_pieces, row_cells, glyphs_box, value_piece_x)
from ...limits import deadline
from ..pdf_orientation import upright_page
from ..pdfium_page import PageContent, page_content
from .chars import chars_to_glyphs
from .opening import _first_line
from .quality import _image_cover, text_layer_problem
from .records import _Cell, _FreeLine, _PageData, _Row, _Table
from .rules import MAX_RULE_THICKNESS, page_segments

PAGE_TIMEOUT_S = 30.0
"""Seconds allowed for parsing one page (pdfminer on a hostile content stream
can take very long).  Enforced with SIGALRM in the main thread only; a page
that runs out is treated as having no usable text layer."""


GRID_MARGIN = 1.0
"""A glyph belongs to a grid when its centre lies within the grid's box grown
by this many points."""

CELL_BAND = 8.0
"""Height in points of the bands that index a grid's cells for placing glyphs
(speed only: any height gives the same placement)."""

HANGING_PUNCTUATION = frozenset("、，。；：！？）》」』”’〕】,.;:!?)")
"""Closing punctuation, which may hang past the end of a cell's line."""

HANGING_ANCHOR = 0.25
"""Such a glyph is placed by the point this share of its width from its left
edge (its ink), not by its centre."""


class _Timeout(Exception):
    """A page's parse ran past PAGE_TIMEOUT_S (an Exception: the page is reported, the file goes on)."""


def _parse_page(ppage, number: int) -> tuple[_PageData, Optional[PageContent]]:
    """Characters, rules and the text-layer verdict of one page (``problem`` set when it
    has no usable text layer): a pypdfium2 page (the fast path), or a pdfplumber page for
    files PDFium refuses.  The content is None when the page cannot be parsed; a pdfplumber
    page's rules are read only when its text is usable."""
    pdfium = hasattr(ppage, "get_textpage")
    if pdfium:
        w, h = ppage.get_size()
    else:
        w, h = ppage.width, ppage.height
    pd = _PageData(number, float(w), float(h))
    try:
        with deadline(PAGE_TIMEOUT_S, _Timeout):
            if pdfium:
                content = page_content(ppage, MAX_RULE_THICKNESS)
                texts = [c.text for c in content.chars]
            else:
                content = PageContent(pd.width, pd.height, chars=ppage.chars, image_cover=_image_cover(ppage))
                texts = [c.get("text") or "" for c in content.chars]
            pd.problem = text_layer_problem(texts, content.image_cover)
            if not pdfium and not pd.problem:
                content.segments = page_segments(ppage)
            return pd, content
    except _Timeout:
        pd.problem = f"parsing took longer than {PAGE_TIMEOUT_S:g}s"
    except Exception as e:  # a broken content stream: treat like a page without text
        pd.problem = f"cannot be parsed ({type(e).__name__}: {_first_line(e)})"
    return pd, None


def _lay_out(pd: _PageData, content: Optional[PageContent]) -> _PageData:
    """A parsed page's lines, grids and rows (nothing for a page without usable text)."""
    if content is not None and not pd.problem:
        glyphs = chars_to_glyphs(content.chars)
        _layout_page(pd, glyphs, find_grids(content.segments, glyphs))
    return pd


def _extract_page(ppage, number: int) -> _PageData:
    """One page parsed (:func:`_parse_page`) and laid out."""
    return _lay_out(*_parse_page(ppage, number))


def _upright(ppage):
    """The page turned so its text reads upright (:mod:`..pdf_orientation`: boxes are then
    in that upright page's points); as it is when it cannot be parsed in time, for
    :func:`_extract_page` to report."""
    try:
        with deadline(PAGE_TIMEOUT_S, _Timeout):
            return upright_page(ppage)
    except Exception:  # _Timeout, a broken content stream
        return ppage


def _cell_text(glyphs: Sequence[Glyph]) -> str:
    """A cell's text: its visual lines joined without newlines."""
    return join_fragments([join_glyphs(ln) for ln in cluster_lines(glyphs)])


def anchor_x(g: Glyph) -> float:
    """The x that places a glyph in a grid cell: its centre, but for closing
    punctuation the left quarter (where its ink is), since a line of a cell
    may end in punctuation hanging over the cell's right edge
    (``…逾期不补正、`` must not put ``、`` before the next cell's number)."""
    if g.text in HANGING_PUNCTUATION:
        return g.x0 + HANGING_ANCHOR * (g.x1 - g.x0)
    return g.cx


def _cell_bands(grid: Grid) -> dict[int, list[int]]:
    """Cell indices of a grid by CELL_BAND-high horizontal band, in grid order:
    a glyph is tested against the cells of its band only."""
    bands: dict[int, list[int]] = {}
    for ci, cell in enumerate(grid.cells):
        top, bottom = cell.box[1] - GRID_MARGIN, cell.box[3] + GRID_MARGIN
        for k in range(int(top // CELL_BAND), int(bottom // CELL_BAND) + 1):
            bands.setdefault(k, []).append(ci)
    return bands


def _layout_page(pd: _PageData, glyphs: list[Glyph], grids: list[Grid]) -> None:
    """Split glyphs between grid cells and free text; build rows and lines."""
    per_cell: dict[tuple[int, int], list[Glyph]] = {}
    free: list[Glyph] = [] if grids else list(glyphs)
    index = [_cell_bands(grid) for grid in grids]
    for g in glyphs if grids else ():
        placed = False
        gx, gy = anchor_x(g), g.cy
        for gi, grid in enumerate(grids):
            x0, t, x1, b = grid.bbox
            if x0 - GRID_MARGIN <= gx <= x1 + GRID_MARGIN and t - GRID_MARGIN <= gy <= b + GRID_MARGIN:
                # The first cell (in grid order) whose grown box holds the anchor.
                for ci in index[gi].get(int(gy // CELL_BAND), ()):
                    bx0, bt, bx1, bb = grid.cells[ci].box
                    if bx0 - GRID_MARGIN <= gx <= bx1 + GRID_MARGIN and bt - GRID_MARGIN <= gy <= bb + GRID_MARGIN:
                        per_cell.setdefault((gi, ci), []).append(g)
                        placed = True
                        break
            if placed:
                break
        if not placed:
            free.append(g)
    for gi, grid in enumerate(grids):
        rows = [_Row(pd.number, (grid.xs[0], grid.ys[r], grid.xs[-1], grid.ys[r + 1]))
                for r in range(grid.n_rows)]
        cells = []
        for ci, gc in enumerate(grid.cells):
            gl = per_cell.get((gi, ci), [])
            cell = _Cell(_cell_text(gl), gc.box, gl, rows[gc.row:gc.row + gc.rowspan], gc.col, gc.colspan)
            rows[gc.row].cells.append(cell)
            cells.append(cell)
        rows = [r for r in rows if r.cells]
        if rows:
            pd.tables.append(_Table(pd.number, grid, rows, cells))
    pd.free += _free_lines(cluster_lines(free))


def _free_lines(lines: Sequence[Sequence[Glyph]]) -> list[_FreeLine]:
    """Visual lines outside grids; the rows of tables set without rules
    (:func:`~pipeline.layout.group_rows`) as one line each, with cells."""
    out = []
    pieces = [line_pieces(ln) for ln in lines]  # once per line: for the values, then the cells
    starts = [value_piece_x(p) for p in pieces]
    for group in group_rows(lines, starts):
        glyphs = [g for i in group for g in lines[i]]
        box = glyphs_box(glyphs)
        if len(group) == 1 and starts[group[0]] is None:
            text = join_glyphs(lines[group[0]])
            if text:
                out.append(_FreeLine(list(lines[group[0]]), text, box))
            continue
        cells = [Cell(_cell_text(c), glyphs_box(c))
                 for c in row_cells([lines[i] for i in group], [pieces[i] for i in group])]
        cells = [c for c in cells if c.text]
        out.append(_FreeLine(glyphs, " ".join(c.text for c in cells), box, cells=cells))
    return out

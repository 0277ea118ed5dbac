"""Tables across page breaks: the parts of one table on consecutive pages found, their
columns renumbered onto one set of boundaries, continued cells and split rows joined,
repeated headers flagged; every row as a :class:`~pipeline.datamodel.Line`."""
from __future__ import annotations

from typing import Sequence

from ...datamodel import Cell, Line
from ...layout import is_number, join_fragments, median_size, mostly_bold, snap_values
from ...lexicon import ENUMERATOR
from .page import GRID_MARGIN
from .records import _Cell, _PageData, _Row, _Table

CONTINUATION_EDGE_TOLERANCE = 6.0
"""Column boundaries of a table's parts on two pages match within this many points."""

CONTINUATION_MIN_SHARED = 0.75
"""Share of the smaller part's column boundaries that must match the other
part's for the two to be one table."""


def _boundaries_match(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two tables' column boundaries describe one table: outer edges
    agree and most of the smaller set is found in the larger."""
    tol = CONTINUATION_EDGE_TOLERANCE
    if abs(a[0] - b[0]) > tol or abs(a[-1] - b[-1]) > tol:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = sum(1 for x in small if any(abs(x - y) <= tol for y in large))
    return shared >= CONTINUATION_MIN_SHARED * len(small)


def _link_continuations(pages: Sequence[_PageData]) -> None:
    """Set ``_Table.prev`` where the last table of a page goes on at the top
    of the next page (nothing but furniture below the one and above the other)."""
    for pd, nd in zip(pages, pages[1:]):
        if pd.problem or nd.problem or not pd.tables or not nd.tables or nd.number != pd.number + 1:
            continue
        a, b = pd.tables[-1], nd.tables[0]
        if any(not fl.furniture and fl.box[1] >= a.grid.bbox[3] - GRID_MARGIN for fl in pd.free):
            continue
        if any(not fl.furniture and fl.box[3] <= b.grid.bbox[1] + GRID_MARGIN for fl in nd.free):
            continue
        if _boundaries_match(a.grid.xs, b.grid.xs):
            b.prev = a


def _chains(pages: Sequence[_PageData]) -> list[list[_Table]]:
    """Tables grouped into chains of parts continued across pages."""
    chains: list[list[_Table]] = []
    where: dict[int, list[_Table]] = {}
    for pd in pages:
        for t in pd.tables:
            if t.prev is not None and id(t.prev) in where:
                chain = where[id(t.prev)]
                chain.append(t)
            else:
                chain = [t]
                chains.append(chain)
            where[id(t)] = chain
    return chains


def _unify_columns(chain: Sequence[_Table]) -> None:
    """Renumber every part's cells onto one set of column boundaries."""
    xs = snap_values([x for t in chain for x in t.grid.xs], CONTINUATION_EDGE_TOLERANCE)
    if len(chain) == 1:
        return  # the grid's own indices are already right

    def idx(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))
    for t in chain:
        for c in t.cells:
            c.col = idx(c.box[0])
            c.colspan = max(1, idx(c.box[2]) - c.col)


def _row_texts(row: _Row) -> tuple[str, ...]:
    return tuple(c.text for c in sorted(row.cells, key=lambda c: c.col))


def _continues(a: _Cell, b: _Cell) -> bool:
    """Whether cell ``b`` (top of the next page) carries on cell ``a``'s text."""
    if not b.text:
        return True
    return not (is_number(b.text) or is_number(a.text) or ENUMERATOR.match(b.text))


def _carry_on(a: _Cell, b: _Cell) -> None:
    """Cell ``a`` (page N) takes on the text and glyphs of ``b``, which continues it on page N+1."""
    a.text = join_fragments([a.text, b.text])
    a.glyphs = a.glyphs + b.glyphs


def _replace_row(cells: Sequence[_Cell], old: _Row, new: _Row) -> None:
    for c in cells:
        if old in c.rows:
            c.rows = [r for r in c.rows if r is not old]
            if new not in c.rows:
                c.rows.append(new)


def _join_parts(first: _Table, prev: _Table, part: _Table) -> None:
    """Glue ``part`` (top of page N+1) onto ``prev`` (bottom of page N)."""
    # A header repeated at the top of the new page.
    k = 0
    while (k < len(part.rows) and k < len(first.rows) and any(_row_texts(part.rows[k]))
           and _row_texts(part.rows[k]) == _row_texts(first.rows[k])):
        part.rows[k].repeated_header = True
        k += 1
    if k >= len(part.rows):
        return
    last, top = prev.rows[-1], part.rows[k]
    covering_last = [c for c in prev.cells if last in c.rows]
    # Spanning (group) cells that carry on: "三、本年度办理结果", "（四）无" + "法提供".
    for b in list(top.cells):
        a = next((c for c in covering_last if (c.col, c.colspan) == (b.col, b.colspan)), None)
        if a is None:
            continue
        group = a.rows[0] is not last or len(a.rows) > 1 or len(b.rows) > 1
        if group and _continues(a, b):
            _carry_on(a, b)
            a.rows = a.rows + [r for r in b.rows if r not in a.rows]
            top.cells.remove(b)
            part.cells.remove(b)
    # A row split across the break: label on page N, values (and the rest) on N+1.
    own = {(c.col, c.colspan): c for c in last.cells}
    pairs = [(own.get((b.col, b.colspan)), b) for b in top.cells]
    if not pairs or any(a is None for a, _ in pairs):
        return
    fills = any(not a.text and b.text for a, b in pairs)
    clash = any(a.text and b.text and not _continues(a, b) for a, b in pairs)
    if not fills or clash:
        return
    for a, b in pairs:
        _carry_on(a, b)
        part.cells.remove(b)
    top.cells = []
    _replace_row(prev.cells + part.cells, top, last)
    part.rows.remove(top)


def _table_lines(chain: Sequence[_Table]) -> list[tuple[int, Line]]:
    """(page number, Line) for every row of a chain, rows numbered from the top."""
    rows = [r for t in chain for r in t.rows if r.cells]
    index = {id(r): i for i, r in enumerate(rows)}
    out = []
    for r in rows:
        cells, glyphs = [], []
        for c in sorted(r.cells, key=lambda c: c.col):
            span = [index[id(x)] for x in c.rows if id(x) in index]
            cells.append(Cell(c.text, c.box, row=index[id(r)], col=c.col,
                              rowspan=max(1, len(span)), colspan=c.colspan))
            glyphs += c.glyphs
        text = " ".join(c.text for c in cells if c.text)
        line = Line(text, page=r.page, cells=cells, box=r.box, font_size=median_size(glyphs),
                    bold=mostly_bold(glyphs), source="pdf", in_grid=True)
        out.append((r.page, line))
    return out

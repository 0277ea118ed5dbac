"""Tables set without rules: lines ending in numbers are rows, wrapped labels join them, pieces are cells."""
from __future__ import annotations

import statistics
from typing import Optional, Sequence

from .glyphs import Glyph, is_number
from .lines import join_glyphs, median_size
from ..unionfind import UnionFind

PIECE_GAP = 0.35
"""Text further apart than this many font sizes is in different cells (a word
space is a quarter to a third of a size; two cells' texts are at least their
paddings apart).  Used for rows set without rules, and for the rows of a
table ruled between rows only."""

VALUE_GAP = 1.0
"""A line holding a single number is a table row only when the number stands
this many font sizes clear of the text before it (``行政许可      29``, not
``共收到申请 5 件``)."""

WRAP_GAP = 1.0
"""Lines of a wrapped label lie at most this many font sizes apart (top of one
to the bottom of the one above); further apart, they belong to other rows."""

HEADING_SIZE_RATIO = 1.1
"""Text this many times larger than a row's is a heading, not a wrapped label
of the row; in a table ruled between rows only, a band holding one line of one
piece of text this much larger is a heading between two tables."""


def line_pieces(line: Sequence[Glyph], gap: float = PIECE_GAP) -> list[list[Glyph]]:
    """A visual line's glyphs (left to right) cut where two neighbours are
    further apart than ``gap`` font sizes: the cells of a table row set
    without rules.  Blank glyphs are dropped."""
    pieces: list[list[Glyph]] = []
    piece: list[Glyph] = []
    prev: Optional[Glyph] = None
    for g in line:
        if not g.text.strip():
            continue
        if prev is not None:
            size = g.size if g.size <= prev.size else prev.size  # max(min(..), 1e-6), written out
            if size < 1e-6:
                size = 1e-6
        if prev is None or g.x0 - prev.x1 > gap * size:
            piece = [g]
            pieces.append(piece)
        else:
            piece.append(g)
        prev = g
    return pieces


def _starts_number(piece: Sequence[Glyph]) -> bool:
    """Whether a piece's text can be a number: it starts with a digit or a sign (a cheap
    test before the piece is joined into text)."""
    head = piece[0].text.strip()[:1] if piece else ""
    return head.isdigit() or head in ("+", "-")


def value_piece_x(pieces: Sequence[Sequence[Glyph]]) -> Optional[float]:
    """Where the values of a table row set without rules begin (the left edge
    of its first number), or None when the line is not such a row.  The
    values end the line, and there are at least two of them, or one set off
    from the text before it by :data:`VALUE_GAP` font sizes
    (``行政许可      29``); a number inside a sentence (``第 3 页``) is not one."""
    # Only the trailing run of numbers matters: tested from the end, stopping at the
    # first piece that is not one (a label's pieces are never joined into text).
    n = len(pieces)
    f = n
    while f and _starts_number(pieces[f - 1]) and is_number(join_glyphs(pieces[f - 1])):
        f -= 1
    if f == n:
        return None
    first = pieces[f]
    if n - f < 2:
        if f == 0:
            return None
        prev = pieces[f - 1][-1]
        if first[0].x0 - prev.x1 < VALUE_GAP * min(first[0].size, prev.size):
            return None
    return first[0].x0


def _similar_size(a: Sequence[Glyph], b: Sequence[Glyph]) -> bool:
    sa, sb = median_size(a) or 1.0, median_size(b) or 1.0
    return max(sa, sb) <= min(sa, sb) * HEADING_SIZE_RATIO


def _v_gap(a: Sequence[Glyph], b: Sequence[Glyph]) -> float:
    """Vertical distance from the line ``a`` down to the line ``b`` (negative
    where they overlap), between their median glyph extents."""
    return statistics.median(g.top for g in b) - statistics.median(g.bottom for g in a)


def group_rows(lines: Sequence[Sequence[Glyph]],
               starts: Optional[Sequence[Optional[float]]] = None) -> list[list[int]]:
    """Visual lines (top to bottom) grouped into the rows of tables set
    without rules.

    A line with values (:func:`value_piece_x`) is a row.  The lines of its
    wrapped labels above and below join it: consecutive lines in its label
    area (left of its first value), in its font size, each within
    :data:`WRAP_GAP` font sizes of the next.  Lines that could join the row
    above or the row below are cut between the two at the widest gap.  Every
    other line is a group of its own.  Returns line indices per group, top to
    bottom.  ``starts``: each line's :func:`value_piece_x`, when the caller has them.
    """
    if starts is None:
        starts = [value_piece_x(line_pieces(ln)) for ln in lines]
    rows = [i for i, x in enumerate(starts) if x is not None]

    def fits(i: int, r: int) -> bool:  # line i lies in row r's label area
        ln, row = lines[i], lines[r]
        return starts[i] is None and _similar_size(ln, row) and max(g.x1 for g in ln) <= starts[r]

    def gap(i: int) -> float:  # between line i and line i + 1
        return _v_gap(lines[i], lines[i + 1])

    def near(i: int) -> bool:
        size = min(median_size(lines[i]) or 1.0, median_size(lines[i + 1]) or 1.0)
        return gap(i) <= WRAP_GAP * size
    owner = {r: r for r in rows}
    for above, below in zip([None] + rows, rows + [None]):
        lo = 0 if above is None else above + 1
        hi = len(lines) - 1 if below is None else below - 1
        up = lo - 1  # lines lo..up may join the row above
        while above is not None and up + 1 <= hi and fits(up + 1, above) and near(up):
            up += 1
        down = hi + 1  # lines down..hi may join the row below
        while below is not None and down - 1 >= lo and fits(down - 1, below) and near(down - 1):
            down -= 1
        cut = up
        if down <= up:  # both could take lines down..up: cut at the widest gap
            cut = max(range(down - 1, up + 1), key=gap)
        for i in range(lo, hi + 1):
            if i <= min(cut, up):
                owner[i] = above
            elif i >= max(cut + 1, down):
                owner[i] = below
    groups: dict[int, list[int]] = {}
    for i in range(len(lines)):
        groups.setdefault(owner.get(i, i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def row_cells(lines: Sequence[Sequence[Glyph]],
              pieces_of: Optional[Sequence[list[list[Glyph]]]] = None) -> list[list[Glyph]]:
    """The cells of one table row made of several visual lines (top to
    bottom): the lines' pieces (:func:`line_pieces`), those of different lines
    that overlap horizontally being one cell; cells left to right.
    ``pieces_of``: each line's pieces, when the caller has them."""
    if pieces_of is None:
        pieces_of = [line_pieces(ln) for ln in lines]
    pieces = [(li, p) for li, ps in enumerate(pieces_of) for p in ps]
    if len(pieces_of) == 1:  # one line: its pieces never overlap one another
        return sorted((list(p) for _, p in pieces), key=lambda c: min(g.x0 for g in c))
    uf = UnionFind(len(pieces))
    for i, (li, p) in enumerate(pieces):
        for j in range(i + 1, len(pieces)):
            lj, q = pieces[j]
            if li != lj and min(p[-1].x1, q[-1].x1) > max(p[0].x0, q[0].x0):
                uf.union(i, j)
    cells: dict[int, list[Glyph]] = {}
    for i, (_, p) in enumerate(pieces):
        cells.setdefault(uf.find(i), []).extend(p)
    return sorted(cells.values(), key=lambda c: min(g.x0 for g in c))

"""Rows by the grid's order: an OCR'd table grid's data rows aligned to the template's rows.

A fax often keeps a table's rules whole while its row labels read as noise: the grid
still says which of its rows are data rows (one ruled cell per value column; in a
borderless table, one piece per column found from the pieces' alignment) and in what
order they come, and the labels that did read are anchors.  The data rows are
aligned to the template's rows in order (dynamic programming over pairs, skips free):
a pair needs the row's shape (as many value cells as the row has columns) and may not
contradict a label that matched another row; each pair scores PAIR_SCORE and an
anchor ANCHOR_SCORE more.  A data row takes its row only where every best alignment
pairs it with that row (where a row may have been lost or one split in two, several
alignments tie and the rows between them stay unplaced: a flagged gap, not a guess).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .datamodel import Line
from .lexicon import ideographs
from .template import OTHER_SPLIT, Row, Table

PAIR_SCORE = 10  # a data row paired with a template row of its shape …
ANCHOR_SCORE = 100  # … whose key its label matched (match_row) scores this much more
# A grid row with cells in at least this share of the value columns, some of them misread
# as no number ("a" for 0), is a row all the same: it holds a template row's place (any
# row's, scoring GAP_SCORE, less than a pair of shape, more than none), so that the data
# rows around it are one row short no more (dev fax 989210: 5.属于三类内部事务信息, two cells
# read "a", left its neighbours 3. and 4. unplaced between anchors 2. and 6.).
GAP_MIN_SHARE = 0.75
GAP_SCORE = 1
# A value cell holding this many ideographs is a header word, not a misread number: its
# row is a header row, not a data row.
HEADER_IDEOGRAPHS = 2
# A ruled grid's row between two data rows of the table that gave no line at all (a faint
# fax's row whose every cell read as nothing) still holds a place (GAP_SCORE), up to this
# many in a row: without it the rows around it tie (fax 1003009: grid rows 3-27 are table
# 三's 25 rows, row 21 gave no line, 24 lines for 25 rows, and none was placed).
MAX_LOST_ROWS = 2


@dataclass(frozen=True)
class DataRow:
    """One grid row of an OCR'd table whose cells fill the value columns: the index of its
    Line, the number of value cells, the row its label matched (None: unreadable) and the
    grid column of its first value cell."""
    line: int
    values: int
    anchor: Optional[Row]
    first: Optional[int] = None
    gap: bool = False  # a row whose cells do not all read as numbers: it holds a place (GAP_SCORE)
    lost: bool = False  # a grid row with no line (``lost_rows``), just before line ``line``: a place, no read


def data_rows(lines: Sequence[Line], first_value: dict[int, int], anchors: dict[int, Optional[Row]],
              widest: int) -> list[DataRow]:
    """The data rows among a table's ``lines``: OCR'd grid rows with one one-slot cell at or
    right of their page's first value column (``first_value``, see
    ``assemble.value_columns``) per value, none of them header words; else (a page without
    one, a row off it) rows whose cells after the label are ``widest`` numbers (the
    table's widest row, read whole).  ``anchors``: line index -> the row its label matched."""
    out = []
    for i, ln in enumerate(lines):
        if not ln.cells or ln.source != "ocr":
            continue
        first = first_value.get(ln.page)
        n = _value_cells(ln, first, widest) if first is not None else None
        if n is None:  # no value column known, or the row's cells off it (a borderless row whose
            start = _full_row_start(ln, widest)  # noise took column slots): a full row read whole
            if start is None:
                if first is not None and i not in anchors and _gap_row(ln, first, widest):
                    out.append(DataRow(i, 0, None, first, gap=True))
                continue
            first, n = start, widest
        out.append(DataRow(i, n, anchors.get(i), first))
    return out


def grid_row(line: Line) -> Optional[int]:
    """The ruled grid's row an OCR'd line's last cell starts in (None: not in a grid)."""
    rows = [c.row for c in line.cells if c.row is not None]
    return rows[-1] if rows else None


def lost_rows(lines: Sequence[Line], data: list[DataRow]) -> list[DataRow]:
    """Places for the ruled grid rows between two consecutive ``data`` rows (in line order)
    of one page that no line of the table starts in, MAX_LOST_ROWS at most between two:
    gap rows (``lost``) just before the later data row's line."""
    started = {(ln.page, c.row) for ln in lines for c in ln.cells if c.row is not None}
    out = []
    for a, b in zip(data, data[1:]):
        la, lb = lines[a.line], lines[b.line]
        ra, rb = grid_row(la), grid_row(lb)
        if la.page != lb.page or ra is None or rb is None or not 1 < rb - ra <= MAX_LOST_ROWS + 1:
            continue
        out += [DataRow(b.line, 0, None, a.first, gap=True, lost=True)
                for r in range(ra + 1, rb) if (la.page, r) not in started]
    return out


def in_order(data: list[DataRow]) -> list[DataRow]:
    """Data rows in the page's order: by line, a lost grid row before the line it precedes."""
    return sorted(data, key=lambda d: (d.line, not d.lost))


def value_grid_columns(lines: Sequence[Line], data: list[DataRow], first_value: dict[int, int]) -> dict[int, list[int]]:
    """Per page, the grid columns the table's full data rows (as many values as the widest
    row) hold their value cells in, from the page's first value column on, in order."""
    widest = max((d.values for d in data if not d.gap), default=0)
    out: dict[int, set[int]] = {}
    for d in data:
        ln = lines[d.line]
        first = first_value.get(ln.page)
        if d.gap or d.values != widest or first is None:
            continue
        out.setdefault(ln.page, set()).update(c.col for c in ln.cells if c.col is not None and c.col >= first
                                              and c.text.strip())
    return {p: sorted(cols) for p, cols in out.items()}


def _gap_row(line: Line, first: int, widest: int) -> bool:
    """Whether a grid row that is no data row fills at least GAP_MIN_SHARE of the ``widest``
    row's value columns from ``first`` on, with one-slot cells none of which is a header word."""
    cells = [c for c in line.cells if c.col is not None and first <= c.col < first + widest and c.text.strip()]
    if any(c.colspan != 1 or ideographs(c.text) >= HEADER_IDEOGRAPHS for c in cells):
        return False
    return len({c.col for c in cells}) >= GAP_MIN_SHARE * widest


def _value_cells(line: Line, first: int, widest: int) -> Optional[int]:
    """How many value cells a grid row has from column ``first`` on: one-slot cells, one per
    column, none of them header words, none past the ``widest`` row's last column; None
    when it has none or they are not so."""
    cells = [c for c in line.cells if c.col is not None and c.col >= first]
    if not cells or any(c.colspan != 1 or c.col >= first + widest for c in cells) \
            or len({c.col for c in cells}) != len(cells):
        return None
    if any(ideographs(c.text) >= HEADER_IDEOGRAPHS for c in cells):
        return None
    return len(cells)


def _full_row_start(line: Line, widest: int) -> Optional[int]:
    """The grid column of a row's first value when the cells after its last label cell are
    ``widest`` numbers; else None."""
    from .assemble import parse_number

    last = max((k for k, c in enumerate(line.cells) if c.text.strip() and parse_number(c.text) is None), default=-1)
    after = line.cells[last + 1:]
    if len(after) == widest and all(parse_number(c.text) is not None for c in after) and after[0].col is not None:
        return after[0].col
    return None


def _ways(table: Table) -> list[list[Row]]:
    """The table's rows as a report prints them: （六） as one row or as its sub-rows."""
    rows = list(table.rows)
    ids = {r.id for r in rows}
    if "other" in ids and ids & set(OTHER_SPLIT):
        return [[r for r in rows if r.id != "other"], [r for r in rows if r.id not in OTHER_SPLIT]]
    return [rows]


def _pair_score(d: DataRow, row: Row) -> Optional[int]:
    """A data row's score paired with ``row``: PAIR_SCORE for the row's shape, GAP_SCORE for a
    row of its width that lost a few cells (:func:`_short_of`), ANCHOR_SCORE more for the row
    its label matched; None where it cannot be that row."""
    if d.gap:
        return GAP_SCORE
    if d.anchor is not None and d.anchor.id != row.id:
        return None
    anchor = ANCHOR_SCORE if d.anchor is not None else 0
    if d.values == len(row.columns):
        return PAIR_SCORE + anchor
    return GAP_SCORE + anchor if _short_of(d, row) else None


def _short_of(d: DataRow, row: Row) -> bool:
    """Whether a data row with fewer value cells than ``row`` has columns still fills
    GAP_MIN_SHARE of them: that row with cells lost (a fax's 总计 | 14 | 0 | 01 | 0 | 0 | 15,
    one cell unseen, another unread, 990411), holding its place so that the rows before it
    are not one row short (its neighbour 3.其他 was left between it and 3.其他's place)."""
    return GAP_MIN_SHARE * len(row.columns) <= d.values < len(row.columns)


def _unique_pairs(data: list[DataRow], rows: list[Row]) -> tuple[int, dict[int, Row]]:
    """The best alignment's score, and the data rows (by index into ``data``) that every
    best alignment pairs with the same row."""
    opt, pairs = unique_alignment([[_pair_score(d, r) for r in rows] for d in data])
    return opt, {i: rows[j] for i, j in pairs.items()}


def unique_alignment(s: list[list[Optional[int]]]) -> tuple[int, dict[int, int]]:
    """Order-preserving pairing of items i with slots j, skips free, pairs scoring ``s[i][j]``
    (None: not allowed; integers, so that ties are exact): the best total, and i -> j for
    the items that every best pairing pairs with the same slot (a tie leaves them out)."""
    n = len(s)
    m = len(s[0]) if s else 0
    neg = -1 << 30
    f = [[0] * (m + 1) for _ in range(n + 1)]  # best over data[:i], rows[:j]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best = neg
            if i:
                best = max(best, f[i - 1][j])
            if j:
                best = max(best, f[i][j - 1])
            if i and j and s[i - 1][j - 1] is not None:
                best = max(best, f[i - 1][j - 1] + s[i - 1][j - 1])
            f[i][j] = best
    b = [[0] * (m + 1) for _ in range(n + 1)]  # best over data[i:], rows[j:]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best = neg
            if i < n:
                best = max(best, b[i + 1][j])
            if j < m:
                best = max(best, b[i][j + 1])
            if i < n and j < m and s[i][j] is not None:
                best = max(best, s[i][j] + b[i + 1][j + 1])
            b[i][j] = best
    opt = f[n][m]
    out: dict[int, Row] = {}
    for i in range(n):
        paired = {j for j in range(m) if s[i][j] is not None and f[i][j] + s[i][j] + b[i + 1][j + 1] == opt}
        skipped = any(f[i][j] + b[i + 1][j] == opt for j in range(m + 1))
        if len(paired) == 1 and not skipped:
            out[i] = next(iter(paired))
    return opt, out


def align(data: list[DataRow], table: Table) -> dict[int, tuple[Row, DataRow]]:
    """Line index -> (template row, data row), for the data rows every best alignment pairs alike
    (over both forms of （六） where the table has them; a form that aligns worse is out)."""
    if not data:
        return {}
    results = [_unique_pairs(data, rows) for rows in _ways(table)]
    opt = max(score for score, _ in results)
    best = [pairs for score, pairs in results if score == opt]
    out = {}
    for k, row in best[0].items():
        if data[k].lost:  # a place held, no line to give the row to
            continue
        if all(k in p and p[k].id == row.id for p in best[1:]):
            out[data[k].line] = (row, data[k])
    return out

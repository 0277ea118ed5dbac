"""Table grids from ruling lines, the steps both backends share: slots between rule
positions merged where no rule separates them, merged regions as rectangles, and the
``Grid`` whose column indices count only boundaries where some cell starts.

The text-PDF backend (``layout``) closes a non-rectangular region to its bounding box;
the scan backend splits it into rectangles (:func:`split_region`), since on a scan a
faint rule lost under one column would otherwise swallow whole label columns.
"""
from __future__ import annotations

from typing import Callable

from .layout import Grid, GridCell
from .unionfind import UnionFind


def merge_slots(nr: int, nc: int, open_right: Callable[[int, int], bool],
                open_below: Callable[[int, int], bool]) -> list[list[int]]:
    """Groups of slot indices (``r * nc + c``) of an ``nr`` x ``nc`` slot grid, joined where
    ``open_right(r, c)`` (no rule between slot (r, c) and (r, c + 1)) or ``open_below(r, c)``."""
    uf = UnionFind(nr * nc)
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and open_right(r, c):
                uf.union(r * nc + c, r * nc + c + 1)
            if r + 1 < nr and open_below(r, c):
                uf.union(r * nc + c, (r + 1) * nc + c)
    return list(uf.groups().values())


def close_regions(groups: list[list[int]], nr: int, nc: int) -> list[tuple[int, int, int, int]]:
    """Rectangles (r0, c0, r1, c1), ends exclusive, of slot groups closed to their bounding
    boxes: a group that is not a rectangle absorbs every slot its bounding box covers (and
    those slots' groups), until every group is a rectangle."""
    uf = UnionFind(nr * nc)
    for members in groups:
        for i in members[1:]:
            uf.union(i, members[0])
    find, union = uf.find, uf.union
    changed = True
    while changed:
        changed = False
        for members in uf.groups().values():
            r0, r1 = min(i // nc for i in members), max(i // nc for i in members)
            c0, c1 = min(i % nc for i in members), max(i % nc for i in members)
            if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        if find(r * nc + c) != find(members[0]):
                            union(r * nc + c, members[0])
                            changed = True
    return [(min(i // nc for i in m), min(i % nc for i in m), max(i // nc for i in m) + 1, max(i % nc for i in m) + 1)
            for m in uf.groups().values()]


def split_region(slots: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Rectangles (r0, c0, r1, c1), inclusive, covering a set of merged grid slots.

    Consecutive rows with the same contiguous column run form one rectangle, so an
    L-shaped region becomes its two arms rather than their bounding box.
    """
    runs_by_row: dict[int, list[tuple[int, int]]] = {}
    for r in sorted({r for r, _ in slots}):
        cols = sorted(c for rr, c in slots if rr == r)
        runs, start = [], cols[0]
        for prev, c in zip(cols, cols[1:] + [None]):
            if c != prev + 1 if c is not None else True:
                runs.append((start, prev))
                start = c
        runs_by_row[r] = runs
    rects: list[list[int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    for r in sorted(runs_by_row):
        nxt = {}
        for run in runs_by_row[r]:
            rect = open_.get(run)
            if rect is not None and rect[2] == r - 1:
                rect[2] = r
            else:
                rect = [r, run[0], r, run[1]]
                rects.append(rect)
            nxt[run] = rect
        open_ = nxt
    return [tuple(x) for x in rects]


def grid_from_rects(rects: list[tuple[int, int, int, int]], xs: list[float], ys: list[float]) -> Grid:
    """The Grid of cells ``rects`` ((r0, c0, r1, c1), slot indices, ends exclusive) over the
    slot boundaries ``xs``/``ys``.  Only boundaries where some cell starts are kept (plus
    the far edges), so a row or column is a cell's start, as in the printed table."""
    row_keep = sorted({r0 for r0, _, _, _ in rects} | {max(r1 for _, _, r1, _ in rects)})
    col_keep = sorted({c0 for _, c0, _, _ in rects} | {max(c1 for _, _, _, c1 in rects)})
    ri = {r: k for k, r in enumerate(row_keep)}
    ci = {c: k for k, c in enumerate(col_keep)}

    def idx(m: dict, v: int) -> int:  # a span end that is not a kept boundary
        return m[v] if v in m else sum(1 for k in m if k < v)

    cells = [GridCell(ri[r0], ci[c0], idx(ri, r1) - ri[r0], idx(ci, c1) - ci[c0], (xs[c0], ys[r0], xs[c1], ys[r1]))
             for r0, c0, r1, c1 in rects]
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid([xs[c] for c in col_keep], [ys[r] for r in row_keep], cells)

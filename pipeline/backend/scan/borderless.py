"""Borderless tables: rows of pieces given columns from their horizontal alignment."""
from __future__ import annotations

import numpy as np

from .lines import FreeRow, _cell_box, split_segments

COL_MAX_WIDTH = 4.0  # wider cells (labels, spanning headers) do not define borderless columns
COL_CENTRE_TOL = 1.0  # narrow cells whose centres are this close share a column
COL_SEED_WIDTH = 1.2  # cells this narrow (one or two digits) place the columns pieces are split at …
COL_MIN_ROWS = 2  # … a column seen in at least this many rows …
COL_SPLIT_GAP = 0.5  # … at a blank gap at least this wide (CJK text has narrower ones)
BLOCK_GAP = 2.0  # rows further apart than this are not one borderless table …
BLOCK_LINE_MAX = 25.0  # … nor across a lone line wider than this (prose, a heading)


def _blocks(rows: list[FreeRow], line_h: float) -> list[tuple[int, int]]:
    """Index ranges of rows forming one borderless table each: runs of rows with several
    cells, carried over lone lines (a wrapped label's first line) unless such a line
    is wide (prose, a heading) or stands apart by more than BLOCK_GAP line heights."""
    out: list[tuple[int, int]] = []
    start, last_multi, prev_bottom = None, None, None
    for k, r in enumerate(rows):
        box = _cell_box([b for c in r.cells for b in c])
        apart = prev_bottom is not None and box[1] - prev_bottom > BLOCK_GAP * line_h
        breaks = apart or (len(r.cells) < 2 and box[2] - box[0] > BLOCK_LINE_MAX * line_h)
        if breaks and start is not None:
            out.append((start, last_multi + 1))
            start = None
        if len(r.cells) >= 2:
            start = k if start is None else start
            last_multi = k
        prev_bottom = box[3]
    if start is not None:
        out.append((start, last_multi + 1))
    return out


def cluster_spans(narrow: list[tuple[float, float]], line_h: float) -> list[list[float]]:
    """[x0, x1, centre, count] per column: spans clustered by horizontal overlap or near centres."""
    clusters: list[list[float]] = []
    for x0, x1 in sorted(narrow, key=lambda s: (s[0] + s[1]) / 2):
        c = (x0 + x1) / 2
        if clusters and (x0 < clusters[-1][1] or c - clusters[-1][2] <= COL_CENTRE_TOL * line_h):
            cl = clusters[-1]
            cl[0], cl[1] = min(cl[0], x0), max(cl[1], x1)
            cl[3] += 1
            cl[2] += (c - cl[2]) / cl[3]
        else:
            clusters.append([x0, x1, c, 1])
    return clusters


def align_columns(rows: list[FreeRow], ink: np.ndarray, line_h: float) -> None:
    """Column indices for the cells of borderless table rows, and the index of the table
    (block) each row belongs to: each cell takes its column among
    :func:`column_clusters` by :func:`cell_column`.  Single-cell rows get col 0."""
    for r in rows:
        r.cols = list(range(len(r.cells)))
    for b, (i, j) in enumerate(_blocks(rows, line_h)):
        clusters = column_clusters(rows[i:j], ink, line_h)
        for r in rows[i:j]:
            r.block = b
            if len(r.cells) < 2:
                continue
            cols, last = [], 0
            for cell in r.cells:
                x0, _, x1, _ = _cell_box(cell)
                last = max(cell_column(clusters, x0, x1), last)  # never right to left
                cols.append(last)
            r.cols = cols


def column_clusters(block: list[FreeRow], ink: np.ndarray, line_h: float,
                    max_width: float = COL_MAX_WIDTH) -> list[list[float]]:
    """[x0, x1, centre, count] per column of a borderless block, left to right: first the
    columns its narrowest cells place (:func:`seed_columns`: one or two digits), then
    clusters of its other cells at most ``max_width`` line heights wide (wider numbers,
    short headers, a label's pieces) that overlap none of those.  A cell over a seed
    column joins it without widening it: a header's words or a review table's cells
    over two columns would otherwise run them into one (989401: the 商业企业 and
    科研机构 columns' numbers given one column)."""
    seeds = seed_columns(block, ink, line_h)
    others = [(x0, x1) for r in block if len(r.cells) >= 2 for x0, _, x1, _ in map(_cell_box, r.cells)
              if x1 - x0 <= max_width * line_h and not any(x0 <= cl[1] and cl[0] <= x1 for cl in seeds)]
    return sorted(seeds + cluster_spans(others, line_h), key=lambda cl: cl[0])


def seed_columns(block: list[FreeRow], ink: np.ndarray, line_h: float) -> list[list[float]]:
    """[x0, x1, centre, count] per column of a borderless block: the spans of its narrowest
    cells (:func:`seed_spans`) clustered, seen in at least COL_MIN_ROWS rows.  Wider cells
    place none: a fax's label pieces, and a header's words over two columns, would run
    neighbouring columns together."""
    spans = [sp for r in block if len(r.cells) >= 2 for c in r.cells for sp in seed_spans(c, ink, line_h)]
    return [cl for cl in cluster_spans(spans, line_h) if cl[3] >= COL_MIN_ROWS]


def cell_column(clusters: list[list[float]], x0: float, x1: float) -> int:
    """The column of a cell spanning ``x0``..``x1`` among ``clusters`` (left to right):
    k + 1 for the cluster it overlaps most; where it overlaps none (a label's piece, left
    of the columns or between them), that of the last column left of it, 0 left of all.
    Never pushed right by the cells before it: a fax breaks a label into several pieces,
    and each taking a column of its own would shift the row's numbers by as many columns
    (989401: its 12 in the 自然人 column given the next column's index).  Pieces of one
    label share a column instead; two numbers sharing one make their row no data row
    (``gridorder``), never a shifted one."""
    overlaps = [min(x1, cl[1]) - max(x0, cl[0]) for cl in clusters]
    if overlaps and max(overlaps) >= 0:
        return overlaps.index(max(overlaps)) + 1
    return sum(1 for cl in clusters if cl[1] < x0)


def split_at_columns(rows: list[FreeRow], ink: np.ndarray, line_h: float) -> None:
    """Split pieces that run over a column of their borderless table: two numbers in
    neighbouring narrow columns ("10   0"), or a label's last line and the first
    number, are closer than SEG_GAP but sit on both sides of a column's centre."""
    for i, j in _blocks(rows, line_h):
        # Seeded by the narrowest cells only (one or two digits): a merged "10   0" must
        # not itself widen a column over its neighbour.
        centres = [cl[2] for cl in seed_columns(rows[i:j], ink, line_h)]
        if not centres:
            continue
        for r in rows[i:j]:
            cells: list[list] = []
            for cell in r.cells:
                parts = [split_box(b, ink, centres, line_h) for b in cell]
                cells.append([p[0] for p in parts])
                cells += [[q] for p in parts for q in p[1:]]
            r.cells = sorted(cells, key=lambda c: _cell_box(c)[0])


def seed_spans(cell: list, ink: np.ndarray, line_h: float) -> list[tuple[float, float]]:
    """The spans of a piece that place columns (:func:`split_at_columns`): the piece
    itself when it is at most COL_SEED_WIDTH line heights wide; a one-line piece whose
    ink runs (split at blank gaps over COL_SPLIT_GAP) are all that narrow gives each run
    (numbers of neighbouring columns run together: "0   0" on a blurred page, where
    the gap falls just under SEG_GAP); anything else (a label, a wide number) none."""
    x0, y0, x1, y1 = _cell_box(cell)
    if x1 - x0 <= COL_SEED_WIDTH * line_h:
        return [(x0, x1)]
    if len(cell) != 1:
        return []
    runs = split_segments(ink[y0:y1, x0:x1].any(axis=0), COL_SPLIT_GAP * line_h)
    if len(runs) < 2 or any(b - a > COL_SEED_WIDTH * line_h for a, b in runs):
        return []
    return [(x0 + a, x0 + b) for a, b in runs]


def split_box(box: tuple[int, int, int, int], ink: np.ndarray, centres: list[float],
              line_h: float) -> list[tuple[int, int, int, int]]:
    """``box`` cut, for each column centre inside it, at the last blank gap (over
    COL_SPLIT_GAP line heights) left of that centre; the pieces trimmed to their ink.
    The last, not the widest: a group label run into a row label ("其他处理  2.申请人…")
    can leave a wider gap further left than the one before the first number, and a
    number has no such gap inside it."""
    x0, y0, x1, y1 = box
    cols = ink[y0:y1, x0:x1].any(axis=0)
    runs = split_segments(cols, 0)
    gaps = [(runs[k][1], runs[k + 1][0]) for k in range(len(runs) - 1)
            if runs[k + 1][0] - runs[k][1] >= COL_SPLIT_GAP * line_h]
    cuts: list[tuple[int, int]] = []
    for c in centres:
        if not x0 < c < x1:
            continue
        cand = [g for g in gaps if x0 + g[1] <= c and (not cuts or g[0] >= cuts[-1][1])]
        if cand:
            cuts.append(cand[-1])
    if not cuts:
        return [box]
    edges = [0] + [e for g in cuts for e in g] + [x1 - x0]
    out = []
    for a, b in zip(edges[::2], edges[1::2]):
        idx = np.flatnonzero(cols[a:b])
        if idx.size:
            out.append((x0 + a + int(idx[0]), y0, x0 + a + int(idx[-1]) + 1, y1))
    return out or [box]

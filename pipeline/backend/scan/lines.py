"""Text lines by ink projection: bands, pieces of a band split at wide gaps, wrapped labels, vertical text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ...unionfind import UnionFind
from .raster import MIN_SPECK_AREA

DEFAULT_LINE_H = 22  # px; text height assumed when a page gives no estimate
SMALL_BAND = 0.35  # ink bands lower than this are glyph pieces (the strokes of 二) …
BAND_MERGE_GAP = 0.6  # … and merge with a neighbour closer than this …
MAX_MERGED_BAND = 1.6  # … unless the merged band would be taller than this (two real lines)
LINE_H_RANGE = (8, 80)  # px; plausible text line heights (bands outside are rules or pictures)
TALL_BAND = 3.0  # a "line" taller than this is a picture or stamp: the detector reads there
SEG_GAP = 1.8  # a gap wider than this splits a line into pieces (borderless table cells)
TWO_LINES = 1.5  # a piece line taller than this is two offset lines side by side …
SUBSPLIT_GAP = 0.6  # … and the piece is split again at gaps wider than this
ROW_LINK_OVERLAP = 0.15  # lines of two pieces overlapping this share of a height are one row
VERTICAL_MIN_CHARS = 3  # a cell whose ink is this many times taller than wide is vertical text …
VERTICAL_MAX_WIDTH = 1.8  # … if at most this wide (one character) …
VERTICAL_MIN_WIDTH = 0.5  # … and at least this wide (CJK characters are square)
VERTICAL_CHAR_SQUARE = 1.15  # stacked strokes make one character up to this height/width
SLIVER_MAX_W = 0.2  # ink at a cell's side at most this wide (line heights) …
SLIVER_EDGE = 0.4  # … within this of the cell's edge …
SLIVER_GAP = 0.8  # … and this far from the cell's other ink is what is left of a rule


def bands(profile: np.ndarray, line_h: float) -> list[tuple[int, int]]:
    """Runs of non-zero rows in an ink profile, with glyph pieces (the strokes of 二, 三) merged."""
    on = profile > 0
    runs: list[list[int]] = []
    start = None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append([start, i])
            start = None
    if start is not None:
        runs.append([start, len(on)])
    small, gap = SMALL_BAND * line_h, BAND_MERGE_GAP * line_h
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for i, (a, b) in enumerate(runs):
            if b - a >= small:
                continue
            prev_gap = a - runs[i - 1][1] if i > 0 else np.inf
            next_gap = runs[i + 1][0] - b if i + 1 < len(runs) else np.inf
            if min(prev_gap, next_gap) > gap:
                continue
            j = i - 1 if prev_gap <= next_gap else i + 1
            lo, hi = min(i, j), max(i, j)
            merged = [runs[lo][0], runs[hi][1]]
            if merged[1] - merged[0] > MAX_MERGED_BAND * line_h:
                continue  # would glue two real lines
            runs[lo:hi + 1] = [merged]
            changed = True
            break
    return [(a, b) for a, b in runs]


def split_segments(cols: np.ndarray, max_gap: float) -> list[tuple[int, int]]:
    """Runs of ink columns, split where the blank gap exceeds ``max_gap``."""
    idx = np.flatnonzero(cols)
    if idx.size == 0:
        return []
    out = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev - 1 > max_gap:
            out.append((start, prev + 1))
            start = i
        prev = i
    out.append((start, prev + 1))
    return out


def estimate_line_height(ink: np.ndarray, unit: float) -> float:
    """Median height of the page's text lines (projection bands), DEFAULT_LINE_H if none."""
    prof = ink.sum(axis=1)
    lo, hi = LINE_H_RANGE
    hs = [b - a for a, b in bands(prof, DEFAULT_LINE_H * unit) if b - a >= lo * unit]
    if not hs:
        return DEFAULT_LINE_H * unit
    return float(np.clip(np.median(hs), lo * unit, hi * unit))


@dataclass
class FreeRow:
    """A visual line outside ruled grids: its pieces split at wide gaps (the cells of a
    borderless table row), each piece as one or more text lines (a wrapped label)."""
    cells: list[list[tuple[int, int, int, int]]]
    cols: list[int] = field(default_factory=list)  # column index of each cell, by alignment
    block: Optional[int] = None  # which borderless table (run of rows aligned together) it is in


def _pieces(strip: np.ndarray, line_h: float) -> list[tuple[int, int]]:
    """Column ranges of a band's pieces: split at gaps over SEG_GAP line heights, and a
    piece whose lines come out too tall (a two-line group label set beside a wrapped
    row label, lines offset) further at gaps over SUBSPLIT_GAP."""
    out = []
    for sa, sb in split_segments(strip.any(axis=0), SEG_GAP * line_h):
        piece = strip[:, sa:sb]
        if any(b - a > TWO_LINES * line_h for a, b in bands(piece.sum(axis=1), line_h)):
            subs = split_segments(piece.any(axis=0), SUBSPLIT_GAP * line_h)
            out += [(sa + a, sa + b) for a, b in subs]
        else:
            out.append((sa, sb))
    return out


def link_sublines(subs: list[tuple[int, tuple[int, int, int, int]]]) -> list[list]:
    """Group text lines of different pieces that overlap vertically into rows, top to bottom.

    Links are taken strongest overlap first, and never join two groups that both
    hold a line of the same piece: a column of stacked characters down a label
    column overlaps every row and would otherwise chain them all into one.
    """
    uf = UnionFind(len(subs))
    pieces = [{k} for k, _ in subs]

    links = []
    for i, (ki, bi) in enumerate(subs):
        for j in range(i + 1, len(subs)):
            kj, bj = subs[j]
            if ki == kj:
                continue
            share = (min(bi[3], bj[3]) - max(bi[1], bj[1])) / max(min(bi[3] - bi[1], bj[3] - bj[1]), 1)
            if share > ROW_LINK_OVERLAP:
                links.append((share, i, j))
    for _share, i, j in sorted(links, reverse=True):
        ri, rj = uf.find(i), uf.find(j)
        if ri != rj and not pieces[ri] & pieces[rj]:
            uf.union(ri, rj)
            pieces[rj] |= pieces[ri]
    groups = [[subs[i] for i in members] for members in uf.groups().values()]
    return sorted(groups, key=lambda g: min(bx[1] for _, bx in g))


def merge_wrapped(groups: list[list]) -> list[list]:
    """Join a group holding lines of one piece only (a wrapped label's first or last
    line, with no numbers beside it) to the nearest group of the same band that
    holds more of that piece (the line the row's numbers sit on)."""
    groups = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for i, g in enumerate(groups):
            pieces = {k for k, _ in g}
            if len(pieces) != 1:
                continue
            k = next(iter(pieces))
            top, bottom = min(b[1] for _, b in g), max(b[3] for _, b in g)
            best, dist = None, None
            for j, h in enumerate(groups):
                if j == i or len({kk for kk, _ in h}) < 2 or k not in {kk for kk, _ in h}:
                    continue
                d = max(min(b[1] for _, b in h) - bottom, top - max(b[3] for _, b in h))
                if dist is None or d < dist:
                    best, dist = j, d
            if best is not None:
                groups[best] += g
                del groups[i]
                changed = True
                break
    return sorted(groups, key=lambda g: min(bx[1] for _, bx in g))


def _cell_box(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    """Union of a cell's line boxes."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def vertical_chars(ink: np.ndarray, clip: tuple[int, int, int, int],
                   line_h: float) -> Optional[list[tuple[int, int, int, int]]]:
    """Character boxes, top to bottom, when a cell holds one column of stacked
    characters (tall and one character wide); None otherwise."""
    x0, y0, x1, y1 = clip
    if x1 <= x0 or y1 <= y0:
        return None
    sub = ink[y0:y1, x0:x1]
    cols = np.flatnonzero(sub.any(axis=0))
    rows = np.flatnonzero(sub.any(axis=1))
    if cols.size == 0:
        return None
    w = int(cols[-1] - cols[0] + 1)
    h = int(rows[-1] - rows[0] + 1)
    if h < VERTICAL_MIN_CHARS * w or not VERTICAL_MIN_WIDTH * line_h <= w <= VERTICAL_MAX_WIDTH * line_h:
        return None  # not a column of square characters (a lone "1" is tall and thin too)
    # Runs of inked rows; consecutive runs are one character while they fit a square.
    prof = sub.sum(axis=1)
    runs = [r for a, b in split_segments(sub.any(axis=1), 0) for r in cut_touching(prof, a, b, w)]
    chars: list[list[int]] = []
    for a, b in runs:
        if chars and b - chars[-1][0] <= VERTICAL_CHAR_SQUARE * w:
            chars[-1][1] = b
        else:
            chars.append([a, b])
    if len(chars) < VERTICAL_MIN_CHARS:
        return None
    out = []
    for a, b in chars:
        cs = np.flatnonzero(sub[a:b].any(axis=0))
        out.append((x0 + int(cs[0]), y0 + a, x0 + int(cs[-1]) + 1, y0 + b))
    return out


def cut_touching(prof: np.ndarray, a: int, b: int, w: int) -> list[tuple[int, int]]:
    """Split a run of rows holding several touching stacked characters (bold 本年度)
    at the emptiest rows near every character height ``w``."""
    n = int(round((b - a) / max(w, 1)))
    if n < 2 or b - a <= VERTICAL_CHAR_SQUARE * w:
        return [(a, b)]
    cuts, step, win = [a], (b - a) / n, max(1, w // 4)
    for k in range(1, n):
        c = int(a + k * step)
        lo, hi = max(cuts[-1] + 1, c - win), min(b - 1, c + win)
        cuts.append(lo + int(np.argmin(prof[lo:hi + 1])) if hi >= lo else c)
    cuts.append(b)
    return list(zip(cuts[:-1], cuts[1:]))


def cell_line_boxes(ink: np.ndarray, clip: tuple[int, int, int, int], line_h: float) -> list[tuple[int, int, int, int]]:
    """Ink boxes of the text lines inside a cell interior ``clip``, top to bottom."""
    x0, y0, x1, y1 = clip
    if x1 <= x0 or y1 <= y0:
        return []
    sub = ink[y0:y1, x0:x1]
    if not sub.any():
        return []
    out, slivers = [], []
    for a, b in bands(sub.sum(axis=1), line_h):
        cols = _without_rule_slivers(np.flatnonzero(sub[a:b].any(axis=0)), x1 - x0, line_h)
        if cols.size == 0 or (b - a) * (cols[-1] + 1 - cols[0]) < MIN_SPECK_AREA * 3:
            continue
        box = (x0 + int(cols[0]), y0 + a, x0 + int(cols[-1]) + 1, y0 + b)
        (slivers if _rule_sliver(cols, x1 - x0, line_h) else out).append(box)
    # A sliver band beside the cell's text is a rule's remnant; alone it may be a 1 (a narrow cell).
    return out if out else sorted(slivers, key=lambda bx: bx[1])


def _rule_sliver(cols: np.ndarray, width: int, line_h: float) -> bool:
    """Whether a band's ink columns may be all a rule's remnant: one run at most SLIVER_MAX_W
    line heights wide within SLIVER_EDGE of the cell's edge (dropped when the cell has other
    text: alone, in a narrow cell, it may be a 1).  A rule that leans a little
    (a sheet warped flat from its outline) is erased along its mean position only, and its
    remnant may stand in a band of its own beside a number (2 read as 12)."""
    return bool(cols.size) and cols[-1] + 1 - cols[0] <= SLIVER_MAX_W * line_h \
        and (cols[0] <= SLIVER_EDGE * line_h or width - cols[-1] <= SLIVER_EDGE * line_h)


def _without_rule_slivers(cols: np.ndarray, width: int, line_h: float) -> np.ndarray:
    """The ink columns of a cell's text line without a rule's remnant at either side: a run
    at most SLIVER_MAX_W line heights wide, within SLIVER_EDGE of the cell's edge and at least
    SLIVER_GAP from the other ink (a 1-bit rule is not erased whole; read, it adds a "1")."""
    if cols.size < 2:
        return cols
    breaks = np.flatnonzero(np.diff(cols) > SLIVER_GAP * line_h)
    if breaks.size == 0:
        return cols
    first, last = cols[:breaks[0] + 1], cols[breaks[-1] + 1:]
    if last[-1] + 1 - last[0] <= SLIVER_MAX_W * line_h and width - last[-1] <= SLIVER_EDGE * line_h:
        cols = cols[:breaks[-1] + 1]
        breaks = breaks[:-1]
    if breaks.size and first[-1] + 1 - first[0] <= SLIVER_MAX_W * line_h and first[0] <= SLIVER_EDGE * line_h:
        cols = cols[breaks[0] + 1:]
    return cols

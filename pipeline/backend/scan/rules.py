"""Ruling lines found by morphology, and the table grids built from them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from ... import layout
from ...layout import Grid
from ...grid import grid_from_rects, merge_slots, split_region
from .raster import RENDER_DPI, px, local_background

HLINE_MIN_LEN = 40  # px; longer than any horizontal stroke of a character
VLINE_MIN_LEN = 18  # px; short so that low table rows keep their column rules …
VLINE_LONG = 60  # … but a vertical run shorter than this must join two rules (not a "1") …
SHORT_RULE_JOIN = 1.5  # px; … its ends inked into theirs: a glyph (a "(" in a low row) stops short
MAX_LINE_THICK = 9  # px (after JOG_BRIDGE); thicker runs are filled areas or bold glyphs
JOG_BRIDGE = 3  # px; rules are thickened across by this before the opening
LINE_JOIN_GAP = 8  # px; collinear pieces closer than this are one broken rule
LINE_TOL = 6  # px; a rule end this close to another rule touches it
RULE_SIDE_ROWS = 4  # px; the strip beside a rule checked for paper …
RULE_SIDE_MAX = 0.5  # … a rule has at most this share of columns inked on at least one side
FAINT_RULE_RATIO = 0.88  # rules are also looked for among pixels this much darker than their
# background: a thin rule of a skewed sheet, interpolated by the scan's turn and by ours,
# fades to about INK_RATIO and the ink mask keeps only pieces of it …
FAINT_RULE_MIN_LEN = 150  # px; … when this long (faint strokes of a text line join into runs of up to ~100)
GRID_MIN_HEIGHT = 30  # px; a ruled table is at least one text row high …
GRID_MIN_WIDTH = 80  # px; … and a few characters wide


@dataclass
class Segment:
    """A ruling line piece: ``pos`` across it, ``a..b`` along it (pixels)."""
    pos: float
    a: float
    b: float
    thick: float


def _segments(mask: np.ndarray, horizontal: bool, min_len: int, max_thick: int) -> list[Segment]:
    """Connected runs of a line mask as segments (long and thin enough)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    segs = []
    for x, y, w, h, _area in stats[1:]:
        length, thick = (w, h) if horizontal else (h, w)
        if length < min_len:
            continue
        # A slightly tilted rule has a bounding box thicker than the rule itself.
        if thick > max_thick + length * 0.01:
            continue
        if horizontal:
            segs.append(Segment(y + h / 2.0, float(x), float(x + w), float(h)))
        else:
            segs.append(Segment(x + w / 2.0, float(y), float(y + h), float(w)))
    return segs


def _row_band_segments(mask: np.ndarray, min_len: int, max_thick: int) -> list[Segment]:
    """:func:`_segments` of a mostly empty horizontal line mask, labelled band by band
    (runs of rows holding any of it): labelling the whole page costs more than the rest."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    out = []
    for a, b in zip(np.r_[rows[0], rows[breaks + 1]], np.r_[rows[breaks], rows[-1]] + 1):
        for seg in _segments(np.ascontiguousarray(mask[a:b]), True, min_len, max_thick):
            seg.pos += a
            out.append(seg)
    return out


def join_segments(segs: list[Segment], gap: float, tol: float) -> list[Segment]:
    """Merge collinear segments (positions within ``tol``) whose extents come closer
    than ``gap``: one rule broken by noise, or drawn cell by cell.  Segments are
    bucketed by position so a page of glyph strokes is not compared pairwise."""
    out: list[Segment] = []
    buckets: dict[int, list[Segment]] = {}
    step = max(tol, 1.0)
    for s in sorted(segs, key=lambda s: s.a):
        key = int(s.pos // step)
        near = (o for k in (key - 1, key, key + 1) for o in buckets.get(k, ()))
        for o in near:
            if abs(o.pos - s.pos) <= tol and s.a - o.b <= gap and o.a - s.b <= gap:
                o.a, o.b = min(o.a, s.a), max(o.b, s.b)
                o.pos = (o.pos + s.pos) / 2
                break
        else:
            seg = Segment(s.pos, s.a, s.b, s.thick)
            out.append(seg)
            buckets.setdefault(key, []).append(seg)
    return out


def _touches(v: Segment, y: float, hsegs: list[Segment], tol: float) -> bool:
    """Whether a horizontal rule's ink reaches within ``tol`` of point (v.pos, y)."""
    return any(abs(h.pos - y) <= h.thick / 2 + tol and h.a - tol <= v.pos <= h.b + tol for h in hsegs)


def stands_clear(h: Segment, ink: np.ndarray, unit: float, both: bool = False) -> bool:
    """Whether a horizontal run has paper just above or just below it (``both``: above
    and below), as a rule does.

    Blurred text whose strokes touch makes long horizontal runs too, but through
    the middle of the characters: ink on both sides all along.  Faint ink joins the
    tops of a line of digits into a run too, with paper on one side.
    """
    d = px(RULE_SIDE_ROWS, unit)
    half = int(h.thick / 2) + 1
    a, b = max(int(h.a), 0), min(int(h.b), ink.shape[1])
    y = int(round(h.pos))
    above = ink[max(y - half - d, 0):max(y - half, 0), a:b]
    below = ink[y + half + 1:y + half + 1 + d, a:b]
    dens = [float(side.any(axis=0).mean()) if side.size else 0.0 for side in (above, below)]
    return (max(dens) if both else min(dens)) <= RULE_SIDE_MAX


def _crosses_any(v: Segment, hsegs: list[Segment], tol: float) -> bool:
    """Whether a vertical rule meets any horizontal rule along its length."""
    return any(h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol for h in hsegs)


def line_mask(ink: np.ndarray, unit: float, horizontal: bool, length: Optional[int] = None,
              bridge: float = JOG_BRIDGE) -> np.ndarray:
    """The horizontal (or vertical) runs of an ink mask at least ``length`` px long
    (default HLINE_MIN_LEN / VLINE_MIN_LEN), by opening."""
    j = px(bridge, unit)
    if length is None:
        length = px(HLINE_MIN_LEN if horizontal else VLINE_MIN_LEN, unit)
    # numpy (rows, cols); cv2 (width, height)
    across, along = ((j, 1), (length, 1)) if horizontal else ((1, j), (1, length))
    # Thicken across the rule first: a thin rule left slightly skewed steps by a
    # pixel every few hundred, and the opening must not break it at each step.
    return cv2.morphologyEx(cv2.dilate(ink, np.ones(across, np.uint8)), cv2.MORPH_OPEN,
                            cv2.getStructuringElement(cv2.MORPH_RECT, along))


def faint_ink(gray: np.ndarray, unit: float) -> np.ndarray:
    """Pixels darker than FAINT_RULE_RATIO of their local background (255), specks kept:
    only long runs of it are used."""
    return cv2.compare(gray, cv2.convertScaleAbs(local_background(gray, unit), alpha=FAINT_RULE_RATIO), cv2.CMP_LT)


def ruling_segments(ink: np.ndarray, unit: float, gray: Optional[np.ndarray] = None
                    ) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical table rules found by morphological opening.

    ``gray`` given, horizontal rules are also looked for in its faint ink (FAINT_RULE_RATIO)
    and the pieces of both joined; a faint run must be long and have no (plain) ink on
    either side.  Both masks are kept apart: in the faint one a rule may touch a grey-shaded row
    and make one thick area with it."""
    hl, vl = px(HLINE_MIN_LEN, unit), px(VLINE_MIN_LEN, unit)
    thick, gap, tol = px(MAX_LINE_THICK, unit), px(LINE_JOIN_GAP, unit), px(LINE_TOL, unit)
    raw_h = _segments(line_mask(ink, unit, True), True, hl, thick)
    faint = faint_ink(gray, unit) if gray is not None else None
    if faint is not None:  # faint horizontal rules: long, paper on both sides (faint glyph strokes join up too)
        raw_h += [s for s in _row_band_segments(line_mask(faint, unit, True),
                                                px(FAINT_RULE_MIN_LEN, unit), thick)
                  if stands_clear(s, ink, unit, both=True)]
    hsegs = [h for h in join_segments(raw_h, gap, tol) if stands_clear(h, ink, unit)]
    raw_v = _segments(line_mask(ink, unit, False), False, vl, thick)
    if faint is not None:  # faint vertical rules alike (skew 989818: a column rule faded over two rows)
        raw_v += faint_vertical_segments(faint, ink, unit, thick)
    vsegs = join_segments(raw_v, gap, tol)
    long_v, join = px(VLINE_LONG, unit), SHORT_RULE_JOIN * unit
    # Short vertical runs are kept only where they join two horizontal rules: the
    # stroke of a "1" or of 中 inside a cell does not reach the cell's rules.
    # Long ones must still meet some horizontal rule: a column of stacked bold
    # characters (本年度 down a label cell) makes a long vertical stroke too.
    vsegs = [v for v in vsegs if (v.b - v.a >= long_v and _crosses_any(v, hsegs, tol))
             or (_touches(v, v.a, hsegs, join) and _touches(v, v.b, hsegs, join))]
    vsegs = [trim_overshoot(v, vsegs, hsegs, tol) for v in vsegs]
    hsegs = [trim_overshoot(h, hsegs, vsegs, tol) for h in hsegs]
    return hsegs, vsegs


def faint_vertical_segments(faint: np.ndarray, ink: np.ndarray, unit: float, thick: int) -> list[Segment]:
    """Vertical runs of the grey's faint ink (:func:`faint_ink`) at least FAINT_RULE_MIN_LEN
    long with paper left and right: a column rule of a skewed sheet, twice interpolated,
    fades out of the ink mask for a row or two, the rows there lose their column and
    the rule's remnant between two 0s was read "010".  Found as horizontal runs of the
    transposed masks (labelled band by band), which are vertical Segments as they are."""
    mask = line_mask(np.ascontiguousarray(faint.T), unit, True, length=px(FAINT_RULE_MIN_LEN, unit))
    ink_t = ink.T
    return [s for s in _row_band_segments(mask, px(FAINT_RULE_MIN_LEN, unit), thick)
            if stands_clear(s, ink_t, unit, both=True)]


def trim_overshoot(s: Segment, same: list[Segment], across: list[Segment], tol: float) -> Segment:
    """Cut a rule back to the outermost rule it crosses when it alone runs on past it.

    A glyph that touches a table (a heading set right on its top rule) extends
    one rule by a stroke; a table continued from the previous page has *all* its
    rules running on to a common edge, and those are kept.
    """
    cross = [c.pos for c in across if c.a - tol <= s.pos <= c.b + tol and s.a - tol <= c.pos <= s.b + tol]
    if not cross:
        return s
    a, b = s.a, s.b
    lo, hi = min(cross), max(cross)
    if a < lo - tol and not any(o is not s and abs(o.a - a) <= 2 * tol and o.a < lo - tol for o in same):
        a = lo
    if b > hi + tol and not any(o is not s and abs(o.b - b) <= 2 * tol and o.b > hi + tol for o in same):
        b = hi
    return Segment(s.pos, a, b, s.thick)


# The grid model (``layout.Grid``/``GridCell``, column indices counted over the
# boundaries where some cell starts) is the text-PDF backend's.  Building it from
# scanned rules differs in one point: where a rule is missing over part of an
# edge, ``layout`` closes the merged region to its bounding rectangle, which on
# scans (a faint rule lost under one column) swallows whole label columns; here a
# non-rectangular region is split into rectangles instead (:func:`split_region`).
def _coverage(segs: list[Segment], pos: float, a: float, b: float, tol: float) -> float:
    """Share of the interval [a, b] at ``pos`` that the segments cover."""
    if b <= a:
        return 1.0
    spans = sorted((max(s.a, a), min(s.b, b)) for s in segs
                   if abs(s.pos - pos) <= tol and s.b > a and s.a < b)
    covered, end = 0.0, a
    for lo, hi in spans:
        lo = max(lo, end)
        if hi > lo:
            covered += hi - lo
            end = hi
    return covered / (b - a)


def _table_groups(hsegs: list[Segment], vsegs: list[Segment], tol: float) -> list[tuple[list, list]]:
    """Rules that cross or touch (within tol) form one table: (horizontal, vertical) per table."""
    groups = layout.connected_rules([(h.pos, h.a, h.b) for h in hsegs], [(v.pos, v.a, v.b) for v in vsegs], tol)
    return [([hsegs[i] for i in hi], [vsegs[j] for j in vi]) for hi, vi in groups if hi and vi]


def build_grid(hsegs: list[Segment], vsegs: list[Segment], tol: float) -> Optional[Grid]:
    """A layout.Grid from one table's rules; None when it has fewer than layout.MIN_GRID_CELLS cells.

    The outer box is closed where a rule is missing (a table continued from the
    previous page has no top rule over its label columns); inside, neighbouring
    slots merge when less than layout.RULE_COVER_MIN of their shared edge is ruled.
    """
    x_lo = min([v.pos for v in vsegs] + [h.a for h in hsegs])
    x_hi = max([v.pos for v in vsegs] + [h.b for h in hsegs])
    y_lo = min([h.pos for h in hsegs] + [v.a for v in vsegs])
    y_hi = max([h.pos for h in hsegs] + [v.b for v in vsegs])
    xs = layout.snap_values([v.pos for v in vsegs] + [x_lo, x_hi], tol)
    ys = layout.snap_values([h.pos for h in hsegs] + [y_lo, y_hi], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    cover = layout.RULE_COVER_MIN
    groups = merge_slots(nr, nc, lambda r, c: _coverage(vsegs, xs[c + 1], ys[r], ys[r + 1], tol) < cover,
                         lambda r, c: _coverage(hsegs, ys[r + 1], xs[c], xs[c + 1], tol) < cover)
    # A region a faint rule left open is split into rectangles, not closed to its bounding box.
    rects = sorted((r0, c0, r1 + 1, c1 + 1) for members in groups
                   for r0, c0, r1, c1 in split_region({(i // nc, i % nc) for i in members}))
    if len(rects) < layout.MIN_GRID_CELLS:
        return None
    return grid_from_rects(rects, xs, ys)


def find_grids(hsegs: list[Segment], vsegs: list[Segment], unit: float
               ) -> list[tuple[Grid, list[Segment], list[Segment]]]:
    """All ruled tables on the page, top to bottom, each with the rules it was built from."""
    tol = layout.SNAP_TOLERANCE * unit * RENDER_DPI / 72.0  # layout's tolerance is in points
    grids = []
    for hs, vs in _table_groups(hsegs, vsegs, px(LINE_TOL, unit)):
        g = build_grid(hs, vs, tol)
        # Strokes of bold glyphs can meet like rules; the "grid" they make is smaller than a cell.
        if g is not None and g.bbox[3] - g.bbox[1] >= px(GRID_MIN_HEIGHT, unit) \
                and g.bbox[2] - g.bbox[0] >= px(GRID_MIN_WIDTH, unit):
            grids.append((g, hs, vs))
    return sorted(grids, key=lambda t: (t[0].ys[0], t[0].xs[0]))


def _rule_mask(shape: tuple[int, int], hsegs: list[Segment], vsegs: list[Segment], pad: int) -> np.ndarray:
    """A mask of the rules (thickened by ``pad``)."""
    m = np.zeros(shape, np.uint8)
    for s in hsegs:
        r = int(s.thick / 2) + pad
        cv2.rectangle(m, (int(s.a) - pad, int(s.pos) - r), (int(s.b) + pad, int(s.pos) + r), 255, -1)
    for s in vsegs:
        r = int(s.thick / 2) + pad
        cv2.rectangle(m, (int(s.pos) - r, int(s.a) - pad), (int(s.pos) + r, int(s.b) + pad), 255, -1)
    return m

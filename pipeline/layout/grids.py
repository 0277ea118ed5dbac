"""Ruled grids: segments snapped into rules and cells (merged where rules are missing); tables ruled
between rows only get their column boundaries from the text and the rules' ends."""
from __future__ import annotations

import bisect
import itertools
import statistics
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from .glyphs import Box, Glyph, is_number
from .lines import LINE_OVERLAP_MIN, v_overlap, cluster_lines
from .unruled import HEADING_SIZE_RATIO, PIECE_GAP
from ..unionfind import UnionFind

SNAP_TOLERANCE = 3.0
"""Ruling segments whose positions differ by at most this many points are one
rule (double borders, cell-background edges inset by 0.25pt, rounding)."""

JOIN_TOLERANCE = 3.0
"""Collinear segments separated by a gap of at most this many points are
joined into one rule (Word draws a row's border one cell at a time)."""

INTERSECT_TOLERANCE = 3.0
"""A horizontal and a vertical rule that come within this many points of
crossing are connected (they belong to one grid)."""

MIN_SEGMENT_LENGTH = 3.0
"""Segments shorter than this many points are ignored (dots, ticks)."""

RULE_COVER_MIN = 0.6
"""Two neighbouring grid slots are separated only if a rule covers at least
this share of the edge between them; otherwise they are one (merged) cell."""

CELL_RULED_MIN = 0.5
"""A cell counts as part of the table only if rules cover at least this share
of its perimeter (drops phantom cells outside an irregular table outline)."""

MIN_GRID_CELLS = 2
"""A ruled region with fewer cells than this is a box, not a table."""

MIN_STACK_RULES = 3
"""Horizontal rules without vertical ones form a table (rules between rows,
columns told apart by the text's alignment) only when at least this many
overlap one above the other."""

MAX_STACK_GAP = 120.0
"""... and no two neighbours of the stack are further apart than this many
points (a row's height)."""

STACK_OVERLAP_MIN = 0.5
"""Two horizontal rules are in one stack when their x-extents overlap by at
least this share of the shorter one."""

STACK_SIZE_RATIO = 1.25
"""A band between two rules whose text is this many times larger (or
smaller) than the stack's typical text is not part of the table (a heading
between two tables); the stack is split there."""

RIVER_MAX_CROSSING = 0.34
"""In a table without vertical rules, a column boundary is an x-run that the
text of at most this share of the row bands crosses (spanning header cells
and group labels cross it; ordinary rows do not)."""

RIVER_MIN_WIDTH = 2.0
"""... and that run is at least this many points wide."""

CROSS_MARGIN = 0.5
"""A row's text crosses a column boundary (a cell spanning it) only where one
of its pieces reaches this many font sizes past the boundary on both sides; a
glyph overhanging a narrow column (``（三）`` wider than its cell) does not."""


@dataclass
class GridCell:
    """A (possibly merged) cell of a ruled grid; indices into ``Grid.xs``/``ys``."""
    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box

    def contains(self, x: float, y: float) -> bool:
        return self.box[0] <= x <= self.box[2] and self.box[1] <= y <= self.box[3]


@dataclass
class Grid:
    """A ruled table: boundaries and cells.  ``xs``/``ys`` hold only the
    boundaries where some cell starts (plus the far edges)."""
    xs: list[float]
    ys: list[float]
    cells: list[GridCell] = field(default_factory=list)

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> Optional[GridCell]:
        """The cell holding point (x, y), if any."""
        for c in self.cells:
            if c.contains(x, y):
                return c
        return None


def snap_values(values: Sequence[float], tolerance: float) -> list[float]:
    """Cluster sorted numbers whose neighbours are within ``tolerance``; one
    representative (the mean) per cluster, ascending."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _nearest(value: float, reps: Sequence[float]) -> float:
    """The element of the ascending ``reps`` nearest ``value`` (the lower one on a tie)."""
    j = bisect.bisect_left(reps, value)
    if j == 0:
        return reps[0]
    if j == len(reps) or abs(reps[j - 1] - value) <= abs(reps[j] - value):
        return reps[j - 1]
    return reps[j]


def _nearest_index(value: float, reps: Sequence[float]) -> int:
    """Index of :func:`_nearest` in the ascending, distinct ``reps``."""
    j = bisect.bisect_left(reps, value)
    if j == 0:
        return 0
    if j == len(reps) or abs(reps[j - 1] - value) <= abs(reps[j] - value):
        return j - 1
    return j


def _band_of(ys: Sequence[float], y: float) -> int:
    """Index ``i`` of the first band ``ys[i] <= y <= ys[i + 1]`` of the ascending, distinct
    ``ys``, for a ``y`` within ``ys[0]..ys[-1]``."""
    return max(bisect.bisect_left(ys, y) - 1, 0)


def _join_intervals(intervals: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Merge overlapping intervals and those separated by at most ``gap``."""
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if out and a - out[-1][1] <= gap:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _covered(intervals: Sequence[tuple[float, float]], a: float, b: float) -> float:
    """Share of [a, b] covered by the (disjoint) intervals."""
    if b <= a:
        return 1.0
    tot = sum(max(0.0, min(b, y) - max(a, x)) for x, y in intervals)
    return tot / (b - a)


def normalize_segments(segments: Iterable[Box], scale: float = 1.0
                       ) -> tuple[dict[float, list[tuple[float, float]]], dict[float, list[tuple[float, float]]]]:
    """Split axis-aligned segments ``(x0, top, x1, bottom)`` into horizontal
    rules ``{y: [(x_from, x_to)]}`` and vertical rules ``{x: [(y_from, y_to)]}``,
    snapping positions and joining collinear pieces."""
    snap, join, min_len = SNAP_TOLERANCE * scale, JOIN_TOLERANCE * scale, MIN_SEGMENT_LENGTH * scale
    hs, vs = [], []
    for x0, t, x1, b in segments:
        x0, x1 = sorted((x0, x1))
        t, b = sorted((t, b))
        if x1 - x0 >= b - t and x1 - x0 >= min_len:
            hs.append(((t + b) / 2, x0, x1))
        elif b - t > x1 - x0 and b - t >= min_len:
            vs.append(((x0 + x1) / 2, t, b))

    def group(segs):
        reps = snap_values([s[0] for s in segs], snap)
        by: dict[float, list[tuple[float, float]]] = {}
        for pos, a, b in segs:
            by.setdefault(_nearest(pos, reps), []).append((a, b))
        return {pos: _join_intervals(iv, join) for pos, iv in by.items()}
    return group(hs), group(vs)


def connected_rules(hs: Sequence[tuple[float, float, float]], vs: Sequence[tuple[float, float, float]],
                    tol: float) -> list[tuple[list[int], list[int]]]:
    """Rules that cross or touch (within ``tol``) are one table: per connected set, the
    indices of its horizontal rules ``(y, x0, x1)`` and vertical rules ``(x, y0, y1)``.
    The text-PDF and scan backends both group their rules with it."""
    uf = UnionFind(len(hs) + len(vs))
    for i, (y, ha, hb) in enumerate(hs):
        for j, (x, va, vb) in enumerate(vs):
            if ha - tol <= x <= hb + tol and va - tol <= y <= vb + tol:
                uf.union(i, len(hs) + j)
    comps: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(hs)):
        comps.setdefault(uf.find(i), ([], []))[0].append(i)
    for j in range(len(vs)):
        comps.setdefault(uf.find(len(hs) + j), ([], []))[1].append(j)
    return list(comps.values())


def _components(h: dict, v: dict, tol: float) -> list[tuple[list, list]]:
    """Connected sets of rules: (horizontal [(y, a, b)], vertical [(x, a, b)])."""
    hl = [(y, a, b) for y, ivs in h.items() for a, b in ivs]
    vl = [(x, a, b) for x, ivs in v.items() for a, b in ivs]
    return [([hl[i] for i in hi], [vl[j] for j in vi]) for hi, vi in connected_rules(hl, vl, tol)]


def _grid_from_component(hsegs: list, vsegs: list, scale: float) -> Optional[Grid]:
    """Slots between every rule position; slots not separated by a rule are
    merged into one cell, closed to rectangles; cells mostly unruled are dropped."""
    snap = SNAP_TOLERANCE * scale
    xs = snap_values([x for x, _, _ in vsegs] + [min(a for _, a, _ in hsegs), max(b for _, _, b in hsegs)], snap)
    ys = snap_values([y for y, _, _ in hsegs] + [min(a for _, a, _ in vsegs), max(b for _, _, b in vsegs)], snap)
    if len(xs) < 2 or len(ys) < 2:
        return None
    hby: dict[int, list] = {}
    vby: dict[int, list] = {}
    for y, a, b in hsegs:
        hby.setdefault(_nearest_index(y, ys), []).append((a, b))
    for x, a, b in vsegs:
        vby.setdefault(_nearest_index(x, xs), []).append((a, b))
    hby = {k: _join_intervals(iv, 0) for k, iv in hby.items()}
    vby = {k: _join_intervals(iv, 0) for k, iv in vby.items()}
    nr, nc = len(ys) - 1, len(xs) - 1

    h_memo: dict[tuple[int, int], float] = {}
    v_memo: dict[tuple[int, int], float] = {}

    def h_ruled(i: int, c: int) -> float:  # rule at ys[i] over column c
        v = h_memo.get((i, c))
        if v is None:
            v = h_memo[i, c] = _covered(hby.get(i, ()), xs[c], xs[c + 1])
        return v

    def v_ruled(j: int, r: int) -> float:  # rule at xs[j] over row r
        v = v_memo.get((j, r))
        if v is None:
            v = v_memo[j, r] = _covered(vby.get(j, ()), ys[r], ys[r + 1])
        return v

    # The slot merging and closing both backends share (imported here: pipeline.grid
    # imports this package's records).
    from ..grid import close_regions, grid_from_rects, merge_slots
    groups = merge_slots(nr, nc, lambda r, c: v_ruled(c + 1, r) < RULE_COVER_MIN,
                         lambda r, c: h_ruled(r + 1, c) < RULE_COVER_MIN)
    raw = []
    for r0, c0, r1, c1 in close_regions(groups, nr, nc):
        perim = ruled = 0.0
        for c in range(c0, c1):
            w = xs[c + 1] - xs[c]
            perim += 2 * w
            ruled += w * (h_ruled(r0, c) + h_ruled(r1, c))
        for r in range(r0, r1):
            hgt = ys[r + 1] - ys[r]
            perim += 2 * hgt
            ruled += hgt * (v_ruled(c0, r) + v_ruled(c1, r))
        if perim > 0 and ruled / perim >= CELL_RULED_MIN:
            raw.append((r0, c0, r1, c1))
    if len(raw) < MIN_GRID_CELLS:
        return None
    return grid_from_rects(raw, xs, ys)


def find_grids(segments: Iterable[Box], glyphs: Optional[Sequence[Glyph]] = None,
               scale: float = 1.0) -> list[Grid]:
    """Ruled tables from axis-aligned segments ``(x0, top, x1, bottom)``.

    Rules are snapped and joined (:func:`normalize_segments`), grouped into
    connected sets (one per table), and each set becomes a :class:`Grid`
    whose cells carry ``row``, ``col``, ``rowspan`` and ``colspan``.  When
    ``glyphs`` are given, a stack of horizontal rules without vertical ones
    (rules between rows only) also becomes a grid, its column boundaries
    inferred from the text (:func:`infer_column_rules`).  Grids are returned
    top to bottom.  ``scale`` converts the point tolerances to the caller's
    units (pixels per point for images).
    """
    h, v = normalize_segments(segments, scale)
    grids = []
    loose: list[tuple[float, float, float]] = []  # horizontal rules touching no vertical
    for hs, vs in _components(h, v, INTERSECT_TOLERANCE * scale):
        if not vs:
            loose += hs
            continue
        if not hs:
            continue
        if glyphs is not None and len({round(x / (SNAP_TOLERANCE * scale)) for x, _, _ in vs}) <= 2 \
                and len(hs) >= MIN_STACK_RULES:
            # Only an outer frame: columns come from the text, as for a bare stack.
            vs = vs + infer_column_rules(hs, glyphs, scale)
        g = _grid_from_component(hs, vs, scale)
        if g is not None:
            grids.append(g)
    if glyphs is not None:
        stacks = [part for st in rule_stacks(loose, scale) for part in split_stack(st, glyphs, scale)]
        for hs in stacks:
            x0, x1 = min(a for _, a, _ in hs), max(b for _, _, b in hs)
            y0, y1 = min(y for y, _, _ in hs), max(y for y, _, _ in hs)
            vs = [(x0, y0, y1), (x1, y0, y1)] + infer_column_rules(hs, glyphs, scale)
            g = _grid_from_component(hs, vs, scale)
            if g is not None and g.n_cols >= 2:
                grids.append(g)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def rule_stacks(hs: Sequence[tuple[float, float, float]], scale: float = 1.0
                ) -> list[list[tuple[float, float, float]]]:
    """Horizontal rules ``(y, x_from, x_to)`` grouped into stacks that overlap
    in x and follow each other closely in y; stacks of fewer than
    :data:`MIN_STACK_RULES` rules are dropped (underlines, separators)."""
    stacks: list[list[tuple[float, float, float]]] = []
    for r in sorted(hs):
        y, a, b = r
        for st in stacks:
            sa, sb = min(x for _, x, _ in st), max(x for _, _, x in st)
            inter = min(b, sb) - max(a, sa)
            if (y - st[-1][0] <= MAX_STACK_GAP * scale
                    and inter >= STACK_OVERLAP_MIN * min(b - a, sb - sa)):
                st.append(r)
                break
        else:
            stacks.append([r])
    return [st for st in stacks if len({round(y) for y, _, _ in st}) >= MIN_STACK_RULES]


def split_stack(hs: Sequence[tuple[float, float, float]], glyphs: Sequence[Glyph],
                scale: float = 1.0) -> list[list[tuple[float, float, float]]]:
    """Cut a stack of horizontal rules where a band holds foreign text
    (:func:`foreign_band`), and drop empty bands at either end; parts keep at
    least :data:`MIN_STACK_RULES` rule positions."""
    ys = snap_values([y for y, _, _ in hs], SNAP_TOLERANCE * scale)
    x0, x1 = min(a for _, a, _ in hs), max(b for _, _, b in hs)
    bands: list[list[Glyph]] = [[] for _ in range(len(ys) - 1)]
    if len(ys) < 2:
        return []
    for g in glyphs:
        cy = g.cy
        if ys[0] <= cy <= ys[-1] and x0 <= g.cx <= x1 and g.text.strip():
            bands[_band_of(ys, cy)].append(g)
    allsizes = [g.size for band in bands for g in band]
    if not allsizes:
        return []
    typical = statistics.median(allsizes)
    parts: list[list[int]] = [[0]]  # indices into ys
    for i, band in enumerate(bands):
        if foreign_band(band, typical):
            parts.append([i + 1])
        else:
            parts[-1].append(i + 1)
    out = []
    for part in parts:
        while len(part) >= 2 and not bands[part[0]]:
            part = part[1:]
        while len(part) >= 2 and not bands[part[-1] - 1]:
            part = part[:-1]
        if len(part) >= MIN_STACK_RULES:
            lo, hi = ys[part[0]], ys[part[-1]]
            tol = SNAP_TOLERANCE * scale
            out.append([r for r in hs if lo - tol <= r[0] <= hi + tol])
    return out


def foreign_band(band: Sequence[Glyph], typical: float) -> bool:
    """Whether the text between two rules of a stack is not a table row: much
    larger or smaller than the stack's ``typical`` size
    (:data:`STACK_SIZE_RATIO`), or one line of one piece somewhat larger
    (:data:`HEADING_SIZE_RATIO`: a heading between two tables)."""
    if not band:
        return False
    m = statistics.median(g.size for g in band)
    if m > typical * STACK_SIZE_RATIO or m < typical / STACK_SIZE_RATIO:
        return True
    return m > typical * HEADING_SIZE_RATIO and len(cluster_lines(band)) == 1 and len(_band_pieces(band)) == 1


def _word_spaces(blanks: Sequence[Glyph], solid: Sequence[Glyph]) -> list[Glyph]:
    """The blank glyphs that sit between two words of one line (a glyph
    ending just before and one starting just after, within half a size)."""
    if not blanks or not solid:
        return []
    by_x1 = sorted(solid, key=lambda g: g.x1)
    by_x0 = sorted(solid, key=lambda g: g.x0)
    x1s, x0s = [g.x1 for g in by_x1], [g.x0 for g in by_x0]

    def beside(b: Glyph, xs: list[float], gs: list[Glyph], x: float, key) -> bool:
        tol = 0.5 * b.size
        for g in gs[bisect.bisect_left(xs, x - tol):bisect.bisect_right(xs, x + tol)]:
            if abs(key(g) - x) <= tol and v_overlap(g.top, g.bottom, b.top, b.bottom) >= LINE_OVERLAP_MIN:
                return True
        return False
    return [b for b in blanks if beside(b, x1s, by_x1, b.x0, lambda g: g.x1)
            and beside(b, x0s, by_x0, b.x1, lambda g: g.x0)]


def _band_pieces(band: Sequence[Glyph]) -> list[tuple[float, float]]:
    """x-extents of the text pieces of a row band: the glyphs' x-projection
    (all of the band's visual lines together), runs closer than
    :data:`PIECE_GAP` font sizes joined."""
    sizes = [g.size for g in band if g.text.strip()]
    if not sizes:
        return []
    return _join_intervals([(g.x0, g.x1) for g in band], PIECE_GAP * statistics.median(sizes))


def spans(band: Sequence[Glyph]) -> list[tuple[float, float]]:
    """The x-ranges a row band's text runs across without a break, line by
    line: its pieces (glyphs closer than :data:`PIECE_GAP` font sizes), each
    shrunk by :data:`CROSS_MARGIN` font sizes at both ends."""
    out = []
    for line in cluster_lines(band):
        size = statistics.median(g.size for g in line)
        m = CROSS_MARGIN * size
        out += [(a + m, b - m) for a, b in _join_intervals([(g.x0, g.x1) for g in line], PIECE_GAP * size)
                if b - a > 2 * m]
    return out


def crosses(spans_: Sequence[tuple[float, float]], x: float) -> bool:
    """Whether a row band's text (its :func:`spans`) runs across ``x``: a
    cell spanning a column boundary there."""
    return any(a < x < b for a, b in spans_)


def stab_intervals(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fewest points that hit every closed interval ``(lo, hi)``, each given as
    the range where it may lie (the common part of the intervals it hits);
    left to right.  Greedy by right end, which is optimal."""
    out = []
    todo = sorted(intervals, key=lambda iv: iv[1])
    while todo:
        hi = todo[0][1]
        lo = max(a for a, _ in todo if a <= hi)
        out.append((lo, hi))
        todo = [iv for iv in todo if iv[0] > hi]
    return out


def _quietest_middle(cover: Sequence[int], k: int, j: int) -> float:
    """Index (half steps allowed) at the middle of the least-covered stretch of
    ``cover[k..j]`` nearest the middle of that range."""
    low = min(cover[k:j + 1])
    mid = (k + j) / 2
    best: Optional[tuple[int, int]] = None
    i = k
    while i <= j:
        if cover[i] != low:
            i += 1
            continue
        e = i
        while e + 1 <= j and cover[e + 1] == low:
            e += 1
        if best is None or abs((i + e) / 2 - mid) < abs((best[0] + best[1]) / 2 - mid):
            best = (i, e)
        i = e + 1
    return (best[0] + best[1] + 1) / 2


def _runs(cover: Sequence[int], limit: int, first: int, last: int, min_len: int) -> list[tuple[int, int]]:
    """Maximal runs ``(k, j)`` of ``cover[first..last]`` at most ``limit``, at
    least ``min_len`` long."""
    out = []
    k = first
    while k <= last:
        if cover[k] > limit:
            k += 1
            continue
        j = k
        while j + 1 <= last and cover[j + 1] <= limit:
            j += 1
        if j - k + 1 >= min_len:
            out.append((k, j))
        k = j + 1
    return out


def _band_gaps(bands: Sequence[Sequence[Glyph]], x0: float, step: float, n: int) -> list[tuple[int, int]]:
    """The gaps between neighbouring text pieces of each band, as ranges of
    ``step``-wide slots from ``x0`` that no glyph of the band touches."""
    out = []
    for band in bands:
        pieces = _band_pieces(band)
        for (_, e), (s, _) in zip(pieces, pieces[1:]):
            lo, hi = int((e - x0) / step) + 1, min(n - 1, int((s - x0) / step) - 1)
            if 0 <= lo <= hi:
                out.append((lo, hi))
    return out


def edge_by_rules(hs: Sequence[tuple[float, float, float]], ys: Sequence[float], x: float,
                  tol: float) -> list[bool]:
    """For each band between the rule heights ``ys``, whether the rules alone
    show a cell edge at ``x`` there: the band's top or bottom rule starts or
    ends at ``x`` (a cell's rule runs along its whole edge, so no cell of the
    band spans ``x``), or a cell beside ``x`` runs on without a rule under it
    from a band where that holds (a group cell keeps its edge all the way)."""
    return _edge_by_rules(_rules_at(hs, ys, tol), x, tol)


def _rules_at(hs: Sequence[tuple[float, float, float]], ys: Sequence[float],
              tol: float) -> list[list[tuple[float, float]]]:
    """For each height of ``ys``, the x-extents of the rules within ``tol`` of it."""
    return [[(a, b) for y, a, b in hs if abs(y - yy) <= tol] for yy in ys]


def _edge_by_rules(at: Sequence[Sequence[tuple[float, float]]], x: float, tol: float) -> list[bool]:
    """:func:`edge_by_rules` from the rules at each height (:func:`_rules_at`)."""
    n = len(at) - 1
    ends = [any(abs(a - x) <= tol or abs(b - x) <= tol for a, b in rules) for rules in at]
    keep = [ends[i] or ends[i + 1] for i in range(n)]

    def ruled(k: int, a: float, b: float) -> bool:  # a rule at height k runs along all of [a, b]
        return any(ra <= a + tol and rb >= b - tol for ra, rb in at[k])

    def runs_on(i: int) -> bool:  # a cell beside x goes on from band i into band i + 1
        d = 2 * tol
        return not ruled(i + 1, x - d, x) or not ruled(i + 1, x, x + d)
    for i in range(n - 1):
        keep[i + 1] = keep[i + 1] or (keep[i] and runs_on(i))
    for i in range(n - 2, -1, -1):
        keep[i] = keep[i] or (keep[i + 1] and runs_on(i))
    return keep


def infer_column_rules(hs: Sequence[tuple[float, float, float]], glyphs: Sequence[Glyph],
                       scale: float = 1.0) -> list[tuple[float, float, float]]:
    """Vertical rules ``(x, y_from, y_to)`` for a table whose rows are ruled
    but whose columns are not.

    The row bands lie between consecutive rules.  A column boundary is where
    a rule starts or ends inside the table, or lies in a river: an x-run that
    the text of at most :data:`RIVER_MAX_CROSSING` of the bands touches.  A
    river holds as many boundaries as its bands' gaps need (a column with
    values in few rows sits inside a river, between two of its boundaries):
    the fewest points that fall in every band's gap between two of its text
    pieces.  Each boundary's rule is left out in the bands whose text crosses
    it (:func:`spans`, a spanning cell), unless the rules show a cell edge
    there (:func:`edge_by_rules`) or a number stands on either side of it.
    """
    x0, x1 = min(a for _, a, _ in hs), max(b for _, _, b in hs)
    ys = snap_values([y for y, _, _ in hs], SNAP_TOLERANCE * scale)
    if len(ys) < 2:
        return []
    inside = [g for g in glyphs if ys[0] <= g.cy <= ys[-1] and x0 <= g.cx <= x1 and g.text.strip()]
    # A blank between two words counts as text ("1. 本机关" must not split after "1.").
    inside += _word_spaces([g for g in glyphs if not g.text.strip()], inside)
    bands: list[list[Glyph]] = [[] for _ in range(len(ys) - 1)]
    for g in inside:
        bands[_band_of(ys, g.cy)].append(g)
    filled = [b for b in bands if b]
    if len(filled) < 2:
        return []
    # Rows with numbers define the columns best (headers wrap and centre);
    # tables without numbers use every row.
    data = [b for b in filled if any(ch.isdigit() for g in b for ch in g.text)]
    if len(data) >= 2:
        filled = data
    step = 0.5 * scale
    n = int((x1 - x0) / step) + 1

    def slot(x: float) -> int:
        return min(n - 1, max(0, int((x - x0) / step)))
    # How many bands touch each slot: each band's glyph slots merged into runs, counted
    # once per band through a difference array.
    delta = [0] * (n + 1)
    for band in filled:
        for a, b in _join_intervals([(a, b) for a, b in ((slot(g.x0), slot(g.x1)) for g in band) if a <= b], 1):
            delta[a] += 1
            delta[b + 1] -= 1
    cover = list(itertools.accumulate(delta[:n]))
    limit = int(RIVER_MAX_CROSSING * len(filled))
    solid = [g for g in inside if g.text.strip()]
    first_text = slot(min(g.x0 for g in solid))
    last_text = slot(max(g.x1 for g in solid))
    gaps = _band_gaps(filled, x0, step, n)
    seps: list[float] = []
    for k, j in _runs(cover, limit, first_text, last_text, int(RIVER_MIN_WIDTH * scale / step + 0.999)):
        inner = [(max(a, k), min(b, j)) for a, b in gaps if a <= j and b >= k]
        for a, b in stab_intervals(inner) or [(k, j)]:
            xr = x0 + _quietest_middle(cover, a, b) * step
            # A boundary must close a column that holds text of its own.
            left = seps[-1] if seps else x0
            if any(g.x0 >= left - step and g.x1 <= xr for g in solid):
                seps.append(xr)
    while seps and not any(g.x0 >= seps[-1] for g in solid):
        seps.pop()
    # Where a row's rule starts or ends inside the table there is a column
    # boundary (rules under a group's rows leave out the group's column).
    snap = SNAP_TOLERANCE * scale
    ends = snap_values([e for _, a, b in hs for e in (a, b) if x0 + snap < e < x1 - snap], snap)
    seps = sorted(ends + [x for x in seps if all(abs(x - e) > 3 * snap for e in ends)])
    band_spans = [spans(band) for band in bands]
    rules_at = _rules_at(hs, ys, snap)
    by_x = [sorted(band, key=lambda g: g.x0) for band in bands]
    out = []
    for n_sep, xr in enumerate(seps):
        lo = seps[n_sep - 1] if n_sep else x0
        hi = seps[n_sep + 1] if n_sep + 1 < len(seps) else x1
        kept = _edge_by_rules(rules_at, xr, snap)
        for i in range(len(ys) - 1):
            if not kept[i] and crosses(band_spans[i], xr):
                # A spanning cell, unless a number stands on either side:
                # values never share a cell with their label.
                left = "".join(g.text for g in by_x[i] if lo <= g.cx < xr).strip()
                right = "".join(g.text for g in by_x[i] if xr <= g.cx < hi).strip()
                if not (is_number(left) or is_number(right)):
                    continue
            out.append((xr, ys[i], ys[i + 1]))
    return out

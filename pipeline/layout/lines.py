"""Text lines: glyphs clustered into visual lines and joined into text (Chinese unspaced)."""
from __future__ import annotations

import bisect
from typing import Optional, Sequence

from .glyphs import Glyph, is_cjk

LINE_OVERLAP_MIN = 0.5
"""Two glyphs sit on one visual line when their vertical extents overlap by at
least this share of the shorter one's height."""

CJK_SPACE_GAP = 1.0
"""Between two glyphs of which at least one is CJK (or CJK punctuation), a
horizontal gap wider than this many font sizes is written as a space.
Justified Chinese text spreads characters by up to about half an em, which
must *not* become a space (``只计这一情 形`` is ``只计这一情形``)."""

LATIN_SPACE_GAP = 0.2
"""Between two non-CJK glyphs (Latin letters, digits), a gap wider than this
many font sizes is a word space (pdfplumber's ``x_tolerance`` is 3pt at 12pt,
i.e. 0.25)."""


def v_overlap(a_top: float, a_bottom: float, b_top: float, b_bottom: float) -> float:
    """Vertical overlap of two extents as a share of the shorter one."""
    inter = min(a_bottom, b_bottom) - max(a_top, b_top)
    shorter = max(min(a_bottom - a_top, b_bottom - b_top), 1e-6)
    return max(inter, 0.0) / shorter


def _median_sorted(xs: Sequence[float]) -> float:
    """statistics.median of an already sorted list, in O(1)."""
    n = len(xs)
    mid = n // 2
    return xs[mid] if n % 2 else (xs[mid - 1] + xs[mid]) / 2


def _one_line(glyphs: Sequence[Glyph], overlap_min: float) -> bool:
    """Whether :func:`cluster_lines` must put all ``glyphs`` on one line (a cell's one line
    of text): the band every glyph shares (highest bottom to lowest top) is at least
    ``overlap_min`` of the tallest glyph, so each glyph overlaps any median band of the
    others by that much."""
    if not glyphs:
        return False
    g = glyphs[0]
    low, high, tallest = g.bottom, g.top, g.bottom - g.top
    for g in glyphs:  # one pass: a cell's text runs through here
        if g.bottom < low:
            low = g.bottom
        if g.top > high:
            high = g.top
        if g.bottom - g.top > tallest:
            tallest = g.bottom - g.top
    common = low - high
    return common > 0 and tallest >= 1e-6 and common >= overlap_min * tallest


def cluster_lines(glyphs: Sequence[Glyph], overlap_min: float = LINE_OVERLAP_MIN) -> list[list[Glyph]]:
    """Group glyphs into visual lines, top to bottom; each line left to right.

    A glyph joins the line whose vertical band it overlaps most (at least
    ``overlap_min`` of the shorter height); lines are compared on their
    median band so that one tall glyph does not swallow the next line.
    """
    solid = [g for g in glyphs if g.text.strip()]
    if _one_line(solid, overlap_min):
        # One sort by (x0, centre): what sorting by (centre, x0) and then by x0 gives.
        return [sorted(solid, key=lambda g: (g.x0, (g.top + g.bottom) / 2))]
    # [top, bottom, glyphs, sorted tops, sorted bottoms]; v_overlap written out (hot loop).
    lines: list[list] = []
    insort = bisect.insort
    for g in sorted(solid, key=lambda g: ((g.top + g.bottom) / 2, g.x0)):
        gt, gb = g.top, g.bottom
        best, best_ov = None, 0.0
        for ln in lines[-4:]:  # only recent lines can still be open
            lt, lb = ln[0], ln[1]
            inter = (lb if lb < gb else gb) - (lt if lt > gt else gt)  # min/max written out
            if inter <= 0:
                continue  # no overlap never joins (ov > best_ov fails)
            h = lb - lt if lb - lt < gb - gt else gb - gt
            ov = inter / (h if h > 1e-6 else 1e-6)
            if ov >= overlap_min and ov > best_ov:
                best, best_ov = ln, ov
        if best is None:
            lines.append([gt, gb, [g], [gt], [gb]])
        else:
            best[2].append(g)
            tops, bottoms = best[3], best[4]
            insort(tops, gt)
            insort(bottoms, gb)
            k = len(tops)  # _median_sorted of both, written out (hot loop)
            mid = k // 2
            if k % 2:
                best[0], best[1] = tops[mid], bottoms[mid]
            else:
                best[0], best[1] = (tops[mid - 1] + tops[mid]) / 2, (bottoms[mid - 1] + bottoms[mid]) / 2
    lines.sort(key=lambda ln: ln[0])
    return [sorted(ln[2], key=lambda g: g.x0) for ln in lines]


def needs_space(left: Glyph, right: Glyph) -> bool:
    """Whether the gap between two neighbouring glyphs on a line is a space."""
    gap = right.x0 - left.x1
    size = max(min(left.size, right.size), 1e-6)
    cjk = is_cjk(left.text[-1:]) or is_cjk(right.text[:1])
    return gap > (CJK_SPACE_GAP if cjk else LATIN_SPACE_GAP) * size


def join_glyphs(glyphs: Sequence[Glyph]) -> str:
    """Text of one visual line (glyphs left to right).

    Whitespace glyphs in the source are ignored; spaces come only from the
    geometry (:func:`needs_space`), so a PDF that spaces characters with
    blanks reads the same as one that positions them.
    """
    out: list[str] = []
    prev: Optional[Glyph] = None
    # A gap no wider than the narrower of the two space gaps is never a space: the
    # CJK test (the hot part) is made only for wider gaps.
    narrow = min(CJK_SPACE_GAP, LATIN_SPACE_GAP)
    for g in glyphs:
        t = g.text
        if not t.strip():
            continue
        if prev is not None:  # needs_space(prev, g), written out (hot loop)
            size = prev.size if prev.size < g.size else g.size
            if size < 1e-6:
                size = 1e-6
            gap = g.x0 - prev.x1
            if gap > narrow * size:
                cjk = is_cjk(prev.text[-1:]) or is_cjk(t[:1])
                if gap > (CJK_SPACE_GAP if cjk else LATIN_SPACE_GAP) * size:
                    out.append(" ")
        out.append(t.strip() if len(t) > 1 else t)
        prev = g
    return "".join(out)


def join_fragments(parts: Sequence[str]) -> str:
    """Join the lines of a wrapped cell or label: directly where either side is
    CJK (``等`` + ``于第三项``), with a space between two Latin/digit ends."""
    if len(parts) == 1:  # a one-line cell (most of them)
        return parts[0].strip()
    out = ""
    for p in (p.strip() for p in parts):
        if not p:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(p[0])):
            out += " "
        out += p
    return out


def median_size(glyphs: Sequence[Glyph]) -> Optional[float]:
    """Median glyph size, rounded to 0.1 (None for no glyphs)."""
    sizes = sorted(g.size for g in glyphs if g.text.strip())
    return round(_median_sorted(sizes), 1) if sizes else None


def mostly_bold(glyphs: Sequence[Glyph]) -> bool:
    """True when at least half of the (non-blank) glyphs are bold."""
    gs = [g for g in glyphs if g.text.strip()]
    return bool(gs) and 2 * sum(g.bold for g in gs) >= len(gs)

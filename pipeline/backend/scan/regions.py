"""What to read where: the page layout (grids, cell text lines, free rows) and the crops to recognise."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import cv2
import numpy as np

from ...layout import Grid
from .borderless import align_columns, split_at_columns
from .lines import (VERTICAL_MIN_WIDTH, FreeRow, TALL_BAND, _pieces, bands, cell_line_boxes, estimate_line_height, link_sublines,
                    merge_wrapped, vertical_chars)
from .raster import MIN_SPECK_AREA, px
from .rules import _rule_mask, find_grids, ruling_segments

CELL_INSET = 3  # px kept clear of the rules when reading a cell
RULE_ERASE_MIN = 120  # px; lone horizontal rules this long are erased before reading text …
RULE_ERASE_PAD = 2  # px; … with this margin (blur spreads a rule)


@dataclass
class Crop:
    """One text line to recognise, and where its text goes."""
    box: tuple[int, int, int, int]  # ink box x0, y0, x1, y1
    owner: tuple  # ("cell", grid, cell) | ("free", row, cell) | ("det",)
    clip: tuple[int, int, int, int]  # region the crop may extend into (cell interior)
    # Vertical text (one character per line, e.g. 三、本年度办理结果 down a label
    # column): the character boxes, laid side by side into one horizontal line.
    chars: Optional[list[tuple[int, int, int, int]]] = None


@dataclass
class Layout:
    gray: np.ndarray  # deskewed grey, rules painted white
    ink: np.ndarray  # ink without rules
    unit: float
    line_h: float
    grids: list[Grid]
    free_rows: list[FreeRow] = field(default_factory=list)
    crops: list[Crop] = field(default_factory=list)
    text_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)


def analyse(gray: np.ndarray, ink: np.ndarray, unit: float, faint_rules: bool = True) -> Layout:
    """Find grids, cell text lines and free text rows on a deskewed page.

    ``faint_rules``: rules are looked for in the grey's faint ink too (not on a 1-bit
    page: its rules are black or absent, its grey is the smoothing's)."""
    hsegs, vsegs = ruling_segments(ink, unit, gray if faint_rules else None)
    found = find_grids(hsegs, vsegs, unit)
    grids = [g for g, _, _ in found]
    # Erase the rules grids were built from, and long lone rules (between the rows of a
    # table ruled only horizontally, underlines): they would glue text lines together.
    # Other runs stay: short ones may be glyph strokes (the 一 of a bold heading), and
    # runs inside a cell that joined no grid are blurred strokes of its text.
    long_h = px(RULE_ERASE_MIN, unit)
    erase_h = [s for _, hs, _ in found for s in hs] + [s for s in hsegs if s.b - s.a >= long_h]
    erase_v = [s for _, _, vs in found for s in vs]
    rules = _rule_mask(ink.shape, erase_h, erase_v, px(RULE_ERASE_PAD, unit))
    ink = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    gray = gray.copy()
    gray[rules > 0] = 255
    free = _mask_out_grids(ink, grids)
    line_h = estimate_line_height(free, unit)
    lay = Layout(gray, ink, unit, line_h, grids)
    inset = px(CELL_INSET, unit)
    for gi, g in enumerate(grids):
        for ci, cell in enumerate(g.cells):
            x0, y0, x1, y1 = (int(round(v)) for v in cell.box)
            clip = (x0 + inset, y0 + inset, x1 - inset, y1 - inset)
            chars = vertical_chars(ink, clip, line_h)
            if chars:
                box = (min(c[0] for c in chars), chars[0][1], max(c[2] for c in chars), chars[-1][3])
                lay.crops.append(Crop(box, ("cell", gi, ci), clip, chars))
                continue
            for box in cell_line_boxes(ink, clip, line_h):
                lay.crops.append(Crop(box, ("cell", gi, ci), clip))
    h, w = ink.shape
    lay.free_rows, lay.text_boxes = free_rows(free, line_h)
    for ri, row in enumerate(lay.free_rows):
        for ci, boxes in enumerate(row.cells):
            for box in boxes:
                lay.crops.append(Crop(box, ("free", ri, ci), (0, 0, w, h)))
    return lay


def free_rows(ink: np.ndarray, line_h: float) -> tuple[list[FreeRow], list[tuple[int, int, int, int]]]:
    """Text outside grids as rows of cells, and the regions too tall to be text lines.

    A horizontal band of ink is split at gaps wider than SEG_GAP line heights; each
    piece is cut into its own text lines; lines of different pieces that overlap
    vertically are one row (a number centred beside a two-line label joins it).
    """
    rows: list[FreeRow] = []
    tall: list[tuple[int, int, int, int]] = []
    for a, b in bands(ink.sum(axis=1), line_h):
        strip = ink[a:b]
        subs: list[tuple[int, tuple[int, int, int, int]]] = []
        for k, (sa, sb) in enumerate(_pieces(strip, line_h)):
            piece = strip[:, sa:sb]
            for pa, pb in bands(piece.sum(axis=1), line_h):
                cols = np.flatnonzero(piece[pa:pb].any(axis=0))
                if cols.size == 0:
                    continue
                box = (sa + int(cols[0]), a + pa, sa + int(cols[-1]) + 1, a + pb)
                if (box[2] - box[0]) * (box[3] - box[1]) < MIN_SPECK_AREA * 3:
                    continue
                if box[3] - box[1] > TALL_BAND * line_h:
                    if box[2] - box[0] >= VERTICAL_MIN_WIDTH * line_h:  # narrower: a stray line, not text
                        tall.append(box)  # a picture, stamp or odd layout: the detector decides
                    continue
                subs.append((k, box))
        for group in merge_wrapped(link_sublines(subs)):
            by_piece: dict[int, list] = {}
            for k, box in group:
                by_piece.setdefault(k, []).append(box)
            rows.append(FreeRow([sorted(v, key=lambda bx: bx[1]) for _, v in sorted(by_piece.items())]))
    rows.sort(key=lambda r: min(bx[1] for c in r.cells for bx in c))
    split_at_columns(rows, ink, line_h)
    align_columns(rows, ink, line_h)
    return rows, tall


def _mask_out_grids(ink: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The ink outside every grid."""
    out = ink.copy()
    for g in grids:
        x0, y0, x1, y1 = (int(round(v)) for v in g.bbox)
        out[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 0
    return out

"""Page orientation: which quarter turn makes a scanned page's text upright.

Two cheap tests, in order:

1. text axis: text lines make the ink profile across them sharp (lines and gaps
   alternate) and the profile along them flat, so on a page turned 90° or 270°
   the column profile is the sharper one (measured with the skew search, see
   ``deskew.coarse_skew``);
2. upside down: PP-OCR's text direction classifier votes on a few wide text
   pieces of the (axis-corrected, deskewed) page; when its vote is unsure, on more
   pieces; when that is still unsure the recogniser's confidence on the pieces as
   they are and turned 180° decides.
"""
from __future__ import annotations

import cv2
import numpy as np

from .lines import bands, split_segments

ORIENT_LINES = 10  # text pieces sampled for the 180° test (the widest ones) …
ORIENT_MORE_LINES = 30  # … and when their vote is unsure, this many (a fax's pieces read poorly)
ORIENT_MIN_ASPECT = 3.0  # a piece at least this many heights wide is text, not a number
ORIENT_PIECE_GAP = 1.5  # pieces of a text band split at gaps wider than this (heights)
ORIENT_RULE_LEN = 60  # px; ink runs this long are rules, erased before sampling lines
ORIENT_LINE_H = (10, 60)  # px; plausible heights of a sampled text line
FLIP_UNSURE = (0.3, 0.7)  # mean 180° probability in this range: ask the recogniser too
REC_MARGIN = 0.02  # … and turn the page only when flipped crops read this much more surely


def text_pieces(gray: np.ndarray, ink: np.ndarray, unit: float, n: int = ORIENT_LINES) -> list[np.ndarray]:
    """Crops of the widest text pieces of a page: ink bands of text height (rules
    erased first, so table rows count), split at wide gaps, widest first."""
    k = max(3, int(ORIENT_RULE_LEN * unit))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    text = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    lo, hi = ORIENT_LINE_H[0] * unit, ORIENT_LINE_H[1] * unit
    pieces = []
    for a, b in bands(text.sum(axis=1), 20 * unit):
        h = b - a
        if not lo <= h <= hi:
            continue
        for x0, x1 in split_segments(text[a:b].any(axis=0), ORIENT_PIECE_GAP * h):
            if x1 - x0 >= ORIENT_MIN_ASPECT * h:
                pieces.append((x1 - x0, (x0, a, x1, b)))
    pieces.sort(key=lambda t: -t[0])
    out = []
    for _, (x0, y0, x1, y1) in pieces[:n]:
        m = max(2, (y1 - y0) // 4)
        out.append(cv2.copyMakeBorder(gray[y0:y1, x0:x1], m, m, m, m, cv2.BORDER_CONSTANT, value=255))
    return out


def upside_down(gray: np.ndarray, ink: np.ndarray, unit: float) -> bool:
    """Whether the (axis-corrected) page reads upside down."""
    from ...ocr import get_engine

    crops = text_pieces(gray, ink, unit)
    if not crops:
        return False
    engine = get_engine()
    p = float(np.mean(engine.upside_down(crops)))
    if FLIP_UNSURE[0] <= p <= FLIP_UNSURE[1] and len(crops) == ORIENT_LINES:
        crops = text_pieces(gray, ink, unit, ORIENT_MORE_LINES)
        p = float(np.mean(engine.upside_down(crops)))
    if not FLIP_UNSURE[0] <= p <= FLIP_UNSURE[1]:
        return p > 0.5
    as_is = np.mean([r.confidence for r in engine.recognize(crops, keep_numeric=False)])
    turned = np.mean([r.confidence for r in engine.recognize([np.rot90(c, 2) for c in crops], keep_numeric=False)])
    return turned > as_is + REC_MARGIN

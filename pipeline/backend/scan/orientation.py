"""Page orientation: which quarter turn makes a scanned page's text upright.

Two cheap tests, in order:

1. text axis: text lines make the ink profile across them sharp (lines and gaps
   alternate) and the profile along them flat, so on a page turned 90° or 270°
   the column profile is the sharper one (measured with the skew search, see
   ``deskew.coarse_skew``);
2. upside down: PP-OCR's text direction classifier votes on short chunks of the
   page's text pieces (the classifier sees 4:1 images: a whole table row squashed
   into one is a blur, and a row of zeros reads the same both ways); when its vote
   is unsure the recogniser's confidence on the widest pieces as they are and
   turned 180° decides.  Table pages (rows of numbers, few words) are where the
   classifier is unsure: there the recogniser settles it.
"""
from __future__ import annotations

import cv2
import numpy as np

from .lines import bands, split_segments
from .raster import px
from .rules import JOG_BRIDGE, line_mask

ORIENT_LINES = 10  # text pieces the recogniser reads both ways when the classifier is unsure (the widest)
ORIENT_PIECES = 40  # text pieces cut into chunks for the classifier (the widest)
ORIENT_CHUNK_ASPECT = 6.0  # chunk width in piece heights (the classifier's input is 4:1)
ORIENT_CHUNK_MIN_INK = 0.02  # chunks with less dark share are gaps between numbers, not voted on
ORIENT_MAX_CHUNKS = 64
ORIENT_REC_ASPECT = 10.0  # pieces the recogniser compares are cut to this many heights (time)
ORIENT_MIN_ASPECT = 3.0  # a piece at least this many heights wide is text, not a number
ORIENT_PIECE_GAP = 1.5  # pieces of a text band split at gaps wider than this (heights)
ORIENT_RULE_LEN = 60  # px; ink runs this long are rules, erased before sampling lines
ORIENT_LINE_H = (10, 60)  # px; plausible heights of a sampled text line
FLIP_UNSURE = (0.2, 0.8)  # mean 180° probability of the chunks in this range: ask the recogniser
REC_MARGIN = 0.02  # … and turn the page only when flipped crops read this much more surely …
# … and more of the crops, one by one, read surer turned (by REC_MARGIN) than as they are: on a
# page of noise (a dark fax whose strokes ran into blobs) most crops read near 0 both ways and one
# odd crop moves the mean (dev fax 989200 page 2: as is wins 4 crops, turned 3, turned's mean
# 0.025 higher: it was turned upside down)


def rule_mask(ink: np.ndarray, unit: float, length: float = ORIENT_RULE_LEN, bridge: float = JOG_BRIDGE) -> np.ndarray:
    """Ink of the page's long straight runs (ruling lines), across their whole width.

    As for the table rules (``rules.ruling_segments``) the ink is thickened across each
    run by ``bridge`` before the opening: a thin rule left slightly skewed, or a 1-bit
    rule doubled at each step of its staircase (a fax), would otherwise break into pieces
    shorter than ``length`` and stay in the text as dashes joining two table rows into
    one band; the mask found is widened back the same way, so it covers the rule."""
    k, j = max(3, int(length * unit)) | 1, px(bridge, unit)  # odd: an even opening loses an end pixel
    h, v = (line_mask(ink, unit, horizontal, k, bridge) for horizontal in (True, False))
    return cv2.dilate(h, np.ones((j, 1), np.uint8)) | cv2.dilate(v, np.ones((1, j), np.uint8))


def text_pieces(gray: np.ndarray, ink: np.ndarray, unit: float, n: int = ORIENT_LINES) -> list[np.ndarray]:
    """Crops of the widest text pieces of a page: ink bands of text height (rules
    erased first, so table rows count), split at wide gaps, widest first."""
    text = cv2.bitwise_and(ink, cv2.bitwise_not(rule_mask(ink, unit)))
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


def chunks(crops: list[np.ndarray], aspect: float = ORIENT_CHUNK_ASPECT,
           min_ink: float = ORIENT_CHUNK_MIN_INK) -> list[np.ndarray]:
    """Each crop cut left to right into pieces ``aspect`` heights wide (a last piece
    under half that is dropped), keeping those with at least ``min_ink`` dark pixels."""
    out = []
    for c in crops:
        h, w = c.shape[:2]
        step = max(1, int(aspect * h))
        for x in range(0, max(1, w - step // 2), step):
            piece = c[:, x:x + step]
            if float((piece < 128).mean()) >= min_ink:
                out.append(piece)
    return out


def upside_down(gray: np.ndarray, ink: np.ndarray, unit: float) -> bool:
    """Whether the (axis-corrected) page reads upside down."""
    from ...ocr import get_engine

    crops = text_pieces(gray, ink, unit, ORIENT_PIECES)
    votes = chunks(crops)[:ORIENT_MAX_CHUNKS]
    if not votes:
        return False
    engine = get_engine()
    p = float(np.mean(engine.upside_down(votes)))
    if not FLIP_UNSURE[0] <= p <= FLIP_UNSURE[1]:
        return p > 0.5
    return recogniser_prefers_turned(crops[:ORIENT_LINES], engine)


def recogniser_prefers_turned(crops: list[np.ndarray], engine, aspect: float = ORIENT_REC_ASPECT,
                              margin: float = REC_MARGIN) -> bool:
    """Whether the recogniser reads the crops (cut to ``aspect`` heights) more surely turned
    180° than as they are: by ``margin`` in mean confidence, and on more crops (each by
    ``margin``) than it reads surer as they are."""
    cut = [c[:, :max(1, int(aspect * c.shape[0]))] for c in crops]
    as_is = np.array([r.confidence for r in engine.recognize(cut, keep_numeric=False)])
    turned = np.array([r.confidence for r in engine.recognize([np.rot90(c, 2) for c in cut], keep_numeric=False)])
    return turned_wins(as_is, turned, margin)


def turned_wins(as_is: np.ndarray, turned: np.ndarray, margin: float = REC_MARGIN) -> bool:
    """Whether per-crop confidences read turned beat those read as they are: the mean by
    ``margin``, and more crops won (by ``margin``) than lost."""
    if not len(as_is):
        return False
    won = int(np.sum(turned > as_is + margin))
    lost = int(np.sum(as_is > turned + margin))
    return bool(turned.mean() > as_is.mean() + margin and won > lost)

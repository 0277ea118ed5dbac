"""A digit reader for 1-bit faxes: the cell's number cut into equal digit slices, each
classified by a small MLP trained on the generator's own faxes (``training/fax_digits.py``,
which knows every number and where it is printed).  numpy inference, no download.

At 100 dpi and one bit, a serif 0 loses its thin arcs and PP-OCR reads two strokes, "11",
or "()"; the slice classifier was shown exactly those remnants.  It was also shown slices
cut with the wrong count of digits (half a 0, a whole "13" squeezed into one slice) as a
class of their own, NO_DIGIT, with each slice's width against its height as a feature: a
count is only read where every slice looks like one digit, so a two-digit number squeezed
into one slice is not a sure 0.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import cv2
import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[3] / "models" / "fax_digits.npz"
SLICE_W, SLICE_H = 10, 16  # px of a digit slice fed to the classifier
ASPECT_SCALE = 2.0  # a slice's width / height enters the features divided by this (about 0..1)
NO_DIGIT = 10  # the class of a slice that is not one digit (the count of digits was wrong)
MAX_DIGITS = 6  # longer numbers are left to the recogniser
COUNT_SLACK = 1  # digit counts read either side of the one the width gives
MIN_INK_MASS = 2.0  # a crop with less ink (in fully black pixels' worth) holds no digit: paper, a speck


def slice_features(crop: np.ndarray, k: int) -> np.ndarray:
    """``k`` equal-width slices of a grey number crop (ink dark), each resized to
    SLICE_W x SLICE_H and scaled to 0 (paper) .. 1 (ink), then the slice's width against
    the crop's height (/ ASPECT_SCALE): a (k, SLICE_W*SLICE_H + 1) array."""
    h, w = crop.shape
    edges = np.linspace(0, w, k + 1)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        part = crop[:, int(round(a)):max(int(round(b)), int(round(a)) + 1)]
        aspect = part.shape[1] / max(h, 1) / ASPECT_SCALE
        part = cv2.resize(part, (SLICE_W, SLICE_H), interpolation=cv2.INTER_AREA)
        out.append(np.append(1.0 - part.astype(np.float32).ravel() / 255.0, np.float32(aspect)))
    return np.stack(out).astype(np.float32)


def digit_count(crop: np.ndarray, advance: float) -> int:
    """How many digits a number crop holds, from its width against its height."""
    h, w = crop.shape
    return max(1, int(round(w / max(h * advance, 1.0))))


@lru_cache(maxsize=4)
def load_weights(path: Path) -> Optional[dict]:
    """A digit reader's weights (an ``.npz`` under models/), read once; None where none is shipped."""
    if not path.is_file():
        return None
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def _model() -> Optional[dict]:
    return load_weights(MODEL_PATH)


def slice_probabilities(x: np.ndarray, m: dict) -> np.ndarray:
    """The MLP's class probabilities (digits 0-9, then NO_DIGIT) of slice features ``x``."""
    hidden = np.maximum(x @ m["w1"] + m["b1"], 0.0)
    logits = hidden @ m["w2"] + m["b2"]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def read_digits(crop: np.ndarray) -> Optional[tuple[str, float]]:
    """(digits, weakest slice's probability) of a tight grey crop of an integer; None
    when no model is shipped, the crop holds no ink (MIN_INK_MASS), or no count of digits
    cuts it into slices that each look like one digit.

    The count of digits is estimated from the crop's width (specks and a wide 0 blur it):
    the counts COUNT_SLACK either side are read too, and the surest reading whose every
    slice is a digit and that starts with no 0 (no printed integer does) is taken."""
    return read_with(_model(), crop)


def read_with(model: Optional[dict], crop: np.ndarray) -> Optional[tuple[str, float]]:
    """``read_digits`` under any reader's weights ``model`` (the fax reader's, the seal
    reader's): None without a model or ink, or where no count of digits reads as digits."""
    if model is None or crop.size == 0 or float((1.0 - crop / 255.0).sum()) < MIN_INK_MASS:
        return None  # never a digit where there is no ink
    k0 = digit_count(crop, float(model["advance"]))
    best: Optional[tuple[str, float]] = None
    for k in range(max(1, k0 - COUNT_SLACK), min(MAX_DIGITS, k0 + COUNT_SLACK) + 1):
        p = slice_probabilities(slice_features(crop, k), model)
        classes = p.argmax(axis=1)
        if (classes >= NO_DIGIT).any():
            continue
        text = "".join(str(int(d)) for d in classes)
        if len(text) > 1 and text[0] == "0":
            continue
        conf = float(p[np.arange(k), classes].min())
        if best is None or conf > best[1]:
            best = (text, conf)
    return best


READER_MIN_CONF = 0.9  # the reader's weakest digit must be this sure to overrule the recogniser …
OCR_TRUST_CONF = 0.98  # … and the recogniser's reading below this sure (or not a number) …
READER_OVER_SURE_CONF = 0.98  # … or the reader this sure and its reading as long as the recogniser's.
# Development faxes 1000000-1000009 and 988400-988409: where both were this sure and disagreed,
# the reader was right 12 times (a 7 or 2 the recogniser read "1", a 0 read "6" or "1"), the
# recogniser once (69, the reader's "0": a digit count apart), neither once (41.63 read 4163/4113).
# A thin 0 lost by the recogniser ("40" read a sure "4", development fax 989007): the reader,
# this sure and surer than the recogniser, reading the recogniser's digits with one more
# among them, wins too; a reading with fewer digits (the 69 above) only where the recogniser
# read a 0's two arcs as ARCS_OF_ZERO (development fax 989009: "11" at 0.988, the reader's 0
# at 0.996).  Development faxes 989000-989019: where both were this sure and disagreed, the
# reader was right 12 times, the recogniser once (a 4 the reader read 2, less surely).
ARCS_OF_ZERO = "11"


def fax_number(gray: np.ndarray, box: tuple[int, int, int, int], text: str, conf: float,
               is_number, readings: Optional[list] = None) -> tuple[str, float]:
    """A fax's number cell: the recogniser's (``text``, ``conf``) or the digit reader's
    reading of the crop at ``box``.  Agreeing, the surer of the two; disagreeing, the reader
    only when it is sure (READER_MIN_CONF) and the recogniser is not (OCR_TRUST_CONF, or
    not a number), or when it is surer still (READER_OVER_SURE_CONF) and reads as many
    digits, or the recogniser's digits and one more it lost (``one_digit_lost``) or a 0
    the recogniser read as two ones (ARCS_OF_ZERO), more surely than the recogniser;
    decimals and separators stay the recogniser's.  The reader's own reading, where it gave
    one, is added to ``readings`` as (digits, probability)."""
    if any(ch in text for ch in ".,，。"):
        return text, conf
    x0, y0, x1, y1 = box
    got = read_digits(gray[y0:y1, x0:x1])
    if got is None:
        return text, conf
    if readings is not None:
        readings.append(got)
    digits, p = got
    if digits == text:
        return text, max(conf, p)
    if p >= READER_MIN_CONF and (conf < OCR_TRUST_CONF or not is_number(text)):
        return digits, p
    if p >= READER_OVER_SURE_CONF and text.isdigit() and len(text) == len(digits):
        return digits, p
    if p >= READER_OVER_SURE_CONF and p > conf and (one_digit_lost(text, digits)
                                                    or (text, digits) == (ARCS_OF_ZERO, "0")):
        return digits, p
    return text, conf


def one_digit_lost(text: str, digits: str) -> bool:
    """Whether ``text`` is ``digits`` with exactly one digit left out (a lost thin 0: "4" of "40")."""
    return len(digits) == len(text) + 1 and any(digits[:i] + digits[i + 1:] == text for i in range(len(digits)))



POINT_INK_LEVEL = 200  # grey below this is ink here: the upscaled, smoothed 1-bit strokes' full width
POINT_BAND = 0.35  # a decimal point lies in this bottom share of the number's ink height …
POINT_MAX_SIZE = 0.35  # … is at most this wide and tall against that height, with no other ink above it
POINT_MIN_DIGITS = 3  # a lost point's gap is told from the number's other gaps: 3 digits at least …
POINT_GAP_MIN = 0.25  # … the gap this wide against the ink height (or more) …
POINT_GAP_RATIO = 3.0  # … and this many times the widest other gap (development faxes: 4163 for 41.63
# [7 px, then 2], 4295 for 429.5 [4, 1]; integers of 3+ digits: at most 0.12 of the height)


def decimal_point(crop: np.ndarray, digits: str) -> Optional[tuple[int, str]]:
    """Where the tight grey crop of a number read as ``digits`` (no point) shows a decimal
    point: (how many of the digits come after it, ``"dot"`` or ``"gap"``), or None.

    ``"dot"``: a small blob of ink (POINT_MAX_SIZE) in the bottom band (POINT_BAND) between
    digits, with no ink above it: the point is in the pixels, the recogniser missed it.
    ``"gap"``: no dot, but one gap between digits far wider than the others (POINT_GAP_MIN,
    POINT_GAP_RATIO; POINT_MIN_DIGITS): where a 1-px point of a 100-dpi fax was lost to
    the threshold.  The digits each side are counted by the share of the width they take."""
    k = len(digits)
    ink = (crop < POINT_INK_LEVEL).astype(np.uint8)
    if k < 2 or not ink.any():
        return None
    ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]
    h, w = ink.shape
    n, labels, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    for i, (x, y, bw, bh, _) in enumerate(st[1:], 1):
        if not (0 < x and x + bw < w and y >= h * (1 - POINT_BAND)
                and bw <= POINT_MAX_SIZE * h and bh <= POINT_MAX_SIZE * h):
            continue
        if ((labels[:, x:x + bw] != 0) & (labels[:, x:x + bw] != i)).any():
            continue  # other ink above or beside it in its columns: part of a digit
        after = _digits_after(k, x, x + bw, w)
        if after is not None:
            return after, "dot"
    if k < POINT_MIN_DIGITS:
        return None
    empty = ~ink.any(axis=0).astype(bool)
    gaps, x = [], 0
    while x < w:
        if empty[x]:
            a = x
            while x < w and empty[x]:
                x += 1
            gaps.append((x - a, a, x))
        x += 1
    if not gaps:
        return None
    gaps.sort(reverse=True)
    width, a, b = gaps[0]
    other = gaps[1][0] if len(gaps) > 1 else 0
    if width < POINT_GAP_MIN * h or width < POINT_GAP_RATIO * max(other, 1):
        return None
    after = _digits_after(k, a, b, w)
    return None if after is None else (after, "gap")


def _digits_after(k: int, a: int, b: int, w: int) -> Optional[int]:
    """Of ``k`` digits across ``w`` px with a point (or its gap) at columns a..b, how many
    lie after it (by width); None when no digit would lie on one side."""
    left, right = a, w - b
    before = int(round(k * left / max(left + right, 1)))
    return k - before if 0 < before < k else None

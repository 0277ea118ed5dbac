"""A digit reader for numbers under a seal: the fax reader's slices (``digits``), classified
by a small MLP of its own trained on the generator's seal scans (``training/seal_digits.py``,
which knows every number and where it is printed).  numpy inference, no download.

What the unmixing (``seals.seal_free_gray``) leaves of a seal's lettering beside a black
digit (JPEG codes colour at half resolution and quantises it per 16-px block, so lettering
beside black ink loses its red and unmixes as grey) puts a bar across a 0's counter or a
spur on its ring, and PP-OCR reads 6, 8 or 9, sometimes sure of it.  The classifier was
shown exactly those remnants, of every digit (nonzero digits repeated to half of the
slices, so that residue is not learnt as "0"), and slices cut with the wrong count of
digits as ``digits.NO_DIGIT``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from .digits import COUNT_SLACK, MAX_DIGITS, MIN_INK_MASS, NO_DIGIT, digit_count, slice_features, slice_probabilities

MODEL_PATH = Path(__file__).resolve().parents[3] / "models" / "seal_digits.npz"
SEAL_READER_MIN_CONF = 0.9  # the reader's weakest digit must be this sure to overrule the recogniser …
SEAL_OCR_TRUST_CONF = 0.999  # … and the recogniser less sure than this (a 0 under lettering read 6 at 0.9993)


@lru_cache(maxsize=1)
def _model() -> Optional[dict]:
    if not MODEL_PATH.is_file():
        return None
    with np.load(MODEL_PATH) as z:
        return {k: z[k] for k in z.files}


def read_with(model: Optional[dict], crop: np.ndarray) -> Optional[tuple[str, float]]:
    """(digits, weakest slice's probability) of a tight grey crop of an integer under
    ``model``; None without a model, on a crop without ink, or where no count of digits
    (the width's estimate, COUNT_SLACK either side) cuts it into slices that each look
    like one digit; never a number starting with 0."""
    if model is None or crop.size == 0 or float((1.0 - crop / 255.0).sum()) < MIN_INK_MASS:
        return None
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


def sealed_number(gray: np.ndarray, box: tuple[int, int, int, int], text: str, conf: float,
                  is_number) -> tuple[str, float]:
    """A number cell under a seal: the recogniser's (``text``, ``conf``) or the seal digit
    reader's reading of the crop at ``box``.  Agreeing, the surer of the two; disagreeing,
    the reader only when it is sure (SEAL_READER_MIN_CONF), the recogniser is not
    (SEAL_OCR_TRUST_CONF, or not a number), and it reads as many digits as the recogniser
    (or, where that read no number, as the crop's width gives); decimals and separators
    stay the recogniser's."""
    if any(ch in text for ch in ".,，。"):
        return text, conf
    x0, y0, x1, y1 = box
    got = read_with(_model(), gray[y0:y1, x0:x1])
    if got is None:
        return text, conf
    digits, p = got
    if digits == text:
        return text, max(conf, p)
    # Only a reading of as many digits: the count is the reader's weak point (test seed
    # 7050: a 15 cut as one slice read "0", 0.97 sure); the recogniser's misreads under a
    # seal are of single digits (0 read 6, 8, 9).
    count = len(text) if is_number(text) else digit_count(gray[y0:y1, x0:x1], float(_model()["advance"]))
    if len(digits) == count and p >= SEAL_READER_MIN_CONF and (conf < SEAL_OCR_TRUST_CONF or not is_number(text)):
        return digits, p
    return text, conf

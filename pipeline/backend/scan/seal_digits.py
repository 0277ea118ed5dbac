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

from pathlib import Path
from typing import Optional

import numpy as np

from .digits import digit_count, load_weights, read_with  # the fax reader's loop, under the seal reader's weights

MODEL_PATH = Path(__file__).resolve().parents[3] / "models" / "seal_digits.npz"
SEAL_READER_MIN_CONF = 0.9  # the reader's weakest digit must be this sure to overrule the recogniser …
SEAL_OCR_TRUST_CONF = 0.999  # … and the recogniser less sure than this (a 0 under lettering read 6 at 0.9993)


def _model() -> Optional[dict]:
    return load_weights(MODEL_PATH)


def sealed_number(gray: np.ndarray, box: tuple[int, int, int, int], text: str, conf: float,
                  is_number, readings: Optional[list] = None) -> tuple[str, float]:
    """A number cell under a seal: the recogniser's (``text``, ``conf``) or the seal digit
    reader's reading of the crop at ``box``.  Agreeing, the surer of the two; disagreeing,
    the reader only when it is sure (SEAL_READER_MIN_CONF), the recogniser is not
    (SEAL_OCR_TRUST_CONF, or not a number), and it reads as many digits as the recogniser
    (or, where that read no number, as the crop's width gives); decimals and separators
    stay the recogniser's.  The reader's reading is added to ``readings`` (a list of
    (text, confidence)) where given."""
    if any(ch in text for ch in ".,，。"):
        return text, conf
    x0, y0, x1, y1 = box
    got = read_with(_model(), gray[y0:y1, x0:x1])
    if got is None:
        return text, conf
    digits, p = got
    if readings is not None:
        readings.append((digits, p))
    if digits == text:
        return text, max(conf, p)
    # Only a reading of as many digits: the count is the reader's weak point (test seed
    # 7050: a 15 cut as one slice read "0", 0.97 sure); the recogniser's misreads under a
    # seal are of single digits (0 read 6, 8, 9).
    count = len(text) if is_number(text) else digit_count(gray[y0:y1, x0:x1], float(_model()["advance"]))
    if len(digits) == count and p >= SEAL_READER_MIN_CONF and (conf < SEAL_OCR_TRUST_CONF or not is_number(text)):
        return digits, p
    return text, conf

"""Recognition batches: a crop's reading is a function of the crop alone, never of the
other crops recognised in the same call (``ocr.plan_batches``, ``ocr.input_width``)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline import ocr
from pipeline.ocr import OcrEngine, input_width

# ORT's float rounding: a crop's outputs are bit-identical in every batch of two or more,
# ~2e-7 apart read alone (another kernel path); the batch mates' padding (before each crop
# had its own input width) moved a digit's confidence by up to 0.28.
SAME_READING_TOL = 1e-6


def _crop(text: str, scale: float = 0.8, thickness: int = 2, font: int = cv2.FONT_HERSHEY_SIMPLEX) -> np.ndarray:
    """``text`` printed black on white, one line, as a cell's crop."""
    (w, h), base = cv2.getTextSize(text, font, scale, thickness)
    img = np.full((h + base + 16, w + 24), 255, np.uint8)
    cv2.putText(img, text, (12, h + 8), font, scale, 0, thickness)
    return img


def _same(a: ocr.RecResult, b: ocr.RecResult) -> bool:
    """Same text, and confidences and digit probabilities within SAME_READING_TOL."""
    return (a.text == b.text and len(a.char_confidences) == len(b.char_confidences)
            and np.allclose(a.char_confidences, b.char_confidences, rtol=0, atol=SAME_READING_TOL)
            and a.numeric_probs.shape == b.numeric_probs.shape
            and np.allclose(a.numeric_probs, b.numeric_probs, rtol=0, atol=SAME_READING_TOL))


def test_input_width_is_the_crops_own_rounded_up():
    # At REC_HEIGHT 48: a 1:1 crop 48 px, 1.125 -> 54 -> 64, 1.5 -> 72 -> 80, 8.0 -> 384.
    assert [input_width(r) for r in (0.2, 1.0, 1.125, 1.5, 8.0)] == [48, 48, 64, 80, 384]


def test_batches_hold_one_input_width_within_the_bounds():
    ratios = [1.0, 8.0, 1.5, 1.125, 1.5] + [1.3] * 70
    batches = OcrEngine.plan_batches(ratios)
    assert sorted(i for b in batches for i in b) == list(range(len(ratios)))
    assert all(len({input_width(ratios[i]) for i in b}) == 1 for b in batches)
    assert all(len(b) <= ocr.REC_BATCH_MAX and len(b) * input_width(ratios[b[0]]) <= ocr.REC_BATCH_MAX_TOTAL_WIDTH
               for b in batches)
    # 71 crops of width 64 (1.125 and 1.3 both round to it): two batches of 35 and 36, not 64 + 7
    sizes = sorted(len(b) for b in batches if input_width(ratios[b[0]]) == 64)
    assert sizes == [35, 36]


@pytest.fixture(scope="module")
def engine():
    return ocr.get_engine()


@pytest.mark.parametrize("text", ["7", "0", "1,234.5"])
def test_a_crop_reads_the_same_in_any_batch(engine, text):
    """The same crop read alone, beside crops of its width, of other widths (once: padded
    to the widest), among more crops than one batch holds, and in another order: the same
    text, confidences and digit probabilities every time."""
    crop = _crop(text)
    digits = "0123456789"
    others = (_crop(text.translate(str.maketrans(digits, digits[k:] + digits[:k]))) for k in range(1, 10))
    same_width = [c for c in others if input_width(c.shape[1] / c.shape[0]) == input_width(crop.shape[1] / crop.shape[0])]
    assert same_width  # its company of one width is real
    wider = [_crop("12,345,678.90"), _crop("本年新收", font=cv2.FONT_HERSHEY_PLAIN), _crop("88")]
    narrower = [_crop("1", scale=0.6), _crop(".")]
    many = [_crop(str(d), scale=0.6 + 0.05 * (d % 5), thickness=1 + d % 2) for d in range(80)]
    alone = engine.recognize([crop])[0]
    assert alone.text  # something read: the comparison is not of empty readings
    company = [same_width + [crop], [crop] + wider, narrower + [crop] + wider + same_width,
               many[:40] + [crop] + many[40:], list(reversed(same_width)) + wider[::-1] + [crop]]
    for crops in company:
        got = engine.recognize(crops)
        assert _same(alone, got[next(i for i, c in enumerate(crops) if c is crop)]), len(crops)

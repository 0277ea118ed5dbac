"""The OCR engine: RapidOCR's PP-OCR models (shipped inside the ``rapidocr`` wheel,
nothing downloads), loaded once per process and driven directly.

We do not call ``RapidOCR()(image)`` on whole pages: the scan backend finds text
lines and table cells itself and only needs *recognition* on small crops, in
batches.  Running the recognition ONNX session ourselves lets us

* give each crop its own input width, fixed by the crop alone, and batch crops of
  one width together (rapidocr pads every crop to at least 320 px, which makes a
  one-digit cell cost as much as a short sentence, and to its batch's widest crop:
  a crop's reading then depends on which other crops share its batch);
* keep, per crop, the per-timestep probabilities of the numeric characters, so a
  cell that the template says holds a number can be decoded again restricted to
  digits (``O``→``0``, ``l``→``1`` come out of the model's own second choice).
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

REC_HEIGHT = 48  # the PP-OCR recognition models' input height
# Narrowest input width: the model downsamples width by 8, and a one-digit crop
# needs a few timesteps of blank around the digit for CTC to emit it cleanly.
REC_MIN_WIDTH = 48
REC_WIDTH_STEP = 16  # a crop's input width is rounded up to this, so ORT sees few shapes
# Upper bound on one batch (crops x input width, in px): bigger batches stop
# paying off on 2 cores and cost memory (the model's activations take ~50 KB per
# px of it: 8192 peaked ~400 MB above the models, a phone photo's worst document
# near 1 GB; 4096 is no slower per px).
REC_BATCH_MAX_TOTAL_WIDTH = 4096
REC_BATCH_MAX = 64
# A batch holds crops of one input width (``input_width``, fixed by the crop alone): the
# recogniser mixes context along the whole width, padding included, so a crop padded to a
# wider batch mate's width reads differently (a digit's confidence moved by up to 0.28).
# In batches of two or more a crop's outputs are bit-identical whatever its mates and its
# place; a batch of one takes another ORT kernel path, ~2e-7 apart (probabilities).  Running
# a lone crop beside a blank one would make that exact too, but costs its width again
# (two clean pages' model input +19% and +41%, more than the old batch padding): not done.

# Characters a number cell may hold; ``,`` is a thousands separator, ``-`` a sign.
# The detector scales a region's *shorter* side up to 736 px, and its activations take
# ~220 bytes per input pixel: a thin strip would become a huge array (a 1 px x 1000 px
# region: 736 x 736,000 px, 6 GB).  Regions are padded with paper to at most this aspect
# ratio first, which bounds the input at 736 x 2,208 px (1.6 Mpx, ~350 MB; at 8:1 a wide
# band of text two lines tall took 736 x 5,888 px and ~950 MB, a worker past 1 GB).
DET_MAX_ASPECT = 3.0

NUMERIC_CHARS = "0123456789.,-+"
# A timestep won by a non-numeric character becomes its best digit only when the
# digits got at least this much probability there (O vs 0: yes; a dash: no).
NUMERIC_MIN_MASS = 0.1


@dataclass
class RecResult:
    """One recognised crop."""
    text: str
    confidence: float  # mean probability of the emitted characters (0 when none)
    char_confidences: list[float] = field(default_factory=list)
    # Per-timestep probabilities of [blank, *NUMERIC_CHARS, best other character]
    # for a later digits-only decode; None when not kept.
    numeric_probs: Optional[np.ndarray] = None

    @property
    def min_confidence(self) -> float:
        """The weakest character's probability (0 for an empty read)."""
        return min(self.char_confidences) if self.char_confidences else 0.0


def ctc_greedy(probs: np.ndarray, alphabet: Sequence[str]) -> tuple[str, list[float]]:
    """Greedy CTC decode of ``probs`` (T x K, column 0 = blank): text and per-char probabilities."""
    idx = probs.argmax(axis=1)
    return ctc_collapse(idx, probs[np.arange(len(idx)), idx], alphabet)


def ctc_collapse(idx: np.ndarray, best: np.ndarray, alphabet: Sequence[str]) -> tuple[str, list[float]]:
    """Collapse per-timestep winners (index, probability) into text: repeats merged, blanks (0) dropped."""
    chars: list[str] = []
    confs: list[float] = []
    prev = -1
    for t, k in enumerate(idx.tolist()):
        if k != prev and k != 0:
            chars.append(alphabet[k])
            confs.append(float(best[t]))
        prev = k
    return "".join(chars), confs


def decode_numeric(res: RecResult, veto: bool = True) -> RecResult:
    """Re-decode a crop allowing only blank and NUMERIC_CHARS (renormalised among them).

    Where a non-numeric character won a timestep ("O", "l"), its best digit is
    taken only if the model gave the digits at least NUMERIC_MIN_MASS there: a
    mark the model is sure is no digit (a dash meaning 'none', a stray rule)
    becomes blank rather than an invented digit.  ``veto=False``: the best digit
    always (for a letter read where only a number can be, e.g. a 0 under a seal).
    """
    if res.numeric_probs is None:
        return res
    norm = numeric_distribution(res.numeric_probs) if veto else _renormalised(res.numeric_probs)
    text, confs = ctc_greedy(norm, ["", *NUMERIC_CHARS])
    conf = float(np.mean(confs)) if confs else 0.0
    return RecResult(text, conf, confs, res.numeric_probs)


def numeric_distribution(p: np.ndarray) -> np.ndarray:
    """Per-timestep probabilities over [blank, *NUMERIC_CHARS] that ``decode_numeric``
    decodes (T x (1 + len(NUMERIC_CHARS)))."""
    norm = _renormalised(p)
    allowed = p[:, :-1]
    no_digit = (p[:, -1] > allowed.sum(axis=1)) & (p[:, 1:-1].sum(axis=1) < NUMERIC_MIN_MASS)
    norm[no_digit] = 0.0
    norm[no_digit, 0] = 1.0
    return norm


def _renormalised(p: np.ndarray) -> np.ndarray:
    """Blank and NUMERIC_CHARS of numeric probabilities, renormalised among themselves."""
    allowed = p[:, :-1]
    return allowed / np.maximum(allowed.sum(axis=1, keepdims=True), 1e-9)


def second_choice_numeric(res: RecResult, min_prob: float = 0.0) -> Optional[str]:
    """The digits-only reading with its least sure digit replaced by the model's next
    best digit at that timestep (None when there is no digit or no reading, or the
    next best has less than ``min_prob``)."""
    if res.numeric_probs is None:
        return None
    norm = numeric_distribution(res.numeric_probs)
    idx = norm.argmax(axis=1)
    chars, where, prev = [], [], -1
    for t, k in enumerate(idx.tolist()):
        if k != prev and k != 0:
            chars.append(NUMERIC_CHARS[k - 1])
            where.append(t)
        prev = k
    digit_at = [j for j, ch in enumerate(chars) if ch.isdigit()]
    if not digit_at:
        return None
    j = min(digit_at, key=lambda j: norm[where[j], idx[where[j]]])
    digits = norm[where[j], 1:11].copy()  # "0".."9" follow the blank
    digits[int(chars[j])] = -1.0
    if digits.max() < min_prob:
        return None
    chars[j] = str(int(digits.argmax()))
    return "".join(chars)


DET_MIN_SIDE = 8  # px; regions thinner than this hold no text for the detector


class OcrEngine:
    """PP-OCR detection and recognition sessions from the rapidocr wheel."""

    def __init__(self) -> None:
        from rapidocr import RapidOCR  # heavy import: only when OCR is really needed

        # cls (180° text) is never needed on upright scans; logging off for batch runs.
        self._rapid = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False})
        rec = self._rapid._load_rec_model()
        self._det = None
        self._cls = None
        self._session = rec.session.session  # onnxruntime.InferenceSession
        self._input_name = self._session.get_inputs()[0].name
        self.charset: list[str] = list(rec.postprocess_op.character)
        index = {c: i for i, c in enumerate(self.charset)}
        missing = [c for c in NUMERIC_CHARS if c not in index]
        if missing:
            raise RuntimeError(f"recognition charset lacks {missing}")
        # Columns kept for digits-only decoding: blank, then NUMERIC_CHARS in order.
        self._num_cols = np.array([0] + [index[c] for c in NUMERIC_CHARS])
        self._allowed = np.zeros(len(self.charset), bool)
        self._allowed[self._num_cols] = True

    # --- recognition -----------------------------------------------------------

    @staticmethod
    def _norm(img: np.ndarray, width: int) -> np.ndarray:
        """Resize a crop to REC_HEIGHT, scale to [-1, 1], pad right to ``width`` (as PaddleOCR does)."""
        import cv2

        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        rw = _resized_width(img, width)
        resized = cv2.resize(img, (rw, REC_HEIGHT)).astype(np.float32)
        out = np.zeros((3, REC_HEIGHT, width), np.float32)
        out[:, :, :rw] = resized.transpose(2, 0, 1) / 127.5 - 1.0
        return out

    @staticmethod
    def plan_batches(ratios: Sequence[float]) -> list[list[int]]:
        """Group crop indices into batches of one input width (``input_width`` of each
        crop's aspect ratio), narrowest first, each within REC_BATCH_MAX crops and
        REC_BATCH_MAX_TOTAL_WIDTH px; a width's crops split into batches of near-equal size."""
        groups: dict[int, list[int]] = {}
        for i in sorted(range(len(ratios)), key=lambda i: ratios[i]):
            groups.setdefault(input_width(ratios[i]), []).append(i)
        batches: list[list[int]] = []
        for width in sorted(groups):
            members = groups[width]
            cap = max(1, min(REC_BATCH_MAX, REC_BATCH_MAX_TOTAL_WIDTH // width))
            n = -(-len(members) // cap)  # batches for this width
            batches += [members[k * len(members) // n:(k + 1) * len(members) // n] for k in range(n)]
        return batches

    def recognize(self, crops: Sequence[np.ndarray], keep_numeric: bool = True) -> list[RecResult]:
        """Recognise text crops (grey or BGR, one text line each), each at its own input
        width, in batches of one width (``plan_batches``): a crop reads the same (to ORT's
        float rounding) whatever other crops are recognised with it."""
        results: list[Optional[RecResult]] = [None] * len(crops)
        ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
        for batch in self.plan_batches(ratios):
            width = input_width(ratios[batch[0]])
            x = np.stack([self._norm(crops[i], width) for i in batch])
            preds = self._session.run(None, {self._input_name: x})[0]  # B x T x C, softmaxed
            # One pass over the big class axis: the winner per timestep.  The best
            # non-numeric probability is only needed where a non-numeric class won
            # (see decode_numeric), and there it is the winner's.
            idx = preds.argmax(axis=2)
            best = np.take_along_axis(preds, idx[:, :, None], axis=2)[:, :, 0]
            if keep_numeric:
                other = np.where(self._allowed[idx], 0.0, best)
                num = np.concatenate([preds[:, :, self._num_cols], other[:, :, None]], axis=2)
            steps = preds.shape[1] / width  # timesteps per input pixel
            for j, i in enumerate(batch):
                text, confs = ctc_collapse(idx[j], best[j], self.charset)
                conf = float(np.mean(confs)) if confs else 0.0
                # Digits-only decoding sees only the crop's own timesteps: the edge where
                # the crop meets the padding reads like a faint "|" -> "1".
                own = min(preds.shape[1], int(math.ceil(_resized_width(crops[i], width) * steps)) + 1)
                results[i] = RecResult(text, conf, confs, num[j, :own] if keep_numeric else None)
        return [r if r is not None else RecResult("", 0.0) for r in results]

    # --- text direction --------------------------------------------------------

    def upside_down(self, crops: Sequence[np.ndarray]) -> list[float]:
        """Probability that each text-line crop (grey or BGR) is upside down, by PP-OCR's
        text direction classifier (loaded on first use: upright pages need only a few lines)."""
        import cv2

        if not crops:
            return []
        if self._cls is None:
            self._rapid._load_cls_model()
            self._cls = self._rapid.text_cls
        x = np.stack([self._cls.resize_norm_img(cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) if c.ndim == 2 else c)
                      for c in crops]).astype(np.float32)
        probs = self._cls.session(x)
        flip = self._cls.postprocess_op.label_list.index("180")
        return [float(p[flip]) for p in probs]

    # --- detection -------------------------------------------------------------

    def detect(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Text boxes (x0, top, x1, bottom) found by the PP-OCR detector in ``image``."""
        import cv2

        if min(image.shape[:2]) < DET_MIN_SIDE:
            return []  # a sliver: the detector's resize would blow it up to a huge canvas
        if self._det is None:
            self._det = self._rapid._load_det_model()
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        if image.size == 0:
            return []
        image = pad_to_aspect(image, DET_MAX_ASPECT)
        out = self._det(image)
        if out.boxes is None:
            return []
        return [(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()), float(b[:, 1].max()))
                for b in out.boxes]


def pad_to_aspect(image: np.ndarray, max_aspect: float) -> np.ndarray:
    """``image`` padded with white at the right or bottom so that neither side exceeds
    ``max_aspect`` times the other (coordinates of its content unchanged)."""
    h, w = image.shape[:2]
    pad_h = max(0, int(math.ceil(w / max_aspect)) - h)
    pad_w = max(0, int(math.ceil(h / max_aspect)) - w)
    if not pad_h and not pad_w:
        return image
    widths = ((0, pad_h), (0, pad_w)) + ((0, 0),) * (image.ndim - 2)
    return np.pad(image, widths, constant_values=255)


def _resized_width(img: np.ndarray, width: int) -> int:
    """Width of a crop scaled to REC_HEIGHT, capped at its input ``width``."""
    h, w = img.shape[:2]
    return min(width, max(1, int(math.ceil(REC_HEIGHT * w / max(h, 1)))))


def model_input_pixels(crops: Sequence[np.ndarray]) -> int:
    """Pixels of model input (crops x their input width, at REC_HEIGHT rows) that
    recognising ``crops`` takes: what the recognition's time goes with."""
    return sum(input_width(c.shape[1] / max(c.shape[0], 1)) for c in crops)


def input_width(ratio: float) -> int:
    """Model input width of a crop of aspect ``ratio``: its width at REC_HEIGHT (at least
    REC_MIN_WIDTH), rounded up to REC_WIDTH_STEP; a function of the crop alone."""
    w = max(REC_MIN_WIDTH, int(math.ceil(REC_HEIGHT * ratio)))
    return int(math.ceil(w / REC_WIDTH_STEP) * REC_WIDTH_STEP)


_ENGINE: Optional[OcrEngine] = None
_LOCK = threading.Lock()


def get_engine() -> OcrEngine:
    """The process's one engine, loaded on first use (several files pay start-up once)."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                _ENGINE = OcrEngine()
    return _ENGINE

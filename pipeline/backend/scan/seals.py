"""Seals: red ink told from black text."""
from __future__ import annotations

import cv2
import numpy as np

RED_MARGIN = 60  # a pixel whose red exceeds green and blue by this much is seal ink, not text
RED_EDGE_MARGIN = 20  # … and so is a pixel red by this much next to such ink …
RED_NEAR = 9  # px; … within this window (thin seal lettering is only faintly red at its core)
SEAL_LEVEL_KERNEL = 15  # px; the seal's grey level is taken this near (a digit's height at 150 dpi)
SEAL_PAPER_RATIO = 0.85  # red-ink pixels at least this share of the seal's grey are seal (-> paper) …
SEAL_TEXT_RATIO = 0.45  # … and at most this share are text printed under it (-> black)
SEAL_MERGE = 0.012  # ring, star and lettering of one seal join across gaps this wide (share of the short side)
SEAL_SIZE = (0.05, 0.4)  # a seal is this wide and high, as a share of the page's short side …
SEAL_ASPECT = (0.6, 1.7)  # … about as wide as high (round, oval or square) …
SEAL_MIN_FILL = 0.04  # … with at least this share of its box in strong red


def red_ink(bgr: np.ndarray) -> np.ndarray:
    """Mask of seal ink: pixels clearly redder than green or blue (by RED_MARGIN), and
    faintly red ones (RED_EDGE_MARGIN) next to them, since JPEG smears colour at stroke edges."""
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    redness = r - np.maximum(g, b)
    near = cv2.dilate((redness > RED_MARGIN).astype(np.uint8), np.ones((RED_NEAR, RED_NEAR), np.uint8)) > 0
    return near & (redness > RED_EDGE_MARGIN)


def seal_free(gray: np.ndarray, bgr: np.ndarray) -> np.ndarray:
    """The grey image divided by the local grey level of strong seal ink (its maximum
    within SEAL_LEVEL_KERNEL): seal ink becomes paper-white, strokes printed under it
    (darker than the seal, in luminance, which JPEG keeps sharp where it blurs colour)
    stay dark.  Only meant for the red-ink pixels."""
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    strong = (r - np.maximum(g, b)) > RED_MARGIN
    level = cv2.dilate(np.where(strong, gray, 0).astype(np.uint8),
                       np.ones((SEAL_LEVEL_KERNEL, SEAL_LEVEL_KERNEL), np.uint8))
    ratio = gray.astype(np.float32) / np.maximum(level, 1).astype(np.float32)
    # Stretched: the seal's own darker strokes (ring, star) become paper as well, and the
    # blurred, thin strokes under the seal (about 0.65-0.75 of its grey) clear ink.
    out = (ratio - SEAL_TEXT_RATIO) / (SEAL_PAPER_RATIO - SEAL_TEXT_RATIO) * 255.0
    return np.clip(out, 0, 255).astype(np.uint8)


def find_seals(bgr: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, y0, x1, y1, pixels of ``bgr``) of the seal impressions on a colour page:
    clusters of strong red ink about as wide as high and of a seal's size."""
    if bgr.ndim != 3 or bgr.shape[2] < 3:
        return []
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    strong = ((r - np.maximum(g, b)) > RED_MARGIN).astype(np.uint8)
    if not strong.any():
        return []
    short = min(bgr.shape[:2])
    k = max(3, int(SEAL_MERGE * short)) | 1
    joined = cv2.dilate(strong, np.ones((k, k), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        w, h = w - (k - 1), h - (k - 1)  # the dilation's growth taken back
        if not (SEAL_SIZE[0] * short <= max(w, h) <= SEAL_SIZE[1] * short):
            continue
        if not SEAL_ASPECT[0] <= w / max(h, 1) <= SEAL_ASPECT[1]:
            continue
        x0, y0 = x + k // 2, y + k // 2
        if strong[y0:y0 + h, x0:x0 + w].mean() < SEAL_MIN_FILL:
            continue
        out.append((float(x0), float(y0), float(x0 + w), float(y0 + h)))
    return out

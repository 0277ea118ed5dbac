"""Seals: red ink told from black text, and the seal impressions found (``meta.seals``)."""
from __future__ import annotations

import cv2
import numpy as np

RED_MARGIN = 60  # a pixel whose red exceeds green and blue by this much is seal ink, not text
SEAL_MERGE = 0.012  # ring, star and lettering of one seal join across gaps this wide (share of the short side)
SEAL_SIZE = (0.05, 0.4)  # a seal is this wide and high, as a share of the page's short side …
SEAL_ASPECT = (0.6, 1.7)  # … about as wide as high (round, oval or square) …
SEAL_MIN_FILL = 0.04  # … with at least this share of its box in strong red
SEAL_ZONE = 9  # px; around strong red ink the grey comes from the red channel (JPEG smears colour this far)
SEAL_RAMP = 0.3  # red-channel levels rise to paper from this share of (paper - split) below the split


def seal_free_gray(bgr: np.ndarray) -> np.ndarray:
    """Grey of a colour page with red seal ink turned to paper and the text under it kept.

    Ink stamped over text tints it red too, so colour alone cannot tell them apart
    (whitening every red pixel loses the digits under the seal), but in the red
    channel seal ink is nearly as bright as paper while text stays dark.  Near strong
    red ink (SEAL_ZONE) the grey is the red channel, its levels above the split
    between the red pixels' two populations (Otsu: text under the seal, seal ink)
    at paper, those within SEAL_RAMP below it raised towards paper (mixed pixels at
    the seal's edges), darker ones (text) kept.
    Elsewhere: plain luminance.
    """
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    strong = (r - np.maximum(g, b)) > RED_MARGIN
    if not strong.any():
        return gray
    zone = cv2.dilate(strong.astype(np.uint8), np.ones((2 * SEAL_ZONE + 1,) * 2, np.uint8)) > 0
    paper = float(np.percentile(gray[::8, ::8], 90))
    split, _ = cv2.threshold(r[strong].astype(np.uint8).reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # One population only (no text under the seal): Otsu's split falls at its bottom.
    split = min(max(float(split), float(np.percentile(r[strong], 1))), paper - 1.0)
    start = split - SEAL_RAMP * (paper - split)
    rz = r[zone].astype(np.float32)
    raised = start + (rz - start) * (paper - start) / max(split - start, 1.0)
    gray[zone] = np.clip(np.where(rz > start, np.minimum(raised, paper), rz), 0, 255).astype(np.uint8)
    return gray


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
    # A seal's star, standing apart from its ring, is part of the seal, not one of its own.
    return [b for b in out if not any(o is not b and _inside(b, o) for o in out)]


def _inside(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether box ``a``'s centre lies in the larger box ``b``."""
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    larger = (b[2] - b[0]) * (b[3] - b[1]) > (a[2] - a[0]) * (a[3] - a[1])
    return larger and b[0] <= cx <= b[2] and b[1] <= cy <= b[3]

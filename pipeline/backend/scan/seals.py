"""Seals: red ink told from black text."""
from __future__ import annotations

import cv2
import numpy as np

RED_MARGIN = 60  # a pixel whose red exceeds green and blue by this much is seal ink, not text
RED_EDGE_MARGIN = 20  # … and so is a pixel red by this much next to such ink


def red_ink(bgr: np.ndarray) -> np.ndarray:
    """Mask of seal ink: pixels clearly redder than green or blue (by RED_MARGIN), and
    faintly red ones (RED_EDGE_MARGIN) next to them, since JPEG smears colour at stroke edges."""
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    redness = r - np.maximum(g, b)
    near = cv2.dilate((redness > RED_MARGIN).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return near & (redness > RED_EDGE_MARGIN)

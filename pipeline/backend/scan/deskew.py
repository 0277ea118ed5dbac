"""Deskew: the angle that makes the horizontal ink profile sharpest, and the working image every Page
of this backend is in."""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from .raster import BLANK_RANGE, REF_SHORT_SIDE, _to_gray, binarize, normalise_size

MAX_SKEW_DEG = 5.0  # scans beyond this are not "skewed", they are rotated pages
SKEW_COARSE_STEP = 0.5
SKEW_FINE_STEP = 0.05
MIN_DESKEW_DEG = 0.05  # below this, rotating costs more (blur) than it fixes
SKEW_SCALE = 0.5  # the angle search runs on a half-size ink image


def _working_image(image: np.ndarray) -> tuple[np.ndarray, Optional[np.ndarray], float, float]:
    """The deskewed, size-normalised grey image, its ink (None when blank), the
    pixel unit and the resize factor: the coordinates every Page of this backend uses."""
    gray, factor = normalise_size(_to_gray(image))
    if int(gray.max()) - int(gray.min()) < BLANK_RANGE:
        return gray, None, 1.0, factor
    unit = min(gray.shape) / REF_SHORT_SIDE
    ink = binarize(gray, unit)
    angle = estimate_skew(ink)
    if abs(angle) >= MIN_DESKEW_DEG:
        gray = rotate(gray, angle)
        ink = binarize(gray, unit)
    return gray, ink, unit, factor


def rotate(img: np.ndarray, angle: float, border: int = 255) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise), same canvas."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _profile_sharpness(ink_small: np.ndarray, angle: float) -> float:
    """How sharp the row-sum profile is after rotating by ``angle`` (high = lines level)."""
    prof = rotate(ink_small, angle, 0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(prof)).sum())


def estimate_skew(ink: np.ndarray) -> float:
    """Deskew angle (degrees, for :func:`rotate`) by coarse-to-fine profile search."""
    small = cv2.resize(ink, None, fx=SKEW_SCALE, fy=SKEW_SCALE, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, SKEW_COARSE_STEP)
    best = max(coarse, key=lambda a: _profile_sharpness(small, a))
    fine = np.arange(best - SKEW_COARSE_STEP, best + SKEW_COARSE_STEP + 1e-9, SKEW_FINE_STEP)
    return float(max(fine, key=lambda a: _profile_sharpness(small, a)))

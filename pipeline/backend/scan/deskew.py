"""Deskew: the angle that makes the horizontal ink profile sharpest, and the working image every Page
of this backend is in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import cv2
import numpy as np

from ...datamodel import Box
from . import dewarp
from .dewarp import find_sheet, straighten
from .orientation import upside_down
from .seals import find_seals
from .raster import (BLANK_RANGE, REF_SHORT_SIDE, StrokeStats, binarize, clean_bilevel, despeckle,
                     is_bilevel, normalise_size, shrink_large, stroke_stats, to_gray)

MAX_SKEW_DEG = 15.0  # sheets laid crooked on the scanner glass reach this; beyond, pages are turned …
SKEW_SEARCH_MARGIN = 2.0  # … and the search runs this much further: the scanner's own tilt adds to the
# sheet's, and an angle at the search's edge is found only to within the fine search's reach
SKEW_COARSE_STEP = 0.5
SKEW_COARSE_SCALE = 0.25  # the coarse angle search (and the text-axis test) runs on a quarter-size ink image
SKEW_FINE_STEP = 0.05
MIN_DESKEW_DEG = 0.05  # below this, rotating costs more (blur) than it fixes
SKEW_SCALE = 0.5  # the fine angle search runs on a half-size ink image
MAX_SHEAR_DEG = 2.5  # columns of a flattened photo lean at most this much against its rows
SHEAR_STEP = 0.1
SHEET_LOOK_SIDE = 1024  # px; long side of the copy the sheet's outline is looked for on
# The page is turned back with cubic interpolation: a thin faint rule of a sheet skewed on
# the bed, interpolated a second time linearly, fades to the ink threshold and breaks into
# pieces that neither make a grid rule nor are erased (on a rules-only table the remnant
# glues a row of numbers into one piece).
DESKEW_INTERPOLATION = cv2.INTER_CUBIC


@dataclass
class WorkingPage:
    """A page prepared for reading: upright, flat, deskewed, size-normalised grey, and
    what was done to get there."""
    gray: np.ndarray
    ink: Optional[np.ndarray]  # None: a blank page
    unit: float  # pixel constants scale by this (short side / REF_SHORT_SIDE)
    factor: float  # resize factor from the input raster
    rotation: int = 0  # degrees the page was turned clockwise as found
    sheet: str = ""  # "photo" (warped flat), "bed" (scanner bed painted out) or ""
    seals: list[Box] = field(default_factory=list)  # seal boxes, working-image pixels
    bilevel: bool = False  # a 1-bit page (a fax)
    strokes: Optional[StrokeStats] = None  # a 1-bit page: what its threshold left of the glyphs


def _working_image(image: np.ndarray, orient: bool = True) -> WorkingPage:
    """The whole preparation of one raster (grey or BGR): seals found and their red ink
    separated, size normalised, the sheet found on its background (photo: warped flat),
    the text axis and skew found and undone, bent rows straightened, an upside-down
    page turned: the coordinates every Page of this backend uses.

    ``orient=False`` skips the orientation tests (text axis, upside down): the page is
    taken as upright (for measuring what orientation detection costs)."""
    image, shrink = shrink_large(image)
    seals = [_corners(b) for b in find_seals(image)]
    look = _plain_luminance(image)
    gray, factor = to_gray(image), 1.0
    del image
    bilevel = is_bilevel(gray)
    strokes = None
    if bilevel:
        strokes = stroke_stats(despeckle(gray))  # at the page's own pixels, noise dots gone
        gray, factor = clean_bilevel(gray)
    gray, again = normalise_size(gray)
    factor *= again
    seals = [p * factor for p in seals]
    factor *= shrink
    if int(gray.max()) - int(gray.min()) < BLANK_RANGE:
        return WorkingPage(gray, None, 1.0, factor)
    gray, sheet, warp = find_sheet(gray, look, REF_SHORT_SIDE)
    del look
    if warp is not None:  # the sheet alone, at working size (factor: approximate, photos have no dpi)
        seals = [cv2.perspectiveTransform(p[None], warp)[0] for p in seals]
        gray, again = normalise_size(gray)
        factor *= again
        seals = [p * again for p in seals]
    unit = min(gray.shape) / REF_SHORT_SIDE
    ink = binarize(gray, unit)
    coarse, vertical = coarse_skew(ink, axes=orient)
    turns = 1 if vertical else 0
    if turns:  # text runs down the page: turn it a quarter (the 180° test settles which way)
        seals = [_turned_points(p, gray.shape, 1) for p in seals]
        gray, ink = _turn(gray, 1), _turn(ink, 1)
    angle = estimate_skew(ink, coarse)
    if abs(angle) >= MIN_DESKEW_DEG:
        m = cv2.getRotationMatrix2D((gray.shape[1] / 2.0, gray.shape[0] / 2.0), angle, 1.0)
        seals = [p @ m[:, :2].T + m[:, 2] for p in seals]
        gray = rotate(gray, angle, border=_paper(gray), interpolation=DESKEW_INTERPOLATION)
        ink = binarize(gray, unit)
    if sheet == "photo":  # a photographed outline is not exact: columns may still lean
        lean = estimate_shear(ink)
        if abs(lean) >= MIN_DESKEW_DEG:
            m = _shear_matrix(lean, gray.shape[0])
            seals = [p @ m[:, :2].T + m[:, 2] for p in seals]
            gray = cv2.warpAffine(gray, m, (gray.shape[1], gray.shape[0]), flags=dewarp.PHOTO_INTERPOLATION,
                                  borderValue=_paper(gray))
            ink = binarize(gray, unit)
    if sheet == "photo":  # a bent page: rows straightened
        gray, ink = straighten(gray, ink, lambda g: binarize(g, unit))
    if orient and upside_down(gray, ink, unit):
        seals = [_turned_points(p, gray.shape, 2) for p in seals]
        gray, ink = _turn(gray, 2), _turn(ink, 2)
        turns += 2
    boxes = [(float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max()))
             for p in seals]
    return WorkingPage(gray, ink, unit, factor, 90 * turns, sheet, boxes, bilevel, strokes)


def _plain_luminance(image: np.ndarray) -> np.ndarray:
    """A small copy (long side SHEET_LOOK_SIDE) of the page's luminance with its red ink
    kept: the sheet is found on it (a brown or red desk is no seal to paint out)."""
    img = image[:, :, 0] if image.ndim == 3 and image.shape[2] == 1 else image
    k = min(1.0, SHEET_LOOK_SIDE / max(img.shape[:2]))
    img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else img
    if img.ndim == 3:
        img = cv2.cvtColor(np.ascontiguousarray(img[:, :, :3]), cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(img, dtype=np.uint8)


def _corners(box: Box) -> np.ndarray:
    """The four corners of a box as a 4x2 array (boxes are carried through the warps as points)."""
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)


def _turned_points(pts: np.ndarray, shape: tuple[int, ...], k: int) -> np.ndarray:
    """Points of an image of ``shape`` after :func:`_turn` by ``k`` (1 or 2) quarter turns."""
    h, w = shape[:2]
    x, y = pts[:, 0], pts[:, 1]
    if k == 1:  # counter-clockwise: (x, y) -> (y, w - x)
        return np.stack([y, w - x], axis=1)
    return np.stack([w - x, h - y], axis=1)


def _paper(gray: np.ndarray) -> int:
    """The paper's grey level (the page's bright mode), to fill corners a rotation uncovers."""
    return int(np.percentile(gray[::8, ::8], 90))


def _turn(img: np.ndarray, k: int) -> np.ndarray:
    """``img`` turned ``k`` quarter turns counter-clockwise (exact, no resampling)."""
    return np.ascontiguousarray(np.rot90(img, k))


def rotate(img: np.ndarray, angle: float, border: int = 255, interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise), same canvas."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=interpolation, borderValue=border)


def _profile_sharpness(ink_small: np.ndarray, angle: float) -> float:
    """How sharp the row-sum profile is after rotating by ``angle`` (high = lines level)."""
    prof = rotate(ink_small, angle, 0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(prof)).sum())


def _axis_sharpness(ink_small: np.ndarray, angle: float) -> tuple[float, float]:
    """Sharpness of the row and of the column profile after rotating by ``angle``, each
    per pixel of the length summed over (so that a portrait page's columns do not win)."""
    r = rotate(ink_small, angle, 0)
    rows = float(np.square(np.diff(r.sum(axis=1, dtype=np.float64))).sum()) / r.shape[1]
    cols = float(np.square(np.diff(r.sum(axis=0, dtype=np.float64))).sum()) / r.shape[0]
    return rows, cols


def coarse_skew(ink: np.ndarray, axes: bool = True) -> tuple[float, bool]:
    """Coarse deskew angle (SKEW_COARSE_STEP over ±(MAX_SKEW_DEG + SKEW_SEARCH_MARGIN), quarter-size image) and
    whether the text runs vertically (the page is turned 90° or 270°): the axis whose
    profile is sharpest at the best angle.  ``axes=False``: rows only (text taken as
    horizontal)."""
    small = cv2.resize(ink, None, fx=SKEW_COARSE_SCALE, fy=SKEW_COARSE_SCALE, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0, False
    best = (-1.0, 0.0, False)
    reach = MAX_SKEW_DEG + SKEW_SEARCH_MARGIN
    for a in np.arange(-reach, reach + 1e-9, SKEW_COARSE_STEP):
        rows, cols = _axis_sharpness(small, float(a)) if axes else (_profile_sharpness(small, float(a)), 0.0)
        if max(rows, cols) > best[0]:
            best = (max(rows, cols), float(a), cols > rows)
    return best[1], best[2]


def _shear_matrix(angle: float, height: int) -> np.ndarray:
    """The horizontal shear (2x3) that turns columns leaning by ``angle`` degrees upright,
    about the image's middle row."""
    t = float(np.tan(np.radians(angle)))
    return np.float64([[1.0, t, -t * height / 2.0], [0.0, 1.0, 0.0]])


def estimate_shear(ink: np.ndarray) -> float:
    """How far (degrees) the page's columns lean against its (level) rows: the shear that
    makes the column profile sharpest (ruling lines and text columns vote), searched over
    ±MAX_SHEAR_DEG on a half-size image.  A sheet warped flat from a photo keeps a lean
    of a degree or so where its outline was not exact, enough to break vertical rules."""
    small = cv2.resize(ink, None, fx=SKEW_SCALE, fy=SKEW_SCALE, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    h, w = small.shape

    def sharpness(a: float) -> float:
        r = cv2.warpAffine(small, _shear_matrix(a, h), (w, h), flags=cv2.INTER_LINEAR)
        return float(np.square(np.diff(r.sum(axis=0, dtype=np.float64))).sum())

    return float(max(np.arange(-MAX_SHEAR_DEG, MAX_SHEAR_DEG + 1e-9, SHEAR_STEP), key=sharpness))


def estimate_skew(ink: np.ndarray, coarse: Optional[float] = None) -> float:
    """Deskew angle (degrees, for :func:`rotate`): a fine profile search on a half-size
    image around the coarse angle (found by :func:`coarse_skew` when not given)."""
    small = cv2.resize(ink, None, fx=SKEW_SCALE, fy=SKEW_SCALE, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    if coarse is None:
        coarse = coarse_skew(ink)[0]
    fine = np.arange(coarse - SKEW_COARSE_STEP, coarse + SKEW_COARSE_STEP + 1e-9, SKEW_FINE_STEP)
    return float(max(fine, key=lambda a: _profile_sharpness(small, a)))

"""Dewarp: the sheet found on a scanner bed or a desk, warped flat, evenly lit, its rows straightened.

* ``paper_mask``: the paper is the largest bright region (Otsu on a small blurred copy)
  that the dark background (a grey scanner bed, a desk) surrounds;
* a phone photo shows the whole sheet: its outline simplifies to four corners and
  the sheet is warped to a rectangle (``flatten_photo``), its lighting evened out by
  dividing by the paper's own brightness (``even_lighting``);
* a crooked sheet on a scanner runs off the scan, so no quadrilateral: the bed
  around it is painted paper-white, so its edge does not read as a ruling line
  (the deskew then turns the sheet level);
* a bent page (``straighten_rows``): each vertical strip's row profile is matched
  against the middle strip's, and the rows are shifted back by a smooth fit.
"""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

PAPER_LONG_SIDE = 512  # px; the paper is looked for on a copy this long
PAPER_MIN_SHARE = 0.25  # … and covers at least this share of it
PAPER_FULL_SHARE = 0.985  # a paper region this large leaves no background to handle
BED_CONTRAST = 30  # grey levels: background at least this much darker than the paper
QUAD_EPS = 0.02  # outline simplification, share of its length, for the four corners
QUAD_EDGE = 3  # px (small copy): a corner this near the image edge means the sheet runs off
SHEET_TRIM = 0.008  # share of a photographed sheet's width/height cut off each side (its edge)
EDGE_ERODE = 4  # px (full size): the paper mask is pulled in this far (the edge's shadow)
LIGHT_KERNEL = 41  # px (small copy of the sheet): wider than any text, narrower than shading
LIGHT_MIN_RANGE = 0.12  # even out lighting only when the paper's brightness varies this much
CURL_STRIPS = 8  # vertical strips whose row offsets are measured
CURL_MAX_STEP = 8  # px; largest row offset looked for between neighbouring strips
CURL_MIN_SHIFT = 2.0  # px; a bend smaller than this is left alone
CURL_DEGREE = 2  # polynomial fitted to the strip offsets


def paper_mask(gray: np.ndarray) -> Optional[tuple[np.ndarray, float, int]]:
    """The paper on a small copy of the page: (mask, scale of the copy, paper grey level),
    or None when the image is all paper (a plain scan) or no sheet stands out."""
    scale = PAPER_LONG_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    t, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Text and rules are dark too: close them into the sheet.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    mask = (labels == k).astype(np.uint8) * 255
    # Holes in the sheet (pictures, dense tables) are paper too.
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    mask = np.zeros_like(mask)
    cv2.drawContours(mask, contours, -1, 255, -1)
    share = float((mask > 0).mean())
    if not PAPER_MIN_SHARE <= share < PAPER_FULL_SHARE:
        return None
    paper = float(np.median(small[mask > 0]))
    background = float(np.median(small[mask == 0]))
    if paper - background < BED_CONTRAST:
        return None
    return mask, scale, int(paper)


def sheet_corners(mask: np.ndarray) -> Optional[np.ndarray]:
    """The four corners (tl, tr, br, bl) of the sheet's outline, or None when it does not
    simplify to four corners clear of the image edge (a sheet running off the scan)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    c = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(c)
    quad = cv2.approxPolyDP(hull, QUAD_EPS * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    pts = quad[:, 0, :].astype(np.float32)
    h, w = mask.shape
    if (pts[:, 0] < QUAD_EDGE).any() or (pts[:, 1] < QUAD_EDGE).any() \
            or (pts[:, 0] > w - 1 - QUAD_EDGE).any() or (pts[:, 1] > h - 1 - QUAD_EDGE).any():
        return None
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    return np.float32([pts[np.argmin(s)], pts[np.argmax(d)], pts[np.argmax(s)], pts[np.argmin(d)]])


def flatten_photo(gray: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sheet inside ``corners`` (full-size pixels) warped to an upright rectangle
    whose sides are the outline's mean side lengths, and the warp (3x3)."""
    tl, tr, br, bl = corners
    w = int(round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2))
    h = int(round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2))
    # The sheet's edge (and the desk showing past a rounded corner) is trimmed off: a dark
    # line down the whole page would join every text line into one band.
    tx, ty = SHEET_TRIM * w, SHEET_TRIM * h
    dst = np.float32([[-tx, -ty], [w - 1 + tx, -ty], [w - 1 + tx, h - 1 + ty], [-tx, h - 1 + ty]])
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    return cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), m


def even_lighting(gray: np.ndarray) -> np.ndarray:
    """Divide by the paper's brightness (max filter then blur, on a small copy): shadows
    and vignetting go, ink keeps its contrast.  Unchanged when the lighting is even."""
    scale = PAPER_LONG_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (LIGHT_KERNEL // 4 * 2 + 1,) * 2))
    bg = cv2.blur(bg, (LIGHT_KERNEL, LIGHT_KERNEL)).astype(np.float32)
    lo, hi = np.percentile(bg, (2, 98))
    if hi <= 0 or (hi - lo) / hi < LIGHT_MIN_RANGE:
        return gray
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = gray.astype(np.float32) * (hi / np.maximum(bg, 1.0))
    return np.clip(out, 0, 255).astype(np.uint8)


def find_sheet(gray: np.ndarray) -> tuple[np.ndarray, str, Optional[np.ndarray]]:
    """The page with its background dealt with, what was done — ``photo`` (warped flat,
    lighting evened), ``bed`` (background painted paper-white) or ``""`` — and the
    photo's warp (3x3, input pixels to output pixels)."""
    found = paper_mask(gray)
    if found is None:
        return gray, "", None
    mask, scale, paper = found
    corners = sheet_corners(mask)
    if corners is not None:
        flat, m = flatten_photo(gray, corners / scale)
        return even_lighting(flat), "photo", m
    full = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    full = cv2.erode(full, np.ones((2 * EDGE_ERODE + 1,) * 2, np.uint8))
    out = gray.copy()
    out[full == 0] = min(255, paper + 10)
    return out, "bed", None


def _best_shift(ref: np.ndarray, p: np.ndarray, max_shift: int) -> int:
    """The shift s (|s| <= max_shift) for which ``p``'s rows best match ``ref``'s s rows lower."""
    h = len(ref)
    scores = [float(np.dot(ref[max(0, s):h + min(0, s)], p[max(0, -s):h - max(0, s)]))
              for s in range(-max_shift, max_shift + 1)]
    return int(np.argmax(scores)) - max_shift


def row_offsets(ink: np.ndarray) -> Optional[np.ndarray]:
    """Per column, the vertical shift (px) that lines its rows up with the middle strip's
    (for :func:`straighten_rows`: minus the bend), from a polynomial fit to the strips'
    profile shifts; None when the rows are straight.

    Shifts are measured between neighbouring strips only (each well under half the line
    pitch, where the periodic text lines cannot be matched one line off) and summed."""
    h, w = ink.shape
    bounds = np.linspace(0, w, CURL_STRIPS + 1).astype(int)
    profs = [ink[:, a:b].sum(axis=1, dtype=np.float64) for a, b in zip(bounds[:-1], bounds[1:])]
    if sum(1 for p in profs if p.any()) < CURL_STRIPS:
        return None
    steps = [_best_shift(profs[k], profs[k + 1], CURL_MAX_STEP) for k in range(CURL_STRIPS - 1)]
    shifts = np.concatenate([[0], np.cumsum(steps)]).astype(float)
    shifts -= shifts[CURL_STRIPS // 2]
    xs = (bounds[:-1] + bounds[1:]) / 2
    fit = np.polyval(np.polyfit(xs, shifts, CURL_DEGREE), np.arange(w))
    if np.abs(fit).max() < CURL_MIN_SHIFT:
        return None
    return fit


def straighten_rows(gray: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Shift each column of ``gray`` by ``offsets`` so bent rows run level."""
    h, w = gray.shape
    map_x = np.tile(np.arange(w, dtype=np.float32), (h, 1))
    map_y = np.arange(h, dtype=np.float32)[:, None] - offsets.astype(np.float32)[None, :]
    return cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)

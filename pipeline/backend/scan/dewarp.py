"""Dewarp: the sheet found on a scanner bed or a desk, warped flat, evenly lit, its rows straightened.

* ``paper_mask``: the paper is the brightest large region that edges enclose, edges
  taken of the log brightness of a text-free copy (so a sheet half in shadow on a
  lit desk is one region) and of the plain luminance (a brown desk is not red ink);
  the largest bright region (Otsu) is the fallback;
* a sheet whose outline simplifies to four sides, at least QUAD_MIN_SIDES of them
  clear of the image's frame, is warped to an upright rectangle at the working
  resolution (``flatten_photo``): each side is a line fitted to its own outline
  points, so a photo that cuts a corner off, or a crooked sheet on a scanner, still
  gives its true corners; its lighting is evened out by dividing by the paper's own
  brightness (``even_lighting``);
* otherwise (a crooked sheet running off the scan on more than one side) the bed
  around it is painted paper-white, so its edge does not read as a ruling line (the
  deskew then turns the sheet level);
* a bent page (``straighten``): the ink's extent cut into vertical strips, each strip's
  row profile matched against its neighbour's, and the rows shifted back by a smooth fit,
  measured again on the straightened page (``CURL_PASSES``).
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
QUAD_EDGE = 3  # px (small copy): outline points this near the image edge are the frame's, not the sheet's
QUAD_FRAME_CLEAR = 2 * QUAD_EDGE + 2  # px (small copy): outline points nearer the frame are the frame's
QUAD_FIT_TOL = 0.02  # outline points this near a side (share of the copy's long side) fit its line
QUAD_MIN_POINTS = 0.5  # … a side is fitted when it has this many points per pixel of its length
QUAD_MIN_SIDES = 3  # a photo shows at least this many of the sheet's sides (a fourth along the frame is taken as it is)
PAPER_TEXT_CLOSE = 9  # px (small copy): grey-level closing that removes text before the edge search
PAPER_LOG_OFFSET = 16.0  # grey levels added before the log (dark noise on a desk is no edge)
PAPER_EDGE_STEP = 0.08  # log-brightness gradient per pixel (small copy) that counts as an edge
SHEET_TRIM = 0.008  # share of a photographed sheet's width/height cut off each side (its edge)
EDGE_ERODE = 4  # px (full size): the paper mask is pulled in this far (the edge's shadow)
LIGHT_KERNEL = 41  # px (small copy of the sheet): wider than any text, narrower than shading
LIGHT_MIN_RANGE = 0.12  # even out lighting only when the paper's brightness varies this much
CURL_STRIPS = 12  # vertical strips (across the ink's extent) whose row offsets are measured
CURL_MAX_STEP = 8  # px; largest row offset looked for between neighbouring strips
CURL_MIN_SHIFT = 2.0  # px; a bend smaller than this is left alone
CURL_DEGREE = 2  # polynomial fitted to the strip offsets
CURL_EXTENT = 0.01  # share of the ink left out on each side when the strips' span is taken
CURL_MIN_INK = 0.1  # a strip with less ink than this share of the mean strip's is skipped (margins)
CURL_MIN_STRIPS = 5  # fewer strips with ink: the bend is not measured
CURL_PASSES = 3  # the bend is measured again on the straightened page: a strip's profile
# blurs a steep bend, so one pass leaves part of it (half, on 970009's pages)
PHOTO_INTERPOLATION = cv2.INTER_LINEAR  # resampling of a photo's warps (flat, lean, bend): a sheet
# skewed on a scanner bed whose four sides show is warped flat here too, not turned back
# (deskew.DESKEW_INTERPOLATION); cubic here is measured in the README's i8s note


def paper_mask(gray: np.ndarray, look: Optional[np.ndarray] = None) -> Optional[tuple[np.ndarray, float, int]]:
    """The paper on a small copy of the page: (mask, scale of the copy, paper grey level),
    or None when the image is all paper (a plain scan) or no sheet stands out.

    ``look``: the same page (any size) to find the sheet on instead — its plain
    luminance, before red ink was turned to paper (a brown desk is "red" too).

    The sheet's outline is found as an edge first (:func:`_edge_paper`: lighting-proof,
    so a shadowed sheet on a lit desk is still one region); a global threshold on
    brightness (Otsu) is the fallback."""
    scale = PAPER_LONG_SIDE / max(gray.shape)
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    small = cv2.resize(gray if look is None else look, size, interpolation=cv2.INTER_AREA)
    mask = _edge_paper(small)
    if mask is None:
        mask = _bright_paper(small)
    if mask is None:
        return None
    share = float((mask > 0).mean())
    if not PAPER_MIN_SHARE <= share < PAPER_FULL_SHARE:
        return None
    paper = float(np.median(small[mask > 0]))
    background = float(np.median(small[mask == 0]))
    if paper - background < BED_CONTRAST:
        return None
    return mask, scale, int(paper)


def _filled(mask: np.ndarray) -> np.ndarray:
    """``mask`` with the holes of its outer outlines filled (pictures, dense tables are paper too)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 255, -1)
    return out


def _edge_paper(small: np.ndarray) -> Optional[np.ndarray]:
    """The sheet as the brightest large region that the edges of the (text-free) image
    enclose.  Text and rules are closed away first (a grey-level closing keeps the
    sheet's own edge where it is); the gradient is taken of log brightness, so the
    sheet-to-background step is the same in shadow as in light."""
    k = np.ones((PAPER_TEXT_CLOSE,) * 2, np.uint8)
    flat = cv2.morphologyEx(small, cv2.MORPH_CLOSE, k)
    lg = cv2.GaussianBlur(np.log(flat.astype(np.float32) + PAPER_LOG_OFFSET), (0, 0), 1.0)
    grad = np.hypot(cv2.Sobel(lg, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(lg, cv2.CV_32F, 0, 1, ksize=3)) / 4
    edge = (grad > PAPER_EDGE_STEP).astype(np.uint8)
    # The image's frame is an edge too: where the sheet nearly touches it, the strip of
    # background between is too thin to show an edge of its own.
    f = QUAD_EDGE
    edge[:f] = edge[-f:] = 1
    edge[:, :f] = edge[:, -f:] = 1
    edge = cv2.dilate(edge, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(1 - edge, connectivity=4)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= PAPER_MIN_SHARE * small.size]
    if not big:
        return None
    best = max(big, key=lambda k: float(np.median(small[labels == k])))
    return _filled((labels == best).astype(np.uint8) * 255)


def _bright_paper(small: np.ndarray) -> Optional[np.ndarray]:
    """The sheet as the largest bright region (Otsu on the blurred copy)."""
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Text and rules are dark too: close them into the sheet.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return _filled((labels == k).astype(np.uint8) * 255)


def sheet_corners(mask: np.ndarray) -> Optional[np.ndarray]:
    """The four corners (tl, tr, br, bl) of the sheet's outline, or None when it does not
    simplify to four sides.

    A phone photo may cut a corner of the sheet off: each side is then fitted as a line
    through its own outline points clear of the image edge, and the corners are where
    those lines meet (outside the image, if need be).  A sheet that shows fewer than
    QUAD_MIN_SIDES sides (a crooked sheet running off a scan) gives None."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    c = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(c)
    quad = cv2.approxPolyDP(hull, QUAD_EPS * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    pts = quad[:, 0, :].astype(np.float32)
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    quad = np.float32([pts[np.argmin(s)], pts[np.argmax(d)], pts[np.argmax(s)], pts[np.argmin(d)]])
    h, w = mask.shape
    outline = c[:, 0, :].astype(np.float32)
    e = QUAD_FRAME_CLEAR  # the mask stops short of the frame by its band (see _edge_paper)
    inside = (outline[:, 0] >= e) & (outline[:, 1] >= e) & (outline[:, 0] <= w - 1 - e) & (outline[:, 1] <= h - 1 - e)
    outline = outline[inside]
    tol = QUAD_FIT_TOL * max(h, w)
    lines, fitted = [], 0
    for a, b in zip(quad, np.roll(quad, -1, axis=0)):
        near = outline[_segment_distance(outline, a, b) < tol]
        if len(near) >= QUAD_MIN_POINTS * np.linalg.norm(b - a):
            vx, vy, x0, y0 = cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01)[:, 0]
            lines.append((np.float32([x0, y0]), np.float32([vx, vy])))
            fitted += 1
        else:  # the side runs along the image edge: keep the outline's own side
            lines.append((a, (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)))
    if fitted < QUAD_MIN_SIDES:
        return None
    corners = [_meet(lines[k - 1], lines[k]) for k in range(4)]
    if any(c is None for c in corners):
        return None
    out = np.float32(corners)
    if cv2.contourArea(out) < PAPER_MIN_SHARE * h * w or not cv2.isContourConvex(out):
        return None
    return out


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of points ``p`` (n x 2) from the segment a-b."""
    ab = b - a
    t = np.clip(((p - a) @ ab) / max(float(ab @ ab), 1e-6), 0.0, 1.0)
    return np.linalg.norm(p - (a + t[:, None] * ab), axis=1)


def _meet(l1, l2) -> Optional[np.ndarray]:
    """Where two lines (point, direction) cross; None when they are (nearly) parallel."""
    (p, u), (q, v) = l1, l2
    den = u[0] * v[1] - u[1] * v[0]
    if abs(den) < 1e-6:
        return None
    t = ((q[0] - p[0]) * v[1] - (q[1] - p[1]) * v[0]) / den
    return p + t * u


def flatten_photo(gray: np.ndarray, corners: np.ndarray,
                  short_side: Optional[int] = None) -> tuple[np.ndarray, np.ndarray]:
    """The sheet inside ``corners`` (full-size pixels) warped to an upright rectangle
    whose sides are the outline's mean side lengths — scaled so that its short side is
    ``short_side`` when given (one resampling: the working resolution straight from
    the input) — and the warp (3x3)."""
    tl, tr, br, bl = corners
    w = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    k = 1.0 if short_side is None else short_side / max(min(w, h), 1.0)
    w, h = int(round(w * k)), int(round(h * k))
    # The sheet's edge (and the desk showing past a rounded corner) is trimmed off: a dark
    # line down the whole page would join every text line into one band.
    tx, ty = SHEET_TRIM * w, SHEET_TRIM * h
    dst = np.float32([[-tx, -ty], [w - 1 + tx, -ty], [w - 1 + tx, h - 1 + ty], [-tx, h - 1 + ty]])
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    return cv2.warpPerspective(gray, m, (w, h), flags=PHOTO_INTERPOLATION, borderValue=255), m


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


def find_sheet(gray: np.ndarray, look: Optional[np.ndarray] = None,
               short_side: Optional[int] = None) -> tuple[np.ndarray, str, Optional[np.ndarray]]:
    """The page with its background dealt with, what was done — ``photo`` (warped flat,
    lighting evened), ``bed`` (background painted paper-white) or ``""`` — and the
    photo's warp (3x3, input pixels to output pixels).  ``look``: see :func:`paper_mask`;
    ``short_side``: see :func:`flatten_photo`."""
    found = paper_mask(gray, look)
    if found is None:
        return gray, "", None
    mask, scale, paper = found
    corners = sheet_corners(mask)
    if corners is not None:
        flat, m = flatten_photo(gray, corners / scale, short_side)
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
    profile shifts; None when the rows are straight or too few strips hold ink.

    The strips span the ink's horizontal extent (a margin is no strip: its empty
    profile matches anything), strips with little ink are skipped, and shifts are
    measured between neighbouring strips only (each well under half the line pitch,
    where the periodic text lines cannot be matched one line off) and summed."""
    h, w = ink.shape
    cum = np.cumsum(ink.sum(axis=0, dtype=np.float64))
    if cum[-1] <= 0:
        return None
    lo = int(np.searchsorted(cum, CURL_EXTENT * cum[-1]))
    hi = int(np.searchsorted(cum, (1 - CURL_EXTENT) * cum[-1])) + 1
    if hi - lo < 2 * CURL_STRIPS:
        return None
    bounds = np.linspace(lo, hi, CURL_STRIPS + 1).astype(int)
    profs = [ink[:, a:b].sum(axis=1, dtype=np.float64) for a, b in zip(bounds[:-1], bounds[1:])]
    mass = np.array([p.sum() for p in profs])
    keep = [k for k in range(CURL_STRIPS) if mass[k] >= CURL_MIN_INK * mass.mean()]
    if len(keep) < CURL_MIN_STRIPS:
        return None
    steps = [_best_shift(profs[a], profs[b], CURL_MAX_STEP * (b - a)) for a, b in zip(keep[:-1], keep[1:])]
    shifts = np.concatenate([[0], np.cumsum(steps)]).astype(float)
    xs = (bounds[:-1] + bounds[1:])[keep] / 2
    shifts -= shifts[int(np.argmin(np.abs(xs - (lo + hi) / 2)))]
    fit = np.polyval(np.polyfit(xs, shifts, CURL_DEGREE), np.clip(np.arange(w), lo, hi))
    if np.abs(fit).max() < CURL_MIN_SHIFT:
        return None
    return fit


def straighten(gray: np.ndarray, ink: np.ndarray, binarise) -> tuple[np.ndarray, np.ndarray]:
    """``gray`` and its ink (``binarise(gray)``) with bent rows run level: the bend
    measured (:func:`row_offsets`) up to CURL_PASSES times, each pass on the page as
    straightened so far, and the summed shifts applied to the original in one resampling."""
    total = None
    flat = gray
    for _ in range(CURL_PASSES):
        bend = row_offsets(ink)
        if bend is None:
            break
        total = bend if total is None else total + bend
        flat = straighten_rows(gray, total)
        ink = binarise(flat)
    return flat, ink


def straighten_rows(gray: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Shift each column of ``gray`` by ``offsets`` so bent rows run level."""
    h, w = gray.shape
    map_x = np.tile(np.arange(w, dtype=np.float32), (h, 1))
    map_y = np.arange(h, dtype=np.float32)[:, None] - offsets.astype(np.float32)[None, :]
    return cv2.remap(gray, map_x, map_y, PHOTO_INTERPOLATION, borderValue=255)

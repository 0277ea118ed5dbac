"""Seals: red ink told from black text, and the seal impressions found (``meta.seals``)."""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

RED_MARGIN = 60  # a pixel whose red exceeds green and blue by this much is seal ink, not text
SEAL_MERGE = 0.012  # ring, star and lettering of one seal join across gaps this wide (share of the short side)
SEAL_SIZE = (0.05, 0.4)  # a seal is this wide and high, as a share of the page's short side …
SEAL_ASPECT = (0.6, 1.7)  # … about as wide as high (round, oval or square) …
SEAL_MIN_FILL = 0.04  # … with at least this share of its box in strong red
SEAL_ZONE = 9  # px; around strong red ink the grey comes from the unmixing (JPEG smears colour this far)
SEAL_SLOPE_MAX = 0.6  # a seal ink darkening red by more than this share of green and blue is not told from black
SEAL_LIFT = 0.2  # black darkness under this share of the seal's own nearby is its strokes' edges (colour smeared): paper
SEAL_EDGE = 2  # px; JPEG's half-resolution colour smears a stroke's edge this far
RULE_RUN = 0.05  # a straight dark run this long (share of the short side; 62 px at 150 dpi, longer than a digit and a star) under a seal is a rule …
RULE_RUN_MIN = 60  # px; and never shorter (a small crop)
RULE_NET_MIN = 20.0  # … where its red darkness exceeds the seal's own by this much (a ring's tangent does not)
RULE_NET_LOW = 8.0  # … and, along such a run, a pixel this much darker in red than the seal is the rule
RULE_GAP = 6  # px; a run is joined across gaps this short (where the smeared colour took even the red)
RULE_JOG = 3  # px; rules are thickened across by this before the run is looked for (a slight skew steps them)
UNDER_SEAL_MIN = 0.25  # a text crop this much (share of its area) inside a seal's box lies under it
RESIDUE_LEVELS = (0.4, 0.55)  # a number under a seal is read again with the ink lighter than these shares of its darkest dropped
RESIDUE_MAX_DARK = 0.45  # a crop under a seal whose darkest ink is lighter than this share of the page's print holds only residue
PRINT_PERCENTILE = 10  # the page's print darkness: this percentile of its ink pixels' grey (the darker strokes)


def seal_free_gray(bgr: np.ndarray) -> np.ndarray:
    """Grey of a colour page with red seal ink turned to paper and the black text under it kept.

    Ink stamped over text tints it red too, so a threshold on colour cannot tell them
    apart (whitening every red pixel loses the digits under the seal).  Near strong red
    ink (SEAL_ZONE) each pixel's darkness against the paper, per channel, is unmixed
    into black ink (as dark in every channel) and seal ink, whose darkening of the red
    channel is a fixed share of its darkening of green and blue (:func:`seal_slope`,
    measured on the page's strong red): black = (dR - s·dGB) / (1 - s).  Seal ink alone
    unmixes to paper, black text under it to its own darkness, whatever the seal's
    density.  What stays of the seal is its strokes' edges, where JPEG's half-resolution
    colour leaves too little red: faint, so darkness under SEAL_LIFT of the seal's own
    darkness within SEAL_EDGE becomes paper, a ramp above it keeps the text (text away
    from the seal's strokes, in the ring's open middle, is kept whole).  Thin table rules
    crossing the seal take its colour and are kept by their red channel instead
    (:func:`_rules_under_seal`).  Elsewhere: plain luminance.
    """
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    strong = (r - np.maximum(g, b)) > RED_MARGIN
    if not strong.any():
        return gray
    zone = cv2.dilate(strong.astype(np.uint8), np.ones((2 * SEAL_ZONE + 1,) * 2, np.uint8))
    paper = tuple(float(np.percentile(c[::8, ::8], 90)) for c in (r, g, b, gray))
    del b, g, r
    reds = bgr[strong].astype(np.float32)  # (B, G, R) of the strong red pixels
    s = seal_slope(paper[0] - reds[:, 2], (paper[1] - reds[:, 1] + paper[2] - reds[:, 0]) / 2)
    # Each patch of red ink on its own: float work the size of a seal, not of a photo.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(zone, connectivity=8)
    run = max(RULE_RUN_MIN, int(RULE_RUN * min(gray.shape)))
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        # The patch with a margin: the seal's darkness near its edge is looked at, and the
        # rules that cross it are followed out onto the paper around it for a run.
        e = SEAL_EDGE + run
        win = (slice(max(y - e, 0), y + h + e), slice(max(x - e, 0), x + w + e))
        inside = labels[win] == i
        gray[win][inside] = _unmixed(bgr[win], paper, s, run, inside)[inside]
    return gray


def _unmixed(bgr: np.ndarray, paper: tuple[float, float, float, float], s: float, run: int = 0,
             inside: Optional[np.ndarray] = None) -> np.ndarray:
    """The black layer of a patch (grey, paper where only seal ink is): see :func:`seal_free_gray`.
    ``paper``: the page's red, green, blue and grey paper levels; ``s``: :func:`seal_slope`;
    ``run``: px, the length of a straight rule kept by its red channel, and ``inside``: the
    seal's zone in the patch, which such a rule leaves (:func:`_rules_under_seal`)."""
    f = bgr.astype(np.float32)
    dr = paper[0] - f[:, :, 2]
    dgb = (paper[1] - f[:, :, 1] + paper[2] - f[:, :, 0]) / 2
    black = (dr - s * dgb) / (1 - s)
    # The seal's own darkness near each pixel (its strokes' edges lie within SEAL_EDGE).
    seal = cv2.dilate(np.maximum(dgb - black, 0.0), np.ones((2 * SEAL_EDGE + 1,) * 2, np.uint8))
    lo = SEAL_LIFT * seal
    # Below lo: paper; from lo to 2·lo a ramp back to the pixel's own darkness.
    kept = np.where(black >= 2 * lo, black, np.maximum(black - lo, 0.0) * 2)
    if run:
        rule = _rules_under_seal(dr, np.maximum(dgb - black, 0.0), s, run, inside)
        kept = np.where(rule, np.maximum(kept, dr), kept)
    return np.clip(paper[3] - kept, 0, 255).astype(np.uint8)


def _rules_under_seal(dr: np.ndarray, seal_dgb: np.ndarray, s: float, run: int,
                      inside: Optional[np.ndarray] = None) -> np.ndarray:
    """Where a thin ruling line crosses seal ink (a mask): kept at its red-channel darkness.

    JPEG's half-resolution colour gives a 1-px rule under the seal the seal's colour, so
    the unmixing takes it for seal ink and the rule breaks where ring, star or lettering
    cross it (a table's rows then merge).  The red channel, which seal ink darkens little,
    keeps most of it: pixels whose red darkness exceeds the seal's own red darkening
    (``s`` times its green-blue darkness, the local maximum) by RULE_NET_MIN, joined across
    gaps of RULE_GAP (where the smeared colour took even the red), that make a straight
    horizontal or vertical run ``run`` px long; in that run, every pixel darker in red than
    the seal by RULE_NET_LOW.  A digit's strokes are shorter than a run; the seal's curves,
    a ring's tangent and the paper between two digits are no darker in red than the seal.
    """
    k = 2 * SEAL_EDGE + 1
    net = dr - s * cv2.dilate(seal_dgb, np.ones((k, k), np.uint8))
    bright = (net > RULE_NET_MIN).astype(np.uint8)
    out = np.zeros(dr.shape, bool)
    for horizontal in (True, False):
        along = (lambda n: (n, 1)) if horizontal else (lambda n: (1, n))  # cv2 sizes: (width, height)
        across = np.ones((RULE_JOG, 1) if horizontal else (1, RULE_JOG), np.uint8)  # numpy: (rows, cols)
        band = cv2.dilate(bright, across)
        if RULE_GAP > 1:
            band = cv2.morphologyEx(band, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, along(RULE_GAP)))
        band = cv2.morphologyEx(band, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along(run)))
        out |= _leaving(band, inside)
    return out & (net > RULE_NET_LOW)


def _leaving(mask: np.ndarray, inside: Optional[np.ndarray]) -> np.ndarray:
    """The connected parts of a mask that reach out of ``inside`` (None: to the mask's
    border): a rule under a seal runs on over the paper around it; the strokes of digits
    and lettering under it, however they line up, stay within the seal."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(mask.shape, bool)
    out = np.zeros(n, bool)
    if inside is None:
        for side in (labels[0], labels[-1], labels[:, 0], labels[:, -1]):
            out[side] = True
    else:
        out[labels[~inside]] = True
    out[0] = False
    return out[labels]


def under_seal(box: tuple[float, float, float, float], seals: list, share: float = UNDER_SEAL_MIN) -> bool:
    """Whether a box (x0, y0, x1, y1) lies at least ``share`` of its area inside one of the seal boxes."""
    x0, y0, x1, y1 = box
    area = max(x1 - x0, 0) * max(y1 - y0, 0)
    for sx0, sy0, sx1, sy1 in seals:
        inside = max(0.0, min(x1, sx1) - max(x0, sx0)) * max(0.0, min(y1, sy1) - max(y0, sy0))
        if area and inside >= share * area:
            return True
    return False


def without_residue(crop: np.ndarray, level: float) -> np.ndarray:
    """A grey crop (ink dark) with every pixel lighter than ``level`` of its ink's darkness
    made paper and the rest stretched to full contrast.

    What the unmixing leaves of a seal's lettering beside a black digit (JPEG codes colour
    at half resolution and quantises it per 16-px block, so a stroke of lettering beside
    black ink loses its red and unmixes as grey: a bar across a 0's counter, a spur on its
    ring, read 6, 8 or 9) is about half as dark as the print; the digit's own strokes are
    its darkest pixels and stay.  A second reading of the pixels, not a choice of value.
    """
    g = crop.astype(np.float32)
    paper, ink = float(np.percentile(g, 50)), float(np.percentile(g, 1))
    if paper - ink < 1.0:
        return crop
    d = np.clip((paper - g) / (paper - ink), 0.0, 1.0)
    d = np.clip((d - level) / (1.0 - level), 0.0, 1.0)
    return (255.0 - 255.0 * d).astype(np.uint8)


def print_darkness(gray: np.ndarray, ink: np.ndarray) -> tuple[float, float]:
    """(paper level, darkness of the page's print below it): the 90th percentile of the
    grey, and how far below it lies the PRINT_PERCENTILE of the ink pixels' grey."""
    paper = float(np.percentile(gray[::4, ::4], 90))
    dark = gray[ink > 0]
    return paper, (paper - float(np.percentile(dark, PRINT_PERCENTILE))) if dark.size else 0.0


def only_residue(crop: np.ndarray, paper: float, darkness: float, share: float = RESIDUE_MAX_DARK) -> bool:
    """Whether a crop under a seal holds only what the unmixing left of the seal: its
    darkest ink (1st percentile) lighter than ``share`` of the page's print ``darkness``.
    The lettering's remnants (specks along its strokes' edges, where JPEG's colour was
    smeared) come out at a third of the print's darkness (1000008: 0.28-0.39), digits
    under or beside a seal at half or more (a faint 0 at 0.51); in a borderless row such
    remnants were read as numbers ("2", "1") and pushed the row's values a column on."""
    if crop.size == 0 or darkness <= 0:
        return False
    return paper - float(np.percentile(crop, 1)) < share * darkness


def residue_free_ink(gray: np.ndarray, ink: np.ndarray, seals: list, share: float = RESIDUE_MAX_DARK) -> np.ndarray:
    """The ink mask with what the unmixing left of a seal taken out inside the seals'
    boxes: pixels there lighter than ``share`` of the page's print darkness (the
    lettering's remnants come out at a third of it, digits at half or more: see
    :func:`only_residue`).  Lines and pieces are cut on this mask: left in, the remnants
    between the numbers of a borderless row under a seal bridged their gaps, and three
    0s were one piece read "0050" (development 989805: its review table left null)."""
    if not seals:
        return ink
    paper, darkness = print_darkness(gray, ink)
    if darkness <= 0:
        return ink
    out = ink.copy()
    h, w = ink.shape
    for x0, y0, x1, y1 in seals:
        win = (slice(max(int(y0), 0), min(int(np.ceil(y1)), h)), slice(max(int(x0), 0), min(int(np.ceil(x1)), w)))
        faint = gray[win].astype(np.float32) > paper - share * darkness
        out[win][faint] = 0
    return out


def seal_slope(dr: np.ndarray, dgb: np.ndarray) -> float:
    """How much seal ink darkens the red channel per unit it darkens green and blue (the
    median over strong red pixels, nearly all seal ink alone), at most SEAL_SLOPE_MAX."""
    ratio = dr / np.maximum(dgb, 1.0)
    return float(np.clip(np.median(ratio), 0.0, SEAL_SLOPE_MAX))


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

"""Scans as offices really make them: turned pages, strong skew on a grey scanner bed, a seal
stamped over the number columns, 100-dpi 1-bit faxes, phone photos (perspective, curl,
shadow, a desk around the page).

``hazard_params(seed, hazard, n_pages)`` draws, deterministically, what ``write_scan(...,
hazard=...)`` does to each page; benchmarks read the truth (each page's rotation) from it.
Borderless tables are a layout (``generate(seed, layout="borderless")``), not a scan hazard.
"""
from __future__ import annotations

import math
import random
from typing import Optional

HAZARDS = ("rotated", "skew", "seal", "fax", "photo")
ROTATIONS = (0, 90, 180, 270)  # degrees the page is turned clockwise on the scan
SKEW_RANGE = (6.0, 15.0)  # |degrees| of a strongly skewed sheet
BED_MARGIN = (0.03, 0.07)  # scanner bed visible around the sheet, share of the page size
BED_GREY = (110, 175)
FAX_DPI = 100
FAX_THRESHOLD = (115, 165)  # grey level (of the sheet stretched to 0-255) under which a fax pixel is black
FAX_INK_PCT, FAX_PAPER_PCT = 0.2, 60  # percentiles of a page's grey taken as its ink and its paper
FAX_NOISE = (0.0005, 0.002)  # share of pixels flipped (line noise, dust)
PHOTO_LONG_SIDE = (2600, 4000)  # px; phone cameras
PHOTO_MARGIN = (0.04, 0.12)  # desk visible around the page
PHOTO_CORNER_JITTER = 0.06  # share of the page size each corner moves (perspective)
PHOTO_CURL = (0.0, 0.012)  # amplitude of the page's bend, share of the page height
PHOTO_SHADOW = (0.45, 0.8)  # brightness at the darkest end of the lighting gradient
SEAL_RADIUS_PT = (52.0, 62.0)  # an official 公章 is about 4.2 cm across


def hazard_params(seed: int, hazard: Optional[str], n_pages: int) -> dict:
    """What the hazard does, per page: rotation, skew, bed, fax, photo geometry and seals."""
    if hazard is not None and hazard not in HAZARDS:
        raise ValueError(f"unknown hazard {hazard!r}; one of {HAZARDS}")
    rng = random.Random(f"nianbao-hazard:{hazard}:{seed}")
    pages = []
    for _ in range(n_pages):
        p: dict = {"rotation": 0}
        if hazard == "rotated":
            p["rotation"] = rng.choice(ROTATIONS)
        elif hazard == "skew":
            p["skew"] = round(rng.choice((-1, 1)) * rng.uniform(*SKEW_RANGE), 2)
            p["bed_margin"] = rng.uniform(*BED_MARGIN)
            p["bed_grey"] = rng.randint(*BED_GREY)
        elif hazard == "fax":
            p["threshold"] = rng.randint(*FAX_THRESHOLD)
            p["noise"] = rng.uniform(*FAX_NOISE)
        elif hazard == "photo":
            p["long_side"] = rng.randint(*PHOTO_LONG_SIDE)
            p["margin"] = rng.uniform(*PHOTO_MARGIN)
            p["corners"] = [(rng.uniform(-1, 1) * PHOTO_CORNER_JITTER, rng.uniform(-1, 1) * PHOTO_CORNER_JITTER)
                            for _ in range(4)]
            p["curl"] = rng.uniform(*PHOTO_CURL)
            p["shadow"] = rng.uniform(*PHOTO_SHADOW)
            p["shadow_angle"] = rng.uniform(0, 2 * math.pi)
            p["desk"] = (rng.randint(60, 140), rng.randint(50, 110), rng.randint(30, 90))
        pages.append(p)
    if hazard == "rotated" and all(p["rotation"] == 0 for p in pages):
        pages[rng.randrange(n_pages)]["rotation"] = rng.choice(ROTATIONS[1:])
    return {"hazard": hazard, "pages": pages, "seal_radius_pt": rng.uniform(*SEAL_RADIUS_PT),
            "seal_seed": rng.randrange(2 ** 31)}


def number_runs(page) -> list[tuple[float, float]]:
    """Centres (points) of the numbers drawn on a page model: where a seal over numbers goes."""
    return [(r.x + 0.3 * r.size * len(r.text), r.y - 0.35 * r.size) for r in page.runs
            if r.text.strip().replace(".", "").isdigit()]


def apply_page(arr, p: dict, dpi: int, rng: random.Random):
    """The hazard's geometry and ink on one RGB page image (uint8 array), after the scanner
    degradation: rotation, skew on the bed, fax binarisation, or the phone photo."""
    import cv2
    import numpy as np

    if "skew" in p:
        h, w = arr.shape[:2]
        mx, my = int(p["bed_margin"] * w), int(p["bed_margin"] * h)
        # The sheet, turned on a bed that shows around it (the scan keeps the A4 aspect).
        canvas = np.full((h + 2 * my, w + 2 * mx, 3), p["bed_grey"], np.uint8)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), p["skew"], 1.0)
        m[:, 2] += (mx, my)
        sheet = np.full((h, w), 255, np.uint8)
        mask = cv2.warpAffine(sheet, m, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR) / 255.0
        turned = cv2.warpAffine(arr, m, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR)
        arr = (turned * mask[..., None] + canvas * (1 - mask[..., None])).astype(np.uint8)
        arr = cv2.resize(arr, (w, h), interpolation=cv2.INTER_AREA)
    if "threshold" in p:
        gray = fax_levels(cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY))
        bw = np.where(gray < p["threshold"], 0, 255).astype(np.uint8)
        flip = np.random.default_rng(rng.randrange(2 ** 32)).random(bw.shape) < p["noise"]
        bw[flip] = 255 - bw[flip]
        arr = cv2.cvtColor(bw, cv2.COLOR_GRAY2RGB)
    if "long_side" in p:
        arr = _photo(arr, p, rng)
    if p.get("rotation"):
        arr = np.ascontiguousarray(np.rot90(arr, -p["rotation"] // 90))
    return arr


def fax_levels(gray):
    """The sheet's grey stretched to full range, as a fax machine's automatic background
    control sets its white and black levels from the sheet before the 1-bit threshold:
    paper (the page's bright mode) to 255, its darkest ink to 0."""
    import numpy as np

    ink, paper = np.percentile(gray[::4, ::4], (FAX_INK_PCT, FAX_PAPER_PCT))
    if paper - ink < 1:
        return gray
    return np.clip((gray.astype(np.float32) - ink) * 255.0 / (paper - ink), 0, 255).astype(np.uint8)


def _photo(arr, p: dict, rng: random.Random):
    """A phone photo of the page: on a desk, in perspective, slightly bent, unevenly lit."""
    import cv2
    import numpy as np

    h, w = arr.shape[:2]
    scale = p["long_side"] / max(h, w) / (1 + 2 * p["margin"])
    pw, ph = int(w * scale), int(h * scale)
    page = cv2.resize(arr, (pw, ph), interpolation=cv2.INTER_CUBIC)
    # Curl: rows bend by a sine across the width.
    if p["curl"] > 0:
        xs = np.arange(pw, dtype=np.float32)
        dy = (p["curl"] * ph * np.sin(np.pi * xs / pw)).astype(np.float32)
        map_x = np.tile(xs, (ph, 1))
        map_y = np.arange(ph, dtype=np.float32)[:, None] + dy[None, :]
        page = cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    W, H = int(pw * (1 + 2 * p["margin"])), int(ph * (1 + 2 * p["margin"]))
    ox, oy = (W - pw) / 2, (H - ph) / 2
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    dst = np.float32([[ox + cx * pw + x, oy + cy * ph + y]
                      for (x, y), (cx, cy) in zip(src, p["corners"])])
    m = cv2.getPerspectiveTransform(src, dst)
    desk = np.zeros((H, W, 3), np.uint8)
    desk[:] = p["desk"]
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, 6, (H // 8 + 1, W // 8 + 1))
    desk = np.clip(desk + cv2.resize(noise, (W, H))[..., None], 0, 255).astype(np.uint8)
    warped = cv2.warpPerspective(page, m, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (W, H)) > 127
    out = np.where(mask[..., None], warped, desk)
    # Lighting: a linear gradient from full light to p["shadow"], and a soft vignette.
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = p["shadow_angle"]
    t = ((xx / W - 0.5) * math.cos(a) + (yy / H - 0.5) * math.sin(a)) + 0.5
    light = 1.0 - (1.0 - p["shadow"]) * np.clip(t, 0, 1)
    r2 = ((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2)
    light *= 1.0 - 0.25 * r2
    return np.clip(out * light[..., None], 0, 255).astype(np.uint8)

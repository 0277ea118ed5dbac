"""Re-reading numeric cells harder when a check fails (``reread_cells``)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import cv2
import numpy as np

from ...datamodel import Box
from ... import layout
from .deskew import _working_image
from .digits import read_digits
from .lines import _cell_box
from .raster import RENDER_DPI, _image_frames, _pdf_images, _read_bytes
from .recognise import REC_PAD_H, REC_PAD_V, _crop, _numeric_text, crop_image
from .regions import Layout, analyse

# Crops of a cell re-read when a check fails (``reread_cells``): (margin in heights,
# (vertical margin, horizontal margin, both in heights; upscale; stroke: +1 thickened,
# -1 thinned).  The first is the first pass's own crop.
REREAD_VARIANTS = ((REC_PAD_V, REC_PAD_H, 1.0, 0), (0.6, 0.6, 1.0, 0), (1.2, 1.2, 1.0, 0),
                   (REC_PAD_V, REC_PAD_H, 2.0, 0), (0.6, 0.6, 3.0, 0), (0.6, 0.6, 2.0, 1),
                   (0.6, 0.6, 2.0, -1))
REREAD_SECOND_MIN = 0.02  # a digit's second choice is a candidate when the model gave it this much
REREAD_MIN_IOU = 0.5  # a cell is found again on the re-laid-out page by this much box overlap


def reread_cells(path: str | Path, cells: Sequence[tuple[int, Box]], points: bool = False) -> list[list[str]]:
    """Read numeric cells of a scan again, harder: the candidate readings of each cell.

    ``cells`` are (page number, Cell.box) of cells this backend read: in ``read_scan``
    pixels, or with ``points`` in the PDF points of ``ocr_pdf_pages``.  Each page is prepared and laid out exactly as on the first pass
    (deterministic), the cell's text crops found again, and recognised digits-only
    from REREAD_VARIANTS (wider margins, upscaled, strokes thickened or thinned).
    Per cell: the distinct numbers read, most often read first (ties: the plain crop's
    reading, i.e. the first pass's, first), then the second choice of the weakest
    digit of the top reading, then, on a fax (a 1-bit page), the fax digit reader's
    reading of a one-crop cell (``digits.read_digits``: a thin-armed 3 the recogniser reads
    "1" at every scale, development fax 1002002).  An empty list when the cell is not found again.
    """
    from ...ocr import get_engine, second_choice_numeric

    path = Path(path)
    data = _read_bytes(path)
    numbers = sorted({p for p, _ in cells})
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        images = _pdf_images(data, numbers, RENDER_DPI, native=not points)
    else:
        images = ((img, k) for img, k in _image_frames(data) if k in numbers)
    jobs: list[tuple[int, int, int]] = []  # (cell index, variant, crop order)
    crops: list[np.ndarray] = []
    by_reader: dict[int, str] = {}  # cell index -> the fax digit reader's reading
    for img, number in images:
        wp = _working_image(img)
        if wp.ink is None:
            continue
        lay = analyse(wp.gray, wp.ink, wp.unit, faint_rules=not wp.bilevel)
        factor = wp.factor
        owners = _owner_boxes(lay)
        to_px = RENDER_DPI / 72.0 * factor if points else 1.0
        for i, (pno, box) in enumerate(cells):
            if pno != number:
                continue
            box = tuple(v * to_px for v in box)
            owner = _find_owner(owners, box)
            if owner is None:
                continue
            parts = sorted((c for c in lay.crops if c.owner == owner and not c.chars),
                           key=lambda c: (c.box[1], c.box[0]))
            if wp.bilevel and len(parts) == 1 and (got := read_digits(_crop(lay.gray, parts[0].box))):
                by_reader[i] = got[0]
            for v, (pad_v, pad_h, up, stroke) in enumerate(REREAD_VARIANTS):
                for k, c in enumerate(parts):
                    jobs.append((i, v, k))
                    crops.append(_stroke(crop_image(lay.gray, c.box, c.clip, pad_v, pad_h, up), stroke))
    results = get_engine().recognize(crops) if crops else []
    by_read: dict[tuple[int, int], list] = {}
    for (i, v, _k), res in zip(jobs, results):
        by_read.setdefault((i, v), []).append(res)
    out: list[list[str]] = []
    for i in range(len(cells)):
        votes: dict[str, list] = {}  # text -> [times read, first variant, its results]
        for v in range(len(REREAD_VARIANTS)):
            res_list = by_read.get((i, v))
            if not res_list:
                continue
            text, _conf = _numeric_text(res_list)
            if layout.is_number(text):
                votes.setdefault(text, [0, v, res_list])[0] += 1
        ranked = sorted(votes, key=lambda t: (-votes[t][0], votes[t][1]))
        if ranked and len(votes[ranked[0]][2]) == 1:
            alt = second_choice_numeric(votes[ranked[0]][2][0], REREAD_SECOND_MIN)
            if alt and layout.is_number(alt) and alt not in ranked:
                ranked.append(alt)
        if i in by_reader and by_reader[i] not in ranked:
            ranked.append(by_reader[i])
        out.append(ranked)
    return out


def _owner_boxes(lay: Layout) -> list[tuple[tuple, Box]]:
    """(crop owner, Cell.box as the first pass gave it) of every grid and free cell."""
    out = []
    for gi, g in enumerate(lay.grids):
        out += [(("cell", gi, ci), tuple(float(v) for v in c.box)) for ci, c in enumerate(g.cells)]
    for ri, row in enumerate(lay.free_rows):
        out += [(("free", ri, ci), tuple(float(v) for v in _cell_box(boxes))) for ci, boxes in enumerate(row.cells)]
    return out


def _find_owner(owners: list[tuple[tuple, Box]], box: Box) -> Optional[tuple]:
    """The owner whose box overlaps ``box`` most (at least REREAD_MIN_IOU)."""
    def iou(a: Box, b: Box) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        if w <= 0 or h <= 0:
            return 0.0
        inter = w * h
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

    best = max(owners, key=lambda o: iou(o[1], box), default=None)
    return best[0] if best is not None and iou(best[1], box) >= REREAD_MIN_IOU else None


def _stroke(img: np.ndarray, stroke: int) -> np.ndarray:
    """Strokes thickened (stroke > 0: grey erosion darkens) or thinned (< 0)."""
    if stroke == 0:
        return img
    kernel = np.ones((2, 2), np.uint8)
    return cv2.erode(img, kernel) if stroke > 0 else cv2.dilate(img, kernel)

"""Hazards of text PDFs as offices make them, applied to generated PDFs.

Post-processing of the bytes ``training.generate.write_pdf`` writes, the same
for the same arguments (the seed draws every choice):

* :func:`rotate_pages`: a page turned by 90/180/270°, three ways:
  ``"page"`` a ``/Rotate`` entry alone (the page shows sideways in a viewer),
  ``"content"`` the content drawn through a rotation matrix on a turned
  media box (no ``/Rotate``: it shows sideways too), ``"counter"`` both, the
  content turned back against ``/Rotate`` (it shows upright: Word's landscape
  sections and many scanned-then-OCR'd exports look like this).
* :func:`table_as_image`: a template table pasted as a picture (a screenshot or
  a scan of the table in a Word file): its region rasterised, its text and
  rules removed, the picture put in their place.

The gold of the report does not change: the numbers are still printed.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Optional, Sequence

ROTATION_MODES = ("page", "content", "counter")
QUARTER_ANGLES = (90, 180, 270)

IMAGE_DPIS = (150, 200, 300)  # resolutions a pasted table is drawn at
IMAGE_KINDS = ("screenshot", "scan")  # clean RGB PNG, or grey JPEG with blur and noise
JPEG_QUALITIES = (60, 75, 90)
REGION_PAD_PT = 2.0  # points around the table's ink kept in the picture
FURNITURE_BAND = 0.07  # share of the page height at top and bottom holding page numbers

TABLES = ("active", "requests", "review")  # template tables; each is drawn in the section of its id


def pdf_bytes(synthetic) -> bytes:
    """A generated report's text PDF (``training.generate.write_pdf``) as bytes."""
    import tempfile
    from pathlib import Path
    from training.generate import write_pdf
    with tempfile.TemporaryDirectory(prefix="nianbao-hazard-") as tmp:
        path = Path(tmp) / "report.pdf"
        write_pdf(synthetic, path)
        return path.read_bytes()


# --- rotation ----------------------------------------------------------------------------

def _turn_matrix(q: int, w: float, h: float, x0: float = 0.0, y0: float = 0.0) -> list[float]:
    """``cm`` operands drawing a ``w`` × ``h`` page (origin ``x0, y0``) turned ``q``
    clockwise quarter turns on a media box from the origin (sides swapped when odd)."""
    a, b, c, d, e, f = {1: (0, -1, 1, 0, 0, w), 2: (-1, 0, 0, -1, w, h), 3: (0, 1, -1, 0, h, 0)}[q % 4]
    return [a, b, c, d, e - a * x0 - c * y0, f - b * x0 - d * y0]


def rotate_pages(data: bytes, angle: int, mode: str = "page", pages: Optional[Sequence[int]] = None) -> bytes:
    """The PDF with the given 1-based ``pages`` (all when None) turned by ``angle``
    (90, 180, 270: clockwise as a viewer shows it) in one of :data:`ROTATION_MODES`."""
    import pikepdf
    if angle not in QUARTER_ANGLES or mode not in ROTATION_MODES:
        raise ValueError(f"angle {angle} / mode {mode!r}")
    pdf = pikepdf.open(io.BytesIO(data))
    for i, page in enumerate(pdf.pages, 1):
        if pages is not None and i not in pages:
            continue
        if mode in ("content", "counter"):
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            w, h = x1 - x0, y1 - y0
            # "counter": drawn turned the other way, for /Rotate to turn it back.
            q = angle // 90 if mode == "content" else 4 - angle // 90
            cm = " ".join(f"{v:g}" for v in _turn_matrix(q, w, h, x0, y0))
            page.contents_add(f"q {cm} cm\n".encode(), prepend=True)
            page.contents_add(b"\nQ\n")
            page.mediabox = pikepdf.Array([0, 0, h, w] if q % 2 else [0, 0, w, h])
            if "/CropBox" in page.obj:
                del page.obj["/CropBox"]
        if mode in ("page", "counter"):
            page.Rotate = (int(page.obj.get("/Rotate", 0)) + angle) % 360
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


# --- a table pasted as a picture ------------------------------------------------------------

@dataclass
class Region:
    page: int  # 1-based
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in points, top-left origin


def table_regions(data: bytes, table: str = "requests") -> list[Region]:
    """Where a template table is drawn: per page, the box of the ink between its
    section heading and the next section's heading (page numbers left out)."""
    import pdfplumber
    from pipeline.backend.pdf import is_page_number
    from pipeline.labels import section_of
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    out: list[Region] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        started = False
        for n, page in enumerate(pdf.pages, 1):
            h = float(page.height)
            lines = page.extract_text_lines(return_chars=False)
            top, bottom = 0.0, h
            if not started:
                hit = next((ln for ln in lines if section_of(ln["text"]) == table), None)
                if hit is None:
                    continue
                started, top = True, hit["bottom"] + 0.5
            end = next((ln for ln in lines if ln["top"] > top and section_of(ln["text"]) not in (None, table)),
                       None)
            if end is not None:
                bottom = end["top"] - 0.5
            boxes = [(ln["x0"], ln["top"], ln["x1"], ln["bottom"]) for ln in lines
                     if ln["top"] >= top and ln["bottom"] <= bottom
                     and not is_page_number(ln["text"], ln["bottom"] <= h * FURNITURE_BAND
                                            or ln["top"] >= h * (1 - FURNITURE_BAND))]
            boxes += [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in page.rects + page.lines
                      if o["top"] >= top - 1 and o["bottom"] <= bottom + 1]
            if boxes:
                p = REGION_PAD_PT
                out.append(Region(n, (min(b[0] for b in boxes) - p, min(b[1] for b in boxes) - p,
                                      max(b[2] for b in boxes) + p, max(b[3] for b in boxes) + p)))
            if end is not None:
                break
    return out


def _picture(pil_img, kind: str, rng: random.Random, quality: int) -> tuple[bytes, str]:
    """The region's picture as a file: PNG for a screenshot, a grey degraded JPEG for a scan."""
    import numpy as np
    from PIL import Image, ImageFilter
    buf = io.BytesIO()
    if kind == "screenshot":
        pil_img.convert("RGB").save(buf, "PNG")
        return buf.getvalue(), "png"
    g = pil_img.convert("L").filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    arr = np.asarray(g, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(2, 6), arr.shape)
    arr = np.clip(arr * rng.uniform(0.9, 1.0) + noise + rng.uniform(0, 12), 0, 255).astype(np.uint8)
    Image.fromarray(arr).save(buf, "JPEG", quality=quality)
    return buf.getvalue(), "jpeg"


def table_as_image(data: bytes, seed: int, table: str = "requests") -> tuple[bytes, dict]:
    """The PDF with ``table`` pasted as a picture on each page it is drawn on, and what
    was drawn (``{"table", "dpi", "kind", "quality", "regions"}``)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import Image
    rng = random.Random(f"nianbao-hazard-image:{seed}:{table}")
    dpi, kind, quality = rng.choice(IMAGE_DPIS), rng.choice(IMAGE_KINDS), rng.choice(JPEG_QUALITIES)
    regions = table_regions(data, table)
    if not regions:
        raise ValueError(f"table {table!r} not found in the PDF")
    pdf = pdfium.PdfDocument(data)
    scale = dpi / 72.0
    for reg in regions:
        page = pdf[reg.page - 1]
        ph = page.get_height()
        x0, t, x1, b = reg.box
        full = page.render(scale=scale).to_pil()
        crop = full.crop((int(x0 * scale), int(t * scale), int(x1 * scale), int(b * scale)))
        # Text and rules whose centre lies in the region go; the picture replaces them.
        for obj in list(page.get_objects()):
            if obj.type not in (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH):
                continue
            left, bottom, right, top = obj.get_bounds()
            cx, cy = (left + right) / 2, ph - (bottom + top) / 2
            if x0 <= cx <= x1 and t <= cy <= b:
                page.remove_obj(obj)
        blob, fmt = _picture(crop, kind, rng, quality)
        img = pdfium.PdfImage.new(pdf)
        if fmt == "jpeg":
            img.load_jpeg(io.BytesIO(blob), pages=[page])
        else:
            img.set_bitmap(pdfium.PdfBitmap.from_pil(Image.open(io.BytesIO(blob)).convert("RGB")), pages=[page])
        w, h = crop.size[0] / scale, crop.size[1] / scale
        img.set_matrix(pdfium.PdfMatrix().scale(w, h).translate(x0, ph - t - h))
        page.insert_obj(img)
        page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    out = _deterministic(out.getvalue())
    info = {"table": table, "dpi": dpi, "kind": kind, "quality": quality,
            "regions": [{"page": r.page, "box": [round(v, 2) for v in r.box]} for r in regions]}
    return out, info


def _deterministic(data: bytes) -> bytes:
    """The same PDF written again with a file ID drawn from its content (PDFium's
    differs per run), so the same seed gives the same bytes."""
    import pikepdf
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


# --- the hazards by name -------------------------------------------------------------------

HAZARDS = ("rotate_page", "rotate_content", "rotate_counter", "table_image")


def apply_hazard(data: bytes, hazard: str, seed: int) -> tuple[bytes, dict]:
    """``data`` with one of :data:`HAZARDS` applied (angle, pages, picture drawn from
    ``seed``), and what was done."""
    rng = random.Random(f"nianbao-hazard:{seed}:{hazard}")
    if hazard.startswith("rotate_"):
        angle = rng.choice(QUARTER_ANGLES)
        mode = hazard.split("_", 1)[1]
        return rotate_pages(data, angle, mode), {"hazard": hazard, "angle": angle, "mode": mode}
    if hazard == "table_image":
        out, info = table_as_image(data, seed, "requests")
        return out, {"hazard": hazard, **info}
    raise ValueError(f"unknown hazard {hazard!r} (choose from {', '.join(HAZARDS)})")

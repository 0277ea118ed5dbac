"""Page images with boxes drawn on them: PDF pages rendered by pypdfium2, image files as
they are.  Boxes are ``[x0, top, x1, bottom]`` in the page's own unit (PDF points from
the top-left, or pixels of an image file), as ``Result.cells`` gives them."""
from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

# Pixels per PDF point of the rendered page (150 dpi: digits stay legible in a crop).
RENDER_SCALE = 150 / 72
# Margins kept above and below the boxes of a crop, in the page's unit (PDF points): above,
# room for a table's column headers.  Crops keep the page's full width, so a cell is seen
# with its row's label.
CROP_ABOVE = 100.0
CROP_BELOW = 24.0
BOX_COLOUR = (220, 30, 30)
BOX_WIDTH_PX = 3
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

_PDFIUM = threading.Lock()  # pdfium is not thread-safe; the web server is threaded


@lru_cache(maxsize=16)
def page_image(path: str, page: int):
    """(PIL image of a page, pixels per page unit)."""
    from PIL import Image
    if Path(path).suffix.lower() in IMAGE_SUFFIXES:
        img = Image.open(path)
        img.seek(page - 1) if getattr(img, "n_frames", 1) > 1 else None
        return img.convert("RGB"), 1.0
    import pypdfium2 as pdfium
    with _PDFIUM:
        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"{Path(path).name} has no page {page}")
            img = pdf[page - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
    return img, RENDER_SCALE


def draw(path: str, page: int, boxes: Sequence[Sequence[float]], crop: bool = False,
         above: float = CROP_ABOVE, below: float = CROP_BELOW) -> bytes:
    """PNG of the page with ``boxes`` outlined; ``crop``: only the band holding them."""
    from PIL import ImageDraw
    img, k = page_image(path, page)
    img = img.copy()
    d = ImageDraw.Draw(img)
    for b in boxes:
        x0, t, x1, btm = (v * k for v in b)
        d.rectangle([x0 - 2, t - 2, x1 + 2, btm + 2], outline=BOX_COLOUR, width=BOX_WIDTH_PX)
    if crop and boxes:
        top = max(0, min(b[1] for b in boxes) - above) * k
        bottom = min(img.height, (max(b[3] for b in boxes) + below) * k)
        img = img.crop((0, int(top), img.width, int(bottom)))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def has_pages(path: str) -> bool:
    """True for sources drawn as page images (PDFs and image files)."""
    return Path(path).suffix.lower() in (".pdf",) + IMAGE_SUFFIXES


def text_window(lines, span: Optional[Sequence[int]], context: int = 60) -> Optional[dict]:
    """For a text source: the line holding ``span`` (document offsets), as
    ``{"page", "before", "hit", "after"}`` with ``context`` characters either side."""
    if not span:
        return None
    s, e = span
    for ln in lines:
        ls = getattr(ln, "span", None)
        if ls is None or not (ls[0] <= s and e <= ls[1]):
            continue
        a, b = s - ls[0], e - ls[0]
        return {"page": ln.page, "before": ln.text[max(0, a - context):a], "hit": ln.text[a:b],
                "after": ln.text[b:b + context]}
    return None

"""Pictures inside text PDFs that hold template rows: OCR'd and merged into the page.

A report written in Word often carries a table pasted as a picture (a
screenshot, or a scan of the printed table): the text layer holds the section
heading and the prose, but not one row of the table.  A picture large enough to
hold text (:func:`picture_boxes`), on a page where template rows are expected
but missing from the text layer (:func:`pages_wanting_pictures`), is read by
the scan backend's OCR (``pipeline.backend.scan.read_page_image``, the page
rendered with everything but its pictures blanked) and its lines are merged into
the page's lines in PDF points (:func:`read_pictures`), in the same upright
frame as the page's text (:mod:`.pdf_orientation`).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..datamodel import Box, Line

MIN_PICTURE_WIDTH_PT = 100.0
"""A picture narrower than this many points (a logo, a QR code) holds no table ..."""

MIN_PICTURE_HEIGHT_PT = 30.0
"""... nor one lower than this (two lines of 10.5 pt text with their leading)."""

MIN_NUMBER_SHARE = 0.6
"""A template table's section whose text layer holds fewer numbers than this share of
the table's cells is missing rows there (a table pasted as a picture holds none)."""

PICTURE_DPI = 150
"""Resolution pictures are rendered at for OCR (the scan backend's own for pages)."""


@dataclass
class PagePictures:
    """The pictures of one page that may hold text, in the page's upright frame."""
    number: int
    boxes: list[Box] = field(default_factory=list)
    quarter_turns: int = 0  # the turn pdf_orientation undid (to render the page the same way)


def picture_boxes(page, number: int) -> PagePictures:
    """Pictures of a (pdfplumber or upright) page large enough to hold text, clipped to the page."""
    w, h = float(page.width), float(page.height)
    boxes = []
    try:
        images = page.images
    except Exception:  # a content stream pdfminer cannot parse: no pictures (coverage tells what is missing)
        images = []
    for im in images:
        box = (max(0.0, im["x0"]), max(0.0, im["top"]), min(w, im["x1"]), min(h, im["bottom"]))
        if box[2] - box[0] >= MIN_PICTURE_WIDTH_PT and box[3] - box[1] >= MIN_PICTURE_HEIGHT_PT:
            boxes.append(box)
    return PagePictures(number, boxes, getattr(page, "quarter_turns", 0))


def _tables_short_of_rows(page_lines: dict[int, list[Line]]):
    """Per template table the text layer lacks: the pages its section spans (None: its
    heading was not found either, so any page).  A table is lacking when its section
    holds fewer numbers than :data:`MIN_NUMBER_SHARE` of the table's cells (row
    labels are no test: the review table prints its rows as column headers, and a
    real report's typo loses a label that the assembler still places)."""
    from ..assemble import detect_format, parse_number
    from ..coverage import expected_rows
    from ..labels import section_of
    from ..template import get
    lines = [ln for n in sorted(page_lines) for ln in page_lines[n] if ln.label != "other"]
    template = get(detect_format(lines) or "2021")
    numbers: dict[str, int] = {}
    order: list[tuple[str, int]] = []  # (section id, page of its heading)
    current: Optional[str] = None
    for ln in lines:
        sid = section_of(ln.text) if len(ln.cells) <= 1 else None
        if sid:
            current = sid
            order.append((sid, ln.page))
            continue
        if current is not None:
            parts = [c.text for c in ln.cells] if ln.cells else ln.text.split()
            numbers[current] = numbers.get(current, 0) + sum(
                1 for t in parts if t.strip() and parse_number(t, decimal=True) is not None)
    out: dict[str, Optional[tuple[int, int]]] = {}
    last = max(page_lines) if page_lines else 1
    for table in template.tables:
        cells = sum(len(table.row(r).columns) for r in expected_rows(table, set()))
        if numbers.get(table.id, 0) >= MIN_NUMBER_SHARE * cells:
            continue
        i = next((i for i, (sid, _) in enumerate(order) if sid == table.id), None)
        # From its heading's page to the page of the next section's heading.
        out[table.id] = None if i is None else \
            (order[i][1], order[i + 1][1] if i + 1 < len(order) else last)
    return out


def pages_wanting_pictures(page_lines: dict[int, list[Line]], pictures: Sequence[PagePictures]) -> list[int]:
    """Pages whose pictures should be read: those in the section of a template table
    whose rows the text layer lacks (any page when that section's heading is lost too)."""
    with_pics = [p.number for p in pictures if p.boxes]
    if not with_pics:
        return []
    short = _tables_short_of_rows(page_lines)
    if not short:
        return []
    if any(span is None for span in short.values()):
        return with_pics
    return [n for n in with_pics if any(a <= n <= b for a, b in short.values())]


def _render_upright(path, number: int, quarter_turns: int, dpi: int, short_range: tuple[int, int]
                    ) -> tuple["np.ndarray", float]:
    """A page rendered (BGR) in the upright frame of the text backend, and its pixels per
    point: ``dpi``, or what brings the short side into ``short_range`` pixels (the
    scan backend then keeps the size, so its pixels map back to points exactly)."""
    import numpy as np  # only when a picture is read (text PDFs import no numpy)
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[number - 1]
        short_pt = min(page.get_size())
        k = min(max(short_pt * dpi / 72.0, short_range[0]), short_range[1]) / short_pt
        img = page.render(scale=k).to_numpy()[:, :, :3].copy()
    finally:
        pdf.close()
    return (np.ascontiguousarray(np.rot90(img, quarter_turns)) if quarter_turns else img), k


def _inside(box: Optional[Box], boxes: Sequence[Box]) -> bool:
    if box is None:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def ocr_pictures(path, pics: PagePictures, dpi: int = PICTURE_DPI) -> list[Line]:
    """The lines the scan backend reads in a page's pictures, in PDF points of the upright page."""
    import numpy as np
    scan = importlib.import_module("pipeline.backend.scan")
    raster = getattr(scan, "raster", scan)  # the scan package's size limits live in its raster module
    img, k = _render_upright(path, pics.number, pics.quarter_turns, dpi,
                             (raster.MIN_SHORT_SIDE, raster.MAX_SHORT_SIDE))
    masked = np.full_like(img, 255)
    for x0, t, x1, b in pics.boxes:
        ys, xs = slice(int(t * k), int(np.ceil(b * k))), slice(int(x0 * k), int(np.ceil(x1 * k)))
        masked[ys, xs] = img[ys, xs]
    page = scan.scale_page(scan.read_page_image(masked, pics.number), 1.0 / k)
    return [ln for ln in page.lines if _inside(ln.box, pics.boxes)]


def read_pictures(path, page_lines: dict[int, list[Line]], pictures: Sequence[PagePictures],
                  skip: Sequence[int] = ()) -> list[str]:
    """OCR the pictures of the pages that want them (:func:`pages_wanting_pictures`; pages
    in ``skip`` are read whole by OCR anyway) and merge their lines into ``page_lines``
    in place, top to bottom.  Returns warnings naming each page so read, or failing."""
    wanted = [n for n in pages_wanting_pictures(page_lines, pictures) if n not in set(skip)]
    by_number = {p.number: p for p in pictures}
    warnings = []
    for n in wanted:
        pics = by_number[n]
        try:
            got = ocr_pictures(path, pics)
        except Exception as e:  # OCR missing or failing: the text layer stands, and says so
            warnings.append(f"page {n}: pictures where template rows are missing could not be "
                            f"read by OCR ({type(e).__name__}: {e})")
            continue
        merged = page_lines.get(n, []) + got
        page_lines[n] = sorted(merged, key=lambda ln: ln.box[1] if ln.box else 0.0)
        warnings.append(f"page {n}: {len(pics.boxes)} picture(s) read by OCR "
                        f"({len(got)} lines; template rows missing from the text layer)")
    return warnings

"""Scanned PDFs and images (PNG, JPG, TIFF …) -> Document, by our own layout + PP-OCR.

Plain full-page OCR (detect every text box, classify, recognise) is slow and
misreads small one-digit table cells.  Per page we instead

1. rasterise (pypdfium2, RENDER_DPI; a page that is one 1-bit picture, a fax, at its
   own pixels: ``raster.native_bilevel``) or load the image, normalise its size;
2. find the sheet on its background (a scanner bed, a desk) and warp it flat at
   the working resolution (``dewarp``); deskew: the angle that makes the
   horizontal ink profile sharpest (ruling lines and text lines both vote), and on
   a warped sheet the columns' lean;
3. binarise against a local background estimate (grey-shaded header rows and
   uneven lighting become paper; red seals are dropped before), find ruling
   lines by morphology and build table grids from them, merged cells included;
4. cut every non-empty cell into text lines by ink projection; cut the text
   outside grids into rows of pieces split at wide gaps (a borderless table's
   cells, columns found from their alignment; wrapped labels rejoined), PP-OCR
   detection running only where projection fails (pictures, odd layouts);
5. recognise all crops in width-sorted batches (no detection, no angle
   classifier), then re-decode cells that the template says hold a number with
   digits only, and re-read the ones still unsure from other crops.

Modules: ``raster`` (input, size, binarisation), ``deskew``, ``rules`` (ruling
lines and grids), ``lines`` (text lines by projection), ``borderless``,
``regions`` (what to read where), ``recognise``, ``numbers`` (which cells hold
numbers), ``furniture``, ``seals``, ``reread``.

Coordinates are pixels of the deskewed working image (``Page.width/height``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from ...datamodel import Document, Page
from ... import memory
from ...memory import release_freed
from .borderless import align_columns, seed_columns, split_at_columns, split_box
from .deskew import MAX_SKEW_DEG, MIN_DESKEW_DEG, SKEW_FINE_STEP, _working_image, estimate_skew, rotate
from .furniture import (MIN_REPORT_LINES, _document_warnings, _label_furniture, fax_legibility_warning,
                        label_running_lines)
from .lines import FreeRow, bands, cell_line_boxes, estimate_line_height, split_segments, vertical_chars
from .numbers import DIGIT_LOOKALIKES, numeric_cells, numeric_free_cells
from .raster import (MAX_IMAGE_PIXELS, MAX_PDF_PAGES, RENDER_DPI, _image_frames, _pdf_images, _read_bytes,
                     binarize, normalise_size, scale_page, to_gray)
from .recognise import MIN_LINE_CONF, join_wrapped_labels, recognise_page
from .regions import Crop, Layout, analyse
from .reread import reread_cells
from .seals import residue_free_ink
from .rules import Segment, build_grid, find_grids, ruling_segments, split_region


def read_scan(path: str | Path, pages: Optional[Iterable[int]] = None,
              max_image_pixels: int = MAX_IMAGE_PIXELS) -> Document:
    """Read a scanned PDF (no text layer; kind ``scan``) or an image file (kind ``image``).

    ``pages``: 1-based page (or TIFF frame) numbers to read; all when None.
    ``max_image_pixels``: an image file larger than this is refused.
    Raises InputError for unreadable, corrupt or empty files.
    """
    path = Path(path)
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    wanted = None if pages is None else sorted(set(pages))
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        kind = "scan"
        images = _pdf_images(data, wanted, RENDER_DPI, native=True)
    else:
        kind = "image"
        images = ((img, k) for img, k in _image_frames(data, max_image_pixels) if wanted is None or k in wanted)
    doc = Document(str(path), digest, kind)
    for k, (img, number) in enumerate(images, 1):
        doc.pages.append(read_page_image(img, number))
        del img  # the raster goes before its memory is given back (not only at the next page)
        if k % memory.TRIM_EVERY_PAGES == 0:
            release_freed()
    release_freed()
    label_running_lines(doc.pages)
    _document_warnings(doc)
    return doc


def ocr_pdf_pages(path: str | Path, page_numbers: Iterable[int]) -> list[Page]:
    """OCR the given 1-based pages of a PDF (pages whose text layer is broken).

    Boxes, widths and font sizes are returned in PDF points, like the text-PDF
    backend's own pages, so the caller can mix them.
    """
    data = _read_bytes(Path(path))
    numbers = sorted(set(page_numbers))
    pages = []
    for k, (img, n) in enumerate(_pdf_images(data, numbers, RENDER_DPI), 1):
        page, factor = _read_page(img, n)
        pages.append(scale_page(page, 72.0 / RENDER_DPI / factor))
        del img
        if k % memory.TRIM_EVERY_PAGES == 0:
            release_freed()
    release_freed()
    return pages


def read_page_image(image: np.ndarray, number: int = 1) -> Page:
    """The whole per-page pipeline on one raster (grey or BGR): a Page of Lines, in
    pixels of the deskewed, size-normalised image."""
    return _read_page(image, number)[0]


def _read_page(image: np.ndarray, number: int) -> tuple[Page, float]:
    """:func:`read_page_image`, and the factor by which the image was resized."""
    wp = _working_image(image)
    size = (float(wp.gray.shape[1]), float(wp.gray.shape[0]))
    if wp.ink is None:
        return Page(number, [], *size, "ocr", [f"page {number}: blank"]), wp.factor
    ink = residue_free_ink(wp.gray, wp.ink, wp.seals)
    lines = recognise_page(analyse(wp.gray, ink, wp.unit, faint_rules=not wp.bilevel), number, fax=wp.bilevel,
                           seals=tuple(wp.seals))
    _label_furniture(lines, wp.gray.shape[0])
    page = Page(number, lines, *size, "ocr", rotation=wp.rotation, seals=wp.seals, bilevel=wp.bilevel)
    confident = [ln for ln in lines if (ln.confidence or 0) >= MIN_LINE_CONF and ln.text.strip()]
    if len(confident) < MIN_REPORT_LINES:
        page.warnings.append(f"page {number}: only {len(confident)} readable text lines — not a report page?")
    if wp.strokes is not None and (illegible := fax_legibility_warning(number, wp.strokes, lines)):
        page.warnings.append(illegible)
    return page, wp.factor

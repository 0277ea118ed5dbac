"""Text-PDF input: pdfplumber characters and ruling lines -> Document.

What comes out (the contract the assembler relies on):

* Pages in order, 1-based, with ``width``/``height`` in points.  Lines are in
  reading order (top to bottom) on each page.  A page whose text is turned
  (``/Rotate``, or drawn through a rotation matrix) is read turned back
  (:mod:`..pdf_orientation`): its boxes and size are those of the page turned
  so its text is upright.
* Text outside ruled tables: one :class:`Line` per visual line, Chinese text
  unspaced (see :mod:`pipeline.layout`), with ``box``, ``font_size`` (median
  glyph size), ``bold`` and ``source="pdf"``.
* Tables set without rules: a visual line whose text ends in numbers standing
  apart is a row; the lines of its wrapped labels join it (see
  :func:`pipeline.layout.group_rows`), giving one Line with ``cells`` = the
  row's pieces left to right (a wrapped label's lines joined, no grid
  indices) and ``in_grid=False``.
* Ruled tables (also those ruled between rows only): one Line per grid row,
  ``in_grid=True``, ``cells`` = the cells that *start* in that row, left to
  right, with ``row``/``col`` grid indices and spans; empty cells kept as
  ``Cell("")``; a cell's wrapped text joined without newlines.  ``Line.text``
  is the non-empty cell texts joined by one space.  ``row`` counts rows from
  the top of the table, across page breaks when the table continues on the
  next page.
* A table continuing on the next page: its columns are renumbered onto one
  set of column boundaries; a spanning cell that continues (the empty or
  unfinished group cell at the top of the next page) is merged into the cell
  it continues; a row split across the break (label on page N, the rest on
  page N+1) is merged into one Line on page N; a header repeated on page
  N+1 is kept as it is (and skipped when looking for a split row).
* Page furniture (page numbers, running headers/footers) is kept with
  ``label="other"``; every other line has ``label=None``.
* Pages without a usable text layer (:func:`page_needs_ocr`) are listed in
  ``Document.warnings`` and handed to ``pipeline.backend.scan.ocr_pdf_pages``
  when that module exists; otherwise they stay empty.

Bad input (not a PDF, truncated, corrupt, encrypted without the password, no
pages) raises :class:`~pipeline.datamodel.InputError` with a one-line message.

Modules: ``opening`` (the bytes checked, PDFium, pdfplumber), ``quality`` (whether a
page's text layer can be used), ``chars`` (characters as glyphs), ``rules`` (ruling
segments), ``records`` (rows, cells, tables, free lines), ``page`` (one page parsed and
laid out), ``furniture``, ``continuation`` (tables across page breaks); the document here.
"""
from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Callable, Optional, Sequence

from ...datamodel import Document, InputError, Line, Page, cannot_read
from ...layout import median_size, mostly_bold
from ..pdf_images import picture_boxes, read_pictures
from ..pdfium_page import PageContent
# The names the single module ``pdf.py`` had stay importable from here.
from .chars import BOLD_FONT, base_font_name, chars_to_glyphs, is_bold_font, page_glyphs
from .continuation import (CONTINUATION_EDGE_TOLERANCE, CONTINUATION_MIN_SHARED, _boundaries_match, _chains,
                           _continues, _join_parts, _link_continuations, _replace_row, _row_texts,
                           _table_lines, _unify_columns)
from .furniture import (FURNITURE_BAND, FURNITURE_MIN_PAGES, FURNITURE_POSITION_TOLERANCE, _in_band,
                        is_page_number, mark_furniture)
from .opening import EOF_TAIL_BYTES, HEADER_BYTES, _first_line, _open_pdfium, _open_plumber, check_pdf_bytes
from .page import (CELL_BAND, GRID_MARGIN, HANGING_ANCHOR, HANGING_PUNCTUATION, PAGE_TIMEOUT_S, _Timeout,
                   _cell_bands, _cell_text, _extract_page, _free_lines, _lay_out, _layout_page, _parse_page,
                   _upright, anchor_x)
from .quality import (CJK_TEST_MIN_GLYPHS, GARBAGE_RATIO_MAX, IMAGE_COVER_MIN, MIN_CJK_RATIO, MOJIBAKE_ALLOWED,
                      SPARSE_TEXT_GLYPHS, _image_cover, is_garbage_char, page_needs_ocr, text_layer_problem)
from .records import _Cell, _FreeLine, _PageData, _Row, _Table
from .rules import MAX_RULE_THICKNESS, _is_white, _straight, page_segments

MAX_PAGES = 200
"""Pages read from one PDF; the rest are skipped with a warning."""


def _require_pages(n_pages: int) -> None:
    """InputError for a PDF without pages (PDFium's count, or pdfminer's)."""
    if n_pages == 0:
        raise InputError("PDF has no pages")


def _warn_page_cap(doc: Document, n_pages: int, limit: int) -> None:
    """The warning that pages past ``limit`` were skipped."""
    if n_pages > limit:
        doc.warnings.append(f"PDF has {n_pages} pages; only the first {limit} were read (--max-pages)")


def _ocr_pages(path: Path, numbers: list[int], warnings: list[str]) -> dict[int, Page]:
    """Pages read by ``pipeline.backend.scan.ocr_pdf_pages`` (empty when that
    module does not exist or fails)."""
    try:
        scan = importlib.import_module("pipeline.backend.scan")
    except ModuleNotFoundError as e:
        if e.name not in ("pipeline.backend.scan", "pipeline.backend", "pipeline"):
            warnings.append(f"OCR not available ({_first_line(e)})")
        return {}
    except Exception as e:
        warnings.append(f"OCR not available ({type(e).__name__}: {_first_line(e)})")
        return {}
    fn = getattr(scan, "ocr_pdf_pages", None)
    if fn is None:
        return {}
    try:
        got = fn(path, numbers)
    except Exception as e:
        warnings.append(f"OCR failed for pages {numbers} ({type(e).__name__}: {_first_line(e)})")
        return {}
    return {p.number: p for p in got or () if p.number in numbers}


def assemble_lines(datas: Sequence[_PageData]) -> dict[int, list[Line]]:
    """Lines of every page in reading order: furniture marked, tables joined
    across page breaks, rows and free text interleaved top to bottom."""
    mark_furniture(datas)
    _link_continuations(datas)
    placed: dict[int, list[tuple[float, int, Line]]] = {pd.number: [] for pd in datas}
    for chain in _chains(datas):
        _unify_columns(chain)
        for prev, part in zip(chain, chain[1:]):
            _join_parts(chain[0], prev, part)
        for pno, line in _table_lines(chain):
            placed[pno].append((line.box[1], len(placed[pno]), line))
    for pd in datas:
        for fl in pd.free:
            line = Line(fl.text, page=pd.number, cells=fl.cells, box=fl.box,
                        font_size=median_size(fl.glyphs), bold=mostly_bold(fl.glyphs), source="pdf",
                        label="other" if fl.furniture else None)
            placed[pd.number].append((fl.box[1], len(placed[pd.number]), line))
    return {n: [ln for _, _, ln in sorted(v, key=lambda t: (t[0], t[1]))] for n, v in placed.items()}


def _parse_pages_pdfium(pdf, limit: int = MAX_PAGES) -> Optional[list[tuple[_PageData, Optional[PageContent]]]]:
    """Every page (up to ``limit``) parsed with PDFium, the fast path (:func:`_parse_page`);
    None when a page cannot even be loaded (pdfplumber then reads, or flags, each page)."""
    import pypdfium2 as pdfium
    out = []
    for i in range(min(len(pdf), limit)):
        try:
            page = pdf[i]
        except pdfium.PdfiumError:
            return None
        try:
            out.append(_parse_page(page, i + 1))
        finally:
            page.close()
    return out


def _image_only(parsed: Sequence[tuple[_PageData, Optional[PageContent]]]) -> bool:
    """Whether no page has a usable text layer, every page's text having been read (a
    scan; a page that could not be parsed does not count as one)."""
    return bool(parsed) and all(pd.problem and content is not None for pd, content in parsed)


def _read_pages_plumber(path: Path, password: Optional[str], pdfium_error: Optional[str],
                        doc: Document, pictures: Optional[list] = None,
                        limit: int = MAX_PAGES) -> list[_PageData]:
    """Every page (up to ``limit``) read with pdfplumber, for a file PDFium refuses
    (pdfminer recovers some damaged files)."""
    pdf = _open_plumber(path, password, pdfium_error)
    try:
        n_pages = len(pdf.pages)
        _require_pages(n_pages)
        if pdfium_error:
            doc.warnings.append(f"damaged PDF ({pdfium_error}); read what pdfminer could recover")
        _warn_page_cap(doc, n_pages, limit)
        datas = []
        for i, ppage in enumerate(pdf.pages[:limit]):
            page = _upright(ppage)
            datas.append(_extract_page(page, i + 1))
            if pictures is not None and not datas[-1].problem:  # a page with a problem is OCR'd whole
                pictures.append(picture_boxes(page, i + 1))
            ppage.close()
        return datas
    finally:
        pdf.close()


def read_pdf(path, *, data: Optional[bytes] = None, password: Optional[str] = None,
             max_pages: Optional[int] = None, pdfminer: bool = False,
             image_only: Optional[Callable[[Path], Document]] = None) -> Document:
    """Read a text PDF into a :class:`Document` (``kind="pdf"``).

    Raises InputError for a file that is not a readable PDF.  ``data``: the file's
    bytes when the caller has read them already.  Pages past ``max_pages`` (default
    :data:`MAX_PAGES`) are skipped with a warning; ``pdfminer`` reads with pdfplumber
    even when PDFium opens the file; pages without a usable text layer are warned about
    and OCR'd when the OCR backend is installed.  ``image_only``: called with the path,
    and its Document returned, when no page has a usable text layer (a scan, for the scan
    backend to read whole; the file has at most ``max_pages`` pages).

    The file is opened once with PDFium: each page's characters, rules and the signs that
    it needs pdfplumber (a turned page, a picture) are read in one pass.
    """
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(cannot_read(e)) from e
    check_pdf_bytes(data)
    limit = MAX_PAGES if max_pages is None else max_pages
    pdf, pdfium_error = _open_pdfium(data, password)
    parsed = None
    try:
        if pdf is not None:
            n_pages = len(pdf)
            _require_pages(n_pages)
            parsed = _parse_pages_pdfium(pdf, limit)
    finally:
        if pdf is not None:
            pdf.close()
    if image_only is not None and parsed is not None and n_pages <= limit and _image_only(parsed):
        return image_only(path)
    doc = Document(str(path), hashlib.sha256(data).hexdigest(), "pdf")
    # Turned pages and pictures are read through pdfplumber (pdf_orientation, pdf_images),
    # and so is a file rebuilt by qpdf (``pdfminer``: PDFium drops text of its lost fonts).
    pictures: list = []
    if parsed is not None and not pdfminer and not any(c is not None and c.needs_plumber for _, c in parsed):
        _warn_page_cap(doc, n_pages, limit)
        datas = [_lay_out(pd, content) for pd, content in parsed]
    else:
        datas = _read_pages_plumber(path, password, pdfium_error, doc, pictures, limit)

    page_lines = assemble_lines(datas)
    bad = [pd.number for pd in datas if pd.problem]
    doc.warnings += read_pictures(path, page_lines, pictures, skip=bad)
    ocr = _ocr_pages(path, bad, doc.warnings) if bad else {}
    for pd in datas:
        if pd.problem:
            how = "read by OCR" if pd.number in ocr else "left empty"
            doc.warnings.append(f"page {pd.number}: no usable text layer ({pd.problem}); {how}")
        if pd.number in ocr:
            page = ocr[pd.number]
            page.width = page.width or pd.width
            page.height = page.height or pd.height
        else:
            page = Page(pd.number, page_lines[pd.number], pd.width, pd.height, source="pdf")
        doc.pages.append(page)
    return doc

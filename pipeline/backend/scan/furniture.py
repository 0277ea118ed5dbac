"""Page furniture (page numbers, running headers and footers) and the warnings of a document read badly."""
from __future__ import annotations

from typing import Optional

from ...datamodel import Document, Line, Page
from ... import template as tpl
from ...lexicon import DIGITS, PAGE_NUMBER_OCR
from .recognise import MIN_LINE_CONF

FURNITURE_MARGIN = 0.1  # top/bottom share of the page where page numbers live
MIN_REPORT_LINES = 3  # fewer confident lines than this: "not a report page?"
RUNNING_MIN_CHARS = 4  # running headers/footers are recognised from this many characters
# A fax page is illegible when, of its cells (grid cells, a free row's pieces, labels included),
# under LEGIBLE_MIN_CELL_SHARE read with LEGIBLE_CONF and of its lines under LEGIBLE_LINES_READ;
# with fewer than LEGIBLE_MIN_CELLS cells (no grid found: a page so faint its rules went too) when
# under LEGIBLE_MIN_LINE_SHARE of its lines read so; judged on pages of at least LEGIBLE_MIN_LINES
# lines.  The cells decide where there are enough: a fax's labels read as noise while its
# numbers read and its rows are placed by the grid's order, and a line is as sure as its least
# sure cell, so on such pages lines say nothing (development faxes: 3-16% of lines sure on
# pages read 95-100% right).  Development faxes
# (989200-989213, 1000000-1000005): sure cells 34-56% on the pages whose rows were lost (989200
# page 2, 1000003 pages 1-2, 1000005 page 2, 989211 page 2: 21% of its cells wrong), 64-75% on
# pages read (989213 page 2, 989201 page 2: 160/166, 1000000 page 2: 207/207).  A text page's cells
# are its free rows' pieces, many of them unsure (989204 page 3: 45% of 44 cells, 75% of 20 lines,
# read right); lines read as surely are no noise (pages whose rows were lost: at most 41%).
LEGIBLE_CONF = 0.8
LEGIBLE_MIN_CELL_SHARE = 0.6
LEGIBLE_MIN_LINE_SHARE = 0.4
LEGIBLE_LINES_READ = 0.6
# Where the strokes broke into dots (FAINT_DOTS), misreads come sure (a broken 0 read 8 or 11
# at 0.9 and more): the cells must read this surely (dev fax 989206 page 2: 14% of its glyph
# ink in dots, 67% of its cells sure, 49/151 right; pages read right: at most 6% in dots).
LEGIBLE_FAINT_CELL_SHARE = 0.8
LEGIBLE_MIN_LINES = 10
LEGIBLE_MIN_CELLS = 40
# Which way the threshold failed, from ``raster.StrokeStats`` (development pages: 11-43% of the
# glyph ink in dots where strokes broke, 0.1-6% elsewhere; filled cores 19-43% on dark pages,
# read or not, 2-10% on light ones).
FAINT_DOTS = 0.08
DARK_CORE = 0.15
FAX_ILLEGIBLE = "fax"  # page warnings that start "page N: fax" are the document's too


def _label_furniture(lines: list[Line], height: float) -> None:
    """Mark page numbers in the top/bottom margins as ``other``."""
    for ln in lines:
        if ln.in_grid or ln.box is None:
            continue
        near_edge = ln.box[1] > height * (1 - FURNITURE_MARGIN) or ln.box[3] < height * FURNITURE_MARGIN
        if near_edge and PAGE_NUMBER_OCR.match(ln.text):
            ln.label = "other"


def label_running_lines(pages: list[Page]) -> None:
    """Mark running headers/footers ``other``: a line in a page's top or bottom margin
    whose text (digits aside) recurs in the margins of another page.  The first
    page keeps its copy unless it sits in the margin too, as its title may read
    the same."""
    def key(ln: Line) -> str:
        return DIGITS.sub("#", tpl.normalize(ln.text))

    seen: dict[str, set[int]] = {}
    margin: list[tuple[Page, Line]] = []
    for p in pages:
        for ln in p.lines:
            if ln.box is None or ln.in_grid or not p.height or len(key(ln)) < RUNNING_MIN_CHARS:
                continue
            if ln.box[3] < p.height * FURNITURE_MARGIN or ln.box[1] > p.height * (1 - FURNITURE_MARGIN):
                seen.setdefault(key(ln), set()).add(p.number)
                margin.append((p, ln))
    for p, ln in margin:
        if len(seen[key(ln)]) >= 2:
            ln.label = "other"


def fax_legibility_warning(number: int, strokes, lines: list[Line]) -> Optional[str]:
    """A 1-bit page's warning that it cannot be read, naming how its threshold failed
    (``strokes``: its ``raster.StrokeStats``): None when its cells read surely enough
    (LEGIBLE_CONF, LEGIBLE_MIN_CELL_SHARE; LEGIBLE_FAINT_CELL_SHARE where its strokes broke
    into dots) or its lines do (LEGIBLE_LINES_READ; where it has fewer than
    LEGIBLE_MIN_CELLS cells, LEGIBLE_MIN_LINE_SHARE), or it has too few lines to judge
    (LEGIBLE_MIN_LINES).  A page the threshold wiped out reads as noise; its rows
    are then lost, which coverage says per table: this says why, per page."""
    texts = [ln for ln in lines if ln.text.strip()]
    cells = [c for ln in texts for c in ln.cells if c.text.strip()]
    if len(texts) < LEGIBLE_MIN_LINES:
        return None
    sure_lines = sum(1 for ln in texts if (ln.confidence or 0) >= LEGIBLE_CONF) / len(texts)
    sure_cells = sum(1 for c in cells if (c.confidence or 0) >= LEGIBLE_CONF) / max(len(cells), 1)
    cell_share = LEGIBLE_FAINT_CELL_SHARE if strokes.dots >= FAINT_DOTS else LEGIBLE_MIN_CELL_SHARE
    legible = sure_cells >= cell_share or sure_lines >= LEGIBLE_LINES_READ \
        if len(cells) >= LEGIBLE_MIN_CELLS else sure_lines >= LEGIBLE_MIN_LINE_SHARE
    if legible:
        return None
    if strokes.dots >= FAINT_DOTS:
        what = "fax too faint to read (the strokes broken into dots)"
    elif strokes.core >= DARK_CORE:
        what = "fax too dark to read (the strokes run into blobs)"
    else:
        what = "fax unreadable"
    return (f"page {number}: {what}: {100 * strokes.dots:.1f}% of the glyph ink in dots, "
            f"{100 * strokes.core:.1f}% in filled cores ({strokes.glyphs} glyph pieces); "
            f"{100 * sure_lines:.0f}% of {len(texts)} lines and {100 * sure_cells:.0f}% of {len(cells)} "
            f"cells read with confidence >= {LEGIBLE_CONF}")


def _document_warnings(doc: Document) -> None:
    """Blank pages, and a document with too little readable text to be a report.

    A page's own "not a report page?" warning stays on the page (a cover page
    with two lines is normal); the document is flagged only when it averages
    fewer than MIN_REPORT_LINES confident lines a page.
    """
    doc.warnings.extend(w for p in doc.pages for w in p.warnings
                        if w.endswith("blank") or w.startswith(f"page {p.number}: {FAX_ILLEGIBLE}"))
    confident = sum(1 for ln in doc.lines if ln.text.strip() and (ln.confidence or 0) >= MIN_LINE_CONF)
    if confident < MIN_REPORT_LINES * max(len(doc.pages), 1):
        doc.warnings.append(f"only {confident} readable text lines on {len(doc.pages)} page(s): "
                            "blank, unreadable or not a report")

"""Page furniture (page numbers, running headers and footers) and the warnings of a document read badly."""
from __future__ import annotations

from ...datamodel import Document, Line, Page
from ... import template as tpl
from ...lexicon import DIGITS, PAGE_NUMBER_OCR
from .recognise import MIN_LINE_CONF

FURNITURE_MARGIN = 0.1  # top/bottom share of the page where page numbers live
MIN_REPORT_LINES = 3  # fewer confident lines than this: "not a report page?"
RUNNING_MIN_CHARS = 4  # running headers/footers are recognised from this many characters


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


def _document_warnings(doc: Document) -> None:
    """Blank pages, and a document with too little readable text to be a report.

    A page's own "not a report page?" warning stays on the page (a cover page
    with two lines is normal); the document is flagged only when it averages
    fewer than MIN_REPORT_LINES confident lines a page.
    """
    doc.warnings.extend(w for p in doc.pages for w in p.warnings if w.endswith("blank"))
    confident = sum(1 for ln in doc.lines if ln.text.strip() and (ln.confidence or 0) >= MIN_LINE_CONF)
    if confident < MIN_REPORT_LINES * max(len(doc.pages), 1):
        doc.warnings.append(f"only {confident} readable text lines on {len(doc.pages)} page(s): "
                            "blank, unreadable or not a report")

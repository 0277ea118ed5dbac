"""Text-PDF input: pdfplumber characters and ruling lines -> Document.

What comes out (the contract the assembler relies on):

* Pages in order, 1-based, with ``width``/``height`` in points.  Lines are in
  reading order (top to bottom) on each page.  A page whose text is turned
  (``/Rotate``, or drawn through a rotation matrix) is read turned back
  (:mod:`.pdf_orientation`): its boxes and size are those of the page turned
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
"""
from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..datamodel import Cell, Document, InputError, Line, Page
from ..lexicon import DIGITS, ENUMERATOR, is_page_number
from ..limits import deadline
from .pdf_images import picture_boxes, read_pictures
from .pdf_orientation import upright_page
from .pdfium_page import PageContent, page_content, page_image_cover, page_texts
from ..layout import (Glyph, Grid, cluster_lines, dedupe_glyphs, find_grids, fold_radicals, group_rows,
                      is_cjk, is_number, join_fragments, join_glyphs, line_pieces, median_size,
                      mostly_bold, row_cells, snap_values, glyphs_box, value_piece_x)

# --- limits ------------------------------------------------------------------------

MAX_PAGES = 200
"""Pages read from one PDF; the rest are skipped with a warning."""

PAGE_TIMEOUT_S = 30.0
"""Seconds allowed for parsing one page (pdfminer on a hostile content stream
can take very long).  Enforced with SIGALRM in the main thread only; a page
that runs out is treated as having no usable text layer."""

HEADER_BYTES = 1024
"""``%PDF-`` must occur within this many leading bytes."""

EOF_TAIL_BYTES = 2048
"""``%%EOF`` must occur within this many trailing bytes, or the file is taken
for truncated (an interrupted download)."""

# --- text layer quality -------------------------------------------------------------

GARBAGE_RATIO_MAX = 0.10
"""A page whose share of unusable glyphs (``(cid:N)``, private-use, U+FFFD,
control characters, Latin-1 mojibake) exceeds this needs OCR."""

CJK_TEST_MIN_GLYPHS = 50
"""Pages with at least this many glyphs are expected to contain Chinese ..."""

MIN_CJK_RATIO = 0.05
"""... at least this share of CJK glyphs; below it the text layer is taken
for a broken encoding (a Chinese report page without Chinese)."""

IMAGE_COVER_MIN = 0.5
"""A page whose images cover at least this share of its area ..."""

SPARSE_TEXT_GLYPHS = 30
"""... and which has fewer glyphs than this is a scan (with perhaps a page
number as text) and needs OCR."""

MOJIBAKE_ALLOWED = set("·×÷°±§")
"""Latin-1 characters that occur in real reports (not counted as garbage)."""

# --- rules ---------------------------------------------------------------------------

MAX_RULE_THICKNESS = 3.0
"""A filled rect thinner than this many points is a ruling line; thicker
filled rects (cell backgrounds) are ignored, stroked ones give their edges."""

GRID_MARGIN = 1.0
"""A glyph belongs to a grid when its centre lies within the grid's box grown
by this many points."""

CELL_BAND = 8.0
"""Height in points of the bands that index a grid's cells for placing glyphs
(speed only: any height gives the same placement)."""

HANGING_PUNCTUATION = frozenset("、，。；：！？）》」』”’〕】,.;:!?)")
"""Closing punctuation, which may hang past the end of a cell's line."""

HANGING_ANCHOR = 0.25
"""Such a glyph is placed by the point this share of its width from its left
edge (its ink), not by its centre."""

BOLD_FONT = re.compile(r"bold|heavy|black|semibold|demibold|simhei|heiti|黑体|粗|^FZ(D)?HT", re.I)
"""Font names (subset tag removed) that are bold faces."""

# --- furniture -------------------------------------------------------------------------

FURNITURE_BAND = 0.10
"""Share of the page height, at the top and at the bottom, where running
headers, footers and page numbers live."""

FURNITURE_MIN_PAGES = 2
"""A line in the band repeated (digits aside) on at least this many pages is
a running header/footer."""

FURNITURE_POSITION_TOLERANCE = 8.0
"""Repeated header/footer lines lie within this many points of each other
vertically."""

# --- tables across pages ---------------------------------------------------------------------

CONTINUATION_EDGE_TOLERANCE = 6.0
"""Column boundaries of a table's parts on two pages match within this many points."""

CONTINUATION_MIN_SHARED = 0.75
"""Share of the smaller part's column boundaries that must match the other
part's for the two to be one table."""

# --- records -----------------------------------------------------------------------------

@dataclass(eq=False)
class _Row:
    page: int
    box: tuple[float, float, float, float]
    cells: list["_Cell"] = field(default_factory=list)  # cells that start in this row
    repeated_header: bool = False


@dataclass(eq=False)
class _Cell:
    text: str
    box: tuple[float, float, float, float]
    glyphs: list[Glyph]
    rows: list[_Row]  # rows it covers, in order
    col: int = 0
    colspan: int = 1


@dataclass(eq=False)
class _Table:
    page: int
    grid: Grid
    rows: list[_Row]
    cells: list[_Cell]
    prev: Optional["_Table"] = None


@dataclass(eq=False)
class _FreeLine:
    glyphs: list[Glyph]
    text: str
    box: tuple[float, float, float, float]
    furniture: bool = False
    cells: list[Cell] = field(default_factory=list)  # a row of a table without rules


@dataclass(eq=False)
class _PageData:
    number: int
    width: float
    height: float
    free: list[_FreeLine] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    problem: Optional[str] = None  # why the page needs OCR


# --- small helpers ---------------------------------------------------------------------------

def _first_line(msg: Any) -> str:
    s = str(msg).strip().splitlines()
    return s[0][:200] if s else type(msg).__name__


def base_font_name(fontname: str) -> str:
    """Font name without the ``ABCDEF+`` subset tag."""
    return fontname.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", fontname or "") else (fontname or "")


@lru_cache(maxsize=4096)
def is_bold_font(fontname: str) -> bool:
    """Whether a font name names a bold face (Bold, Heavy, Black, 黑体 ...)."""
    return bool(BOLD_FONT.search(base_font_name(fontname)))


@lru_cache(maxsize=65536)
def is_garbage_char(text: str) -> bool:
    """A glyph whose text is not usable: unmapped ``(cid:N)``, private-use,
    U+FFFD, control, or Latin-1 mojibake (GBK bytes read as Latin-1)."""
    if text.startswith("(cid:"):
        return True
    for ch in text:
        o = ord(ch)
        if ch == "\ufffd" or 0xE000 <= o <= 0xF8FF or o >= 0xF0000:
            return True
        if (o < 32 and ch not in "\t\r\n") or 0x7F <= o < 0xA0:
            return True
        if 0xA0 < o <= 0x24F and ch not in MOJIBAKE_ALLOWED:
            return True
    return False


def text_layer_problem(texts: Sequence[str], image_cover: float = 0.0) -> Optional[str]:
    """Why a page's text layer cannot be used (None when it can).

    ``texts`` are the page's glyph texts (one per glyph), ``image_cover`` the
    share of the page covered by images.
    """
    glyphs = [t for t in texts if t.strip()]
    if not glyphs:
        return "no text"
    if image_cover >= IMAGE_COVER_MIN and len(glyphs) < SPARSE_TEXT_GLYPHS:
        return f"image page with only {len(glyphs)} characters of text"
    bad = sum(1 for t in glyphs if is_garbage_char(t))
    if bad / len(glyphs) > GARBAGE_RATIO_MAX:
        return f"{bad} of {len(glyphs)} characters unmapped or garbled"
    if len(glyphs) >= CJK_TEST_MIN_GLYPHS:
        cjk = sum(1 for t in glyphs if is_cjk(t[:1]))
        if cjk / len(glyphs) < MIN_CJK_RATIO:
            return f"no Chinese among {len(glyphs)} characters (broken encoding)"
    return None


def page_needs_ocr(page) -> bool:
    """Whether a page has no usable text layer.

    Accepts a pypdfium2 or pdfplumber page (glyphs and images are inspected)
    or a :class:`~pipeline.datamodel.Page` (its lines' text is inspected).
    """
    if isinstance(page, Page):
        texts = [ch for ln in page.lines for ch in (ln.text if not ln.cells else "".join(ln.cell_texts))]
        return text_layer_problem(texts) is not None
    if hasattr(page, "get_textpage"):  # pypdfium2: the images only matter for sparse text
        texts = page_texts(page)
        sparse = sum(1 for t in texts if t.strip()) < SPARSE_TEXT_GLYPHS
        return text_layer_problem(texts, page_image_cover(page) if sparse else 0.0) is not None
    return text_layer_problem([c["text"] for c in page.chars], _image_cover(page)) is not None


def _image_cover(page) -> float:
    """Share of a pdfplumber page's area covered by images (capped at 1)."""
    area = float(page.width) * float(page.height)
    if area <= 0:
        return 0.0
    tot = 0.0
    for im in page.images:
        w = min(im["x1"], page.width) - max(im["x0"], 0)
        h = min(im["bottom"], page.height) - max(im["top"], 0)
        if w > 0 and h > 0:
            tot += w * h
    return min(tot / area, 1.0)


@lru_cache(maxsize=65536)
def _glyph_text(text: str) -> str:
    """A character's text for output: ``(cid:N)`` becomes U+FFFD (so it cannot
    pass for digits), radicals become ideographs."""
    return "\ufffd" if text.startswith("(cid:") else fold_radicals(text)


def _is_white(color) -> bool:
    if color is None:
        return False
    try:
        vals = list(color) if isinstance(color, (list, tuple)) else [color]
        vals = [float(v) for v in vals]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:  # CMYK
        return all(v <= 0.02 for v in vals)
    return bool(vals) and all(v >= 0.98 for v in vals)


def page_segments(page) -> list[tuple[float, float, float, float]]:
    """Axis-aligned ruling segments of a pdfplumber page: stroked lines, thin
    filled rects, stroked rects' edges, and straight pieces of stroked curves.
    White strokes and cell-background fills are ignored."""
    segs = []
    for ln in page.lines:
        if _is_white(ln.get("stroking_color")):
            continue
        pts = ln.get("pts") or [(ln["x0"], ln["top"]), (ln["x1"], ln["bottom"])]
        segs += _straight(pts)
    for r in page.rects:
        x0, t, x1, b = r["x0"], r["top"], r["x1"], r["bottom"]
        thin = min(x1 - x0, b - t) <= MAX_RULE_THICKNESS
        if thin and (r.get("fill") or r.get("stroke")):
            color = r.get("non_stroking_color") if r.get("fill") else r.get("stroking_color")
            if not _is_white(color):
                segs.append((x0, t, x1, b))
        elif r.get("stroke") and not _is_white(r.get("stroking_color")):
            segs += [(x0, t, x1, t), (x0, b, x1, b), (x0, t, x0, b), (x1, t, x1, b)]
    for cv in page.curves:
        if cv.get("stroke") and not _is_white(cv.get("stroking_color")):
            segs += _straight(cv.get("pts") or [])
    return segs


def _straight(pts) -> list[tuple[float, float, float, float]]:
    """Horizontal/vertical pieces of a polyline given as (x, top) points."""
    out = []
    for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
        if abs(ya - yb) <= 1.0 or abs(xa - xb) <= 1.0:
            out.append((min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
    return out


def chars_to_glyphs(chars) -> list[Glyph]:
    """Characters (pdfplumber dicts or :class:`~pipeline.backend.pdfium_page.RawChar`)
    as :class:`Glyph` records, duplicates removed."""
    if chars and not isinstance(chars[0], dict):  # PDFium's RawChars (the fast path): floats already
        return dedupe_glyphs([Glyph(_glyph_text(c.text), c.x0, c.top, c.x1, c.bottom,
                                    c.size or (c.bottom - c.top) or 1.0, is_bold_font(c.fontname), c.upright)
                              for c in chars if c.text])
    out = []
    for c in chars:
        if isinstance(c, dict):
            t, x0, top, x1, bottom = c.get("text") or "", c["x0"], c["top"], c["x1"], c["bottom"]
            size, font, upright = c.get("size"), c.get("fontname", ""), c.get("upright", True)
        else:
            t, x0, top, x1, bottom, size, font, upright = (c.text, c.x0, c.top, c.x1, c.bottom, c.size,
                                                            c.fontname, c.upright)
        if not t:
            continue
        out.append(Glyph(_glyph_text(t), float(x0), float(top), float(x1), float(bottom),
                         float(size or (bottom - top) or 1.0), is_bold_font(font), bool(upright)))
    return dedupe_glyphs(out)


def page_glyphs(page) -> list[Glyph]:
    """pdfplumber characters as :class:`Glyph` records (duplicates removed)."""
    return chars_to_glyphs(page.chars)


class _Timeout(Exception):
    """A page's parse ran past PAGE_TIMEOUT_S (an Exception: the page is reported, the file goes on)."""


# --- opening -----------------------------------------------------------------------------------

def check_pdf_bytes(data: bytes) -> None:
    """Raise InputError for bytes that are not a whole PDF file."""
    if not data.strip():
        raise InputError("empty file")
    if b"%PDF-" not in data[:HEADER_BYTES]:
        raise InputError("not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-EOF_TAIL_BYTES:]:
        raise InputError("truncated PDF (no %%EOF marker at the end of the file)")


def _open_pdfium(data: bytes, password: Optional[str]):
    """Open with PDFium (fast, robust): ``(document, None)``, or ``(None, reason)``
    when PDFium refuses the file; pdfminer then has the last word (PDFium's error
    code is not reliable for a file with no pages).  Raises InputError for a
    password problem.  The caller closes the document."""
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(data, password=password), None
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == 4:
            raise InputError("encrypted PDF: " + ("wrong password" if password else "a password is required")) from e
        if code == 5:
            raise InputError("encrypted PDF with an unsupported security handler") from e
        return None, _first_line(e)


def _open_plumber(path: Path, password: Optional[str], pdfium_error: Optional[str] = None):
    """pdfplumber's PDF, or InputError (with PDFium's reason when it had one)."""
    import pdfplumber
    pdf = None
    try:
        pdf = pdfplumber.open(str(path), password=password or "")
        len(pdf.pages)  # make pdfminer walk the page tree now
        return pdf
    except Exception as e:  # pdfminer raises many kinds; all mean "cannot read"
        if pdf is not None:
            try:
                pdf.close()  # walks the pages again: may raise what len() raised
            except Exception:
                pass
        cause = e.__cause__ or e
        name = type(cause).__name__
        if "Password" in name or "Encryption" in name:
            raise InputError("encrypted PDF: " + ("wrong password" if password else "a password is required")) from e
        raise InputError(f"corrupt PDF: {pdfium_error or name + ': ' + _first_line(cause)}") from e


# --- one page --------------------------------------------------------------------------------------

def _parse_page(ppage, number: int) -> tuple[_PageData, Optional[PageContent]]:
    """Characters, rules and the text-layer verdict of one page (``problem`` set when it
    has no usable text layer): a pypdfium2 page (the fast path), or a pdfplumber page for
    files PDFium refuses.  The content is None when the page cannot be parsed; a pdfplumber
    page's rules are read only when its text is usable."""
    pdfium = hasattr(ppage, "get_textpage")
    if pdfium:
        w, h = ppage.get_size()
    else:
        w, h = ppage.width, ppage.height
    pd = _PageData(number, float(w), float(h))
    try:
        with deadline(PAGE_TIMEOUT_S, _Timeout):
            if pdfium:
                content = page_content(ppage, MAX_RULE_THICKNESS)
                texts = [c.text for c in content.chars]
            else:
                content = PageContent(pd.width, pd.height, chars=ppage.chars, image_cover=_image_cover(ppage))
                texts = [c.get("text") or "" for c in content.chars]
            pd.problem = text_layer_problem(texts, content.image_cover)
            if not pdfium and not pd.problem:
                content.segments = page_segments(ppage)
            return pd, content
    except _Timeout:
        pd.problem = f"parsing took longer than {PAGE_TIMEOUT_S:g}s"
    except Exception as e:  # a broken content stream: treat like a page without text
        pd.problem = f"cannot be parsed ({type(e).__name__}: {_first_line(e)})"
    return pd, None


def _lay_out(pd: _PageData, content: Optional[PageContent]) -> _PageData:
    """A parsed page's lines, grids and rows (nothing for a page without usable text)."""
    if content is not None and not pd.problem:
        glyphs = chars_to_glyphs(content.chars)
        _layout_page(pd, glyphs, find_grids(content.segments, glyphs))
    return pd


def _extract_page(ppage, number: int) -> _PageData:
    """One page parsed (:func:`_parse_page`) and laid out."""
    return _lay_out(*_parse_page(ppage, number))


def _upright(ppage):
    """The page turned so its text reads upright (:mod:`.pdf_orientation`: boxes are then
    in that upright page's points); as it is when it cannot be parsed in time, for
    :func:`_extract_page` to report."""
    try:
        with deadline(PAGE_TIMEOUT_S, _Timeout):
            return upright_page(ppage)
    except Exception:  # _Timeout, a broken content stream
        return ppage


def _cell_text(glyphs: Sequence[Glyph]) -> str:
    """A cell's text: its visual lines joined without newlines."""
    return join_fragments([join_glyphs(ln) for ln in cluster_lines(glyphs)])


def anchor_x(g: Glyph) -> float:
    """The x that places a glyph in a grid cell: its centre, but for closing
    punctuation the left quarter (where its ink is), since a line of a cell
    may end in punctuation hanging over the cell's right edge
    (``…逾期不补正、`` must not put ``、`` before the next cell's number)."""
    if g.text in HANGING_PUNCTUATION:
        return g.x0 + HANGING_ANCHOR * (g.x1 - g.x0)
    return g.cx


def _cell_bands(grid: Grid) -> dict[int, list[int]]:
    """Cell indices of a grid by CELL_BAND-high horizontal band, in grid order:
    a glyph is tested against the cells of its band only."""
    bands: dict[int, list[int]] = {}
    for ci, cell in enumerate(grid.cells):
        top, bottom = cell.box[1] - GRID_MARGIN, cell.box[3] + GRID_MARGIN
        for k in range(int(top // CELL_BAND), int(bottom // CELL_BAND) + 1):
            bands.setdefault(k, []).append(ci)
    return bands


def _layout_page(pd: _PageData, glyphs: list[Glyph], grids: list[Grid]) -> None:
    """Split glyphs between grid cells and free text; build rows and lines."""
    per_cell: dict[tuple[int, int], list[Glyph]] = {}
    free: list[Glyph] = [] if grids else list(glyphs)
    index = [_cell_bands(grid) for grid in grids]
    for g in glyphs if grids else ():
        placed = False
        gx, gy = anchor_x(g), g.cy
        for gi, grid in enumerate(grids):
            x0, t, x1, b = grid.bbox
            if x0 - GRID_MARGIN <= gx <= x1 + GRID_MARGIN and t - GRID_MARGIN <= gy <= b + GRID_MARGIN:
                # The first cell (in grid order) whose grown box holds the anchor.
                for ci in index[gi].get(int(gy // CELL_BAND), ()):
                    bx0, bt, bx1, bb = grid.cells[ci].box
                    if bx0 - GRID_MARGIN <= gx <= bx1 + GRID_MARGIN and bt - GRID_MARGIN <= gy <= bb + GRID_MARGIN:
                        per_cell.setdefault((gi, ci), []).append(g)
                        placed = True
                        break
            if placed:
                break
        if not placed:
            free.append(g)
    for gi, grid in enumerate(grids):
        rows = [_Row(pd.number, (grid.xs[0], grid.ys[r], grid.xs[-1], grid.ys[r + 1]))
                for r in range(grid.n_rows)]
        cells = []
        for ci, gc in enumerate(grid.cells):
            gl = per_cell.get((gi, ci), [])
            cell = _Cell(_cell_text(gl), gc.box, gl, rows[gc.row:gc.row + gc.rowspan], gc.col, gc.colspan)
            rows[gc.row].cells.append(cell)
            cells.append(cell)
        rows = [r for r in rows if r.cells]
        if rows:
            pd.tables.append(_Table(pd.number, grid, rows, cells))
    pd.free += _free_lines(cluster_lines(free))


def _free_lines(lines: Sequence[Sequence[Glyph]]) -> list[_FreeLine]:
    """Visual lines outside grids; the rows of tables set without rules
    (:func:`~pipeline.layout.group_rows`) as one line each, with cells."""
    out = []
    pieces = [line_pieces(ln) for ln in lines]  # once per line: for the values, then the cells
    starts = [value_piece_x(p) for p in pieces]
    for group in group_rows(lines, starts):
        glyphs = [g for i in group for g in lines[i]]
        box = glyphs_box(glyphs)
        if len(group) == 1 and starts[group[0]] is None:
            text = join_glyphs(lines[group[0]])
            if text:
                out.append(_FreeLine(list(lines[group[0]]), text, box))
            continue
        cells = [Cell(_cell_text(c), glyphs_box(c))
                 for c in row_cells([lines[i] for i in group], [pieces[i] for i in group])]
        cells = [c for c in cells if c.text]
        out.append(_FreeLine(glyphs, " ".join(c.text for c in cells), box, cells=cells))
    return out


# --- furniture ---------------------------------------------------------------------------------------

def _in_band(box, height: float) -> bool:
    return box[3] <= height * FURNITURE_BAND or box[1] >= height * (1 - FURNITURE_BAND)


def mark_furniture(pages: Sequence[_PageData]) -> None:
    """Flag page numbers and running headers/footers (repeated, digits aside,
    at the same height on several pages)."""
    seen: dict[str, list[tuple[int, float]]] = {}
    for pd in pages:
        for fl in pd.free:
            band = _in_band(fl.box, pd.height)
            if is_page_number(fl.text, band):
                fl.furniture = True
            elif band:
                key = DIGITS.sub("#", re.sub(r"\s+", "", fl.text))
                seen.setdefault(key, []).append((pd.number, fl.box[1]))
    repeated = set()
    for key, occ in seen.items():
        for _, top in occ:
            near = {p for p, t in occ if abs(t - top) <= FURNITURE_POSITION_TOLERANCE}
            if len(near) >= FURNITURE_MIN_PAGES:
                repeated.add(key)
                break
    for pd in pages:
        for fl in pd.free:
            if not fl.furniture and _in_band(fl.box, pd.height):
                if DIGITS.sub("#", re.sub(r"\s+", "", fl.text)) in repeated:
                    fl.furniture = True


# --- tables across page breaks ------------------------------------------------------------------------

def _boundaries_match(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two tables' column boundaries describe one table: outer edges
    agree and most of the smaller set is found in the larger."""
    tol = CONTINUATION_EDGE_TOLERANCE
    if abs(a[0] - b[0]) > tol or abs(a[-1] - b[-1]) > tol:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = sum(1 for x in small if any(abs(x - y) <= tol for y in large))
    return shared >= CONTINUATION_MIN_SHARED * len(small)


def _link_continuations(pages: Sequence[_PageData]) -> None:
    """Set ``_Table.prev`` where the last table of a page goes on at the top
    of the next page (nothing but furniture below the one and above the other)."""
    for pd, nd in zip(pages, pages[1:]):
        if pd.problem or nd.problem or not pd.tables or not nd.tables or nd.number != pd.number + 1:
            continue
        a, b = pd.tables[-1], nd.tables[0]
        if any(not fl.furniture and fl.box[1] >= a.grid.bbox[3] - GRID_MARGIN for fl in pd.free):
            continue
        if any(not fl.furniture and fl.box[3] <= b.grid.bbox[1] + GRID_MARGIN for fl in nd.free):
            continue
        if _boundaries_match(a.grid.xs, b.grid.xs):
            b.prev = a


def _chains(pages: Sequence[_PageData]) -> list[list[_Table]]:
    """Tables grouped into chains of parts continued across pages."""
    chains: list[list[_Table]] = []
    where: dict[int, list[_Table]] = {}
    for pd in pages:
        for t in pd.tables:
            if t.prev is not None and id(t.prev) in where:
                chain = where[id(t.prev)]
                chain.append(t)
            else:
                chain = [t]
                chains.append(chain)
            where[id(t)] = chain
    return chains


def _unify_columns(chain: Sequence[_Table]) -> None:
    """Renumber every part's cells onto one set of column boundaries."""
    xs = snap_values([x for t in chain for x in t.grid.xs], CONTINUATION_EDGE_TOLERANCE)
    if len(chain) == 1:
        return  # the grid's own indices are already right

    def idx(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))
    for t in chain:
        for c in t.cells:
            c.col = idx(c.box[0])
            c.colspan = max(1, idx(c.box[2]) - c.col)


def _row_texts(row: _Row) -> tuple[str, ...]:
    return tuple(c.text for c in sorted(row.cells, key=lambda c: c.col))


def _continues(a: _Cell, b: _Cell) -> bool:
    """Whether cell ``b`` (top of the next page) carries on cell ``a``'s text."""
    if not b.text:
        return True
    return not (is_number(b.text) or is_number(a.text) or ENUMERATOR.match(b.text))


def _replace_row(cells: Sequence[_Cell], old: _Row, new: _Row) -> None:
    for c in cells:
        if old in c.rows:
            c.rows = [r for r in c.rows if r is not old]
            if new not in c.rows:
                c.rows.append(new)


def _join_parts(first: _Table, prev: _Table, part: _Table) -> None:
    """Glue ``part`` (top of page N+1) onto ``prev`` (bottom of page N)."""
    # A header repeated at the top of the new page.
    k = 0
    while (k < len(part.rows) and k < len(first.rows) and any(_row_texts(part.rows[k]))
           and _row_texts(part.rows[k]) == _row_texts(first.rows[k])):
        part.rows[k].repeated_header = True
        k += 1
    if k >= len(part.rows):
        return
    last, top = prev.rows[-1], part.rows[k]
    covering_last = [c for c in prev.cells if last in c.rows]
    # Spanning (group) cells that carry on: "三、本年度办理结果", "（四）无" + "法提供".
    for b in list(top.cells):
        a = next((c for c in covering_last if (c.col, c.colspan) == (b.col, b.colspan)), None)
        if a is None:
            continue
        group = a.rows[0] is not last or len(a.rows) > 1 or len(b.rows) > 1
        if group and _continues(a, b):
            a.text = join_fragments([a.text, b.text])
            a.glyphs = a.glyphs + b.glyphs
            a.rows = a.rows + [r for r in b.rows if r not in a.rows]
            top.cells.remove(b)
            part.cells.remove(b)
    # A row split across the break: label on page N, values (and the rest) on N+1.
    own = {(c.col, c.colspan): c for c in last.cells}
    pairs = [(own.get((b.col, b.colspan)), b) for b in top.cells]
    if not pairs or any(a is None for a, _ in pairs):
        return
    fills = any(not a.text and b.text for a, b in pairs)
    clash = any(a.text and b.text and not _continues(a, b) for a, b in pairs)
    if not fills or clash:
        return
    for a, b in pairs:
        a.text = join_fragments([a.text, b.text])
        a.glyphs = a.glyphs + b.glyphs
        part.cells.remove(b)
    top.cells = []
    _replace_row(prev.cells + part.cells, top, last)
    part.rows.remove(top)


def _table_lines(chain: Sequence[_Table]) -> list[tuple[int, Line]]:
    """(page number, Line) for every row of a chain, rows numbered from the top."""
    rows = [r for t in chain for r in t.rows if r.cells]
    index = {id(r): i for i, r in enumerate(rows)}
    out = []
    for r in rows:
        cells, glyphs = [], []
        for c in sorted(r.cells, key=lambda c: c.col):
            span = [index[id(x)] for x in c.rows if id(x) in index]
            cells.append(Cell(c.text, c.box, row=index[id(r)], col=c.col,
                              rowspan=max(1, len(span)), colspan=c.colspan))
            glyphs += c.glyphs
        text = " ".join(c.text for c in cells if c.text)
        line = Line(text, page=r.page, cells=cells, box=r.box, font_size=median_size(glyphs),
                    bold=mostly_bold(glyphs), source="pdf", in_grid=True)
        out.append((r.page, line))
    return out


# --- the document ---------------------------------------------------------------------------------------

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
        if n_pages == 0:
            raise InputError("PDF has no pages")
        if pdfium_error:
            doc.warnings.append(f"damaged PDF ({pdfium_error}); read what pdfminer could recover")
        if n_pages > limit:
            doc.warnings.append(f"PDF has {n_pages} pages; only the first {limit} were read (--max-pages)")
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
            raise InputError(f"cannot read file: {e.strerror or e}") from e
    check_pdf_bytes(data)
    limit = MAX_PAGES if max_pages is None else max_pages
    pdf, pdfium_error = _open_pdfium(data, password)
    parsed = None
    try:
        if pdf is not None:
            n_pages = len(pdf)
            if n_pages == 0:
                raise InputError("PDF has no pages")
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
        if n_pages > limit:
            doc.warnings.append(f"PDF has {n_pages} pages; only the first {limit} were read (--max-pages)")
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

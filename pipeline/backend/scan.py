"""Scanned PDFs and images (PNG, JPG, TIFF …) -> Document, by our own layout + PP-OCR.

Plain full-page OCR (detect every text box, classify, recognise) is slow and
misreads small one-digit table cells.  Per page we instead

1. rasterise (pypdfium2, RENDER_DPI) or load the image, normalise its size;
2. deskew: the angle that makes the horizontal ink profile sharpest (ruling
   lines and text lines both vote);
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

Coordinates are pixels of the deskewed working image (``Page.width/height``).
"""
from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

import cv2
import numpy as np

from ..datamodel import Box, Cell, Document, InputError, Line, Page
from .. import layout
from .. import template as tpl
from ..layout import Grid

# --- input ---------------------------------------------------------------------------
RENDER_DPI = 150  # scans are typically 150-300 dpi; 150 keeps 10.5 pt digits ~14 px tall
REF_SHORT_SIDE = 1240  # short side of A4 at 150 dpi: every pixel constant below is for this
MAX_SHORT_SIDE = 1500  # larger images (300 dpi scans, photos) are scaled down to this: recognition
# reads at 48 px line height anyway, and every image step costs per pixel
MIN_SHORT_SIDE = 900  # smaller ones are scaled up (tiny text recognises badly)
MAX_PDF_PAGES = 2000  # refuse absurd page counts instead of rasterising for hours
MAX_IMAGE_PIXELS = 200_000_000  # decompression-bomb guard for image files
RED_MARGIN = 60  # a pixel whose red exceeds green and blue by this much is seal ink, not text
RED_EDGE_MARGIN = 20  # … and so is a pixel red by this much next to such ink

# --- deskew --------------------------------------------------------------------------
MAX_SKEW_DEG = 5.0  # scans beyond this are not "skewed", they are rotated pages
SKEW_COARSE_STEP = 0.5
SKEW_FINE_STEP = 0.05
MIN_DESKEW_DEG = 0.05  # below this, rotating costs more (blur) than it fixes
SKEW_SCALE = 0.5  # the angle search runs on a half-size ink image

# --- binarisation --------------------------------------------------------------------
BG_KERNEL = 21  # px; wider than any stroke, narrower than shaded table rows
INK_RATIO = 0.8  # a pixel is ink when darker than this share of its local background (thin
# blurred strokes of 三 reach ~0.75; a grey cell fill against white stays above 0.83)
MIN_SPECK_AREA = 4  # px; smaller ink components are JPEG noise

# --- ruling lines and grids ----------------------------------------------------------
HLINE_MIN_LEN = 40  # px; longer than any horizontal stroke of a character
VLINE_MIN_LEN = 18  # px; short so that low table rows keep their column rules …
VLINE_LONG = 60  # … but a vertical run shorter than this must join two rules (not a "1") …
SHORT_RULE_JOIN = 1.5  # px; … its ends inked into theirs: a glyph (a "(" in a low row) stops short
MAX_LINE_THICK = 9  # px (after JOG_BRIDGE); thicker runs are filled areas or bold glyphs
JOG_BRIDGE = 3  # px; rules are thickened across by this before the opening
LINE_JOIN_GAP = 8  # px; collinear pieces closer than this are one broken rule
LINE_TOL = 6  # px; a rule end this close to another rule touches it
CELL_INSET = 3  # px kept clear of the rules when reading a cell
RULE_SIDE_ROWS = 4  # px; the strip beside a rule checked for paper …
RULE_SIDE_MAX = 0.5  # … a rule has at most this share of columns inked on at least one side
GRID_MIN_HEIGHT = 30  # px; a ruled table is at least one text row high …
GRID_MIN_WIDTH = 80  # px; … and a few characters wide

# --- text lines (lengths in line heights unless marked px) ------------------------------
DEFAULT_LINE_H = 22  # px; text height assumed when a page gives no estimate
SMALL_BAND = 0.35  # ink bands lower than this are glyph pieces (the strokes of 二) …
BAND_MERGE_GAP = 0.6  # … and merge with a neighbour closer than this …
MAX_MERGED_BAND = 1.6  # … unless the merged band would be taller than this (two real lines)
LINE_H_RANGE = (8, 80)  # px; plausible text line heights (bands outside are rules or pictures)
TALL_BAND = 3.0  # a "line" taller than this is a picture or stamp: the detector reads there
SEG_GAP = 1.8  # a gap wider than this splits a line into pieces (borderless table cells)
TWO_LINES = 1.5  # a piece line taller than this is two offset lines side by side …
SUBSPLIT_GAP = 0.6  # … and the piece is split again at gaps wider than this
ROW_LINK_OVERLAP = 0.15  # lines of two pieces overlapping this share of a height are one row
WRAP_ALIGN = 0.6  # a wrapped label's lines start within this of each other …
WRAP_GAP = 0.8  # … and are at most this far apart …
WRAP_OVERLAP = 0.5  # … or overlap by this share of the narrower (centred group labels)
COL_MAX_WIDTH = 4.0  # wider cells (labels, spanning headers) do not define borderless columns
COL_CENTRE_TOL = 1.0  # narrow cells whose centres are this close share a column
COL_SEED_WIDTH = 1.2  # cells this narrow (one or two digits) place the columns pieces are split at …
COL_MIN_ROWS = 2  # … a column seen in at least this many rows …
COL_SPLIT_GAP = 0.5  # … at a blank gap at least this wide (CJK text has narrower ones)
BLOCK_GAP = 2.0  # rows further apart than this are not one borderless table …
BLOCK_LINE_MAX = 25.0  # … nor across a lone line wider than this (prose, a heading)
RULE_ERASE_MIN = 120  # px; lone horizontal rules this long are erased before reading text …
RULE_ERASE_PAD = 2  # px; … with this margin (blur spreads a rule)
VERTICAL_MIN_CHARS = 3  # a cell whose ink is this many times taller than wide is vertical text …
VERTICAL_MAX_WIDTH = 1.8  # … if at most this wide (one character) …
VERTICAL_MIN_WIDTH = 0.5  # … and at least this wide (CJK characters are square)
VERTICAL_CHAR_SQUARE = 1.15  # stacked strokes make one character up to this height/width
VERTICAL_GAP = 0.15  # space between vertical characters laid out in a line, in character sizes
REC_PAD_V = 0.25  # white margin above/below a crop, in crop heights (PP-OCR's det crops have it)
REC_PAD_H = 0.5  # white margin left/right, in crop heights
MIN_LINE_CONF = 0.5  # single-piece lines read with less confidence are noise and dropped …
MIN_CELL_CONF = 0.2  # … pieces of a multi-piece row only below this (a small digit may score low)

# --- numbers -------------------------------------------------------------------------
KEY_MIN_SCORE = 80  # rapidfuzz partial_ratio for a cell to match a template row/column label
NUMBER_ROW_SHARE = 0.6  # a label-less borderless row with this share of numbers is all numbers
REREAD_MIN_CONF = 0.9  # numeric cells whose weakest digit is below this are read again
REREAD_PADS = (0.6, 1.2)  # margins (in heights) of the re-read crops
REREAD_UPSCALE = 2.0
# Crops of a cell re-read when a check fails (``reread_cells``): (margin in heights,
# (vertical margin, horizontal margin, both in heights; upscale; stroke: +1 thickened,
# -1 thinned).  The first is the first pass's own crop.
REREAD_VARIANTS = ((REC_PAD_V, REC_PAD_H, 1.0, 0), (0.6, 0.6, 1.0, 0), (1.2, 1.2, 1.0, 0),
                   (REC_PAD_V, REC_PAD_H, 2.0, 0), (0.6, 0.6, 3.0, 0), (0.6, 0.6, 2.0, 1),
                   (0.6, 0.6, 2.0, -1))
REREAD_SECOND_MIN = 0.02  # a digit's second choice is a candidate when the model gave it this much
REREAD_MIN_IOU = 0.5  # a cell is found again on the re-laid-out page by this much box overlap
# Look-alikes of digits that the recogniser emits; applied only in numeric cells.
DIGIT_LOOKALIKES = str.maketrans({
    "O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0", "口": "0", "U": "0",
    "l": "1", "I": "1", "|": "1", "i": "1", "丨": "1", "J": "1", "!": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9",
    "，": ",", "。": ".", "．": ".", "—": "-", "－": "-", "_": "",
})

# --- page furniture and bad input ----------------------------------------------------
FURNITURE_MARGIN = 0.1  # top/bottom share of the page where page numbers live
_PAGE_NUMBER = re.compile(r"^[\s\-—–－_·.]*(第\s*)?\d{1,4}(\s*页)?([\s/／]*(共\s*)?\d{1,4}\s*页?)?[\s\-—–－_·.]*$")
MIN_REPORT_LINES = 3  # fewer confident lines than this: "not a report page?"
RUNNING_MIN_CHARS = 4  # running headers/footers are recognised from this many characters
BLANK_RANGE = 16  # grey levels; a page whose darkest and lightest pixels are closer is blank


# =====================================================================================
# public API
# =====================================================================================

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
        images = _pdf_images(data, wanted, RENDER_DPI)
    else:
        kind = "image"
        images = [(img, k) for img, k in _image_frames(data, max_image_pixels) if wanted is None or k in wanted]
    doc = Document(str(path), digest, kind)
    for img, number in images:
        doc.pages.append(read_page_image(img, number))
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
    for img, n in _pdf_images(data, numbers, RENDER_DPI):
        page, factor = _read_page(img, n)
        pages.append(scale_page(page, 72.0 / RENDER_DPI / factor))
    return pages


def read_page_image(image: np.ndarray, number: int = 1) -> Page:
    """The whole per-page pipeline on one raster (grey or BGR): a Page of Lines, in
    pixels of the deskewed, size-normalised image."""
    return _read_page(image, number)[0]


def _working_image(image: np.ndarray) -> tuple[np.ndarray, Optional[np.ndarray], float, float]:
    """The deskewed, size-normalised grey image, its ink (None when blank), the
    pixel unit and the resize factor: the coordinates every Page of this backend uses."""
    gray, factor = normalise_size(_to_gray(image))
    if int(gray.max()) - int(gray.min()) < BLANK_RANGE:
        return gray, None, 1.0, factor
    unit = min(gray.shape) / REF_SHORT_SIDE
    ink = binarize(gray, unit)
    angle = estimate_skew(ink)
    if abs(angle) >= MIN_DESKEW_DEG:
        gray = rotate(gray, angle)
        ink = binarize(gray, unit)
    return gray, ink, unit, factor


def _read_page(image: np.ndarray, number: int) -> tuple[Page, float]:
    """:func:`read_page_image`, and the factor by which the image was resized."""
    gray, ink, unit, factor = _working_image(image)
    size = (float(gray.shape[1]), float(gray.shape[0]))
    if ink is None:
        return Page(number, [], *size, "ocr", [f"page {number}: blank"]), factor
    lines = recognise_page(analyse(gray, ink, unit), number)
    page = Page(number, lines, *size, "ocr")
    confident = [ln for ln in lines if (ln.confidence or 0) >= MIN_LINE_CONF and ln.text.strip()]
    if len(confident) < MIN_REPORT_LINES:
        page.warnings.append(f"page {number}: only {len(confident)} readable text lines — not a report page?")
    return page, factor


# =====================================================================================
# input
# =====================================================================================

def reread_cells(path: str | Path, cells: Sequence[tuple[int, Box]], points: bool = False) -> list[list[str]]:
    """Read numeric cells of a scan again, harder: the candidate readings of each cell.

    ``cells`` are (page number, Cell.box) of cells this backend read: in ``read_scan``
    pixels, or with ``points`` in the PDF points of ``ocr_pdf_pages``.  Each page is prepared and laid out exactly as on the first pass
    (deterministic), the cell's text crops found again, and recognised digits-only
    from REREAD_VARIANTS (wider margins, upscaled, strokes thickened or thinned).
    Per cell: the distinct numbers read, most often read first (ties: the plain crop's
    reading, i.e. the first pass's, first), then the second choice of the weakest
    digit of the top reading.  An empty list when the cell is not found again.
    """
    from ..ocr import get_engine, second_choice_numeric

    path = Path(path)
    data = _read_bytes(path)
    numbers = sorted({p for p, _ in cells})
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        images = _pdf_images(data, numbers, RENDER_DPI)
    else:
        images = [(img, k) for img, k in _image_frames(data) if k in numbers]
    jobs: list[tuple[int, int, int]] = []  # (cell index, variant, crop order)
    crops: list[np.ndarray] = []
    for img, number in images:
        gray, ink, unit, factor = _working_image(img)
        if ink is None:
            continue
        lay = analyse(gray, ink, unit)
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


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path.name}: {e.strerror or e}") from e
    if not data.strip():
        raise InputError(f"{path.name}: empty file")
    return data


def _pdf_images(data: bytes, numbers: Optional[Sequence[int]], dpi: int):
    """(grey image, 1-based page number) for the wanted pages of a PDF, lazily.

    The file is opened and the page numbers checked now, so a corrupt file raises
    InputError here; pages are rendered as they are consumed."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # pdfium raises its own error types for corrupt/encrypted files
        raise InputError(f"cannot open PDF: {e}") from e
    n = len(pdf)
    if n == 0:
        raise InputError("PDF has no pages")
    if n > MAX_PDF_PAGES:
        raise InputError(f"PDF has {n} pages, more than {MAX_PDF_PAGES}")
    wanted = list(numbers) if numbers is not None else list(range(1, n + 1))
    for k in wanted:
        if not 1 <= k <= n:
            raise InputError(f"PDF has no page {k}")
    return _render_pages(pdf, wanted, dpi)


def _render_pages(pdf, wanted: list[int], dpi: int):
    """Render pages one at a time (a long scan is never all in memory at once)."""
    try:
        for k in wanted:
            try:
                # Colour, so that red seals can be told from black text (see _to_gray).
                arr = pdf[k - 1].render(scale=dpi / 72.0).to_numpy()
            except Exception as e:  # a damaged page stream
                raise InputError(f"cannot render PDF page {k}: {e}") from e
            yield _to_gray(np.array(arr)), k
    finally:
        pdf.close()


def _image_frames(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS):
    """Decode an image file (all frames of a TIFF) to grey arrays; InputError when corrupt
    or larger than ``max_pixels``."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():  # above the limit is refused below, in our words
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
        if im.width * im.height > max_pixels:  # PIL itself refuses only at twice its limit
            raise InputError(f"image of {im.width}×{im.height} = {im.width * im.height:,} pixels is above "
                             f"the limit of {max_pixels:,} (raise it with --max-image-pixels)")
        frames = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            fr = ImageOps.exif_transpose(im) if i == 0 else im
            rgb = np.array(fr.convert("RGB"))
            frames.append((_to_gray(np.ascontiguousarray(rgb[:, :, ::-1])), i + 1))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        raise InputError(f"cannot decode image: {e}") from e
    if not frames:
        raise InputError("image has no frames")
    return frames


def _to_gray(img: np.ndarray) -> np.ndarray:
    """uint8 grey from grey, grey+channel, BGR or BGRA arrays; red seals turned to paper.

    Official reports carry a red round seal over the signature and date: in plain
    luminance it is as dark as text and garbles both.  Pixels clearly redder than
    they are green or blue (by RED_MARGIN) become white; black text printed under
    the seal stays black in every channel and is kept.
    """
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    elif img.ndim == 3:
        bgr = img[:, :, :3]
        gray = cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2GRAY)
        b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
        redness = r - np.maximum(g, b)
        # JPEG smears colour at stroke edges: around clearly red ink, take faint red too.
        near = cv2.dilate((redness > RED_MARGIN).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        gray[near & (redness > RED_EDGE_MARGIN)] = 255
        img = gray
    return np.ascontiguousarray(img, dtype=np.uint8)


def normalise_size(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Scale so the short side lies in [MIN_SHORT_SIDE, MAX_SHORT_SIDE]; returns (image, factor)."""
    short = min(gray.shape)
    factor = 1.0
    if short > MAX_SHORT_SIDE:
        factor = MAX_SHORT_SIDE / short
    elif short < MIN_SHORT_SIDE:
        factor = MIN_SHORT_SIDE / short
    if factor != 1.0:
        interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interp)
    return gray, factor


def scale_page(page: Page, k: float) -> Page:
    """Multiply every coordinate of a page by ``k`` (pixels -> points for ocr_pdf_pages)."""
    def sb(b: Optional[Box]) -> Optional[Box]:
        return None if b is None else (b[0] * k, b[1] * k, b[2] * k, b[3] * k)

    for ln in page.lines:
        ln.box = sb(ln.box)
        ln.font_size = None if ln.font_size is None else ln.font_size * k
        for c in ln.cells:
            c.box = sb(c.box)
    page.width = None if page.width is None else page.width * k
    page.height = None if page.height is None else page.height * k
    return page


# =====================================================================================
# image processing
# =====================================================================================

def _px(value: float, unit: float) -> int:
    """A pixel constant at this page's resolution."""
    return max(1, int(round(value * unit)))


def binarize(gray: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Ink mask (255 = ink) relative to a local background (max filter), specks removed."""
    k = _px(BG_KERNEL, unit) | 1
    bg = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.blur(bg, (k, k))
    ink = (gray.astype(np.float32) < INK_RATIO * np.maximum(bg.astype(np.float32), 1.0))
    ink = ink.astype(np.uint8) * 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < MIN_SPECK_AREA
    small[0] = False
    if small.any():
        ink[small[labels]] = 0
    return ink


def rotate(img: np.ndarray, angle: float, border: int = 255) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise), same canvas."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _profile_sharpness(ink_small: np.ndarray, angle: float) -> float:
    """How sharp the row-sum profile is after rotating by ``angle`` (high = lines level)."""
    prof = rotate(ink_small, angle, 0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(prof)).sum())


def estimate_skew(ink: np.ndarray) -> float:
    """Deskew angle (degrees, for :func:`rotate`) by coarse-to-fine profile search."""
    small = cv2.resize(ink, None, fx=SKEW_SCALE, fy=SKEW_SCALE, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, SKEW_COARSE_STEP)
    best = max(coarse, key=lambda a: _profile_sharpness(small, a))
    fine = np.arange(best - SKEW_COARSE_STEP, best + SKEW_COARSE_STEP + 1e-9, SKEW_FINE_STEP)
    return float(max(fine, key=lambda a: _profile_sharpness(small, a)))


# --- ruling lines ----------------------------------------------------------------------

@dataclass
class Segment:
    """A ruling line piece: ``pos`` across it, ``a..b`` along it (pixels)."""
    pos: float
    a: float
    b: float
    thick: float


def _segments(mask: np.ndarray, horizontal: bool, min_len: int, max_thick: int) -> list[Segment]:
    """Connected runs of a line mask as segments (long and thin enough)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    segs = []
    for x, y, w, h, _area in stats[1:]:
        length, thick = (w, h) if horizontal else (h, w)
        if length < min_len:
            continue
        # A slightly tilted rule has a bounding box thicker than the rule itself.
        if thick > max_thick + length * 0.01:
            continue
        if horizontal:
            segs.append(Segment(y + h / 2.0, float(x), float(x + w), float(h)))
        else:
            segs.append(Segment(x + w / 2.0, float(y), float(y + h), float(w)))
    return segs


def join_segments(segs: list[Segment], gap: float, tol: float) -> list[Segment]:
    """Merge collinear segments (positions within ``tol``) whose extents come closer
    than ``gap``: one rule broken by noise, or drawn cell by cell.  Segments are
    bucketed by position so a page of glyph strokes is not compared pairwise."""
    out: list[Segment] = []
    buckets: dict[int, list[Segment]] = {}
    step = max(tol, 1.0)
    for s in sorted(segs, key=lambda s: s.a):
        key = int(s.pos // step)
        near = (o for k in (key - 1, key, key + 1) for o in buckets.get(k, ()))
        for o in near:
            if abs(o.pos - s.pos) <= tol and s.a - o.b <= gap and o.a - s.b <= gap:
                o.a, o.b = min(o.a, s.a), max(o.b, s.b)
                o.pos = (o.pos + s.pos) / 2
                break
        else:
            seg = Segment(s.pos, s.a, s.b, s.thick)
            out.append(seg)
            buckets.setdefault(key, []).append(seg)
    return out


def _touches(v: Segment, y: float, hsegs: list[Segment], tol: float) -> bool:
    """Whether a horizontal rule's ink reaches within ``tol`` of point (v.pos, y)."""
    return any(abs(h.pos - y) <= h.thick / 2 + tol and h.a - tol <= v.pos <= h.b + tol for h in hsegs)


def stands_clear(h: Segment, ink: np.ndarray, unit: float) -> bool:
    """Whether a horizontal run has paper just above or just below it, as a rule does.

    Blurred text whose strokes touch makes long horizontal runs too, but through
    the middle of the characters: ink on both sides all along.
    """
    d = _px(RULE_SIDE_ROWS, unit)
    half = int(h.thick / 2) + 1
    a, b = max(int(h.a), 0), min(int(h.b), ink.shape[1])
    y = int(round(h.pos))
    above = ink[max(y - half - d, 0):max(y - half, 0), a:b]
    below = ink[y + half + 1:y + half + 1 + d, a:b]
    dens = [float(side.any(axis=0).mean()) if side.size else 0.0 for side in (above, below)]
    return min(dens) <= RULE_SIDE_MAX


def _crosses_any(v: Segment, hsegs: list[Segment], tol: float) -> bool:
    """Whether a vertical rule meets any horizontal rule along its length."""
    return any(h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol for h in hsegs)


def ruling_segments(ink: np.ndarray, unit: float) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical table rules found by morphological opening."""
    hl, vl = _px(HLINE_MIN_LEN, unit), _px(VLINE_MIN_LEN, unit)
    # Thicken across the rule first: a thin rule left slightly skewed steps by a
    # pixel every few hundred, and the opening must not break it at each step.
    j = _px(JOG_BRIDGE, unit)
    hmask = cv2.morphologyEx(cv2.dilate(ink, np.ones((j, 1), np.uint8)), cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (hl, 1)))
    vmask = cv2.morphologyEx(cv2.dilate(ink, np.ones((1, j), np.uint8)), cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (1, vl)))
    thick, gap, tol = _px(MAX_LINE_THICK, unit), _px(LINE_JOIN_GAP, unit), _px(LINE_TOL, unit)
    hsegs = [h for h in join_segments(_segments(hmask, True, hl, thick), gap, tol) if stands_clear(h, ink, unit)]
    vsegs = join_segments(_segments(vmask, False, vl, thick), gap, tol)
    long_v, join = _px(VLINE_LONG, unit), SHORT_RULE_JOIN * unit
    # Short vertical runs are kept only where they join two horizontal rules: the
    # stroke of a "1" or of 中 inside a cell does not reach the cell's rules.
    # Long ones must still meet some horizontal rule: a column of stacked bold
    # characters (本年度 down a label cell) makes a long vertical stroke too.
    vsegs = [v for v in vsegs if (v.b - v.a >= long_v and _crosses_any(v, hsegs, tol))
             or (_touches(v, v.a, hsegs, join) and _touches(v, v.b, hsegs, join))]
    vsegs = [trim_overshoot(v, vsegs, hsegs, tol) for v in vsegs]
    hsegs = [trim_overshoot(h, hsegs, vsegs, tol) for h in hsegs]
    return hsegs, vsegs


def trim_overshoot(s: Segment, same: list[Segment], across: list[Segment], tol: float) -> Segment:
    """Cut a rule back to the outermost rule it crosses when it alone runs on past it.

    A glyph that touches a table (a heading set right on its top rule) extends
    one rule by a stroke; a table continued from the previous page has *all* its
    rules running on to a common edge, and those are kept.
    """
    cross = [c.pos for c in across if c.a - tol <= s.pos <= c.b + tol and s.a - tol <= c.pos <= s.b + tol]
    if not cross:
        return s
    a, b = s.a, s.b
    lo, hi = min(cross), max(cross)
    if a < lo - tol and not any(o is not s and abs(o.a - a) <= 2 * tol and o.a < lo - tol for o in same):
        a = lo
    if b > hi + tol and not any(o is not s and abs(o.b - b) <= 2 * tol and o.b > hi + tol for o in same):
        b = hi
    return Segment(s.pos, a, b, s.thick)


# --- grids -------------------------------------------------------------------------------
# The grid model (``layout.Grid``/``GridCell``, column indices counted over the
# boundaries where some cell starts) is the text-PDF backend's.  Building it from
# scanned rules differs in one point: where a rule is missing over part of an
# edge, ``layout`` closes the merged region to its bounding rectangle, which on
# scans (a faint rule lost under one column) swallows whole label columns; here a
# non-rectangular region is split into rectangles instead (:func:`split_region`).

def _coverage(segs: list[Segment], pos: float, a: float, b: float, tol: float) -> float:
    """Share of the interval [a, b] at ``pos`` that the segments cover."""
    if b <= a:
        return 1.0
    spans = sorted((max(s.a, a), min(s.b, b)) for s in segs
                   if abs(s.pos - pos) <= tol and s.b > a and s.a < b)
    covered, end = 0.0, a
    for lo, hi in spans:
        lo = max(lo, end)
        if hi > lo:
            covered += hi - lo
            end = hi
    return covered / (b - a)


def _table_groups(hsegs: list[Segment], vsegs: list[Segment], tol: float) -> list[tuple[list, list]]:
    """Rules that cross or touch (within tol) form one table: (horizontal, vertical) per table."""
    parent = list(range(len(hsegs) + len(vsegs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hsegs):
        for j, v in enumerate(vsegs):
            if h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol:
                parent[find(i)] = find(len(hsegs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hsegs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vsegs):
        groups.setdefault(find(len(hsegs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if g[0] and g[1]]


def split_region(slots: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Rectangles (r0, c0, r1, c1), inclusive, covering a set of merged grid slots.

    Consecutive rows with the same contiguous column run form one rectangle, so an
    L-shaped region becomes its two arms rather than their bounding box.
    """
    runs_by_row: dict[int, list[tuple[int, int]]] = {}
    for r in sorted({r for r, _ in slots}):
        cols = sorted(c for rr, c in slots if rr == r)
        runs, start = [], cols[0]
        for prev, c in zip(cols, cols[1:] + [None]):
            if c != prev + 1 if c is not None else True:
                runs.append((start, prev))
                start = c
        runs_by_row[r] = runs
    rects: list[list[int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    for r in sorted(runs_by_row):
        nxt = {}
        for run in runs_by_row[r]:
            rect = open_.get(run)
            if rect is not None and rect[2] == r - 1:
                rect[2] = r
            else:
                rect = [r, run[0], r, run[1]]
                rects.append(rect)
            nxt[run] = rect
        open_ = nxt
    return [tuple(x) for x in rects]


def build_grid(hsegs: list[Segment], vsegs: list[Segment], tol: float) -> Optional[Grid]:
    """A layout.Grid from one table's rules; None when it has fewer than layout.MIN_GRID_CELLS cells.

    The outer box is closed where a rule is missing (a table continued from the
    previous page has no top rule over its label columns); inside, neighbouring
    slots merge when less than layout.RULE_COVER_MIN of their shared edge is ruled.
    """
    x_lo = min([v.pos for v in vsegs] + [h.a for h in hsegs])
    x_hi = max([v.pos for v in vsegs] + [h.b for h in hsegs])
    y_lo = min([h.pos for h in hsegs] + [v.a for v in vsegs])
    y_hi = max([h.pos for h in hsegs] + [v.b for v in vsegs])
    xs = layout.snap_values([v.pos for v in vsegs] + [x_lo, x_hi], tol)
    ys = layout.snap_values([h.pos for h in hsegs] + [y_lo, y_hi], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and _coverage(vsegs, xs[c + 1], ys[r], ys[r + 1], tol) < layout.RULE_COVER_MIN:
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and _coverage(hsegs, ys[r + 1], xs[c], xs[c + 1], tol) < layout.RULE_COVER_MIN:
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    regions: dict[int, set[tuple[int, int]]] = {}
    for i in range(nr * nc):
        regions.setdefault(find(i), set()).add((i // nc, i % nc))
    rects = sorted(rect for reg in regions.values() for rect in split_region(reg))
    if len(rects) < layout.MIN_GRID_CELLS:
        return None
    # Keep only boundaries where some cell starts (plus the far edges), as layout does,
    # so column indices agree with the text-PDF backend's.
    row_keep = sorted({r0 for r0, _, _, _ in rects} | {nr})
    col_keep = sorted({c0 for _, c0, _, _ in rects} | {nc})
    ri = {r: k for k, r in enumerate(row_keep)}
    ci = {c: k for k, c in enumerate(col_keep)}

    def idx(m: dict, v: int) -> int:
        return m[v] if v in m else sum(1 for k in m if k < v)

    cells = [layout.GridCell(ri[r0], ci[c0], idx(ri, r1 + 1) - ri[r0], idx(ci, c1 + 1) - ci[c0],
                             (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
             for r0, c0, r1, c1 in rects]
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid([xs[c] for c in col_keep], [ys[r] for r in row_keep], cells)


def find_grids(hsegs: list[Segment], vsegs: list[Segment], unit: float
               ) -> list[tuple[Grid, list[Segment], list[Segment]]]:
    """All ruled tables on the page, top to bottom, each with the rules it was built from."""
    tol = layout.SNAP_TOLERANCE * unit * RENDER_DPI / 72.0  # layout's tolerance is in points
    grids = []
    for hs, vs in _table_groups(hsegs, vsegs, _px(LINE_TOL, unit)):
        g = build_grid(hs, vs, tol)
        # Strokes of bold glyphs can meet like rules; the "grid" they make is smaller than a cell.
        if g is not None and g.bbox[3] - g.bbox[1] >= _px(GRID_MIN_HEIGHT, unit) \
                and g.bbox[2] - g.bbox[0] >= _px(GRID_MIN_WIDTH, unit):
            grids.append((g, hs, vs))
    return sorted(grids, key=lambda t: (t[0].ys[0], t[0].xs[0]))


# --- text lines by projection ----------------------------------------------------------

def bands(profile: np.ndarray, line_h: float) -> list[tuple[int, int]]:
    """Runs of non-zero rows in an ink profile, with glyph pieces (the strokes of 二, 三) merged."""
    on = profile > 0
    runs: list[list[int]] = []
    start = None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append([start, i])
            start = None
    if start is not None:
        runs.append([start, len(on)])
    small, gap = SMALL_BAND * line_h, BAND_MERGE_GAP * line_h
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for i, (a, b) in enumerate(runs):
            if b - a >= small:
                continue
            prev_gap = a - runs[i - 1][1] if i > 0 else np.inf
            next_gap = runs[i + 1][0] - b if i + 1 < len(runs) else np.inf
            if min(prev_gap, next_gap) > gap:
                continue
            j = i - 1 if prev_gap <= next_gap else i + 1
            lo, hi = min(i, j), max(i, j)
            merged = [runs[lo][0], runs[hi][1]]
            if merged[1] - merged[0] > MAX_MERGED_BAND * line_h:
                continue  # would glue two real lines
            runs[lo:hi + 1] = [merged]
            changed = True
            break
    return [(a, b) for a, b in runs]


def split_segments(cols: np.ndarray, max_gap: float) -> list[tuple[int, int]]:
    """Runs of ink columns, split where the blank gap exceeds ``max_gap``."""
    idx = np.flatnonzero(cols)
    if idx.size == 0:
        return []
    out = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev - 1 > max_gap:
            out.append((start, prev + 1))
            start = i
        prev = i
    out.append((start, prev + 1))
    return out


def estimate_line_height(ink: np.ndarray, unit: float) -> float:
    """Median height of the page's text lines (projection bands), DEFAULT_LINE_H if none."""
    prof = ink.sum(axis=1)
    lo, hi = LINE_H_RANGE
    hs = [b - a for a, b in bands(prof, DEFAULT_LINE_H * unit) if b - a >= lo * unit]
    if not hs:
        return DEFAULT_LINE_H * unit
    return float(np.clip(np.median(hs), lo * unit, hi * unit))


# =====================================================================================
# layout: what to read where
# =====================================================================================

@dataclass
class Crop:
    """One text line to recognise, and where its text goes."""
    box: tuple[int, int, int, int]  # ink box x0, y0, x1, y1
    owner: tuple  # ("cell", grid, cell) | ("free", row, cell) | ("det",)
    clip: tuple[int, int, int, int]  # region the crop may extend into (cell interior)
    # Vertical text (one character per line, e.g. 三、本年度办理结果 down a label
    # column): the character boxes, laid side by side into one horizontal line.
    chars: Optional[list[tuple[int, int, int, int]]] = None


@dataclass
class FreeRow:
    """A visual line outside ruled grids: its pieces split at wide gaps (the cells of a
    borderless table row), each piece as one or more text lines (a wrapped label)."""
    cells: list[list[tuple[int, int, int, int]]]
    cols: list[int] = field(default_factory=list)  # column index of each cell, by alignment


@dataclass
class Layout:
    gray: np.ndarray  # deskewed grey, rules painted white
    ink: np.ndarray  # ink without rules
    unit: float
    line_h: float
    grids: list[Grid]
    free_rows: list[FreeRow] = field(default_factory=list)
    crops: list[Crop] = field(default_factory=list)
    text_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)


def _rule_mask(shape: tuple[int, int], hsegs: list[Segment], vsegs: list[Segment], pad: int) -> np.ndarray:
    """A mask of the rules (thickened by ``pad``)."""
    m = np.zeros(shape, np.uint8)
    for s in hsegs:
        r = int(s.thick / 2) + pad
        cv2.rectangle(m, (int(s.a) - pad, int(s.pos) - r), (int(s.b) + pad, int(s.pos) + r), 255, -1)
    for s in vsegs:
        r = int(s.thick / 2) + pad
        cv2.rectangle(m, (int(s.pos) - r, int(s.a) - pad), (int(s.pos) + r, int(s.b) + pad), 255, -1)
    return m


def analyse(gray: np.ndarray, ink: np.ndarray, unit: float) -> Layout:
    """Find grids, cell text lines and free text rows on a deskewed page."""
    hsegs, vsegs = ruling_segments(ink, unit)
    found = find_grids(hsegs, vsegs, unit)
    grids = [g for g, _, _ in found]
    # Erase the rules grids were built from, and long lone rules (between the rows of a
    # table ruled only horizontally, underlines): they would glue text lines together.
    # Other runs stay: short ones may be glyph strokes (the 一 of a bold heading), and
    # runs inside a cell that joined no grid are blurred strokes of its text.
    long_h = _px(RULE_ERASE_MIN, unit)
    erase_h = [s for _, hs, _ in found for s in hs] + [s for s in hsegs if s.b - s.a >= long_h]
    erase_v = [s for _, _, vs in found for s in vs]
    rules = _rule_mask(ink.shape, erase_h, erase_v, _px(RULE_ERASE_PAD, unit))
    ink = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    gray = gray.copy()
    gray[rules > 0] = 255
    free = _mask_out_grids(ink, grids)
    line_h = estimate_line_height(free, unit)
    lay = Layout(gray, ink, unit, line_h, grids)
    inset = _px(CELL_INSET, unit)
    for gi, g in enumerate(grids):
        for ci, cell in enumerate(g.cells):
            x0, y0, x1, y1 = (int(round(v)) for v in cell.box)
            clip = (x0 + inset, y0 + inset, x1 - inset, y1 - inset)
            chars = vertical_chars(ink, clip, line_h)
            if chars:
                box = (min(c[0] for c in chars), chars[0][1], max(c[2] for c in chars), chars[-1][3])
                lay.crops.append(Crop(box, ("cell", gi, ci), clip, chars))
                continue
            for box in cell_line_boxes(ink, clip, line_h):
                lay.crops.append(Crop(box, ("cell", gi, ci), clip))
    h, w = ink.shape
    lay.free_rows, lay.text_boxes = free_rows(free, line_h)
    for ri, row in enumerate(lay.free_rows):
        for ci, boxes in enumerate(row.cells):
            for box in boxes:
                lay.crops.append(Crop(box, ("free", ri, ci), (0, 0, w, h)))
    return lay


def free_rows(ink: np.ndarray, line_h: float) -> tuple[list[FreeRow], list[tuple[int, int, int, int]]]:
    """Text outside grids as rows of cells, and the regions too tall to be text lines.

    A horizontal band of ink is split at gaps wider than SEG_GAP line heights; each
    piece is cut into its own text lines; lines of different pieces that overlap
    vertically are one row (a number centred beside a two-line label joins it).
    """
    rows: list[FreeRow] = []
    tall: list[tuple[int, int, int, int]] = []
    for a, b in bands(ink.sum(axis=1), line_h):
        strip = ink[a:b]
        subs: list[tuple[int, tuple[int, int, int, int]]] = []
        for k, (sa, sb) in enumerate(_pieces(strip, line_h)):
            piece = strip[:, sa:sb]
            for pa, pb in bands(piece.sum(axis=1), line_h):
                cols = np.flatnonzero(piece[pa:pb].any(axis=0))
                if cols.size == 0:
                    continue
                box = (sa + int(cols[0]), a + pa, sa + int(cols[-1]) + 1, a + pb)
                if (box[2] - box[0]) * (box[3] - box[1]) < MIN_SPECK_AREA * 3:
                    continue
                if box[3] - box[1] > TALL_BAND * line_h:
                    tall.append(box)  # a picture, stamp or odd layout: the detector decides
                    continue
                subs.append((k, box))
        for group in merge_wrapped(link_sublines(subs)):
            by_piece: dict[int, list] = {}
            for k, box in group:
                by_piece.setdefault(k, []).append(box)
            rows.append(FreeRow([sorted(v, key=lambda bx: bx[1]) for _, v in sorted(by_piece.items())]))
    rows.sort(key=lambda r: min(bx[1] for c in r.cells for bx in c))
    split_at_columns(rows, ink, line_h)
    align_columns(rows, line_h)
    return rows, tall


def _pieces(strip: np.ndarray, line_h: float) -> list[tuple[int, int]]:
    """Column ranges of a band's pieces: split at gaps over SEG_GAP line heights, and a
    piece whose lines come out too tall (a two-line group label set beside a wrapped
    row label, lines offset) further at gaps over SUBSPLIT_GAP."""
    out = []
    for sa, sb in split_segments(strip.any(axis=0), SEG_GAP * line_h):
        piece = strip[:, sa:sb]
        if any(b - a > TWO_LINES * line_h for a, b in bands(piece.sum(axis=1), line_h)):
            subs = split_segments(piece.any(axis=0), SUBSPLIT_GAP * line_h)
            out += [(sa + a, sa + b) for a, b in subs]
        else:
            out.append((sa, sb))
    return out


def link_sublines(subs: list[tuple[int, tuple[int, int, int, int]]]) -> list[list]:
    """Group text lines of different pieces that overlap vertically into rows, top to bottom.

    Links are taken strongest overlap first, and never join two groups that both
    hold a line of the same piece: a column of stacked characters down a label
    column overlaps every row and would otherwise chain them all into one.
    """
    parent = list(range(len(subs)))
    pieces = [{k} for k, _ in subs]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    links = []
    for i, (ki, bi) in enumerate(subs):
        for j in range(i + 1, len(subs)):
            kj, bj = subs[j]
            if ki == kj:
                continue
            share = (min(bi[3], bj[3]) - max(bi[1], bj[1])) / max(min(bi[3] - bi[1], bj[3] - bj[1]), 1)
            if share > ROW_LINK_OVERLAP:
                links.append((share, i, j))
    for _share, i, j in sorted(links, reverse=True):
        ri, rj = find(i), find(j)
        if ri != rj and not pieces[ri] & pieces[rj]:
            parent[ri] = rj
            pieces[rj] |= pieces[ri]
    groups: dict[int, list] = {}
    for i, sub in enumerate(subs):
        groups.setdefault(find(i), []).append(sub)
    return sorted(groups.values(), key=lambda g: min(bx[1] for _, bx in g))


def merge_wrapped(groups: list[list]) -> list[list]:
    """Join a group holding lines of one piece only (a wrapped label's first or last
    line, with no numbers beside it) to the nearest group of the same band that
    holds more of that piece (the line the row's numbers sit on)."""
    groups = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for i, g in enumerate(groups):
            pieces = {k for k, _ in g}
            if len(pieces) != 1:
                continue
            k = next(iter(pieces))
            top, bottom = min(b[1] for _, b in g), max(b[3] for _, b in g)
            best, dist = None, None
            for j, h in enumerate(groups):
                if j == i or len({kk for kk, _ in h}) < 2 or k not in {kk for kk, _ in h}:
                    continue
                d = max(min(b[1] for _, b in h) - bottom, top - max(b[3] for _, b in h))
                if dist is None or d < dist:
                    best, dist = j, d
            if best is not None:
                groups[best] += g
                del groups[i]
                changed = True
                break
    return sorted(groups, key=lambda g: min(bx[1] for _, bx in g))


def _blocks(rows: list[FreeRow], line_h: float) -> list[tuple[int, int]]:
    """Index ranges of rows forming one borderless table each: runs of rows with several
    cells, carried over lone lines (a wrapped label's first line) unless such a line
    is wide (prose, a heading) or stands apart by more than BLOCK_GAP line heights."""
    out: list[tuple[int, int]] = []
    start, last_multi, prev_bottom = None, None, None
    for k, r in enumerate(rows):
        box = _cell_box([b for c in r.cells for b in c])
        apart = prev_bottom is not None and box[1] - prev_bottom > BLOCK_GAP * line_h
        breaks = apart or (len(r.cells) < 2 and box[2] - box[0] > BLOCK_LINE_MAX * line_h)
        if breaks and start is not None:
            out.append((start, last_multi + 1))
            start = None
        if len(r.cells) >= 2:
            start = k if start is None else start
            last_multi = k
        prev_bottom = box[3]
    if start is not None:
        out.append((start, last_multi + 1))
    return out


def column_clusters(block: list[FreeRow], line_h: float, max_width: float = COL_MAX_WIDTH) -> list[list[float]]:
    """[x0, x1, centre, count] per column of a borderless block, from its cells at most
    ``max_width`` line heights wide (numbers, short headers), clustered by horizontal
    overlap or near centres."""
    spans = [(_cell_box(c)[0], _cell_box(c)[2]) for r in block if len(r.cells) >= 2 for c in r.cells]
    narrow = [(x0, x1) for x0, x1 in spans if x1 - x0 <= max_width * line_h]
    clusters: list[list[float]] = []
    for x0, x1 in sorted(narrow, key=lambda s: (s[0] + s[1]) / 2):
        c = (x0 + x1) / 2
        if clusters and (x0 < clusters[-1][1] or c - clusters[-1][2] <= COL_CENTRE_TOL * line_h):
            cl = clusters[-1]
            cl[0], cl[1] = min(cl[0], x0), max(cl[1], x1)
            cl[3] += 1
            cl[2] += (c - cl[2]) / cl[3]
        else:
            clusters.append([x0, x1, c, 1])
    return clusters


def align_columns(rows: list[FreeRow], line_h: float) -> None:
    """Column indices for the cells of borderless table rows, from their x alignment:
    each cell takes the first column (see column_clusters) its box reaches.
    Single-cell rows get col 0."""
    for r in rows:
        r.cols = list(range(len(r.cells)))
    for i, j in _blocks(rows, line_h):
        clusters = column_clusters(rows[i:j], line_h)
        for r in rows[i:j]:
            if len(r.cells) < 2:
                continue
            cols, last = [], -1
            for cell in r.cells:
                x0 = _cell_box(cell)[0]
                col = next((k for k, cl in enumerate(clusters) if cl[1] > x0), len(clusters))
                col = max(col, last + 1)  # strictly left to right
                cols.append(col)
                last = col
            r.cols = cols


def split_at_columns(rows: list[FreeRow], ink: np.ndarray, line_h: float) -> None:
    """Split pieces that run over a column of their borderless table: two numbers in
    neighbouring narrow columns ("10   0"), or a label's last line and the first
    number, are closer than SEG_GAP but sit on both sides of a column's centre."""
    for i, j in _blocks(rows, line_h):
        # Seeded by the narrowest cells only (one or two digits): a merged "10   0" must
        # not itself widen a column over its neighbour.
        centres = [cl[2] for cl in column_clusters(rows[i:j], line_h, COL_SEED_WIDTH) if cl[3] >= COL_MIN_ROWS]
        if not centres:
            continue
        for r in rows[i:j]:
            cells: list[list] = []
            for cell in r.cells:
                parts = [split_box(b, ink, centres, line_h) for b in cell]
                cells.append([p[0] for p in parts])
                cells += [[q] for p in parts for q in p[1:]]
            r.cells = sorted(cells, key=lambda c: _cell_box(c)[0])


def split_box(box: tuple[int, int, int, int], ink: np.ndarray, centres: list[float],
              line_h: float) -> list[tuple[int, int, int, int]]:
    """``box`` cut at the widest blank gap (over COL_SPLIT_GAP line heights) left of
    each column centre inside it; the pieces trimmed to their ink."""
    x0, y0, x1, y1 = box
    cols = ink[y0:y1, x0:x1].any(axis=0)
    runs = split_segments(cols, 0)
    gaps = [(runs[k][1], runs[k + 1][0]) for k in range(len(runs) - 1)
            if runs[k + 1][0] - runs[k][1] >= COL_SPLIT_GAP * line_h]
    cuts: list[tuple[int, int]] = []
    for c in centres:
        if not x0 < c < x1:
            continue
        cand = [g for g in gaps if x0 + g[1] <= c and (not cuts or g[0] >= cuts[-1][1])]
        if cand:
            cuts.append(max(cand, key=lambda g: g[1] - g[0]))
    if not cuts:
        return [box]
    edges = [0] + [e for g in cuts for e in g] + [x1 - x0]
    out = []
    for a, b in zip(edges[::2], edges[1::2]):
        idx = np.flatnonzero(cols[a:b])
        if idx.size:
            out.append((x0 + a + int(idx[0]), y0, x0 + a + int(idx[-1]) + 1, y1))
    return out or [box]


def _cell_box(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    """Union of a cell's line boxes."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _mask_out_grids(ink: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The ink outside every grid."""
    out = ink.copy()
    for g in grids:
        x0, y0, x1, y1 = (int(round(v)) for v in g.bbox)
        out[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 0
    return out


def vertical_chars(ink: np.ndarray, clip: tuple[int, int, int, int],
                   line_h: float) -> Optional[list[tuple[int, int, int, int]]]:
    """Character boxes, top to bottom, when a cell holds one column of stacked
    characters (tall and one character wide); None otherwise."""
    x0, y0, x1, y1 = clip
    if x1 <= x0 or y1 <= y0:
        return None
    sub = ink[y0:y1, x0:x1]
    cols = np.flatnonzero(sub.any(axis=0))
    rows = np.flatnonzero(sub.any(axis=1))
    if cols.size == 0:
        return None
    w = int(cols[-1] - cols[0] + 1)
    h = int(rows[-1] - rows[0] + 1)
    if h < VERTICAL_MIN_CHARS * w or not VERTICAL_MIN_WIDTH * line_h <= w <= VERTICAL_MAX_WIDTH * line_h:
        return None  # not a column of square characters (a lone "1" is tall and thin too)
    # Runs of inked rows; consecutive runs are one character while they fit a square.
    prof = sub.sum(axis=1)
    runs = [r for a, b in split_segments(sub.any(axis=1), 0) for r in cut_touching(prof, a, b, w)]
    chars: list[list[int]] = []
    for a, b in runs:
        if chars and b - chars[-1][0] <= VERTICAL_CHAR_SQUARE * w:
            chars[-1][1] = b
        else:
            chars.append([a, b])
    if len(chars) < VERTICAL_MIN_CHARS:
        return None
    out = []
    for a, b in chars:
        cs = np.flatnonzero(sub[a:b].any(axis=0))
        out.append((x0 + int(cs[0]), y0 + a, x0 + int(cs[-1]) + 1, y0 + b))
    return out


def cut_touching(prof: np.ndarray, a: int, b: int, w: int) -> list[tuple[int, int]]:
    """Split a run of rows holding several touching stacked characters (bold 本年度)
    at the emptiest rows near every character height ``w``."""
    n = int(round((b - a) / max(w, 1)))
    if n < 2 or b - a <= VERTICAL_CHAR_SQUARE * w:
        return [(a, b)]
    cuts, step, win = [a], (b - a) / n, max(1, w // 4)
    for k in range(1, n):
        c = int(a + k * step)
        lo, hi = max(cuts[-1] + 1, c - win), min(b - 1, c + win)
        cuts.append(lo + int(np.argmin(prof[lo:hi + 1])) if hi >= lo else c)
    cuts.append(b)
    return list(zip(cuts[:-1], cuts[1:]))


def cell_line_boxes(ink: np.ndarray, clip: tuple[int, int, int, int], line_h: float) -> list[tuple[int, int, int, int]]:
    """Ink boxes of the text lines inside a cell interior ``clip``, top to bottom."""
    x0, y0, x1, y1 = clip
    if x1 <= x0 or y1 <= y0:
        return []
    sub = ink[y0:y1, x0:x1]
    if not sub.any():
        return []
    out = []
    for a, b in bands(sub.sum(axis=1), line_h):
        cols = np.flatnonzero(sub[a:b].any(axis=0))
        if cols.size == 0 or (b - a) * (cols[-1] + 1 - cols[0]) < MIN_SPECK_AREA * 3:
            continue
        out.append((x0 + int(cols[0]), y0 + a, x0 + int(cols[-1]) + 1, y0 + b))
    return out


# =====================================================================================
# recognition and assembly
# =====================================================================================

def crop_image(gray: np.ndarray, box: tuple[int, int, int, int], clip: tuple[int, int, int, int],
               pad_v: float = REC_PAD_V, pad_h: float = REC_PAD_H, upscale: float = 1.0) -> np.ndarray:
    """The text at ``box`` on white margins (REC_PAD_* of its height), nothing from outside ``clip``."""
    x0, y0, x1, y1 = box
    h = max(y1 - y0, 1)
    img = gray[y0:y1, x0:x1]
    mv, mh = int(round(pad_v * h)) + 1, int(round(pad_h * h)) + 1
    # Take real pixels for the margin where the clip allows (anti-aliased edges), pad the rest white.
    cx0, cy0 = max(clip[0], x0 - mh, 0), max(clip[1], y0 - mv, 0)
    cx1, cy1 = min(clip[2], x1 + mh, gray.shape[1]), min(clip[3], y1 + mv, gray.shape[0])
    img = gray[cy0:cy1, cx0:cx1]
    img = cv2.copyMakeBorder(img, max(0, mv - (y0 - cy0)), max(0, mv - (cy1 - y1)),
                             max(0, mh - (x0 - cx0)), max(0, mh - (cx1 - x1)),
                             cv2.BORDER_CONSTANT, value=255)
    if upscale != 1.0:
        img = cv2.resize(img, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC)
    return img


def vertical_line_image(gray: np.ndarray, chars: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Stacked characters laid out left to right as one horizontal text line."""
    size = max(max(c[2] - c[0], c[3] - c[1]) for c in chars)
    gap = max(1, int(VERTICAL_GAP * size))
    tiles = []
    for x0, y0, x1, y1 in chars:
        tile = np.full((size, size + gap), 255, np.uint8)
        g = gray[y0:y1, x0:x1]
        oy, ox = (size - g.shape[0]) // 2, (size - g.shape[1]) // 2
        tile[oy:oy + g.shape[0], ox:ox + g.shape[1]] = g
        tiles.append(tile)
    line = np.hstack(tiles)
    m = int(REC_PAD_V * size) + 1
    return cv2.copyMakeBorder(line, m, m, m, m, cv2.BORDER_CONSTANT, value=255)


def recognise_page(lay: Layout, number: int) -> list[Line]:
    """Recognise every crop of the page in one batched pass and assemble the Lines."""
    from ..ocr import get_engine

    engine = get_engine()
    crops = list(lay.crops)
    # Regions projection could not cut into lines go to the detector.
    for box in lay.text_boxes:
        x0, y0, x1, y1 = box
        for bx0, by0, bx1, by1 in engine.detect(lay.gray[y0:y1, x0:x1]):
            b = (int(x0 + bx0), int(y0 + by0), int(x0 + bx1), int(y0 + by1))
            crops.append(Crop(b, ("det", len(crops)), (0, 0, lay.gray.shape[1], lay.gray.shape[0])))
    images = [vertical_line_image(lay.gray, c.chars) if c.chars else crop_image(lay.gray, c.box, c.clip)
              for c in crops]
    results = engine.recognize(images) if images else []
    reads: dict[tuple, list] = {}
    for crop, res in zip(crops, results):
        reads.setdefault(crop.owner, []).append((crop, res))
    texts: dict[tuple, str] = {}
    confs: dict[tuple, Optional[float]] = {}
    for key, parts in reads.items():
        parts.sort(key=lambda p: (p[0].box[1], p[0].box[0]))
        texts[key] = "".join(r.text.strip() for _, r in parts)
        confs[key] = min(r.confidence for _, r in parts)

    numeric = [("cell", gi, ci) for gi, g in enumerate(lay.grids)
               for ci in numeric_cells(g, {ci: texts.get(("cell", gi, ci), "") for ci in range(len(g.cells))})]
    for ri, row in enumerate(lay.free_rows):
        row_texts = [texts.get(("free", ri, ci), "") for ci in range(len(row.cells))]
        numeric += [("free", ri, ci) for ci in numeric_free_cells(row_texts)]
    todo = []
    for key in numeric:
        if key not in reads:
            continue
        texts[key], confs[key] = _numeric_text([r for _, r in reads[key]])
        if confs[key] < REREAD_MIN_CONF or not layout.is_number(texts[key]):
            todo.append(key)
    if todo:
        _reread(lay, todo, reads, texts, confs, engine)

    lines: list[Line] = []
    for gi, grid in enumerate(lay.grids):
        lines.extend(_grid_lines(gi, grid, reads, texts, confs, number))
    free = [ln for ri, row in enumerate(lay.free_rows)
            if (ln := _free_line(ri, row, reads, texts, confs, number)) is not None]
    lines.extend(join_wrapped_labels(free, lay.line_h))
    for key, parts in reads.items():
        if key[0] == "det" and texts[key] and confs[key] >= MIN_LINE_CONF:
            x0, y0, x1, y1 = parts[0][0].box
            lines.append(Line(texts[key], number, box=(float(x0), float(y0), float(x1), float(y1)),
                              font_size=float(y1 - y0), source="ocr", confidence=round(confs[key], 4)))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]) if ln.box else (0, 0))
    _label_furniture(lines, lay.gray.shape[0])
    return lines


def join_wrapped_labels(lines: list[Line], line_h: float) -> list[Line]:
    """Fold the first/last lines of wrapped labels into the borderless row whose
    numbers sit beside the labels' other line(s) (as a grid cell holds its lines).

    A line without numbers joins the row directly below or above it when that row
    holds numbers, the gap is under WRAP_GAP line heights, and its widest piece lies
    over one of the row's word cells (overlapping WRAP_OVERLAP of the narrower, or
    starting within WRAP_ALIGN line heights of it); its other pieces join the cells
    they lie over, or become cells of their own.  A label's numbering (``5.``,
    ``（三）``) only ever starts a label: a line beginning with one folds downwards,
    a cell beginning with one takes no line from above.
    """
    lines = sorted(lines, key=lambda ln: ln.box[1])
    used: set[int] = set()
    for i, ln in enumerate(lines):
        if i in used:
            continue
        pieces = ln.cells or [Cell(ln.text, ln.box)]
        if any(layout.is_number(c.text) for c in pieces):
            continue
        main = max(pieces, key=lambda c: c.box[2] - c.box[0])
        for j in (i + 1, i - 1):
            if not 0 <= j < len(lines) or j in used or not lines[j].cells:
                continue
            row, below = lines[j], j > i
            if not any(layout.is_number(c.text) for c in row.cells):
                continue
            words = [c for c in row.cells if _is_words(c.text) and not (below and _ITEM_NO.match(c.text))]
            targets = {id(p): next((c for c in words if _over(p.box, c.box, line_h)), None) for p in pieces}
            if targets[id(main)] is None or (not below and _ITEM_NO.match(main.text)):
                continue
            hit = [t for t in targets.values() if t is not None]
            gap = min(t.box[1] for t in hit) - ln.box[3] if below else ln.box[1] - max(t.box[3] for t in hit)
            if not -0.5 * line_h <= gap <= WRAP_GAP * line_h:
                continue
            for p in pieces:
                t = targets[id(p)]
                if t is None:
                    row.cells.append(Cell(p.text, p.box, p.confidence, None, p.col))
                    continue
                t.text = p.text + t.text if below else t.text + p.text
                t.box = _union(t.box, p.box)
            row.cells.sort(key=lambda c: c.box[0])
            row.box = _union(row.box, ln.box)
            row.text = " ".join(c.text for c in row.cells if c.text)
            used.add(i)
            break
    return [ln for k, ln in enumerate(lines) if k not in used]


# A label's own numbering: 5.  5、  （三）  (3)  三、
_ITEM_NO = re.compile(r"^\s*([（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十\d]+\s*[、.．])")


def _over(a: Box, b: Box, line_h: float) -> bool:
    """Whether box ``a`` lies over box ``b``: same start, or much horizontal overlap."""
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    narrower = max(min(a[2] - a[0], b[2] - b[0]), 1)
    return abs(a[0] - b[0]) <= WRAP_ALIGN * line_h or overlap >= WRAP_OVERLAP * narrower


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _rounded(conf: Optional[float]) -> Optional[float]:
    return None if conf is None else round(float(conf), 4)


def _grid_lines(gi: int, grid: Grid, reads: dict, texts: dict, confs: dict, number: int) -> list[Line]:
    """One Line per grid row: the cells that start in it, left to right, empty ones kept."""
    out = []
    for r in range(len(grid.ys) - 1):
        row_cells = [(ci, c) for ci, c in enumerate(grid.cells) if c.row == r]
        if not row_cells:
            continue
        row_cells.sort(key=lambda t: t[1].col)
        cells, heights = [], []
        for ci, c in row_cells:
            key = ("cell", gi, ci)
            cells.append(Cell(texts.get(key, ""), tuple(float(v) for v in c.box), _rounded(confs.get(key)),
                              c.row, c.col, c.rowspan, c.colspan))
            heights += [cr.box[3] - cr.box[1] for cr, _ in reads.get(key, []) if not cr.chars]
        if not any(c.text for c in cells):
            continue
        # The row's own band: a cell merged down over later rows does not stretch it.
        box = (min(c.box[0] for c in cells), float(grid.ys[r]), max(c.box[2] for c in cells), float(grid.ys[r + 1]))
        cs = [c.confidence for c in cells if c.text and c.confidence is not None]
        out.append(Line(" ".join(c.text for c in cells if c.text), number, cells, box,
                        font_size=float(np.median(heights)) if heights else None, source="ocr",
                        confidence=min(cs) if cs else None, in_grid=True))
    return out


def _free_line(ri: int, row: FreeRow, reads: dict, texts: dict, confs: dict, number: int) -> Optional[Line]:
    """The Line of a free row; its pieces become cells when there are several (borderless tables).
    Pieces read with too little confidence (noise, pictures) are dropped."""
    cells, heights = [], []
    for ci, boxes in enumerate(row.cells):
        key = ("free", ri, ci)
        text, conf = texts.get(key, ""), confs.get(key)
        # A lone piece read with little confidence is noise (a picture, a smudge); in a
        # row of several pieces it is kept unless very unsure (a small digit may score low).
        if not text or conf is None or conf < (MIN_LINE_CONF if len(row.cells) == 1 else MIN_CELL_CONF):
            continue
        if not any(ch.isalnum() for ch in text):
            continue  # only marks: a rule's stub, a smudge
        box = tuple(float(v) for v in _cell_box(boxes))
        cells.append(Cell(text, box, _rounded(conf), None, row.cols[ci] if row.cols else ci))
        heights += [b[3] - b[1] for b in boxes]
    if not cells:
        return None
    box = (min(c.box[0] for c in cells), min(c.box[1] for c in cells),
           max(c.box[2] for c in cells), max(c.box[3] for c in cells))
    line = Line(" ".join(c.text for c in cells), number, box=box, font_size=float(np.median(heights)),
                source="ocr", confidence=min(c.confidence for c in cells))
    if len(cells) > 1:
        line.cells = cells
    return line


def _numeric_text(results: list) -> tuple[str, float]:
    """Digits-only reading of a cell's crops, with look-alike repair as a fallback."""
    from ..ocr import decode_numeric

    texts, confs = [], []
    for res in results:
        raw = res.text.strip().replace(" ", "")
        fixed = raw.translate(DIGIT_LOOKALIKES)
        num = decode_numeric(res)
        if num.text and (not layout.is_number(fixed) or num.text == fixed):
            texts.append(num.text)
            confs.append(num.min_confidence)
        elif layout.is_number(fixed):
            texts.append(fixed)
            confs.append(res.min_confidence if fixed == raw else min(res.min_confidence, num.min_confidence))
        else:
            texts.append(raw)  # a dash, "/" or words: not ours to turn into a number
            confs.append(res.min_confidence)
    return "".join(texts), (min(confs) if confs else 0.0)


def _reread(lay: Layout, todo: list[tuple], reads: dict, texts: dict, confs: dict, engine) -> None:
    """Read unsure numeric cells again from wider and upscaled crops (one batch for the
    page); keep the surest digits-only reading."""
    variants = [(p, 1.0) for p in REREAD_PADS] + [(REC_PAD_H, REREAD_UPSCALE)]
    jobs, images = [], []
    for key in todo:
        for crop, _ in reads[key]:
            for v, (pad, up) in enumerate(variants):
                jobs.append((key, v))
                images.append(crop_image(lay.gray, crop.box, crop.clip, pad_v=pad, pad_h=pad, upscale=up))
    by_variant: dict[tuple, list] = {}
    for job, res in zip(jobs, engine.recognize(images)):
        by_variant.setdefault(job, []).append(res)
    for (key, _v), res_list in by_variant.items():
        text, conf = _numeric_text(res_list)
        if layout.is_number(text) and (conf > (confs[key] or 0) or not layout.is_number(texts[key])):
            texts[key], confs[key] = text, conf


# --- which cells hold numbers ---------------------------------------------------------------

def _template_labels() -> tuple[list[str], list[str]]:
    """Normalised row keys and column labels of every template table."""
    rows, cols = set(), set()
    for t in tpl.TEMPLATES.values():
        for table in t.tables:
            for r in table.rows:
                rows.update(r.keys)
                cols.update(tpl.normalize(c.label) for c in r.columns)
    for _gid, lab in tpl.REVIEW_GROUPS:
        rows.add(tpl.normalize(lab))
    return sorted(rows), sorted(cols)


_ROW_KEYS, _COL_LABELS = _template_labels()


def _matches(text: str, keys: list[str]) -> bool:
    """Whether OCR text contains one of the keys, allowing OCR noise."""
    from rapidfuzz import fuzz

    t = tpl.normalize(text)
    if len(t) < 2:
        return False
    for k in keys:
        if k in t:
            return True
        if len(k) >= 3 and len(t) >= len(k) - 1 and fuzz.partial_ratio(k, t) >= KEY_MIN_SCORE:
            return True
    return False


def numeric_cells(grid: Grid, texts: dict[int, str]) -> list[int]:
    """Indices of cells where the template puts a number.

    A cell is numeric when it lies right of a cell (same grid row) whose text is a
    template row label, or below a header cell whose text is a template column
    label (covering its columns) — and is not itself such a label.
    """
    labels = {ci for ci, t in texts.items() if t and (_matches(t, _ROW_KEYS) or _matches(t, _COL_LABELS))}
    row_label_right: dict[int, int] = {}
    headers = []
    for ci, c in enumerate(grid.cells):
        t = texts.get(ci, "")
        if ci in labels and _matches(t, _ROW_KEYS):
            for r in range(c.row, c.row + c.rowspan):
                row_label_right[r] = max(row_label_right.get(r, -1), c.col + c.colspan)
        if ci in labels and _matches(t, _COL_LABELS):
            headers.append(c)
    out = []
    for ci, c in enumerate(grid.cells):
        if ci in labels or _is_words(texts.get(ci, "")):
            continue
        right = row_label_right.get(c.row)
        below = any(h.row + h.rowspan <= c.row and h.col <= c.col and c.col + c.colspan <= h.col + h.colspan
                    for h in headers)
        if (right is not None and c.col >= right) or below:
            out.append(ci)
    return out


def numeric_free_cells(texts: list[str]) -> list[int]:
    """Indices of the number cells of a borderless row: those right of a template row
    label, or all of a label-less row made mostly of numbers (the 四 review row)."""
    for k, t in enumerate(texts):
        if t and _matches(t, _ROW_KEYS):
            return [j for j in range(k + 1, len(texts)) if texts[j] and not _is_words(texts[j])]
    filled = [j for j, t in enumerate(texts) if t]
    numbers = [j for j in filled if layout.is_number(texts[j].replace(" ", "").translate(DIGIT_LOOKALIKES))]
    if len(filled) >= 2 and len(numbers) >= NUMBER_ROW_SHARE * len(filled) \
            and not any(_is_words(texts[j]) for j in filled):
        return filled
    return []


def _is_words(text: str) -> bool:
    """Text with two or more CJK characters is a label, never a misread number."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 2


# --- furniture and warnings -------------------------------------------------------------------

def _label_furniture(lines: list[Line], height: float) -> None:
    """Mark page numbers in the top/bottom margins as ``other``."""
    for ln in lines:
        if ln.in_grid or ln.box is None:
            continue
        near_edge = ln.box[1] > height * (1 - FURNITURE_MARGIN) or ln.box[3] < height * FURNITURE_MARGIN
        if near_edge and _PAGE_NUMBER.match(ln.text):
            ln.label = "other"


def label_running_lines(pages: list[Page]) -> None:
    """Mark running headers/footers ``other``: a line in a page's top or bottom margin
    whose text (digits aside) recurs in the margins of another page.  The first
    page keeps its copy unless it sits in the margin too, as its title may read
    the same."""
    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", tpl.normalize(ln.text))

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

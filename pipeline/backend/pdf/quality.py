"""Whether a page's text layer can be used: unmapped or garbled glyphs, a Chinese report
without Chinese, an image page with a few characters of text (a scan)."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence

from ...datamodel import Page
from ...layout import is_cjk
from ..pdfium_page import page_image_cover, page_texts

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

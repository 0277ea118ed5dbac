"""A PDF's characters as :class:`~pipeline.layout.Glyph` records: output text, font sizes,
bold faces; duplicates (text drawn twice for a bold effect) removed."""
from __future__ import annotations

import re
from functools import lru_cache

from ...layout import Glyph, dedupe_glyphs, fold_radicals

BOLD_FONT = re.compile(r"bold|heavy|black|semibold|demibold|simhei|heiti|黑体|粗|^FZ(D)?HT", re.I)
"""Font names (subset tag removed) that are bold faces."""


def base_font_name(fontname: str) -> str:
    """Font name without the ``ABCDEF+`` subset tag."""
    return fontname.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", fontname or "") else (fontname or "")


@lru_cache(maxsize=4096)
def is_bold_font(fontname: str) -> bool:
    """Whether a font name names a bold face (Bold, Heavy, Black, 黑体 ...)."""
    return bool(BOLD_FONT.search(base_font_name(fontname)))


@lru_cache(maxsize=65536)
def _glyph_text(text: str) -> str:
    """A character's text for output: ``(cid:N)`` becomes U+FFFD (so it cannot
    pass for digits), radicals become ideographs."""
    return "\ufffd" if text.startswith("(cid:") else fold_radicals(text)


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

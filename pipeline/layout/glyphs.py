"""Characters: the :class:`Glyph` box every backend produces, CJK tests, radicals, duplicates, numbers."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from ..lexicon import NUMBER_OR_PERCENT

Box = tuple[float, float, float, float]

DUPLICATE_TOLERANCE = 1.0
"""Two glyphs with the same text whose corners lie within this many points of
each other are one glyph printed twice (fake bold by overprinting); the copy
is dropped and the kept glyph marked bold.  Multiply by ``scale`` in pixels."""

_CJK_RANGES = (
    (0x2E80, 0x2FDF),   # radicals
    (0x3000, 0x303F),   # CJK symbols and punctuation (、。「」〔〕)
    (0x3040, 0x30FF),   # kana
    (0x3100, 0x312F),   # bopomofo
    (0x3200, 0x33FF),   # enclosed CJK, compatibility
    (0x3400, 0x4DBF),   # extension A
    (0x4E00, 0x9FFF),   # unified ideographs
    (0xF900, 0xFAFF),   # compatibility ideographs
    (0xFE30, 0xFE4F),   # CJK compatibility forms
    (0xFF00, 0xFFEF),   # full-width forms (（），：；)
    (0x20000, 0x3FFFF),  # extensions B..
)

_RADICAL_RANGES = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF))


@lru_cache(maxsize=65536)
def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph, CJK punctuation or full-width form."""
    if not ch:
        return False
    o = ord(ch[0])
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES) or ch in "“”‘’—…·"


def fold_radicals(text: str) -> str:
    """Map Kangxi radicals and compatibility ideographs to the ordinary
    ideographs they stand for (``⾏`` U+2F8F -> ``行``).  Some PDF producers
    map glyphs to these look-alike code points; nothing else is changed
    (full-width brackets stay full-width)."""
    if not any(lo <= ord(c) <= hi for c in text for lo, hi in _RADICAL_RANGES):
        return text
    return "".join(unicodedata.normalize("NFKC", c)
                   if any(lo <= ord(c) <= hi for lo, hi in _RADICAL_RANGES) else c
                   for c in text)


@dataclass(slots=True)
class Glyph:
    """A box of text: one PDF character, or one OCR word/phrase."""
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # font size (PDF) or box height (OCR)
    bold: bool = False
    upright: bool = True
    confidence: Optional[float] = None

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def union_box(boxes: Iterable[Box]) -> Optional[Box]:
    """The smallest box holding all ``boxes`` (None for none)."""
    bs = list(boxes)
    if not bs:
        return None
    return (min(b[0] for b in bs), min(b[1] for b in bs),
            max(b[2] for b in bs), max(b[3] for b in bs))


def _copy_of(g: Glyph, cells: dict[tuple[int, int], list[Glyph]], kx: int, ky: int,
             tolerance: float) -> Optional[Glyph]:
    """The kept glyph of ``g``'s text that ``g`` repeats: the first within ``tolerance``
    in the last of the 3×3 cells around ``(kx, ky)`` (by offset, x first) holding one.
    Few cells are scanned whole, many looked up one by one (the same answer)."""
    dup, last = None, None
    if len(cells) < 9:
        for (cx, cy), hs in cells.items():
            off = (cx - kx, cy - ky)
            if -1 <= off[0] <= 1 and -1 <= off[1] <= 1 and (last is None or off > last):
                for h in hs:
                    if abs(h.x0 - g.x0) <= tolerance and abs(h.top - g.top) <= tolerance:
                        dup, last = h, off
                        break
        return dup
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for h in cells.get((kx + dx, ky + dy), ()):
                if abs(h.x0 - g.x0) <= tolerance and abs(h.top - g.top) <= tolerance:
                    dup = h
                    break
    return dup


def glyphs_box(glyphs: Sequence[Glyph]) -> Optional[Box]:
    """:func:`union_box` of the glyphs' boxes, without building them."""
    if not glyphs:
        return None
    g = glyphs[0]
    x0, top, x1, bottom = g.x0, g.top, g.x1, g.bottom
    for g in glyphs:  # one pass (a hot function: every line and cell)
        if g.x0 < x0:
            x0 = g.x0
        if g.top < top:
            top = g.top
        if g.x1 > x1:
            x1 = g.x1
        if g.bottom > bottom:
            bottom = g.bottom
    return (x0, top, x1, bottom)


REPEAT_TEST_MIN = 64
"""Glyphs from which :func:`dedupe_glyphs` first tests, with numpy, whether any two may
repeat each other (fewer: the search itself is as quick)."""


def _may_repeat(glyphs: Sequence[Glyph], tolerance: float) -> bool:
    """Whether two glyphs of the same text may lie within ``tolerance`` of each other in x0
    and in top (False: :func:`dedupe_glyphs` has nothing to drop).

    Exact, by a pigeonhole: two values at most ``tolerance`` apart share a cell of width
    ``2 * tolerance`` in the grid from 0 or in the grid shifted by ``tolerance``; so two such
    glyphs share a cell key in one of the four pairs of grids (x, top).  True as well when a
    key cannot be packed (coordinates far off the page)."""
    import numpy as np
    ids: dict[str, int] = {}
    solid = [g for g in glyphs if g.text.strip()]
    n = len(solid)
    if n < 2:
        return False
    tid = np.fromiter((ids.setdefault(g.text, len(ids)) for g in solid), np.int64, n)
    xy = np.fromiter((v for g in solid for v in (g.x0, g.top)), np.float64, 2 * n).reshape(n, 2)
    w, half = 2 * tolerance, 1 << 19  # cells per axis: [-half, half) packed into 20 bits
    lo, hi = np.floor(xy.min() / w), np.floor((xy.max() + tolerance) / w)
    if lo < -half or hi >= half or len(ids) >= 1 << 20:
        return True  # cannot be packed: let the search decide
    a = (np.floor(xy / w) + half).astype(np.int64)  # cells of the grid from 0
    b = (np.floor((xy + tolerance) / w) + half).astype(np.int64)  # of the shifted grid
    base = tid << 42
    keys = np.concatenate([(base | (cx << 22) | (cy << 2) | k)
                           for k, (cx, cy) in enumerate(((a[:, 0], a[:, 1]), (a[:, 0], b[:, 1]),
                                                         (b[:, 0], a[:, 1]), (b[:, 0], b[:, 1])))])
    keys.sort()
    return bool(np.any(keys[1:] == keys[:-1]))


def dedupe_glyphs(glyphs: Sequence[Glyph], tolerance: float = DUPLICATE_TOLERANCE) -> list[Glyph]:
    """Drop glyphs printed twice at (almost) the same place; the kept copy is
    marked bold, since overprinting with an offset is how fake bold is made."""
    if len(glyphs) >= REPEAT_TEST_MIN and not _may_repeat(glyphs, tolerance):
        return list(glyphs)
    seen: dict[str, dict[tuple[int, int], list[Glyph]]] = {}  # text -> cell -> glyphs
    out: list[Glyph] = []
    for g in glyphs:
        if not g.text.strip():
            out.append(g)
            continue
        kx, ky = int(g.x0 // tolerance), int(g.top // tolerance)
        cells = seen.get(g.text)
        if cells is None:
            cells = seen[g.text] = {}
        dup = _copy_of(g, cells, kx, ky, tolerance) if cells else None
        if dup is not None:
            dup.bold = True
            continue
        cells.setdefault((kx, ky), []).append(g)
        out.append(g)
    return out


def is_number(text: str) -> bool:
    """A cell value: ``12``, ``7730.28``, ``1,234``, ``-3``, ``5%``."""
    return bool(NUMBER_OR_PERCENT.match(text.strip()))

"""Text-PDF pages turned so that their text reads upright.

pdfplumber places every object in the page's *displayed* frame: it applies the
page's ``/Rotate`` entry (a page shown sideways in a viewer stays sideways), and
text drawn through a rotation matrix (``cm``/``Tm``) keeps its rotation there.
Either way the characters of a turned page run down, up or right to left, and
nothing downstream (lines, grids, rows) can read them.

:func:`upright_page` finds the page's text direction from the characters' own
matrices (a quarter turn for each char, the page taking the one most of its
characters share) and, when the text is turned, wraps the pdfplumber page in an
:class:`UprightPage` whose ``chars``, ``lines``, ``rects``, ``curves`` and
``images`` are turned back by whole quarter turns.

Coordinates: every box of an :class:`UprightPage` (and so every box the PDF
backend gives for that page) is in points from the top-left corner of the page
*turned so its text is upright*: pdfplumber's displayed page turned by
``-quarter_turns × 90°``; ``width``/``height`` are that upright page's (swapped
against pdfplumber's for an odd number of quarter turns).  A page whose text is
already upright is returned as pdfplumber gives it.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Optional, Sequence

ANGLE_TOLERANCE_DEG = 10.0
"""A character's baseline within this many degrees of a quarter turn counts for
that turn; characters set at other angles (a slanted watermark) count for none."""

MIN_TURN_SHARE = 0.6
"""The page is turned only when at least this share of its characters share one
quarter turn (the rest: vertical labels, a sideways margin note)."""

MIN_TURN_CHARS = 5
"""Pages with fewer characters than this are left as they are."""


def char_quarter_turns(matrix: Sequence[float]) -> Optional[int]:
    """Clockwise quarter turns (0-3) of a character's baseline as displayed, from its
    text-rendering matrix ``(a, b, c, d, e, f)`` (PDF space, y up); None when the
    baseline is not near a quarter turn."""
    a, b = float(matrix[0]), float(matrix[1])
    if a == 0 and b == 0:
        return None
    deg = math.degrees(math.atan2(b, a))  # counter-clockwise in y-up space
    k = round(-deg / 90.0)
    if abs(-deg - 90.0 * k) > ANGLE_TOLERANCE_DEG:
        return None
    return k % 4


def page_quarter_turns(chars: Sequence[dict]) -> int:
    """The quarter turns most of a page's characters share (0 when no turn holds
    :data:`MIN_TURN_SHARE` of them, or the page has too few)."""
    turns = Counter(char_quarter_turns(c["matrix"]) for c in chars
                    if (c.get("text") or "").strip() and c.get("matrix") is not None)
    total = sum(turns.values())
    if total < MIN_TURN_CHARS:
        return 0
    k, n = max(turns.items(), key=lambda kv: (kv[1], kv[0] == 0))
    return k if k is not None and n >= MIN_TURN_SHARE * total else 0


def turn_point(x: float, top: float, width: float, height: float, k: int) -> tuple[float, float]:
    """A point of the displayed page (``width`` × ``height``, top-left origin) in the
    frame turned back by ``k`` clockwise quarter turns."""
    k %= 4
    if k == 1:
        return top, width - x
    if k == 2:
        return width - x, height - top
    if k == 3:
        return height - top, x
    return x, top


def turn_box(box: Sequence[float], width: float, height: float, k: int) -> tuple[float, float, float, float]:
    """``(x0, top, x1, bottom)`` turned back by ``k`` quarter turns (still x0 < x1, top < bottom)."""
    xa, ta = turn_point(box[0], box[1], width, height, k)
    xb, tb = turn_point(box[2], box[3], width, height, k)
    return min(xa, xb), min(ta, tb), max(xa, xb), max(ta, tb)


def _turn_obj(obj: dict, width: float, height: float, k: int) -> dict:
    """A pdfplumber object dict with its box (and ``pts``) turned back."""
    out = dict(obj)
    out["x0"], out["top"], out["x1"], out["bottom"] = turn_box(
        (obj["x0"], obj["top"], obj["x1"], obj["bottom"]), width, height, k)
    out["width"], out["height"] = out["x1"] - out["x0"], out["bottom"] - out["top"]
    if obj.get("pts"):
        out["pts"] = [turn_point(px, pt, width, height, k) for px, pt in obj["pts"]]
    return out


class UprightPage:
    """A pdfplumber page seen turned back by ``quarter_turns`` clockwise quarter turns.

    Offers what the PDF backend reads of a page (``width``, ``height``, ``chars``,
    ``lines``, ``rects``, ``curves``, ``images``, ``close``), in the upright
    frame described in the module docstring.  A character is ``upright`` when its
    own baseline has the page's turn; its ``size`` is then its upright box's height,
    as pdfminer gives for an upright page.
    """

    def __init__(self, page, quarter_turns: int):
        self.page = page
        self.quarter_turns = quarter_turns % 4
        self._w, self._h = float(page.width), float(page.height)
        odd = self.quarter_turns % 2 == 1
        self.width, self.height = (self._h, self._w) if odd else (self._w, self._h)
        self.page_number = page.page_number
        self._cache: dict[str, list[dict]] = {}

    def _turned(self, name: str) -> list[dict]:
        if name not in self._cache:
            self._cache[name] = [_turn_obj(o, self._w, self._h, self.quarter_turns)
                                 for o in getattr(self.page, name)]
        return self._cache[name]

    @property
    def chars(self) -> list[dict]:
        if "chars" not in self._cache:
            for c in self._turned("chars"):
                c["upright"] = c.get("matrix") is not None and \
                    char_quarter_turns(c["matrix"]) == self.quarter_turns
                if c["upright"]:
                    # pdfminer sizes a char by its displayed box's height: for a sideways
                    # char that is its advance; the upright box's height is the size.
                    c["size"] = c["bottom"] - c["top"]
        return self._cache["chars"]

    @property
    def lines(self) -> list[dict]:
        return self._turned("lines")

    @property
    def rects(self) -> list[dict]:
        return self._turned("rects")

    @property
    def curves(self) -> list[dict]:
        return self._turned("curves")

    @property
    def images(self) -> list[dict]:
        return self._turned("images")

    def close(self) -> None:
        self.page.close()


def upright_page(page):
    """``page`` itself when its text is upright, else an :class:`UprightPage` turning it back."""
    k = page_quarter_turns(page.chars)
    return UprightPage(page, k) if k else page

"""Page furniture of a text PDF: page numbers and running headers/footers (repeated, digits
aside, at the same height on several pages) are marked, to be kept with ``label="other"``."""
from __future__ import annotations

import re
from typing import Sequence

from ...lexicon import DIGITS, is_page_number
from .records import _PageData

FURNITURE_BAND = 0.10
"""Share of the page height, at the top and at the bottom, where running
headers, footers and page numbers live."""

FURNITURE_MIN_PAGES = 2
"""A line in the band repeated (digits aside) on at least this many pages is
a running header/footer."""

FURNITURE_POSITION_TOLERANCE = 8.0
"""Repeated header/footer lines lie within this many points of each other
vertically."""


def _in_band(box, height: float) -> bool:
    return box[3] <= height * FURNITURE_BAND or box[1] >= height * (1 - FURNITURE_BAND)


def _furniture_key(text: str) -> str:
    """What a running header/footer keeps from page to page: its text, digits aside
    (``2023年第3期`` and ``2023年第4期`` are one), spacing aside."""
    return DIGITS.sub("#", re.sub(r"\s+", "", text))


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
                key = _furniture_key(fl.text)
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
                if _furniture_key(fl.text) in repeated:
                    fl.furniture = True

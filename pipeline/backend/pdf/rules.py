"""Ruling segments of a pdfplumber page (PDFium's pages: :mod:`..pdfium_page`)."""
from __future__ import annotations

MAX_RULE_THICKNESS = 3.0
"""A filled rect thinner than this many points is a ruling line; thicker
filled rects (cell backgrounds) are ignored, stroked ones give their edges."""


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

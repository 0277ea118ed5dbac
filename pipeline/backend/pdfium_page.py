"""One text-PDF page from PDFium: characters with boxes and fonts, ruling segments, image cover.

PDFium (pypdfium2) parses a page in a few milliseconds where pdfminer takes a
tenth of a second or more, so the text-PDF backend reads pages here and keeps
pdfplumber for files PDFium refuses.  What comes out is what
:mod:`pipeline.backend.pdf` took from pdfplumber, in the same top-down
coordinates and the same box convention:

* a character's box is pdfminer's: x from its origin to its advance and
  bottom at the font's descent (PDFium's loose box), and a height of the font
  size scaled by the text matrix (within about 0.1 pt of pdfplumber's);
* ruling segments are read from path objects (also inside form XObjects)
  classified like pdfminer's lines, rectangles and curves.
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from ..layout import Box
from .pdf_orientation import char_quarter_turns

MAX_FORM_DEPTH = 8
"""Nesting of form XObjects followed when collecting paths and images."""

WHITE_MIN = 250
"""An RGB colour with every channel at least this (0-255) is white (ignored rules)."""

AXIS_TOLERANCE = 1.0
"""A path piece is horizontal or vertical when its ends differ by at most this many points."""

LOOSE_BOX_MAX_EM = 2.0
"""A character's loose box wider than this many ems (or empty) is not trusted."""

SIZE_DECIMALS = 4
"""Decimals a character's font size keeps (PDFium's are single-precision floats)."""

MAYBE_GENERATED = frozenset((0x20, 0x0A, 0x0D, 0x2D, 0x02))
"""Code points PDFium's generated characters take (spaces, line breaks, hyphens):
only these are asked whether they are generated."""

UNMAPPED = "\ufffd"
"""Text of a character PDFium could not map to Unicode (pdfminer's ``(cid:N)``)."""

PROBE_DEPTH = 2
"""Nesting levels (the page's own objects, and those of forms it draws directly) whose
text and pictures decide whether the page needs pdfplumber (:attr:`PageContent.needs_plumber`)."""

MIN_PICTURE_PT = (100.0, 30.0)
"""A picture at least this wide and high (points) may hold text: the page is read by
pdfplumber, which :mod:`.pdf_images` works on."""

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(slots=True)
class RawChar:
    """A character as pdfplumber gives it: text, box (top-down), size, font name, upright."""
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    fontname: str
    upright: bool


@dataclass
class PageContent:
    """What the text-PDF backend uses of a page."""
    width: float
    height: float
    chars: list[RawChar] = field(default_factory=list)
    segments: list[Box] = field(default_factory=list)
    image_cover: float = 0.0
    turned_text: bool = False  # a text object whose baseline is a quarter turn off upright
    picture: bool = False  # an image of at least MIN_PICTURE_PT
    rotation: int = 0  # the page's /Rotate, degrees

    @property
    def needs_plumber(self) -> bool:
        """Whether the PDFium fast path cannot read the page as it stands: turned
        (``/Rotate`` or turned text, :mod:`.pdf_orientation`) or holding a picture
        (:mod:`.pdf_images`); both work on pdfplumber pages."""
        return bool(self.rotation % 360) or self.turned_text or self.picture


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention: p' = p·m·n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _font_name(raw, tp, i: int, buf, flags) -> str:
    """The font name of character ``i``."""
    if not raw.FPDFText_GetFontInfo(tp, i, buf, len(buf), flags):
        return ""
    return buf.value.decode("utf-8", "replace")


@dataclass(frozen=True)
class _CharCalls:
    """The PDFium calls made for every character, bound without argument types.

    pypdfium2's bindings convert each argument through ``argtypes`` on every call,
    which costs as much as the call; these take the arguments as ctypes already
    passes them (the text page as a ``c_void_p``, the index as an int, out-parameters
    by ``byref``): a third less time per character."""
    is_generated: Any
    map_error: Any
    loose_box: Any
    text_object: Any  # answers the text object's address as an int (a dictionary key)
    origin: Any


@lru_cache(maxsize=1)
def _char_calls() -> _CharCalls:
    """:class:`_CharCalls`, bound once per process."""
    import pypdfium2.raw as raw

    def bare(fn, restype=ctypes.c_int):
        return ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)
    return _CharCalls(bare(raw.FPDFText_IsGenerated), bare(raw.FPDFText_HasUnicodeMapError),
                      bare(raw.FPDFText_GetLooseCharBox), bare(raw.FPDFText_GetTextObject, ctypes.c_void_p),
                      bare(raw.FPDFText_GetCharOrigin))


def _code_points(raw, tp, n: int) -> list[int]:
    """The code point of each of the text page's ``n`` characters: one
    FPDFText_GetText call (one UTF-16 unit per character), or one call per
    character where a unit is a surrogate (a character outside the BMP)."""
    buf = (ctypes.c_ushort * (n + 1))()
    units = list(buf[:n]) if n and raw.FPDFText_GetText(tp, 0, n, buf) else []
    if len(units) != n or any(0xD800 <= u <= 0xDFFF for u in units):
        return [raw.FPDFText_GetUnicode(tp, i) for i in range(n)]
    return units


def page_chars(page, height: float) -> list[RawChar]:
    """Every character of the page's content (PDFium's generated spaces and line
    breaks left out), in content order.

    A character's size, turn and font are those of its text object: they are read
    once per text object (the characters of one share its matrix, size and font)."""
    import pypdfium2.raw as raw
    # The PDFium calls bound once: this loop runs for every character of every page.
    calls = _char_calls()
    is_generated, map_error, loose_box, text_object, origin = \
        calls.is_generated, calls.map_error, calls.loose_box, calls.text_object, calls.origin
    matrix, font_size = raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize
    textpage = page.get_textpage()
    tp = textpage.raw
    tpv = ctypes.c_void_p(ctypes.cast(tp, ctypes.c_void_p).value)  # for the bare calls
    out: list[RawChar] = []
    rect, mat = raw.FS_RECTF(), raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    objects: dict = {}  # text object's address -> (size, upright, font name)
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    hypot = math.hypot
    try:
        for i, u in enumerate(_code_points(raw, tp, raw.FPDFText_CountChars(tp))):
            if u in MAYBE_GENERATED and is_generated(tpv, i) == 1:
                continue
            if u == 0 or u >= 0x110000 or map_error(tpv, i) == 1:
                text = UNMAPPED
            else:
                text = chr(u)
            if not loose_box(tpv, i, rect_ref):
                continue
            key = text_object(tpv, i)
            known = objects.get(key) if key else None
            if known is None:
                matrix(tp, i, mat)
                a, b, c, d = mat.a, mat.b, mat.c, mat.d
                # PDFium computes in single precision: rounded, 15.95 stays 15.95 (not 15.9500002).
                known = (round(font_size(tp, i) * (hypot(c, d) or 1.0), SIZE_DECIMALS),
                         a * d > 0 and b * c <= 0, _font_name(raw, tp, i, buf, flags))
                if key:
                    objects[key] = known
            size, upright, name = known
            if not origin(tpv, i, ox_ref, oy_ref):
                ox.value, oy.value = rect.left, rect.bottom
            x0, x1, bottom = ox.value, rect.right, height - rect.bottom
            if not 0 < x1 - x0 <= LOOSE_BOX_MAX_EM * size:
                # A loose box PDFium got wrong (seen with a text rise): pdfminer's box
                # from the origin, the font's descent and an em's width.
                desc = ctypes.c_float()
                font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(tp, i))
                if not (font and raw.FPDFFont_GetDescent(font, ctypes.c_float(size), desc)):
                    desc.value = 0.0
                x0, x1, bottom = ox.value, ox.value + size, height - (oy.value + desc.value)
            top = bottom - size if upright else height - rect.top
            out.append(RawChar(text, x0, top, x1, bottom, size, name, upright))
    finally:
        textpage.close()
    return out


def page_texts(page) -> list[str]:
    """The text of every character of the page (no boxes: the text-layer probe)."""
    import pypdfium2.raw as raw
    textpage = page.get_textpage()
    tp = textpage.raw
    try:
        out = []
        for i, u in enumerate(_code_points(raw, tp, raw.FPDFText_CountChars(tp))):
            if u in MAYBE_GENERATED and raw.FPDFText_IsGenerated(tp, i) == 1:
                continue
            bad = u == 0 or u >= 0x110000 or raw.FPDFText_HasUnicodeMapError(tp, i) == 1
            out.append(UNMAPPED if bad else chr(u))
        return out
    finally:
        textpage.close()


def _color(getter, obj, rgba) -> tuple[int, int, int]:
    """An object's fill or stroke colour (``rgba``: four ``c_uint`` out-parameters, reused)."""
    r, g, b, a = rgba
    if not getter(obj, r, g, b, a):
        return (0, 0, 0)
    return (r.value, g.value, b.value)


def _is_white(rgb: tuple[int, int, int]) -> bool:
    return all(v >= WHITE_MIN for v in rgb)


def _subpaths(raw, obj, m: Matrix, height: float, xy=None) -> list[list[tuple[float, float]]]:
    """The path's subpaths as lists of top-down page points (curve control points included);
    ``xy``: two ``c_float`` out-parameters to reuse."""
    out: list[list[tuple[float, float]]] = []
    x, y = xy or (ctypes.c_float(), ctypes.c_float())
    get_segment, get_point, get_type = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint, \
        raw.FPDFPathSegment_GetType
    moveto = raw.FPDF_SEGMENT_MOVETO
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = get_segment(obj, k)
        if not get_point(seg, x, y):
            continue
        px, py = _apply(m, x.value, y.value)
        if get_type(seg) == moveto or not out:
            out.append([])
        out[-1].append((px, height - py))
    return [p for p in out if len(p) >= 2]


def _straight(pts) -> list[Box]:
    """Horizontal/vertical pieces of a polyline."""
    segs = []
    for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
        if abs(ya - yb) <= AXIS_TOLERANCE or abs(xa - xb) <= AXIS_TOLERANCE:
            segs.append((min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
    return segs


def _as_rect(pts) -> Optional[Box]:
    """The box of a closed axis-aligned four-corner subpath (pdfminer's rect), else None."""
    if len(pts) == 5 and pts[0] == pts[-1]:
        pts = pts[:4]
    if len(pts) != 4:
        return None
    xs, ys = {round(p[0], 2) for p in pts}, {round(p[1], 2) for p in pts}
    if len(xs) > 2 or len(ys) > 2:
        return None
    sides = [(a, b) for a, b in zip(pts, pts[1:] + pts[:1])]
    if not all(abs(a[0] - b[0]) <= 1e-3 or abs(a[1] - b[1]) <= 1e-3 for a, b in sides):
        return None
    return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))


def path_segments(subpaths, fill: bool, stroke: bool, fill_rgb, stroke_rgb,
                  max_thickness: float) -> list[Box]:
    """Ruling segments of one painted path, as :func:`pipeline.backend.pdf.page_segments`
    takes them from pdfplumber: lines (two points), thin filled or stroked rects
    whole, thicker stroked rects by their edges, stroked curves' straight pieces;
    white paint never."""
    segs: list[Box] = []
    for pts in subpaths:
        if len(pts) == 2:
            if not _is_white(stroke_rgb):
                segs += _straight(pts)
            continue
        box = _as_rect(pts)
        if box is not None:
            x0, t, x1, b = box
            if min(x1 - x0, b - t) <= max_thickness and (fill or stroke):
                if not _is_white(fill_rgb if fill else stroke_rgb):
                    segs.append(box)
            elif stroke and not _is_white(stroke_rgb):
                segs += [(x0, t, x1, t), (x0, b, x1, b), (x0, t, x0, b), (x1, t, x1, b)]
        elif stroke and not _is_white(stroke_rgb):
            segs += _straight(pts)
    return segs


def _walk(raw, count, get, parent: Matrix, height: float, max_thickness: float,
          content: PageContent, depth: int) -> None:
    mat = raw.FS_MATRIX()
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    xy, rgba = (ctypes.c_float(), ctypes.c_float()), tuple(ctypes.c_uint() for _ in range(4))
    for k in range(count()):
        obj = get(k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            if depth < MAX_FORM_DEPTH and raw.FPDFPageObj_GetMatrix(obj, mat):
                m = _mul((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
                _walk(raw, lambda o=obj: raw.FPDFFormObj_CountObjects(o),
                      lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j), m, height, max_thickness,
                      content, depth + 1)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            if not raw.FPDFPageObj_GetMatrix(obj, mat) or not raw.FPDFPath_GetDrawMode(obj, fillmode, stroke):
                continue
            fill, strk = fillmode.value != 0, bool(stroke.value)
            if not (fill or strk):
                continue  # a clipping path or an unpainted one
            m = _mul((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
            content.segments += path_segments(
                _subpaths(raw, obj, m, height, xy), fill, strk,
                _color(raw.FPDFPageObj_GetFillColor, obj, rgba) if fill else (0, 0, 0),
                _color(raw.FPDFPageObj_GetStrokeColor, obj, rgba) if strk else (0, 0, 0), max_thickness)
        elif kind == raw.FPDF_PAGEOBJ_TEXT:
            if depth < PROBE_DEPTH and not content.turned_text and raw.FPDFPageObj_GetMatrix(obj, mat):
                content.turned_text = char_quarter_turns((mat.a, mat.b)) not in (0, None)
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            if raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
                if depth < PROBE_DEPTH and (r.value - l.value >= MIN_PICTURE_PT[0]
                                            and t.value - b.value >= MIN_PICTURE_PT[1]):
                    content.picture = True  # the object's own bounds, as pdf_orientation took them
                corners = [_apply(parent, x, y) for x in (l.value, r.value) for y in (b.value, t.value)]
                xs, ys = [p[0] for p in corners], [p[1] for p in corners]
                w = min(max(xs), content.width) - max(min(xs), 0.0)
                h = min(max(ys), height) - max(min(ys), 0.0)
                if w > 0 and h > 0:
                    content.image_cover += w * h


def _objects(page, max_thickness: float, content: PageContent) -> None:
    import pypdfium2.raw as raw
    p = page.raw
    _walk(raw, lambda: raw.FPDFPage_CountObjects(p), lambda k: raw.FPDFPage_GetObject(p, k), IDENTITY,
          content.height, max_thickness, content, 0)
    area = content.width * content.height
    content.image_cover = min(content.image_cover / area, 1.0) if area > 0 else 0.0


def page_image_cover(page) -> float:
    """Share of the page covered by images (capped at 1)."""
    width, height = page.get_size()
    content = PageContent(float(width), float(height))
    _objects(page, 0.0, content)
    return content.image_cover


def page_content(page, max_thickness: float) -> PageContent:
    """Characters, ruling segments (``max_thickness``: the thickest filled rect
    taken for a rule), image cover and what says the page needs pdfplumber
    (its rotation, turned text, pictures) of one pypdfium2 page."""
    width, height = page.get_size()
    content = PageContent(float(width), float(height), rotation=page.get_rotation())
    content.chars = page_chars(page, content.height)
    _objects(page, max_thickness, content)
    return content

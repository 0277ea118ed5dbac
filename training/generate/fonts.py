"""Fonts: metrics, and TrueType files for embedding."""
from __future__ import annotations

import hashlib
import os
import random
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from pipeline import template as T
from .constants import FONTS, FONT_DIRS


def _font_path(key: str) -> Optional[Path]:
    """The installed file of a font key, or None."""
    for d in FONT_DIRS:
        p = Path(d) / FONTS[key].file
        if p.exists():
            return p
    return None


@lru_cache(maxsize=None)
def available_fonts() -> tuple[str, ...]:
    """Font keys whose files are installed (fonts-noto-cjk, fonts-wqy-zenhei)."""
    keys = tuple(k for k in FONTS if _font_path(k))
    if not keys:
        raise RuntimeError("no CJK font found; install fonts-noto-cjk and fonts-wqy-zenhei")
    return keys


def _pick_font(rng: random.Random, choices: tuple[str, ...]) -> str:
    ok = [k for k in choices if k in available_fonts()]
    return rng.choice(ok) if ok else available_fonts()[0]


@lru_cache(maxsize=None)
def _advances(key: str) -> tuple[dict[int, float], float]:
    """Per-codepoint advance widths in ems, and the default width, from the installed font."""
    from fontTools.ttLib import TTFont
    spec = FONTS[key]
    font = TTFont(str(_font_path(key)), fontNumber=spec.index, lazy=True)
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = {cp: hmtx[g][0] / upem for cp, g in font.getBestCmap().items() if g in hmtx}
    font.close()
    return widths, 1.0


def _measure(key: str, size: float) -> Callable[[str], float]:
    """A function giving the width in points of a string set in ``key`` at ``size``."""
    widths, default = _advances(key)
    return lambda s: size * sum(widths.get(ord(ch), default) for ch in s)


def _charset() -> str:
    """Every character this package can draw: its source text (all literals) and the template."""
    chars = set()
    for src in sorted(Path(__file__).parent.glob("*.py")):
        chars.update(src.read_text(encoding="utf-8"))
    for tmpl in T.TEMPLATES.values():
        for t in tmpl.tables:
            chars.update(t.heading)
            for r in t.rows:
                chars.update(r.label + r.group + "".join(c.label for c in r.columns))
    chars.update(chr(c) for c in range(0x20, 0x7F))
    return "".join(sorted(c for c in chars if c == " " or unicodedata.category(c)[0] not in "CZ")
                   + ["\u3000"])


def _cache_dir() -> Path:
    return Path(os.environ.get("NIANBAO_CACHE", Path.home() / ".cache" / "nianbao")) / "fonts"


@lru_cache(maxsize=None)
def _embeddable(key: str) -> tuple[str, int]:
    """(file, collection index) fpdf2 can embed so that pdfplumber reads the text back."""
    spec = FONTS[key]
    src = _font_path(key)
    if not spec.cff:
        return str(src), spec.index
    chars = _charset()
    digest = hashlib.sha1(f"{src}:{spec.index}:{chars}".encode()).hexdigest()[:12]
    out = _cache_dir() / f"{key}-{digest}.ttf"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        _convert_to_truetype(src, spec.index, chars, out)
    return str(out), 0


def _convert_to_truetype(src: Path, index: int, chars: str, out: Path) -> None:
    """Subset a CFF face to ``chars`` and rewrite its outlines as TrueType (quadratic) glyphs."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src), fontNumber=index, lazy=True)
    opts = subset.Options()
    opts.desubroutinize, opts.layout_features, opts.notdef_outline = True, [], True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        g = glyf.glyphs[name]
        hmtx.metrics[name] = (hmtx.metrics[name][0], g.xMin if g.numberOfContours else 0)
    maxp = newTable("maxp")
    maxp.tableVersion, maxp.maxZones = 0x00010000, 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    os.close(fd)
    font.save(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)  # atomic: parallel generators may race to build the same file

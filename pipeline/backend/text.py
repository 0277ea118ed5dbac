"""Plain-text dumps: the seeds' shapes (cells split by ``|``, tabs, runs of spaces,
or one cell per line) and web-archive page dumps."""
from __future__ import annotations

import re

from ..datamodel import Cell, Document, InputError, Line, Page

ENCODINGS = ("utf-8-sig", "gb18030")
# Share of control characters above which bytes are taken for binary junk, not text.
MAX_CONTROL_SHARE = 0.02
# Cells are split on a pipe, a tab, or this many spaces (ASCII or ideographic) in a row.
MIN_SPACE_RUN = 2
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|[ \u3000]{%d,}" % MIN_SPACE_RUN)
# Web-archive dumps put their own metadata above this marker.
BODY_MARKER = re.compile(r"^=+\s*正文\s*=+\s*$")


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 or GB18030/GBK text; raise InputError for binary or unknown encodings."""
    if not data.strip():
        raise InputError("empty file")
    if b"\x00" in data[:4096]:
        raise InputError("binary file, not text (NUL bytes)")
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("unknown text encoding (neither UTF-8 nor GB18030)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError("binary junk, not text")
    return text


def split_cells(line: str) -> list[str]:
    """Split a dump line into its non-empty cells."""
    return [c.strip() for c in _CELL_SPLIT.split(line) if c.strip()]


def _cell_spans(line: str, cells: list[str], start: int) -> list[tuple[int, int]]:
    """Character spans of a line's cells (in order) in the document, the line starting at ``start``."""
    out, at = [], 0
    for c in cells:
        at = line.index(c, at)
        out.append((start + at, start + at + len(c)))
        at += len(c)
    return out


_LINE_END = re.compile(r"\r\n|\r|\n|\f")


def _raw_lines(text: str) -> list[tuple[str, int]]:
    """The text's lines with the offset where each starts (any line ending)."""
    out, at = [], 0
    for m in _LINE_END.finditer(text):
        out.append((text[at:m.start()], at))
        at = m.end()
    out.append((text[at:], at))
    return out


def text_to_page(text: str, source: str = "text") -> Page:
    """One page of Lines; archive metadata before a ``== 正文 ==`` marker is labelled other.

    Lines and cells carry their character span in ``text`` (the decoded file).
    """
    raw = _raw_lines(text)
    has_marker = any(BODY_MARKER.match(r.strip()) for r, _ in raw)
    in_body = not has_marker
    lines: list[Line] = []
    for r, start in raw:
        if not r.strip():
            continue
        if has_marker and BODY_MARKER.match(r.strip()):
            in_body = True
            lines.append(Line(r.strip(), source=source, label="other"))
            continue
        cells = split_cells(r)
        spans = _cell_spans(r, cells, start)
        line = Line(" ".join(cells), source=source)
        if len(cells) > 1:
            line.cells = [Cell(c, span=sp) for c, sp in zip(cells, spans)]
        else:
            line.span = spans[0] if spans else None
        if not in_body:
            line.label = "other"
        lines.append(line)
    return Page(1, lines, source=source)


def read_text(data: bytes, source: str, sha256: str) -> Document:
    text = decode_bytes(data)
    if text.lstrip().lower().startswith(("<!doctype html", "<html")) or "<table" in text[:200000].lower():
        from .html import read_html_text
        return read_html_text(text, source, sha256)
    return Document(source, sha256, "text", [text_to_page(text)])

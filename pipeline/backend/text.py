"""Plain-text dumps: the seeds' shapes (cells split by ``|``, tabs, runs of spaces,
or one cell per line) and web-archive page dumps."""
from __future__ import annotations

import bisect
import re
from typing import Optional

from ..datamodel import Cell, Document, InputError, Line, Page

ENCODINGS = ("utf-8-sig", "gb18030")
# Names a page may declare for the encodings above (GB2312 and GBK are subsets of GB18030).
ENCODING_ALIASES = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gb2312": "gb18030", "gbk": "gb18030",
                    "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}
# A declared charset is looked for in this many leading bytes (``<meta charset=...>``).
DECLARATION_BYTES = 4096
_DECLARED = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
# Share of control characters above which bytes are taken for binary junk, not text.
MAX_CONTROL_SHARE = 0.02
# Share of a file's bytes that may be invalid in its encoding and be replaced (a damaged
# download, a character cut in half); above it the bytes are not taken for that encoding.
MAX_INVALID_SHARE = 0.005
# Positions of replaced bytes named in the warning; the rest are counted.
MAX_LISTED_POSITIONS = 10
_ESCAPED = re.compile("[\udc80-\udcff]+")  # invalid bytes, as the surrogateescape handler leaves them
# Cells are split on a pipe, a tab, or this many spaces (ASCII or ideographic) in a row.
MIN_SPACE_RUN = 2
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|[ \u3000]{%d,}" % MIN_SPACE_RUN)
# Web-archive dumps put their own metadata above this marker.
BODY_MARKER = re.compile(r"^=+\s*正文\s*=+\s*$")


def declared_encoding(data: bytes) -> Optional[str]:
    """The codec a web page declares (``<meta charset>``, ``http-equiv``) among ours, else None."""
    m = _DECLARED.search(data[:DECLARATION_BYTES])
    return ENCODING_ALIASES.get(m.group(1).decode("ascii").lower()) if m else None


def decode_lenient(data: bytes, encoding: str) -> tuple[str, list[tuple[int, int]]]:
    """Decode, each run of invalid bytes replaced by one U+FFFD; also ``(char offset, bytes)``
    of every replacement in the returned text."""
    raw = data.decode(encoding, "surrogateescape")
    out, bad, pos, shift = [], [], 0, 0
    for m in _ESCAPED.finditer(raw):
        out.append(raw[pos:m.start()])
        bad.append((m.start() - shift, m.end() - m.start()))
        out.append("\ufffd")
        shift += m.end() - m.start() - 1
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out), bad


def _positions(text: str, bad: list[tuple[int, int]]) -> str:
    """``line L, char C`` of the first replacements, for a warning."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for off, _n in bad[:MAX_LISTED_POSITIONS]:
        ln = bisect.bisect_right(starts, off)
        out.append(f"line {ln} char {off - starts[ln - 1] + 1}")
    more = f" and {len(bad) - MAX_LISTED_POSITIONS} more" if len(bad) > MAX_LISTED_POSITIONS else ""
    return ", ".join(out) + more


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode UTF-8 or GB18030/GBK text (the declared encoding first), and warnings.

    The candidate with the fewest invalid bytes is taken (ties: declared, then UTF-8), when
    they are at most MAX_INVALID_SHARE of the file: each run of them is replaced by U+FFFD
    and a warning gives their count and positions.  (UTF-8 Chinese read as GB18030 is
    invalid wherever an odd byte run meets ASCII, so a damaged UTF-8 file stays UTF-8.)
    Raises InputError for binary junk or an unknown encoding.
    """
    if not data.strip():
        raise InputError("empty file")
    if b"\x00" in data[:4096]:
        raise InputError("binary file, not text (NUL bytes)")
    declared = declared_encoding(data)
    order = list(dict.fromkeys(([declared] if declared else []) + list(ENCODINGS)))
    lenient: dict[str, tuple[str, list]] = {}
    for enc in order:
        lenient[enc] = decode_lenient(data, enc)
        if not lenient[enc][1]:
            break  # valid as it is
    allowed = MAX_INVALID_SHARE * len(data)
    # The encoding with fewest invalid bytes wins; ties go to the declared one, then UTF-8.
    enc = min(lenient, key=lambda e: (sum(n for _, n in lenient[e][1]), order.index(e)))
    text, bad = lenient[enc]
    n_bad = sum(n for _, n in bad)
    if n_bad > allowed:
        raise InputError("unknown text encoding (neither UTF-8 nor GB18030)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError("binary junk, not text")
    warnings = []
    if bad:
        name = "UTF-8" if enc.startswith("utf-8") else "GB18030"
        warnings.append(f"{n_bad} byte(s) invalid in {name} replaced by U+FFFD in {len(bad)} place(s) "
                        f"({_positions(text, bad)}); the rest read as it is")
    return text, warnings


def decode_bytes(data: bytes) -> str:
    """:func:`decode_text` without its warnings."""
    return decode_text(data)[0]


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
    text, warnings = decode_text(data)
    if text.lstrip().lower().startswith(("<!doctype html", "<html")) or "<table" in text[:200000].lower():
        from .html import read_html_text
        doc = read_html_text(text, source, sha256)
    else:
        doc = Document(source, sha256, "text", [text_to_page(text)])
    if warnings:
        doc.warnings[:0] = warnings
        doc.recovery = {"status": "repaired", "how": warnings[0]}
    return doc

"""Web pages: block text as lines, and real ``<table>`` elements as grid rows
with their row and column spans resolved."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from ..datamodel import Cell, Document, InputError, Line, Page

BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "section",
              "article", "header", "footer", "td", "th", "table", "title", "dd", "dt", "blockquote"}
SKIP_TAGS = {"script", "style", "noscript", "head", "iframe", "svg"}
_WS = re.compile(r"[ \t\r\n\u00a0\u3000]+")
# CJK text broken across source lines must not gain spaces between characters.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")


def clean(text: str) -> str:
    """Collapse whitespace; drop spaces between two CJK characters."""
    return _CJK_GAP.sub("", _WS.sub(" ", text)).strip()


def _span(tag: Tag, attr: str) -> int:
    try:
        return max(1, min(int(str(tag.get(attr, "1")).strip() or 1), 100))
    except ValueError:
        return 1


def table_lines(table: Tag) -> list[Line]:
    """One Line per ``<tr>``; each cell gets its grid column after earlier rowspans."""
    occupied: dict[tuple[int, int], bool] = {}
    lines = []
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        col = 0
        cells = []
        for td in tr.find_all(["td", "th"], recursive=False):
            while occupied.get((r, col)):
                col += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    occupied[(r + dr, col + dc)] = True
            cells.append(Cell(clean(td.get_text(" ")), row=r, col=col, rowspan=rs, colspan=cs))
            col += cs
        if cells:
            text = " ".join(c.text for c in cells if c.text)
            lines.append(Line(text, cells=cells, source="html", in_grid=True))
    return lines


def _walk(node: Tag, out: list[Line], buf: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            buf.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in SKIP_TAGS:
            continue
        if child.name == "table":
            _flush(out, buf)
            out.extend(table_lines(child))
            continue
        block = child.name in BLOCK_TAGS
        if block:
            _flush(out, buf)
        _walk(child, out, buf)
        if block:
            _flush(out, buf)


def _flush(out: list[Line], buf: list[str]) -> None:
    text = clean("".join(buf))
    buf.clear()
    if text:
        out.append(Line(text, source="html"))


def page_text(lines: list[Line]) -> str:
    """The page's text as read: its lines joined by newlines (what HTML spans index)."""
    return "\n".join(ln.text for ln in lines)


def set_spans(lines: list[Line]) -> None:
    """Give every line, and every cell of a table row, its span in :func:`page_text`."""
    at = 0
    for ln in lines:
        ln.span = (at, at + len(ln.text))
        pos = 0
        for c in ln.cells:
            if c.text:
                pos = ln.text.index(c.text, pos)
                c.span = (at + pos, at + pos + len(c.text))
                pos += len(c.text)
        at += len(ln.text) + 1


def page_meta(soup: BeautifulSoup) -> dict:
    """The page's <title> and its named <meta> tags (name or property -> content)."""
    out = {}
    if soup.title and soup.title.string:
        out["title"] = clean(soup.title.string)
    for m in soup.find_all("meta"):
        key = m.get("name") or m.get("property") or m.get("itemprop")
        if key and m.get("content"):
            out.setdefault(str(key), clean(str(m["content"])))
    return out


def read_html_text(text: str, source: str, sha256: str) -> Document:
    soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    lines: list[Line] = []
    buf: list[str] = []
    _walk(root, lines, buf)
    _flush(lines, buf)
    set_spans(lines)
    doc = Document(source, sha256, "html", [Page(1, lines, source="html")], page_meta=page_meta(soup))
    if not lines:
        raise InputError("web page without text")
    if not re.search(r"</html\s*>", text[-2000:], re.I):
        doc.warnings.append("HTML ends without </html>: the page may be truncated")
    return doc

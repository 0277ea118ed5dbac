"""Layout: blocks -> pages of drawn runs and rules, and the gold lines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from .blocks import Block, Grid, GridCell
from .constants import ASCENT, PAGE_H, PAGE_W
from .fonts import _measure


@dataclass
class Run:
    """Text drawn at a baseline position."""
    x: float
    y: float
    text: str
    font: str
    size: float


@dataclass
class PageModel:
    runs: list[Run] = field(default_factory=list)
    rules: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    stamp_at: Optional[tuple[float, float]] = None  # centre, in points, for scans


@dataclass
class _TableGeometry:
    """A measured table: its font, ruling, padding, column edges, row heights, wrapped cells."""
    font: str
    size: float
    ruling: str
    pad: float
    lh: float
    colx: list[float]
    heights: list[float]
    wrapped: dict[int, list[str]]
    measure: Callable[[str], float]


_TOKEN = re.compile(r"[A-Za-z0-9.%/:@_\-+]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》”’%,.;:)")


def wrap(text: str, width: float, measure: Callable[[str], float], indent: float = 0.0) -> list[str]:
    """Greedy CJK line breaking: break between characters, never inside a number or word,
    and not before closing punctuation unless the line holds a single character."""
    lines, cur, used = [], "", indent
    for tok in _TOKEN.findall(text):
        w = measure(tok)
        if cur and used + w > width and (tok not in _NO_LINE_START or len(cur) < 2):
            if w > width:  # a token wider than the line: break it by characters
                for ch in tok:
                    cw = measure(ch)
                    if cur and used + cw > width:
                        lines.append(cur)
                        cur, used = "", 0.0
                    cur, used = cur + ch, used + cw
                continue
            lines.append(cur)
            cur, used = "", 0.0
        cur, used = cur + tok, used + w
    lines.append(cur)
    return lines


class _Layout:
    """Places blocks on A4 pages; every drawn line also becomes a gold line."""

    def __init__(self, style: dict):
        self.s = style
        self.left, self.right = style["margin_x"], PAGE_W - style["margin_x"]
        self.top, self.bottom = style["margin_top"], PAGE_H - style["margin_bottom"]
        self.pages: list[PageModel] = []
        self._new_page()

    @property
    def page(self) -> PageModel:
        return self.pages[-1]

    def _new_page(self) -> None:
        self.pages.append(PageModel())
        self.y = self.top

    def _ensure(self, h: float) -> None:
        if self.y + h > self.bottom and self.y > self.top:
            self._new_page()

    def _gold(self, text: str, label: str, box: tuple, **extra) -> None:
        self.page.lines.append({"page": len(self.pages), "text": text, "label": label,
                                "box": [round(v, 2) for v in box], **extra})

    def text_lines(self, text: str, font: str, size: float, label: str, *, align: str = "L",
                   indent_chars: float = 0.0, leading: float = 1.6, keep_after: float = 0.0,
                   alt_label: Optional[str] = None) -> None:
        """A paragraph: wrapped, each visual line drawn and recorded."""
        measure = _measure(font, size)
        width = self.right - self.left
        lines = wrap(text, width, measure, indent_chars * size)
        lh = size * leading
        self._ensure(lh * min(len(lines), 2) + keep_after)
        for i, line in enumerate(lines):
            self._ensure(lh)
            w = measure(line)
            x = {"L": self.left + (indent_chars * size if i == 0 else 0.0),
                 "C": (self.left + self.right - w) / 2, "R": self.right - w}[align]
            top = self.y + (lh - size) / 2
            self.page.runs.append(Run(x, top + size * ASCENT, line, font, size))
            extra = {"alt_label": alt_label} if alt_label and i == 0 else {}
            self._gold(line, label, (x, top, x + w, top + size), **extra)
            self.y += lh

    def space(self, h: float) -> None:
        self.y = min(self.y + h, self.bottom)

    # -- tables ---------------------------------------------------------------------------------

    def grid(self, g: Grid, ruling: str, font: str, size: float) -> None:
        """Lay a table out: wrap cells, size rows, paginate (optionally repeating the header)."""
        geo = self._measure_table(g, ruling, font, size)
        segments = self._paginate(g, geo.heights)
        owner = self._text_segments(g, segments, geo.heights)
        for si, (page_no, ys) in enumerate(segments):
            self._draw_segment(g, geo, page_no, ys, {k for k, v in owner.items() if v == si})

    def _measure_table(self, g: Grid, ruling: str, font: str, size: float) -> _TableGeometry:
        """Column edges, wrapped cell texts, and row heights tall enough for every cell."""
        measure = _measure(font, size)
        pad, lh = size * 0.35, size * 1.3
        colx = self._column_edges(g)
        wrapped = {id(c): wrap(c.text, colx[c.col + c.colspan] - colx[c.col] - 2 * pad, measure)
                   for c in g.cells}
        heights = [lh + 2 * pad * self.s["row_pad"]] * g.nrows
        for c in g.cells:
            if c.rowspan == 1:
                heights[c.row] = max(heights[c.row], len(wrapped[id(c)]) * lh + 2 * pad)
        for c in g.cells:
            if c.rowspan > 1:
                need = len(wrapped[id(c)]) * lh + 2 * pad
                have = sum(heights[c.row:c.row + c.rowspan])
                if need > have:
                    for r in range(c.row, c.row + c.rowspan):
                        heights[r] += (need - have) / c.rowspan
        return _TableGeometry(font, size, ruling, pad, lh, colx, heights, wrapped, measure)

    def _column_edges(self, g: Grid) -> list[float]:
        """x of every column edge; widths in ems scaled to fit the text area."""
        total_em = sum(g.widths)
        avail = self.right - self.left
        share = self.s["active_width"] if g.kind in ("active", "meta") else 1.0
        scale = avail * share / total_em
        x0 = self.left + (avail - total_em * scale) / 2
        edges = [x0]
        for w in g.widths:
            edges.append(edges[-1] + w * scale)
        return edges

    def _paginate(self, g: Grid, heights: list[float]) -> list[tuple[int, dict[int, float]]]:
        """Rows to pages: [(page index, {row: top y})]; kept rows move together."""
        units, cur = [], []
        for r in range(g.nrows):
            cur.append(r)
            if not g.keep_next[r]:
                units.append(cur)
                cur = []
        if cur:
            units.append(cur)
        segments: list[tuple[int, dict[int, float]]] = []
        ys: dict[int, float] = {}
        for unit in units:
            h = sum(heights[r] for r in unit)
            if self.y + h > self.bottom and (ys or self.y > self.top):
                if ys:
                    segments.append((len(self.pages) - 1, ys))
                self._new_page()
                ys = {}
                if self.s["repeat_header"] and g.header_rows and unit[0] >= g.header_rows:
                    for r in range(g.header_rows):
                        ys[r] = self.y
                        self.y += heights[r]
            for r in unit:
                ys[r] = self.y
                self.y += heights[r]
        segments.append((len(self.pages) - 1, ys))
        return segments

    @staticmethod
    def _text_segments(g: Grid, segments: list, heights: list[float]) -> dict[int, int]:
        """For each cell split by a page break, the segment that draws its text: the one
        holding most of its height (the first, on a tie)."""
        best: dict[int, tuple[float, int]] = {}
        for si, (_, ys) in enumerate(segments):
            for c in g.cells:
                h = sum(heights[r] for r in range(c.row, c.row + c.rowspan) if r in ys)
                if h > 0 and (id(c) not in best or h > best[id(c)][0] + 1e-6):
                    best[id(c)] = (h, si)
        return {k: v[1] for k, v in best.items()}

    def _draw_segment(self, g: Grid, geo: _TableGeometry, page_no: int, ys: dict[int, float],
                      owned: set[int]) -> None:
        """Draw the rows ``ys`` of a table on one page, and one gold line per row with text.

        A cell's text is drawn where the cell is whole, or, for a cell a page break splits, in
        the part that ``owned`` names.  A merged cell's text joins the gold line of the row its
        text block is centred on."""
        page = self.pages[page_no]
        row_texts: dict[int, list[tuple[int, str]]] = {r: [] for r in ys}
        for c in g.cells:
            rows = [r for r in range(c.row, c.row + c.rowspan) if r in ys]
            if not rows:
                continue
            box = (geo.colx[c.col], ys[rows[0]], geo.colx[c.col + c.colspan],
                   ys[rows[-1]] + geo.heights[rows[-1]])
            self._rule_cell(page, box, geo.ruling)
            if c.text and (len(rows) == c.rowspan or id(c) in owned):
                centre = self._cell_text(page, c, box, geo)
                anchor = next((r for r in rows if ys[r] <= centre < ys[r] + geo.heights[r]), rows[0])
                row_texts[anchor].append((c.col, c.text))
        for r in sorted(ys, key=lambda r: ys[r]):
            if row_texts[r]:
                box = (geo.colx[0], ys[r], geo.colx[-1], ys[r] + geo.heights[r])
                page.lines.append({"page": page_no + 1, "label": g.roles[r],
                                   "text": " ".join(t for _, t in sorted(row_texts[r])),
                                   "box": [round(v, 2) for v in box]})

    def _rule_cell(self, page: PageModel, box: tuple, ruling: str) -> None:
        """Cell borders: all four (grid), top and bottom (hlines), or none (borderless)."""
        x0, y0, x1, y1 = box
        lw = self.s["rule_width"]
        if ruling in ("grid", "hlines"):
            page.rules += [(x0, y0, x1, y0, lw), (x0, y1, x1, y1, lw)]
        if ruling == "grid":
            page.rules += [(x0, y0, x0, y1, lw), (x1, y0, x1, y1, lw)]

    @staticmethod
    def _cell_text(page: PageModel, c: GridCell, box: tuple, geo: _TableGeometry) -> float:
        """Draw a cell's wrapped text, vertically centred; returns the y of its centre."""
        x0, y0, x1, y1 = box
        lines = geo.wrapped[id(c)]
        top = y0 + (y1 - y0 - len(lines) * geo.lh) / 2
        for i, line in enumerate(lines):
            w = geo.measure(line)
            x = {"L": x0 + geo.pad, "C": (x0 + x1 - w) / 2, "R": x1 - geo.pad - w}[c.align]
            baseline = top + i * geo.lh + (geo.lh - geo.size) / 2 + geo.size * ASCENT
            page.runs.append(Run(x, baseline, line, geo.font, geo.size))
        return top + len(lines) * geo.lh / 2

    # -- page furniture -------------------------------------------------------------------------

    def furniture(self, running_header: Optional[str], number_style: Optional[str]) -> None:
        """Running header and page numbers (label ``other``), placed around each page's lines."""
        total = len(self.pages)
        font, size = self.s["body_font"], 9.0
        measure = _measure(font, size)
        for n, page in enumerate(self.pages, 1):
            head, foot = [], []
            if running_header:
                w = measure(running_header)
                x, top = (PAGE_W - w) / 2, self.top - 28
                page.runs.append(Run(x, top + size * ASCENT, running_header, font, size))
                page.rules.append((self.left, top + size + 4, self.right, top + size + 4, 0.6))
                head.append({"page": n, "text": running_header, "label": "other",
                             "box": [round(x, 2), round(top, 2), round(x + w, 2), round(top + size, 2)]})
            if number_style:
                text = number_style.format(n=n, total=total)
                w = measure(text)
                x, top = (PAGE_W - w) / 2, self.bottom + 22
                page.runs.append(Run(x, top + size * ASCENT, text, font, size))
                foot.append({"page": n, "text": text, "label": "other",
                             "box": [round(x, 2), round(top, 2), round(x + w, 2), round(top + size, 2)]})
            page.lines = head + page.lines + foot


def _layout(blocks: list[Block], style: dict) -> list[PageModel]:
    """Place every block; returns the pages with their runs, rules and gold lines."""
    lay = _Layout(style)
    body, head, size = style["body_font"], style["heading_font"], style["body_size"]
    for i, b in enumerate(blocks):
        if b.kind == "title":
            if i == 0 or blocks[i - 1].kind != "title":
                lay.space(size * 0.8)
            lay.text_lines(b.text, style["title_font"], style["title_size"], "heading", align="C",
                           leading=1.5)
            if i + 1 < len(blocks) and blocks[i + 1].kind != "title":
                lay.space(size)
        elif b.kind in ("heading", "subheading"):
            hs = style["heading_size"] if b.kind == "heading" else size
            lay.text_lines(b.text, head if b.kind == "heading" else style["sub_font"], hs, "heading",
                           indent_chars=style["heading_indent"], keep_after=size * 4, leading=1.8)
        elif b.kind == "para":
            lay.text_lines(b.text, body, size, b.label, indent_chars=2.0, leading=style["leading"],
                           alt_label=b.alt_label)
        elif b.kind == "crumb":
            lay.text_lines(b.text, body, size * 0.8, "other", leading=1.6)
        elif b.kind in ("grid", "meta"):
            lay.space(size * 0.3)
            ruling = "borderless" if b.kind == "meta" and style["tables"] != "grid" else style["tables"]
            lay.grid(b.grid, ruling, style["table_font"], style["table_size"] * (0.9 if b.kind == "meta" else 1))
            lay.space(size * 0.6)
        elif b.kind == "sign":
            lay.space(size * 2)
            lay.text_lines(b.text, body, size, "other", align="R", leading=1.6, keep_after=size * 1.6)
            lay.page.stamp_at = (lay.right - min(_measure(body, size)(b.text), 180) / 2, lay.y - size)
        elif b.kind == "date":
            lay.text_lines(b.text, body, size, "other", align="R", leading=1.6)
    running = style["running_header"]
    lay.furniture(running, style["page_numbers"])
    return lay.pages

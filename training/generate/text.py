"""Text dumps shaped like the seeds (pipe, tabs, cell_per_line, html) and the gold files."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Optional

from .blocks import Grid, GridCell
from .record import Synthetic
from .writers import scan_params


def _grid_rows(g: Grid) -> list[list[Optional[GridCell]]]:
    """Grid positions row by row: the cell starting there, or None (covered by a span)."""
    table: list[list[Optional[GridCell]]] = [[None] * g.ncols for _ in range(g.nrows)]
    for c in g.cells:
        table[c.row][c.col] = c
    return table


def _split_header(text: str) -> str:
    """Header words broken over two lines as in seed 001 (``商业\\n企业``)."""
    return f"{text[:2]}\n{text[2:]}" if len(text) == 4 else text


def _grid_text(g: Grid, style: str, split_headers: bool) -> list[tuple[str, str]]:
    """(line, label) pairs for one table in a text style."""
    out: list[tuple[str, str]] = []
    for r, cells in enumerate(_grid_rows(g)):
        label = g.roles[r]
        if style == "pipe":
            texts = [c.text for c in cells if c]
            out.append(("".join(f"{t}  | " for t in texts) + "|" * (g.ncols - len(texts)), label))
        elif style == "tabs":
            out.append(("\t".join(c.text if c else "" for c in cells), label))
        else:  # cell_per_line
            out.append(("", label))
            for c in cells:
                text = c.text if c else ""
                if c and split_headers and label == "table_header":
                    text = _split_header(text)
                for part in text.split("\n"):
                    out.append(("\t" + part, label))
    return out


def text_lines(s: Synthetic, style: str) -> list[tuple[str, str]]:
    """The report as (line, label) pairs in one of the plain-text styles."""
    if style not in ("pipe", "tabs", "cell_per_line"):
        raise ValueError(f"unknown text style {style!r}")
    split_headers = s.meta["seed"] % 2 == 0
    blank = style != "pipe"
    out: list[tuple[str, str]] = []
    for b in s.blocks:
        if b.grid is not None:
            out += _grid_text(b.grid, style, split_headers)
        else:
            out.append((b.text, "heading" if b.kind == "title" else b.label))
        if blank:
            out.append(("", ""))
    return out


def _html(s: Synthetic) -> str:
    """A government web page: metadata table, title, paragraphs, tables with rowspan/colspan."""
    title = s.meta["title"]
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title></head><body>", '<div class="article">']
    for b in s.blocks:
        if b.grid is not None:
            cls = "meta" if b.kind == "meta" else "report-table"
            parts.append(f'<table class="{cls}" border="1" cellspacing="0" cellpadding="2">')
            for cells in _grid_rows(b.grid):
                tds = []
                for c in cells:
                    if c is None:
                        continue
                    attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + \
                            (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                    tds.append(f"<td{attrs}>{escape(c.text)}</td>")
                parts.append("<tr>" + "".join(tds) + "</tr>")
            parts.append("</table>")
        elif b.kind == "title":
            parts.append(f"<h1>{escape(b.text)}</h1>")
        elif b.kind in ("heading", "subheading"):
            parts.append(f"<p><strong>{escape(b.text)}</strong></p>")
        elif b.kind == "crumb":
            parts.append(f'<div class="crumb">{escape(b.text)}</div>')
        elif b.kind in ("sign", "date"):
            parts.append(f'<p style="text-align:right">{escape(b.text)}</p>')
        else:
            parts.append(f"<p>{escape(b.text)}</p>")
    parts += ["</div>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _html_lines(s: Synthetic) -> list[tuple[str, str]]:
    """Visible lines of the web page: one per block, one per table row."""
    out = []
    for b in s.blocks:
        if b.grid is not None:
            for r, cells in enumerate(_grid_rows(b.grid)):
                out.append((" ".join(c.text for c in cells if c), b.grid.roles[r]))
        else:
            out.append((b.text, "heading" if b.kind == "title" else b.label))
    return out


def write_text(s: Synthetic, path, style: str) -> None:
    """Write a text dump like the seeds: ``pipe``, ``tabs``, ``cell_per_line`` or ``html``."""
    if style == "html":
        Path(path).write_text(_html(s), encoding="utf-8")
        return
    Path(path).write_text("\n".join(t for t, _ in text_lines(s, style)) + "\n", encoding="utf-8")


def gold_lines(s: Synthetic, style: Optional[str] = None) -> list[dict]:
    """Gold lines for the PDF/scan (default) or for a text style (page 1, non-blank lines)."""
    if style in (None, "pdf", "scan"):
        return s.lines
    pairs = _html_lines(s) if style == "html" else text_lines(s, style)
    return [{"page": 1, "text": t, "label": lab} for t, lab in pairs if t.strip()]


def write_gold(s: Synthetic, path, *, style: Optional[str] = None) -> None:
    """Write ``{"template", "fields", "lines", "meta"}``; lines for the given output style
    (a scan's meta also holds its degradation, as drawn by ``write_scan``'s default seed)."""
    meta = {**s.meta, "scan": scan_params(s.meta["seed"])} if style == "scan" else s.meta
    doc = {"template": s.template, "fields": s.fields, "lines": gold_lines(s, style), "meta": meta}
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

"""The logical document: blocks of text and table grids."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Optional

from pipeline import template as T
from .constants import (APPLICANTS, ARTICLE_OF_ROW, CN_NUM, INFO_CONTENT, LITIGATION, META_TOPICS, ORGS,
                        PRINTED_SUFFIX, REQUESTS_CORNER, RESULTS_GROUP, SECTION_TITLES, WEB_CRUMBS)
from .numbers import _fmt_value, _printed_request_rows


@dataclass
class GridCell:
    """One (possibly merged) table cell."""
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    align: str = "C"  # L, C or R


@dataclass
class Grid:
    """A table: cells on a grid, the role (gold label) of each row, and rows kept with the next."""
    kind: str
    ncols: int
    widths: list[float]          # column widths in ems of the table font
    cells: list[GridCell]
    roles: list[str]
    keep_next: list[bool]
    header_rows: int = 0         # rows repeated after a page break when the layout repeats them

    @property
    def nrows(self) -> int:
        return len(self.roles)


@dataclass
class Block:
    """One logical block: title, heading, subheading, para, meta, grid, sign, date, crumb."""
    kind: str
    text: str = ""
    label: str = "narrative"
    grid: Optional[Grid] = None
    alt_label: Optional[str] = None  # run-in sub-heading paragraphs: narrative, alt heading


CELL_DEFAULTS = (None, None, 1, 1, "C")  # col, text, rowspan, colspan, align


class _GridBuilder:
    """Accumulates cells row by row."""

    def __init__(self, ncols: int):
        self.ncols, self.cells, self.roles, self.keep = ncols, [], [], []

    def row(self, role: str, cells: list[tuple], keep_next: bool = False) -> int:
        """Add a row; ``cells`` are (col, text, rowspan, colspan, align) tuples (tail optional)."""
        r = len(self.roles)
        for c in cells:
            col, text, rs, cs, align = tuple(c) + CELL_DEFAULTS[len(c):]
            self.cells.append(GridCell(text, r, col, rs, cs, align))
        self.roles.append(role)
        self.keep.append(keep_next)
        return r

    def build(self, kind: str, widths: list[float], header_rows: int = 0) -> Grid:
        return Grid(kind, self.ncols, widths, self.cells, self.roles, self.keep, header_rows)


def _bracketed(text: str, half: bool) -> str:
    """Use half-width brackets where the report does (seed 000)."""
    return text.replace("（", "(").replace("）", ")") if half else text


def _item_label(label: str, style: dict) -> str:
    """Printed numbering of sub-items: ``1.`` / ``1. `` / ``1、``."""
    m = re.match(r"^(\d)\.(.*)$", label)
    if m:
        label = f"{m.group(1)}{style['item_sep']}{m.group(2)}"
    return _bracketed(label, style["half_brackets"])


def _active_grid(fmt: str, fields: dict, style: dict) -> Grid:
    """Table 二: one block per article of 第二十条, 4 columns, value cells spanning the rest."""
    table = T.get(fmt).table("active")
    g = _GridBuilder(4)
    rows_by_article: dict[str, list[T.Row]] = {}
    for r in table.rows:
        rows_by_article.setdefault(ARTICLE_OF_ROW[r.id], []).append(r)
    for article, rows in rows_by_article.items():
        caption = _bracketed(f"第二十条第（{article}）项", style["half_brackets"])
        g.row("table_header", [(0, caption, 1, 4, "L" if style["caption_left"] else "C")], True)
        cols = rows[0].columns
        g.row("table_header", [(0, INFO_CONTENT)] + _spread([c.label for c in cols], 1, 4), True)
        for i, r in enumerate(rows):
            values = [_fmt_value(fields[f"active.{r.id}.{c.id}"], c.decimal, style["decimals"])
                      for c in r.columns]
            g.row("table_row", [(0, r.label, 1, 1, "L")] + _spread(values, 1, 4), i < len(rows) - 1)
    return g.build("active", [8.0, 6.0, 6.0, 6.0])


def _spread(texts: list[str], first: int, ncols: int) -> list[tuple]:
    """Cells for ``texts`` from column ``first``; the last one spans to the table's edge."""
    cells = []
    for i, t in enumerate(texts):
        span = ncols - first - i if i == len(texts) - 1 else 1
        cells.append((first + i, t, 1, span, "C"))
    return cells


def _requests_grid(fmt: str, fields: dict, style: dict, single_other: bool) -> Grid:
    """Table 三: 3 label columns + 7 value columns, three header rows, merged group labels."""
    cols = T.get(fmt).table("requests").rows[0].columns
    g = _GridBuilder(10)
    half = style["half_brackets"]
    g.row("table_header", [(0, _bracketed(REQUESTS_CORNER, half), 3, 3, "C"), (3, APPLICANTS, 1, 7)], True)
    g.row("table_header", [(3, cols[0].label, 2, 1), (4, ORGS, 1, 5), (9, cols[-1].label, 2, 1)], True)
    g.row("table_header", [(4 + i, c.label) for i, c in enumerate(cols[1:6])], True)
    rows = _printed_request_rows(fmt, single_other)
    first_result = next(i for i, r in enumerate(rows) if r.id == "granted")
    last_result = next(i for i, r in enumerate(rows) if r.id == "total")
    group_len: dict[str, int] = {}
    for r in rows:
        if r.group.startswith(("（三）", "（四）", "（五）", "（六）")):
            group_len[r.group] = group_len.get(r.group, 0) + 1
    seen: set[str] = set()
    for i, r in enumerate(rows):
        values = [(3 + j, str(fields[f"requests.{r.id}.{c.id}"])) for j, c in enumerate(cols)]
        label = _item_label(r.label + PRINTED_SUFFIX.get(r.id, ""), style)
        cells: list[tuple] = []
        if i == first_result:
            cells.append((0, RESULTS_GROUP, last_result - first_result + 1, 1, "C"))
        if r.id in ("new", "carried_in", "carried_out"):
            cells.append((0, label, 1, 3, "L"))
        elif r.group in group_len:
            if r.group not in seen:
                seen.add(r.group)
                cells.append((1, _bracketed(r.group, half), group_len[r.group], 1, "C"))
            cells.append((2, label, 1, 1, "L"))
        else:
            cells.append((1, label, 1, 2, "L"))
        g.row("table_row", cells + values)
    return g.build("requests", style["requests_widths"], header_rows=3)


def _review_grid(fields: dict) -> Grid:
    """Table 四: 15 columns, a two-level header under 行政复议 / 行政诉讼, one row of values."""
    table = T.get("2021").table("review")
    cols = table.rows[0].columns
    recon, direct, after = table.rows
    g = _GridBuilder(15)
    g.row("table_header", [(0, recon.label, 1, 5), (5, LITIGATION, 1, 10)], True)
    g.row("table_header", [(i, c.label, 2, 1) for i, c in enumerate(cols)]
          + [(5, direct.label, 1, 5), (10, after.label, 1, 5)], True)
    g.row("table_header", [(5 + i, c.label) for i, c in enumerate(cols + cols)], True)
    g.row("table_row", [(i, str(fields[f"review.{grp.id}.{c.id}"]))
                        for i, (grp, c) in enumerate((grp, c) for grp in table.rows for c in cols)])
    return g.build("review", [2.4] * 15, header_rows=3)


def _meta_grid(rng: random.Random, ctx: dict) -> Grid:
    """Web-page metadata (信息索引号 …) as a small 4-column table, labelled ``other``."""
    code = f"{rng.randint(110000, 659999)}{rng.choice(('ZF', 'QT', 'XX', 'SJ'))}{rng.randint(100, 999)}0000"
    pairs = [("信息索引号：", f"{code}/{ctx['year'] + 1}-{rng.randint(1, 999):05d}"),
             ("主题分类：", rng.choice(META_TOPICS)),
             ("发布机构：", ctx["agency"]), ("成文日期：", ctx["dates"]["iso"]),
             ("体裁分类：", rng.choice(("其他", "报告", "年度报告"))), ("公开方式：", "主动公开")]
    g = _GridBuilder(4)
    for i in range(0, len(pairs), 2):
        (k1, v1), (k2, v2) = pairs[i], pairs[i + 1]
        g.row("other", [(0, k1, 1, 1, "L"), (1, v1, 1, 1, "L"), (2, k2, 1, 1, "L"), (3, v2, 1, 1, "L")], True)
    return g.build("meta", [5.0, 14.0, 5.0, 10.0])


def _numbered(idx: int, title: str, style: dict) -> str:
    """Section heading with the report's numbering style."""
    num = {"cn": f"{CN_NUM[idx]}、", "cn_space": f"{CN_NUM[idx]}、 ", "none": ""}[style["numbering"]]
    if idx == 1 and style["numbering"] == "none" and style["number_first_only"]:
        num = f"{CN_NUM[idx]}、"
    return num + title


def _sub(idx: int, title: str, style: dict) -> str:
    return _bracketed(f"（{CN_NUM[idx]}）", style["half_brackets"]) + title


def _blocks(rng: random.Random, ctx: dict, fields: dict, text: dict, style: dict) -> list[Block]:
    """The report's logical content, in reading order."""
    year, agency = ctx["year"], ctx["agency"]
    yr = f"{year} 年" if ctx["spaced_numbers"] else f"{year}年"
    out: list[Block] = []
    if style["web_meta"]:
        out.append(Block("crumb", rng.choice(WEB_CRUMBS), "other"))
        out.append(Block("meta", label="other", grid=_meta_grid(rng, ctx)))
    report = ctx["report_title"]
    if style["title_split"]:
        out += [Block("title", agency, "heading"), Block("title", f"{yr}{report}", "heading")]
    else:
        out.append(Block("title", f"{agency}{yr}{report}", "heading"))
    if style["web_meta"]:
        out.append(Block("crumb", f"发布时间：{ctx['dates']['iso']}　来源：{agency}", "other"))
    if style["preamble"]:
        out.append(Block("para", (
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与政务公开办公室"
            f"关于政府信息公开工作年度报告格式的要求编制。报告所列数据的统计期限自{yr}1月1日起至{yr}12月31日止。"
            f"本报告电子版可在{agency}门户网站下载。如对本报告有疑问，请与{agency}办公室联系（电话："
            f"0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}）。")))
    out.append(Block("heading", _numbered(1, SECTION_TITLES[0], style), "heading"))
    out.append(Block("para", text["intro"]))
    subs = (("主动公开", text["active"]), ("依申请公开", text["requests"]),
            ("政府信息管理", text["management"]), ("平台建设", text["platform"]),
            ("监督保障", text["supervision"]))
    for i, (name, body) in enumerate(subs, 1):
        title = _sub(i, name + style["sub_suffix"], style)
        if style["sub_inline"]:
            out.append(Block("para", f"{title}。{body}", alt_label="heading"))
        else:
            out += [Block("subheading", title, "heading"), Block("para", body)]
    out.append(Block("heading", _numbered(2, SECTION_TITLES[1], style), "heading"))
    out.append(Block("grid", label="table", grid=_active_grid(ctx["format"], fields, style)))
    out.append(Block("heading", _numbered(3, SECTION_TITLES[2], style), "heading"))
    out.append(Block("grid", label="table",
                     grid=_requests_grid(ctx["format"], fields, style, ctx["single_other"])))
    out.append(Block("heading", _numbered(4, SECTION_TITLES[3], style), "heading"))
    out.append(Block("grid", label="table", grid=_review_grid(fields)))
    out.append(Block("heading", _numbered(5, SECTION_TITLES[4], style), "heading"))
    out += _problem_blocks(rng, text, style, year)
    out.append(Block("heading", _numbered(6, SECTION_TITLES[5], style), "heading"))
    out.append(Block("para", text["other"]))
    if style["signature"]:
        out.append(Block("sign", agency, "other"))
        out.append(Block("date", ctx["dates"]["cn_numerals" if style["cn_date"] else "cn"], "other"))
    return out


def _problem_blocks(rng: random.Random, text: dict, style: dict, year: int) -> list[Block]:
    """Section 五: prose, or sub-headings with a numbered list (seed 003)."""
    problems, fixes = text["problems"], text["fixes"]
    kind = rng.choice(("prose", "list", "yishi"))
    if kind == "prose":
        return [Block("para", f"{year}年，政府信息公开工作取得了一定成效，但也存在一些不足：" + "；".join(problems)
                      + "。下一步，将" + "；".join(fixes) + "。")]
    out = [Block("subheading", _sub(1, "存在的主要问题", style), "heading")]
    marks = ("一是", "二是", "三是") if kind == "yishi" else ("1、", "2、", "3、")
    out += [Block("para", f"{marks[i]}{p}。") for i, p in enumerate(problems)]
    out.append(Block("subheading", _sub(2, "改进措施", style), "heading"))
    out += [Block("para", f"{marks[i]}{p}。") for i, p in enumerate(fixes)]
    return out

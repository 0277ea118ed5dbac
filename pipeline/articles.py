"""Table 二's rows placed by the article of 第二十条 whose caption they follow.

On a fax the active table's row labels and headers read as noise (政市 for 规章, 行政效西 for
行政处罚: development borderless fax 1003006), and the table's rows come in pairs of one shape
(规章 and 行政规范性文件 three numbers each; 行政许可, 处罚, 强制 and 收费 one): by shape and order
alone no row can be told (``assemble.align_by_shape`` places none).  Each sub-table's caption,
"第二十条第（五）项", and its column headings are header lines: the reads after them are one
sub-table, whose article the caption's numeral names where it survives the noise ("第二十奉糖
（五」增"), else its place among the sub-tables; its reads are that article's rows
(``template.ACTIVE_ARTICLES``), in the template's order.
"""
from __future__ import annotations

import re
from typing import Optional

from .template import ACTIVE_ARTICLES, Row

# "二十" or "十条" (a fax loses the 二: "·十条第（六]") then at most this many characters (条第（,
# or their noise) before the article's numeral.
ARTICLE_GAP_CHARS = 4
_ARTICLE = re.compile(r"(?:二十|十条).{0,%d}?([%s])" % (ARTICLE_GAP_CHARS,
                                                   "".join(sorted(set(ACTIVE_ARTICLES.values())))))


def article_of(label: str) -> Optional[str]:
    """The numeral of the last 第二十条 caption in a read's label text (header lines before the
    row are part of it), or None where it holds none."""
    found = _ARTICLE.findall(label)
    return found[-1] if found else None


def sub_tables(run: list) -> list[list]:
    """``run`` (``assemble.RowRead``s in reading order) cut before each read that follows header
    lines (label text read on table_header lines: a caption and its column headings), each
    piece one sub-table's reads."""
    groups: list[list] = []
    for rr in run:
        if not groups or rr.label != rr.row_label:
            groups.append([])
        groups[-1].append(rr)
    return groups


def group_articles(groups: list[list], order: list[str]) -> list[Optional[str]]:
    """The article of each sub-table (``order``: the table's articles in order): its caption's
    numeral where readable (and after the one before it); between two read numerals, and before
    the first, the articles between in order where the sub-tables are exactly as many; after
    the last, the following articles in order; otherwise None."""
    known: list[Optional[int]] = []
    last = -1
    for g in groups:
        a = article_of(g[0].label)
        k = order.index(a) if a in order and order.index(a) > last else None
        last = k if k is not None else last
        known.append(k)
    out = [order[k] if k is not None else None for k in known]
    anchors = [(i, k) for i, k in enumerate(known) if k is not None]
    bounds = [(-1, -1)] + anchors + [(len(groups), len(order))]
    for (i0, k0), (i1, k1) in zip(bounds, bounds[1:]):
        between, arts = range(i0 + 1, i1), range(k0 + 1, k1)
        if len(between) == len(arts) or (i0 >= 0 and i1 == len(groups)):
            for g, k in zip(between, arts):
                out[g] = order[k]
    return out


def pair_by_article(run: list, gap: list[Row], table_rows: list[Row], of_shape) -> list[tuple]:
    """(read, row) pairs of unmatched reads (``run``, ``assemble.RowRead``s in reading order)
    and missing rows (``gap``; ``table_rows``: all the table's): each sub-table's reads
    (:func:`sub_tables`, :func:`group_articles`) are its article's missing rows, in order,
    where they are exactly as many and each has its row's shape (``of_shape(read, row)``);
    where they are more, the reads whose numbers were read on the header lines (a caption's
    numeral read as a digit) are dropped first.  Other sub-tables place none."""
    # The articles with rows missing, in the table's order: a run starts after the rows read.
    missing = {r.id for r in gap}
    order = list(dict.fromkeys(ACTIVE_ARTICLES[r.id] for r in table_rows if r.id in missing and r.id in ACTIVE_ARTICLES))
    groups = sub_tables(run)
    pairs = []
    for reads, article in zip(groups, group_articles(groups, order)):
        rows = [r for r in gap if ACTIVE_ARTICLES.get(r.id) == article]
        if len(reads) > len(rows):
            reads = [rr for rr in reads if rr.row_label]
        if rows and len(rows) == len(reads) and all(of_shape(rr, row) for rr, row in zip(reads, rows)):
            pairs += list(zip(reads, rows))
    return pairs

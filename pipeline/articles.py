"""Table 二's rows placed by the article of 第二十条 whose caption they follow.

On a fax the active table's row labels and headers read as noise (政市 for 规章, 行政效西 for
行政处罚: development borderless fax 1003006), and the table's rows come in pairs of one shape
(规章 and 行政规范性文件 three numbers each; 行政许可, 处罚, 强制 and 收费 one): by shape and order
alone no row can be told (``assemble.align_by_shape`` places none).  Each sub-table's caption,
"第二十条第（五）项", keeps its numeral through the noise ("第二十奉糖（五」增"); the reads after
it are its article's rows (``template.ACTIVE_ARTICLES``), in the template's order.
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


def pair_by_article(run: list, gap: list[Row], of_shape) -> list[tuple]:
    """(read, row) pairs of unmatched reads (``run``, ``assemble.RowRead``s in reading order)
    and missing rows (``gap``): the reads after a caption are its article's missing rows, in
    order, where they are exactly as many and each has its row's shape (``of_shape(read,
    row)``); the reads before any caption, and an article's reads that do not fit so, none."""
    groups: dict[str, list] = {}
    current = None
    for rr in run:
        current = article_of(rr.label) or current
        if current is not None:
            groups.setdefault(current, []).append(rr)
    pairs = []
    for article, reads in groups.items():
        rows = [r for r in gap if ACTIVE_ARTICLES.get(r.id) == article]
        if len(rows) == len(reads) and all(of_shape(rr, row) for rr, row in zip(reads, rows)):
            pairs += list(zip(reads, rows))
    return pairs

"""The words and shapes of a report's lines, shared by the rule labeler (``labels``),
the classifier's features (``features``), the assembler and the narrative reader:
numbering, numbers, metadata keys, page chrome, dates, section headings and the
template's row keys.  Patterns only; what a line *is* is decided by those modules.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Optional

from .template import SECTIONS, TEMPLATES, normalize

# A heading is short; a longer line opening with 一、 is a narrative paragraph.
MAX_HEADING_CHARS = 40
# Metadata and page chrome are short lines; a long line that starts with them is body text.
MAX_CHROME_CHARS = 200
NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?(万元|元|件|条|个)?$")
SECTION_NUM = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]")
SUB_NUM = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[)）]")
METADATA = re.compile(r"^(信息索引号|索引号|主题分类|体裁分类|发布机构|成文日期|发文日期|公开方式|发布日期|"
                      r"发布时间|文号|标题|栏目|原文链接|本地目录|页面链接|来源|当前位置|浏览次数|字号)\s*[:：]?")
DATE_LINE = re.compile(r"^\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*$")
PAGE_NUMBER = re.compile(r"^\s*([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")
CHROME = ("附件下载", "打印本页", "关闭窗口", "【打印】", "【关闭】", "扫一扫", "分享到")
AGENCY_END = re.compile(r"(局|委|委员会|政府|办公室|办公厅|院|中心|厅|部|署|会|所|站|队|街道办事处|办事处|管委会|镇|乡)$")


@lru_cache(maxsize=8192)
def is_number(text: str) -> bool:
    """True for a cell holding one number (thousands commas, a unit such as 件 or 万元 allowed)."""
    return bool(NUMBER.match(unicodedata.normalize("NFKC", text).strip().replace(" ", "")))


@lru_cache(maxsize=8192)
def section_of(text: str) -> Optional[str]:
    """The section id a heading line opens (overview … other), or None."""
    n = normalize(text)
    # A sentence (it ends in 。) that names a section is prose, not its heading.
    if len(n) > MAX_HEADING_CHARS or text.rstrip().endswith(("。", "；", ";")):
        return None
    m = SECTION_NUM.match(unicodedata.normalize("NFKC", text))
    for sid, numeral, keys in SECTIONS:
        if any(k in n for k in keys):
            # 行政复议 words occur in table 四's header too: only a numbered line, or the
            # full heading (…行政复议、行政诉讼情况), opens 四.
            if sid == "review" and not (m and m.group(1) == numeral) and not (
                    all(k in n for k in keys) and n.endswith("情况")):
                continue
            if m and m.group(1) != numeral and sid != "overview":
                continue
            return sid
    return None




def row_keys(exclude_tables: Iterable[str] = (), min_chars: int = 1) -> tuple[str, ...]:
    """The template's row keys (both formats), sorted; keys of ``exclude_tables`` and keys
    shorter than ``min_chars`` left out."""
    skip = set(exclude_tables)
    return tuple(sorted({k for t in TEMPLATES.values() for tab in t.tables if tab.id not in skip
                         for r in tab.rows for k in r.keys if len(k) >= min_chars}))

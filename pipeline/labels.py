"""Line labels: the rule labeler (the baseline) and the entry point that
applies whichever labeler is chosen.

Labels (see LABELS in datamodel): heading, table_header, table_row, narrative,
other (page furniture, web-page metadata, signature and date).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable, Optional, Sequence

from .datamodel import Document, Line
from .template import SECTIONS, TEMPLATES, normalize

# A heading is short; a longer line opening with 一、 is a narrative paragraph.
MAX_HEADING_CHARS = 40
MAX_SUBHEADING_CHARS = 30
# Metadata and page chrome are short lines; a long line that starts with them is body text.
MAX_CHROME_CHARS = 200
# Section 二 to 四 hold the tables.
TABLE_SECTIONS = ("active", "requests", "review")

NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?(万元|元|件|条|个)?$")
SECTION_NUM = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]")
SUB_NUM = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[)）]")
METADATA = re.compile(r"^(信息索引号|索引号|主题分类|体裁分类|发布机构|成文日期|发文日期|公开方式|发布日期|"
                      r"发布时间|文号|标题|栏目|原文链接|本地目录|页面链接|来源|当前位置|浏览次数|字号)\s*[:：]?")
DATE_LINE = re.compile(r"^\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*$")
PAGE_NUMBER = re.compile(r"^\s*([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")
CHROME = ("附件下载", "打印本页", "关闭窗口", "【打印】", "【关闭】", "扫一扫", "分享到")
AGENCY_END = re.compile(r"(局|委|委员会|政府|办公室|办公厅|院|中心|厅|部|署|会|所|站|队|街道办事处|办事处|管委会|镇|乡)$")


def is_number(text: str) -> bool:
    return bool(NUMBER.match(unicodedata.normalize("NFKC", text).strip().replace(" ", "")))


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


def is_heading(text: str) -> bool:
    s = unicodedata.normalize("NFKC", text).strip()
    if section_of(s):
        return True
    if "年度报告" in s and len(s) <= MAX_HEADING_CHARS and not is_number(s[-1:]):
        return True
    body = re.sub(r"\s", "", s)
    if (SECTION_NUM.match(s) or SUB_NUM.match(s)) and len(body) <= MAX_SUBHEADING_CHARS \
            and not re.search(r"\d\s*$", body) and not body.endswith(("。", "；", ";")):
        return True
    return False


def rule_label(lines: Sequence[Line]) -> list[str]:
    """Label lines with hand rules; lines already labelled (furniture) keep theirs."""
    out: list[str] = []
    section: Optional[str] = None
    after_six = False
    last_text = max((i for i, ln in enumerate(lines) if ln.text.strip()), default=-1)
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        if ln.label:
            out.append(ln.label)
            continue
        sid = section_of(text)
        cells = ln.cell_texts
        numeric = sum(1 for c in cells if is_number(c))
        if sid:
            section = sid
            after_six = sid == "other"
            out.append("heading")
        elif len(text) <= MAX_CHROME_CHARS and (METADATA.match(text) or any(c in text for c in CHROME)) or (
                PAGE_NUMBER.match(text) and section not in TABLE_SECTIONS):
            out.append("other")
        elif DATE_LINE.match(text) and (after_six or i >= last_text - 2):
            out.append("other")
        elif after_six and i >= last_text - 3 and len(text) <= MAX_SUBHEADING_CHARS \
                and AGENCY_END.search(text):
            out.append("other")
        elif section in TABLE_SECTIONS and (ln.in_grid or ln.cells or numeric or len(text) <= 60):
            if numeric:
                out.append("table_row")
            elif _looks_like_row_label(text) or _has_row_key(text):
                out.append("table_row")
            elif section == "active" or ln.in_grid or ln.cells or len(text) <= 60:
                out.append("table_header")
            else:
                out.append("narrative")
        elif is_heading(text):
            out.append("heading")
        else:
            out.append("narrative")
    return out


_ROW_LABEL = re.compile(r"^\s*([（(]\s*[一二三四五六七]\s*[)）]|[一二三四]、|\d\s*[.．、])")


_ROW_KEYS = tuple({k for t in TEMPLATES.values() for tab in t.tables if tab.id != "review"
                   for r in tab.rows for k in r.keys})


def _has_row_key(text: str) -> bool:
    n = normalize(text)
    return len(n) <= 60 and any(k in n for k in _ROW_KEYS)


def _looks_like_row_label(text: str) -> bool:
    return bool(_ROW_LABEL.match(unicodedata.normalize("NFKC", text)))


Labeler = Callable[[Sequence[Line]], list[str]]


def apply_labels(doc: Document, labeler: Optional[Labeler] = None) -> None:
    """Set ``Line.label`` on every line of ``doc`` (rule labeler when none given)."""
    lines = doc.lines
    labels = (labeler or rule_label)(lines)
    for ln, lab in zip(lines, labels):
        ln.label = lab

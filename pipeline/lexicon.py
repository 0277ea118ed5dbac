"""The words and shapes of a report's lines, shared by the rule labeler (``labels``),
the classifier's features (``features``), the assembler and the narrative reader:
numbering, numbers, metadata keys, page chrome, dates, section headings and the
template's row keys.  Patterns only; what a line *is* is decided by those modules.

Every number, page-number and item-numbering pattern of the project is written here once
(the PDF and scan backends, the run-together decoder, the features and the benchmarks
import them); where a concept has variants, the comment above them says why.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from .template import SECTIONS, TEMPLATES, normalize

# A heading is short; a longer line opening with 一、 is a narrative paragraph.
MAX_HEADING_CHARS = 40
# A numbered heading (三、…) whose words resemble its section's this much (partial_ratio)
# opens it: the numeral is read well where the words are damaged (faxes).  Keys shorter
# than HEADING_FUZZY_MIN_KEY must be found exactly.
HEADING_FUZZY_SCORE = 70
HEADING_FUZZY_MIN_KEY = 5
LOST_NUMERAL_MARKS = "、，,"  # a heading starting with one of these lost its numeral to OCR
# Metadata and page chrome are short lines; a long line that starts with them is body text.
MAX_CHROME_CHARS = 200

# --- numbers ---------------------------------------------------------------------------
# One numeral, written once: digits with thousands commas (ASCII or full-width: text
# PDFs and OCR give both), optional decimals, optional sign.  The variants differ only
# in what may follow it, because their callers read different things.
_NUMERAL = r"[+-]?\d[\d,，]*(\.\d+)?"


def ideographs(text: str) -> int:
    """How many CJK ideographs ``text`` holds (words of a label: never a misread number)."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")

NUMBER = re.compile(rf"^{_NUMERAL}(万元|元|件|条|个)?$")
"""A line's or cell's one number, a unit such as 件 or 万元 allowed (``is_number``,
``assemble.parse_number``; they apply it after NFKC and with spaces removed)."""

NUMBER_OR_PERCENT = re.compile(rf"^{_NUMERAL}%?$")
"""A text PDF cell's value as its glyphs print it: ``12``, ``1,234``, ``-3``, ``5%``
(``layout.is_number``; units stay words there, so a grid's value columns stay apart)."""

BARE_NUMBER = re.compile(rf"^{_NUMERAL}$")
"""A number and nothing else: how the peer readers' output is counted (``benchmarks``)."""

PROSE_NUMERAL = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
"""A number inside a sentence (a fragment of ``facts.QUANTITY``): a comma counts as a
thousands separator only before three digits (elsewhere in prose it separates clauses)."""

DECIMAL = re.compile(r"(-?)(\d+)(\.\d+)?")
"""A printed cell's number as its digits alone write it (sign, digits, decimals as
groups; no commas, no units): the cells of a run-together dump (``runtogether``) and a
plain OCR token (``benchmarks``).  Use with ``fullmatch``."""

NUMBER_RUN = re.compile(r"-?\d[\d\s.\-]*")
"""The cells a row prints, run together: digits, spaces, '.', '-' (``runtogether``)."""

SPACED_DIGITS = re.compile(r"\d[\d\s]*")
"""Digits with spaces among them (table 四's run in a run-together dump, which prints
no decimals and no signs)."""

DIGITS = re.compile(r"\d+")
"""A run of digits: folded to one token where lines are compared digits aside (features,
running headers and footers) and counted where cells run together."""

# --- numbering (enumerators) -------------------------------------------------------------
_CN_NUMERALS = "一二三四五六七八九十"

SECTION_NUM = re.compile(rf"^\s*([{_CN_NUMERALS}]+)\s*[、.．]")
"""A section's numbering: 一、 … 七、 (its numeral as group 1)."""

SUB_NUM = re.compile(rf"^\s*[（(]\s*[{_CN_NUMERALS}]+\s*[)）]")
"""A sub-heading's numbering: （一） …"""

ARABIC_NUM = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*\D")
"""An arabic heading numbering: ``1.``, ``2、`` followed by words (a feature of a line)."""

ARABIC_PAREN = re.compile(r"^\s*[（(]\s*\d{1,2}\s*[)）]")
"""An arabic bracketed numbering: ``(1)``, ``（2）``."""

DI_NUM = re.compile(rf"^\s*第[{_CN_NUMERALS}\d]+[条章节项部分]")
"""A 第…条 numbering (articles, chapters), as a line quoting a regulation opens."""

RUN_IN_HEADING = re.compile(rf"^\s*[（(]?\s*[{_CN_NUMERALS}]+\s*[)）、.．]?\s*[^。]{{2,20}}[。：:]")
"""A numbered heading run into its paragraph: ``（一）主动公开情况。本年度…``."""

ENUMERATOR = re.compile(rf"^\s*([（(]\s*[{_CN_NUMERALS}\d]+\s*[)）]|[{_CN_NUMERALS}]+\s*[、.．]|"
                        r"\d+\s*[.、．]|[①-⑳])")
"""Any item numbering a table label can open with: (一) (3) 一、 3. ①.  Such a label
opens a new row or group: it never continues a cell from the previous page (PDF), and
an OCR'd piece that starts with it is the row's label, not a wrapped tail (scan)."""

ROW_LABEL = re.compile(r"^\s*([（(]\s*[一二三四五六七]\s*[)）]|[一二三四]、|\d\s*[.．、])")
"""The numbering the template's own row labels use, and only it: （一）…（七）,
一、…四、, 1. … 9.  Narrower than ENUMERATOR, so that a narrative list item is not
taken for a table row by the rule labeler (``labels``)."""

# --- metadata, dates, chrome -------------------------------------------------------------
METADATA = re.compile(r"^(信息索引号|索引号|主题分类|体裁分类|发布机构|成文日期|发文日期|公开方式|发布日期|"
                      r"发布时间|文号|标题|栏目|原文链接|本地目录|页面链接|来源|当前位置|浏览次数|字号)\s*[:：]?")
DATE_LINE = re.compile(r"^\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*$")

# --- page numbers ------------------------------------------------------------------------
# Three readers meet page numbers in three situations, so there are three variants:
# a line with no position (text, HTML, the line labeler and classifier), a text PDF line
# whose position is known (strong forms anywhere, bare numbers only in the furniture
# band, where no table cell sits), and an OCR'd line in a scan's margin (OCR adds stray
# dots, dashes and underscores around it).
PAGE_NUMBER = re.compile(r"^\s*([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")
"""A line that is a page number, wherever it came from: ``- 3 -``, ``第3页 共5页``, ``3/5``,
``3``; a bare number has at most 3 digits (four are a year: ``2019``)."""

PAGE_NUMBER_STRONG = re.compile(
    r"^\s*([-－—–~～·•]+\s*\d{1,4}\s*[-－—–~～·•]+|第\s*\d{1,4}\s*页(\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[，,]?\s*第\s*\d{1,4}\s*页|(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?)\s*$", re.I)
"""Page numbers wherever they sit on a PDF page: ``- 3 -``, ``第 3 页``, ``第3页 共5页``,
``Page 3 of 5`` (a table cell never reads like this)."""

PAGE_NUMBER_IN_BAND = re.compile(r"^\s*(\d{1,4}|\d{1,4}\s*/\s*\d{1,4})\s*$")
"""Page numbers recognised only inside a PDF page's furniture band: ``3``, ``3/5`` (in
the body they are table cells)."""

PAGE_NUMBER_OCR = re.compile(r"^[\s\-—–－_·.]*(第\s*)?\d{1,4}(\s*页)?([\s/／]*(共\s*)?\d{1,4}\s*页?)?[\s\-—–－_·.]*$")
"""An OCR'd line in a scan's top or bottom margin that is a page number, with the stray
dashes, dots and underscores OCR reads around it, and 页 or 共 dropped or kept."""


def is_page_number(text: str, in_band: bool) -> bool:
    """A PDF line that is a page number: ``- 3 -``, ``第 3 页`` anywhere; a bare ``3`` or
    ``3/5`` only in the furniture band."""
    return bool(PAGE_NUMBER_STRONG.match(text) or (in_band and PAGE_NUMBER_IN_BAND.match(text)))


CHROME = ("附件下载", "打印本页", "关闭窗口", "【打印】", "【关闭】", "扫一扫", "分享到")
AGENCY_END = re.compile(r"(局|委|委员会|政府|办公室|办公厅|院|中心|厅|部|署|会|所|站|队|街道办事处|办事处|管委会|镇|乡)$")


WORDS_MIN_IDEOGRAPHS = 2  # a cell's text with this many ideographs is words (a label), never a misread number


def is_words(text: str, min_ideographs: int = WORDS_MIN_IDEOGRAPHS) -> bool:
    """Text with ``min_ideographs`` or more ideographs is a label or prose, never a misread number."""
    return ideographs(text) >= min_ideographs


@lru_cache(maxsize=8192)
def is_number(text: str) -> bool:
    """True for a cell holding one number (thousands commas, a unit such as 件 or 万元 allowed)."""
    return bool(NUMBER.match(unicodedata.normalize("NFKC", text).strip().replace(" ", "")))


@lru_cache(maxsize=8192)
def _resembles(text: str, keys: Sequence[str]) -> bool:
    """Whether a numbered heading's words are one of ``keys`` read with OCR damage (a fax):
    rapidfuzz partial_ratio at least HEADING_FUZZY_SCORE."""
    from rapidfuzz import fuzz

    return any(len(k) >= HEADING_FUZZY_MIN_KEY and fuzz.partial_ratio(k, text) >= HEADING_FUZZY_SCORE
               for k in keys)


def section_of(text: str, fuzzy: bool = False) -> Optional[str]:
    """The section id a heading line opens (overview … other), or None.  ``fuzzy``: a
    numbered heading whose words only resemble its section's opens it too (OCR text; the
    line classifier's features and text PDFs use the exact test)."""
    n = normalize(text)
    # A sentence (it ends in 。) that names a section is prose, not its heading.
    if len(n) > MAX_HEADING_CHARS or text.rstrip().endswith(("。", "；", ";")):
        return None
    m = SECTION_NUM.match(unicodedata.normalize("NFKC", text))
    num = None if m is None else ocr_numeral(m.group(1)) if fuzzy else m.group(1)
    # A numbered heading whose numeral OCR lost (、主动公开…): its words must resemble too.
    lost = fuzzy and not m and text.lstrip()[:1] in LOST_NUMERAL_MARKS
    for sid, numeral, keys in SECTIONS:
        if any(k in n for k in keys) or (fuzzy and (num == numeral or lost) and _resembles(n, keys)):
            # 行政复议 words occur in table 四's header too: only a numbered line, or the
            # full heading (…行政复议、行政诉讼情况), opens 四.
            if sid == "review" and num != numeral and not (all(k in n for k in keys) and n.endswith("情况")):
                continue
            if m and num != numeral and sid != "overview":
                continue
            return sid
    return None


def ocr_numeral(numeral: str) -> str:
    """A section numeral as OCR read it, with a speck before it undone: several numerals
    without 十 are no number (一三、 is a fax's dust, read 一, before 三、: development fax
    1002000), and the last is the numbering; a well-formed numeral (三, 十一) is itself."""
    return numeral[-1] if len(numeral) > 1 and "十" not in numeral else numeral




def row_keys(exclude_tables: Iterable[str] = (), min_chars: int = 1, first_only: bool = False) -> tuple[str, ...]:
    """The template's row keys (both formats), sorted; keys of ``exclude_tables`` and keys
    shorter than ``min_chars`` left out; ``first_only``: each row's first key alone (one
    per row label, as the line classifier's features count them)."""
    skip = set(exclude_tables)
    return tuple(sorted({k for t in TEMPLATES.values() for tab in t.tables if tab.id not in skip
                         for r in tab.rows for k in (r.keys[:1] if first_only else r.keys) if len(k) >= min_chars}))

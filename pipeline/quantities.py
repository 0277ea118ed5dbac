"""Quantities of a narrative: a number with a unit (``749件``, ``5500余条``, ``三次``) or a stated
absence (``未收到…申请`` = 0), found by rules (:func:`quantities`); the text unwrapped and cut into
sentences as the facts pipeline reads it (split out of ``pipeline.facts``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from .lexicon import PROSE_NUMERAL

# 份, 起 and 例 count applications and cases too (共收到8份申请, 行政复议1起, 受理…事项29例);
# 项 applications (共收到依申请公开16项), 部 规章 (制定发布规章6部), 宗 applications in
# Guangdong's wording (办理政府信息公开申请96宗).
UNITS = ("万元", "元", "条", "件", "篇", "次", "个", "份", "起", "例", "项", "部", "宗")
# A unit followed by these is the start of another word (3项目, 5部门, 一部分, 一宗教场所).
UNIT_NOT_BEFORE = {"项": "目", "部": "门分署队委位长", "宗": "教旨族祠师亲"}
_CN = r"[零〇一二两三四五六七八九十百千万]+"
_UNIT = "|".join(f"{u}(?![{UNIT_NOT_BEFORE[u]}])" if u in UNIT_NOT_BEFORE else u for u in UNITS)
QUANTITY = re.compile(rf"(?<![\d.第])(?:(?P<ar>{PROSE_NUMERAL})(?:(?P<approx_wan>余|多)?(?P<wan>万(?!元)))?"
                      rf"|(?P<cn>{_CN}))\s*(?P<approx>余|多)?\s*"
                      rf"(?P<unit>{_UNIT})")
# A stated absence: "未收到…申请", "没有发生…复议", "无上年结转", "未收取…费",
# "无依申请公开事项", "无下年度结转", "无结转", "未出台规范性文件", "未向公民…收取任何…费用",
# "未对公众…收取", "无针对政府信息公开事务的行政诉讼", "未存在…收费", "未被申请行政复议",
# "未印发行政规范性文件", "无信息公开收费的事项", "未因信息公开行政复议和提起行政诉讼", "不收取任何费用", "暂免收费",
# "未涉及到要求政府信息公开的申请", "无申请公开信息事项", "无申请".
ZERO_WINDOW = 30  # 未向 … 收取: at most this many characters between
REVIEW_ZERO_WINDOW = 16  # 无 … 行政诉讼: at most this many characters between
# Both kinds of case named together without 行政 (全年无信息公开举报、复议和诉讼等情形); 零复议、零诉讼 is
# one absence of both (guide rules 19, 29).
BOTH_CASES = r"复议[、和及与或]诉讼"
# An absence word this close before 依申请 or 规范性文件 states none of them (没有依申请公开的政府信息,
# 无行政规范性文件出台).
OBJECT_ZERO_WINDOW = 8
ZERO = re.compile(r"(?:未|没有)被?(?:收到|接到|接收到|受理|发生|出现|收取|收费|产生|出台|印发|制发|制定|申请|提起)"
                  rf"|未(?=涉及到?[^，。；,;]{{0,{OBJECT_ZERO_WINDOW}}}(?:公开的?申请|申请公开))"
                  r"|无(?=申请公开|申请[。；;，,]|申请$)"
                  rf"|未(?=发布[^，。；,;]{{0,{OBJECT_ZERO_WINDOW}}}规范性文件)"
                  r"|无(?=上年度?结转|下年度?结转|结转|转结|因政府信息公开|收到|接到|受理)"
                  rf"|(?:无|没有)(?=[^，。；,;]{{0,{OBJECT_ZERO_WINDOW}}}(?:依申请|依法申请|规范性文件))"
                  rf"|(?:无|没有)(?=[^，。；,;]{{0,{ZERO_WINDOW}}}提出[^，。；,;]{{0,{ZERO_WINDOW}}}申请)"
                  rf"|(?:无|没有)(?=[^，。；,;]{{0,{ZERO_WINDOW}}}(?:收费|收取))"
                  rf"|(?:无|没有|不存在|未存在)(?![法关论])(?=[^，。；,;]{{0,{REVIEW_ZERO_WINDOW}}}(?:行政复议|行政诉讼|{BOTH_CASES}))"
                  rf"|零(?=(?:行政)?复议[、和及与]零(?:行政)?诉讼)"
                  rf"|未(?:向|对)(?=[^，。；,;]{{0,{ZERO_WINDOW}}}收取)"
                  rf"|未(?=因[^，。；,;]{{0,{REVIEW_ZERO_WINDOW}}}收取)"
                  rf"|未(?=因[^，。；,;]{{0,{REVIEW_ZERO_WINDOW}}}(?:复议|诉讼))"
                  rf"|(?:未|不)存在(?=[^，。；,;]{{0,{ZERO_WINDOW}}}(?:收费|收取|费用))"
                  # fees waived (不收取任何费用, 暂免收费, 暂时免费向社会公众提供): none charged, like 未收取
                  r"|(?<!并)不(?=收取)|暂免(?=收费)|暂时?免费(?=向|提供)")
# Chinese numerals before these units are words, not counts (一起 = together); after these
# characters too (每一件申请, 任何一件).
CN_NOT_BEFORE = ("起", "例")
CN_NOT_AFTER = ("每", "何", "逐", "这", "那", "该")
CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Where a clause ends: a quantity's context for the classifier stops here.  Brackets do
# not: an aside belongs to its clause (微信公众账号（1个）发布信息149条).
CLAUSE_BREAK = set("，,。；;：:！？!?、\n")
SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")
# Where a phrase ends (、 does not end it): the words an absence or a channel goes with.
PHRASE_BREAK = re.compile(r"[，,。；;：:！？!?\n]")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    unit: Optional[str]
    approx: bool = False  # "5500余条": at least the value

    def text(self, s: str) -> str:
        return s[self.start:self.end]


def cn_number(s: str) -> Optional[int]:
    """Chinese numerals -> int (十九, 二百三十, 两, 二〇二四); None when not a number."""
    if not s or all(c in "百千万" for c in s):
        return None  # a bare 万 (of 万元) or 百 is not a number
    if all(c in CN_DIGIT for c in s):
        return int("".join(str(CN_DIGIT[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in CN_DIGIT:
            digit = CN_DIGIT[c]
        elif c == "万":
            section = (section + (digit or 0)) * 10000
            total, section, digit = total + section, 0, None
        else:
            section += (1 if digit is None else digit) * CN_UNIT[c]
            digit = None
    return total + section + (digit or 0)


# Sentences whose quantities are kept (the structure rules read a sentence's quantities
# again for each of its figures).
QUANTITY_CACHE = 4096


def quantities(text: str) -> list[Quantity]:
    """Number + unit expressions and stated absences in ``text``, in order."""
    return list(_quantities(text))


@lru_cache(maxsize=QUANTITY_CACHE)
def _quantities(text: str) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    for m in QUANTITY.finditer(text):
        if m.group("ar"):
            raw = m.group("ar").replace(",", "").replace("，", "")
            value: Optional[float] = float(raw) if "." in raw else int(raw)
            if m.group("wan"):  # 180万次, 20余万条 (at least 200000)
                value = value * 10000
        elif m.group("unit") in CN_NOT_BEFORE or (m.start() and text[m.start() - 1] in CN_NOT_AFTER):
            continue
        else:
            value = cn_number(m.group("cn"))
        if value is None:
            continue
        out.append(Quantity(m.start(), m.end(), value, m.group("unit"),
                            bool(m.group("approx") or m.group("approx_wan"))))
    for m in ZERO.finditer(text):
        out.append(Quantity(m.start(), m.end(), 0, None))
    return tuple(sorted(out, key=lambda q: q.start))


def segments(text: str, qs: Sequence[Quantity]) -> list[tuple[int, int]]:
    """Per quantity, the context the classifier reads: its clause, cut at the neighbours.

    From the clause start (or the previous quantity's end) to the clause end (or the
    next quantity's start), so two quantities of one clause get different spans.  A
    clause that is nothing but the quantity (``公开镇财政信息，1条``) reads the clause before.
    """
    out = []
    for i, q in enumerate(qs):
        lo = q.start
        while lo > 0 and text[lo - 1] not in CLAUSE_BREAK:
            lo -= 1
        bare = not text[lo:q.start].strip() and (q.end == len(text) or text[q.end] in CLAUSE_BREAK)
        if bare and lo > 0 and text[lo - 1] in "，,":
            lo -= 1
            while lo > 0 and text[lo - 1] not in CLAUSE_BREAK:
                lo -= 1
        if i and qs[i - 1].end > lo:
            lo = qs[i - 1].end
        hi = q.end
        while hi < len(text) and text[hi] not in CLAUSE_BREAK:
            hi += 1
        if i + 1 < len(qs) and qs[i + 1].start < hi:
            hi = qs[i + 1].start
        while lo < q.start and text[lo].isspace():
            lo += 1
        while hi > q.end and text[hi - 1].isspace():
            hi -= 1
        out.append((lo, hi))
    return out


# A line this long that ends in no stop runs on into the next (a page's wrapped line:
# 全年制发规范性文件\n0 件,废止 0 件); a shorter one is a heading or a table row.
WRAP_MIN_CHARS = 24
LINE_END = set("。；;！？!?：:|")
_LINE_START_HEADING = re.compile(r"\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．])")


def unwrap(text: str) -> str:
    """The text with wrapped lines joined: a long line ending in no stop, followed by a line that opens no heading."""
    lines = text.split("\n")
    out = [lines[0]]
    for ln in lines[1:]:
        prev = out[-1].rstrip()
        if (len(prev.strip()) >= WRAP_MIN_CHARS and prev[-1] not in LINE_END and ln.strip()
                and not ln[0].isspace() and not _LINE_START_HEADING.match(ln) and not is_table_row(prev)):
            out[-1] = prev + ln
        else:
            out.append(ln)
    return "\n".join(out)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of a passage, split after 。；！？ and newlines."""
    out, pos = [], 0
    for piece in SENTENCE_END.split(text):
        if piece.strip():
            out.append((pos, piece))
        pos += len(piece)
    return out


# A line of this many cell separators or more is a table pasted into the text, not prose.
TABLE_ROW_BARS = 2


def is_table_row(sentence: str) -> bool:
    """A line of ``|``-separated cells (``3次 | 2次 | 21条 |``): a table's figures, not the narrative's."""
    return sentence.count("|") >= TABLE_ROW_BARS

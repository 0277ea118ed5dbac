"""The figures the narrative states, as facts linked to the table cells they state.

A *quantity* is a number with a unit (``749件``, ``5500余条``, ``三次``, ``3940元``) or a
stated absence (``未收到…申请`` = 0), found by rules (:func:`quantities`).  A *fact* is a
quantity named by the trained spaCy component (``pipeline.factmodel``; run without
spaCy by ``pipeline.factnet``, loaded lazily) as one of ``FACTS``.  Each fact lists the
template cells it states under the readings the template allows (``readings``), and
:func:`fact_checks` compares it with the table: a ``stated_<name>`` check per linked fact.

This module is pure over text and fields; only :func:`extract_facts` loads the model.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Optional, Sequence

from .datamodel import Check, Line
from .lexicon import PROSE_NUMERAL
from .template import OTHER_SPLIT, RESULT_ROWS, REVIEW_COLS, SECTIONS, get

# --- quantities ----------------------------------------------------------------

# 份, 起 and 例 count applications and cases too (共收到8份申请, 行政复议1起, 受理…事项29例);
# 项 applications (共收到依申请公开16项), 部 规章 (制定发布规章6部), 宗 applications in
# Guangdong's wording (办理政府信息公开申请96宗).
UNITS = ("万元", "元", "条", "件", "篇", "次", "个", "份", "起", "例", "项", "部", "宗")
# A unit followed by these is the start of another word (3项目, 5部门, 一部分, 一宗教场所).
UNIT_NOT_BEFORE = {"项": "目", "部": "门分署队委位长", "宗": "教旨族祠师亲"}
_CN = r"[零〇一二两三四五六七八九十百千万]+"
_UNIT = "|".join(f"{u}(?![{UNIT_NOT_BEFORE[u]}])" if u in UNIT_NOT_BEFORE else u for u in UNITS)
QUANTITY = re.compile(rf"(?<![\d.第])(?:(?P<ar>{PROSE_NUMERAL})(?P<wan>万(?!元))?|(?P<cn>{_CN}))\s*(?P<approx>余|多)?\s*"
                      rf"(?P<unit>{_UNIT})")
# A stated absence: "未收到…申请", "没有发生…复议", "无上年结转", "未收取…费",
# "无依申请公开事项", "无下年度结转", "无结转", "未出台规范性文件", "未向公民…收取任何…费用",
# "未对公众…收取", "无针对政府信息公开事务的行政诉讼", "未存在…收费", "未被申请行政复议",
# "未印发行政规范性文件", "无信息公开收费的事项", "未因信息公开行政复议和提起行政诉讼".
ZERO_WINDOW = 30  # 未向 … 收取: at most this many characters between
REVIEW_ZERO_WINDOW = 16  # 无 … 行政诉讼: at most this many characters between
# Both kinds of case named together without 行政 (全年无信息公开举报、复议和诉讼等情形); 零复议、零诉讼 is
# one absence of both (guide rules 19, 29).
BOTH_CASES = r"复议[、和及与或]诉讼"
# An absence word this close before 依申请 or 规范性文件 states none of them (没有依申请公开的政府信息,
# 无行政规范性文件出台).
OBJECT_ZERO_WINDOW = 8
ZERO = re.compile(r"(?:未|没有)被?(?:收到|接到|接收到|受理|发生|出现|收取|收费|产生|出台|印发|制发|制定|申请|提起)"
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
                  rf"|(?:未|不)存在(?=[^，。；,;]{{0,{ZERO_WINDOW}}}(?:收费|收取|费用))")
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
            if m.group("wan"):  # 180万次
                value = value * 10000
        elif m.group("unit") in CN_NOT_BEFORE or (m.start() and text[m.start() - 1] in CN_NOT_AFTER):
            continue
        else:
            value = cn_number(m.group("cn"))
        if value is None:
            continue
        out.append(Quantity(m.start(), m.end(), value, m.group("unit"), bool(m.group("approx"))))
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


# --- the narrative text --------------------------------------------------------

# The table sections (二 三 四) of a web dump whose body is one line: cut out of the narrative.
_TABLE_PART = re.compile(r"二\s*[、.．]\s*主动公开政府信息情况.*?(?=五\s*[、.．]\s*[^\d]{0,12}(?:存在的主要问题|问题))",
                         re.S)


def narrative_text(lines: Sequence[Line], sections: Optional[Sequence[dict]] = None) -> str:
    """The narrative passages of a report, NFKC-normalised, one passage a line.

    The sections' text where the report has numbered sections; else (web dumps whose
    body runs on one line) the narrative lines with their table sections cut out.
    """
    if sections and any(s["text"].strip() for s in sections):
        text = "\n".join(s["text"] for s in sections)
    else:
        text = "\n".join(ln.text for ln in lines if ln.label in ("narrative", "heading", None))
        text = _TABLE_PART.sub("\n", text)
    return unicodedata.normalize("NFKC", text)


# --- the facts and the cells they state ----------------------------------------

REQ_ORGS = ("commercial", "research", "social_org", "legal_service", "other")


def _rows_total(rows: Sequence[str]) -> list[str]:
    return [f"requests.{r}.total" for r in rows]


DENIED = tuple(r for r in RESULT_ROWS if r.startswith("denied_"))
UNABLE = tuple(r for r in RESULT_ROWS if r.startswith("unable_"))
REJECTED = tuple(r for r in RESULT_ROWS if r.startswith("rejected_"))
REVIEW_TOTALS = ("review.reconsideration.total", "review.litigation_direct.total", "review.litigation_after.total")

# Fact name -> (what it is, {template: readings}); a reading is a list of cells summed.
# A fact with no readings (active disclosure, fees for processing) has no table cell.
_BOTH = ("2021", "2019")
FACTS: dict[str, tuple[str, dict[str, list[list[str]]]]] = {
    "requests_received": ("applications received: new, or new + carried in",
                          {t: [["requests.new.total"], ["requests.new.total", "requests.carried_in.total"]] for t in _BOTH}),
    "requests_carried_in": ("applications carried in from the year before", {t: [["requests.carried_in.total"]] for t in _BOTH}),
    "requests_natural_person": ("applications by natural persons",
                                {t: [["requests.new.natural_person"],
                                     ["requests.new.natural_person", "requests.carried_in.natural_person"]] for t in _BOTH}),
    "requests_legal_person": ("applications by legal persons and other organisations (five columns)",
                              {t: [[f"requests.new.{c}" for c in REQ_ORGS],
                                   [f"requests.{r}.{c}" for r in ("new", "carried_in") for c in REQ_ORGS]] for t in _BOTH}),
    "requests_commercial": ("applications by commercial enterprises",
                            {t: [["requests.new.commercial"],
                                 ["requests.new.commercial", "requests.carried_in.commercial"]] for t in _BOTH}),
    "requests_handled": ("applications handled (总计)", {t: [["requests.total.total"]] for t in _BOTH}),
    "requests_carried_over": ("applications carried over to next year", {t: [["requests.carried_out.total"]] for t in _BOTH}),
    "requests_granted": ("granted (予以公开)", {t: [["requests.granted.total"]] for t in _BOTH}),
    "requests_partial": ("partly granted (部分公开)", {t: [["requests.partial.total"]] for t in _BOTH}),
    "requests_granted_partial": ("granted and partly granted together",
                                 {t: [["requests.granted.total", "requests.partial.total"]] for t in _BOTH}),
    "requests_denied": ("not disclosed (不予公开, all reasons)", {t: [_rows_total(DENIED)] for t in _BOTH}),
    "requests_unable": ("unable to provide (无法提供, all reasons)", {t: [_rows_total(UNABLE)] for t in _BOTH}),
    "requests_rejected": ("not processed (不予处理, all reasons)", {t: [_rows_total(REJECTED)] for t in _BOTH}),
    "requests_other_handling": ("other handling (其他处理)",
                                {"2021": [["requests.other.total"], _rows_total(OTHER_SPLIT)], "2019": [["requests.other.total"]]}),
    "review_reconsideration": ("行政复议 cases", {t: [["review.reconsideration.total"]] for t in _BOTH}),
    "review_litigation": ("行政诉讼 cases (direct and after 复议)",
                          {t: [["review.litigation_direct.total", "review.litigation_after.total"]] for t in _BOTH}),
    "review_total": ("复议 and 诉讼 cases together", {t: [list(REVIEW_TOTALS)] for t in _BOTH}),
    "active_total": ("items disclosed actively, in all", {}),
    "active_channel": ("items disclosed actively through one channel or of one kind", {}),
    "rules_issued": ("规章 issued", {"2021": [["active.rules.issued"]],
                                   "2019": [["active.rules.new_made"], ["active.rules.new_published"]]}),
    "normative_issued": ("行政规范性文件 issued", {"2021": [["active.normative.issued"]],
                                              "2019": [["active.normative.new_made"], ["active.normative.new_published"]]}),
    "normative_repealed": ("行政规范性文件 repealed", {"2021": [["active.normative.repealed"]]}),
    "normative_in_force": ("行政规范性文件 in force", {"2021": [["active.normative.in_force"]]}),
    # 信息处理费 of the disclosure office: not the active table's 行政事业性收费.
    "processing_fees": ("disclosure processing fees charged", {}),
}
FACT_NAMES = tuple(FACTS)
# The units a fact is stated in (None: a stated absence); a name given to a quantity in
# another unit is dropped (a fee is money, an application count is never 条).
# Applications and cases are also counted in 条 (共收到依申请公开17条), 份, 起 and 宗.
COUNT_UNITS = ("件", "个", "次", "条", "份", "起", "例", "项", "宗", None)
FACT_UNITS = {n: COUNT_UNITS for n in FACTS} | {
    "normative_issued": COUNT_UNITS + ("篇",), "rules_issued": COUNT_UNITS + ("篇", "部"),  # 发布行政规范性文件6篇
    "active_total": ("条", "件", "篇", "份", "项", None), "active_channel": ("条", "件", "篇", "份"),
    "processing_fees": ("元", "万元", None)}
# Facts stated once per report: the largest value is the total, smaller ones are parts
# (平潭 2022: 14571 in all, then 77 of one 专栏).
LARGEST_ONLY = ("active_total",)


# The total in 项 only when they are items of information (…等442项信息内容); 行政许可事项177项 is none.
ITEMS_IN_XIANG = re.compile(r"(?:政府|政务)?信息")


def consistent(facts: Sequence["Fact"]) -> list["Fact"]:
    """Facts whose unit suits their name; of each LARGEST_ONLY name, the largest (a smaller
    ``active_total`` that names a channel is that channel's: 全县政务新媒体共发布信息758条)."""
    out = [f for f in facts if f.unit in FACT_UNITS.get(f.name, ())
           and not (f.name == "active_total" and f.unit == "项" and not ITEMS_IN_XIANG.match(_after(f)))]
    for name in LARGEST_ONLY:
        top = max((f.value for f in out if f.name == name), default=None)
        out = [f if f.name != name or f.value == top else _renamed(f, "active_channel")
               for f in out if f.name != name or f.value == top or channel_kinds(_phrase(f))]
    return out


@dataclass
class Fact:
    name: str
    value: float
    unit: Optional[str]
    text: str  # the sentence
    span: tuple[int, int]  # the quantity inside ``text``
    fields: list[str] = field(default_factory=list)
    approx: bool = False
    score: Optional[float] = None
    section: Optional[str] = None  # the heading it stands under (``subsection_of``)

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit, "text": self.text,
                "span": list(self.span), "fields": list(self.fields)}


def readings(name: str, template: Optional[str]) -> list[list[str]]:
    """The cell sums a fact may state in a report of ``template``."""
    return FACTS.get(name, ("", {}))[1].get(template or "", [])


def cell_value(fields: dict, fid: str) -> Optional[float]:
    """A cell's value; a row's blank total read as the sum of its printed cells."""
    v = fields.get(fid)
    if v is not None or not fid.endswith(".total"):
        return v
    row = fid[: -len(".total")]
    cols = [c.id for c in REVIEW_COLS[:-1]] if row.startswith("review.") else ("natural_person",) + REQ_ORGS
    parts = [fields.get(f"{row}.{c}") for c in cols]
    if all(p is None for p in parts):
        return None
    return sum(p or 0 for p in parts)


def reading_value(fields: dict, cells: Sequence[str]) -> Optional[float]:
    """The sum of a reading; None while none of its cells is in the table.

    A blank cell beside printed ones counts 0: real tables leave zero cells empty
    (the 上海 2019 page prints 135 of them).
    """
    values = [cell_value(fields, f) for f in cells]
    if all(v is None for v in values):
        return None
    return sum(v or 0 for v in values)


# Money compares within this (万元 printed with up to 4 decimals).
MONEY_TOLERANCE = 0.005


def in_table_unit(f: Fact) -> float:
    """The fact's value in the table's unit (万元 for money)."""
    return f.value / 10000 if f.unit == "元" else f.value


def link(facts: Sequence[Fact], template: Optional[str], fields: dict) -> None:
    """Set each fact's ``fields``: the reading the table agrees with, else the first one."""
    for f in facts:
        rs = readings(f.name, template)
        if not rs:
            f.fields = []
            continue
        f.fields = rs[0]
        for r in rs:
            v = reading_value(fields, r)
            if v is not None and _agrees(f, v):
                f.fields = r
                break


def _agrees(f: Fact, table: float) -> bool:
    v = in_table_unit(f)
    if f.approx:
        return table >= v
    return abs(table - v) <= MONEY_TOLERANCE


def fact_checks(facts: Sequence[Fact], template: Optional[str], fields: dict,
                statuses: Optional[dict] = None) -> list[Check]:
    """A ``stated_<name>`` check per fact with table cells: passing when one reading agrees.

    ``statuses`` (field id -> cell status) become the check's ``members``.
    """
    out = []
    for f in facts:
        rs = readings(f.name, template)
        values = [(r, reading_value(fields, r)) for r in rs]
        values = [(r, v) for r, v in values if v is not None]
        if not values:
            continue
        ok = any(_agrees(f, v) for _, v in values)
        shown = " or ".join(f"{' + '.join(r)} = {v:g}" for r, v in values)
        q = f.text[f.span[0]:f.span[1]]
        detail = (f"narrative states {f.value:g} ({q}) in “{f.text.strip()}”; table: {shown}")
        cells = dict.fromkeys(c for r, _ in values for c in r)
        out.append(Check(f"stated_{f.name}", " + ".join(f.fields), ok, detail,
                         {c: (statuses or {}).get(c) for c in cells}))
    return out


# --- the whole step ------------------------------------------------------------

Classifier = Callable[[list[str]], list[list[tuple[int, int, str, float]]]]
# What runs the facts pipeline: numpy (``pipeline.factnet``: its weights without spaCy,
# the same scores; start-up in milliseconds) or spaCy itself (``pipeline.factmodel``:
# the trainer and the reference; importing it takes most of a second).
FACT_ENGINES = ("numpy", "spacy")
DEFAULT_FACT_ENGINE = "numpy"
log = logging.getLogger(__name__)


def engine_classifier(engine: str = DEFAULT_FACT_ENGINE, path: Optional[str] = None) -> Classifier:
    """The facts pipeline at ``path`` (default: the shipped one) run by ``engine``.

    A pipeline the numpy engine does not know (``factnet.NetMismatch``: another
    architecture), or a build without its libraries, is run by spaCy, with a warning in the log.
    """
    if engine not in FACT_ENGINES:
        raise ValueError(f"unknown facts engine {engine!r} (choose from {', '.join(FACT_ENGINES)})")
    if engine == "numpy":
        try:
            from . import factnet
        except ImportError as e:
            log.warning("numpy facts engine unavailable (%s): running the facts pipeline with spaCy", e)
        else:
            try:
                return factnet.classifier(path or str(factnet.MODEL_DIR))
            except factnet.NetMismatch as e:
                log.warning("%s: running the facts pipeline with spaCy", e)
    from . import factmodel  # imports spaCy
    return factmodel.classifier(path or str(factmodel.MODEL_DIR))


def extract_facts(text: str, classify: Optional[Classifier] = None) -> list[Fact]:
    """The facts of a narrative text.

    ``classify`` maps sentences to, per sentence, the (start, end, name, score) of each
    named quantity; default: the shipped pipeline on the default engine
    (:func:`engine_classifier`), loaded only when the text holds a quantity.  The
    names are then read against the report's structure (:func:`structure`).
    """
    placed = sentence_sections(unwrap(text))
    sents = [(sent, sec) for sent, sec in placed if quantities(sent) and not is_table_row(sent)]
    if not sents:
        return []
    if classify is None:
        classify = engine_classifier()
    out: list[Fact] = []
    guessed: dict = {}  # (sentence, span) of channel figures the model left unnamed -> their channels
    for (sent, sec), named in zip(sents, classify([s for s, _ in sents])):
        by_span = {(q.start, q.end): q for q in quantities(sent)}
        names = {(start, end): (name, score) for start, end, name, score in named if name in FACTS}
        for span, q in by_span.items():  # an absence the model left unnamed (or named what its sentence cannot state)
            unnamed = (span not in names or not has_needed_words(names[span][0], sent)
                       or (q.unit is None and not result_absence(names[span][0], sent, q.start)))
            obj = (absence_object(sent, q.start, ABSENCE_OBJECTS + (REQUESTS_OBJECT,))
                   if q.unit is None and unnamed else None)
            if obj:
                names[span] = (obj, None)
            result = result_before(sent, q.start) if q.unit in COUNT_UNITS and q.unit else None
            if result and (span not in names or names[span][0] in ("requests_received", "requests_handled")):
                names[span] = (result, names.get(span, (None, None))[1])  # 其中予以公开1条
        names.update(unnamed_requests(sent, sec, by_span, names))
        names.update(channel_parts(sent, by_span, names))
        unnamed = unnamed_channels(sent, sec, by_span, names)
        guessed.update({(sent, span): own for span, own in unnamed.items()})
        names.update({span: ("active_channel", None) for span in unnamed})
        for (start, end), (name, score) in sorted(names.items()):
            q = by_span.get((start, end))
            if q is None:
                continue
            out.append(Fact(name, q.value, q.unit, sent, (start, end), approx=q.approx, score=score, section=sec))
    out = beside_other_channels(out, guessed)
    facts = consistent(structure(out, listed_channels(s for s, _ in sents) | stated_platforms(sents)
                                 | carrying_channels(placed)))
    if not any(f.name.startswith("active_") for f in facts):
        facts = sorted(facts + only_total(sents, out), key=lambda f: placed.index((f.text, f.section)))
    return facts


# The passage's only figure of items disclosed is its total, when the model named none
# (全年在云南省政府采购网公开信息7条, 主动发布政府信息共计49条): a figure in ITEM_UNITS whose clause
# discloses (ACTIVE_VERB) information, in no 依申请 or 复议 section, no part after 其中, no
# sentence of several figures by kind, no stock, press item, reading or message.
ACTIVE_VERB = re.compile(r"公开|发布|公布|更新|推送|发送")
ACTIVE_OBJECT = re.compile(r"信息")
# (a catalogue's count is none, the information it indexes is not: 编制索引目录的政府信息18条)
NOT_ONLY_TOTAL = re.compile(r"申请|解读|图解|会议|培训|新闻发布会|其中|访问|点击|阅读|关注|粉丝|回复|答复|办理"
                            r"|目录(?!的?(?:政府|政务)?信息)|期")
# Readings and messages beside the total are no figures by kind of its items.
READINGS_OR_MESSAGES = re.compile(r"解读|图解|留言|访问|点击|阅读|关注|粉丝")
# Under the 主动公开 heading an object without 信息 is the year's items when the verb discloses
# (全面公开组织机构、政策61条), not when it updates (动态更新…措施50余条).
DISCLOSING_VERB = re.compile(r"公开|发布")


def only_total(sents: Sequence[tuple[str, Optional[str]]], named: Sequence[Fact]) -> list[Fact]:
    """The one active figure of a passage whose model named none: ``active_total`` when it is the only candidate.

    Its clause (back over counts of other things: 26个重点领域等方面信息7965条) holds the verb; under
    the 主动公开 heading the object needs no 信息 (全面公开组织机构、政策61条). A reading or a
    message beside it (政策解读2篇, 回应网友留言27条: ``READINGS_OR_MESSAGES``) is no second figure by kind."""
    taken = {(f.text, f.span) for f in named}
    cands = []
    for sent, sec in sents:
        if sec in ("requests", "review"):
            continue
        kinds = kind_list_spans(sent)
        items = [q for q in quantities(sent) if q.unit in ITEM_UNITS and not READINGS_OR_MESSAGES.search(
            _phrase(Fact("active_total", q.value, q.unit, sent, (q.start, q.end))))]
        if len(items) > 1 and not LIST_HEAD.search(sent):
            continue  # 政务类信息34条,概况类信息150条: figures by kind, none of them the total
        for q in quantities(sent):
            span = (q.start, q.end)
            if q.unit not in ITEM_UNITS or (sent, span) in taken or span in kinds:
                continue
            f = Fact("active_total", q.value, q.unit, sent, span, approx=q.approx, section=sec)
            phrase, clause, before = _phrase(f), _clause(f), sent[:q.start]
            if not (ACTIVE_VERB.search(clause) and (ACTIVE_OBJECT.search(clause + _after(f)) or (
                    sec == "active" and DISCLOSING_VERB.search(clause)))):
                continue
            if distractor(f) or "其中" in before or STOCK_PHRASE.search(phrase) or (
                    STOCK.search(phrase) and SINCE.search(before)):
                continue
            cands.append(f)
    return cands if len(cands) == 1 else []


def distractor(f: Fact) -> bool:
    """An item figure whose own phrase counts no item disclosed (applications, readings, meetings,
    reads, messages, press items: ``NOT_ONLY_TOTAL``, ``NOT_ACTIVE``, ``NOT_REQUESTS``)."""
    phrase = _phrase(f)
    return bool(NOT_ONLY_TOTAL.search(phrase) or NOT_ACTIVE.search(phrase) or NOT_REQUESTS.search(phrase))


# A channel's figure the model left unnamed: an item figure whose own phrase discloses
# (ACTIVE_VERB) and whose phrase, or the clause before, names a channel (此外,还通过长河发布微信
# 公众号,发布信息977条; 门户网站编辑发布文字、图片、视频信息227篇). Channel or total is then the
# passage's to decide (``_channels``). 件 counts items only beside 信息.
CHANNEL_ITEM_UNITS = ("条", "篇", "份", "件")  # ITEM_UNITS and 件
# Press (媒体发布信息112篇) and a site's columns (专栏, 栏目) are no channel the rules guess.
NOT_GUESSED_CHANNELS = {"media"}
COLUMN = re.compile(r"栏目|专栏")


def unnamed_channels(sent: str, section: Optional[str], by_span: dict, names: dict) -> dict:
    """The unnamed item figures of ``sent`` that a channel discloses, each with its channels' kinds."""
    if section in ("requests", "review"):
        return {}
    kinds = None
    out = {}
    for span, q in by_span.items():
        if span in names or q.unit not in CHANNEL_ITEM_UNITS:
            continue
        f = Fact("active_channel", q.value, q.unit, sent, span)
        phrase = _phrase(f)
        if not ACTIVE_VERB.search(phrase) or (q.unit == "件" and "信息" not in phrase):
            continue
        if (NOT_ONLY_TOTAL.search(phrase) or NOT_ACTIVE.search(phrase) or NOT_REQUESTS.search(phrase)
                or STOCK_PHRASE.search(phrase) or APPLICATIONS.search(phrase)):
            continue
        own = channel_kinds(phrase) - NOT_GUESSED_CHANNELS
        if not own:
            clauses = PHRASE_BREAK.split(sent[:span[0]])
            own = (channel_kinds(clauses[-2]) - NOT_GUESSED_CHANNELS
                   if len(clauses) > 1 and not quantities(clauses[-2]) else set())
        if not own or COLUMN.search(phrase) or ("其中" in sent[:span[0]] and not channel_kinds(phrase)):
            continue
        kinds = kind_list_spans(sent) if kinds is None else kinds
        if span not in kinds:
            out[span] = own
    return out


# An application count the model left unnamed, by its own phrase's verb, in a sentence about
# information requests (信息公开, 依申请): received (收到, 受理, 接收, 受理答复…申请 N 件) or handled
# (办结 N 件, 答复…申请 N 件; also beside a count carried over, guide rule 14: 已办结106件,结转到2025年
# 继续办理2件; after a way's count it is that way's part, ``handled_after_way``). Rates, cases, stocks,
# 未办结 are none.
REQUEST_UNITS = ("件", "条", "个", "份")
REQUEST_SENTENCE = re.compile(r"信息公开|依申请|公开申请")
NOT_UNNAMED_REQUEST = re.compile(r"率|复议|诉讼|案件|结转|其中|累计|历年|协办|转办|未")
CARRIED_OVER_BESIDE = re.compile(r"结转(?:至|到|下)|转结下|转入下")
HANDLED_WITHOUT_OBJECT = re.compile(r"办结")
# The carried in inside the received count's aside: (含上年度结转3件).
CARRIED_IN_ASIDE = re.compile(r"[（(]\s*(?:其中)?含上一?年度?(?:结转|转入)[^，,。；;（()）]{0,6}$")


def unnamed_requests(sent: str, section: Optional[str], by_span: dict, names: dict) -> dict:
    """The unnamed application counts of ``sent`` a verb names (``requests_received`` or ``requests_handled``)."""
    if NOT_REQUESTS.search(sent) or not REQUEST_SENTENCE.search(sent) or not APPLICATIONS.search(sent):
        return {}
    out = {}
    for span, q in by_span.items():
        if span in names or q.unit not in REQUEST_UNITS:
            continue
        phrase = _phrase(Fact("requests_received", q.value, q.unit, sent, span))
        if CARRIED_IN_ASIDE.search(phrase):
            out[span] = ("requests_carried_in", None)  # 共收到…申请41件(含上年度结转3件), guide rule 13
            continue
        if NOT_UNNAMED_REQUEST.search(phrase) or APPLICATION_WAYS.search(phrase):
            continue
        if RECEIVE_VERB.search(phrase) and APPLICATIONS.search(phrase):
            out[span] = ("requests_received", None)
        elif HANDLE_VERB.search(phrase) and (APPLICATIONS.search(phrase) or (
                section == "requests" and HANDLED_WITHOUT_OBJECT.search(phrase))):
            out[span] = ("requests_handled", None)
    return out


def stated_platforms(sents: Sequence[tuple[str, Optional[str]]]) -> set[str]:
    """The platforms whose own item figure a passage states, named or not (门户网站主动公开信息239条,
    政务新媒体发稿169篇): beside another's, a platform's figure with no stated total is a channel."""
    out: set[str] = set()
    for sent, sec in sents:
        if sec in ("requests", "review"):
            continue
        kinds = None
        for q in quantities(sent):
            if q.unit not in CHANNEL_ITEM_UNITS:
                continue
            f = Fact("active_channel", q.value, q.unit, sent, (q.start, q.end))
            phrase = _phrase(f)
            own = channel_kinds(phrase) - NOT_GUESSED_CHANNELS - GENERIC_CHANNELS
            if (not own or (q.unit == "件" and "信息" not in phrase) or NOT_ONLY_TOTAL.search(phrase)
                    or NOT_REQUESTS.search(phrase) or STOCK_PHRASE.search(phrase) or APPLICATIONS.search(phrase)
                    or COLUMN.search(phrase)):
                continue
            kinds = kind_list_spans(sent) if kinds is None else kinds
            if (q.start, q.end) not in kinds:
                out |= own
    return out


# A clause naming channels that carried the agency's items (通过门户网站、微信公众号、报纸等平台
# 发布…信息; 同时通过公众号发布), with or without a figure: beside them, one platform's figure is a
# channel, not the total (guide rules 4c, 5). Not a clause about press reports, messages,
# applications or readers, nor a channel's column (栏目).
NOT_CARRYING = re.compile(r"申请|留言|投诉|咨询|信箱|热线|解读|阅读|关注|粉丝|订阅|访问|点击|栏目|专栏|稿件|发稿|报道"
                          # how channels are run, not what they carried (发布信息时, 日常监测, 更新不及时)
                          r"|时$|监测|检查|审核|审查|管理(?![局委处所办])|不及时|问题|规范(?!性)|考核|通报|整改|督促")
# Names that hold a verb of disclosing but disclose nothing (政务公开公示橱窗, 信息公开指南).
DISCLOSURE_NAMES = re.compile(r"(?:政务|政府信息|信息|村务|党务|财务)公开|公开(?:栏|指南|目录|专栏|平台)|公示栏|发布会")
# A gazette (政府公报4期) reprints documents: no channel of the year's items beside a website's figure.
NOT_CARRYING_CHANNELS = {"media", "platform", "online", "gazette"}  # NOT_GUESSED and GENERIC_CHANNELS too


def carrying_channels(sents: Sequence[tuple[str, Optional[str]]]) -> set[str]:
    """The channels a passage's clauses name as disclosing (``ACTIVE_VERB`` outside
    ``DISCLOSURE_NAMES``) items, outside the 依申请 and 复议 sections (``NOT_CARRYING`` clauses aside)."""
    out: set[str] = set()
    for sent, sec in sents:
        if sec in ("requests", "review"):
            continue
        for clause in PHRASE_BREAK.split(sent):
            if ACTIVE_VERB.search(DISCLOSURE_NAMES.sub("", clause)) and not NOT_CARRYING.search(clause):
                out |= channel_kinds(clause) - NOT_CARRYING_CHANNELS
    return out


def beside_other_channels(facts: list[Fact], guessed: dict) -> list[Fact]:
    """Keep a guessed channel figure (``unnamed_channels``) only beside another channel's figure of
    the passage (a platform's figure beside another platform's); alone, it is the passage's to
    name (``only_total``)."""
    if not guessed:
        return facts
    kinds = {(f.text, f.span): (guessed.get((f.text, f.span)) or channel_kinds(_phrase(f)) or channel_kinds(_before(f)))
             - NOT_GUESSED_CHANNELS for f in facts if f.name.startswith("active_")}

    def keep(f: Fact) -> bool:
        own = guessed.get((f.text, f.span))
        return own is None or any(k and k - own for key, k in kinds.items() if key != (f.text, f.span))
    return [f for f in facts if keep(f)]


# --- the report's structure ------------------------------------------------------
# What one clause cannot show: the heading a sentence stands under, the other figures of
# the passage (a channel's figure is the total only when no other channel is stated), the
# verb of the clause (废止 N 件 is repealed whatever the model says), lists (其中 …).

# A heading at a line start: "（一）主动公开政府信息情况", "(二)依申请公开。", "主动公开政府信息情况:".
HEADING = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*"
                     r"(?P<a>[^。：:；;\n]{1,30})"
                     r"|^\s*(?P<b>[^。：:；;，,\n]{2,16}情况)\s*(?:[:：。]|$)")
SECTIONS_BY_WORD = (("review", ("复议", "诉讼")),
                    ("requests", ("依申请", "申请公开", "政府信息公开申请", "申请受理", "申请办理", "申请答复")),
                    ("active", ("主动公开",)))
# Fact names that cannot stand under a heading (a 依申请公开 section states no active disclosure).
SECTION_EXCLUDES = {"active": ("requests_", "review_"), "requests": ("active_", "normative_", "rules_"),
                    "review": ("active_", "requests_")}
# A sentence that speaks of its own section's matter overrides the heading above it (a report
# that runs 依申请公开 and 复议 on under (一)主动公开: 全年共收到依申请公开件1件, 涉及复议0件).
OWN_SECTION_WORDS = {"requests_": re.compile(r"依申请|申请公开|公开申请|政府信息公开申请"),
                     "review_": re.compile(r"复议|诉讼")}


# A figure's own words that state items put out, whatever heading it stands under (guide rule 45).
OWN_ACTIVE_WORDS = re.compile(r"(?:发布|主动公开)(?:政府|政务)信息$")


def section_rules_out(f: "Fact") -> bool:
    """Whether the heading ``f`` stands under rules its name out (``SECTION_EXCLUDES``), its own
    sentence not speaking of that name's matter (``OWN_SECTION_WORDS``)."""
    family = next((p for p in SECTION_EXCLUDES.get(f.section or "", ()) if f.name.startswith(p)), None)
    if family is None:
        return False
    own = OWN_SECTION_WORDS.get(family)
    if family == "active_" and OWN_ACTIVE_WORDS.search(_phrase(f)) and not APPLICATIONS.search(f.text[:f.span[0]]):
        return False  # 2、依申请公开情况。2025年发布政府信息127条: read by its words (guide rule 45)
    return not (own and own.search(f.text) and "主动公开" not in f.text)


# A line of this many cell separators or more is a table pasted into the text, not prose.
TABLE_ROW_BARS = 2


def is_table_row(sentence: str) -> bool:
    """A line of ``|``-separated cells (``3次 | 2次 | 21条 |``): a table's figures, not the narrative's."""
    return sentence.count("|") >= TABLE_ROW_BARS


def subsection_of(heading: str) -> str:
    """``active``, ``requests``, ``review`` or ``other`` for a sub-heading of the narrative ((一)主动公开…;
    ``lexicon.section_of`` reads the report's main section headings)."""
    for name, words in SECTIONS_BY_WORD:
        if any(w in heading for w in words):
            return name
    return "other"


def sentence_sections(text: str) -> list[tuple[str, Optional[str]]]:
    """The sentences of a passage, each with the section its last heading opened (None before any)."""
    out, sec = [], None
    for off, sent in sentences(text):
        if off == 0 or text[off - 1] == "\n":
            m = HEADING.match(sent)
            if m:
                sec = subsection_of(m.group("a") or m.group("b"))
        out.append((sent, sec))
    return out


# Words a fact's sentence must hold (a 案件 of a 两法衔接 platform is no 复议 or 诉讼).
NEEDS_WORDS = {"review_": ("复议", "诉讼", "起诉"), "normative_": ("文件",), "rules_": ("规章",),
               "processing_fees": ("费",), "requests_natural_person": ("自然人", "公民", "个人", "群众", "居民"),
               "requests_legal_person": ("法人", "组织", "企业", "单位", "公司"),
               "requests_commercial": ("企业", "商业", "公司")}


# The words an absence of a result must hold (无不予公开情况); 无依法申请公开件 is no result.
RESULT_ABSENCE_WORDS = {"requests_granted": "公开", "requests_partial": "部分", "requests_denied": "不予公开",
                        "requests_unable": "无法提供|不掌握|不存在", "requests_rejected": "不予处理",
                        "requests_other_handling": "其他"}


def result_absence(name: str, sentence: str, start: int) -> bool:
    """Whether an absence at ``start`` named ``name`` may state it: a result needs its own words
    (``RESULT_ABSENCE_WORDS``) and no talk of applications at all."""
    words = RESULT_ABSENCE_WORDS.get(name)
    if words is None:
        return True
    absence = absence_words(sentence, start)
    return bool(re.search(words, absence)) and not REQUESTS_OBJECT[1].search(absence)


def has_needed_words(name: str, sentence: str) -> bool:
    """Whether ``sentence`` holds a word fact ``name`` needs (``NEEDS_WORDS``; true for names that need none)."""
    needs = next((w for k, w in NEEDS_WORDS.items() if name.startswith(k)), None)
    return not needs or any(w in sentence for w in needs)


# Sentences about letters, hotlines and complaints state no application figure unless they
# speak of applications.
NOT_REQUESTS = re.compile(r"信箱|来信|信件|热线|留言|投诉|诉求|咨询|提案|建议")
# A quota, a limit or a rate (每月公开不少于5条, 20个工作日内) is no count of anything done.
QUOTA_WINDOW = 8  # characters either side of the quantity a quota word stands in
QUOTA = re.compile(r"不少于|不低于|不超过|至少|每[月周年季天日]|工作日")
# Cases (案件) count applications only in a sentence about information disclosure or applications.
OTHER_CASES = re.compile(r"案件")
INFORMATION_CASES = re.compile(r"信息公开|申请")
# Documents sent out (答复书 1 份, 告知书, 《…》2份) count no applications; a title earlier in the
# phrase is a law cited (依据《条例》予以答复办结4件).
DOCUMENTS_ISSUED = re.compile(r"答复书|告知书|回执|通知书|》$")
# How applications came (网络申请 2 件, 当面申请 4 件) is no fact of the list.
# At most this many characters between the way and 申请 (通过网络收到申请25件).
WAY_WINDOW = 4
APPLICATION_WAYS = re.compile(r"(?:网络|网上|网站|在线|线上|线下|信函|信件|来信|邮寄|当面|现场|书面|电子邮件|邮件|传真|电话|平台)"
                              rf"(?:方式)?(?:提交|提出|收到)?[^，。；,;、等]{{0,{WAY_WINDOW}}}?的?申请")
# Press items (新闻稿件, 宣传信息, 录用) and messages are no active disclosure.
NOT_ACTIVE = re.compile(r"稿件|发稿|上稿|宣传信息|录用|留言|错别字|无效链接|错链|纠错|修正|更正")
# Granted and partly granted together, whatever the verb (共依申请办理公开或部分公开 13 件).
GRANTED_PARTIAL = re.compile(r"(?:予以)?公开(?:或|及|和|与|、)部分公开")
# A figure of another kind of 文件 (许可文件, 处罚文件, 红头文件) in its own phrase is no normative document.
OTHER_DOCUMENTS = re.compile(r"(?:许可|处罚|执法|确认|征收|给付|裁决|奖励|检查|强制|内部|党内|会议)(?:类|决定)?文件")
# The clause verb of a normative-document figure decides which one it is.
# Read in the figure's own phrase: a 废止 earlier in the sentence is another clause's.
NORMATIVE_VERBS = (("normative_repealed", re.compile(r"废止|废除|失效|撤销")),
                   ("normative_in_force", re.compile(r"现行有效|有效|保留")))
# Channels of active disclosure, by kind: a figure whose context names one kind is that channel's.
CHANNELS = (("web", "网站|门户|政务网|官网|网页|外网|公开网|公务网"), ("online", "线上|网上"), ("other", "其[他它]方式|其[他它]渠道"),
            ("wechat", "微信|公众号"), ("weibo", "微博"), ("toutiao", "今日头条|头条号"), ("douyin", "抖音"),
            ("kuaishou", "快手"), ("newmedia", "新媒体|政务号|客户端|APP|视频号"),
            ("board", "公开栏|公示栏|宣传栏|公告栏|橱窗|显示屏|电子屏"), ("media", "报刊|报纸|杂志|电视|广播|(?<!新)媒体"),
            ("gazette", "公报"), ("platform", "平台"))
# Kinds that name no channel of their own beside another (微信公众号、视频号等平台 is two).
GENERIC_CHANNELS = {"platform", "online"}
ALL_CHANNELS = re.compile(r"多种渠道|各种渠道|各类渠道|多渠道|多种方式|多种形式")
# A figure that claims to be complete (各类信息, 共计) is the total, whatever channel it names.
COMPLETE = re.compile(r"各类|共计|总计|合计|全部")
# What makes one channel's figure the total beside other channels: a claim to be complete
# (共计, 总计); 各类 does not (我县政府网站共发布各类信息5386条 beside the 政务微信's 856 is a channel).
TOTAL_CLAIM = re.compile(r"共计|总计|合计|全部")
# A figure over this many kinds of channel is the total (网站、报刊杂志、新媒体等方式).
MIN_KINDS_TOTAL = 3
# Two channels or more joined in one phrase (官方网站、政务新媒体平台; 门户网站和政务新媒体等形式):
# with 等, or in a list of three or more, the figure is over them all (官方微信、微博平台 alone is two
# channels' figure, no total).
CHANNEL_LIST = re.compile(r"[、和及与]")
MIN_LIST_COMMAS = 2
# A cumulative stock (目录系统累计 N 条) beside the year's figure (新增 N 条) is not the year's total.
STOCK = re.compile(r"累计")
# A stock over the years, whatever the figure (历年以来, 历年累计).
STOCK_PHRASE = re.compile(r"历年")
# The verb of an application count: received (收到, 受理) or handled (办理, 办结, 答复).
RECEIVE_VERB = re.compile(r"收到|受理|接收|接到|新收|收悉|申请人|提出|提交")
HANDLE_VERB = re.compile(r"办理|办结|答复|回复|(?<![予他])处理")
SINCE = re.compile(r"截至|截止|以来")
# Carried in from the year before or over to the next, by the words of the figure's own phrase.
CARRIED = {"requests_carried_in": re.compile(r"上一?年度?(?:结转|转入)|结转上年|\d{4}年结转|上年度?未办结"),
           "requests_carried_over": re.compile(r"(?:结转|转入|顺延)(?:至|到)?(?:下一?年|\d{4}年)|下一?年度?(?:继续)?办理")}
# (…1月1日至…12月31日, its span, is the year too: guide rule 10)
YEAR_FIGURE = re.compile(r"新增|本年|全年|年度|今年|\d{4}年(?!\d{1,2}月)|1月1日起?(?:至|到|—|-)")
# A 截至…累计 figure whose words name the year it sums (截至目前,已完成2024年度…累计总量达19条) is the
# year's (guide rule 36); the date after 截至 is no such name.
YEAR_NAMED = re.compile(r"\d{4}年度|本年度|全年")
# What an absence is of, by the words right after it (to the next comma): fees, cases,
# normative documents; an absence of applications is the model's to name.
ABSENCE_OBJECTS = (("requests_carried_in", re.compile(r"上一?年度?结转|上年度?转入")),
                   ("requests_carried_over", re.compile(r"(?:结转|转结)(?:至|到)?下一?年|下一?年度?结转")),
                   ("processing_fees", re.compile(r"收费|收取|费用|处理费")),
                   # a text cut mid-word after both named (…行政复议和行政诉, …申请行政复议或提起行政)
                   ("review_total", re.compile(r"复议.*(?:诉讼|起诉)|(?:诉讼|起诉).*复议|复议[和或及与、](?:提起)?行政诉?$")),
                   ("review_reconsideration", re.compile(r"复议")), ("review_litigation", re.compile(r"诉讼|起诉")),
                   ("normative_repealed", re.compile(r"规范性文件.{0,6}(?:废止|废除)|(?:废止|废除).{0,6}规范性文件")),
                   ("normative_issued", re.compile(r"规范性文件")))
# An absence of applications, when the model named none (未接到群众要求公开的信息); the model's
# own name of an absence of applications (carried in, carried over) stays.
REQUESTS_OBJECT = ("requests_received", re.compile(r"公开.{0,6}申请|依申请|要求公开|申请公开|公开申请"))


def absence_object(sentence: str, start: int, objects=ABSENCE_OBJECTS) -> Optional[str]:
    """The fact an absence starting at ``start`` states by its words and object (``ABSENCE_OBJECTS``), or None.

    Read from the absence word on (没有收费 is its own object) to the next comma or quantity."""
    words = absence_words(sentence, start)  # 无行政复议、无提起行政诉讼: each absence its own object
    name = next((name for name, pat in objects if pat.search(words)), None)
    if name in ("review_reconsideration", "review_litigation"):
        # 无因政府信息产生行政复议,提起行政诉讼情况发生: one absence over both
        end = start + len(words)
        nxt = absence_words(sentence, end + 1) if end < len(sentence) and sentence[end] in "，," else ""
        other = "诉讼|起诉" if name == "review_reconsideration" else "复议"
        if re.search(other, nxt) and not ZERO.match(nxt):
            return "review_total"
    return name


def absence_words(sentence: str, start: int) -> str:
    """The words of an absence from ``start`` to the next comma or quantity."""
    m = PHRASE_BREAK.search(sentence, start)
    stop = min([m.start() if m else len(sentence)] + [q.start for q in quantities(sentence) if q.start > start])
    return sentence[start:stop]


# An absence of these is no fact (未发生…投诉举报情况, 未发生网络舆情事件), unless it names 复议/诉讼.
NOT_FACT_ABSENCE = re.compile(r"投诉|举报|舆情|事故|泄密|失泄密|差错")
# An absence of a case's outcome (未发生被行政复议纠错或败诉情况) is no count of cases: the
# absence governs the outcome, not the 复议 before it.
CASE_OUTCOME = re.compile(r"纠错|纠正|败诉|确认违法|被撤销")
# An absence whose object is a case or dispute of disclosure (未产生依申请公开政府信息案例), not
# applications: the absence governs the last noun.
NOT_REQUEST_ABSENCE = re.compile(r"(?:案例|纠纷)(?:的?情况)?$")
# Outside the 依申请 section a count received or handled speaks of applications in its sentence
# (a result's sentence may be cut at ；: 不予公开5件,占6.17%;).
REQUEST_WORDS = re.compile(r"申请|办理|办结|答复|结转")
# Old-style counts of information disclosed on application (依申请公开0件 among the 主动公开
# counts, 发布依申请公开信息0条): no verb of receiving or handling, in a sentence of 主动公开 or
# with a verb of publishing: information, not applications (guide rules 17, 24).
INFORMATION_ON_APPLICATION = re.compile(r"依申请公开(?:政府|政务)?(?:信息)?(?:数|的)?(?:共|为)?$")
PUBLISHING_VERB = re.compile(r"发布|公布|主动公开")
# Cases passed on by another office (转办件, 协办件) are no applications of the agency's own.
PASSED_ON = re.compile(r"(?<!结)转办|协办|转交件")  # 结转办理 is carried in
# A way of applying as the adverbial of the one receiving verb (通过信函方式受理依申请公开1件), or a
# list of ways closed by 等 (通过…网站、邮递信函、当面申请等渠道收到…申请26件): all applications, when the
# count is the sentence's first and no 其中 splits it.
WAY_OF_ALL = re.compile(r"(?:通过[^，,。；;]{0,8}|等)(?:方式|渠道|途径)?(?:受理|收到|接收|接到)")
# A receiving verb before the applicants (共收到自然人申请2件): the count of applications,
# all by those applicants (guide rule 23), when it is the sentence's first figure, no part.
RECEIVED_FROM = re.compile(r"(?:收到|受理|接收|接到|新收)[^，,。；;]{0,4}(?:(?:自然人|公民|居民|市民|法人|其他组织|企业)[^，,。；;]{0,8}申请)?"
                           r"(?:共|总计|合计)?$")
# Items sent up to a higher site (向政府网站推送35条, 向市政府网站投递信息N条) are no channel of the
# agency's own (guide rule 5).
SENT_UP = re.compile(r"向[^，,。；;]{0,12}(?:推送|报送|投递)")
# A count not handled (未答复1件) is no handled count.
NOT_DONE = re.compile(r"未(?:能)?(?:答复|办结|办理|回复|处理)")
# Figures given 分别 (respectively) after a list of channels are each channel's, none the total.
RESPECTIVELY = re.compile(r"分别")
# Information made or obtained (old reports: 制作政府信息总数398条,其中主动公开…159条) is no item
# disclosed, unless its verb discloses too (共制作和主动发布政府信息207条).
INFORMATION_MADE = re.compile(r"制作|获取")
# Companies named apart from 法人/其他组织 are the template's 商业企业 column.
COMMERCIAL = re.compile(r"企业|公司|商业")
LEGAL_PERSON_WORDS = re.compile(r"法人|其他组织|社会组织")
# Rules and normative documents counted are no items of active disclosure.
RULES_OR_DOCUMENTS = re.compile(r"(?:规章|规范性文件)[^、，,]{0,2}$")
# A result count is named by its kind's word (无法提供), never by a reason's alone (本机关不掌握4件,
# 申请信息经查询不存在3件: none; guide rules 16, 18).
UNABLE_WORD = re.compile(r"无法提供|不能提供")


# Absences that name one kind of applicant.
LEGAL_PERSON = re.compile(r"法人|其他组织|企业")
NATURAL_PERSON = re.compile(r"自然人|公民|个人|市民|居民")
# The public at large (群众, 社会公众) names no one kind of applicant.
THE_PUBLIC = re.compile(r"群众|公众|社会")
# A result named after its count (1件经…沟通…不予公开, 2件予以公开): the count is that result's.
RESULTS_AFTER = (("requests_partial", re.compile(r"部分公开$")), ("requests_denied", re.compile(r"不予公开$")),
                 ("requests_unable", re.compile(r"无法提供$")), ("requests_rejected", re.compile(r"不予处理$")),
                 ("requests_granted", re.compile(r"(?:予以|同意)?公开$")))
RESULT_WORDS = re.compile(r"公开|无法提供|不予处理|其他处理|办结|答复|收到|受理|申请")


# An absence names natural persons by this word only (未收到公民依申请…事项 is no application at all).
NATURAL_PERSON_ABSENCE = re.compile(r"自然人")


def applicant_kind(words: str) -> Optional[str]:
    """``requests_legal_person`` or ``requests_natural_person`` when ``words`` name one kind of applicant only."""
    legal, natural = bool(LEGAL_PERSON.search(words)), bool(NATURAL_PERSON.search(words))
    if legal == natural or THE_PUBLIC.search(words):
        return None
    return "requests_legal_person" if legal else "requests_natural_person"


APPLICANT_NEXT = re.compile(r"^(?:自然人|公民|个人|法人|其他组织|企业)+")


def _applicant_after(f: "Fact") -> str:
    """The applicant a count names right after it (2个自然人的申请), not in an aside (均为自然人提交)."""
    m = APPLICANT_NEXT.match(_after(f))
    return m.group(0) if m else ""


def result_after(f: "Fact") -> Optional[str]:
    """The result a count states by the words after it, when the words before name none (其中2件公开)."""
    if RESULT_WORDS.search(_phrase(f).replace("其中", "")):
        return None
    after = _after(f).rstrip("。；;")
    return next((name for name, pat in RESULTS_AFTER if pat.search(after)), None)


# A result named right before its count, an aside in brackets between (不予公开(三类内部事务
#信息)2条, 不掌握相关信息无法提供2条, 其中予以公开1条): the count is that result's, named or not.
RESULTS_BEFORE = (("requests_partial", re.compile(r"部分(?:予以)?公开的?$")),
                  ("requests_denied", re.compile(r"不予公开的?$")),
                  ("requests_unable", re.compile(r"无法提供的?$")),
                  ("requests_rejected", re.compile(r"不予处理的?$")),
                  ("requests_other_handling", re.compile(r"其他处理的?$")),
                  ("requests_granted", re.compile(r"(?<!部分)(?<!不)(?:予以|同意)公开的?$")))
ASIDE = re.compile(r"[（(][^（()）]*[)）]")
# The sentence of a result speaks of applications.
APPLICATIONS = re.compile(r"申请")


def result_before(sentence: str, start: int) -> Optional[str]:
    """The result the words right before a count at ``start`` name (``RESULTS_BEFORE``), in a
    sentence about applications, or None."""
    if not APPLICATIONS.search(sentence):
        return None
    before = sentence[:start]
    prev = max((q.end for q in quantities(sentence) if q.end <= start), default=0)
    phrase = ASIDE.sub("", before[prev:])
    phrase = phrase[max((m.end() for m in PHRASE_BREAK.finditer(phrase)), default=0):].strip()
    return next((name for name, pat in RESULTS_BEFORE if pat.search(phrase)), None)


def _before(f: Fact) -> str:
    """The sentence's text from the previous quantity (or the sentence start) to the fact's quantity."""
    prev = [q.end for q in quantities(f.text) if q.end <= f.span[0]]
    return f.text[max(prev, default=0):f.span[0]]


def _after(f: Fact) -> str:
    """The sentence's text after the quantity, to the next comma or stop (、 does not end it)."""
    m = PHRASE_BREAK.search(f.text, f.span[1])
    return f.text[f.span[1]:m.start() if m else len(f.text)]


def _clause(f: Fact) -> str:
    """The text before the quantity back to the last comma, stop or item figure (a count of
    accounts kept: 网站及389个政务新媒体发布…)."""
    before = f.text[:f.span[0]]
    prev = max((q.end for q in quantities(f.text) if q.end <= f.span[0] and q.unit in ITEM_UNITS), default=0)
    return before[max([prev] + [m.end() for m in PHRASE_BREAK.finditer(before)]):]


def _phrase(f: Fact) -> str:
    """The text before the quantity back to the last comma or stop, or else back to the previous quantity."""
    before = _before(f)
    cut = max((m.end() for m in PHRASE_BREAK.finditer(before)), default=0)
    return before[cut:]


def channel_kinds(context: str) -> set[str]:
    """The kinds of channel a context names (a generic 平台 or 线上 only when it names no other)."""
    kinds = {kind for kind, words in CHANNELS if re.search(words, context)}
    return kinds - GENERIC_CHANNELS if kinds - GENERIC_CHANNELS else kinds


# Units of items disclosed (a channel's part in 次 or 个 is no item count).
ITEM_UNITS = ("条", "篇", "份")


def channel_parts(sent: str, by_span: dict, names: dict) -> dict:
    """Unnamed parts after 其中 of a named total that name a channel (其中通过“悦读嵩明”平台发布59条,
    快手号242条): ``active_channel`` each, by the list's structure."""
    totals = [span for span, (name, _) in names.items() if name == "active_total"]
    parts = [(span, q) for span, q in by_span.items() if q.unit in ITEM_UNITS
             and (any(t[1] <= q.start and "其中" in sent[t[1]:q.start] for t in totals)
                  or sent.lstrip().startswith("其中"))]  # 其中通过政府网站公开33条,公示栏181条,公众号120条: the total's before
    named = [bool(channel_kinds(_phrase(Fact("active_channel", q.value, q.unit, sent, span)))) for span, q in parts]
    if len(parts) < 2 or not all(named):
        return {}  # 其中网站发布新闻类165条,教育通知类39条…: kinds of information, one of them on the website
    return {span: ("active_channel", None) for span, _ in parts if span not in names}


def _renamed(f: Fact, name: str) -> Fact:
    from dataclasses import replace
    return replace(f, name=name)


def listed_channels(sents: Iterable[str]) -> set[str]:
    """The channels whose items a passage lists by kind only (``kind_list_spans``: 门户网站…工作动态5条,
    财务公开2条,…): stated channels, though no figure of theirs is a fact."""
    out: set[str] = set()
    for sent in sents:
        for span in kind_list_spans(sent):
            out |= channel_kinds(_phrase(Fact("active_channel", 0, None, sent, span)))
    return out - NOT_GUESSED_CHANNELS


# The kinds of information listed before a figure (涉及部门工作、政策文件、人大建议提案、…等方面信息126条):
# a listed kind named 建议 or 提案 is no count of proposals.
LISTED_KINDS = re.compile(r"[^、，,。；;]*、")


def structure(facts: Sequence[Fact], listed: Optional[set[str]] = None) -> list[Fact]:
    """The named facts read against the report's structure (the rules above), in order.

    Drops a name its section or its sentence rules out; renames by the clause verb
    (normative documents), by the applicant an absence names, by the channels the
    passage states (one channel's figure is a channel's unless it is the only one); drops
    the parts of a channel after 其中 and a cumulative stock beside the year's figure.
    """
    out: list[Fact] = []
    for f in facts:
        if section_rules_out(f):
            continue
        if f.unit is not None and QUOTA.search(_phrase(f)[-QUOTA_WINDOW:] + _after(f)[:QUOTA_WINDOW]):
            continue  # 明确各镇办、各部门每月公开不少于5条政府信息
        if not has_needed_words(f.name, f.text):
            continue
        if f.name.startswith("requests_") and any(NOT_REQUESTS.search(t) and "申请" not in t for t in (f.text, _phrase(f))):
            continue  # 县长信箱受理信件3件; 建议提案答复12件
        if f.name.startswith("requests_") and OTHER_CASES.search(_phrase(f)) and not INFORMATION_CASES.search(f.text):
            continue  # 受理法律援助案件1213件,办结案件1138件 (依法办理政府信息公开案件43件 is handled)
        if f.name.startswith("requests_") and f.unit is not None and DOCUMENTS_ISSUED.search(_phrase(f)):
            continue  # 出具《政府信息公开申请答复书》1份
        if f.name.startswith("active_") and (NOT_REQUESTS.search(LISTED_KINDS.sub("", _before(f))) or (
                NOT_ACTIVE.search(_phrase(f)) and not channel_kinds(_phrase(f)) - {"media"} - GENERIC_CHANNELS)):
            continue  # 收到微博投诉12条, 新闻媒体刊发稿件1592篇 (微信公众号发布稿件605篇 is a channel's)
        if f.name.startswith("requests_") and f.unit is not None and APPLICATION_WAYS.search(
                _phrase(f) + re.split(r"[（(]|其中", _after(f))[0]) and not way_of_all(f):
            if not only_way(f):
                continue  # 其中网站申请195件, 2件为网络申请
            f = _renamed(f, "requests_received")  # 共收到政府信息公开网络申请14件: the year's one count (guide rule 47)
        if f.name in ("requests_natural_person", "requests_legal_person") and f.unit is not None and ALL_OF.match(_after(f)):
            continue  # 共受理…3件,3件依申请公开申请人均为自然人: the count restated (guide rules 16, 23)
        if f.name.startswith("review_") and f.unit is not None and PENDING.search(_phrase(f)):
            continue  # 尚未审结行政复议0件: a state of cases, not cases brought (guide rule 19)
        if f.name.startswith("requests_") and f.unit is not None and (
                PASSED_ON.search(_phrase(f)) or information_on_application(f)):
            continue  # 办理市人民政府办公室转办件1件; 主动公开…21条,依申请公开0件
        if f.name.startswith("review_") and f.unit is None and CASE_OUTCOME.search(absence_words(f.text, f.span[0])):
            continue  # 未发生被行政复议纠错或败诉情况
        if f.name.startswith("requests_") and f.unit is None and NOT_REQUEST_ABSENCE.search(absence_words(f.text, f.span[0])):
            continue  # 未产生依申请公开政府信息案例
        if (f.name in ("requests_received", "requests_handled") and f.unit is not None and f.section != "requests"
                and not REQUEST_WORDS.search(f.text)):
            continue  # 主动公开信息81条,其中退回三条: no application in sight
        if f.name in ("requests_natural_person", "requests_legal_person") and f.unit is not None and received_from(f):
            f = _renamed(f, "requests_received")  # 共收到自然人申请2件
        if (f.name == "requests_legal_person" and f.unit is not None and COMMERCIAL.search(_phrase(f))
                and not LEGAL_PERSON_WORDS.search(_phrase(f))):
            f = _renamed(f, "requests_commercial")  # 自然人申请32件、企业申请2件、其他组织申请2件
        if f.name.startswith("active_") and RULES_OR_DOCUMENTS.search(_phrase(f)):
            continue  # 现行有效政府规章8份: rules, not items disclosed
        if f.name.startswith("active_") and INFORMATION_MADE.search(_phrase(f)) and not DISCLOSING_VERB.search(_phrase(f)):
            continue  # 共制作政府信息总数398条,其中主动公开政府信息159条: made, not disclosed
        if f.name.startswith("active_") and SENT_UP.search(_phrase(f)):
            continue  # 其中向政府网站推送35条: items sent up to a higher site (guide rule 5)
        if (f.name == "requests_handled" and f.unit is not None and THE_REST.search(_phrase(f))
                and "结转" not in f.text[:f.span[0]]):
            continue  # …其中“信息不存在”1件,其余5件…予以答复: an answer of a part (其中结转…7件,其余54件…答复 is handled)
        if f.name == "requests_handled" and f.unit is not None and NOT_DONE.search(_phrase(f)):
            continue  # 全年答复申请4件,未答复1件: not handled
        if f.name == "requests_handled" and f.unit is not None and handled_after_way(f):
            continue  # 受理线上…申请65件,依法办结62件: that way's part (guide rule 30)
        if f.name == "active_total" and f.unit is not None and RESPECTIVELY.search(PHRASE_BREAK.split(f.text[:f.span[0]])[-1]):
            f = _renamed(f, "active_channel")  # 微博、微信公众号全年分别累计发布信息337条、757条: each a channel
        if f.name == "requests_unable" and f.unit is not None and not UNABLE_WORD.search(_phrase(f) + _after(f)):
            continue  # 本机关不掌握4件: a reason's count, not the 无法提供 total
        if f.name.startswith("requests_") and f.unit is not None and GRANTED_PARTIAL.search(_phrase(f)):
            f = _renamed(f, "requests_granted_partial")
        if f.name.startswith("normative_") and f.unit is not None and OTHER_DOCUMENTS.search(_phrase(f)):
            continue  # 主动公开行政规范性文件1件,行政许可文件1513件,行政处罚文件4件: the others are no normative documents
        if f.name.startswith("normative_") and f.unit is not None:
            phrase = _phrase(f)
            f = _renamed(f, next((n for n, pat in NORMATIVE_VERBS if pat.search(phrase)), "normative_issued"))
        obj = absence_object(f.text, f.span[0]) if f.unit is None else None
        if obj:
            f = _renamed(f, obj)
        elif f.unit is None and NOT_FACT_ABSENCE.search(absence_words(f.text, f.span[0])):
            continue  # 未发生因依申请公开办理不当引发的投诉举报情况
        if STOCK_PHRASE.search(_phrase(f)):
            continue  # 历年以来主动公开信息数453条, 历年累计受理…申请0条: stocks, whatever the name
        if f.name in CARRIED and f.unit is not None:
            way = next((n for n, pat in CARRIED.items() if pat.search(_phrase(f))), None)
            if way and way != f.name and not CARRIED[f.name].search(_phrase(f)):
                f = _renamed(f, way)  # 结转至2026年6件 is carried over, whatever the model says
        elif f.name == "requests_handled" and f.unit is not None:
            ways = [n for n, pat in CARRIED.items() if pat.search(_phrase(f))]
            if len(ways) == 1:
                f = _renamed(f, ways[0])  # 办理2021年结转件4件 is carried in
        if f.name == "requests_received" and f.unit is not None and HANDLE_VERB.search(_phrase(f)) \
                and not RECEIVE_VERB.search(_phrase(f)):
            f = _renamed(f, "requests_handled")  # 办理政府信息公开申请651件,均…办结
        if f.name.startswith("requests_") and f.unit is not None:
            result = result_after(f)
            if result and f.name in ("requests_received", "requests_handled", "requests_granted"):
                f = _renamed(f, result)  # 1件经与申请者沟通…不予公开
        if f.name == "requests_received" and not (f.unit is not None and received_from(f)):
            # 未收到法人…申请; 共收到2个自然人的…申请; 公民个人提出申请1030件
            kind = applicant_kind(_after(f) if f.unit is None else _phrase(f) + _applicant_after(f))
            if kind == "requests_natural_person" and f.unit is None and not NATURAL_PERSON_ABSENCE.search(_after(f)):
                kind = None  # 未收到公民依申请信息公开事项: no application at all
            if kind:
                f = _renamed(f, kind)
        out.append(f)
    return _absences_once(_reasons_under_one_kind(_handled_once(_stocks(_kind_lists(_channels(out, listed or set()))))))


# A result count given by its reason, then the kind's word (1件因四类过程信息不予公开,5件因本机关不掌握…而不予公开).
BY_REASON = re.compile(r"^\s*(?:因|属于|系|为)")
# Fewer reasons' counts than this under one kind's word stay the kind's count (guide rule 16).
MIN_REASON_COUNTS = 2


def _reasons_under_one_kind(facts: list[Fact]) -> list[Fact]:
    """Drop the counts of one result kind of a sentence that each give a reason before the kind's word,
    when there are several: no part is the kind's total (guide rule 46, 大营)."""
    def by_reason(f: Fact) -> bool:
        return f.name.startswith("requests_") and f.unit is not None and bool(BY_REASON.match(f.text[f.span[1]:]))
    drop = set()
    for f in facts:
        same = [g for g in facts if g.text == f.text and g.name == f.name and by_reason(g)]
        if len(same) >= MIN_REASON_COUNTS:
            drop |= {(g.text, g.span) for g in same}
    return [f for f in facts if (f.text, f.span) not in drop]


def _absences_once(facts: list[Fact]) -> list[Fact]:
    """One stated absence per name and sentence (未收到政府信息公开申请,无依申请公开情况: restated, listed once)."""
    seen, out = set(), []
    for f in facts:
        key = (f.text, f.name)
        if f.unit is None and f.value == 0 and key in seen:
            continue
        if f.unit is None:
            seen.add(key)
        out.append(f)
    return out


def handled_after_way(f: Fact) -> bool:
    """A handled count with no object of its own (办结N件) right after a way's count of applications
    that is no part after 其中 (受理线上信息公开申请65件,依法办结62件): the handled of that way (guide rule
    30); after the carried in (…(其中:网上申请42件…),上年度结转0件,本年度办结39件) it is all applications'."""
    prev = [q for q in quantities(f.text) if q.end <= f.span[0] and q.unit]
    if not prev or not HANDLED_WITHOUT_OBJECT.search(_phrase(f)) or APPLICATIONS.search(_phrase(f)):
        return False
    q = prev[-1]  # a way's count after 其中 is a part of all applications (…16件,其中信函申请14件,网络申请2件,…办结13件)
    return "其中" not in f.text[:q.start] and bool(APPLICATION_WAYS.search(
        _phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end)))))


# A count restated with its applicants (3件依申请公开申请人均为自然人), cases pending (尚未审结).
ALL_OF = re.compile(r"[^，,。；;]*均为")
PENDING = re.compile(r"未审结|尚未审结|未结案")
THE_REST = re.compile(r"其余")


def only_way(f: Fact) -> bool:
    """A received count naming the one way its applications came (收到居民书面信息公开申请2例), the sentence's
    first figure, no 其中 before it and no other way's count after it: the year's count (guide rule 47)."""
    before, qs = f.text[:f.span[0]], quantities(f.text)
    if not RECEIVE_VERB.search(_phrase(f)) or not APPLICATIONS.search(_phrase(f)) or "其中" in before:
        return False
    later_ways = any(q.start >= f.span[1] and APPLICATION_WAYS.search(
        _phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end)))) for q in qs)
    return not later_ways and not any(q.end <= f.span[0] and q.unit is not None for q in qs)


def way_of_all(f: Fact) -> bool:
    """A way of applying that is the receiving verb's adverbial, on the sentence's first figure
    with no 其中 before it and no other way's count after it: the count of all applications (``WAY_OF_ALL``)."""
    before, qs = f.text[:f.span[0]], quantities(f.text)
    later_ways = any(q.start >= f.span[1] and APPLICATION_WAYS.search(
        _phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end)))) for q in qs)  # 通过网络…25件,通过来信…4件: parts
    return bool(WAY_OF_ALL.search(_phrase(f))) and "其中" not in before and not later_ways and not any(
        q.end <= f.span[0] and q.unit is not None for q in qs)


def information_on_application(f: Fact) -> bool:
    """An old-style count of information disclosed on application (``INFORMATION_ON_APPLICATION``)."""
    phrase = _phrase(f)
    return (bool(INFORMATION_ON_APPLICATION.search(phrase)) and not RECEIVE_VERB.search(phrase)
            and not HANDLE_VERB.search(phrase) and bool(PUBLISHING_VERB.search(phrase) or "主动公开" in f.text))


def received_from(f: Fact) -> bool:
    """A count of applications received that names its applicants (``RECEIVED_FROM``: 共收到自然人
    申请2件, 共收到2个自然人的…申请), the sentence's first figure, no part after 其中 and no other
    applicants' count after it (guide rule 23)."""
    before, phrase = f.text[:f.span[0]], _phrase(f)
    if not RECEIVED_FROM.search(phrase) or "其中" in before:
        return False
    if not (applicant_kind(phrase) or _applicant_after(f)):
        return False
    qs = quantities(f.text)
    return not any(q.end <= f.span[0] for q in qs) and not any(
        q.start >= f.span[1] and applicant_kind(_phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end))))
        for q in qs)


# Handled twice in one sentence beside a count carried over (全年共办理…申请74件,办结71件,剩余3件
# 结转下一年度): the 办理 count is the template's total, the 办结 one no fact (guide rule 14).
HANDLED_TOTAL = re.compile(r"办理")


def _handled_once(facts: list[Fact]) -> list[Fact]:
    """Drop a 办结 count handled beside a 办理 count of the same sentence and a count carried over."""
    drop = set()
    for f in facts:
        if f.name != "requests_handled" or not CARRIED_OVER_BESIDE.search(f.text):
            continue
        if HANDLED_WITHOUT_OBJECT.search(_phrase(f)) and any(
                g is not f and g.text == f.text and g.name == "requests_handled" and g.span[0] < f.span[0]
                and HANDLED_TOTAL.search(_phrase(g)) for g in facts):
            drop.add(id(f))
    return [f for f in facts if id(f) not in drop]


# A list of at least this many item figures in one sentence, only the first naming a channel,
# counts kinds of information on that channel (门户网站…行政处罚信息公示47条,行政许可信息公示1143条,…).
MIN_KIND_LIST = 3
# A list's head that counts the channel's information as such (网站发布信息1027条), no kind of it.
CHANNEL_HEAD = re.compile(r"(?:发布|公开|推送|更新)(?:政府|政务)?信息(?:共|数)?$")
# Figures of applications and refusals beside a channel's items are no kinds of them.
NOT_KIND = re.compile(r"申请|不予")
# A figure whose parts follow (其中, 含, 包括): its list is its parts, not kinds of a channel.
LIST_HEAD = re.compile(r"其中|含|包括")
# A sentence whose 其中 list ends with these goes on in the next sentence.
LIST_GOES_ON = ("；", ";")


def kind_list_spans(text: str) -> set[tuple[int, int]]:
    """The item figures of ``text`` that list kinds of information under one channel: a figure
    naming a channel and at least ``MIN_KIND_LIST`` - 1 figures after it naming none (门户网站发布
    概况类信息36条,政务动态类信息87条,…,“遵义统计”微信公众号发布信息151条: the first four)."""
    qs = [q for q in quantities(text) if q.unit in ITEM_UNITS]
    if len(qs) < MIN_KIND_LIST or LIST_HEAD.search(text) or COMPLETE.search(text):
        return set()
    phrases = [_phrase(Fact("active_channel", q.value, q.unit, text, (q.start, q.end))) for q in qs]
    named = [bool(channel_kinds(p)) for p in phrases]
    out: set[tuple[int, int]] = set()
    i = 0
    while i < len(qs):
        j = i + 1  # 依申请公开文件12条, 不予公开文件36条 are no kinds of the channel's items
        while j < len(qs) and not named[j] and not NOT_KIND.search(phrases[j]):
            j += 1
        if named[i] and j - i >= MIN_KIND_LIST:
            # 网站发布信息1027条,发布预警信息25条,…,公众号推送信息846条: the channel's own figure beside another's
            head = 1 if CHANNEL_HEAD.search(phrases[i]) and j < len(qs) and named[j] else 0
            out |= {(q.start, q.end) for q in qs[i + head:j]}
        i = j
    return out


def _kind_lists(facts: list[Fact]) -> list[Fact]:
    """Drop the active figures that list kinds of information under one channel (``kind_list_spans``)."""
    spans = {text: kind_list_spans(text) for text in {f.text for f in facts if f.name.startswith("active_")}}
    return [f for f in facts if not (f.name.startswith("active_") and f.span in spans[f.text])]


def _channels(facts: list[Fact], listed: set[str] = frozenset()) -> list[Fact]:
    """Channel or total, over the passage: a figure over several channels is the total when
    no total is stated; one channel's figure is a total only when no other channel is stated
    (``listed``: channels whose items the passage lists by kind only are stated too)."""
    facts = _parts(facts)
    active = [f for f in facts if f.name.startswith("active_")]
    kinds = {(f.text, f.span): channel_kinds(_statement(f)) for f in active}

    def whole(f: Fact) -> bool:  # 通过部门网站、报刊杂志、新媒体等方式; 平度政务网、平度公安微信等网络渠道
        phrase, own = _statement(f), kinds[(f.text, f.span)]
        if phrase != _phrase(f):  # the channels placed before the figure's own words (guide rule 4b)
            raw = raw_channel_kinds(phrase)
            if "web" not in raw and any("web" in kinds[(g.text, g.span)] for g in active if g is not f):
                return False  # 通过…公众号、视频号…共计287条 beside the website's own 81: the accounts' figure
            return (len(own) >= MIN_KINDS_TOTAL or bool(ALL_CHANNELS.search(phrase) or LIST_CLOSE.search(phrase))
                    or (len(raw) >= 2 and bool(CHANNEL_LIST.search(phrase))))
        if any(g.value > f.value and kinds[(g.text, g.span)] - own for g in active):
            return False  # 通过报刊、微信公众号等媒体公开信息344条 beside the website's 971: not the total
        if LIST_CLOSE.search(phrase) and len(raw_channel_kinds(phrase)) >= 2:
            return True  # 通过…人民政府网站、四川省气象局集约化平台等载体主动公开政府信息93条
        if len(own) >= 2 and CHANNEL_LIST.search(phrase) and parts_follow(f, facts):
            return True  # …门户网站和政务新媒体主动发布各类政府信息8000余条。其中:通过门户网站公开6500余条
        return (len(own) >= MIN_KINDS_TOTAL or bool(ALL_CHANNELS.search(phrase))
                or (len(own) >= 2 and bool(CHANNEL_LIST.search(phrase))
                    and ("等" in phrase or phrase.count("、") >= MIN_LIST_COMMAS or parts_by_channel_after(f))))

    def explicit(f: Fact) -> bool:  # a total whose statement names no channel, or spans channels
        # 共计 in one platform's statement sums that platform's items (在…公众号上,更新160次,共计公开378条):
        # the total only when no other channel is stated (guide rule 4)
        return f.name == "active_total" and (kinds[(f.text, f.span)] <= GENERIC_CHANNELS or whole(f)) and not (
            platform_aside(f) and len(stated) > 1)

    stated = set().union(listed, *kinds.values())
    wholes = [f for f in active if f.name == "active_channel" and whole(f)]
    top = max(wholes, key=lambda f: f.value) if wholes and not any(explicit(f) for f in active) else None
    out = [_renamed(f, "active_total") if f is top else f for f in facts]  # one total: the largest
    if not any(explicit(f) for f in out if f.name.startswith("active_")) and len(stated) > 1:
        out = [_renamed(f, "active_channel") if f.name == "active_total" else f for f in out]
    if any(f.name == "active_total" and not channel_kinds(_phrase(f)) and not TOTAL_CLAIM.search(_before(f))
           for f in out):  # 我镇主动公开政府信息5条 … 通过微信公众号公开工作动态379条: the platform's is a channel
        out = [_renamed(f, "active_channel") if f.name == "active_total" and not explicit(f) else f for f in out]
    remaining = [f for f in out if f.name.startswith("active_")]
    if (len(remaining) == 1 and remaining[0].name == "active_channel"  # the only overall figure
            and not listed - kinds[(remaining[0].text, remaining[0].span)] - channel_kinds(_clause(remaining[0]))):
        out = [_renamed(f, "active_total") if f is remaining[0] else f for f in out]
    return _parts(out)


# A clause stating a principle names the main route, not the figure's channel (以…网站为主要公开途径,
# 本年度主动公开信息319件; 发挥政府门户网站作为…主渠道作用: guide rule 5).
PRINCIPLE = re.compile(r"为主|主渠道|主要(?:公开)?(?:途径|渠道|平台|阵地)|第一平台")


# A list of channels closed as ways (通过乡政务公开栏、村级公告栏、村民代表大会等渠道): a figure over them is the total.
LIST_CLOSE = re.compile(r"等(?:多种|各类|各种)?(?:渠道|方式|平台|形式|载体|途径)")


def raw_channel_kinds(context: str) -> set[str]:
    """The kinds of channel a context names, a generic 平台 or 线上 too (政府网站、政府信息公开平台 is two)."""
    return {kind for kind, words in CHANNELS if re.search(words, context)}


def _statement(f: Fact) -> str:
    """The words that place ``f``'s figure: its phrase when it names a channel, else the text back to
    the sentence start or the previous figure (在…公众号上,更新160次,共计公开378条), less a clause
    stating a principle (``PRINCIPLE``)."""
    phrase = _phrase(f)
    if channel_kinds(phrase):
        return phrase
    prev = max((q.end for q in quantities(f.text) if q.end <= f.span[0] and q.unit in ITEM_UNITS), default=0)
    before = f.text[prev:f.span[0]]  # back over counts of no item (在…公众号上,更新160次,共计公开378条)
    clauses = re.split(r"[，,。；;！？!?\n]", before)  # a colon inside an address (网址:https://…) cuts no clause
    return "，".join(c for c in clauses if not PRINCIPLE.search(c))


def platform_aside(f: Fact) -> bool:
    """Whether an aside right before ``f``'s figure names the platform it counts (共主动公开政府信息
    (公文平台发文)113条, beside the website's and the 微信's figures: that platform's, guide rule 5)."""
    before = f.text[:f.span[0]].rstrip()
    m = re.search(r"[（(][^（()）]*[)）]$", before)
    return bool(m and channel_kinds(m.group()))


def parts_follow(f: Fact, facts: Sequence[Fact]) -> bool:
    """Whether the passage's next active figure after ``f`` opens the next sentence's 其中 list and names a
    channel of ``f``'s (…门户网站和政务新媒体…8000余条。其中:通过门户网站公开6500余条: ``f`` is over both)."""
    own = channel_kinds(_phrase(f))
    at = next((i for i, g in enumerate(facts) if (g.text, g.span) == (f.text, f.span)), len(facts))
    later = [g for g in facts[at + 1:] if g.name.startswith("active_")]
    return bool(later) and later[0].text != f.text and later[0].text.lstrip().startswith("其中") and bool(
        channel_kinds(_phrase(later[0])) & own)


def parts_by_channel_after(f: Fact) -> bool:
    """Whether ``f``'s sentence splits it after 其中 into figures naming channels (…门户网站及政务新媒体方式
    主动公开907条,其中通过政府网站公开86条,微信公众号公开821条: the figure is over both, guide rule 4b)."""
    after = f.text[f.span[1]:]
    if not after.lstrip("，,").startswith("其中"):
        return False
    return any(q.start > f.span[1] and channel_kinds(_phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end))))
               for q in quantities(f.text) if q.unit in ITEM_UNITS)


# A figure of one kind whose 其中 list splits it: the parts are no facts of that family
# (行政复议3件，其中1件被撤销…); a channel's parts in the same channel, and kinds of
# information, are no channels.  A total's parts are facts (其中自然人…, 其中政府网站…).
PARTS_OF = {"review_reconsideration": "review_", "review_litigation": "review_"}


def _parts(facts: list[Fact]) -> list[Fact]:
    """Drop the parts after 其中 of a one-kind figure of the same sentence, and the kinds of information listed there."""
    out, head = [], None
    for f in facts:
        if f.name == "active_channel" and "其中" in f.text[:f.span[0]] and not channel_kinds(_phrase(f)):
            continue  # …共971条,其中工作动态68条、专题专栏36条: kinds, whatever the head was named
        split = head is not None and (head.text == f.text and "其中" in f.text[head.span[1]:f.span[0]]
                                      or head.text != f.text and (f.text.lstrip().startswith("其中")
                                                                  or list_goes_on(head)))
        family = PARTS_OF.get(head.name) if split else None
        if family and f.name.startswith(family):
            continue
        if split and head.name.startswith("active_") and f.name == "active_channel" and not channel_kinds(_phrase(f)):
            continue  # 主动公开579条，其中重要活动类信息126条: a kind, not a channel
        if (split and head.name == "active_channel" and f.name == "active_channel"
                and len(channel_kinds(_phrase(head)) | channel_kinds(_before(head))) < 2
                and channel_kinds(_phrase(f)) <= channel_kinds(_phrase(head)) | channel_kinds(_before(head))):
            continue  # 微博120条，其中原创微博11条: the same channel split (新媒体…其中今日头条 N 条 is another)
        if split and head.name == "active_total" and f.name == "active_total":
            if not channel_kinds(_phrase(f)):
                continue  # …其中监察执法类信息29条: a total's part is no total
            f = _renamed(f, "active_channel")  # 其中:通过门户网站公开6500余条: a total's part by channel
        head = f
        out.append(f)
    return out


def list_goes_on(head: Fact) -> bool:
    """Whether ``head``'s 其中 list goes on past its sentence: the sentence ends with a semicolon
    right after an item figure of the list (…信息805条,其中涉及…重点领域信息654条;涉及决策公开…等五公开
    信息147条;: the next one is a part; …其中原创推文398篇,阅读量达40万余次; ends it)."""
    at = head.text.find("其中", head.span[1])
    last = quantities(head.text)[-1]
    return (at >= 0 and head.text.rstrip().endswith(LIST_GOES_ON) and last.start > at and last.unit in ITEM_UNITS
            and not head.text[last.end:].rstrip()[:-1].strip())


def _stocks(facts: list[Fact]) -> list[Fact]:
    """A cumulative total goes: 截至 … 累计 always, another 累计 … when the year's own total is stated beside it."""
    def stock(f: Fact) -> bool:
        return bool(STOCK.search(_before(f))) and not YEAR_FIGURE.search(f.text[:f.span[0]])

    def since(f: Fact) -> bool:  # 截至2019年底，累计主动公开…: a stock, whatever else is stated
        before = f.text[:f.span[0]]
        return bool(STOCK.search(_before(f)) and SINCE.search(before)) and not YEAR_NAMED.search(
            before[max(m.end() for m in SINCE.finditer(before)):])
    # a channel's too (guide rule 10), unless its own words say the year (…网站2022年累计发布信息53篇)
    facts = [f for f in facts if not (since(f) and (f.name == "active_total" or (
        f.name == "active_channel" and not YEAR_FIGURE.search(_before(f)))))]
    totals = [f for f in facts if f.name == "active_total"]
    if not any(not stock(f) for f in totals):
        return facts
    return [f for f in facts if f.name != "active_total" or not stock(f)]


# --- exports -------------------------------------------------------------------

FACT_COLUMNS = ("source", "sha256", "agency", "year", "name", "value", "unit", "quantity", "text",
                "fields", "table", "check_ok")


def fact_rows(obj: dict) -> list[dict]:
    """An extract object's facts as rows of ``facts.parquet`` (its stated_* check beside each)."""
    meta = obj.get("meta") or {}
    checks = [c for c in obj.get("checks") or [] if c.get("rule", "").startswith("stated_")]
    rows = []
    for f in obj.get("facts") or []:
        where = " + ".join(f.get("fields") or [])
        c = next((c for c in checks if c["rule"] == f"stated_{f['name']}" and c["where"] == where
                  and f["text"].strip() in c["detail"]), None)
        a, b = f["span"]
        rows.append({"source": obj.get("source"), "sha256": obj.get("sha256"), "agency": meta.get("agency"),
                     "year": meta.get("year"), "name": f["name"], "value": f["value"], "unit": f["unit"],
                     "quantity": f["text"][a:b], "text": f["text"], "fields": where or None,
                     "table": c["detail"].rsplit("; table: ", 1)[-1] if c else None,
                     "check_ok": c["ok"] if c else None})
    return rows


def facts_frame(rows: list[dict]):
    """facts.parquet as a DataFrame with stable types."""
    import pandas as pd
    df = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("Float64")
    df["check_ok"] = df["check_ok"].astype("boolean")
    for col in ("source", "sha256", "agency", "name", "unit", "quantity", "text", "fields", "table"):
        df[col] = df[col].astype("string")
    return df


def fact_from_dict(d: dict) -> Fact:
    """A Fact from its JSON form (``as_dict``)."""
    a, b = d["span"]
    return Fact(d["name"], d["value"], d["unit"], d["text"], (a, b), list(d.get("fields") or []),
                approx=any(c in d["text"][a:b] for c in "余多"))

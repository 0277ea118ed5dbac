"""The facts and the template cells they state: ``FACTS``, :class:`Fact`, the readings the template
allows and the ``stated_*`` checks (split out of ``pipeline.facts``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from .datamodel import Check
from .template import OTHER_SPLIT, RESULT_ROWS, REVIEW_COLS

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

"""The report template: tables, rows, columns and field ids, for both formats.

This module is the single place where the State Council template is written
down.  Everything else (assembler, checks, exports, generator, scoring) reads
it from here.  A field id is ``table.row.column``.

Each row carries ``keys``: distinctive fragments of its printed label, in the
normalised form produced by :func:`normalize`.  The assembler matches a line's
text against these keys (fuzzily, for OCR), so the printed numbering (``1.``,
``（三）``) and bracket widths do not matter.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

FORMATS = ("2021", "2019")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    decimal: bool = False  # money columns hold decimals; all others are counts
    signed: bool = False  # 本年增/减 may be negative


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    keys: tuple[str, ...]
    columns: tuple[Column, ...]
    group: str = ""  # requests: the result group (（三）不予公开 …) the row sits under


@dataclass(frozen=True)
class Table:
    id: str
    heading: str
    heading_keys: tuple[str, ...]
    rows: tuple[Row, ...]

    def __hash__(self) -> int:
        # Cheap (a cache key in row matching): equal tables have equal ids and headings.
        return hash((self.id, self.heading))

    def row(self, row_id: str) -> Row:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(row_id)


@dataclass(frozen=True)
class Template:
    name: str  # "2021" or "2019"
    tables: tuple[Table, ...]

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    @property
    def field_ids(self) -> list[str]:
        return [f"{t.id}.{r.id}.{c.id}" for t in self.tables for r in t.rows for c in r.columns]

    def column(self, field_id: str) -> Column:
        t, r, c = field_id.split(".")
        for col in self.table(t).row(r).columns:
            if col.id == c:
                return col
        raise KeyError(field_id)

    def label(self, field_id: str) -> str:
        """Chinese header for a field, e.g. ``三·予以公开·自然人`` (for spreadsheets)."""
        t, r, c = field_id.split(".")
        table = self.table(t)
        row = table.row(r)
        col = self.column(field_id)
        group = f"{row.group}·" if row.group else ""
        return f"{table.heading}·{group}{row.label}·{col.label}"


# --- columns -----------------------------------------------------------------

def _cols(*pairs: tuple[str, str], decimal: tuple[str, ...] = (),
          signed: tuple[str, ...] = ()) -> tuple[Column, ...]:
    return tuple(Column(i, lab, i in decimal, i in signed) for i, lab in pairs)


DOC_COLS = _cols(("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
DECISIONS = _cols(("decisions", "本年处理决定数量"))
FEE_2021 = _cols(("amount", "本年收费金额（单位：万元）"), decimal=("amount",))
DOC_COLS_2019 = _cols(("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"),
                      ("total_published", "对外公开总数量"))
ITEMS_2019 = _cols(("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"),
                  signed=("change",))
FEE_2019 = _cols(("prev_items", "上一年项目数量"), ("change", "本年增/减"), signed=("change",))
PROCUREMENT = _cols(("items", "采购项目数量"), ("amount", "采购总金额"), decimal=("amount",))

REQUEST_COLS = _cols(
    ("natural_person", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"),
    ("social_org", "社会公益组织"), ("legal_service", "法律服务机构"), ("other", "其他"),
    ("total", "总计"))
ORG_COLUMNS = ("commercial", "research", "social_org", "legal_service", "other")

REVIEW_COLS = _cols(("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                    ("pending", "尚未审结"), ("total", "总计"))
REVIEW_GROUPS = (("reconsideration", "行政复议"), ("litigation_direct", "未经复议直接起诉"),
                 ("litigation_after", "复议后起诉"))

# --- tables --------------------------------------------------------------------

ACTIVE_2021 = Table("active", "主动公开政府信息情况", ("主动公开政府信息情况",), (
    Row("rules", "规章", ("规章",), DOC_COLS),
    Row("normative", "行政规范性文件", ("规范性文件",), DOC_COLS),
    Row("licensing", "行政许可", ("行政许可",), DECISIONS),
    Row("penalty", "行政处罚", ("行政处罚",), DECISIONS),
    Row("coercion", "行政强制", ("行政强制",), DECISIONS),
    Row("fees", "行政事业性收费", ("行政事业性收费",), FEE_2021),
))

ACTIVE_2019 = Table("active", "主动公开政府信息情况", ("主动公开政府信息情况",), (
    Row("rules", "规章", ("规章",), DOC_COLS_2019),
    Row("normative", "规范性文件", ("规范性文件",), DOC_COLS_2019),
    Row("licensing", "行政许可", ("行政许可",), ITEMS_2019),
    Row("other_services", "其他对外管理服务事项", ("其他对外管理服务事项",), ITEMS_2019),
    Row("penalty", "行政处罚", ("行政处罚",), ITEMS_2019),
    Row("coercion", "行政强制", ("行政强制",), ITEMS_2019),
    Row("fees", "行政事业性收费", ("行政事业性收费",), FEE_2019),
    Row("procurement", "政府集中采购", ("政府集中采购",), PROCUREMENT),
))

# Table 二 prints one sub-table per article of 第二十条 (its caption "第二十条第（五）项"), each
# article's rows under it: row id -> the article's numeral.
ACTIVE_ARTICLES = {"rules": "一", "normative": "一", "licensing": "五", "other_services": "五",
                   "penalty": "六", "coercion": "六", "fees": "八", "procurement": "九"}

G3, G4, G5, G6 = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"


def _request_rows(split_other: bool) -> tuple[Row, ...]:
    R = lambda i, lab, keys, group="": Row(i, lab, keys, REQUEST_COLS, group)  # noqa: E731
    rows = [
        R("new", "一、本年新收政府信息公开申请数量", ("本年新收",)),
        R("carried_in", "二、上年结转政府信息公开申请数量", ("上年结转",)),
        R("granted", "（一）予以公开", ("予以公开",), "三、本年度办理结果"),
        R("partial", "（二）部分公开", ("部分公开",), "三、本年度办理结果"),
        R("denied_state_secret", "1.属于国家秘密", ("属于国家秘密",), G3),
        R("denied_law", "2.其他法律行政法规禁止公开", ("法律行政法规禁止公开",), G3),
        R("denied_security", "3.危及“三安全一稳定”", ("三安全一稳定",), G3),
        R("denied_third_party", "4.保护第三方合法权益", ("保护第三方合法权益",), G3),
        R("denied_internal", "5.属于三类内部事务信息", ("三类内部事务信息",), G3),
        R("denied_process", "6.属于四类过程性信息", ("四类过程性信息",), G3),
        R("denied_enforcement", "7.属于行政执法案卷", ("行政执法案卷",), G3),
        R("denied_query", "8.属于行政查询事项", ("行政查询事项",), G3),
        R("unable_not_held", "1.本机关不掌握相关政府信息", ("不掌握相关政府信息",), G4),
        R("unable_create", "2.没有现成信息需要另行制作", ("没有现成信息",), G4),
        R("unable_unclear", "3.补正后申请内容仍不明确", ("补正后申请内容仍不明确",), G4),
        R("rejected_petition", "1.信访举报投诉类申请", ("信访举报投诉类申请",), G5),
        R("rejected_duplicate", "2.重复申请", ("重复申请",), G5),
        R("rejected_publication", "3.要求提供公开出版物", ("要求提供公开出版物",), G5),
        R("rejected_excessive", "4.无正当理由大量反复申请", ("大量反复申请",), G5),
        R("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具",), G5),
    ]
    if split_other:
        rows += [
            R("other_no_correction", "1.申请人无正当理由逾期不补正", ("逾期不补正",), G6),
            R("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用", ("缴纳费用", "未按收费通知"), G6),
            R("other_other", "3.其他", ("3其他",), G6),
        ]
    rows += [
        R("other", "（六）其他处理", ("其他处理",)),
        R("total", "（七）总计", ("七总计",)),
        R("carried_out", "四、结转下年度继续办理", ("结转下年度",)),
    ]
    return tuple(rows)


def _review_table() -> Table:
    rows = tuple(Row(gid, lab, (lab,), REVIEW_COLS) for gid, lab in REVIEW_GROUPS)
    return Table("review", "政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼"), rows)


REQUESTS_HEADING = "收到和处理政府信息公开申请情况"
TEMPLATES: dict[str, Template] = {
    "2021": Template("2021", (
        ACTIVE_2021,
        Table("requests", REQUESTS_HEADING, (REQUESTS_HEADING,), _request_rows(split_other=True)),
        _review_table())),
    "2019": Template("2019", (
        ACTIVE_2019,
        Table("requests", REQUESTS_HEADING, (REQUESTS_HEADING,), _request_rows(split_other=False)),
        _review_table())),
}

# Rows whose sum is the requests ``total`` row (check 2), per form of （六）.
RESULT_ROWS = tuple(r.id for r in TEMPLATES["2021"].table("requests").rows
                    if r.id not in ("new", "carried_in", "total", "carried_out", "other",
                                    "other_no_correction", "other_no_fee", "other_other"))
OTHER_SPLIT = ("other_no_correction", "other_no_fee", "other_other")

# Header words that only the 2019 active table prints.
FORMAT_2019_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
                       "政府集中采购", "第二十条第九项")
FORMAT_2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")

# The six section headings, in order.
SECTIONS = (
    ("overview", "一", ("总体情况",)),
    ("active", "二", ("主动公开政府信息情况",)),
    ("requests", "三", ("收到和处理政府信息公开申请情况",)),
    ("review", "四", ("行政复议", "行政诉讼")),
    ("problems", "五", ("存在的主要问题", "改进情况")),
    ("other", "六", ("其他需要报告的事项",)),
)


def get(name: str) -> Template:
    return TEMPLATES[name]


def all_field_ids() -> list[str]:
    """Union of both formats' field ids, 2021 order first (for wide exports)."""
    seen: dict[str, None] = {}
    for name in FORMATS:
        for f in TEMPLATES[name].field_ids:
            seen.setdefault(f, None)
    return list(seen)


# --- text normalisation ------------------------------------------------------

_DROP = re.compile(r"[\s\u3000（）()\[\]【】〔〕<>《》“”\"'‘’、,，.。:：;；·•\-—_|/]+")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC, then drop spaces, brackets and punctuation: the form row keys are written in."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))

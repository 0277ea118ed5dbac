"""Synthetic 政府信息公开工作年度报告: realistic reports with exact gold, for tests and training.

``generate(seed)`` builds one report, deterministically from the seed: a generated agency and
year, the narrative sections, the three tables of the chosen template (``pipeline.template``)
with numbers that pass every check of ``pipeline.checks`` (unless a deliberate inconsistency is
asked for), and a laid-out page model.  The gold lines are produced by the same layout that
``write_pdf`` draws, so there is exactly one gold line per drawn line (one per table row).

Writers: ``write_pdf`` (text PDF, embedded CJK fonts), ``write_scan`` (rasterised and degraded,
no text layer), ``write_text`` (text dumps shaped like the seeds: pipe, tabs, cell_per_line,
html) and ``write_gold``.  CLI: ``python -m training.generate --n 20 --out DIR``.

Fonts: the Debian Noto CJK fonts are CFF-flavoured OpenType; fpdf2 embeds those with an
embedded CMap that pdfminer/pdfplumber cannot decode.  They are therefore converted once to
TrueType outlines, subset to the characters this module can emit, and cached
(``$NIANBAO_CACHE`` or ``~/.cache/nianbao``).  WenQuanYi Zen Hei is TrueType and used as is.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import math
import os
import random
import re
import sys
import tempfile
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Callable, Optional

from pipeline import template as T
from pipeline.checks import failed, run_checks
from pipeline.datamodel import LABELS

__all__ = ["Synthetic", "generate", "write_pdf", "write_scan", "write_text", "write_gold",
           "text_lines", "gold_lines", "scan_params", "write_all", "main",
           "LABELS", "LAYOUTS", "TEXT_STYLES", "INCONSISTENCIES"]

# --- named constants ---------------------------------------------------------------------------

LAYOUTS = ("grid", "hlines", "borderless")          # table ruling styles
TEXT_STYLES = ("pipe", "tabs", "cell_per_line", "html")
INCONSISTENCIES = ("row_total", "balance", "result_sum", "review_total")

P_FORMAT_2019 = 0.25            # share of reports in the older format
P_SINGLE_OTHER_2021 = 0.2       # 2021-format reports printing （六）其他处理 as one row
P_WEB_META = 0.3                # web-page metadata before the title
P_NO_REQUESTS = 0.35            # reports that received no request at all

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
PDF_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)  # fixed: PDFs are byte-identical per seed
ASCENT = 0.86                    # baseline offset as a fraction of the font size
SCAN_DPI = 150
STAMP_RED = (215, 35, 40)

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy")


@dataclass(frozen=True)
class FontSpec:
    """One face of a font collection; ``cff`` faces are converted to TrueType before embedding."""
    file: str
    index: int
    cff: bool


FONTS = {
    "noto_sans": FontSpec("NotoSansCJK-Regular.ttc", 2, True),
    "noto_sans_bold": FontSpec("NotoSansCJK-Bold.ttc", 2, True),
    "noto_serif": FontSpec("NotoSerifCJK-Regular.ttc", 2, True),
    "noto_serif_bold": FontSpec("NotoSerifCJK-Bold.ttc", 2, True),
    "wqy": FontSpec("wqy-zenhei.ttc", 0, False),
}
BODY_FONTS = ("noto_serif", "noto_sans", "wqy")
HEADING_FONTS = ("noto_sans_bold", "noto_serif_bold", "wqy", "noto_sans")

# --- printed wording that the template shortens -------------------------------------------------

PRINTED_SUFFIX = {
    "partial": "（区分处理的，只计这一情形，不计其他情形）",
    "other_no_correction": "、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "、行政机关不再处理其政府信息公开申请",
}
RESULTS_GROUP = "三、本年度办理结果"
REQUESTS_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = "申请人情况"
ORGS = "法人或其他组织"
LITIGATION = "行政诉讼"
INFO_CONTENT = "信息内容"
ARTICLE_OF_ROW = {"rules": "一", "normative": "一", "licensing": "五", "other_services": "五",
                  "penalty": "六", "coercion": "六", "fees": "八", "procurement": "九"}
SECTION_TITLES = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                  "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
CN_NUM = "〇一二三四五六七八九十"

# --- number generation ---------------------------------------------------------------------------

REQUEST_COL_WEIGHTS = {"natural_person": 0.86, "commercial": 0.07, "research": 0.005,
                       "social_org": 0.01, "legal_service": 0.03, "other": 0.025}
RESULT_WEIGHTS = {
    "granted": 0.40, "partial": 0.08, "denied_state_secret": 0.003, "denied_law": 0.01,
    "denied_security": 0.005, "denied_third_party": 0.01, "denied_internal": 0.02,
    "denied_process": 0.03, "denied_enforcement": 0.01, "denied_query": 0.02,
    "unable_not_held": 0.20, "unable_create": 0.03, "unable_unclear": 0.03,
    "rejected_petition": 0.05, "rejected_duplicate": 0.04, "rejected_publication": 0.01,
    "rejected_excessive": 0.01, "rejected_confirm": 0.01,
    "other_no_correction": 0.03, "other_no_fee": 0.003, "other_other": 0.03}
REVIEW_P_NONZERO = {"reconsideration": 0.25, "litigation_direct": 0.12, "litigation_after": 0.08}
REVIEW_WEIGHTS = {"upheld": 0.55, "corrected": 0.12, "other": 0.18, "pending": 0.15}

# --- text banks ------------------------------------------------------------------------------------

PROVINCES = ("河北省", "山西省", "辽宁省", "吉林省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
             "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省",
             "陕西省", "甘肃省", "青海省", "内蒙古自治区", "广西壮族自治区", "宁夏回族自治区",
             "新疆维吾尔自治区", "黑龙江省")
PLACE_FIRST = "东西南北中新安平永长龙临青白金宝清河兴华泰德昌阳江丰广富嘉云章宁海鹤乐双"
PLACE_SECOND = "阳江山城州湖宁溪源川平安丰泉德海原林水谷陵都定远台口浦"
BODIES = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局",
          "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
          "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电旅游体育局",
          "卫生健康委员会", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
          "统计局", "医疗保障局", "林业局", "城市管理综合行政执法局", "行政审批服务局", "数据资源管理局",
          "信访局", "人民防空办公室", "乡村振兴局", "粮食和物资储备局", "民族宗教事务局", "体育局")
DUAL_NAMES = (("农业农村局", "乡村振兴局"), ("人民政府办公室", "人民政府外事办公室"),
              ("自然资源和规划局", "林业局"), ("民政局", "老龄工作委员会办公室"))
ZONES = ("经济技术开发区管理委员会", "高新技术产业开发区管理委员会", "综合保税区管理委员会",
         "新区管理委员会")
WE_BY_SUFFIX = (("委员会", "我委"), ("办公室", "我办"), ("街道办事处", "我街道"), ("人民政府", "本机关"),
                ("局", "我局"))
PLATFORMS = ("政府门户网站", "政府信息公开专栏", "政务新媒体", "微信公众号", "政务服务网", "政府公报")
ACTIVE_TOPICS = ("机构职能、政策文件、规划计划、财政预决算、人事信息", "通知公告、计划总结、人事任免、部门预决算",
                 "重点领域信息、政策解读、工作动态", "行政许可、行政处罚、“双随机、一公开”抽查结果",
                 "社会救助、医疗卫生、教育就业等民生领域信息")
GOVERNANCE = (
    "严格落实政府信息公开属性源头认定机制，规范公文公开属性标注，做到应公开尽公开。",
    "严格执行信息发布“三审三校”制度，确保公开信息表述规范、内容准确，全年无失泄密事件发生。",
    "对现行有效的规范性文件进行全面清理，及时更新政策文件库，方便群众查询。",
    "明确由办公室负责政府信息公开的日常工作，各科室确定一名信息员，形成分工明确、协同配合的工作格局。",
    "持续做好政府信息公开目录的动态调整，及时删除过时信息，保证信息准确有效。",
)
PLATFORM_TEXT = (
    "充分发挥政府门户网站第一平台作用，优化栏目设置，提升信息检索和浏览体验。",
    "加强政务新媒体管理，严把信息发布审核关，做到内容准确、更新及时。",
    "依托政务服务大厅、公告栏等线下渠道，方便不便上网的群众获取政府信息。",
    "规范政府信息公开专栏建设，按照统一标准调整完善公开目录，提高公开的规范化水平。",
)
SUPERVISION = (
    "成立由主要负责同志任组长的政务公开工作领导小组，定期研究部署政务公开工作。",
    "将政务公开工作纳入年度目标考核，强化日常督查，对发现的问题及时整改到位。",
    "组织开展政务公开业务培训，提升工作人员的业务能力和保密意识。",
    "本年度未发生因政府信息公开工作引发的责任追究情况。",
    "主动接受社会监督，畅通意见建议渠道，及时回应群众关切。",
)
PROBLEMS = (
    "政策解读的形式还不够丰富，图解、视频等解读方式运用较少",
    "信息公开的及时性有待进一步提高，部分栏目更新不够及时",
    "工作人员业务水平有待提升，对《条例》的理解还不够深入",
    "主动公开的深度和广度还不够，重点领域信息公开还需加强",
    "依申请公开办理经验不足，答复文书的规范性还需提高",
)
IMPROVEMENTS = (
    "加强业务培训，组织工作人员深入学习《中华人民共和国政府信息公开条例》，提升业务能力",
    "完善信息发布审核机制，压实各科室责任，确保信息公开及时、准确",
    "丰富政策解读形式，多运用图表图解、音视频等方式，增强解读效果",
    "规范依申请公开办理流程，严格按照法定时限和程序答复，提高办理质量",
    "加大重点领域信息公开力度，及时回应社会关切",
)
OTHER_MATTERS = (
    "本年度未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）规定，{year}年度本机关未收取信息处理费。",
    "无其他需要报告的事项。",
    "本机关{year}年度未发出收费通知，未收取信息处理费，无其他需要报告的事项。",
)
META_TOPICS = ("综合政务", "其他", "综合政务/政务公开", "医疗卫生", "城乡建设", "农业、林业、水利")
WEB_CRUMBS = ("首页 > 政务公开 > 政府信息公开年报", "当前位置：首页 > 信息公开 > 年度报告",
              "您当前的位置：首页 > 政府信息公开 > 政府信息公开年度报告")
PAGE_NUMBER_STYLES = ("— {n} —", "- {n} -", "第{n}页", "第 {n} 页 共 {total} 页", "{n}", "{n}/{total}")

# ==================================================================================================
# Public record
# ==================================================================================================


@dataclass
class Synthetic:
    """One generated report: gold fields, template name, gold lines (page, text, label), meta."""
    fields: dict
    template: str
    lines: list[dict]
    meta: dict
    blocks: list = field(default_factory=list, repr=False)  # logical content (text writers)
    pages: list = field(default_factory=list, repr=False)   # drawn page model (PDF writer)


# ==================================================================================================
# Numbers
# ==================================================================================================


def _count(rng: random.Random, p_zero: float, median: float, sigma: float = 1.0,
           cap: int = 10 ** 6) -> int:
    """A skewed non-negative count: zero with ``p_zero``, else log-normal around ``median``."""
    if rng.random() < p_zero:
        return 0
    return max(1, min(cap, round(rng.lognormvariate(math.log(median), sigma))))


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """Distribute ``n`` items over the keys of ``weights`` (multinomial draw)."""
    out = dict.fromkeys(weights, 0)
    keys = [k for k, w in weights.items() if w > 0]
    if n > 0 and keys:
        for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
            out[k] += 1
    return out


def _sparse(rng: random.Random, weights: dict[str, float], keep: float,
            always: tuple[str, ...] = ()) -> dict[str, float]:
    """Zero out most categories, as real reports use only a few of them."""
    return {k: (w if k in always or rng.random() < keep else 0.0) for k, w in weights.items()}


def _money(rng: random.Random, p_zero: float, median: float, decimals: int) -> float:
    """A money amount (万元) rounded to the number of decimals the report prints."""
    if rng.random() < p_zero:
        return 0.0
    return round(rng.lognormvariate(math.log(median), 1.4), decimals)


def _active_numbers(rng: random.Random, fmt: str, decimals: int) -> dict[str, float]:
    """Values of table 二, keyed by field id."""
    f: dict[str, float] = {}
    if fmt == "2021":
        for row, p_zero in (("rules", 0.85), ("normative", 0.45)):
            issued = _count(rng, p_zero, 3, 0.8, 60)
            repealed = _count(rng, 0.7, 2, 0.8, 40)
            in_force = 0 if (issued == 0 and rng.random() < 0.5 and row == "rules") else \
                issued + _count(rng, 0.2, 20, 1.0, 800)
            f.update({f"active.{row}.issued": issued, f"active.{row}.repealed": repealed,
                      f"active.{row}.in_force": in_force})
        f["active.licensing.decisions"] = _count(rng, 0.4, 120, 1.6, 90000)
        f["active.penalty.decisions"] = _count(rng, 0.5, 30, 1.4, 20000)
        f["active.coercion.decisions"] = _count(rng, 0.75, 5, 1.0, 2000)
        f["active.fees.amount"] = _money(rng, 0.75, 60, decimals)
        return f
    for row in ("rules", "normative"):
        made = _count(rng, 0.85 if row == "rules" else 0.45, 3, 0.8, 60)
        published = made if rng.random() < 0.8 else rng.randint(0, made)
        f.update({f"active.{row}.new_made": made, f"active.{row}.new_published": published,
                  f"active.{row}.total_published": published + _count(rng, 0.3, 15, 1.0, 500)})
    for row, median in (("licensing", 120), ("other_services", 20), ("penalty", 30), ("coercion", 5)):
        f[f"active.{row}.prev_items"] = _count(rng, 0.3, 20, 1.0, 900)
        f[f"active.{row}.change"] = _count(rng, 0.8, 2, 0.7, 40)
        f[f"active.{row}.decisions"] = _count(rng, 0.45, median, 1.4, 50000)
    f["active.fees.prev_items"] = _count(rng, 0.6, 4, 0.8, 80)
    f["active.fees.change"] = _count(rng, 0.9, 1, 0.5, 10)
    f["active.procurement.items"] = _count(rng, 0.5, 8, 1.0, 400)
    f["active.procurement.amount"] = (_money(rng, 0.0, 300, decimals)
                                      if f["active.procurement.items"] else 0.0)
    return f


def _request_numbers(rng: random.Random) -> dict[str, dict[str, int]]:
    """Table 三 as {row id: {column id: n}}, every check satisfied, （六） in its split form."""
    cols = _sparse(rng, REQUEST_COL_WEIGHTS, 0.35, always=("natural_person",))
    results = _sparse(rng, RESULT_WEIGHTS, 0.3, always=("granted",))
    new_total = 0 if rng.random() < P_NO_REQUESTS else _count(rng, 0.0, 6, 1.3, 5000)
    carried_total = 0 if rng.random() < 0.7 else _count(rng, 0.0, max(1, new_total // 8), 0.8, 500)
    new = _split(rng, new_total, cols)
    carried_in = _split(rng, carried_total, cols)
    row_ids = [r.id for r in T.get("2021").table("requests").rows]
    table = {r: dict.fromkeys(REQUEST_COL_WEIGHTS, 0) for r in row_ids}
    for col in REQUEST_COL_WEIGHTS:
        available = new[col] + carried_in[col]
        out = 0 if available == 0 or rng.random() < 0.75 else rng.randint(0, max(1, available // 5))
        done = _split(rng, available - out, results)
        table["new"][col], table["carried_in"][col] = new[col], carried_in[col]
        table["carried_out"][col], table["total"][col] = out, available - out
        for r, n in done.items():
            table[r][col] = n
    for cells in table.values():
        cells["total"] = sum(cells.values())
    table["other"] = {c: sum(table[r][c] for r in T.OTHER_SPLIT) for c in table["new"]}
    return table


def _review_numbers(rng: random.Random) -> dict[str, dict[str, int]]:
    """Table 四 as {group: {column: n}} with total = the sum of the four outcomes."""
    out = {}
    for group, p in REVIEW_P_NONZERO.items():
        n = _count(rng, 0.0, 2, 0.9, 400) if rng.random() < p else 0
        cells = _split(rng, n, REVIEW_WEIGHTS)
        cells["total"] = n
        out[group] = cells
    return out


def _numbers(rng: random.Random, fmt: str, single_other: bool, decimals: int) -> dict:
    """Every field id of the template: a number, or None where the report does not print it."""
    tmpl = T.get(fmt)
    values: dict = dict.fromkeys(tmpl.field_ids)
    values.update(_active_numbers(rng, fmt, decimals))
    requests = _request_numbers(rng)
    printed_rows = {r.id for r in _printed_request_rows(fmt, single_other)}
    for r in tmpl.table("requests").rows:
        if r.id in printed_rows:
            for c in r.columns:
                values[f"requests.{r.id}.{c.id}"] = requests[r.id][c.id]
    for g, cells in _review_numbers(rng).items():
        for c, n in cells.items():
            values[f"review.{g}.{c}"] = n
    return values


def _printed_request_rows(fmt: str, single_other: bool) -> list[T.Row]:
    """The rows of table 三 the report prints: （六） split in three or as one row."""
    split = fmt == "2021" and not single_other
    drop = ("other",) if split else T.OTHER_SPLIT
    return [r for r in T.get(fmt).table("requests").rows if r.id not in drop]


def _inject_inconsistency(rng: random.Random, fields: dict, kind: str) -> dict:
    """Break one rule on purpose; the gold holds the printed (inconsistent) value."""
    delta = rng.choice((1, 2, 3, 10))
    if kind == "review_total":
        fid = f"review.{rng.choice(list(REVIEW_P_NONZERO))}.total"
    elif kind == "row_total":
        rows = [f.split(".")[1] for f in fields if f.startswith("requests.") and f.endswith(".total")
                and fields[f] is not None]
        fid = f"requests.{rng.choice(rows)}.total"
    elif kind == "balance":
        col = rng.choice(list(REQUEST_COL_WEIGHTS))
        fid = f"requests.carried_out.{col}"
        fields["requests.carried_out.total"] += delta
    elif kind == "result_sum":
        rows = [r.split(".")[1] for r in fields if r.startswith("requests.") and r.endswith(".total")
                and fields[r] is not None and r.split(".")[1] in T.RESULT_ROWS]
        col = rng.choice(list(REQUEST_COL_WEIGHTS))
        fid = f"requests.{rng.choice(rows)}.{col}"
        fields[f"requests.{fid.split('.')[1]}.total"] += delta
    else:
        raise ValueError(f"unknown inconsistency {kind!r}; one of {INCONSISTENCIES}")
    before = fields[fid]
    fields[fid] = before + delta
    return {"kind": kind, "field": fid, "consistent_value": before, "printed": fields[fid]}


def _fmt_value(value: float, decimal: bool, decimals: int) -> str:
    """The printed form of a cell value."""
    if decimal:
        return f"{value:.{decimals}f}" if decimals else f"{value:g}"
    return str(int(value))


# ==================================================================================================
# Names, dates and narrative
# ==================================================================================================


def _place(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def _agency(rng: random.Random) -> str:
    """A generated agency name, from a short county bureau to a long dual-named provincial one."""
    city, county = _place(rng) + "市", _place(rng) + rng.choice("县区")
    kind = rng.choices(("city", "county", "town", "street", "zone", "dual", "long"),
                       weights=(25, 35, 8, 6, 6, 10, 10))[0]
    body = rng.choice(BODIES)
    if kind == "city":
        return city + body
    if kind == "county":
        return (city if rng.random() < 0.4 else "") + county + body
    if kind == "town":
        return county + _place(rng) + rng.choice(("镇", "乡")) + "人民政府"
    if kind == "street":
        return county + _place(rng) + "街道办事处"
    if kind == "zone":
        return city + _place(rng) + rng.choice(ZONES)
    if kind == "dual":
        a, b = rng.choice(DUAL_NAMES)
        prefix = rng.choice((city, county))
        return f"{prefix}{a}（{prefix}{b}）"
    return rng.choice(PROVINCES) + city + county + body


def _we(agency: str) -> str:
    """How the agency refers to itself in its narrative."""
    for suffix, we in WE_BY_SUFFIX:
        if agency.endswith(suffix) or agency.endswith(suffix + "）"):
            return we
    return "本机关"


def _cn_number(n: int) -> str:
    """0..31 or a year in Chinese numerals as written on official documents (二〇二四, 十九)."""
    if n >= 1000:
        return "".join(CN_NUM[int(d)] for d in str(n))
    if n <= 10:
        return CN_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens]) + "十" + (CN_NUM[ones] if ones else "")


def _dates(rng: random.Random, year: int) -> dict:
    """Publication date in the forms the report prints it."""
    month = rng.choices((1, 2, 3), weights=(85, 10, 5))[0]
    day = rng.randint(5, 31) if month == 1 else rng.randint(1, 28)
    y = year + 1
    return {"iso": f"{y}-{month:02d}-{day:02d}", "cn": f"{y}年{month}月{day}日",
            "cn_numerals": f"{_cn_number(y)}年{_cn_number(month)}月{_cn_number(day)}日"}


def _n(value: int, spaced: bool) -> str:
    """A number inside narrative: ``12`` or `` 12 `` (seeds 003/004 space numbers)."""
    return f" {value} " if spaced else str(value)


def _narrative(rng: random.Random, ctx: dict, fields: dict) -> dict:
    """Paragraph texts of 一（一）…（五）, 五 and 六, and the counts they state."""
    year, we, sp = ctx["year"], ctx["we"], ctx["spaced_numbers"]
    y = f"{year} 年" if sp else f"{year}年"
    published = _count(rng, 0.0, 80, 1.0, 20000)
    stated: dict[str, int] = {"active_published": published}
    active = rng.choice((
        f"{y}，{we}坚持“以公开为常态、不公开为例外”原则，依托{rng.choice(PLATFORMS)}主动公开政府信息"
        f"{_n(published, sp)}条，内容涵盖{rng.choice(ACTIVE_TOPICS)}等。",
        f"全年共主动公开政府信息{_n(published, sp)}条，通过{rng.choice(PLATFORMS)}、"
        f"{rng.choice(PLATFORMS)}等渠道，及时、准确地公开了{rng.choice(ACTIVE_TOPICS)}等信息。",
        f"{y}，{we}按照《中华人民共和国政府信息公开条例》规定，主动公开信息共{_n(published, sp)}条。",
    ))
    new = fields["requests.new.total"]
    natural = fields["requests.new.natural_person"]
    stated["requests_new"] = new
    if new == 0 and fields["requests.carried_in.total"] == 0 and rng.random() < 0.5:
        requests = f"本年度{we}未收到政府信息公开申请，无上年结转申请。"
    else:
        requests = f"{y}，{we}共收到政府信息公开申请{_n(new, sp)}件"
        if new and rng.random() < 0.6:
            stated["requests_natural_person"] = natural
            requests += f"，其中自然人申请{_n(natural, sp)}件、法人或其他组织申请{_n(new - natural, sp)}件"
        carried = fields["requests.carried_in.total"]
        if carried:
            stated["requests_carried_in"] = carried
            requests += f"，上年结转{_n(carried, sp)}件"
        requests += "。"
        if new or carried:
            stated["requests_done"] = fields["requests.total.total"]
            requests += f"全年共办结{_n(fields['requests.total.total'], sp)}件，均在法定期限内答复。"
    recon = fields["review.reconsideration.total"]
    litig = fields["review.litigation_direct.total"] + fields["review.litigation_after.total"]
    if recon == 0 and litig == 0:
        requests += "全年未发生因政府信息公开引起的行政复议、行政诉讼情况。"
    else:
        stated.update(review_reconsideration=recon, review_litigation=litig)
        requests += f"发生政府信息公开行政复议{_n(recon, sp)}件、行政诉讼{_n(litig, sp)}件。"
    intro = rng.choice((
        f"{y}，{ctx['agency']}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以人民为中心，"
        "不断完善政府信息公开制度，加强平台建设，提升公开质效。",
        f"{y}，{we}认真贯彻落实上级关于政务公开工作的决策部署，明确分工、细化步骤、优化流程，"
        "积极推进政府信息公开工作。",
    ))
    pick = lambda bank, k: "".join(rng.sample(bank, k))  # noqa: E731
    problems = rng.sample(PROBLEMS, 2)
    fixes = rng.sample(IMPROVEMENTS, rng.choice((2, 3)))
    return {
        "intro": intro, "active": active, "requests": requests,
        "management": pick(GOVERNANCE, 2), "platform": pick(PLATFORM_TEXT, 2),
        "supervision": pick(SUPERVISION, 2),
        "problems": problems, "fixes": fixes,
        "other": rng.choice(OTHER_MATTERS).format(year=year),
        "stated": stated,
    }


# ==================================================================================================
# Logical document: blocks and grids
# ==================================================================================================


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


# ==================================================================================================
# Fonts: metrics, and TrueType files for embedding
# ==================================================================================================


def _font_path(key: str) -> Optional[Path]:
    """The installed file of a font key, or None."""
    for d in FONT_DIRS:
        p = Path(d) / FONTS[key].file
        if p.exists():
            return p
    return None


@lru_cache(maxsize=None)
def available_fonts() -> tuple[str, ...]:
    """Font keys whose files are installed (fonts-noto-cjk, fonts-wqy-zenhei)."""
    keys = tuple(k for k in FONTS if _font_path(k))
    if not keys:
        raise RuntimeError("no CJK font found; install fonts-noto-cjk and fonts-wqy-zenhei")
    return keys


def _pick_font(rng: random.Random, choices: tuple[str, ...]) -> str:
    ok = [k for k in choices if k in available_fonts()]
    return rng.choice(ok) if ok else available_fonts()[0]


@lru_cache(maxsize=None)
def _advances(key: str) -> tuple[dict[int, float], float]:
    """Per-codepoint advance widths in ems, and the default width, from the installed font."""
    from fontTools.ttLib import TTFont
    spec = FONTS[key]
    font = TTFont(str(_font_path(key)), fontNumber=spec.index, lazy=True)
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = {cp: hmtx[g][0] / upem for cp, g in font.getBestCmap().items() if g in hmtx}
    font.close()
    return widths, 1.0


def _measure(key: str, size: float) -> Callable[[str], float]:
    """A function giving the width in points of a string set in ``key`` at ``size``."""
    widths, default = _advances(key)
    return lambda s: size * sum(widths.get(ord(ch), default) for ch in s)


def _charset() -> str:
    """Every character this module can draw: its source text (all literals) and the template."""
    chars = set(Path(__file__).read_text(encoding="utf-8"))
    for tmpl in T.TEMPLATES.values():
        for t in tmpl.tables:
            chars.update(t.heading)
            for r in t.rows:
                chars.update(r.label + r.group + "".join(c.label for c in r.columns))
    chars.update(chr(c) for c in range(0x20, 0x7F))
    return "".join(sorted(c for c in chars if c == " " or unicodedata.category(c)[0] not in "CZ")
                   + ["\u3000"])


def _cache_dir() -> Path:
    return Path(os.environ.get("NIANBAO_CACHE", Path.home() / ".cache" / "nianbao")) / "fonts"


@lru_cache(maxsize=None)
def _embeddable(key: str) -> tuple[str, int]:
    """(file, collection index) fpdf2 can embed so that pdfplumber reads the text back."""
    spec = FONTS[key]
    src = _font_path(key)
    if not spec.cff:
        return str(src), spec.index
    chars = _charset()
    digest = hashlib.sha1(f"{src}:{spec.index}:{chars}".encode()).hexdigest()[:12]
    out = _cache_dir() / f"{key}-{digest}.ttf"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        _convert_to_truetype(src, spec.index, chars, out)
    return str(out), 0


def _convert_to_truetype(src: Path, index: int, chars: str, out: Path) -> None:
    """Subset a CFF face to ``chars`` and rewrite its outlines as TrueType (quadratic) glyphs."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src), fontNumber=index, lazy=True)
    opts = subset.Options()
    opts.desubroutinize, opts.layout_features, opts.notdef_outline = True, [], True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        g = glyf.glyphs[name]
        hmtx.metrics[name] = (hmtx.metrics[name][0], g.xMin if g.numberOfContours else 0)
    maxp = newTable("maxp")
    maxp.tableVersion, maxp.maxZones = 0x00010000, 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    os.close(fd)
    font.save(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)  # atomic: parallel generators may race to build the same file


# ==================================================================================================
# Layout: blocks -> pages of drawn runs and rules, and the gold lines
# ==================================================================================================


@dataclass
class Run:
    """Text drawn at a baseline position."""
    x: float
    y: float
    text: str
    font: str
    size: float


@dataclass
class PageModel:
    runs: list[Run] = field(default_factory=list)
    rules: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    stamp_at: Optional[tuple[float, float]] = None  # centre, in points, for scans


@dataclass
class _TableGeometry:
    """A measured table: its font, ruling, padding, column edges, row heights, wrapped cells."""
    font: str
    size: float
    ruling: str
    pad: float
    lh: float
    colx: list[float]
    heights: list[float]
    wrapped: dict[int, list[str]]
    measure: Callable[[str], float]


_TOKEN = re.compile(r"[A-Za-z0-9.%/:@_\-+]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》”’%,.;:)")


def wrap(text: str, width: float, measure: Callable[[str], float], indent: float = 0.0) -> list[str]:
    """Greedy CJK line breaking: break between characters, never inside a number or word,
    and not before closing punctuation unless the line holds a single character."""
    lines, cur, used = [], "", indent
    for tok in _TOKEN.findall(text):
        w = measure(tok)
        if cur and used + w > width and (tok not in _NO_LINE_START or len(cur) < 2):
            if w > width:  # a token wider than the line: break it by characters
                for ch in tok:
                    cw = measure(ch)
                    if cur and used + cw > width:
                        lines.append(cur)
                        cur, used = "", 0.0
                    cur, used = cur + ch, used + cw
                continue
            lines.append(cur)
            cur, used = "", 0.0
        cur, used = cur + tok, used + w
    lines.append(cur)
    return lines


class _Layout:
    """Places blocks on A4 pages; every drawn line also becomes a gold line."""

    def __init__(self, style: dict):
        self.s = style
        self.left, self.right = style["margin_x"], PAGE_W - style["margin_x"]
        self.top, self.bottom = style["margin_top"], PAGE_H - style["margin_bottom"]
        self.pages: list[PageModel] = []
        self._new_page()

    @property
    def page(self) -> PageModel:
        return self.pages[-1]

    def _new_page(self) -> None:
        self.pages.append(PageModel())
        self.y = self.top

    def _ensure(self, h: float) -> None:
        if self.y + h > self.bottom and self.y > self.top:
            self._new_page()

    def _gold(self, text: str, label: str, box: tuple, **extra) -> None:
        self.page.lines.append({"page": len(self.pages), "text": text, "label": label,
                                "box": [round(v, 2) for v in box], **extra})

    def text_lines(self, text: str, font: str, size: float, label: str, *, align: str = "L",
                   indent_chars: float = 0.0, leading: float = 1.6, keep_after: float = 0.0,
                   alt_label: Optional[str] = None) -> None:
        """A paragraph: wrapped, each visual line drawn and recorded."""
        measure = _measure(font, size)
        width = self.right - self.left
        lines = wrap(text, width, measure, indent_chars * size)
        lh = size * leading
        self._ensure(lh * min(len(lines), 2) + keep_after)
        for i, line in enumerate(lines):
            self._ensure(lh)
            w = measure(line)
            x = {"L": self.left + (indent_chars * size if i == 0 else 0.0),
                 "C": (self.left + self.right - w) / 2, "R": self.right - w}[align]
            top = self.y + (lh - size) / 2
            self.page.runs.append(Run(x, top + size * ASCENT, line, font, size))
            extra = {"alt_label": alt_label} if alt_label and i == 0 else {}
            self._gold(line, label, (x, top, x + w, top + size), **extra)
            self.y += lh

    def space(self, h: float) -> None:
        self.y = min(self.y + h, self.bottom)

    # -- tables ---------------------------------------------------------------------------------

    def grid(self, g: Grid, ruling: str, font: str, size: float) -> None:
        """Lay a table out: wrap cells, size rows, paginate (optionally repeating the header)."""
        geo = self._measure_table(g, ruling, font, size)
        segments = self._paginate(g, geo.heights)
        owner = self._text_segments(g, segments, geo.heights)
        for si, (page_no, ys) in enumerate(segments):
            self._draw_segment(g, geo, page_no, ys, {k for k, v in owner.items() if v == si})

    def _measure_table(self, g: Grid, ruling: str, font: str, size: float) -> _TableGeometry:
        """Column edges, wrapped cell texts, and row heights tall enough for every cell."""
        measure = _measure(font, size)
        pad, lh = size * 0.35, size * 1.3
        colx = self._column_edges(g)
        wrapped = {id(c): wrap(c.text, colx[c.col + c.colspan] - colx[c.col] - 2 * pad, measure)
                   for c in g.cells}
        heights = [lh + 2 * pad * self.s["row_pad"]] * g.nrows
        for c in g.cells:
            if c.rowspan == 1:
                heights[c.row] = max(heights[c.row], len(wrapped[id(c)]) * lh + 2 * pad)
        for c in g.cells:
            if c.rowspan > 1:
                need = len(wrapped[id(c)]) * lh + 2 * pad
                have = sum(heights[c.row:c.row + c.rowspan])
                if need > have:
                    for r in range(c.row, c.row + c.rowspan):
                        heights[r] += (need - have) / c.rowspan
        return _TableGeometry(font, size, ruling, pad, lh, colx, heights, wrapped, measure)

    def _column_edges(self, g: Grid) -> list[float]:
        """x of every column edge; widths in ems scaled to fit the text area."""
        total_em = sum(g.widths)
        avail = self.right - self.left
        share = self.s["active_width"] if g.kind in ("active", "meta") else 1.0
        scale = avail * share / total_em
        x0 = self.left + (avail - total_em * scale) / 2
        edges = [x0]
        for w in g.widths:
            edges.append(edges[-1] + w * scale)
        return edges

    def _paginate(self, g: Grid, heights: list[float]) -> list[tuple[int, dict[int, float]]]:
        """Rows to pages: [(page index, {row: top y})]; kept rows move together."""
        units, cur = [], []
        for r in range(g.nrows):
            cur.append(r)
            if not g.keep_next[r]:
                units.append(cur)
                cur = []
        if cur:
            units.append(cur)
        segments: list[tuple[int, dict[int, float]]] = []
        ys: dict[int, float] = {}
        for unit in units:
            h = sum(heights[r] for r in unit)
            if self.y + h > self.bottom and (ys or self.y > self.top):
                if ys:
                    segments.append((len(self.pages) - 1, ys))
                self._new_page()
                ys = {}
                if self.s["repeat_header"] and g.header_rows and unit[0] >= g.header_rows:
                    for r in range(g.header_rows):
                        ys[r] = self.y
                        self.y += heights[r]
            for r in unit:
                ys[r] = self.y
                self.y += heights[r]
        segments.append((len(self.pages) - 1, ys))
        return segments

    @staticmethod
    def _text_segments(g: Grid, segments: list, heights: list[float]) -> dict[int, int]:
        """For each cell split by a page break, the segment that draws its text: the one
        holding most of its height (the first, on a tie)."""
        best: dict[int, tuple[float, int]] = {}
        for si, (_, ys) in enumerate(segments):
            for c in g.cells:
                h = sum(heights[r] for r in range(c.row, c.row + c.rowspan) if r in ys)
                if h > 0 and (id(c) not in best or h > best[id(c)][0] + 1e-6):
                    best[id(c)] = (h, si)
        return {k: v[1] for k, v in best.items()}

    def _draw_segment(self, g: Grid, geo: _TableGeometry, page_no: int, ys: dict[int, float],
                      owned: set[int]) -> None:
        """Draw the rows ``ys`` of a table on one page, and one gold line per row with text.

        A cell's text is drawn where the cell is whole, or, for a cell a page break splits, in
        the part that ``owned`` names.  A merged cell's text joins the gold line of the row its
        text block is centred on."""
        page = self.pages[page_no]
        row_texts: dict[int, list[tuple[int, str]]] = {r: [] for r in ys}
        for c in g.cells:
            rows = [r for r in range(c.row, c.row + c.rowspan) if r in ys]
            if not rows:
                continue
            box = (geo.colx[c.col], ys[rows[0]], geo.colx[c.col + c.colspan],
                   ys[rows[-1]] + geo.heights[rows[-1]])
            self._rule_cell(page, box, geo.ruling)
            if c.text and (len(rows) == c.rowspan or id(c) in owned):
                centre = self._cell_text(page, c, box, geo)
                anchor = next((r for r in rows if ys[r] <= centre < ys[r] + geo.heights[r]), rows[0])
                row_texts[anchor].append((c.col, c.text))
        for r in sorted(ys, key=lambda r: ys[r]):
            if row_texts[r]:
                box = (geo.colx[0], ys[r], geo.colx[-1], ys[r] + geo.heights[r])
                page.lines.append({"page": page_no + 1, "label": g.roles[r],
                                   "text": " ".join(t for _, t in sorted(row_texts[r])),
                                   "box": [round(v, 2) for v in box]})

    def _rule_cell(self, page: PageModel, box: tuple, ruling: str) -> None:
        """Cell borders: all four (grid), top and bottom (hlines), or none (borderless)."""
        x0, y0, x1, y1 = box
        lw = self.s["rule_width"]
        if ruling in ("grid", "hlines"):
            page.rules += [(x0, y0, x1, y0, lw), (x0, y1, x1, y1, lw)]
        if ruling == "grid":
            page.rules += [(x0, y0, x0, y1, lw), (x1, y0, x1, y1, lw)]

    @staticmethod
    def _cell_text(page: PageModel, c: GridCell, box: tuple, geo: _TableGeometry) -> float:
        """Draw a cell's wrapped text, vertically centred; returns the y of its centre."""
        x0, y0, x1, y1 = box
        lines = geo.wrapped[id(c)]
        top = y0 + (y1 - y0 - len(lines) * geo.lh) / 2
        for i, line in enumerate(lines):
            w = geo.measure(line)
            x = {"L": x0 + geo.pad, "C": (x0 + x1 - w) / 2, "R": x1 - geo.pad - w}[c.align]
            baseline = top + i * geo.lh + (geo.lh - geo.size) / 2 + geo.size * ASCENT
            page.runs.append(Run(x, baseline, line, geo.font, geo.size))
        return top + len(lines) * geo.lh / 2

    # -- page furniture -------------------------------------------------------------------------

    def furniture(self, running_header: Optional[str], number_style: Optional[str]) -> None:
        """Running header and page numbers (label ``other``), placed around each page's lines."""
        total = len(self.pages)
        font, size = self.s["body_font"], 9.0
        measure = _measure(font, size)
        for n, page in enumerate(self.pages, 1):
            head, foot = [], []
            if running_header:
                w = measure(running_header)
                x, top = (PAGE_W - w) / 2, self.top - 28
                page.runs.append(Run(x, top + size * ASCENT, running_header, font, size))
                page.rules.append((self.left, top + size + 4, self.right, top + size + 4, 0.6))
                head.append({"page": n, "text": running_header, "label": "other",
                             "box": [round(x, 2), round(top, 2), round(x + w, 2), round(top + size, 2)]})
            if number_style:
                text = number_style.format(n=n, total=total)
                w = measure(text)
                x, top = (PAGE_W - w) / 2, self.bottom + 22
                page.runs.append(Run(x, top + size * ASCENT, text, font, size))
                foot.append({"page": n, "text": text, "label": "other",
                             "box": [round(x, 2), round(top, 2), round(x + w, 2), round(top + size, 2)]})
            page.lines = head + page.lines + foot


def _layout(blocks: list[Block], style: dict) -> list[PageModel]:
    """Place every block; returns the pages with their runs, rules and gold lines."""
    lay = _Layout(style)
    body, head, size = style["body_font"], style["heading_font"], style["body_size"]
    for i, b in enumerate(blocks):
        if b.kind == "title":
            if i == 0 or blocks[i - 1].kind != "title":
                lay.space(size * 0.8)
            lay.text_lines(b.text, style["title_font"], style["title_size"], "heading", align="C",
                           leading=1.5)
            if i + 1 < len(blocks) and blocks[i + 1].kind != "title":
                lay.space(size)
        elif b.kind in ("heading", "subheading"):
            hs = style["heading_size"] if b.kind == "heading" else size
            lay.text_lines(b.text, head if b.kind == "heading" else style["sub_font"], hs, "heading",
                           indent_chars=style["heading_indent"], keep_after=size * 4, leading=1.8)
        elif b.kind == "para":
            lay.text_lines(b.text, body, size, b.label, indent_chars=2.0, leading=style["leading"],
                           alt_label=b.alt_label)
        elif b.kind == "crumb":
            lay.text_lines(b.text, body, size * 0.8, "other", leading=1.6)
        elif b.kind in ("grid", "meta"):
            lay.space(size * 0.3)
            ruling = "borderless" if b.kind == "meta" and style["tables"] != "grid" else style["tables"]
            lay.grid(b.grid, ruling, style["table_font"], style["table_size"] * (0.9 if b.kind == "meta" else 1))
            lay.space(size * 0.6)
        elif b.kind == "sign":
            lay.space(size * 2)
            lay.text_lines(b.text, body, size, "other", align="R", leading=1.6, keep_after=size * 1.6)
            lay.page.stamp_at = (lay.right - min(_measure(body, size)(b.text), 180) / 2, lay.y - size)
        elif b.kind == "date":
            lay.text_lines(b.text, body, size, "other", align="R", leading=1.6)
    running = style["running_header"]
    lay.furniture(running, style["page_numbers"])
    return lay.pages


# ==================================================================================================
# generate()
# ==================================================================================================


def _style(rng: random.Random, layout: Optional[str]) -> dict:
    """Visual choices: ruling, fonts, sizes, margins, numbering, page furniture."""
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")
    body = _pick_font(rng, BODY_FONTS)
    body_size = rng.choice((10.5, 11.0, 11.5, 12.0))
    table_size = rng.choice((7.5, 8.0, 8.5, 9.0))
    label_col0 = rng.choice((1.4, 2.4, 4.6))      # narrow: 三、本年度办理结果 stacks vertically
    label_col1 = rng.choice((2.4, 3.4, 5.4))
    label_col2 = rng.choice((13.0, 16.0, 20.0))
    value_col = rng.choice((2.6, 3.0, 3.6))
    return {
        "tables": layout or rng.choices(LAYOUTS, weights=(55, 15, 30))[0],
        "body_font": body,
        "heading_font": _pick_font(rng, HEADING_FONTS),
        "sub_font": rng.choice((body, _pick_font(rng, HEADING_FONTS))),
        "title_font": _pick_font(rng, HEADING_FONTS),
        "table_font": rng.choice((body, _pick_font(rng, BODY_FONTS))),
        "body_size": body_size, "table_size": table_size,
        "heading_size": body_size + rng.choice((0.0, 1.0, 2.0)),
        "title_size": rng.choice((15.0, 16.0, 18.0, 20.0)),
        "leading": rng.choice((1.5, 1.7, 1.9)),
        "margin_x": rng.choice((56.0, 64.0, 72.0, 85.0)),
        "margin_top": rng.choice((60.0, 72.0, 85.0)),
        "margin_bottom": rng.choice((60.0, 72.0, 85.0)),
        "heading_indent": rng.choice((0.0, 2.0)),
        "rule_width": rng.choice((0.5, 0.75, 1.0)),
        "row_pad": rng.choice((1.0, 1.4)),
        "active_width": rng.choice((0.8, 0.9, 1.0)),
        "requests_widths": [label_col0, label_col1, label_col2] + [value_col] * 7,
        "repeat_header": rng.random() < 0.5,
        "running_header": None,
        "page_numbers": rng.choice(PAGE_NUMBER_STYLES + (None,)),
        "web_meta": rng.random() < P_WEB_META,
        "title_split": rng.random() < 0.4,
        "preamble": rng.random() < 0.6,
        "numbering": rng.choices(("cn", "cn_space", "none"), weights=(80, 8, 12))[0],
        "number_first_only": rng.random() < 0.5,
        "sub_suffix": rng.choice(("", "情况", "方面", "工作")),
        "sub_inline": rng.random() < 0.3,
        "half_brackets": rng.random() < 0.2,
        "item_sep": rng.choice((".", ".", ". ", "、")),
        "caption_left": rng.random() < 0.5,
        "signature": rng.random() < 0.8,
        "cn_date": rng.random() < 0.1,
        "decimals": rng.choice((0, 1, 2, 2)),
    }


def generate(seed: int, *, fmt: Optional[str] = None, layout: Optional[str] = None,
             inconsistent: bool | str = False, agency: Optional[str] = None,
             year: Optional[int] = None) -> Synthetic:
    """A synthetic report, the same for the same arguments.

    ``fmt``: "2021" or "2019" (default: drawn, mostly 2021).  ``layout``: the table ruling,
    one of ``LAYOUTS`` (default: drawn); fonts, sizes, margins and the rest are drawn from the
    seed and recorded in ``meta["layout"]``.  ``inconsistent``: True (a random kind) or one of
    ``INCONSISTENCIES`` to break one rule on purpose, recorded in ``meta["inconsistency"]``.
    ``agency``, ``year``: this agency and year instead of drawn ones (the same agency's
    reports of several years, for corpus tests); the rest is drawn as without them.
    """
    rng = random.Random(f"nianbao-synthetic:{seed}")
    if fmt is None:
        fmt = "2019" if rng.random() < P_FORMAT_2019 else "2021"
    if fmt not in T.FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {T.FORMATS}")
    drawn_year = rng.choice((2019, 2020, 2020, 2021)) if fmt == "2019" else rng.choice((2021, 2022, 2023, 2023, 2024, 2024))
    drawn_agency = _agency(rng)  # drawn even when given: the seed's other draws stay the same
    year = drawn_year if year is None else year
    agency = drawn_agency if agency is None else agency
    style = _style(rng, layout)
    single_other = fmt == "2019" or rng.random() < P_SINGLE_OTHER_2021
    ctx = {"format": fmt, "year": year, "agency": agency, "we": _we(agency),
           "dates": _dates(rng, year), "single_other": single_other,
           "spaced_numbers": rng.random() < 0.25,
           "report_title": rng.choice(("政府信息公开工作年度报告", "度政府信息公开工作年度报告"))}
    fields = _numbers(rng, fmt, single_other, style["decimals"])
    bad = failed(run_checks(T.get(fmt), fields))
    if bad:  # the number generator's own contract; a failure here is a bug in this module
        raise AssertionError(f"seed {seed}: generated numbers break {bad[0].detail}")
    inconsistency = None
    if inconsistent:
        kind = inconsistent if isinstance(inconsistent, str) else rng.choice(INCONSISTENCIES)
        inconsistency = _inject_inconsistency(rng, fields, kind)
    text = _narrative(rng, ctx, fields)
    if rng.random() < 0.3:
        style["running_header"] = f"{agency}{year}年{ctx['report_title']}"
    blocks = _blocks(rng, ctx, fields, text, style)
    pages = _layout(blocks, style)
    lines = [ln for p in pages for ln in p.lines]
    title = f"{agency}{year}年{ctx['report_title']}"
    meta = {"seed": seed, "title": title, "agency": agency, "year": year, "format": fmt,
            "date": ctx["dates"]["iso"],
            "other_form": "single" if single_other else "split", "stated": text["stated"],
            "inconsistency": inconsistency, "pages": len(pages),
            "layout": {k: v for k, v in style.items() if k != "requests_widths"}}
    return Synthetic(fields=fields, template=fmt, lines=lines, meta=meta, blocks=blocks, pages=pages)


# ==================================================================================================
# Writers
# ==================================================================================================


def _pdf_bytes(s: Synthetic) -> bytes:
    """The text PDF: fonts embedded (subset), every run at its laid-out position."""
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(PDF_DATE)
    pdf.set_title(s.meta["title"])
    used = sorted({r.font for p in s.pages for r in p.runs})
    for key in used:
        path, index = _embeddable(key)
        pdf.add_font(key, fname=path, collection_font_number=index)
    with _quiet("fontTools.subset"):  # WenQuanYi's bitmap tables are dropped, noisily
        _draw_pages(pdf, s.pages)
        return bytes(pdf.output())


@contextmanager
def _quiet(logger: str):
    """Silence a library logger's warnings for the duration of the block."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _draw_pages(pdf, pages: list[PageModel]) -> None:
    """Draw the rules and text runs of every page."""
    for page in pages:
        pdf.add_page()
        for x0, y0, x1, y1, w in page.rules:
            pdf.set_line_width(w)
            pdf.line(x0, y0, x1, y1)
        for run in page.runs:
            pdf.set_font(run.font, size=run.size)
            pdf.text(run.x, run.y, run.text)


def write_pdf(s: Synthetic, path) -> None:
    """Write the report as a text PDF (CJK fonts embedded; byte-identical for the same seed)."""
    Path(path).write_bytes(_pdf_bytes(s))


def _draw_stamp(img, centre_px: tuple[float, float], radius: int, agency: str, rng: random.Random):
    """A red round seal (ring, star, agency name on the arc) multiplied onto the page image."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont
    size = radius * 2 + 8
    mask = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(mask)
    c = size / 2
    ring = max(2, radius // 14)
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star = [(c + radius * 0.3 * (1 if k % 2 == 0 else 0.4) * math.cos(math.radians(-90 + 36 * k)),
             c + radius * 0.3 * (1 if k % 2 == 0 else 0.4) * math.sin(math.radians(-90 + 36 * k)))
            for k in range(10)]
    d.polygon(star, fill=255)
    font_key = next((k for k in ("noto_sans_bold", "noto_sans", "wqy") if k in available_fonts()))
    font = ImageFont.truetype(str(_font_path(font_key)), int(radius * 0.28), index=FONTS[font_key].index)
    name = agency[:16]
    span = min(240.0, 18.0 * len(name))
    for k, ch in enumerate(name):
        ang = -90 - span / 2 + span * (k + 0.5) / len(name)
        glyph = Image.new("L", (int(radius * 0.4),) * 2, 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-(ang + 90), resample=Image.BICUBIC)
        gx = c + radius * 0.72 * math.cos(math.radians(ang)) - glyph.width / 2
        gy = c + radius * 0.72 * math.sin(math.radians(ang)) - glyph.height / 2
        mask.paste(255, (int(gx), int(gy)), glyph)
    mask = mask.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
    arr = np.asarray(img).astype(np.float32)
    m = np.asarray(mask).astype(np.float32) / 255.0 * rng.uniform(0.65, 0.9)
    x0, y0 = int(centre_px[0] - size / 2), int(centre_px[1] - size / 2)
    xa, ya = max(0, x0), max(0, y0)
    xb, yb = min(arr.shape[1], x0 + size), min(arr.shape[0], y0 + size)
    if xb <= xa or yb <= ya:
        return img
    sub = m[ya - y0:yb - y0, xa - x0:xb - x0, None]
    tint = np.array(STAMP_RED, np.float32) / 255.0
    region = arr[ya:yb, xa:xb]
    arr[ya:yb, xa:xb] = region * (1 - sub) + region * tint * sub
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _degrade(img, rng: random.Random, params: dict):
    """Scanner look: paper tint and low contrast, blur, skew, noise; returns JPEG bytes."""
    import cv2
    import numpy as np
    arr = np.asarray(img.convert("RGB")).astype(np.float32)
    paper = params["paper"] * np.array(params["tint"], np.float32)
    arr = arr * params["contrast"] + paper * (1 - params["contrast"])
    if params["blur"]:
        arr = cv2.GaussianBlur(arr, (0, 0), params["blur"])
    h, w = arr.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), params["skew"], 1.0)
    arr = cv2.warpAffine(arr, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=tuple(float(v) for v in paper))
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, params["noise"], arr.shape[:2])
    arr = (arr + noise[..., None]).clip(0, 255).astype(np.uint8)
    if params["gray"]:
        arr = cv2.cvtColor(cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(arr, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, params["jpeg_quality"]])
    assert ok
    return buf.tobytes()


def scan_params(seed: int) -> dict:
    """The degradation drawn for a scan seed (recorded so benchmarks can bucket by it)."""
    rng = random.Random(f"nianbao-scan:{seed}")
    return {"skew": round(rng.uniform(-1.5, 1.5), 3), "blur": rng.choice((0, 0.6, 0.9, 1.2)),
            "jpeg_quality": rng.randint(40, 70), "noise": rng.choice((2.0, 4.0, 7.0)),
            "contrast": rng.uniform(0.65, 0.95), "paper": rng.uniform(225, 250),
            "tint": (1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)),
            "gray": rng.random() < 0.35, "stamp": rng.random() < 0.5}


def _scan_pages(s: Synthetic, dpi: int, seed: int) -> list[bytes]:
    """Render each page with pdfium, stamp the signature page, degrade; JPEG bytes per page."""
    import pypdfium2 as pdfium
    params = scan_params(seed)
    rng = random.Random(f"nianbao-scan-noise:{seed}")
    doc = pdfium.PdfDocument(_pdf_bytes(s))
    out = []
    try:
        for i, page in enumerate(doc):
            img = page.render(scale=dpi / 72).to_pil().convert("RGB")
            at = s.pages[i].stamp_at
            if params["stamp"] and at:
                img = _draw_stamp(img, (at[0] * dpi / 72, at[1] * dpi / 72), int(40 * dpi / 72),
                                  s.meta["agency"], rng)
            out.append(_degrade(img, rng, params))
    finally:
        doc.close()
    return out


def write_scan(s: Synthetic, path, *, dpi: int = SCAN_DPI, seed: Optional[int] = None) -> None:
    """Write a degraded raster copy with no text layer.

    ``path`` ending in ``.pdf``: one image per page (JPEG, embedded as is).  Otherwise PNG files
    ``<stem>-<n>.png`` beside ``path``.  ``seed`` picks the degradation (default: the report's).
    """
    from fpdf import FPDF
    seed = s.meta["seed"] if seed is None else seed
    pages = _scan_pages(s, dpi, seed)
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        import cv2
        import numpy as np
        for n, jpg in enumerate(pages, 1):
            img = cv2.imdecode(np.frombuffer(jpg, np.uint8), cv2.IMREAD_COLOR)
            cv2.imwrite(str(path.with_name(f"{path.stem}-{n}.png")), img)
        return
    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(PDF_DATE)
    for jpg in pages:
        pdf.add_page()
        pdf.image(io.BytesIO(jpg), x=0, y=0, w=PAGE_W, h=PAGE_H)
    path.write_bytes(bytes(pdf.output()))


# -- text dumps ----------------------------------------------------------------------------------


def _grid_rows(g: Grid) -> list[list[Optional[GridCell]]]:
    """Grid positions row by row: the cell starting there, or None (covered by a span)."""
    table: list[list[Optional[GridCell]]] = [[None] * g.ncols for _ in range(g.nrows)]
    for c in g.cells:
        table[c.row][c.col] = c
    return table


def _split_header(text: str) -> str:
    """Header words broken over two lines as in seed 001 (``商业\\n企业``)."""
    return f"{text[:2]}\n{text[2:]}" if len(text) == 4 else text


def _grid_text(g: Grid, style: str, split_headers: bool) -> list[tuple[str, str]]:
    """(line, label) pairs for one table in a text style."""
    out: list[tuple[str, str]] = []
    for r, cells in enumerate(_grid_rows(g)):
        label = g.roles[r]
        if style == "pipe":
            texts = [c.text for c in cells if c]
            out.append(("".join(f"{t}  | " for t in texts) + "|" * (g.ncols - len(texts)), label))
        elif style == "tabs":
            out.append(("\t".join(c.text if c else "" for c in cells), label))
        else:  # cell_per_line
            out.append(("", label))
            for c in cells:
                text = c.text if c else ""
                if c and split_headers and label == "table_header":
                    text = _split_header(text)
                for part in text.split("\n"):
                    out.append(("\t" + part, label))
    return out


def text_lines(s: Synthetic, style: str) -> list[tuple[str, str]]:
    """The report as (line, label) pairs in one of the plain-text styles."""
    if style not in ("pipe", "tabs", "cell_per_line"):
        raise ValueError(f"unknown text style {style!r}")
    split_headers = s.meta["seed"] % 2 == 0
    blank = style != "pipe"
    out: list[tuple[str, str]] = []
    for b in s.blocks:
        if b.grid is not None:
            out += _grid_text(b.grid, style, split_headers)
        else:
            out.append((b.text, "heading" if b.kind == "title" else b.label))
        if blank:
            out.append(("", ""))
    return out


def _html(s: Synthetic) -> str:
    """A government web page: metadata table, title, paragraphs, tables with rowspan/colspan."""
    title = s.meta["title"]
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title></head><body>", '<div class="article">']
    for b in s.blocks:
        if b.grid is not None:
            cls = "meta" if b.kind == "meta" else "report-table"
            parts.append(f'<table class="{cls}" border="1" cellspacing="0" cellpadding="2">')
            for cells in _grid_rows(b.grid):
                tds = []
                for c in cells:
                    if c is None:
                        continue
                    attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + \
                            (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                    tds.append(f"<td{attrs}>{escape(c.text)}</td>")
                parts.append("<tr>" + "".join(tds) + "</tr>")
            parts.append("</table>")
        elif b.kind == "title":
            parts.append(f"<h1>{escape(b.text)}</h1>")
        elif b.kind in ("heading", "subheading"):
            parts.append(f"<p><strong>{escape(b.text)}</strong></p>")
        elif b.kind == "crumb":
            parts.append(f'<div class="crumb">{escape(b.text)}</div>')
        elif b.kind in ("sign", "date"):
            parts.append(f'<p style="text-align:right">{escape(b.text)}</p>')
        else:
            parts.append(f"<p>{escape(b.text)}</p>")
    parts += ["</div>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _html_lines(s: Synthetic) -> list[tuple[str, str]]:
    """Visible lines of the web page: one per block, one per table row."""
    out = []
    for b in s.blocks:
        if b.grid is not None:
            for r, cells in enumerate(_grid_rows(b.grid)):
                out.append((" ".join(c.text for c in cells if c), b.grid.roles[r]))
        else:
            out.append((b.text, "heading" if b.kind == "title" else b.label))
    return out


def write_text(s: Synthetic, path, style: str) -> None:
    """Write a text dump like the seeds: ``pipe``, ``tabs``, ``cell_per_line`` or ``html``."""
    if style == "html":
        Path(path).write_text(_html(s), encoding="utf-8")
        return
    Path(path).write_text("\n".join(t for t, _ in text_lines(s, style)) + "\n", encoding="utf-8")


def gold_lines(s: Synthetic, style: Optional[str] = None) -> list[dict]:
    """Gold lines for the PDF/scan (default) or for a text style (page 1, non-blank lines)."""
    if style in (None, "pdf", "scan"):
        return s.lines
    pairs = _html_lines(s) if style == "html" else text_lines(s, style)
    return [{"page": 1, "text": t, "label": lab} for t, lab in pairs if t.strip()]


def write_gold(s: Synthetic, path, *, style: Optional[str] = None) -> None:
    """Write ``{"template", "fields", "lines", "meta"}``; lines for the given output style
    (a scan's meta also holds its degradation, as drawn by ``write_scan``'s default seed)."""
    meta = {**s.meta, "scan": scan_params(s.meta["seed"])} if style == "scan" else s.meta
    doc = {"template": s.template, "fields": s.fields, "lines": gold_lines(s, style), "meta": meta}
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ==================================================================================================
# CLI
# ==================================================================================================

OUTPUTS = ("pdf", "scan") + TEXT_STYLES
OUTPUT_NAMES = {"pdf": ("", ".pdf"), "scan": ("_scan", ".pdf"), "pipe": ("_pipe", ".txt"),
                "tabs": ("_tabs", ".txt"), "cell_per_line": ("_cells", ".txt"), "html": ("_web", ".html")}


def write_all(s: Synthetic, out: Path, formats: tuple[str, ...], stem: str, dpi: int = SCAN_DPI) -> list[Path]:
    """Write each requested output of one report with its gold ``<stem>.json``; returns the files."""
    written = []
    for f in formats:
        suffix, ext = OUTPUT_NAMES[f]
        path = out / f"{stem}{suffix}{ext}"
        if f == "pdf":
            write_pdf(s, path)
        elif f == "scan":
            write_scan(s, path, dpi=dpi)
        else:
            write_text(s, path, f)
        write_gold(s, path.with_suffix(".json"), style=f)
        written.append(path)
    return written


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20, help="number of reports")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--start", type=int, default=0, help="first seed")
    ap.add_argument("--formats", nargs="+", choices=OUTPUTS, default=["pdf"])
    ap.add_argument("--scan", action="store_true", help="also write a degraded scan")
    ap.add_argument("--fmt", choices=T.FORMATS, help="template format (default: drawn per seed)")
    ap.add_argument("--layout", choices=LAYOUTS, help="table ruling (default: drawn per seed)")
    ap.add_argument("--inconsistent", type=float, default=0.0,
                    help="share of reports with one deliberately broken rule")
    ap.add_argument("--dpi", type=int, default=SCAN_DPI)
    args = ap.parse_args(argv)
    formats = tuple(dict.fromkeys(list(args.formats) + (["scan"] if args.scan else [])))
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.start, args.start + args.n):
        broken = random.Random(f"nianbao-cli:{seed}").random() < args.inconsistent
        s = generate(seed, fmt=args.fmt, layout=args.layout, inconsistent=broken)
        write_all(s, args.out, formats, f"synth_{seed:05d}", args.dpi)
    print(f"wrote {args.n} reports ({', '.join(formats)}) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

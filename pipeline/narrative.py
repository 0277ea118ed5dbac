"""Narrative: agency, report year, publication date, the sections' text, and the
counts the text states (主动公开信息N条, 收到申请N件), which the tables must match."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Optional, Sequence

from .datamodel import Line
from .lexicon import AGENCY_END, section_of
from .template import SECTIONS

CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
TITLE = re.compile(r"(?P<agency>[\u4e00-\u9fff（）()·]{2,60}?)\s*(?P<year>20\d{2})\s*年\s*度?\s*"
                   r"(政府)?信息公开(工作)?(年度)?报告")
YEAR_TITLE = re.compile(r"(?P<year>20\d{2})\s*年\s*度?\s*(政府)?信息公开(工作)?(年度)?报告")
PERIOD = re.compile(r"统计期限自\s*(20\d{2})\s*年")
DATE = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
META_DATE = re.compile(r"(成文日期|发布日期|发布时间|发文日期)\s*[:：|]?\s*[|]?\s*(20\d{2}-\d{1,2}-\d{1,2})")
META_AGENCY = re.compile(r"发布机构\s*[:：|]\s*[|]?\s*([\u4e00-\u9fff（）()]{2,40})")
# Counts the narrative states; each pattern's last group is the number.
STATED = {
    "stated_active": re.compile(r"(?:共|全年|累计)[^。；;，,\d]{0,6}?主动公开[^。；;，,\d]{0,16}?信息[^。；;，,\d]{0,4}?(\d+)\s*条"
                                r"|主动公开[^。；;，,\d]{0,16}?信息[^。；;，,\d]{0,4}?(\d+)\s*条"),
    "stated_requests": re.compile(
        r"(?:收到|受理|办理|接收)[^。；;，,\d]{0,24}?(?:申请|请求)[^。；;，,\d]{0,6}?(\d+)\s*件"
        r"|(?:收到|受理|接收)[^。；;，,\d]{0,6}?(\d+)\s*件[^。；;，,\d]{0,8}?(?:申请|请求)"),
    "stated_natural_person": re.compile(r"自然人(?:申请|提出)?[^。；;，,\d]{0,4}?(\d+)\s*件"),
    "stated_normative_issued": re.compile(r"制发的?(?:行政)?规范性文件[^。；;，,\d]{0,4}?(\d+)\s*件"),
    "stated_normative_in_force": re.compile(r"现行有效的?(?:行政)?规范性文件[^。；;，,\d]{0,4}?(\d+)\s*件"),
}
NO_REQUESTS = re.compile(r"(未收到|没有收到|未接到|未受理)[^。；;，,\d]{0,16}?申请")
# Which table cell each stated count describes.
STATED_FIELDS = {"stated_requests": "requests.new.total",
                 "stated_natural_person": "requests.new.natural_person",
                 "stated_normative_issued": "active.normative.issued",
                 "stated_normative_in_force": "active.normative.in_force"}


def _cn_number(s: str) -> int:
    if len(s) == 4 and all(c in CN_DIGITS for c in s):
        return int("".join(str(CN_DIGITS[c]) for c in s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_DIGITS[s[1]]
    if "十" in s:
        a, _, b = s.partition("十")
        return CN_DIGITS[a] * 10 + (CN_DIGITS[b] if b else 0)
    return CN_DIGITS[s]


def _iso(y: int, m: int, d: int) -> Optional[str]:
    if 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


# A laid-out line (PDF, OCR) that ends without one of these continues on the next line.
PARAGRAPH_END = ("。", "：", ":", "；", ";", "！", "？")


def sections(lines: Sequence[Line]) -> list[dict]:
    """[{heading, text}] for the six numbered sections, text from narrative lines.

    Lines of a page layout are wrapped paragraphs: they are joined back unless
    the previous line ends a sentence or the line is a heading.
    """
    out: list[dict] = []
    prev_open = False
    for ln in lines:
        text = ln.text.strip()
        if ln.label == "heading" and section_of(ln.text):
            out.append({"heading": text, "text": ""})
            prev_open = False
        elif out and ln.label in ("narrative", "heading"):
            joined = prev_open and ln.label == "narrative"
            sep = "" if joined or not out[-1]["text"] else "\n"
            out[-1]["text"] += sep + text
            prev_open = ln.box is not None and not text.endswith(PARAGRAPH_END)
    return out


def stated_counts(text: str) -> dict:
    """The counts the narrative states, by meta key."""
    text = unicodedata.normalize("NFKC", text)
    out = {}
    for key, pat in STATED.items():
        m = pat.search(text)
        if m:
            out[key] = int(next(g for g in m.groups() if g is not None))
    if "stated_requests" not in out and NO_REQUESTS.search(text):
        out["stated_requests"] = 0
    return out


def metadata(lines: Sequence[Line]) -> dict:
    """agency, year, published (ISO date) and the stated counts."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    head = "\n".join(texts[:12])
    joined = "\n".join(texts)
    meta: dict = {"agency": None, "year": None, "published": None}
    m = TITLE.search(head.replace("\n", "")) or TITLE.search(joined[:3000])
    if m:
        agency = re.sub(r"^(关于|特向社会公布|现将|公布)", "", m.group("agency"))
        meta["agency"], meta["year"] = agency, int(m.group("year"))
    else:
        y = YEAR_TITLE.search(joined[:3000]) or PERIOD.search(joined)
        if y:
            meta["year"] = int(y.group(1))
    if meta["year"] is None:
        years = Counter(int(y) for y in re.findall(r"(20\d{2})\s*年", joined[:5000]))
        if years:
            meta["year"] = years.most_common(1)[0][0]
    # The signature: an agency name in the last lines, then a date.
    tail = texts[-4:]
    for i, t in enumerate(tail):
        d = DATE.fullmatch(t.replace(" ", "")) or CN_DATE.fullmatch(t.replace(" ", ""))
        if d:
            if d.re is CN_DATE:
                meta["published"] = _iso(_cn_number(d.group(1)), _cn_number(d.group(2)), _cn_number(d.group(3)))
            else:
                meta["published"] = _iso(*map(int, d.groups()))
            if i > 0 and not meta["agency"] and AGENCY_END.search(tail[i - 1]) and len(tail[i - 1]) <= 40:
                meta["agency"] = tail[i - 1]
    if not meta["published"]:
        md = META_DATE.search(joined)
        if md:
            y, mo, d = map(int, md.group(2).split("-"))
            meta["published"] = _iso(y, mo, d)
    if not meta["agency"]:
        ma = META_AGENCY.search(joined)
        if ma:
            meta["agency"] = ma.group(1)
    narrative = "\n".join(ln.text for ln in lines if ln.label in ("narrative", "heading", None))
    meta.update(stated_counts(narrative))
    return meta


def stated_fields(meta: dict) -> dict[str, int]:
    """Stated counts keyed by the field id they describe."""
    return {fid: meta[k] for k, fid in STATED_FIELDS.items() if k in meta}

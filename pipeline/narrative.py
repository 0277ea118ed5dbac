"""Narrative: agency, report year, publication date, the sections' text, and the
counts the text states (主动公开信息N条, 收到申请N件), which the tables must match."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Optional, Sequence

from .datamodel import Line
from .lexicon import AGENCY_END, METADATA, section_of
from .template import SECTIONS, normalize

CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
YEAR_TITLE = re.compile(r"(?P<year>20\d{2})\s*年\s*度?\s*(政府)?信息公开(工作)?(年度)?报告")
PERIOD = re.compile(r"统计期限自\s*(20\d{2})\s*年")
DATE = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
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


# --- metadata: agency, year, published, kind, each with where it came from -----------------

# The title names the agency before or after the year: X2024年…报告 / 2019年X…报告.
AGENCY_CHARS = r"[\u4e00-\u9fff（）()·]"
TITLE_AGENCY_YEAR = re.compile(rf"(?P<agency>{AGENCY_CHARS}{{2,60}}?)\s*(?P<year>20\d{{2}})\s*年\s*度?\s*"
                               r"(政府)?信息公开(工作)?(年度)?(报告|年报)")
TITLE_YEAR_AGENCY = re.compile(rf"(?P<year>20\d{{2}})\s*年\s*度?\s*(?P<agency>{AGENCY_CHARS}{{2,60}}?)\s*"
                               r"(政府)?信息公开(工作)?(年度)?(报告|年报)")
# Words of a preamble or of the site's navigation that run into the agency's name.
AGENCY_PREFIX = re.compile(r"^(关于|特向社会公布|现将|公布|印发|发布)+")
NAVIGATION = re.compile(r"^(当前位置|您的位置|您现在的位置|所在位置)\s*[:：]?\s*\S*\s*")
NAV_WORDS = ("首页", "政务公开", "信息公开年报", "政府信息公开年报", "年报", "年度报告", "信息公开")
# Page metadata of a web page or a site archive: "key: value" lines before the body.
PAGE_TITLE_KEYS = ("标题", "文章标题", "题名", "名称")
PUBLISHED_KEYS = ("发布日期", "发布时间", "公开日期", "发文日期")  # the page's publication
WRITTEN_KEYS = ("成文日期", "印发日期")  # the document's own date
KEYED_DATE = re.compile(r"(?P<key>发布日期|发布时间|公开日期|发文日期|成文日期|印发日期)\s*[:：|]?\s*[|]?\s*"
                        r"(?P<date>20\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2})")
# <meta name=…> keys of web pages that carry the publication date (compared lower-case).
PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "publish_time",
                  "article:published_time", "dc.date.issued", "dc.date", "releasedate", "createdate")
# A title's agency part that names no one (2024年政府信息公开…: 政府 is part of the title words).
GENERIC_NAMES = ("政府", "人民政府", "本机关", "本单位", "我局", "我委", "我办")
MAX_TITLE_LINES = 12  # the title sits among the first lines of the body
MAX_TITLE_JOIN = 3    # a title printed over up to this many lines (淮安市人民政府 / 2024年…报告)
MAX_TITLE_CHARS = 90
SIGNATURE_LINES = 4   # the signature and its date close the document
MAX_SIGNATURE_CHARS = 40
REGION_END = re.compile(r"(省|市|州|盟|县|旗|区|镇|乡|街道|自治区|实验区|新区)$")
LAST_OLD_FORMAT_YEAR = 2018  # reports on 2018 and earlier use the old format
# Section and table words of the old (pre-2019) format, in normalised form.
OLD_FORMAT_MARKERS = ("依申请公开政府信息情况", "政府信息公开的收费及减免情况", "收费及减免情况",
                      "政府信息公开情况统计表", "因政府信息公开申请提起行政复议", "存在的主要问题及改进措施",
                      "申请答复数", "属于已主动公开范围数", "同意公开答复数")
MIN_OLD_FORMAT_MARKERS = 2
KINDS = ("template-2021", "template-2019", "pre-2019-report", "not-a-report")
PRE2019_WARNING = ("pre-2019 annual report (the old format, before the 2019 template): its tables "
                   "are not the template's, so template and fields are null; the counts its "
                   "narrative states are kept in meta (stated_*)")


def _found(value, source: str, text: str, line: Optional[int] = None) -> tuple:
    return value, {"source": source, "text": text[:MAX_TITLE_CHARS], "line": line}


def _agency_name(raw: str) -> Optional[str]:
    """The agency part of a title match: preamble and navigation words cut off; None if not a name."""
    name = AGENCY_PREFIX.sub("", raw.strip())
    for w in NAV_WORDS:  # a breadcrumb glued to the name: keep what follows its last word
        i = name.rfind(w)
        if i >= 0 and len(name) - i - len(w) >= 2:
            name = name[i + len(w):]
    name = AGENCY_PREFIX.sub("", name)
    bare = re.sub(r"[（(][^）)]*[）)]$", "", name)  # a dual name: X局（X办）
    if bare in GENERIC_NAMES or len(bare) < 2 or not (AGENCY_END.search(bare) or REGION_END.search(bare)):
        return None
    return name


def _title_match(text: str):
    """(agency, year, match start) of the first annual-report title in ``text``."""
    best = None
    for pat in (TITLE_AGENCY_YEAR, TITLE_YEAR_AGENCY):
        for m in pat.finditer(text):
            agency = _agency_name(m.group("agency"))
            if agency:
                if best is None or m.start() < best[2]:
                    best = (agency, int(m.group("year")), m.start())
                break
    return best


def _is_page_meta(text: str) -> bool:
    return bool(METADATA.match(text)) and not NAVIGATION.match(text)


def _body_head(texts: list[str]) -> list[tuple[int, str]]:
    """The first MAX_TITLE_LINES lines of the body, (index, text): page metadata lines
    left out, with the value of a key printed on the line after it (发布机构： / X局),
    and navigation cut off its line."""
    out, after_key = [], False
    for i, t in enumerate(texts[:MAX_TITLE_LINES * 3]):
        if _is_page_meta(t):
            after_key = bool(re.search(r"[:：]\s*$", t))
            continue
        if after_key:
            after_key = False
            continue
        out.append((i, NAVIGATION.sub("", t)))
    return out[:MAX_TITLE_LINES]


def _title(texts: list[str]) -> Optional[tuple]:
    """The report title among the first body lines (navigation cut off): a line, or up to
    MAX_TITLE_JOIN lines, that starts with it (``title``); else the title named inside
    the preamble (``preamble``).  (agency, year, source, text, line)."""
    head = _body_head(texts)
    for k, (i, t) in enumerate(head):
        joined = ""
        for _, x in head[k:k + MAX_TITLE_JOIN]:
            joined += x
            m = _title_match(joined[:MAX_TITLE_CHARS])
            if m and m[2] == 0:
                return m[0], m[1], "title", joined, i
            if len(joined) > MAX_TITLE_CHARS:
                break
    for i, t in head:
        m = _title_match(t)
        if m:
            return m[0], m[1], "preamble", t[max(0, m[2] - 10):], i
    return None


def _page_title(texts: list[str], page_meta: dict) -> Optional[tuple]:
    """The title the page itself gives (archive ``标题:`` line, HTML <title>)."""
    cands = [(i, t) for i, t in enumerate(texts[:MAX_TITLE_LINES * 2])
             if re.match(rf"({'|'.join(PAGE_TITLE_KEYS)})\s*[:：]", t)]
    cands += [(None, v) for k, v in page_meta.items() if k.lower() in ("title", "articletitle")]
    for i, t in cands:
        m = _title_match(re.sub(r"^\S+?[:：]\s*", "", t) if i is not None else t)
        if m:
            return m[0], m[1], "page_title", t, i
    return None


def _date_of(text: str) -> Optional[str]:
    d = DATE.search(text)
    return _iso(*map(int, d.groups())) if d else None


def _signature(texts: list[str]) -> tuple[Optional[tuple], Optional[tuple]]:
    """(agency, date) found in the closing lines: a name line, then a date line."""
    agency = date = None
    base = len(texts) - SIGNATURE_LINES
    tail = texts[-SIGNATURE_LINES:]
    for i, t in enumerate(tail):
        compact = t.replace(" ", "")
        d = DATE.fullmatch(compact) or CN_DATE.fullmatch(compact)
        if not d:
            continue
        if d.re is CN_DATE:
            iso = _iso(_cn_number(d.group(1)), _cn_number(d.group(2)), _cn_number(d.group(3)))
        else:
            iso = _iso(*map(int, d.groups()))
        if iso:
            date = _found(iso, "signature", t, base + i)
        prev = tail[i - 1].replace(" ", "") if i > 0 else ""
        if prev and AGENCY_END.search(prev) and len(prev) <= MAX_SIGNATURE_CHARS:
            agency = _found(prev, "signature", tail[i - 1], base + i - 1)
    return agency, date


def _published(texts: list[str], page_meta: dict) -> Optional[tuple]:
    """The publication date: the page's meta tags, then its 发布时间-type lines, then
    成文日期, then the signature date (the caller's fallback)."""
    for k, v in page_meta.items():
        if k.lower() in PUBLISHED_META:
            iso = _date_of(str(v))
            if iso:
                return _found(iso, f"meta:{k}", f"{k}={v}")
    keyed = []
    for i, t in enumerate(texts):
        for m in KEYED_DATE.finditer(t):
            iso = _date_of(m.group("date"))
            if iso:
                keyed.append((m.group("key") in WRITTEN_KEYS, i, m.group("key"), iso, t))
    if keyed:
        written, i, key, iso, t = min(keyed, key=lambda x: (x[0], x[1]))
        return _found(iso, f"line:{key}", t, i)
    return None


def _year(texts: list[str], joined: str) -> Optional[tuple]:
    """The report year when no title gives it: the statistics period, a year title, most named year."""
    p = PERIOD.search(joined)
    if p:
        return _found(int(p.group(1)), "period", joined[max(0, p.start() - 10):p.end() + 20])
    y = YEAR_TITLE.search(joined[:3000])
    if y:
        return _found(int(y.group(1)), "year_title", y.group(0))
    years = Counter(int(y) for y in re.findall(r"(20\d{2})\s*年", joined[:5000]))
    if years:
        year = years.most_common(1)[0][0]
        return _found(year, "most_named_year", f"{year}年 named {years[year]} times")
    return None


def metadata(lines: Sequence[Line], page_meta: Optional[dict] = None) -> dict:
    """agency, year, published (ISO date) and the stated counts; ``sources`` says where
    each of agency, year and published came from (``source``, the ``text`` and ``line``).

    The agency comes from the report's title (or the title inside its preamble), then
    the page's own title, then the signature, then the page's 发布机构 field; never
    from the site's navigation.  ``region`` and ``body`` split the agency's name
    (``pipeline.agency``).  ``page_meta``: a web page's <title> and <meta> tags.
    """
    from .agency import split_name
    page_meta = page_meta or {}
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    joined = "\n".join(texts)
    meta: dict = {"agency": None, "year": None, "published": None}
    sources: dict = {}
    title = _title(texts) or _page_title(texts, page_meta)
    sig_agency, sig_date = _signature(texts)
    if title:
        agency, year, source, text, line = title
        meta["agency"], sources["agency"] = _found(agency, source, text, line)
        meta["year"], sources["year"] = _found(year, source, text, line)
    else:
        y = _year(texts, joined)
        if y:
            meta["year"], sources["year"] = y
        if sig_agency:
            meta["agency"], sources["agency"] = sig_agency
        else:
            ma = META_AGENCY.search(joined)
            if ma:
                meta["agency"], sources["agency"] = _found(ma.group(1), "page_meta:发布机构", ma.group(0))
    pub = _published(texts, page_meta) or sig_date
    if pub:
        meta["published"], sources["published"] = pub
    if meta["agency"]:
        name = split_name(meta["agency"])
        meta["region"], meta["body"] = "".join(name.regions) or None, name.body or None
    meta["sources"] = sources
    narrative = "\n".join(ln.text for ln in lines if ln.label in ("narrative", "heading", None))
    meta.update(stated_counts(narrative))
    return meta


def titled_year(meta: dict) -> Optional[int]:
    """The report's year when its title (or the title in its preamble, or the page's
    own title) gives it; None when the year was only guessed from the text."""
    titled = (meta.get("sources") or {}).get("year", {}).get("source") in ("title", "preamble", "page_title")
    return meta.get("year") if titled else None


def report_kind(lines: Sequence[Line], template: Optional[str], meta: dict) -> str:
    """``template-2021`` / ``template-2019`` when the template's tables were found;
    ``pre-2019-report`` for an annual report of the old format (its title's year
    is 2018 or earlier, or it carries MIN_OLD_FORMAT_MARKERS of the old format's
    section and table words); else ``not-a-report``."""
    if template:
        return f"template-{template}"
    text = normalize("".join(ln.text for ln in lines))
    markers = sum(1 for m in OLD_FORMAT_MARKERS if m in text)
    year = titled_year(meta)
    if markers >= MIN_OLD_FORMAT_MARKERS or (year and year <= LAST_OLD_FORMAT_YEAR):
        return "pre-2019-report"
    return "not-a-report"


def stated_fields(meta: dict) -> dict[str, int]:
    """Stated counts keyed by the field id they describe."""
    return {fid: meta[k] for k, fid in STATED_FIELDS.items() if k in meta}

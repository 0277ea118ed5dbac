"""Line features for the trained labeler, the same for PDF text, OCR and text dumps.

Each line becomes a list of string features (``name=value`` indicators), which
both python-crfsuite and a scikit-learn ``DictVectorizer`` take as they are.
Four groups:

- text: character n-grams of the normalised text (digits folded to ``0``);
- shape: length, share of digits, numeric cells, heading numbering (一、 （三） 2.),
  how the line starts and ends, template words (section headings, row keys,
  column labels, web-page metadata keys, dates, page numbers);
- layout, only where the source has it: font size against the page median,
  bold, indent, width, centring, gaps above and below, inside a ruled grid;
- context: the section the line sits in (last section heading above it), its
  place in the document, and the shape and layout of the neighbouring lines.

A text dump and a PDF line with the same words share their text and shape
features; layout features are simply absent for the dump.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from .datamodel import Line
from .lexicon import (AGENCY_END, ARABIC_NUM, ARABIC_PAREN, CHROME, DATE_LINE, DI_NUM, DIGITS, MAX_CHROME_CHARS,
                      METADATA, PAGE_NUMBER, RUN_IN_HEADING, SECTION_NUM, SUB_NUM, is_number, row_keys,
                      section_of)
from .template import TEMPLATES, normalize

# Bumped whenever a feature changes: a model trained on other features cannot be used.
FEATURE_VERSION = 1

# Character n-grams are taken over the first this many normalised characters: a
# line's kind shows at its start (numbering, heading and row words), while the
# words further into a narrative line are the report's topic, which a model
# trained on generated text would only learn by heart.
NGRAM_SPAN = 10
NGRAM_SIZES = (1, 2, 3)
# Neighbouring lines whose shape and layout a line sees (offsets).
CONTEXT_OFFSETS = (-2, -1, 1, 2)
# Length buckets (characters, spaces removed): upper bounds.
LEN_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 256)
# Sentences (。) in a line: bounds of none / one / a few / many.  A web dump may hold a
# whole report on one line; many sentences say prose whatever lies around it.
SENTENCE_BOUNDS = (0, 1, 3)
# Font size against the page median: bounds of small / body / large / larger.
FONT_RATIO_BOUNDS = (0.88, 1.12, 1.35)
# Indent and width as shares of the page's text width.
INDENT_BOUNDS = (0.02, 0.08, 0.25, 0.5)
WIDTH_BOUNDS = (0.1, 0.3, 0.6, 0.9)
# A line reaching this share of the text width is full (its text may wrap).
FULL_LINE = 0.92
# A line is centred when its middle is this close (share of text width) to the page's.
CENTRE_TOLERANCE = 0.06
# Vertical gaps against the page's median gap between consecutive lines (its
# line pitch), so single and double spacing read alike: bounds of overlapping,
# tighter, usual, wider, much wider.
GAP_BOUNDS = (0.0, 0.7, 1.4, 2.5)
# Longest line (characters) that can be a report title.
MAX_TITLE_CHARS = 60
# Longest numbered line (characters) that can be a heading rather than a sentence.
MAX_HEADING_BODY = 30
# Commas and enumeration marks in a line: bounds of none / one / a few / many.
COMMA_BOUNDS = (0, 1, 3)

_CJK = re.compile(r"[\u3400-\u9fff]")
_FORMAT_MARKS = re.compile(r"第二十条第")

# Template words: a row key or a column label in a line says "table".
_ROW_KEYS = row_keys(min_chars=2, first_only=True)  # the trained model's features: one key per row
_COLUMN_WORDS = tuple(sorted({normalize(c.label) for t in TEMPLATES.values() for tab in t.tables
                              for r in tab.rows for c in r.columns}
                             | {"信息内容", "申请人情况", "法人或其他组织", "行政复议", "行政诉讼",
                                "未经复议直接起诉", "复议后起诉", "勾稽关系"}))
# Fragments of column labels split over lines ("商业\n企业").
_COLUMN_PIECES = ("商业", "企业", "科研", "机构", "社会", "公益", "组织", "法律", "服务", "其他",
                  "总计", "结果", "维持", "纠正", "尚未", "审结", "自然人")


@dataclass(frozen=True)
class PageStats:
    """What a line's layout is measured against, from the lines of its page."""
    font_size: Optional[float]
    left: Optional[float]
    right: Optional[float]
    gap: Optional[float]


def page_stats(lines: Sequence[Line]) -> PageStats:
    """Median font size, text margins and median gap between lines of one page."""
    sizes = [ln.font_size for ln in lines if ln.font_size]
    boxes = [ln.box for ln in lines if ln.box]
    if not boxes:
        return PageStats(statistics.median(sizes) if sizes else None, None, None, None)
    gaps = [b[1] - a[3] for a, b in zip(boxes, boxes[1:]) if b[1] - a[3] > 0]
    heights = [b[3] - b[1] for b in boxes if b[3] > b[1]]
    gap = statistics.median(gaps) if gaps else (statistics.median(heights) if heights else None)
    return PageStats(statistics.median(sizes) if sizes else None,
                     min(b[0] for b in boxes), max(b[2] for b in boxes), gap or None)


def bucket(value: float, bounds: Sequence[float]) -> int:
    """Index of the first bound ``value`` does not exceed (len(bounds) past the last)."""
    for i, b in enumerate(bounds):
        if value <= b:
            return i
    return len(bounds)


_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """NFKC, spaces removed, digit runs folded to ``0``, Latin letters to ``a``."""
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    s = DIGITS.sub("0", s)
    return _LATIN.sub("a", s)


def char_class(ch: str) -> str:
    """A coarse class of one character, for how a line starts and ends."""
    if not ch:
        return "none"
    if ch.isdigit():
        return "digit"
    if ch in "一二三四五六七八九十":
        return "cnnum"
    if _CJK.match(ch):
        return "cjk"
    if ch.isalpha():
        return "latin"
    if ch in "。；;":
        return "stop"
    if ch in "，,、":
        return "comma"
    if ch in "：:":
        return "colon"
    if ch in ")）":
        return "close"
    if ch in "(（":
        return "open"
    return "punct"


def numbering(text: str) -> str:
    """The heading numbering a line opens with: 一、, （一）, 1., (1), 第…条, or none."""
    s = unicodedata.normalize("NFKC", text)
    if SECTION_NUM.match(s):
        return "cn"
    if SUB_NUM.match(s):
        return "cnparen"
    if ARABIC_PAREN.match(s):
        return "arparen"
    if ARABIC_NUM.match(s):
        return "ar"
    if DI_NUM.match(s):
        return "di"
    return "none"


def numbered_heading(body: str) -> bool:
    """A short numbered line with no sentence in it (一、总体情况, （三）政府信息管理情况。)."""
    core = body.rstrip("。：:")
    return (numbering(body) in ("cn", "cnparen", "ar") and len(core) <= MAX_HEADING_BODY
            and not re.search(r"[。;]|\d$", core))


def tokens(line: Line) -> list[str]:
    """The line's cells where the source separates them, else its whitespace words."""
    if line.cells:
        return [c.text for c in line.cells if c.text.strip()]
    return line.text.split()


def shape_features(line: Line) -> list[str]:
    """Length, digits, numeric cells, numbering, start and end, template words."""
    text = line.text.strip()
    nfkc = unicodedata.normalize("NFKC", text)
    body = _SPACES.sub("", nfkc)
    n = len(body)
    toks = tokens(line)
    nums = sum(1 for t in toks if is_number(t))
    digits = sum(map(str.isdigit, body))
    cjk = len(_CJK.findall(body))
    norm = normalize(text)
    # Where the source gives a box, width (a layout feature) says how long a line is: a
    # character count would tie the model to one font size (11 pt prose holds 40
    # characters a line, 16 pt official-document prose 28).
    f = [] if line.box else [f"len={bucket(n, LEN_BUCKETS)}"]
    f += [
         f"dig={bucket(digits / n, (0.0, 0.2, 0.5, 0.8)) if n else 0}",
         f"cjk={bucket(cjk / n, (0.0, 0.3, 0.7)) if n else 0}",
         f"nnum={min(nums, 8)}",
         f"ntok={min(len(toks), 8)}",
         f"num={numbering(text)}",
         f"start={char_class(body[:1])}",
         ]
    if not line.box:
        f.append(f"commas={bucket(sum(body.count(c) for c in ',、;'), COMMA_BOUNDS)}")
    if numbered_heading(body):
        f.append("numhead")  # its final stop, if any, does not make it a sentence
    else:
        f.append(f"end={char_class(body[-1:])}")
    if "。" in body[:-1]:
        f.append("stop_inside")
    f.append(f"sents={bucket(body.count('。'), SENTENCE_BOUNDS)}")
    if line.cells:
        f.append(f"ncell={min(len(line.cells), 8)}")
    if toks and nums == len(toks):
        f.append("allnum")
    elif nums and not is_number(toks[0]) and all(is_number(t) for t in toks[1:]):
        f.append("label+nums")
    sid = section_of(text)
    if sid:
        f.append(f"sec={sid}")
    if n <= MAX_TITLE_CHARS and ("年度报告" in norm or "工作报告" in norm):
        f.append("title")
    if n <= MAX_CHROME_CHARS:  # a whole report on one line may start with 当前位置：
        if METADATA.match(text):
            f.append("meta")
        if any(c in text for c in CHROME):
            f.append("chrome")
    if DATE_LINE.match(text):
        f.append("date")
    if PAGE_NUMBER.match(text):
        f.append("pageno")
    if n <= 30 and AGENCY_END.search(body):
        f.append("agency")
    if RUN_IN_HEADING.match(nfkc):
        f.append("runin")
    if _FORMAT_MARKS.search(norm):
        f.append("art20")
    rowkeys = sum(1 for k in _ROW_KEYS if k in norm)
    if rowkeys:
        f.append(f"rowkey={min(rowkeys, 2)}")
    colwords = sum(1 for k in _COLUMN_WORDS if k in norm)
    if colwords:
        f.append(f"colword={min(colwords, 3)}")
    pieces = sum(1 for k in _COLUMN_PIECES if k in norm)
    if pieces and n <= 40:
        f.append(f"colpiece={min(pieces, 3)}")
    if line.label:
        f.append(f"preset={line.label}")
    return f


def ngram_features(text: str) -> list[str]:
    """Character n-grams of the line's first NGRAM_SPAN folded characters, and its last two."""
    s = fold(text)
    head = s[:NGRAM_SPAN]
    f = [f"g{k}:{head[i:i + k]}" for k in NGRAM_SIZES for i in range(len(head) - k + 1)]
    f.append(f"pre:{s[:2]}")
    f.append(f"suf:{s[-2:]}")
    return f


def layout_features(line: Line, stats: PageStats, prev: Optional[Line], nxt: Optional[Line]) -> list[str]:
    """Font size, bold, grid, indent, width, centring, gaps: only what the source knows."""
    f = [f"src={line.source}"]
    if line.in_grid:
        f.append("grid")
    if line.bold:
        f.append("bold")
    if line.font_size and stats.font_size:
        f.append(f"fs={bucket(line.font_size / stats.font_size, FONT_RATIO_BOUNDS)}")
    if line.box and stats.left is not None and stats.right is not None and stats.right > stats.left:
        x0, top, x1, bottom = line.box
        span = stats.right - stats.left
        f.append(f"ind={bucket((x0 - stats.left) / span, INDENT_BOUNDS)}")
        f.append(f"wid={bucket((x1 - x0) / span, WIDTH_BOUNDS)}")
        if (x1 - stats.left) / span >= FULL_LINE and nxt is not None and nxt.box is not None \
                and nxt.page == line.page and (nxt.box[0] - stats.left) / span <= INDENT_BOUNDS[0]:
            f.append("runs_on")  # a full line whose text goes on at the margin below: wrapped prose
        mid = (stats.left + stats.right) / 2
        if abs((x0 + x1) / 2 - mid) <= CENTRE_TOLERANCE * span and (x1 - x0) < 0.8 * span:
            f.append("centre")
        h = stats.gap or (bottom - top) or 1.0
        for name, other in (("up", prev), ("dn", nxt)):
            if other is None or other.box is None or other.page != line.page:
                f.append(f"gap{name}=edge")
                continue
            gap = top - other.box[3] if name == "up" else other.box[1] - bottom
            f.append(f"gap{name}={bucket(gap / h, GAP_BOUNDS)}")
    return f


# Features a line passes to its neighbours (by name prefix).
_CONTEXT_PREFIXES = ("len=", "dig=", "nnum=", "num=", "end=", "start=", "sec=", "grid", "fs=", "ind=",
                     "wid=", "bold", "rowkey=", "colword=", "allnum", "label+nums", "meta", "pageno",
                     "date", "title", "preset=", "centre", "art20", "runin", "commas=", "sents=", "gapup=", "gapdn=", "numhead", "runs_on")


def _context(own: list[str]) -> list[str]:
    return [x for x in own if x.startswith(_CONTEXT_PREFIXES)]


def section_state(lines: Sequence[Line]) -> list[str]:
    """For each line, the section of the last heading-like line above it ('start' before any)."""
    out, current = [], "start"
    for ln in lines:
        out.append(current)
        sid = section_of(ln.text)
        if sid:
            current = sid
    return out


def repeated(lines: Sequence[Line]) -> list[bool]:
    """Lines whose normalised text recurs on another page (running headers and footers)."""
    pages: dict[str, set] = defaultdict(set)
    keys = [fold(ln.text) for ln in lines]
    for k, ln in zip(keys, lines):
        pages[k].add(ln.page)
    return [bool(k) and len(pages[k]) > 1 for k in keys]


def line_features(lines: Sequence[Line]) -> list[list[str]]:
    """The feature list of every line of a document, in order."""
    by_page: dict[int, list[Line]] = defaultdict(list)
    for ln in lines:
        by_page[ln.page].append(ln)
    stats = {p: page_stats(ls) for p, ls in by_page.items()}
    first_of_page = {id(ls[0]) for ls in by_page.values()}
    last_of_page = {id(ls[-1]) for ls in by_page.values()}
    sections = section_state(lines)
    reps = repeated(lines)
    n = len(lines)
    own: list[list[str]] = []
    for i, ln in enumerate(lines):
        prev = lines[i - 1] if i > 0 else None
        nxt = lines[i + 1] if i + 1 < n else None
        f = shape_features(ln) + layout_features(ln, stats[ln.page], prev, nxt)
        if id(ln) in first_of_page:
            f.append("pfirst")
        if id(ln) in last_of_page:
            f.append("plast")
        if reps[i]:
            f.append("repeated")
        own.append(f)
    context = [_context(f) for f in own]  # what each line passes on, once
    prefixes = [(d, f"{d}:") for d in CONTEXT_OFFSETS]
    out = []
    for i, ln in enumerate(lines):
        f = ["bias"] + own[i] + ngram_features(ln.text)
        f.append(f"cur={sections[i]}")
        f.append(f"pos={min(int(10 * i / n), 9)}")
        for d, pre in prefixes:
            j = i + d
            if 0 <= j < n:
                f += [pre + x for x in context[j]]
            else:
                f.append(f"{d}:{'BOS' if j < 0 else 'EOS'}")
        out.append(f)
    return out

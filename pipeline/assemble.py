"""Assembler: labelled lines -> the template's tables as field ids.

Table lines become one token stream per table (label text, then numbers).
Rows are found by their printed labels (``template.Row.keys``, fuzzily for
OCR), not by position, so lost rows, wrapped labels, one-cell-per-line dumps
and repeated headers after page breaks all read the same way.  A row with
fewer numbers than columns is placed every way it can be; the template's rules
pick the reading when only one survives, otherwise its cells stay null.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Sequence

from rapidfuzz import fuzz

from . import checks, gridorder
from .articles import pair_by_article
from .datamodel import Cell, FieldCell, Line
from .lexicon import NUMBER, ideographs, section_of
from .template import (FORMAT_2019_MARKERS, FORMAT_2021_MARKERS, FORMATS, OTHER_SPLIT, Row, Table,
                       Template, get, normalize)

# Fuzzy key match (rapidfuzz partial_ratio, 0-100) accepted for OCR-damaged labels.
FUZZY_MIN_SCORE = 84
# Keys shorter than this must match exactly: fuzzy matching 2-4 characters is noise.
FUZZY_MIN_KEY_LEN = 5
# A fuzzy match must align at least this share of the key's characters: a label that is a
# fragment of a longer key is no evidence of it (a fax's "2.复申请", 重复申请 with 重 lost,
# matched 大量反复申请 at 86 on its last 3 characters).
FUZZY_MIN_KEY_COVER = 0.75
# A group label merged with its damaged sub-row's (a fax's "（六）其他处理1.申请人…愈期不补正"):
# text after the matched key at least this long that resembles another row's label this
# much (partial_ratio) is that row's label, so the row is not known (see _tail_row).
TAIL_MIN_CHARS = 5
TAIL_ROW_SCORE = 75
SUB_ROW_NUMBERS = "123"  # the numbering of （六）'s sub-rows (OTHER_SPLIT), normalised
# A label too short a key to match fuzzily is still its row's when it reads as the row's
# whole printed label with one character misread (skew 1000003: （六）其微处理 for
# （六）其他处理, key 其他处理): a label of at least FUZZY_MIN_KEY_LEN characters, and every
# other row's label at least SLIP_MARGIN more characters away.
SLIP_MARGIN = 2
# Placements of a short row tried before giving up (C(7,k) is at most 35).
MAX_PLACEMENTS = 64
# A label too damaged to match any key is still taken for the one row missing between
# its matched neighbours when it resembles that row's key this much (partial_ratio).
POSITION_MIN_SCORE = 60
# A run of damaged labels that is not as long as the rows missing there is aligned to them
# in order (``align_by_shape``); a label must resemble its row this much (partial_ratio).
ALIGN_MIN_SCORE = 30
ALIGN_MAX_SLACK = 2  # … unless the gap holds at most this many rows more than the run has full reads
ALIGN_PAIR_WEIGHT = 1000  # a pair outweighs any label score (0-100): the most pairs first
# Labels of rows both formats print (table 三's): a table whose format nothing else says
# (no header word, no row of one format's only, no year, no fit) is read in this format.
SHARED_ROW_KEYS = ("本年新收", "予以公开", "结转下年度")
SHARED_ROWS_FORMAT = "2021"
# Header words of a format found with this partial_ratio when none is found exactly.
FORMAT_FUZZY_SCORE = 75
# … and when none resembles one either, this many grid rows of the active table of the
# shape only one format prints decide (see _format_by_shape).
FORMAT_SHAPE_MIN_ROWS = 2
# The only format for reports on each span of years (TEMPLATE.md: the 2021 format for
# reports on 2021 and later, the 2019 format on 2019-2021): the report year, from its title,
# names the format of an OCR'd report whose table headings were found but none of whose
# header words or rows could say it (a fax); a report on 2021 may be either.
FORMAT_BY_YEAR = (("2019", 2019, 2020), ("2021", 2022, 9999))
# A report whose format nothing names is read in the one under which more of its table rows
# are read, at least this many (``assemble_by_fit``); on a tie in the current format.
FIT_MIN_ROWS = 3
FIT_TIE_FORMAT = "2021"
# An OCR'd grid cell after a row's first number read as at most this many characters, none
# of them a digit or a CJK ideograph ("u", "è", "ti"), is that row's number unread (a fax),
# not the start of another row's label: the row keeps its other cells' places.
LOST_VALUE_MAX_CHARS = 2
LOST_VALUE_MAX_PER_ROW = 1  # … and a read with more unread is not of any row's shape (placed by order)
# A whole number of at most this many digits before a label's words in an OCR'd grid row is
# the label's numbering (``1`` of ``1.属于国家秘密``, its "." lost), not a value.
NUMBERING_MAX_DIGITS = 2
# An OCR'd table's values start, on a page, at the grid column where this many of its full
# rows (fewer where the table has fewer that wide) start theirs (and most of them): numbers
# left of it are labels (``value_columns``).
VALUE_COLUMN_MIN_ROWS = 3
# … a row with at most this many of its numbers read as noise counts among them by its last cells
# (``_noisy_value_start``): a faint fax reads few rows whole.
NOISY_ROW_MAX_UNREAD = 1
# A read that lost a cell takes its values' columns from a read whole at most this many
# lines away on its page (``_by_peer_columns``): the rows of its sub-table, their header between.
PEER_MAX_LINES = 6
# How far back (characters of normalised label text) a row label may start.
MAX_LABEL_CHARS = 120
# Normalised labels whose matched row is kept for the process (a bounded cache).
MATCH_CACHE_SIZE = 8192
NO_TEMPLATE_WARNING = "no template table found: not an annual report, or its tables are missing"


@dataclass(frozen=True)
class Token:
    """A printed piece of a table line: its text, and the cell and page it was read from."""
    text: str
    page: int
    cell: Cell

    @property
    def number(self) -> Optional[float]:
        return parse_number(self.text, decimal=True)


@dataclass
class RowRead:
    row: Optional[Row]  # None: numbers under a label that matched no row
    values: list[Token]
    positional: Optional[list[Optional[Token]]] = None  # values by grid column, when the source has a grid
    label: str = ""
    lost: int = 0  # number cells of the row that OCR could not read (see _unreadable_value)
    cols: list[Optional[int]] = field(default_factory=list)  # grid columns of ``values`` …
    label_cols: list[Optional[int]] = field(default_factory=list)  # … and of the label's cells
    line: Optional[int] = None  # index of the line its values were read on
    row_label: str = ""  # ``label`` without the text of header lines (column headings before the first row)
    by_order: bool = False  # its row chosen by the grid's order (``gridorder``): empty cells are not blanks


@dataclass
class Assembly:
    template: Optional[str]
    fields: dict = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present_rows: set = field(default_factory=set)
    # Rows read with fewer numbers than columns: (table, row or None for all of review, numbers).
    short_rows: list = field(default_factory=list)
    # Where each field set from a cell was read: field id -> (page, Cell); the OCR
    # backend's cells re-read when a check fails (``extract``).
    sources: dict = field(default_factory=dict)
    # Cells of printed rows that the document prints empty (a blank slot of a grid row).
    blank: set = field(default_factory=set)
    # Printed numbers whose column the template's rules chose (a short row's one reading).
    placed: set = field(default_factory=set)
    # Cells left null because several placements fit the rules: field id -> candidate values.
    ambiguous: dict = field(default_factory=dict)
    # Money whose decimal point the rules put where a fax's pixels show only its gap.
    decoded: set = field(default_factory=set)


_NOT_NUMERIC = re.compile(r"[^\d.+-]")


@lru_cache(maxsize=8192)
def parse_number(text: str, decimal: bool = False) -> Optional[float]:
    """A cell's number (``1,234``, ``7730.28万元``), or None when it is not one."""
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not NUMBER.match(s):
        return None
    s = _NOT_NUMERIC.sub("", s)
    v = float(s)
    return v if decimal or v != int(v) else int(v)


def detect_format(lines: Sequence[Line]) -> Optional[str]:
    """2019 or 2021 from the active table's header words; None when no table is found, or
    when an OCR'd table's evidence is missing or disagrees (``ocr_format``): then the
    report's year, the fit of its rows or the shared rows decide, and say so (``assemble``)."""
    table_text = normalize("".join(ln.text for ln in lines if ln.label in ("table_header", "table_row")))
    if not table_text:
        table_text = normalize("".join(ln.text for ln in lines))
    n19 = sum(m in table_text for m in FORMAT_2019_MARKERS)
    n21 = sum(m in table_text for m in FORMAT_2021_MARKERS)
    if n19 > n21:
        return "2019"
    if n21:
        return "2021"
    # No marker found exactly: OCR'd tables (a fax) may still say it with damage; text read
    # exactly has no damage to forgive (a pre-2019 report's tables are neither format).
    ocr = [ln for ln in lines if ln.label in ("table_header", "table_row") and ln.source == "ocr"]
    if ocr:
        return ocr_format(lines, ocr)
    return SHARED_ROWS_FORMAT if _shared_rows(table_text) else None


def ocr_format(lines: Sequence[Line], ocr: Sequence[Line]) -> Optional[str]:
    """The format of OCR'd tables none of whose header words read exactly (a fax): by the
    header words read with damage, the rows only one format prints, and the active table's
    shape, each where it can say; None when none can, or two disagree.  The rows both
    formats print (本年新收 …) say nothing: a fax of a 2019 report whose header words were
    unread was read as 2021 by them, and 19 cells of its table 二 were lost (1002009)."""
    votes = [v for v in (_fuzzy_format([normalize(ln.text) for ln in ocr]), _format_by_rows(lines),
                         _format_by_shape(lines)) if v is not None]
    return votes[0] if votes and len(set(votes)) == 1 else None


def _shared_rows(table_text: str) -> bool:
    """Whether normalised table text holds rows that both formats print (table 三's)."""
    return any(k in table_text for k in SHARED_ROW_KEYS)


def format_of_year(lines: Sequence[Line], year: Optional[int]) -> Optional[str]:
    """The format a report on ``year`` must have been written in (FORMAT_BY_YEAR), when
    an OCR'd heading opens one of the template's tables; None otherwise (a report on
    2021, no year, or no table heading: nothing says the tables are there)."""
    name = next((n for n, lo, hi in FORMAT_BY_YEAR if year and lo <= year <= hi), None)
    return name if name is not None and _table_opened(lines, name) else None


def _table_opened(lines: Sequence[Line], name: str) -> bool:
    """Whether an OCR'd heading opens one of the tables of format ``name``."""
    tables = {t.id for t in get(name).tables}
    return any(ln.label == "heading" and ln.source == "ocr" and section_of(ln.text, fuzzy=True) in tables
               for ln in lines)


def assemble_by_fit(lines: Sequence[Line], year: Optional[int]) -> Optional[Assembly]:
    """A report whose format neither its tables nor its year say (a fax of a report on
    2021, which may be in either; or one whose year could not be read), when an OCR'd
    heading opens a table: read in each format, the one under which more of its table
    rows are read by their labels (:func:`labelled_rows`; at least FIT_MIN_ROWS); on a
    tie (the formats share tables 三 and 四, and a fax's table 二 may not read at all)
    FIT_TIE_FORMAT.  A warning says which and why."""
    if year and any(lo <= year <= hi for _, lo, hi in FORMAT_BY_YEAR):
        return None  # the year names the format: format_of_year
    names = [n for n, _, _ in FORMAT_BY_YEAR if _table_opened(lines, n)]
    fits = sorted(((labelled_rows(a), n, a) for n in names for a in [_assemble_as(lines, n)]),
                  key=lambda t: (-t[0], t[1] != FIT_TIE_FORMAT))
    if not fits or fits[0][0] < FIT_MIN_ROWS:
        return None
    rows, name, asm = fits[0]
    tie = len(fits) > 1 and fits[1][0] == rows
    others = "; ".join(f"the {n} format's {k}" for k, n, _ in fits[1:])
    why = (f"as many under either ({rows}): read as the {name} format, the tables the formats do not "
           "share may be the other's") if tie else f"read as the {name} format, under which {rows} of " \
        f"their rows were read ({others})"
    asm.warnings.insert(0, f"the tables' format could not be read (their header words unread): {why}")
    return asm


def labelled_rows(asm: Assembly) -> int:
    """How many of an assembly's rows were read by their labels: rows read, less those
    placed by order (every cell of theirs in ``placed``)."""
    template = get(asm.template)

    def placed(key: str) -> bool:
        tid, rid = key.split(".")
        return all(f"{key}.{c.id}" in asm.placed for c in template.table(tid).row(rid).columns)

    return sum(1 for key in asm.present_rows if not placed(key))


def _format_by_shape(lines: Sequence[Line]) -> Optional[str]:
    """2019 or 2021 from the shape of the active table's grid rows, when no word of its
    header could be read (a fax): 2021 prints four of its rows with one number and two
    with three, 2019 all eight with two or three."""
    current, one, more = None, 0, 0
    for ln in lines:
        if ln.label == "heading":
            current = section_of(ln.text, fuzzy=ln.source == "ocr") or current
        elif current == "active" and ln.label == "table_row" and ln.cells:
            values = len(ln.cells) - 1  # the label's cell, then one per column
            one += values == 1
            more += values in (2, 3)
    # Misread header rows and lost cells blur the count: each kind must clearly dominate.
    if one >= FORMAT_SHAPE_MIN_ROWS and more <= one:
        return "2021"
    if more >= 2 * FORMAT_SHAPE_MIN_ROWS and more >= 3 * one:
        return "2019"
    return None


def _format_by_rows(lines: Sequence[Line]) -> Optional[str]:
    """2019 or 2021 from the OCR'd table rows, read by their labels, that only one format
    prints (``format_only_rows``: 2019's 其他对外管理服务事项 and 政府集中采购, 2021's
    sub-rows of （六）); None when neither format's or both formats' are read."""
    hits = [name for name in FORMATS if _only_rows_read(lines, name)]
    return hits[0] if len(hits) == 1 else None


def _only_rows_read(lines: Sequence[Line], name: str) -> bool:
    """Whether an OCR'd row's label matches a row that only format ``name`` prints."""
    template = get(name)
    groups = split_tables(lines, template)
    for tid, rid in format_only_rows(name):
        for ln in groups[tid]:
            if ln.label == "table_row" and ln.source == "ocr":
                row = match_row(_label_text(ln), template.table(tid))
                if row is not None and row.id == rid:
                    return True
    return False


@lru_cache(maxsize=None)
def format_only_rows(name: str) -> tuple[tuple[str, str], ...]:
    """(table, row) ids that format ``name`` prints and the other format does not."""
    other = get(next(n for n in FORMATS if n != name))
    return tuple((t.id, r.id) for t in get(name).tables for r in t.rows
                 if r.id not in {o.id for o in other.table(t.id).rows})


def _label_text(line: Line) -> str:
    """A table line's label: its text tokens joined."""
    return "".join(t.text for k, t, _ in _tokens(line) if k == "text")


def _fuzzy_format(texts: Sequence[str]) -> Optional[str]:
    """2019 or 2021 from header words read with OCR damage (a fax): the format with more
    markers resembling a line (partial_ratio at least FORMAT_FUZZY_SCORE); None on a tie."""
    def found(markers: Sequence[str]) -> int:
        return sum(any(fuzz.partial_ratio(m, t, score_cutoff=FORMAT_FUZZY_SCORE) for t in texts
                       if len(t) >= len(m)) for m in markers)

    # 第二十条第九项 differs from the 2021 format's 第二十条第八项 by one numeral: exact only.
    n19 = found([m for m in FORMAT_2019_MARKERS if not m.startswith("第二十条")])
    n21 = found([m for m in FORMAT_2021_MARKERS if not m.startswith("第二十条")])
    return "2019" if n19 > n21 else "2021" if n21 > n19 else None


# --- row matching ---------------------------------------------------------------

REPLACEMENT = "\ufffd"  # a character lost to an invalid byte (see backend.text.decode_text)
# Characters of a key a label may have lost that way and still match it.
MAX_LOST_CHARS = 1


def find_with_lost(key: str, text: str) -> int:
    """Last position where ``key`` occurs in ``text`` with at most MAX_LOST_CHARS of its
    characters replaced by U+FFFD (and at least one kept); -1 when it does not."""
    if REPLACEMENT not in text or len(key) <= MAX_LOST_CHARS:
        return -1
    for i in range(len(text) - len(key), -1, -1):
        window = text[i:i + len(key)]
        lost = window.count(REPLACEMENT)
        if 0 < lost <= MAX_LOST_CHARS and all(w == k or w == REPLACEMENT for w, k in zip(window, key)):
            return i
    return -1


def match_row(label: str, table: Table) -> Optional[Row]:
    """The row whose key ends latest in the label text (group labels come first)."""
    n = normalize(label)[-MAX_LABEL_CHARS:]
    return _match_normalized(n, table) if n else None


@lru_cache(maxsize=MATCH_CACHE_SIZE)
def _match_normalized(n: str, table: Table) -> Optional[Row]:
    """:func:`match_row` of a normalised label (kept for the process: the assembler and the
    coverage count ask about the same labels, and reports of a template print the same ones)."""
    # Keys found as printed first; a key is then aligned fuzzily (the costly part) only
    # where the end of the label could make it beat the best: the row is the one that
    # trying every key in order would give (ties go to the earlier key).
    best: tuple[int, int, int, Optional[Row]] = (-1, 0, 0, None)  # end, key length, -order, row
    fuzzy: list[tuple[int, str, Row]] = []
    order = 0
    for row in table.rows:
        for key in row.keys:
            order += 1
            pos = n.rfind(key)
            if pos < 0:
                pos = find_with_lost(key, n)
            if pos >= 0:
                cand = (pos + len(key), len(key), -order, row)
                if cand[:3] > best[:3]:
                    best = cand
            elif len(key) >= FUZZY_MIN_KEY_LEN:
                fuzzy.append((order, key, row))
    for order, key, row in fuzzy:
        if (len(n), len(key), -order) <= best[:3]:
            continue  # even ending at the label's end it would not win
        al = fuzz.partial_ratio_alignment(key, n, score_cutoff=FUZZY_MIN_SCORE)
        if al is not None and al.src_end - al.src_start >= FUZZY_MIN_KEY_COVER * len(key) \
                and (al.dest_end, len(key), -order) > best[:3]:
            best = (al.dest_end, len(key), -order, row)
    row = best[3]
    if row is None:
        row = _one_slip_row(n, table)
    if row is None and table.id == "requests" and n.endswith("总计") and len(n) <= 6:
        row = table.row("total")  # （七） lost to OCR
    tail = n[best[0]:]
    if row is not None and (_tail_row(tail, row, table) is not None or _sub_row_tail(tail, row, table)):
        return None  # the numbers are the damaged later label's row's: placed by position
    return row


def _sub_row_tail(tail: str, row: Row, table: Table) -> bool:
    """Whether the text after the group row （六）其他处理's key is one of its sub-rows'
    labels, however damaged: a sub-row's numbering (1-3) and at least TAIL_MIN_CHARS
    more, in a table that holds the sub-rows.  A fax's borderless page (989405) read
    "(六)…其他处理 | 2中满人述期未技收费增知费求增纳费用" on one line: the sub-row's 0s went
    to the group row, printed blank, as printed values."""
    return (row.id == "other" and any(r.id in OTHER_SPLIT for r in table.rows)
            and tail[:1] in SUB_ROW_NUMBERS and len(tail) > TAIL_MIN_CHARS)


def _one_slip_row(n: str, table: Table, margin: int = SLIP_MARGIN) -> Optional[Row]:
    """The row whose whole normalised label the end of ``n`` reads with one character
    misread, where that label has FUZZY_MIN_KEY_LEN characters or more and no other row's
    label comes within ``margin`` characters of the same end; else None."""
    slips = sorted((sum(a != b for a, b in zip(n[-len(lab):], lab)), i, row)
                   for i, row in enumerate(table.rows)
                   if len(lab := normalize(row.label)) <= len(n))
    if not slips or slips[0][0] != 1 or len(normalize(slips[0][2].label)) < FUZZY_MIN_KEY_LEN:
        return None
    if len(slips) > 1 and slips[1][0] < 1 + margin:
        return None
    return slips[0][2]


def _tail_row(tail: str, row: Row, table: Table) -> Optional[Row]:
    """Another row whose label the text after ``row``'s key resembles (TAIL_ROW_SCORE),
    better than ``row``'s own; None when the tail is short (TAIL_MIN_CHARS) or like none.

    A grid row's values follow the last label before them: a group label read as one
    line with its first sub-row's must not give the sub-row's numbers to the group."""
    if len(tail) < TAIL_MIN_CHARS:
        return None
    own = fuzz.partial_ratio(normalize(row.label), tail)
    best, best_score = None, max(float(TAIL_ROW_SCORE), own + 1e-9)
    for other in table.rows:
        label = normalize(other.label)
        if other is row or len(label) < FUZZY_MIN_KEY_LEN:
            continue
        score = fuzz.partial_ratio(label, tail)
        if score >= best_score:
            best, best_score = other, score
    return best


# --- token streams --------------------------------------------------------------

def _tokens(line: Line) -> list[tuple[str, Token, Optional[int]]]:
    """(kind, token, grid column) tokens of a line: kind is 'num' or 'text'."""
    if line.cells:
        parts = [(Token(t, line.page, c), c.col) for c in line.cells if c.text.strip()
                 for t in (_run_together(c.text) if line.source == "ocr" else [c.text])]
    else:
        parts = [(Token(c.text, line.page, c), None) for c in _split_line(line)]
    out = []
    for tok, col in parts:
        kind = "num" if tok.number is not None and not (line.source == "ocr" and leading_zero(tok.text)) else "text"
        out.append((kind, tok, col))
    if line.cells and line.source == "ocr":
        out = _numbering_as_label(out)
    return out


def _numbering_as_label(tokens: list[tuple[str, Token, Optional[int]]]) -> list[tuple[str, Token, Optional[int]]]:
    """An OCR'd grid row's number that words of a label follow in the same row is that
    label's numbering ("2" of "2.申请人逾期未按收费通知…" with its "." lost), not a value: a
    grid row prints its values after its label (a fax: the numbering of (六)'s second
    sub-row, read on the group's line, gave the blank group row a value)."""
    last_words = max((i for i, (k, t, _) in enumerate(tokens) if k == "text" and ideographs(t.text) >= 2),
                     default=-1)
    return [("text", t, c) if k == "num" and i < last_words and _numbering(t.text) else (k, t, c)
            for i, (k, t, c) in enumerate(tokens)]


def _numbering(text: str) -> bool:
    """Text a label's numbering can be read as: a whole number of at most NUMBERING_MAX_DIGITS."""
    t = text.strip()
    return t.isdigit() and len(t) <= NUMBERING_MAX_DIGITS


def _run_together(text: str) -> list[str]:
    """An OCR'd grid cell's numbers, where lost rules left several cells' in one (a fax):
    ``0 0`` (numbers apart) or ``00``, ``000`` (no printed number is a run of zeros: one
    zero per cell); else the text."""
    parts = text.split()
    if len(parts) > 1 and all(parse_number(p) is not None for p in parts):
        return parts
    t = text.strip()
    return ["0"] * len(t) if len(t) > 1 and set(t) == {"0"} else [text]


def _split_line(line: Line) -> list[Cell]:
    """The space-separated pieces of a line without cells, as cells.

    A one-piece line is its own cell (box, confidence); pieces of a longer line
    keep their character span where the line has one (text dumps).
    """
    parts = line.text.split()
    if len(parts) == 1:
        return [Cell(parts[0], line.box, line.confidence, span=line.span)]
    out, at = [], 0
    for p in parts:
        at = line.text.index(p, at)
        span = None if line.span is None else (line.span[0] + at, line.span[0] + at + len(p))
        out.append(Cell(p, span=span))
        at += len(p)
    return out


def read_rows(lines: Sequence[Line], table: Table) -> list[RowRead]:
    """Walk the table's lines; each run of numbers belongs to the label text before it."""
    reads: list[RowRead] = []
    label_parts: list[str] = []
    header_parts: list[bool] = []  # whether each label part was read on a table_header line
    values: list[str] = []
    cols: list[Optional[int]] = []
    label_cols: list[Optional[int]] = []
    label_lines: list[int] = []  # the line each label part was read on

    line_slots: Optional[list[str]] = None
    lost = 0

    def close() -> None:
        nonlocal lost
        if values:
            label = "".join(label_parts)
            row = match_row(label, table)
            if row is not None and _in_group_cell(label_parts, label_cols, label_lines, at, row, table):
                row = None  # the row's own label, in its own cell, unread: placed by position
            positional = None
            if row:
                positional = _by_slots(row, values, line_slots) or _positional(row, values, cols, label_cols)
            own = "".join(p for p, h in zip(label_parts, header_parts) if not h)
            reads.append(RowRead(row, list(values), positional, label, lost, list(cols), list(label_cols),
                                 line=at, row_label=own))
            label_parts.clear()
            header_parts.clear()
            label_cols.clear()
            label_lines.clear()
        values.clear()
        cols.clear()
        lost = 0

    first_value = value_columns(lines, table)
    widest = max(len(r.columns) for r in table.rows)
    at = -1
    for at, ln in enumerate(lines):
        line_slots = value_slots(ln)
        tokens = _tokens(ln)
        # Only a row with more numbers than any row has cells holds a label read as digits:
        # merged label cells start a full row's values left of other rows' (clean 1001009).
        extra = sum(k == "num" for k, _, _ in tokens) > widest or _left_of_values(ln, tokens, first_value.get(ln.page))
        for kind, text, col in tokens:
            if extra and kind == "num" and col is not None and col < first_value.get(ln.page, 0):
                kind = "text"  # in the grid's label columns: a label read as digits ("总计" as "1")
            if kind == "num":
                values.append(text)
                cols.append(col)
            elif ln.cells and ln.source == "ocr" and (values and _unreadable_value(text.text)
                                                      or _value_cell(col, first_value.get(ln.page), text.text)):
                lost += 1
            else:
                close()
                label_parts.append(text.text)
                header_parts.append(ln.label == "table_header")
                label_cols.append(col)
                label_lines.append(at)
        if ln.cells:  # a grid row ends its values at the row's end
            if not values:
                _blank_row(reads, "".join(label_parts), line_slots, table, at)
            close()
    close()
    return reads


def _left_of_values(line: Line, tokens: list[tuple[str, Token, Optional[int]]], first: Optional[int]) -> bool:
    """Whether a borderless OCR'd row's numbers all lie left of its table's value columns
    (``first``, see :func:`value_columns`): a piece of a wrapped label read as a digit,
    not a value (1002006: 2.申请人逾期未按收费通知… | 0, its row's seven numbers on the label's
    next line; the "0" ended the label there, and the row took one number, its cells blank)."""
    cols = [c for k, _, c in tokens if k == "num"]
    return (line.source == "ocr" and not line.in_grid and first is not None and bool(cols)
            and all(c is not None and c < first for c in cols))


def _in_group_cell(parts: list[str], cols: list[Optional[int]], lines: list[int], at: int, row: Row,
                   table: Table) -> bool:
    """Whether ``row``'s key was read in a group label's grid cell beside the row's own label
    cell, on the row's grid line ``at``: the own cell (the last label part's column) holds at
    least TAIL_MIN_CHARS characters that match no row, and the cells left of it on that line
    match ``row`` (a fax's "（六）其他处理 | 2.申请人…未预收费晶知…": the group row（六）is
    not the sub-row's, whose key was misread)."""
    own_col = cols[-1] if cols else None
    if own_col is None or lines[-1] != at:
        return False
    k = len(parts)
    while k and cols[k - 1] == own_col and lines[k - 1] == at:
        k -= 1
    beside = [p for p, c, ln in zip(parts[:k], cols[:k], lines[:k]) if ln == at and c is not None and c < own_col]
    own = "".join(parts[k:])
    if not beside or len(normalize(own)) < TAIL_MIN_CHARS or match_row(own, table) is not None:
        return False
    return match_row("".join(beside), table) is row


def value_columns(lines: Sequence[Line], table: Table) -> dict[int, int]:
    """Per page, the grid column where an OCR'd table's values start: the most common column
    of the first of the last numbers of its full rows, as many as its widest row has columns
    (a faint fax's labels read as digits come before them), from at least VALUE_COLUMN_MIN_ROWS
    rows, or as many as the table has rows that wide (the 2021 table 二 prints two, 规章 and
    行政规范性文件, and its rows were never placed by the grid's order).  A number left of it is
    a label read as digits (a fax's "（七）总计" read "1"), not a value.  A row that lost a number
    to noise counts by its last cells (:func:`_noisy_value_start`).  Pages without such rows
    are not in it."""
    widest = max(len(r.columns) for r in table.rows)
    least = min(VALUE_COLUMN_MIN_ROWS, sum(len(r.columns) == widest for r in table.rows))
    firsts: dict[int, list[int]] = {}
    for ln in lines:
        if not ln.cells or ln.source != "ocr":
            continue
        cols = [c for k, _, c in _tokens(ln) if k == "num"]
        if len(cols) >= widest and cols[-widest] is not None:  # labels read as digits come first
            firsts.setdefault(ln.page, []).append(cols[-widest])
        elif (start := _noisy_value_start(ln, widest)) is not None:
            firsts.setdefault(ln.page, []).append(start)
    out = {}
    for page, cols in firsts.items():
        col, n = max(((c, cols.count(c)) for c in set(cols)), key=lambda t: (t[1], -t[0]))
        if n >= least and n * 2 > len(cols):
            out[page] = col
    return out


def _noisy_value_start(line: Line, widest: int) -> Optional[int]:
    """The grid column of an OCR'd grid row's first value where its last ``widest`` cells are
    one-slot cells holding a number or a number read as noise (:func:`_unreadable_value`), at
    most NOISY_ROW_MAX_UNREAD of them noise, after a label cell left of them; else None.  A
    faint fax's table 二 read "4 | 1 | ↓" and "11 | 0 | a" in its rows of three: with no row
    read whole three times, its value column was never known and no row placed (fax 1004006)."""
    cells = [c for c in line.cells if c.text.strip()]
    if len(cells) <= widest:
        return None
    tail, label = cells[-widest:], cells[-widest - 1]
    if any(c.col is None or c.colspan != 1 for c in tail) or label.col is None or label.col >= tail[0].col:
        return None
    numbers = sum(parse_number(c.text) is not None for c in tail)
    unread = sum(parse_number(c.text) is None and _unreadable_value(c.text) for c in tail)
    if numbers + unread != widest or not 0 < unread <= NOISY_ROW_MAX_UNREAD \
            or parse_number(label.text) is not None or _unreadable_value(label.text):
        return None
    return tail[0].col


def _value_cell(col: Optional[int], first: Optional[int], text: str) -> bool:
    """Whether an OCR'd grid cell that is not a number lies in its grid's value columns
    (from ``first`` on, ``value_columns``) and holds no words: a number read as noise
    ("6)", "(1": a fax's broken 0), not label text."""
    return col is not None and first is not None and col >= first and ideographs(text) < 2


def _unreadable_value(text: str) -> bool:
    """Whether an OCR'd cell's text is a number read as noise (LOST_VALUE_MAX_CHARS), or
    digits no table prints (``leading_zero``)."""
    t = text.strip()
    return (0 < len(t) <= LOST_VALUE_MAX_CHARS and not any(ch.isdigit() for ch in t) and not ideographs(t)) \
        or leading_zero(t)


def leading_zero(text: str) -> bool:
    """Whether OCR'd text is a whole number of several digits starting with 0, not all zeros:
    no table prints one ("08" for a fax's 0.00, its point lost; "01" for a 0 beside a rule's
    remnant: development faxes 989015, 989007), so it is an unread value, not a number.
    A run of zeros is several cells' zeros run together (``_run_together``)."""
    t = text.strip()
    return len(t) > 1 and t.isdigit() and t[0] == "0" and set(t) != {"0"}


def _blank_row(reads: list[RowRead], label: str, slots: Optional[list[str]], table: Table, at: int) -> None:
    """A grid row printed with its label and one empty cell per column: a read with no values
    (its cells are blank, not absent; the label text stays for a wrapped next row)."""
    if not slots or any(t.strip() for t in slots):
        return
    row = match_row(label, table)
    if row is not None and len(slots) == len(row.columns):
        reads.append(RowRead(row, [], [None] * len(slots), label, line=at))


def value_slots(line: Line) -> Optional[list[str]]:
    """The cells after a grid row's last label cell, empty ones kept: one slot per printed cell.

    A blank cell of a real table (HTML ``&nbsp;``, an empty ruled cell) keeps its
    place this way, whatever the column spans; None for lines without cells.
    """
    if not line.cells:
        return None
    last_label = max((i for i, c in enumerate(line.cells)
                      if c.text.strip() and parse_number(c.text, decimal=True) is None), default=-1)
    return [c.text for c in line.cells[last_label + 1:]]


def _by_slots(row: Row, values: list[Token], slots: Optional[list[str]]) -> Optional[list[Optional[Token]]]:
    """Values by slot when the row prints exactly one cell per column, blanks included."""
    if slots is None or len(slots) != len(row.columns) or \
            [t for t in slots if t.strip()] != [v.text for v in values]:
        return None
    return _fill_slots(slots, values)


def _fill_slots(slots: list[str], values: list[Token]) -> list[Optional[Token]]:
    """The value tokens in the non-blank slots, None in blanks."""
    it = iter(values)
    return [next(it) if t.strip() else None for t in slots]


def place_unmatched(reads: list[RowRead], table: Table, placed: Optional[set] = None) -> list[str]:
    """Give unmatched labels the rows missing between their matched neighbours.

    One unmatched label and one missing row: the row, when the label resembles it (or
    was lost).  A run of several unmatched labels exactly as long as the rows missing
    there, each read with as many numbers as its row has columns: the rows in the
    template's order (a fax or a poor scan loses labels, not the table's shape).  The
    fields of rows placed by order go to ``placed`` (their row was chosen, not read).
    Returns warnings for the rows so placed; other unmatched reads are dropped.
    """
    order = {r.id: i for i, r in enumerate(table.rows)}
    read_ids = {rr.row.id for rr in reads if rr.row}
    warnings = []
    i = 0
    while i < len(reads):
        if reads[i].row is not None:
            i += 1
            continue
        j = i
        while j < len(reads) and reads[j].row is None:
            j += 1
        # A stray number with no label (a page number, a smudge) inside a run is no row.
        run = [rr for rr in reads[i:j] if not _stray(rr, table)] if j - i > 1 else reads[i:j]
        prev = next((order[r.row.id] for r in reversed(reads[:i]) if r.row), -1)
        nxt = next((order[r.row.id] for r in reads[j:] if r.row), len(table.rows))
        # （六） is printed either as one row or as three sub-rows, never both.
        excluded = {"other"} if read_ids & set(OTHER_SPLIT) else set(OTHER_SPLIT) if "other" in read_ids \
            else set()
        gap = [r for r in table.rows[prev + 1:nxt] if r.id not in read_ids | excluded]
        if len(run) == 1 and len(gap) == 1:
            # A label lost entirely (merged into a spanning cell) counts as resembling.
            # So does one read of the row's very shape (a full row of numbers) where a scan
            # misread the label.
            label = normalize(run[0].label)
            full = _of_shape(run[0], gap[0]) and _ocr(run[0])
            like = not label or max(fuzz.partial_ratio(k, label) for k in gap[0].keys) >= POSITION_MIN_SCORE
            if like or full:
                _place(run[0], gap[0], table, read_ids, warnings)
            # Its row chosen by shape alone, or by its place alone where an OCR'd label read
            # nothing (a faint fax's shattered label: fax 1003009's （二）部分公开, else silent).
            if (full and not like or not label and _ocr(run[0])) and placed is not None:
                placed.update(f"{table.id}.{gap[0].id}.{c.id}" for c in gap[0].columns)
        elif len(run) > 1:
            rows = _gap_of_length(gap, len(run))
            if rows and all(_of_shape(rr, row) for rr, row in zip(run, rows)):
                pairs = list(zip(run, rows))
            else:  # table 二's rows by the 第二十条 caption they follow, then the rest by shape
                pairs = pair_by_article(run, gap, list(table.rows), _of_shape) if table.id == "active" else []
                taken, rows_taken = {id(rr) for rr, _ in pairs}, {row.id for _, row in pairs}
                rest = [rr for rr in run if id(rr) not in taken]
                if rest and all(_ocr(rr) for rr in rest):  # rows lost or split: align the full ones by shape
                    pairs += align_by_shape(rest, [r for r in gap if r.id not in rows_taken])
            for rr, row in pairs:
                _place(rr, row, table, read_ids, warnings)
                if placed is not None:
                    placed.update(f"{table.id}.{row.id}.{c.id}" for c in row.columns)
        i = j
    reads[:] = [rr for rr in reads if rr.row is not None]
    return warnings


def label_read_as_number(reads: list[RowRead], table: Table) -> list[str]:
    """Table 三's OCR'd reads with no label and one number more than the table has columns,
    whose row total (its last column, the sum of the others) balances only without the first:
    the label read as a digit (development borderless fax 991201: （七）总计 read "3", its row
    3 1 0 0 0 0 0 1 no row's shape, lost).  The first number is made label text, in place;
    the row is then placed by order (status placed).  Returns a warning for each."""
    if table.id != "requests":
        return []
    n = len(table.rows[0].columns)
    out = []
    for rr in reads:
        if rr.row is not None or normalize(rr.label) or len(rr.values) != n + 1 or not _ocr(rr):
            continue
        nums = [t.number for t in rr.values]
        if any(v is None for v in nums):
            continue
        if abs(sum(nums[1:n]) - nums[n]) <= checks.DECIMAL_TOLERANCE < abs(sum(nums[:n - 1]) - nums[n - 1]):
            first = rr.values.pop(0)
            rr.cols = rr.cols[1:]
            rr.label = rr.row_label = first.text
            out.append(f"{table.id}: a row of {n + 1} numbers with no label; its first, {first.text}, "
                       f"taken for its label read as a digit (the row's total balances without it)")
    return out


def group_read_as_sub_row(reads: list[RowRead], table: Table, placed: Optional[set] = None) -> list[str]:
    """（六）其他处理 read as one row among its sub-rows (:data:`OTHER_SPLIT`) read by their
    own labels: the group label was read with its sub-row's damaged label (a fax: "（六）其他
    处理 | 美人理得位息公不并正…" for 1.申请人无正当理由逾期不补正), and the numbers are that
    sub-row's.  The form prints one or the other, never both: the read takes the one unread
    sub-row that fits between the sub-rows read before and after it (its fields go to
    ``placed``), with a warning.  Development fax 989004."""
    if table.id != "requests":
        return []
    ids = [rr.row.id if rr.row else None for rr in reads]
    group = [i for i, rid in enumerate(ids) if rid == "other"]
    if len(group) != 1 or not set(ids) & set(OTHER_SPLIT):
        return []
    at = group[0]
    order = {rid: k for k, rid in enumerate(OTHER_SPLIT)}
    before = max((order[r] for r in ids[:at] if r in order), default=-1)
    after = min((order[r] for r in ids[at + 1:] if r in order), default=len(OTHER_SPLIT))
    fits = [r for r in OTHER_SPLIT[before + 1:after] if r not in ids]
    if len(fits) != 1:
        return []
    rr, row = reads[at], table.row(fits[0])
    warnings: list[str] = []
    _place(rr, row, table, set(), warnings)
    if placed is not None:
        placed.update(f"{table.id}.{row.id}.{c.id}" for c in row.columns)
    return warnings


def place_by_grid_order(reads: list[RowRead], lines: Sequence[Line], table: Table,
                        placed: Optional[set] = None) -> list[str]:
    """Give unmatched reads of an OCR'd grid the rows the grid's order gives their lines
    (``gridorder.align``: data rows aligned to the template's rows, the labels that read
    as anchors), where every best alignment agrees; values by value column.  The fields
    go to ``placed``.  Returns a warning per row and one naming the table."""
    first_value = value_columns(lines, table)
    if not first_value:
        return []
    anchors = {rr.line: rr.row for rr in reads if rr.row is not None and rr.line is not None}
    data = gridorder.data_rows(lines, first_value, anchors, max(len(r.columns) for r in table.rows))
    in_data = {d.line for d in data}
    data += [gridorder.DataRow(i, len(row.columns), row) for i, row in anchors.items() if i not in in_data]
    data = gridorder.in_order(data)
    data = gridorder.in_order(data + gridorder.lost_rows(lines, data))
    aligned = gridorder.align(data, table)
    grid_cols = gridorder.value_grid_columns(lines, data, first_value)
    read_ids = {rr.row.id for rr in reads if rr.row}
    warnings: list[str] = []
    for rr in reads:
        row, d = aligned.get(rr.line, (None, None))
        if rr.row is not None or row is None or row.id in read_ids or not rr.values:
            continue
        cells = _by_value_columns(rr, row, d.first, grid_cols.get(lines[rr.line].page))
        if cells is None:
            continue
        _place(rr, row, table, read_ids, warnings)
        rr.positional, rr.by_order = cells, True
        if placed is not None:
            placed.update(f"{table.id}.{row.id}.{c.id}" for c in row.columns)
    if warnings:
        warnings.append(f"table {table.id}: {len(warnings)} rows whose labels could not be read "
                        f"placed by the grid's order (status placed)")
    return warnings


def _by_value_columns(rr: RowRead, row: Row, first: Optional[int],
                      grid_cols: Optional[list[int]] = None) -> Optional[list[Optional[Token]]]:
    """A read's values by grid column from ``first`` on (by their place among ``grid_cols``,
    the page's value columns, where the row has as many columns: a grid column no row
    fills, a rule found twice, does not shift the values after it); None when one lies
    right of its row.  A number left of ``first`` in a cell spanning grid columns is its
    label read as digits (value cells span one: a faint fax's （二）部分公开 read "1114",
    1003009), not a value."""
    if first is None or any(c is None for c in rr.cols):
        return None
    places = {c: k for k, c in enumerate(grid_cols)} if grid_cols and len(grid_cols) == len(row.columns) \
        and grid_cols[0] == first else None
    out: list[Optional[Token]] = [None] * len(row.columns)
    for v, c in zip(rr.values, rr.cols):
        if c < first and v.cell.colspan > 1:
            continue
        k = places.get(c, -1) if places is not None else c - first
        if not 0 <= k < len(out) or out[k] is not None:
            return None
        out[k] = v
    return out


def align_by_shape(run: list[RowRead], gap: list[Row]) -> list[tuple[RowRead, Row]]:
    """Unmatched reads paired with missing rows in the template's order, where the run
    is not exactly as long as the gap (a row lost, one split in two by a misread cell).

    Only a read with as many numbers as the row has columns can take it: of the
    order-preserving pairings, the one with the most pairs, then the highest summed
    label resemblance (partial_ratio; dynamic programming), and of it only the pairs that
    every such best pairing makes (labels that resemble no row leave a tie: none placed).
    Where the gap holds more than ALIGN_MAX_SLACK rows beyond the run's full reads, the
    order alone says little, and a label must resemble its row at least ALIGN_MIN_SCORE.
    （六） as one row or as sub-rows: whichever pairs more reads; of two that pair as many,
    the one that leaves fewer of its rows unread (:func:`_form_key`).
    """
    ids = {r.id for r in gap}
    ways = [gap]
    if "other" in ids and ids & set(OTHER_SPLIT):
        ways = [[r for r in gap if r.id != "other"], [r for r in gap if r.id not in OTHER_SPLIT]]
    best: list[tuple[RowRead, Row]] = []
    best_key: tuple = ()
    for rows in ways:
        score, pairs = _align(run, rows)
        key = _form_key(score, len(pairs), len(rows))
        if key > best_key:
            best, best_key = pairs, key
    return best


def _form_key(score: float, placed: int, rows: int) -> tuple:
    """How well a form of （六） aligns a run: the pairs of its best alignment first, then the
    rows it leaves unread (fewer is better: a row lost is one more thing gone wrong), then
    the label score.  Development fax 1003007 printed （六） as one row of 0s, label read
    "し其他で叩": the split form paired it with 3.其他 (its label nearer "其他") leaving 1. and 2.
    unread, and 其他 took the 0s the report prints for （六）."""
    pairs = int(score) // ALIGN_PAIR_WEIGHT
    return pairs, -(rows - pairs), score, placed


def _align(run: list[RowRead], rows: list[Row]) -> tuple[float, list[tuple[RowRead, Row]]]:
    """The order-preserving pairing of reads to rows with the most pairs, then the highest
    summed label score; only the reads every such pairing pairs alike (a tie places none)."""
    m = len(rows)
    full = sum(1 for rr in run if any(_of_shape(rr, r) for r in rows))
    floor = 0.0 if m - full <= ALIGN_MAX_SLACK else ALIGN_MIN_SCORE

    def score(rr: RowRead, row: Row) -> Optional[int]:
        if not _of_shape(rr, row):
            return None
        label = normalize(rr.row_label)  # column headings before the first row resemble the total ("总计")
        s = max((fuzz.partial_ratio(k, label) for k in row.keys), default=0.0) if label else 0.0
        return ALIGN_PAIR_WEIGHT + int(round(s)) if s >= floor else None

    total, pairs = gridorder.unique_alignment([[score(rr, row) for row in rows] for rr in run])
    return float(total), [(run[i], rows[j]) for i, j in sorted(pairs.items())]


def _of_shape(rr: RowRead, row: Row, max_lost: int = LOST_VALUE_MAX_PER_ROW) -> bool:
    """Whether a read has the row's shape: a number (read, or at most ``max_lost`` unread)
    for each of its columns."""
    return rr.lost <= max_lost and len(rr.values) + rr.lost == len(row.columns)


def _ocr(rr: RowRead) -> bool:
    """Whether a read's numbers were recognised (OCR cells carry a confidence; exact text
    has no damage to forgive)."""
    return bool(rr.values) and all(t.cell.confidence is not None for t in rr.values)


def _stray(rr: RowRead, table: Table) -> bool:
    """A read with no label text and fewer numbers than any row of the table has columns."""
    return not normalize(rr.label) and len(rr.values) < min(len(r.columns) for r in table.rows)


def _gap_of_length(gap: list[Row], n: int) -> Optional[list[Row]]:
    """The missing rows, when they are ``n``: （六） counted as one row or as its three
    sub-rows (never both), whichever makes ``n``; None when neither does."""
    ids = {r.id for r in gap}
    ways = [gap]
    if "other" in ids and ids & set(OTHER_SPLIT):
        ways = [[r for r in gap if r.id != "other"], [r for r in gap if r.id not in OTHER_SPLIT]]
    return next((w for w in ways if len(w) == n), None)


def _place(rr: RowRead, row: Row, table: Table, read_ids: set, warnings: list[str]) -> None:
    """Take ``rr`` for ``row`` from its place among the rows around it, with a warning."""
    rr.row = row
    if rr.lost:  # its read cells by their grid columns (None: resolve_short tries the placements)
        rr.positional = _positional(row, rr.values, rr.cols, rr.label_cols)
    read_ids.add(row.id)
    warnings.append(f"{table.id}.{row.id}: label {rr.label!r} read as {row.label!r} "
                    f"from its place between the rows around it ({_joined(rr.values)})")


def _by_peer_columns(rr: RowRead, row: Row, reads: list[RowRead]) -> Optional[list[Optional[Token]]]:
    """The values of a read that lost a cell (``rr.lost``) by the grid columns of the nearest
    read of the same page, at most PEER_MAX_LINES lines away, that holds ``row``'s number of
    columns whole, one value per column, among them all of ``rr``'s: a borderless fax's
    columns are its pieces' alignment, and the row beside it shows which column each of
    its values is in (1002000: 0 | (k | 39 under 0 | 0 | 0; without it three placements
    fit and the row was left null).  None when there is no such read."""
    n = len(row.columns)
    if rr.line is None or not rr.values or any(c is None for c in rr.cols):
        return None
    page = rr.values[0].page

    def peer(p: RowRead) -> bool:
        return (p is not rr and p.line is not None and 0 < abs(p.line - rr.line) <= PEER_MAX_LINES
                and len(p.values) == n and not p.lost and p.values[0].page == page
                and len(set(p.cols)) == n and set(rr.cols) <= set(p.cols))

    near = min((p for p in reads if peer(p)), key=lambda p: abs(p.line - rr.line), default=None)
    if near is None:
        return None
    out: list[Optional[Token]] = [None] * n
    for v, c in zip(rr.values, rr.cols):
        out[near.cols.index(c)] = v
    return out


def _joined(tokens: Sequence[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _positional(row: Row, values: list[Token], cols: list[Optional[int]],
                label_cols: list[Optional[int]]) -> Optional[list[Optional[Token]]]:
    """Values by column when grid columns are known and consistent, else None."""
    if any(c is None for c in cols) or not cols:
        return None
    first = max((c for c in label_cols if c is not None), default=min(cols) - 1) + 1
    n = len(row.columns)
    out: list[Optional[Token]] = [None] * n
    for v, c in zip(values, cols):
        i = c - first
        if not 0 <= i < n or out[i] is not None:
            return None
        out[i] = v
    return out


# --- placing values ---------------------------------------------------------------

def _placements(values: list[Token], n: int) -> list[list[Optional[Token]]]:
    """Every order-preserving placement of len(values) <= n values into n slots."""
    out = []
    for slots in itertools.combinations(range(n), len(values)):
        row: list[Optional[Token]] = [None] * n
        for s, v in zip(slots, values):
            row[s] = v
        out.append(row)
        if len(out) >= MAX_PLACEMENTS:
            break
    return out


def pointed_value(digits: str, after: int) -> float:
    """The money amount of ``digits`` with a decimal point ``after`` digits from the end."""
    return round(int(digits) / 10 ** after, after)


def _set_row(fields: dict, table: Table, row: Row, cells: list[Optional[Token]],
             asm: Optional[Assembly] = None, blanks: bool = False) -> None:
    """Set a row's fields from its tokens; with ``asm``, record where each was read
    (and, with ``blanks``, that a None is a cell the document prints empty)."""
    for col, tok in zip(row.columns, cells):
        fid = f"{table.id}.{row.id}.{col.id}"
        fields[fid] = None if tok is None else parse_number(tok.text, col.decimal)
        point = (tok.cell.point if tok is not None and col.decimal and tok.text.isdigit()
                 and tok.text == tok.cell.text else None)
        if point:  # a money cell read without its point where the fax's pixels show it
            fields[fid] = pointed_value(tok.text, point[0])
        if asm is None:
            continue
        if point and point[1] == "gap":
            asm.decoded.add(fid)
            asm.warnings.append(f"{fid}: read {tok.text} with no decimal point; the gap a lost point "
                                f"left {point[0]} digit(s) from its end makes it {fields[fid]:g}")
        if tok is not None:
            asm.sources[fid] = (tok.page, tok.cell)
        elif blanks:
            asm.blank.add(fid)


def assemble_table(lines: Sequence[Line], template: Template, table: Table, asm: Assembly) -> None:
    """Read one table into ``asm.fields``; short rows are resolved later by ``resolve_short``."""
    if table.id == "review":
        _assemble_review(lines, template, table, asm)
        return
    seen: set[str] = set()
    reads = read_rows(lines, table)
    asm.warnings += label_read_as_number(reads, table)
    asm.warnings += group_read_as_sub_row(reads, table, asm.placed)
    asm.warnings += place_by_grid_order(reads, lines, table, asm.placed)
    asm.warnings += place_unmatched(reads, table, asm.placed)
    for rr in reads:
        row = rr.row
        if not rr.values:  # printed empty: its cells are blank, the row adds nothing to infer from
            asm.blank.update(f"{table.id}.{row.id}.{c.id}" for c in row.columns)
            continue
        if row.id in seen:
            # A repeated header row after a page break re-reads nothing new; a true
            # duplicate with other numbers is worth a warning.
            continue
        seen.add(row.id)
        asm.present_rows.add(f"{table.id}.{row.id}")
        n = len(row.columns)
        vals = rr.values
        if len(vals) > n:
            asm.warnings.append(f"{table.id}.{row.id}: {len(vals)} numbers for {n} columns; "
                                f"kept the first {n} ({_joined(vals)})")
            vals = vals[:n]
        if rr.positional is None and rr.lost and len(vals) < n:
            rr.positional = _by_peer_columns(rr, row, reads)
            if rr.positional is not None:  # their columns chosen by another row's: placed
                asm.placed.update(f"{table.id}.{row.id}.{c.id}" for c, v in zip(row.columns, rr.positional) if v)
        if rr.positional is not None:  # a cell OCR could not read is not a printed blank
            _set_row(asm.fields, table, row, rr.positional, asm, blanks=not rr.lost and not rr.by_order)
        elif len(vals) == n:
            _set_row(asm.fields, table, row, vals, asm)
        else:
            asm.short_rows.append((table, row, vals))


def _assemble_review(lines: Sequence[Line], template: Template, table: Table, asm: Assembly) -> None:
    rows = [ln for ln in lines if ln.label == "table_row"]
    nums = [t for ln in rows for k, t, _ in _tokens(ln) if k == "num"]
    if not nums:
        return
    n_cols = len(table.rows[0].columns)
    total = n_cols * len(table.rows)
    # Grid rows of numbers and blanks only: every printed cell is a slot.
    slots = [t for ln in rows for t in (value_slots(ln) or [])]
    if len(slots) == total and [t for t in slots if t.strip()] == [t.text for t in nums] and len(nums) < total:
        for row in table.rows:
            asm.present_rows.add(f"review.{row.id}")
        cells = _fill_slots(slots, nums)
        for i, row in enumerate(table.rows):
            _set_row(asm.fields, table, row, cells[i * n_cols:(i + 1) * n_cols], asm, blanks=True)
        return
    if len(nums) > total:
        # The table prints its values as one row of all its cells: where one line holds exactly
        # that many, the others' numbers are strays (a fax's header words read as "8", "11").
        per_line = ([t for k, t, _ in _tokens(ln) if k == "num"] for ln in rows)
        full = [line_nums for line_nums in per_line if len(line_nums) == total]
        if len(full) == 1:
            asm.warnings.append(f"review: {len(nums)} numbers for {total} cells; kept the one row of {total}")
            nums = full[0]
        else:  # which numbers are the values is the rules' choice, not a reading: status placed
            asm.warnings.append(f"review: {len(nums)} numbers for {total} cells; kept the first {total} "
                                f"(status placed)")
            nums = nums[:total]
            asm.placed.update(f"review.{row.id}.{c.id}" for row in table.rows for c in row.columns)
    led = [t for ln in rows for k, t, _ in _tokens(ln) if k == "num" or leading_zero(t.text)]
    if len(nums) < total and (split := split_zero_led_run(led, total)) is not None:
        nums, at, run = split
        fids = [f"review.{table.rows[i // n_cols].id}.{table.rows[i // n_cols].columns[i % n_cols].id}"
                for i in range(at, at + len(run))]
        asm.decoded.update(fids)
        asm.warnings.append(f"review: {total - len(run)} numbers and {run} for {total} cells; {run} (no count "
                            f"starts with 0) read as {len(run)} cells run together (status decoded)")
    for row in table.rows:
        asm.present_rows.add(f"review.{row.id}")
    if len(nums) == total:
        for i, row in enumerate(table.rows):
            _set_row(asm.fields, table, row, nums[i * n_cols:(i + 1) * n_cols], asm)
    else:
        asm.short_rows.append((table, None, nums))


def split_zero_led_run(tokens: list[Token], total: int) -> Optional[tuple[list[Token], int, str]]:
    """A row's numbers and its whole numbers of several digits that start with 0 (no table
    prints one: ``leading_zero``; ``tokens``, in reading order), fewer numbers than its
    ``total`` cells: where exactly one such piece has as many digits as numbers are
    missing, those are single-digit cells read as one piece, their gaps too narrow (clean
    borderless 990403, review: 1 | 0023 | 00 …, 11 numbers for 15 cells; 0 0 2 3 are four
    cells).  The numbers with that piece split into its digits, where it starts, and its
    text; None otherwise."""
    runs = [k for k, t in enumerate(tokens) if leading_zero(t.text)]
    if len(runs) != 1 or len(tokens) - 1 + len(tokens[runs[0]].text.strip()) != total:
        return None
    k = runs[0]
    t = tokens[k]
    return tokens[:k] + [Token(d, t.page, t.cell) for d in t.text.strip()] + tokens[k + 1:], k, t.text.strip()


def resolve_short(template: Template, asm: Assembly) -> None:
    """Place the numbers of rows that lost cells; keep a reading only if it is the only one."""
    for table, row, vals in asm.short_rows:
        if row is None:  # the review table, all groups at once
            targets = [(r, f"review.{r.id}") for r in table.rows]
            n = sum(len(r.columns) for r in table.rows)
        else:
            targets = [(row, f"{table.id}.{row.id}")]
            n = len(row.columns)
        results = []
        for cells in _placements(vals, n):
            trial = dict(asm.fields)
            i = 0
            for r, _ in targets:
                _set_row(trial, table, r, cells[i:i + len(r.columns)])
                i += len(r.columns)
            filled = checks.infer_lost(template, trial, asm.present_rows)
            fails = checks.count_failures(template, trial)
            ids = [f"{p}.{c.id}" for r, p in targets for c in r.columns]
            results.append((fails, tuple(trial.get(f) for f in ids), filled, ids, cells))
        best = min(r[0] for r in results)
        readings = {r[1] for r in results if r[0] == best}
        where = ", ".join(p for _, p in targets)
        if len(readings) == 1:
            values = next(iter(readings))
            # Mark as inferred the cells lost in the plain reading (numbers left-aligned).
            lost = set(results[0][3][len(vals):])
            for fid, v in zip(results[0][3], values):
                asm.fields[fid] = v
                if fid in lost and v is not None:
                    asm.inferred.append(fid)
            placed = next(r[4] for r in results if r[0] == best)
            for fid, tok in zip(results[0][3], placed):
                if tok is not None and tok.number == asm.fields[fid]:
                    asm.sources[fid] = (tok.page, tok.cell)
                    asm.placed.add(fid)
            asm.warnings.append(f"{where}: {len(vals)} numbers for {n} cells; "
                                f"the template's rules allow one reading")
        else:
            for k, fid in enumerate(results[0][3]):
                values = sorted({r[k] for r in readings if r[k] is not None})
                if len(values) > 1 or (values and any(r[k] is None for r in readings)):
                    asm.ambiguous[fid] = values
            shown = " / ".join("|".join("?" if v is None else f"{v:g}" for v in r) for r in sorted(
                readings, key=str)[:5])
            asm.warnings.append(f"{where}: {len(vals)} numbers for {n} cells and {len(readings)} "
                                f"readings fit the rules ({shown}); left null")


# --- evidence -----------------------------------------------------------------------

def field_cells(template: Template, asm: Assembly) -> dict[str, FieldCell]:
    """Every field of the template with where its value came from (``FieldCell``).

    Boxes are those of the backend's cells (their page's own units); the caller
    converts them where a page's unit is not the one the output promises.
    """
    inferred = set(asm.inferred)
    out: dict[str, FieldCell] = {}
    for fid in template.field_ids:
        value = asm.fields.get(fid)
        if fid in inferred:
            out[fid] = FieldCell(value, "inferred")
        elif fid in asm.ambiguous and value is None:
            out[fid] = FieldCell(None, "ambiguous", candidates=list(asm.ambiguous[fid]))
        elif fid in asm.sources:
            page, cell = asm.sources[fid]
            status = "placed" if fid in asm.placed else "decoded" if fid in asm.decoded else "printed"
            out[fid] = FieldCell(value, status, page, cell.box, cell.text, cell.span, cell.confidence)
        elif fid in asm.blank:
            out[fid] = FieldCell(None, "blank")
        else:
            out[fid] = FieldCell(value, "absent" if value is None else "inferred")
    return out


# --- the whole document -------------------------------------------------------------

def split_tables(lines: Sequence[Line], template: Template) -> dict[str, list[Line]]:
    """Group table lines by table: by section headings, and by row labels when a
    heading is lost (pages missing)."""
    groups: dict[str, list[Line]] = {t.id: [] for t in template.tables}
    current: Optional[str] = None
    for ln in lines:
        if ln.label == "heading":
            sid = section_of(ln.text, fuzzy=ln.source == "ocr")
            if sid:
                current = sid if sid in groups else None
            continue
        if ln.label not in ("table_row", "table_header"):
            continue
        if ln.label == "table_row" and current != "review":
            # A row label of another table means its heading was lost with a page.
            label = _label_text(ln)
            if label and current != "requests" and match_row(label, template.table("requests")) \
                    and not match_row(label, template.table("active")):
                current = "requests"
            elif ln.source == "ocr" and ln.cells and (later := table_by_shape(ln, template, current)):
                current = later  # its heading misread (a fax): the row's shape says whose it is
        if current:
            groups[current].append(ln)
    return groups


def table_by_shape(line: Line, template: Template, current: Optional[str]) -> Optional[str]:
    """The later table a grid row belongs to by its count of numbers alone, when it holds more
    than any row of the ``current`` table has columns: a table after it (template order)
    whose rows have that many columns, or the review table, printed as one row of all its cells."""
    n = sum(1 for k, _, _ in _tokens(line) if k == "num")
    ids = [t.id for t in template.tables]
    start = ids.index(current) + 1 if current in ids else 0
    if current in ids and n <= max(len(r.columns) for r in template.table(current).rows):
        return None
    for table in template.tables[start:]:
        shape = {sum(len(r.columns) for r in table.rows)} if table.id == "review" \
            else {len(r.columns) for r in table.rows}
        if n in shape and n > 1:
            return table.id
    return None


def assemble(lines: Sequence[Line], template_name: Optional[str] = None, year: Optional[int] = None) -> Assembly:
    """Rebuild the template's tables from labelled lines; ``year``: the report's year as its
    title gives it, which names the format when the tables cannot (``format_of_year``)."""
    name = template_name or detect_format(lines) or format_of_year(lines, year)
    if name is None:
        fit = assemble_by_fit(lines, year)
        if fit is not None:
            return fit
        if _shared_rows(normalize("".join(ln.text for ln in lines if ln.label in ("table_header", "table_row")))):
            asm = _assemble_as(lines, SHARED_ROWS_FORMAT)  # rows of table 三 read, nothing says whose
            asm.warnings.insert(0, f"the tables' format could not be read (their header words unread, the "
                                   f"rows that tell the formats apart unread or disagreeing): read as the "
                                   f"{SHARED_ROWS_FORMAT} format, the tables the formats do not share may be the other's")
            return asm
        asm = Assembly(None)
        asm.warnings.append(NO_TEMPLATE_WARNING)
        return asm
    return _assemble_as(lines, name)


def _assemble_as(lines: Sequence[Line], name: str) -> Assembly:
    """:func:`assemble` in the format ``name``."""
    asm = Assembly(name)
    template = get(name)
    asm.fields = {f: None for f in template.field_ids}
    groups = split_tables(lines, template)
    for table in template.tables:
        assemble_table(groups[table.id], template, table, asm)
    resolve_short(template, asm)
    asm.inferred += checks.infer_lost(template, asm.fields, asm.present_rows)
    if not any(v is not None for v in asm.fields.values()):
        asm.warnings.append("template tables found but no cell could be read")
    return asm

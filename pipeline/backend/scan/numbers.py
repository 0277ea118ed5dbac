"""Which cells hold numbers: template row and column labels matched in OCR text."""
from __future__ import annotations

from typing import Optional

from ... import layout, template as tpl
from ...layout import Grid
from ...lexicon import ideographs, is_words

KEY_MIN_SCORE = 80  # rapidfuzz partial_ratio for a cell to match a template row/column label
NUMBER_COLUMN_SHARE = 0.6  # a grid column (or row) with this share of numbers among its filled cells …
NUMBER_COLUMN_MIN = 4  # … and at least this many is a column of numbers …
NUMBER_ROW_MIN = 2  # … a row, with this many: table 二's sub-tables print rows of 1-3 numbers
# under 2-3 rows, and a fax's unreadable labels and headers leave nothing else to say their
# cells hold numbers (development faxes 989003, 989007: a 3 read "J", a 4 read unsure, lost)
MAX_STRAY_CHARS = 2  # a cell of a number column read as at most this many characters is a number misread
NUMBER_ROW_SHARE = 0.6  # a label-less borderless row with this share of numbers is all numbers
NUMBER_TAIL_SHARE = 0.5  # … and an unreadable label followed by short pieces, this share of them numbers
# Look-alikes of digits that the recogniser emits; applied only in numeric cells.
DIGIT_LOOKALIKES = str.maketrans({
    "O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0", "口": "0", "U": "0",
    "l": "1", "I": "1", "|": "1", "i": "1", "丨": "1", "J": "1", "!": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9",
    "，": ",", "。": ".", "．": ".", "—": "-", "－": "-", "_": "",
})


def reads_as_number(text: str) -> bool:
    """Whether OCR'd text is a number once its spaces are dropped and digits' look-alikes
    (O for 0, l for 1 …: DIGIT_LOOKALIKES) read as the digits."""
    return layout.is_number(text.strip().replace(" ", "").translate(DIGIT_LOOKALIKES))


def _template_labels() -> tuple[list[str], list[str]]:
    """Normalised row keys and column labels of every template table."""
    rows, cols = set(), set()
    for t in tpl.TEMPLATES.values():
        for table in t.tables:
            for r in table.rows:
                rows.update(r.keys)
                cols.update(tpl.normalize(c.label) for c in r.columns)
    for _gid, lab in tpl.REVIEW_GROUPS:
        rows.add(tpl.normalize(lab))
    return sorted(rows), sorted(cols)


_ROW_KEYS, _COL_LABELS = _template_labels()


def _matches(text: str, keys: list[str]) -> bool:
    """Whether OCR text contains one of the keys, allowing OCR noise."""
    from rapidfuzz import fuzz

    t = tpl.normalize(text)
    if len(t) < 2:
        return False
    for k in keys:
        if k in t:
            return True
        if len(k) >= 3 and len(t) >= len(k) - 1 and fuzz.partial_ratio(k, t) >= KEY_MIN_SCORE:
            return True
    return False


def numeric_cells(grid: Grid, texts: dict[int, str]) -> list[int]:
    """Indices of cells where the template puts a number.

    A cell is numeric when it lies right of a cell (same grid row) whose text is a
    template row label, or below a header cell whose text is a template column
    label (covering its columns) — and is not itself such a label; or when it is a
    short one-slot cell of a column or row of numbers (:func:`number_columns`).
    """
    labels = {ci for ci, t in texts.items() if t and (_matches(t, _ROW_KEYS) or _matches(t, _COL_LABELS))}
    row_label_right: dict[int, int] = {}
    headers = []
    for ci, c in enumerate(grid.cells):
        t = texts.get(ci, "")
        if ci in labels and _matches(t, _ROW_KEYS):
            for r in range(c.row, c.row + c.rowspan):
                row_label_right[r] = max(row_label_right.get(r, -1), c.col + c.colspan)
        if ci in labels and _matches(t, _COL_LABELS):
            headers.append(c)
    columns, rows = number_columns(grid, texts)
    between = _between_numbers(grid, texts)
    out = []
    for ci, c in enumerate(grid.cells):
        if ci in labels or is_words(texts.get(ci, "")):
            continue
        right = row_label_right.get(c.row)
        below = any(h.row + h.rowspan <= c.row and h.col <= c.col and c.col + c.colspan <= h.col + h.colspan
                    for h in headers)
        short = len(texts.get(ci, "").strip()) <= MAX_STRAY_CHARS
        if (right is not None and c.col >= right) or below or (short and c.colspan == 1 and c.rowspan == 1
                                                                   and (c.col in columns or c.row in rows
                                                                        or ci in between)):
            out.append(ci)
    return out


def _between_numbers(grid: Grid, texts: dict[int, str]) -> set[int]:
    """One-slot cells whose left and right neighbours in their grid row both read as numbers:
    a number cell there, even where the row's label and its column's header are unreadable."""
    at = {(c.row, c.col): ci for ci, c in enumerate(grid.cells) if c.colspan == 1 and c.rowspan == 1}

    def number(key) -> bool:
        ci = at.get(key)
        return ci is not None and reads_as_number(texts.get(ci, ""))

    return {ci for (r, c), ci in at.items() if number((r, c - 1)) and number((r, c + 1))}


def number_columns(grid: Grid, texts: dict[int, str]) -> tuple[set[int], set[int]]:
    """Grid columns, and grid rows, whose filled one-column cells are numbers
    (NUMBER_COLUMN_SHARE of at least NUMBER_COLUMN_MIN, of a row NUMBER_ROW_MIN): there a cell read as a letter or
    two is a digit misread, even where the row's label could not be read (a fax) to say
    that a number belongs there."""
    filled: dict[tuple[str, int], int] = {}
    numbers: dict[tuple[str, int], int] = {}
    for ci, c in enumerate(grid.cells):
        t = texts.get(ci, "").strip().replace(" ", "")
        if c.colspan != 1 or c.rowspan != 1 or not t:
            continue
        num = reads_as_number(t)
        for key in (("col", c.col), ("row", c.row)):
            filled[key] = filled.get(key, 0) + 1
            numbers[key] = numbers.get(key, 0) + num
    least = {"col": NUMBER_COLUMN_MIN, "row": NUMBER_ROW_MIN}
    full = {key for key, n in filled.items() if numbers[key] >= max(least[key[0]], NUMBER_COLUMN_SHARE * n)}
    return {i for kind, i in full if kind == "col"}, {i for kind, i in full if kind == "row"}


def numeric_free_cells(texts: list[str]) -> list[int]:
    """Indices of the number cells of a borderless row: those right of a template row
    label, or all of a label-less row made mostly of numbers (the 四 review row), or the
    short pieces after an unmatched label when there are NUMBER_COLUMN_MIN or more of
    them and most are numbers, or NUMBER_ROW_MIN or more and all are (or the others are a
    number's noise, :func:`_stray`).

    Right of the label means right of its last piece of words too: a label's line split
    at the gap after its numbering or a comma ("用、 | 行政机关…", the second line of a
    wrapped label beside a group label "其他" that resembles a row key) leaves short
    pieces inside the label, and read as digits they would be stray numbers."""
    for k, t in enumerate(texts):
        if t and _matches(t, _ROW_KEYS):
            start = max([k] + [j for j in range(k + 1, len(texts)) if is_words(texts[j])]) + 1
            return [j for j in range(start, len(texts)) if texts[j]]
    filled = [j for j, t in enumerate(texts) if t]
    numbers = [j for j in filled if reads_as_number(texts[j])]
    row = filled[1:] if filled and _wrapped_label_end(texts[filled[0]]) else filled
    if len(row) >= 2 and sum(j in numbers for j in row) >= NUMBER_ROW_SHARE * len(row) \
            and not any(is_words(texts[j]) for j in row):
        return row
    # A label read too badly to match (a fax), then a run of short pieces, most of them
    # numbers; or a shorter run (NUMBER_ROW_MIN) all of them numbers (table 二's rows).  The
    # label ends at its last piece of words: its numbering may be a piece of its own
    # ("一、 | 本年而收政府信息… | 7 | 0 …", development fax 989000: a 7 read "1", not re-read).
    words = [j for j in filled if is_words(texts[j])]
    tail = [j for j in filled if j > (words[-1] if words else filled[0])] if filled else []
    share = NUMBER_TAIL_SHARE if len(tail) >= NUMBER_COLUMN_MIN else 1.0
    short = len(tail) >= NUMBER_ROW_MIN and all(len(texts[j].strip()) <= MAX_STRAY_CHARS for j in tail)
    if short and sum(j in numbers for j in tail) >= share * len(tail):
        return tail
    # A shorter run with NUMBER_ROW_MIN numbers whose other pieces are a number's noise (_stray):
    # table 二's rows of 2-3 numbers under 2 rows, too few for a column of numbers to vouch for
    # a 0 read "a" (development borderless fax 1003006, 规章: 政市 | a | 1 | 0, the row lost).
    if short and sum(j in numbers for j in tail) >= NUMBER_ROW_MIN \
            and all(j in numbers or _stray(texts[j]) for j in tail):
        return tail
    return []


def free_number_columns(rows: list[tuple[Optional[int], list[int], list[str]]]) -> set[tuple[int, int]]:
    """(block, column) of the borderless tables' columns of numbers: per table
    (``FreeRow.block``) and aligned column (``FreeRow.cols``) of its multi-cell rows, at
    least NUMBER_COLUMN_MIN numbers, and NUMBER_COLUMN_SHARE of the filled cells numbers
    or noise (:func:`_stray`; a fax reads a third of a column's 0s "a").  ``rows``:
    (block, cols, texts) per free row."""
    filled: dict[tuple[int, int], int] = {}
    numbers: dict[tuple[int, int], int] = {}
    strays: dict[tuple[int, int], int] = {}
    for block, cols, texts in rows:
        if block is None or len(texts) < 2:
            continue
        for col, t in zip(cols, texts):
            t = t.strip().replace(" ", "")
            if t:
                key = (block, col)
                num = reads_as_number(t)
                filled[key] = filled.get(key, 0) + 1
                numbers[key] = numbers.get(key, 0) + num
                strays[key] = strays.get(key, 0) + (not num and _stray(t))
    return {key for key, n in filled.items()
            if numbers[key] >= NUMBER_COLUMN_MIN and numbers[key] + strays[key] >= NUMBER_COLUMN_SHARE * n}


# Ideographs a fax's 0 reads as: filled on a heavy threshold, its hole left as a bar (development
# borderless fax 1003006: of table 三's 0s, a dozen read 日, their cells lost and the rows with them).
FILLED_ZERO_IDEOGRAPHS = ("日",)


def _stray(text: str) -> bool:
    """At most MAX_STRAY_CHARS Latin letters, digits, marks or digits' look-alikes: what a
    fax's number reads as ("a", "D", "口", a filled 0's 日: FILLED_ZERO_IDEOGRAPHS), never a
    header's words, another lone ideograph (购) or kana (a header's noise on a page too dark
    to read)."""
    t = text.strip()
    if t in FILLED_ZERO_IDEOGRAPHS:
        return True
    t = t.translate(DIGIT_LOOKALIKES)
    return 0 < len(t) <= MAX_STRAY_CHARS and t.isascii()


def stray_in_number_columns(texts: list[str], cols: list[int], block: Optional[int],
                            columns: set[tuple[int, int]]) -> list[int]:
    """Indices of a borderless row's short pieces (:func:`_stray`: numbers, or numbers read
    as noise) in a column of numbers (:func:`free_number_columns`) right of the row's last
    words (a label's numbering "1." may share a column of labels): number cells, also in
    rows whose label did not match (a fax's 0 read "a" or "口" beside a garbled label)."""
    start = max((j for j, t in enumerate(texts) if is_words(t)), default=-1) + 1
    return [j for j in range(start, len(texts)) if (block, cols[j]) in columns
            and (_stray(texts[j]) or reads_as_number(texts[j]))]


def _wrapped_label_end(text: str) -> bool:
    """Whether a borderless row's first piece is the last character of the label above it,
    wrapped onto the row of numbers (1.本机关不掌握相关政府信 | 息 0 0 …): short
    (MAX_STRAY_CHARS), one ideograph that is no digit's look-alike.  Read digits-only,
    息 would be a stray 8."""
    t = text.strip()
    return len(t) <= MAX_STRAY_CHARS and ideographs(t.translate(DIGIT_LOOKALIKES)) == 1

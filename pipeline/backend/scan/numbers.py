"""Which cells hold numbers: template row and column labels matched in OCR text."""
from __future__ import annotations

from ... import layout, template as tpl
from ...layout import Grid

KEY_MIN_SCORE = 80  # rapidfuzz partial_ratio for a cell to match a template row/column label
NUMBER_ROW_SHARE = 0.6  # a label-less borderless row with this share of numbers is all numbers
# Look-alikes of digits that the recogniser emits; applied only in numeric cells.
DIGIT_LOOKALIKES = str.maketrans({
    "O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0", "口": "0", "U": "0",
    "l": "1", "I": "1", "|": "1", "i": "1", "丨": "1", "J": "1", "!": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9",
    "，": ",", "。": ".", "．": ".", "—": "-", "－": "-", "_": "",
})


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
    label (covering its columns) — and is not itself such a label.
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
    out = []
    for ci, c in enumerate(grid.cells):
        if ci in labels or _is_words(texts.get(ci, "")):
            continue
        right = row_label_right.get(c.row)
        below = any(h.row + h.rowspan <= c.row and h.col <= c.col and c.col + c.colspan <= h.col + h.colspan
                    for h in headers)
        if (right is not None and c.col >= right) or below:
            out.append(ci)
    return out


def numeric_free_cells(texts: list[str]) -> list[int]:
    """Indices of the number cells of a borderless row: those right of a template row
    label, or all of a label-less row made mostly of numbers (the 四 review row)."""
    for k, t in enumerate(texts):
        if t and _matches(t, _ROW_KEYS):
            return [j for j in range(k + 1, len(texts)) if texts[j] and not _is_words(texts[j])]
    filled = [j for j, t in enumerate(texts) if t]
    numbers = [j for j in filled if layout.is_number(texts[j].replace(" ", "").translate(DIGIT_LOOKALIKES))]
    if len(filled) >= 2 and len(numbers) >= NUMBER_ROW_SHARE * len(filled) \
            and not any(_is_words(texts[j]) for j in filled):
        return filled
    return []


def _is_words(text: str) -> bool:
    """Text with two or more CJK characters is a label, never a misread number."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 2

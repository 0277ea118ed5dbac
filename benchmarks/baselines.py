"""Fair baselines for text PDFs: a library's tables, rows found by their printed labels.

A user who reads these reports with pdfplumber or Camelot gets tables as lists
of rows of cell strings and still has to say which row is which field.  The
mapping here is what such a user would write, once, for every library: a row
is the template row whose label key (``pipeline.template``) its rightmost
label cell contains (fuzzily, for printed typos), and the cells to the right
of that label are the row's columns in order.  The review table's data row
has no label: a row of at least as many cells as the table has fields.

Both baselines go through :func:`map_by_labels`; only the table reader
differs (:func:`plumber_tables`, :func:`camelot_tables`).  The floors
(:func:`plumber_words`, :func:`pdfium_chars`) read text only.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from pipeline.lexicon import BARE_NUMBER
from pipeline.template import FORMAT_2019_MARKERS, Template, get, normalize

Rows = list[list[Optional[str]]]  # a table: rows of cells; None = covered by a spanning cell

LABEL_FUZZ_MIN = 80.0
"""rapidfuzz partial_ratio (0-100) above which a label cell that contains no key
still names a row (a typo such as 其他法律行政止公开)."""


def is_value(cell: Optional[str]) -> bool:
    """A cell that holds a number (spaces and thousands separators allowed)."""
    return bool(cell) and bool(BARE_NUMBER.match(re.sub(r"\s+", "", cell)))


def to_number(cell: Optional[str]) -> Optional[float]:
    """The number a cell holds, or None."""
    if not is_value(cell):
        return None
    return float(re.sub(r"[\s,，]", "", cell))


def detect_template(tables: Sequence[Rows]) -> Template:
    """2019 when any 2019-only header word is printed in the tables, else 2021."""
    text = normalize(" ".join(c for t in tables for r in t for c in r if c))
    return get("2019" if any(normalize(m) in text for m in FORMAT_2019_MARKERS) else "2021")


def _row_for_label(label: str, template: Template):
    """(table, row) whose key the label holds; the longest key wins, a fuzzy match last."""
    from rapidfuzz import fuzz
    norm = normalize(label)
    if not norm:
        return None
    hits = [(len(k), t, r) for t in template.tables for r in t.rows for k in r.keys if k in norm]
    if hits:
        _, t, r = max(hits, key=lambda h: h[0])
        return t, r
    best = max(((fuzz.partial_ratio(k, norm), t, r) for t in template.tables for r in t.rows for k in r.keys),
               key=lambda h: h[0])
    return (best[1], best[2]) if best[0] >= LABEL_FUZZ_MIN else None


def _row_values(cells: Sequence[Optional[str]], k: int) -> list[Optional[float]]:
    """The k values right of a label: the cells themselves when there are k of them
    (blanks kept in place), else the numbers among them (the last k)."""
    vals = [c for c in cells if c is not None]
    if len(vals) != k:
        vals = [c for c in vals if is_value(c)][-k:]
    return [to_number(c) for c in vals] + [None] * (k - len(vals))


def map_by_labels(tables: Sequence[Rows], template: Optional[Template] = None) -> dict:
    """Every field id of the template -> its value from ``tables``, or None.

    A table row with a number in it is matched to a template row by its
    rightmost label cell (a non-empty cell that is not a number); its values
    are the cells right of that label, positionally.  The first row matched to
    a template row wins.  A row without a label that has at least as many
    cells as the review table has fields is that table's data row.
    """
    template = template or detect_template(tables)
    fields: dict = dict.fromkeys(template.field_ids)
    done: set[str] = set()
    review = next((t for t in template.tables if t.id == "review"), None)
    n_review = sum(len(r.columns) for r in review.rows) if review else 0
    for table in tables:
        for row in table:
            if not any(is_value(c) for c in row):
                continue
            labels = [i for i, c in enumerate(row) if c and c.strip() and not is_value(c)]
            if not labels:
                vals = [c for c in row if c is not None]
                if review and "review" not in done and len(vals) >= n_review:
                    nums = [to_number(c) for c in vals[-n_review:]]
                    ids = [f"review.{r.id}.{c.id}" for r in review.rows for c in r.columns]
                    fields.update(zip(ids, nums))
                    done.add("review")
                continue
            for i in reversed(labels):
                hit = _row_for_label(row[i], template)
                if hit is None:
                    continue
                t, r = hit
                key = f"{t.id}.{r.id}"
                if key not in done:
                    done.add(key)
                    for col, v in zip(r.columns, _row_values(row[i + 1:], len(r.columns))):
                        fields[f"{key}.{col.id}"] = v
                break
    return fields


# --- the libraries, at their defaults -------------------------------------------------

def plumber_tables(path: str) -> list[Rows]:
    """pdfplumber ``extract_tables()`` of every page."""
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            out += page.extract_tables()
            page.close()
    return out


def camelot_tables(path: str) -> list[Rows]:
    """Camelot lattice (its default flavour) of every page."""
    import camelot
    return [t.df.values.tolist() for t in camelot.read_pdf(path, pages="all", flavor="lattice")]


def plumber_words(path: str) -> int:
    """pdfplumber ``extract_words()`` of every page (speed floor); the word count."""
    import pdfplumber
    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            n += len(page.extract_words())
            page.close()
    return n


def pdfium_chars(path: str) -> int:
    """Every character and its box from PDFium (the floor); the character count."""
    import pypdfium2 as pdfium
    n = 0
    doc = pdfium.PdfDocument(path)
    try:
        for page in doc:
            tp = page.get_textpage()
            count = tp.count_chars()
            tp.get_text_range()
            for i in range(count):
                tp.get_charbox(i)
            n += count
            tp.close()
            page.close()
    finally:
        doc.close()
    return n

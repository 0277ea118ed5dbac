"""Line labels: the rule labeler (the baseline) and the entry point that
applies whichever labeler is chosen.

Labels (see LABELS in datamodel): heading, table_header, table_row, narrative,
other (page furniture, web-page metadata, signature and date).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable, Optional, Sequence

from .datamodel import Document, Line
from .lexicon import (AGENCY_END, CHROME, DATE_LINE, MAX_CHROME_CHARS, MAX_HEADING_CHARS, METADATA,  # noqa: F401
                      NUMBER, PAGE_NUMBER, ROW_LABEL, SECTION_NUM, SUB_NUM, is_number, row_keys, section_of)
from .template import normalize

MAX_SUBHEADING_CHARS = 30
# Section 二 to 四 hold the tables.
TABLE_SECTIONS = ("active", "requests", "review")

def is_heading(text: str) -> bool:
    s = unicodedata.normalize("NFKC", text).strip()
    if section_of(s):
        return True
    if "年度报告" in s and len(s) <= MAX_HEADING_CHARS and not is_number(s[-1:]):
        return True
    body = re.sub(r"\s", "", s)
    if (SECTION_NUM.match(s) or SUB_NUM.match(s)) and len(body) <= MAX_SUBHEADING_CHARS \
            and not re.search(r"\d\s*$", body) and not body.endswith(("。", "；", ";")):
        return True
    return False


def rule_label(lines: Sequence[Line]) -> list[str]:
    """Label lines with hand rules; lines already labelled (furniture) keep theirs."""
    out: list[str] = []
    section: Optional[str] = None
    after_six = False
    last_text = max((i for i, ln in enumerate(lines) if ln.text.strip()), default=-1)
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        if ln.label:
            out.append(ln.label)
            continue
        sid = section_of(text)
        cells = ln.cell_texts
        numeric = sum(1 for c in cells if is_number(c))
        if sid:
            section = sid
            after_six = sid == "other"
            out.append("heading")
        elif len(text) <= MAX_CHROME_CHARS and (METADATA.match(text) or any(c in text for c in CHROME)) or (
                PAGE_NUMBER.match(text) and section not in TABLE_SECTIONS):
            out.append("other")
        elif DATE_LINE.match(text) and (after_six or i >= last_text - 2):
            out.append("other")
        elif after_six and i >= last_text - 3 and len(text) <= MAX_SUBHEADING_CHARS \
                and AGENCY_END.search(text):
            out.append("other")
        elif section in TABLE_SECTIONS and (ln.in_grid or ln.cells or numeric or len(text) <= 60):
            if numeric:
                out.append("table_row")
            elif _looks_like_row_label(text) or _has_row_key(text):
                out.append("table_row")
            elif section == "active" or ln.in_grid or ln.cells or len(text) <= 60:
                out.append("table_header")
            else:
                out.append("narrative")
        elif is_heading(text):
            out.append("heading")
        else:
            out.append("narrative")
    return out


# Table 四's row keys (行政复议 …) are also its header's words: they do not make a row.
_ROW_KEYS = row_keys(exclude_tables=("review",), first_only=True)  # as the shipped model was trained


def _has_row_key(text: str) -> bool:
    n = normalize(text)
    return len(n) <= 60 and any(k in n for k in _ROW_KEYS)


def _looks_like_row_label(text: str) -> bool:
    return bool(ROW_LABEL.match(unicodedata.normalize("NFKC", text)))


Labeler = Callable[[Sequence[Line]], list[str]]


def apply_labels(doc: Document, labeler: Optional[Labeler] = None) -> None:
    """Set ``Line.label`` on every line of ``doc`` (rule labeler when none given)."""
    lines = doc.lines
    labels = (labeler or rule_label)(lines)
    for ln, lab in zip(lines, labels):
        ln.label = lab

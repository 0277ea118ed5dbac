"""The narrative text a report's facts are read from (split out of ``pipeline.facts``).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional, Sequence

from .datamodel import Line

# The table sections (二 三 四) of a web dump whose body is one line: cut out of the narrative.
_TABLE_PART = re.compile(r"二\s*[、.．]\s*主动公开政府信息情况.*?(?=五\s*[、.．]\s*[^\d]{0,12}(?:存在的主要问题|问题))",
                         re.S)


def narrative_text(lines: Sequence[Line], sections: Optional[Sequence[dict]] = None) -> str:
    """The narrative passages of a report, NFKC-normalised, one passage a line.

    The sections' text where the report has numbered sections; else (web dumps whose
    body runs on one line) the narrative lines with their table sections cut out.
    """
    if sections and any(s["text"].strip() for s in sections):
        text = "\n".join(s["text"] for s in sections)
    else:
        text = "\n".join(ln.text for ln in lines if ln.label in ("narrative", "heading", None))
        text = _TABLE_PART.sub("\n", text)
    return unicodedata.normalize("NFKC", text)

"""The public record of one generated report."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Synthetic:
    """One generated report: gold fields, template name, gold lines (page, text, label), meta."""
    fields: dict
    template: str
    lines: list[dict]
    meta: dict
    blocks: list = field(default_factory=list, repr=False)  # logical content (text writers)
    pages: list = field(default_factory=list, repr=False)   # drawn page model (PDF writer)

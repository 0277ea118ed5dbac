"""Synthetic 政府信息公开工作年度报告: realistic reports with exact gold, for tests and training.

``generate(seed)`` builds one report, deterministically from the seed: a generated agency and
year, the narrative sections, the three tables of the chosen template (``pipeline.template``)
with numbers that pass every check of ``pipeline.checks`` (unless a deliberate inconsistency is
asked for), and a laid-out page model.  The gold lines are produced by the same layout that
``write_pdf`` draws, so there is exactly one gold line per drawn line (one per table row).

Writers: ``write_pdf`` (text PDF, embedded CJK fonts), ``write_scan`` (rasterised and degraded,
no text layer), ``write_text`` (text dumps shaped like the seeds: pipe, tabs, cell_per_line,
html) and ``write_gold``.  CLI: ``python -m training.generate --n 20 --out DIR``.

Modules: ``constants``, ``record`` (Synthetic), ``numbers``, ``narrative``, ``blocks`` (the
logical document), ``fonts``, ``layout`` (pages and gold lines), ``build`` (``generate``),
``writers`` (PDF, scan), ``text`` (text dumps, gold), ``cli``.

Fonts: the Debian Noto CJK fonts are CFF-flavoured OpenType; fpdf2 embeds those with an
embedded CMap that pdfminer/pdfplumber cannot decode.  They are therefore converted once to
TrueType outlines, subset to the characters this module can emit, and cached
(``$NIANBAO_CACHE`` or ``~/.cache/nianbao``).  WenQuanYi Zen Hei is TrueType and used as is.
"""
from __future__ import annotations

from pipeline.datamodel import LABELS
from .blocks import Block, Grid, GridCell
from .build import generate
from .cli import OUTPUT_NAMES, OUTPUTS, main, write_all
from .constants import APPLICANTS, INCONSISTENCIES, LAYOUTS, SCAN_DPI, TEXT_STYLES
from .fonts import _charset, available_fonts
from .layout import PageModel, Run, wrap
from .numbers import _printed_request_rows
from .record import Synthetic
from .text import gold_lines, text_lines, write_gold, write_text
from .writers import scan_params, write_pdf, write_scan

__all__ = ["Synthetic", "generate", "write_pdf", "write_scan", "write_text", "write_gold",
           "text_lines", "gold_lines", "scan_params", "write_all", "main",
           "LABELS", "LAYOUTS", "TEXT_STYLES", "INCONSISTENCIES"]

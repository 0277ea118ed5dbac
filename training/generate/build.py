"""``generate()``: one report from a seed."""
from __future__ import annotations

import random
from typing import Optional

from pipeline import template as T
from pipeline.checks import failed, run_checks
from .blocks import _blocks
from .constants import (BODY_FONTS, HEADING_FONTS, INCONSISTENCIES, LAYOUTS, PAGE_NUMBER_STYLES,
                        P_FORMAT_2019, P_SINGLE_OTHER_2021, P_WEB_META)
from .fonts import _pick_font
from .layout import _layout
from .narrative import _agency, _dates, _narrative, _we
from .numbers import _inject_inconsistency, _numbers
from .record import Synthetic


def _style(rng: random.Random, layout: Optional[str]) -> dict:
    """Visual choices: ruling, fonts, sizes, margins, numbering, page furniture."""
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")
    body = _pick_font(rng, BODY_FONTS)
    body_size = rng.choice((10.5, 11.0, 11.5, 12.0))
    table_size = rng.choice((7.5, 8.0, 8.5, 9.0))
    label_col0 = rng.choice((1.4, 2.4, 4.6))      # narrow: 三、本年度办理结果 stacks vertically
    label_col1 = rng.choice((2.4, 3.4, 5.4))
    label_col2 = rng.choice((13.0, 16.0, 20.0))
    value_col = rng.choice((2.6, 3.0, 3.6))
    return {
        "tables": layout or rng.choices(LAYOUTS, weights=(55, 15, 30))[0],
        "body_font": body,
        "heading_font": _pick_font(rng, HEADING_FONTS),
        "sub_font": rng.choice((body, _pick_font(rng, HEADING_FONTS))),
        "title_font": _pick_font(rng, HEADING_FONTS),
        "table_font": rng.choice((body, _pick_font(rng, BODY_FONTS))),
        "body_size": body_size, "table_size": table_size,
        "heading_size": body_size + rng.choice((0.0, 1.0, 2.0)),
        "title_size": rng.choice((15.0, 16.0, 18.0, 20.0)),
        "leading": rng.choice((1.5, 1.7, 1.9)),
        "margin_x": rng.choice((56.0, 64.0, 72.0, 85.0)),
        "margin_top": rng.choice((60.0, 72.0, 85.0)),
        "margin_bottom": rng.choice((60.0, 72.0, 85.0)),
        "heading_indent": rng.choice((0.0, 2.0)),
        "rule_width": rng.choice((0.5, 0.75, 1.0)),
        "row_pad": rng.choice((1.0, 1.4)),
        "active_width": rng.choice((0.8, 0.9, 1.0)),
        "requests_widths": [label_col0, label_col1, label_col2] + [value_col] * 7,
        "repeat_header": rng.random() < 0.5,
        "running_header": None,
        "page_numbers": rng.choice(PAGE_NUMBER_STYLES + (None,)),
        "web_meta": rng.random() < P_WEB_META,
        "title_split": rng.random() < 0.4,
        "preamble": rng.random() < 0.6,
        "numbering": rng.choices(("cn", "cn_space", "none"), weights=(80, 8, 12))[0],
        "number_first_only": rng.random() < 0.5,
        "sub_suffix": rng.choice(("", "情况", "方面", "工作")),
        "sub_inline": rng.random() < 0.3,
        "half_brackets": rng.random() < 0.2,
        "item_sep": rng.choice((".", ".", ". ", "、")),
        "caption_left": rng.random() < 0.5,
        "signature": rng.random() < 0.8,
        "cn_date": rng.random() < 0.1,
        "decimals": rng.choice((0, 1, 2, 2)),
    }


def generate(seed: int, *, fmt: Optional[str] = None, layout: Optional[str] = None,
             inconsistent: bool | str = False, agency: Optional[str] = None,
             year: Optional[int] = None) -> Synthetic:
    """A synthetic report, the same for the same arguments.

    ``fmt``: "2021" or "2019" (default: drawn, mostly 2021).  ``layout``: the table ruling,
    one of ``LAYOUTS`` (default: drawn); fonts, sizes, margins and the rest are drawn from the
    seed and recorded in ``meta["layout"]``.  ``inconsistent``: True (a random kind) or one of
    ``INCONSISTENCIES`` to break one rule on purpose, recorded in ``meta["inconsistency"]``.
    ``agency``, ``year``: this agency and year instead of drawn ones (the same agency's
    reports of several years, for corpus tests); the rest is drawn as without them.
    """
    rng = random.Random(f"nianbao-synthetic:{seed}")
    if fmt is None:
        fmt = "2019" if rng.random() < P_FORMAT_2019 else "2021"
    if fmt not in T.FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {T.FORMATS}")
    drawn_year = rng.choice((2019, 2020, 2020, 2021)) if fmt == "2019" else rng.choice((2021, 2022, 2023, 2023, 2024, 2024))
    drawn_agency = _agency(rng)  # drawn even when given: the seed's other draws stay the same
    year = drawn_year if year is None else year
    agency = drawn_agency if agency is None else agency
    style = _style(rng, layout)
    single_other = fmt == "2019" or rng.random() < P_SINGLE_OTHER_2021
    ctx = {"format": fmt, "year": year, "agency": agency, "we": _we(agency),
           "dates": _dates(rng, year), "single_other": single_other,
           "spaced_numbers": rng.random() < 0.25,
           "report_title": rng.choice(("政府信息公开工作年度报告", "度政府信息公开工作年度报告"))}
    fields = _numbers(rng, fmt, single_other, style["decimals"])
    bad = failed(run_checks(T.get(fmt), fields))
    if bad:  # the number generator's own contract; a failure here is a bug in this module
        raise AssertionError(f"seed {seed}: generated numbers break {bad[0].detail}")
    inconsistency = None
    if inconsistent:
        kind = inconsistent if isinstance(inconsistent, str) else rng.choice(INCONSISTENCIES)
        inconsistency = _inject_inconsistency(rng, fields, kind)
    text = _narrative(rng, ctx, fields)
    if rng.random() < 0.3:
        style["running_header"] = f"{agency}{year}年{ctx['report_title']}"
    blocks = _blocks(rng, ctx, fields, text, style)
    pages = _layout(blocks, style)
    lines = [ln for p in pages for ln in p.lines]
    title = f"{agency}{year}年{ctx['report_title']}"
    meta = {"seed": seed, "title": title, "agency": agency, "year": year, "format": fmt,
            "date": ctx["dates"]["iso"],
            "other_form": "single" if single_other else "split", "stated": text["stated"],
            "inconsistency": inconsistency, "pages": len(pages),
            "layout": {k: v for k, v in style.items() if k != "requests_widths"}}
    return Synthetic(fields=fields, template=fmt, lines=lines, meta=meta, blocks=blocks, pages=pages)

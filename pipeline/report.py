"""``nianbao report RUN_DIR``: the overview of a corpus that a supervising office would
publish — ``report.html`` (one self-contained file: styles inline, charts as inline
SVG drawn by matplotlib, nothing fetched) and ``report.xlsx`` (the same tables).

What it shows: coverage (agencies × years and each input's kind, files that could
not be read), the key figures of every report, trends of requests and outcomes
per agency, every comparison between consecutive years, every failed check and
every partial table.  It reads the run directory only (``pipeline.corpus``).
"""
from __future__ import annotations

import html
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from . import corpus as C
from .template import OTHER_SPLIT, get

REPORT_HTML, REPORT_XLSX = "report.html", "report.xlsx"
CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP", "DejaVu Sans")
MAX_TREND_AGENCIES = 12  # agencies drawn one by one (the most years first); the corpus chart covers all
MAX_LISTED_NULLS = 6     # null field ids named per partial table
KIND_MARK = {"template-2021": "2021", "template-2019": "2019", "pre-2019-report": "旧格式",
             "not-a-report": "非年报"}
# Key figures: column -> (header, the field ids summed).
REQUEST_GROUPS = {
    "公开": ("granted", "partial"),
    "不予公开": tuple(r.id for r in get("2021").table("requests").rows if r.id.startswith("denied_")),
    "无法提供": tuple(r.id for r in get("2021").table("requests").rows if r.id.startswith("unable_")),
    "不予处理": tuple(r.id for r in get("2021").table("requests").rows if r.id.startswith("rejected_")),
}
KEY_FIGURES = {
    "new": ("本年新收申请", ("requests.new.total",)),
    "carried_in": ("上年结转", ("requests.carried_in.total",)),
    "total": ("办理结果总计", ("requests.total.total",)),
    "carried_out": ("结转下年度", ("requests.carried_out.total",)),
    **{f"outcome_{k}": (k, tuple(f"requests.{r}.total" for r in rows)) for k, rows in REQUEST_GROUPS.items()},
    "reconsideration": ("行政复议", ("review.reconsideration.total",)),
    "litigation": ("行政诉讼", ("review.litigation_direct.total", "review.litigation_after.total")),
}
OUTCOME_KEYS = [k for k in KEY_FIGURES if k.startswith("outcome_")]


def _other_total(r: C.Report) -> Optional[float]:
    """（六）其他处理's total in whichever form the report prints it."""
    if r.fields.get("requests.other.total") is not None:
        return r.fields["requests.other.total"]
    parts = [r.fields.get(f"requests.{x}.total") for x in OTHER_SPLIT]
    return sum(parts) if parts and all(p is not None for p in parts) else None


def key_figures(r: C.Report) -> dict:
    """The report's headline numbers; a sum is null when any of its fields is null."""
    out = {}
    for key, (_, ids) in KEY_FIGURES.items():
        vals = [r.fields.get(f) for f in ids]
        out[key] = sum(vals) if vals and all(v is not None for v in vals) else None
    out["outcome_其他处理"] = _other_total(r)
    return out


@dataclass
class PartialTable:
    source: str
    agency: str
    year: Optional[int]
    table: str
    null: int
    of: int
    ambiguous: int
    fields: str


def partial_tables(r: C.Report) -> list[PartialTable]:
    """Template tables of a report with some, not all, of their cells null (the form of
    （六） the report does not print left out)."""
    if r.kind not in C.TEMPLATE_KINDS:
        return []
    split_printed = any(r.fields.get(f"requests.{x}.total") is not None for x in OTHER_SPLIT)
    skip = ("requests.other." if split_printed else "requests.other_") if r.template == "2021" else "\0"
    out = []
    for t in get(r.template).tables:
        ids = [f for f in get(r.template).field_ids if f.startswith(f"{t.id}.") and not f.startswith(skip)]
        null = [f for f in ids if r.fields.get(f) is None]
        if null and len(null) < len(ids):
            amb = [f for f in null if f in r.ambiguous]
            names = ", ".join(null[:MAX_LISTED_NULLS]) + (f", +{len(null) - MAX_LISTED_NULLS}" if len(null) > MAX_LISTED_NULLS else "")
            out.append(PartialTable(r.source, r.canonical or "", r.year, t.id, len(null), len(ids), len(amb), names))
    return out


# --- data ---------------------------------------------------------------------------------------

@dataclass
class Overview:
    run_dir: str
    corpus: C.Corpus
    errors: list[dict]        # inputs that could not be read
    failed: list[dict]        # every failed check, the cross-year ones included
    partial: list[PartialTable]


def overview(run_dir: str | Path, aliases: Optional[dict] = None) -> Overview:
    from .batch import latest_errors, read_jsonl, RESULTS
    out = Path(run_dir)
    corp = C.analyse(out, aliases)
    read = {r.sha256 for r in corp.reports}
    errors = [e for k, e in latest_errors(out).items() if k not in read]
    failed, seen = [], set()
    canon = corp.canonical
    years = {r.sha256: r.year for r in corp.reports}
    for obj in read_jsonl(out / RESULTS):
        sha = obj.get("sha256")
        if sha in seen:
            continue
        seen.add(sha)
        failed += [{"agency": canon.get(sha), "year": years.get(sha), "source": obj.get("source"),
                    "rule": c.get("rule"), "where": c.get("where"), "detail": c.get("detail")}
                   for c in obj.get("checks") or [] if not c.get("ok")]
    failed += [{"agency": c.agency, "year": c.year, "source": c.source, "rule": f"cross_year:{c.rule}",
                "where": c.where, "detail": f"{c.detail} (against {c.previous_source})"}
               for c in corp.comparisons if c.ok is False]
    partial = [p for r in corp.reports for p in partial_tables(r)]
    return Overview(str(out), corp, errors, failed, partial)


def report_rows(ov: Overview) -> list[dict]:
    """One row per input read: who, when, what kind, and its key figures."""
    same = {c.sha256: c.previous_source for c in ov.corpus.comparisons if c.rule == "same_report"}
    rows = []
    for r in sorted(ov.corpus.reports, key=lambda r: (r.canonical or "", r.year or 0, r.source)):
        rows.append({"agency": r.canonical, "printed_agency": r.agency, "year": r.year, "kind": r.kind,
                     "published": r.published, "source": r.source, "same_as": same.get(r.sha256),
                     "failed_checks": r.failed_checks, **key_figures(r)})
    return rows


def _chain_reports(ov: Overview) -> dict[str, dict[int, C.Report]]:
    """agency -> year -> the report standing for that year (the first of same-report copies)."""
    dup = {c.sha256 for c in ov.corpus.comparisons if c.rule == "same_report"}
    out: dict[str, dict[int, C.Report]] = defaultdict(dict)
    for r in sorted(ov.corpus.reports, key=lambda r: r.source):
        if r.kind in C.REPORT_KINDS and r.canonical and r.year and r.sha256 not in dup:
            out[r.canonical].setdefault(r.year, r)
    return out


# --- charts -----------------------------------------------------------------------------------

def _svg(fig) -> str:
    """A figure as inline SVG markup (glyphs as paths: no font needed to view it)."""
    import matplotlib.pyplot as plt
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    plt.rcParams["font.sans-serif"] = [f for f in CJK_FONTS if f in have] or ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "nianbao"  # stable ids: the same run gives the same file
    return plt


def corpus_chart(chains: dict[str, dict[int, C.Report]]) -> Optional[str]:
    """Requests received per year over the whole corpus, with the number of reports."""
    per_year: dict[int, list] = defaultdict(list)
    for years in chains.values():
        for y, r in years.items():
            per_year[y].append(key_figures(r)["new"])
    if not per_year:
        return None
    plt = _plt()
    ys = sorted(per_year)
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar(ys, [sum(v for v in per_year[y] if v is not None) for y in ys], color="#4878a8")
    for y in ys:
        total = sum(v for v in per_year[y] if v is not None)
        ax.annotate(f"{len(per_year[y])} 份", (y, total), textcoords="offset points", xytext=(0, 2),
                    ha="center", fontsize=8)
    ax.set_xticks(ys)
    ax.margins(y=0.15)
    ax.set_title("全部机关：本年新收政府信息公开申请（件），柱上为报告份数")
    ax.set_ylabel("件")
    return _svg(fig)


def agency_chart(agency: str, years: dict[int, C.Report]) -> str:
    """One agency's requests received and outcomes, year by year."""
    plt = _plt()
    ys = sorted(years)
    figs = {y: key_figures(years[y]) for y in ys}
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3))
    new = [figs[y]["new"] for y in ys]
    a1.plot([y for y, v in zip(ys, new) if v is not None], [v for v in new if v is not None],
            marker="o", color="#4878a8", label="本年新收")
    car = [figs[y]["carried_out"] for y in ys]
    a1.plot([y for y, v in zip(ys, car) if v is not None], [v for v in car if v is not None],
            marker="s", color="#d08030", label="结转下年度")
    a1.set_xticks(ys)
    a1.set_title("申请（件）")
    a1.legend(fontsize=8)
    bottom = [0.0] * len(ys)
    colours = ("#5a9e5a", "#c04040", "#8060a0", "#a0a0a0", "#d0b040")
    for key, colour in zip(OUTCOME_KEYS + ["outcome_其他处理"], colours):
        vals = [figs[y][key] or 0 for y in ys]
        a2.bar(ys, vals, bottom=bottom, color=colour, label=key.removeprefix("outcome_"))
        bottom = [b + v for b, v in zip(bottom, vals)]
    a2.set_xticks(ys)
    a2.set_title("办理结果（件）")
    a2.legend(fontsize=7, ncol=2)
    fig.suptitle(agency)
    return _svg(fig)


# --- html -------------------------------------------------------------------------------------

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left}
th{background:#eef2f6}td.num{text-align:right}.ok{color:#2a7a2a}.fail{color:#b02020;font-weight:bold}
.na{color:#888}.kind-pre-2019-report{background:#fff3cd}.kind-not-a-report{background:#f4d6d6}
.kpi{display:inline-block;margin:0 1.5em .5em 0}.kpi b{font-size:1.4em;display:block}
figure{margin:1em 0}
"""


def _e(x) -> str:
    return "" if x is None else html.escape(str(x))


def _num(x) -> str:
    if x is None:
        return '<td class="num na">—</td>'
    return f'<td class="num">{x:g}</td>' if isinstance(x, (int, float)) else f"<td>{_e(x)}</td>"


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _ok(ok) -> str:
    if ok is None:
        return '<td class="na">未比较</td>'
    return '<td class="ok">通过</td>' if ok else '<td class="fail">不一致</td>'


def render_html(ov: Overview) -> str:
    corp = ov.corpus
    kinds = Counter(r.kind for r in corp.reports)
    chains = _chain_reports(ov)
    all_years = sorted({y for ys in chains.values() for y in ys})
    comps = corp.comparisons
    n_fail = sum(1 for c in comps if c.ok is False)
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
             f"<title>政府信息公开工作年度报告 语料概览</title><style>{CSS}</style></head><body>",
             "<h1>政府信息公开工作年度报告 语料概览</h1>",
             f"<p>运行目录 <code>{_e(ov.run_dir)}</code>，生成于 "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC。</p>",
             '<div id="kpis">',
             *(f'<span class="kpi"><b>{v}</b>{_e(k)}</span>' for k, v in (
                 ("读取的文件", len(corp.reports)), ("机关", len(chains)), ("年度", len(all_years)),
                 ("未通过的校验", len(ov.failed)), ("跨年比较", len(comps)),
                 ("跨年不一致", n_fail), ("无法读取", len(ov.errors)))),
             "</div>"]
    # Coverage.
    parts.append('<h2 id="coverage">覆盖情况</h2>')
    parts.append(_table(["类型", "份数"], [[f"<td>{_e(k)}（{_e(KIND_MARK.get(k, k))}）</td>", _num(v)]
                                          for k, v in sorted(kinds.items())]))
    rows = []
    for agency in sorted(chains):
        cells = [f"<td>{_e(agency)}</td>"]
        for y in all_years:
            r = chains[agency].get(y)
            cells.append(f'<td class="kind-{_e(r.kind)}">{_e(KIND_MARK.get(r.kind, r.kind))}</td>' if r else
                         '<td class="na">缺</td>')
        rows.append(cells)
    parts.append("<p>机关 × 年度（每格为该年报告的格式；缺：本语料没有该年的报告）：</p>")
    parts.append(_table(["机关", *map(str, all_years)], rows, "coverage"))
    others = [r for r in corp.reports if r.kind not in C.REPORT_KINDS or not r.canonical or not r.year]
    if others:
        parts.append("<p>读取了但不是年报，或认不出机关/年度的文件：</p>")
        parts.append(_table(["文件", "类型", "机关", "年度", "说明"], [
            [f"<td>{_e(r.source)}</td>", f"<td>{_e(r.kind)}</td>", f"<td>{_e(r.agency)}</td>", _num(r.year),
             f"<td>{_e('; '.join(r.warnings[:2]))}</td>"] for r in others]))
    pre = [r for r in corp.reports if r.kind == "pre-2019-report"]
    if pre:
        parts.append("<p>旧格式（2019 年模板以前）的年报：没有模板表格，只保留正文所述数字：</p>")
        parts.append(_table(["文件", "机关", "年度"], [[f"<td>{_e(r.source)}</td>", f"<td>{_e(r.canonical)}</td>",
                                                   _num(r.year)] for r in pre]))
    if ov.errors:
        parts.append("<p>无法读取的文件：</p>")
        parts.append(_table(["文件", "类别", "原因"], [[f"<td>{_e(e.get('file'))}</td>", f"<td>{_e(e.get('kind'))}</td>",
                                                   f"<td>{_e(e.get('error'))}</td>"] for e in ov.errors]))
    # Key figures.
    parts.append('<h2 id="figures">各报告主要数据</h2>')
    heads = ["机关", "年度", "类型", "发布日期", *[KEY_FIGURES[k][0] for k in KEY_FIGURES], "其他处理",
             "未通过校验", "文件", "与之相同"]
    parts.append(_table(heads, [[f"<td>{_e(r['agency'] or r['printed_agency'])}</td>", _num(r["year"]),
                                 f"<td>{_e(KIND_MARK.get(r['kind'], r['kind']))}</td>", f"<td>{_e(r['published'])}</td>",
                                 *[_num(r[k]) for k in KEY_FIGURES], _num(r["outcome_其他处理"]),
                                 _num(r["failed_checks"]), f"<td>{_e(r['source'])}</td>",
                                 f"<td>{_e(r['same_as'])}</td>"]
                                for r in report_rows(ov)], "figures"))
    # Trends.
    parts.append('<h2 id="trends">趋势</h2>')
    svg = corpus_chart(chains)
    if svg:
        parts.append(f"<figure>{svg}</figure>")
    multi = sorted((a for a in chains if len(chains[a]) >= 2), key=lambda a: (-len(chains[a]), a))
    for agency in multi[:MAX_TREND_AGENCIES]:
        parts.append(f"<figure>{agency_chart(agency, chains[agency])}</figure>")
    if len(multi) > MAX_TREND_AGENCIES:
        parts.append(f"<p>另有 {len(multi) - MAX_TREND_AGENCIES} 个机关有多年报告，见 report.xlsx。</p>")
    # Cross-year comparisons.
    parts.append('<h2 id="cross-year">跨年比较</h2>')
    by_rule = Counter((c.rule, c.ok) for c in comps)
    parts.append("<p>" + "；".join(f"{_e(rule)}: {n} {'通过' if ok else ('不一致' if ok is False else '未比较')}"
                                   for (rule, ok), n in sorted(by_rule.items(), key=str)) + "</p>")
    parts.append(_table(["机关", "年度", "上一年", "规则", "位置", "结果", "说明", "文件", "上一年文件"], [
        [f"<td>{_e(c.agency)}</td>", _num(c.year), _num(c.previous_year), f"<td>{_e(c.rule)}</td>",
         f"<td>{_e(c.where)}</td>", _ok(c.ok), f"<td>{_e(c.detail)}</td>", f"<td>{_e(c.source)}</td>",
         f"<td>{_e(c.previous_source)}</td>"] for c in comps], "cross-year"))
    # Failed checks and partial tables.
    parts.append('<h2 id="failed">未通过的校验</h2>')
    parts.append(_table(["机关", "年度", "文件", "规则", "位置", "说明"], [
        [f"<td>{_e(f['agency'])}</td>", _num(f["year"]), f"<td>{_e(f['source'])}</td>", f"<td>{_e(f['rule'])}</td>",
         f"<td>{_e(f['where'])}</td>", f"<td>{_e(f['detail'])}</td>"] for f in ov.failed], "failed"))
    parts.append('<h2 id="partial">不完整的表格</h2>')
    parts.append("<p>模板表格中有部分单元格为空（未印出、缺页，或多种读法而未取值）：</p>")
    parts.append(_table(["机关", "年度", "表", "空单元格", "其中多种读法", "字段", "文件"], [
        [f"<td>{_e(p.agency)}</td>", _num(p.year), f"<td>{_e(p.table)}</td>",
         f'<td class="num">{p.null}/{p.of}</td>', _num(p.ambiguous), f"<td>{_e(p.fields)}</td>",
         f"<td>{_e(p.source)}</td>"] for p in ov.partial], "partial"))
    parts.append("</body></html>")
    return "\n".join(parts)


# --- xlsx -------------------------------------------------------------------------------------

def _clean_frame(df):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = df[col].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    return df


def write_xlsx(ov: Overview, path: Path) -> None:
    import pandas as pd
    rows = report_rows(ov)
    labels = {k: v[0] for k, v in KEY_FIGURES.items()} | {"outcome_其他处理": "其他处理"}
    figures = pd.DataFrame(rows).rename(columns={"agency": "机关", "printed_agency": "印出的机关名", "year": "年度",
                                                 "kind": "类型", "published": "发布日期", "source": "文件",
                                                 "failed_checks": "未通过校验数", "same_as": "与之相同的文件",
                                                 **labels})
    chains = _chain_reports(ov)
    years = sorted({y for ys in chains.values() for y in ys})
    pivot = pd.DataFrame([{"机关": a, **{y: key_figures(ys[y])["new"] if y in ys else None for y in years}}
                          for a, ys in sorted(chains.items())], columns=["机关", *years])
    coverage = pd.DataFrame([{"机关": a, **{str(y): KIND_MARK.get(r.kind, r.kind) for y, r in ys.items()}}
                             for a, ys in sorted(chains.items())])
    sheets = {
        "机关×年度_新收申请": pivot, "各报告主要数据": figures, "覆盖": coverage,
        "跨年比较": pd.DataFrame(C.cross_year_rows(ov.corpus), columns=list(C.CROSS_COLUMNS)),
        "未通过校验": pd.DataFrame(ov.failed, columns=["agency", "year", "source", "rule", "where", "detail"]),
        "不完整表格": pd.DataFrame([p.__dict__ for p in ov.partial],
                              columns=list(PartialTable.__dataclass_fields__)),
        "无法读取": pd.DataFrame(ov.errors, columns=["file", "sha256", "kind", "error"]),
    }
    tmp = path.with_name(path.name + ".tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in sheets.items():
            _clean_frame(df.copy()).to_excel(xw, sheet_name=name, index=False)
    tmp.replace(path)


def write_report(run_dir: str | Path, aliases: Optional[dict] = None) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.xlsx`` into the run directory; their paths."""
    out = Path(run_dir)
    if not (out / "results.jsonl").exists() and not (out / "errors.jsonl").exists():
        raise ValueError(f"{out}: not a run directory (no results.jsonl; run `nianbao batch` first)")
    ov = overview(out, aliases)
    page = render_html(ov)
    tmp = out / (REPORT_HTML + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out / REPORT_HTML)
    write_xlsx(ov, out / REPORT_XLSX)
    return out / REPORT_HTML, out / REPORT_XLSX

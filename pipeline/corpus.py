"""A corpus of reports: who published what and when, and whether each report agrees
with the same agency's other years.

Over a whole run directory (every run that resumed into it), ``analyse``:

* gives each report its canonical agency (``pipeline.agency``; the run directory's
  ``aliases.csv`` first);
* finds the same report read twice under two names by its fields, not only by
  its hash (a PDF and its scan; the same page saved twice), and an agency with
  two different reports for one year;
* compares each agency's consecutive years, report by report: this year's
  上年结转 is last year's 结转下年度继续办理, column by column (``carried_over``);
  in the 2019 format, this year's 上一年项目数量 is last year's 上一年项目数量 plus its
  本年增/减 (``items_year_on_year``).

Every comparison made is a ``CrossCheck`` (``cross_year.csv``); one that cannot be
made because a value is missing (not printed, ambiguous) is listed with ``ok``
empty and says why.  Failures also go to ``checks.csv``.  The comparison is
arithmetic on printed values; a value the rules filled in (``inferred``) is named
in the detail, since agreeing with it is no evidence.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .agency import canonical_names, read_aliases
from .template import REQUEST_COLS, get
from .unionfind import UnionFind

ALIASES_CSV = "aliases.csv"
CROSS_YEAR_CSV = "cross_year.csv"
TEMPLATE_KINDS = ("template-2021", "template-2019")
REPORT_KINDS = TEMPLATE_KINDS + ("pre-2019-report",)
# 2019-format rows whose 上一年项目数量 follows last year's (rows with prev_items and change).
ITEM_ROWS = tuple(r.id for r in get("2019").table("active").rows
                  if {c.id for c in r.columns} >= {"prev_items", "change"})
# Two reports with every printed field equal are one report when they print at least this
# many non-zero values (an all-zero table is shared by many small agencies); reports of one
# agency and year are one report when their printed fields are equal, however few.
MIN_SAME_NONZERO = 5
CROSS_COLUMNS = ("agency", "year", "previous_year", "rule", "where", "ok", "detail",
                 "source", "previous_source", "sha256", "previous_sha256")


@dataclass
class Report:
    """What the corpus needs of one read input (a results.jsonl object)."""
    source: str
    sha256: str
    kind: Optional[str]
    agency: Optional[str]
    year: Optional[int]
    published: Optional[str]
    template: Optional[str]
    fields: dict = field(default_factory=dict)
    inferred: frozenset = frozenset()
    ambiguous: dict = field(default_factory=dict)
    failed_checks: int = 0
    warnings: list = field(default_factory=list)
    canonical: Optional[str] = None

    @classmethod
    def of(cls, obj: dict) -> "Report":
        meta = obj.get("meta") or {}
        kind = meta.get("kind") or (f"template-{obj['template']}" if obj.get("template") else "not-a-report")
        return cls(obj.get("source") or "", obj.get("sha256") or "", kind, meta.get("agency"),
                   meta.get("year"), meta.get("published"), obj.get("template"),
                   dict(obj.get("fields") or {}), frozenset(obj.get("inferred") or ()),
                   dict(obj.get("ambiguous") or {}),
                   sum(1 for c in obj.get("checks") or [] if not c.get("ok")),
                   list(obj.get("warnings") or []))

    @property
    def printed(self) -> dict:
        """The fields with a value (null: not printed, or not read)."""
        return {f: v for f, v in self.fields.items() if v is not None}


@dataclass
class CrossCheck:
    """One comparison between two reports; ``ok`` None: it could not be made (``detail`` says why)."""
    agency: str
    year: int
    previous_year: Optional[int]
    rule: str
    where: str
    ok: Optional[bool]
    detail: str
    source: str
    previous_source: str
    sha256: str
    previous_sha256: str


@dataclass
class Corpus:
    reports: list[Report]
    comparisons: list[CrossCheck]

    @property
    def canonical(self) -> dict[str, Optional[str]]:
        """sha256 -> canonical agency."""
        return {r.sha256: r.canonical for r in self.reports}

    def failed_checks(self) -> list[dict]:
        """Failed comparisons as checks.csv rows (source, sha256, rule, where, detail)."""
        return [{"source": c.source, "sha256": c.sha256, "rule": f"cross_year:{c.rule}",
                 "where": c.where, "detail": f"{c.detail} (against {c.previous_source})"}
                for c in self.comparisons if c.ok is False]


# --- reading a run directory ----------------------------------------------------------------

def read_objects(out: Path) -> Iterable[dict]:
    """Every input read into a run directory, once per content: results.jsonl objects, then
    the not-a-report inputs (kept with their error record)."""
    from .batch import ERRORS, RESULTS, latest_errors, read_jsonl
    seen = set()
    for obj in read_jsonl(out / RESULTS):
        if obj.get("sha256") not in seen:
            seen.add(obj.get("sha256"))
            yield obj
    for key, err in latest_errors(out).items():
        if key not in seen and isinstance(err.get("result"), dict):
            yield {**err["result"], "source": err.get("file"), "sha256": err.get("sha256")}


def install_aliases(out: str | Path, path: str | Path) -> Path:
    """Copy a user alias table into the run directory, where every later export reads it."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if not read_aliases(path):
        raise ValueError(f"{path}: no alias rows (a CSV with columns alias,canonical)")
    return Path(shutil.copyfile(path, out / ALIASES_CSV))


# --- comparisons ------------------------------------------------------------------------------

def _value_note(r: Report, fid: str) -> str:
    if fid in r.ambiguous:
        return f"{r.year} {fid} not read: several readings fit ({', '.join(map(str, r.ambiguous[fid][:6]))})"
    return f"{r.year} {fid} not printed or not read"


def _tag(r: Report, fid: str) -> str:
    return " (inferred from the rules)" if fid in r.inferred else ""


def _check(prev: Report, cur: Report, rule: str, where: str, ok: Optional[bool], detail: str) -> CrossCheck:
    return CrossCheck(cur.canonical or "", cur.year, prev.year, rule, where, ok, detail,
                      cur.source, prev.source, cur.sha256, prev.sha256)


def carried_over(prev: Report, cur: Report) -> list[CrossCheck]:
    """Per requests column: last year's 结转下年度继续办理 = this year's 上年结转."""
    out = []
    for col in REQUEST_COLS:
        a_id, b_id = f"requests.carried_out.{col.id}", f"requests.carried_in.{col.id}"
        a, b = prev.fields.get(a_id), cur.fields.get(b_id)
        if a is None or b is None:
            why = "; ".join(_value_note(r, f) for r, f, v in ((prev, a_id, a), (cur, b_id, b)) if v is None)
            out.append(_check(prev, cur, "carried_over", b_id, None, f"not compared: {why}"))
            continue
        detail = (f"{prev.year} 结转下年度继续办理 {col.label} {a:g}{_tag(prev, a_id)}"
                  f" {'=' if a == b else '≠'} {cur.year} 上年结转 {b:g}{_tag(cur, b_id)}")
        out.append(_check(prev, cur, "carried_over", b_id, a == b, detail))
    return out


def items_year_on_year(prev: Report, cur: Report) -> list[CrossCheck]:
    """2019 format, per item row: this year's 上一年项目数量 = last year's 上一年项目数量 + 本年增/减."""
    out = []
    for row in ITEM_ROWS:
        p_id, c_id = f"active.{row}.prev_items", f"active.{row}.change"
        p0, c0, p1 = prev.fields.get(p_id), prev.fields.get(c_id), cur.fields.get(p_id)
        label = get("2019").table("active").row(row).label
        missing = [(r, f) for r, f, v in ((prev, p_id, p0), (prev, c_id, c0), (cur, p_id, p1)) if v is None]
        if missing:
            why = "; ".join(_value_note(r, f) for r, f in missing)
            out.append(_check(prev, cur, "items_year_on_year", p_id, None, f"not compared: {why}"))
            continue
        ok = p1 == p0 + c0
        detail = (f"{label}: {cur.year} 上一年项目数量 {p1:g}{_tag(cur, p_id)} {'=' if ok else '≠'} "
                  f"{prev.year} 上一年项目数量 {p0:g}{_tag(prev, p_id)} + 本年增/减 {c0:+g}{_tag(prev, c_id)}")
        out.append(_check(prev, cur, "items_year_on_year", p_id, ok, detail))
    return out


def compare_years(prev: Report, cur: Report) -> list[CrossCheck]:
    """Every rule that ties one year's report to the next year's."""
    if prev.kind not in TEMPLATE_KINDS or cur.kind not in TEMPLATE_KINDS:
        return []  # the old format prints neither row
    out = carried_over(prev, cur)
    if prev.template == cur.template == "2019":
        out += items_year_on_year(prev, cur)
    return out


def same_report_groups(reports: list[Report]) -> list[list[Report]]:
    """Reports that are one report by their fields: every printed field equal, with either
    the same agency and year or at least MIN_SAME_NONZERO non-zero values in common."""
    sets = UnionFind(len(reports))
    keyed: dict[tuple, int] = {}
    for i, r in enumerate(reports):
        if ("sha256", r.sha256) in keyed:  # one file listed twice
            sets.union(i, keyed["sha256", r.sha256])
        keyed["sha256", r.sha256] = i
        if r.kind not in TEMPLATE_KINDS or not r.printed:
            continue
        printed = tuple(sorted(r.printed.items()))
        keys = [("agency-year", r.canonical, r.year, r.template, printed)] if r.canonical and r.year else []
        if sum(1 for v in r.printed.values() if v) >= MIN_SAME_NONZERO:
            keys.append(("fields", r.year, r.template, printed))
        for k in keys:
            if k in keyed:
                sets.union(i, keyed[k])
            else:
                keyed[k] = i
    return [sorted((reports[i] for i in g), key=lambda r: r.source) for g in sets.groups().values()]


def _differences(a: Report, b: Report) -> list[str]:
    ids = sorted(set(a.printed) | set(b.printed))
    return [f"{f} {a.fields.get(f)} vs {b.fields.get(f)}" for f in ids if a.fields.get(f) != b.fields.get(f)]


def cross_checks(reports: list[Report]) -> list[CrossCheck]:
    """Same-report findings, one report per agency and year, and every consecutive-year comparison."""
    out: list[CrossCheck] = []
    rep: dict[str, Report] = {}  # sha -> the report standing for its same-report group
    for group in same_report_groups(reports):
        first = group[0]
        for r in group:
            rep[r.sha256] = first
        for r in group[1:]:
            n = len(r.printed)
            out.append(CrossCheck(r.canonical or "", r.year, first.year, "same_report", "fields", False,
                                  f"the same report as {first.source}: all {n} printed fields agree "
                                  f"(different files; counted once in the comparisons)",
                                  r.source, first.source, r.sha256, first.sha256))
    by_agency: dict[str, dict[int, list[Report]]] = defaultdict(lambda: defaultdict(list))
    for r in reports:
        if r.kind in REPORT_KINDS and r.canonical and r.year and rep.get(r.sha256, r) is r:
            by_agency[r.canonical][r.year].append(r)
    for agency, years in sorted(by_agency.items()):
        for year, versions in sorted(years.items()):
            for other in versions[1:]:
                diff = _differences(versions[0], other)
                out.append(CrossCheck(agency, year, year, "one_report_per_year", "fields", False,
                                      f"two different reports of {agency} for {year}: {len(diff)} fields differ"
                                      + (f" (first: {diff[0]})" if diff else ""),
                                      other.source, versions[0].source, other.sha256, versions[0].sha256))
            for prev in years.get(year - 1, []):
                for cur in versions:
                    out += compare_years(prev, cur)
    return out


def analyse_reports(reports: list[Report], aliases: Optional[dict] = None) -> Corpus:
    """Canonical agencies, then every cross-report comparison (pure)."""
    canon = canonical_names((r.agency for r in reports), aliases)
    for r in reports:
        r.canonical = canon.get(r.agency) if r.agency else None
    return Corpus(reports, cross_checks(reports))


def analyse(out: str | Path, aliases: Optional[dict] = None) -> Corpus:
    """The corpus of a run directory; aliases from its ``aliases.csv`` unless given."""
    out = Path(out)
    if aliases is None:
        aliases = read_aliases(out / ALIASES_CSV)
    return analyse_reports([Report.of(o) for o in read_objects(out)], aliases)


def cross_year_rows(corpus: Corpus) -> list[dict]:
    return [asdict(c) for c in corpus.comparisons]

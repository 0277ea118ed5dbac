"""The exports, rebuilt from the journal at the end of every run: fields.* (CSV, Parquet, Excel
with the chosen values shaded), cells.*, facts.parquet, checks.csv, errors.csv, cross_year.csv;
each written under a temporary name, then renamed."""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Optional

from .. import coverage
from ..output import CELL_COLUMNS, EVIDENCE_COLUMNS, MIN_CONFIDENCE, cell_rows, csv_row
from ..template import FORMATS, all_field_ids, get
from .journal import RESULTS, latest_errors, read_jsonl

MAX_LISTED_CHECKS = 5  # failed checks named in fields.csv's short list
EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows less the header; a bigger run gets no fields.xlsx
FIELDS_CSV, FIELDS_PARQUET, FIELDS_XLSX = "fields.csv", "fields.parquet", "fields.xlsx"
CELLS_CSV, CELLS_PARQUET = "cells.csv", "cells.parquet"
FACTS_PARQUET = "facts.parquet"  # a row per narrative fact (pipeline.facts.fact_rows)
# fields.csv opens in Chinese-locale Excel only with a byte-order mark.
CSV_ENCODING = "utf-8-sig"
CHECKS_CSV, ERRORS_CSV, DUPLICATES_CSV, SUMMARY = "checks.csv", "errors.csv", "duplicates.csv", "summary.json"

# fields.* columns before the field ids, with their spreadsheet headers.
META_COLUMNS = {"source": "文件", "agency": "机关", "year": "年度", "template": "模板",
                "failed_checks": "未通过校验数", "failed_list": "未通过校验", "published": "发布日期",
                "sha256": "SHA-256", "status": "状态", "recovery": "损坏修复", "corrected": "人工更正字段", "kind": "类型",
                "agency_canonical": "机关（规范名）",
                "cells_printed": "印有数值", "cells_blank": "空白单元格", "cells_absent": "未印",
                "cells_inferred": "规则推得", "cells_placed": "规则定列", "cells_reread": "重新识别",
                "cells_decoded": "规则拆分", "cells_ambiguous": "多解留空", "cells_doubtful": "存疑读数",
                "cells_corrected": "人工更正",
                MIN_CONFIDENCE: "最低识别置信度"}
# Statuses shaded in fields.xlsx (values the rules or a person chose), with their legend.
STATUS_FILLS = {"inferred": ("FFF2CC", "由勾稽关系推得（该格未印出或未读出）"),
                "placed": ("FCE4D6", "印出的数，所在列由勾稽关系确定（该行印少了格），或所在行由表的行序确定（行名无法识别）"),
                "reread": ("DDEBF7", "OCR 复读后改变的读数（使校验通过）"),
                "decoded": ("E2EFDA", "由连写数字按规则拆分"),
                "ambiguous": ("F8CBAD", "留空：多种读法都符合规则"),
                "doubtful": ("F4B084", "印章下或传真件上的读数：几次读法不一或勾稽关系不平，且无规则可确认，请核对"),
                "corrected": ("D9D2E9", "人工更正")}
# ``published_inconsistency``: a person confirmed the report prints it so (``nianbao review``).
CHECK_COLUMNS = ("source", "sha256", "rule", "where", "detail", "published_inconsistency")
ERROR_COLUMNS = ("file", "sha256", "kind", "error")
DUPLICATE_COLUMNS = ("file", "sha256", "same_as")


def failed_list(checks: list[dict]) -> str:
    """The first failed checks as ``rule@where``, and how many more."""
    bad = [f"{c['rule']}@{c['where']}" for c in checks if not c.get("ok")]
    more = f"; +{len(bad) - MAX_LISTED_CHECKS} more" if len(bad) > MAX_LISTED_CHECKS else ""
    return "; ".join(bad[:MAX_LISTED_CHECKS]) + more


def fields_row(obj: dict) -> dict:
    """One report's row of fields.*: the meta columns, then every field id (via ``csv_row``)."""
    row = csv_row(obj)
    row["failed_list"] = failed_list(obj.get("checks") or [])
    row["status"] = coverage.outcome(obj)  # partial: a template table partly or not read
    row["recovery"] = (obj.get("recovery") or {}).get("status")  # repaired / partial: a damaged file
    row["corrected"] = "; ".join((obj.get("review") or {}).get("corrected", []))
    return {**{k: row.get(k) for k in META_COLUMNS}, **{f: row[f] for f in all_field_ids()}}


def status_row(obj: dict) -> dict:
    """field id -> status of one report's cells (fields.xlsx shades by it)."""
    return {f: c.get("status") for f, c in (obj.get("cells") or {}).items()}


def field_label(field_id: str) -> str:
    """A field's Chinese header: the 2021 template's label, or the 2019 one for 2019-only fields."""
    for name in FORMATS:
        try:
            return get(name).label(field_id)
        except KeyError:
            continue
    return field_id


def is_decimal(field_id: str) -> bool:
    """Money fields hold decimals; every other field is a count."""
    for name in FORMATS:
        with contextlib.suppress(KeyError):
            if get(name).column(field_id).decimal:
                return True
    return False


def fields_frame(rows: list[dict]):
    """fields.* as a DataFrame with stable types: counts Int64, money Float64, meta strings."""
    import pandas as pd
    df = pd.DataFrame(rows, columns=list(META_COLUMNS) + all_field_ids())
    for col in df.columns:
        if col == MIN_CONFIDENCE:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
        elif col in ("year", "failed_checks") or col in EVIDENCE_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif col in META_COLUMNS:
            df[col] = df[col].astype("string")
        else:
            kind = "Float64" if is_decimal(col) else "Int64"
            try:
                df[col] = df[col].astype(kind)
            except (TypeError, ValueError):  # a count that is not an integer (a failed check says so)
                df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
    return df


def cells_frame(rows: list[dict]):
    """cells.* (long form) with stable types: value and coordinates Float64, page Int64."""
    import pandas as pd
    df = pd.DataFrame(rows, columns=list(CELL_COLUMNS))
    for col in df.columns:
        if col in ("page", "start", "end"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif col in ("value", "x0", "top", "x1", "bottom", "confidence", "previous_value"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
        else:
            df[col] = df[col].astype("string")
    return df


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary name, then rename: a kill never leaves a half-written export."""
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_csv(path: Path, rows: list[dict], columns: Iterable[str]) -> None:
    import pandas as pd
    _atomic(path, lambda p: pd.DataFrame(rows, columns=list(columns)).to_csv(p, index=False))


def _write_frame(df, csv_path: Path, parquet_path: Path) -> None:
    """A frame as CSV (with the byte-order mark Chinese-locale Excel needs) and as Parquet."""
    _atomic(csv_path, lambda p: df.to_csv(p, index=False, encoding=CSV_ENCODING))
    _atomic(parquet_path, lambda p: df.to_parquet(p, index=False))


def _write_xlsx(path: Path, df, statuses: Optional[list[dict]] = None) -> None:
    """Chinese labels as headers; a second sheet maps each label to its field id; a third
    is the legend of the shading.  Values the rules or a person chose (``STATUS_FILLS``,
    from ``statuses``: one field -> status map per row) are shaded; the header is frozen
    and filters are on.

    Control characters (which Excel files cannot hold) are dropped from text cells.
    """
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import PatternFill
    if len(df) > EXCEL_MAX_ROWS:
        print(f"nianbao: {len(df)} reports do not fit one Excel sheet; no {path.name}", file=sys.stderr)
        path.unlink(missing_ok=True)
        return
    labels = {c: META_COLUMNS.get(c) or field_label(c) for c in df.columns}
    df = df.copy()
    for col in df.select_dtypes("string").columns:
        df[col] = df[col].str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True)
    fills = {s: PatternFill("solid", start_color=rgb, end_color=rgb) for s, (rgb, _) in STATUS_FILLS.items()}
    col_of = {c: i + 1 for i, c in enumerate(df.columns)}

    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as xw:
            df.rename(columns=labels).to_excel(xw, sheet_name="报告", index=False)
            pd.DataFrame({"表头": list(labels.values()), "field_id": list(labels)}).to_excel(
                xw, sheet_name="字段", index=False)
            legend = [("印出（无底色）", "文件中印出的数；空白格与未印的格也无底色")] + \
                [(s, text) for s, (_, text) in STATUS_FILLS.items()]
            pd.DataFrame(legend, columns=["状态", "说明"]).to_excel(xw, sheet_name="图例", index=False)
            ws = xw.sheets["报告"]
            ws.freeze_panes = "B2"
            ws.auto_filter.ref = ws.dimensions
            for r, row in enumerate(statuses or [], start=2):
                for fid, status in row.items():
                    if status in fills and fid in col_of:
                        ws.cell(row=r, column=col_of[fid]).fill = fills[status]
            key = xw.sheets["图例"]
            for r, (status, _) in enumerate(legend[1:], start=3):
                key.cell(row=r, column=1).fill = fills[status]
    _atomic(path, write)


def export(out: Path) -> dict[str, int]:
    """Rebuild every export from the journal; counts of reports, failed checks and errors.

    The corpus comparisons (``pipeline.corpus``) run over the whole directory: canonical
    agencies in fields.*, every comparison in cross_year.csv, failures in checks.csv.
    """
    from .. import corpus
    corp = corpus.analyse(out)
    canonical = corp.canonical
    from ..facts import fact_rows, facts_frame
    seen, per_report = set(), []
    for obj in read_jsonl(out / RESULTS):
        if obj.get("sha256") in seen:
            continue
        seen.add(obj.get("sha256"))
        row = {**fields_row(obj), "agency_canonical": canonical.get(obj.get("sha256"))}
        per_report.append((str(obj.get("source")), row, status_row(obj), cell_rows(obj), fact_rows(obj),
                           [{"source": obj.get("source"), "sha256": obj.get("sha256"), **c,
                             "published_inconsistency": bool(c.get("published"))}
                            for c in obj.get("checks") or [] if not c.get("ok")]))
    # The journal is in the order the workers finished; the exports are in the order of the
    # reports' paths, so two runs over the same files write the same files.
    per_report.sort(key=lambda r: r[0])
    rows = [r[1] for r in per_report]
    statuses = [r[2] for r in per_report]
    cells = [c for r in per_report for c in r[3]]
    facts = [f for r in per_report for f in r[4]]
    checks = [c for r in per_report for c in r[5]]
    del per_report
    errors = [e for k, e in latest_errors(out).items() if k not in seen]
    rows += [{**fields_row({**e["result"], "source": e["file"], "sha256": e["sha256"]}),
              "agency_canonical": canonical.get(e["sha256"])}
             for e in errors if isinstance(e.get("result"), dict)]  # read, not a report
    checks += corp.failed_checks()
    _write_csv(out / corpus.CROSS_YEAR_CSV, corpus.cross_year_rows(corp), corpus.CROSS_COLUMNS)
    df = fields_frame(rows)
    _write_frame(df, out / FIELDS_CSV, out / FIELDS_PARQUET)
    _write_xlsx(out / FIELDS_XLSX, df, statuses)
    _write_frame(cells_frame(cells), out / CELLS_CSV, out / CELLS_PARQUET)
    _atomic(out / FACTS_PARQUET, lambda p: facts_frame(facts).to_parquet(p, index=False))
    _write_csv(out / CHECKS_CSV, checks, CHECK_COLUMNS)
    _write_csv(out / ERRORS_CSV, errors, ERROR_COLUMNS)
    return {"reports_total": len(rows), "partial_total": sum(r["status"] == "partial" for r in rows),
            "failed_checks_total": len(checks), "errors_total": len(errors)}




"""The facts as export rows (``facts.parquet``) and back (split out of ``pipeline.facts``).
"""
from __future__ import annotations

from .factcells import Fact

FACT_COLUMNS = ("source", "sha256", "agency", "year", "name", "value", "unit", "quantity", "text",
                "fields", "table", "check_ok")


def fact_rows(obj: dict) -> list[dict]:
    """An extract object's facts as rows of ``facts.parquet`` (its stated_* check beside each)."""
    meta = obj.get("meta") or {}
    checks = [c for c in obj.get("checks") or [] if c.get("rule", "").startswith("stated_")]
    rows = []
    for f in obj.get("facts") or []:
        where = " + ".join(f.get("fields") or [])
        c = next((c for c in checks if c["rule"] == f"stated_{f['name']}" and c["where"] == where
                  and f["text"].strip() in c["detail"]), None)
        a, b = f["span"]
        rows.append({"source": obj.get("source"), "sha256": obj.get("sha256"), "agency": meta.get("agency"),
                     "year": meta.get("year"), "name": f["name"], "value": f["value"], "unit": f["unit"],
                     "quantity": f["text"][a:b], "text": f["text"], "fields": where or None,
                     "table": c["detail"].rsplit("; table: ", 1)[-1] if c else None,
                     "check_ok": c["ok"] if c else None})
    return rows


def facts_frame(rows: list[dict]):
    """facts.parquet as a DataFrame with stable types."""
    import pandas as pd
    df = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("Float64")
    df["check_ok"] = df["check_ok"].astype("boolean")
    for col in ("source", "sha256", "agency", "name", "unit", "quantity", "text", "fields", "table"):
        df[col] = df[col].astype("string")
    return df


def fact_from_dict(d: dict) -> Fact:
    """A Fact from its JSON form (``as_dict``)."""
    a, b = d["span"]
    return Fact(d["name"], d["value"], d["unit"], d["text"], (a, b), list(d.get("fields") or []),
                approx=any(c in d["text"][a:b] for c in "余多"))

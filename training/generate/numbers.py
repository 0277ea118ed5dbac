"""The numbers of a report: counts drawn to pass every check (or to break one on purpose)."""
from __future__ import annotations

import math
import random

from pipeline import template as T
from .constants import (INCONSISTENCIES, P_NO_REQUESTS, REQUEST_COL_WEIGHTS, RESULT_WEIGHTS, REVIEW_P_NONZERO,
                        REVIEW_WEIGHTS)


def _count(rng: random.Random, p_zero: float, median: float, sigma: float = 1.0,
           cap: int = 10 ** 6) -> int:
    """A skewed non-negative count: zero with ``p_zero``, else log-normal around ``median``."""
    if rng.random() < p_zero:
        return 0
    return max(1, min(cap, round(rng.lognormvariate(math.log(median), sigma))))


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """Distribute ``n`` items over the keys of ``weights`` (multinomial draw)."""
    out = dict.fromkeys(weights, 0)
    keys = [k for k, w in weights.items() if w > 0]
    if n > 0 and keys:
        for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
            out[k] += 1
    return out


def _sparse(rng: random.Random, weights: dict[str, float], keep: float,
            always: tuple[str, ...] = ()) -> dict[str, float]:
    """Zero out most categories, as real reports use only a few of them."""
    return {k: (w if k in always or rng.random() < keep else 0.0) for k, w in weights.items()}


def _money(rng: random.Random, p_zero: float, median: float, decimals: int) -> float:
    """A money amount (万元) rounded to the number of decimals the report prints."""
    if rng.random() < p_zero:
        return 0.0
    return round(rng.lognormvariate(math.log(median), 1.4), decimals)


def _active_numbers(rng: random.Random, fmt: str, decimals: int) -> dict[str, float]:
    """Values of table 二, keyed by field id."""
    f: dict[str, float] = {}
    if fmt == "2021":
        for row, p_zero in (("rules", 0.85), ("normative", 0.45)):
            issued = _count(rng, p_zero, 3, 0.8, 60)
            repealed = _count(rng, 0.7, 2, 0.8, 40)
            in_force = 0 if (issued == 0 and rng.random() < 0.5 and row == "rules") else \
                issued + _count(rng, 0.2, 20, 1.0, 800)
            f.update({f"active.{row}.issued": issued, f"active.{row}.repealed": repealed,
                      f"active.{row}.in_force": in_force})
        f["active.licensing.decisions"] = _count(rng, 0.4, 120, 1.6, 90000)
        f["active.penalty.decisions"] = _count(rng, 0.5, 30, 1.4, 20000)
        f["active.coercion.decisions"] = _count(rng, 0.75, 5, 1.0, 2000)
        f["active.fees.amount"] = _money(rng, 0.75, 60, decimals)
        return f
    for row in ("rules", "normative"):
        made = _count(rng, 0.85 if row == "rules" else 0.45, 3, 0.8, 60)
        published = made if rng.random() < 0.8 else rng.randint(0, made)
        f.update({f"active.{row}.new_made": made, f"active.{row}.new_published": published,
                  f"active.{row}.total_published": published + _count(rng, 0.3, 15, 1.0, 500)})
    for row, median in (("licensing", 120), ("other_services", 20), ("penalty", 30), ("coercion", 5)):
        f[f"active.{row}.prev_items"] = _count(rng, 0.3, 20, 1.0, 900)
        f[f"active.{row}.change"] = _count(rng, 0.8, 2, 0.7, 40)
        f[f"active.{row}.decisions"] = _count(rng, 0.45, median, 1.4, 50000)
    f["active.fees.prev_items"] = _count(rng, 0.6, 4, 0.8, 80)
    f["active.fees.change"] = _count(rng, 0.9, 1, 0.5, 10)
    f["active.procurement.items"] = _count(rng, 0.5, 8, 1.0, 400)
    f["active.procurement.amount"] = (_money(rng, 0.0, 300, decimals)
                                      if f["active.procurement.items"] else 0.0)
    return f


def _request_numbers(rng: random.Random) -> dict[str, dict[str, int]]:
    """Table 三 as {row id: {column id: n}}, every check satisfied, （六） in its split form."""
    cols = _sparse(rng, REQUEST_COL_WEIGHTS, 0.35, always=("natural_person",))
    results = _sparse(rng, RESULT_WEIGHTS, 0.3, always=("granted",))
    new_total = 0 if rng.random() < P_NO_REQUESTS else _count(rng, 0.0, 6, 1.3, 5000)
    carried_total = 0 if rng.random() < 0.7 else _count(rng, 0.0, max(1, new_total // 8), 0.8, 500)
    new = _split(rng, new_total, cols)
    carried_in = _split(rng, carried_total, cols)
    row_ids = [r.id for r in T.get("2021").table("requests").rows]
    table = {r: dict.fromkeys(REQUEST_COL_WEIGHTS, 0) for r in row_ids}
    for col in REQUEST_COL_WEIGHTS:
        available = new[col] + carried_in[col]
        out = 0 if available == 0 or rng.random() < 0.75 else rng.randint(0, max(1, available // 5))
        done = _split(rng, available - out, results)
        table["new"][col], table["carried_in"][col] = new[col], carried_in[col]
        table["carried_out"][col], table["total"][col] = out, available - out
        for r, n in done.items():
            table[r][col] = n
    for cells in table.values():
        cells["total"] = sum(cells.values())
    table["other"] = {c: sum(table[r][c] for r in T.OTHER_SPLIT) for c in table["new"]}
    return table


def _review_numbers(rng: random.Random) -> dict[str, dict[str, int]]:
    """Table 四 as {group: {column: n}} with total = the sum of the four outcomes."""
    out = {}
    for group, p in REVIEW_P_NONZERO.items():
        n = _count(rng, 0.0, 2, 0.9, 400) if rng.random() < p else 0
        cells = _split(rng, n, REVIEW_WEIGHTS)
        cells["total"] = n
        out[group] = cells
    return out


def _numbers(rng: random.Random, fmt: str, single_other: bool, decimals: int) -> dict:
    """Every field id of the template: a number, or None where the report does not print it."""
    tmpl = T.get(fmt)
    values: dict = dict.fromkeys(tmpl.field_ids)
    values.update(_active_numbers(rng, fmt, decimals))
    requests = _request_numbers(rng)
    printed_rows = {r.id for r in _printed_request_rows(fmt, single_other)}
    for r in tmpl.table("requests").rows:
        if r.id in printed_rows:
            for c in r.columns:
                values[f"requests.{r.id}.{c.id}"] = requests[r.id][c.id]
    for g, cells in _review_numbers(rng).items():
        for c, n in cells.items():
            values[f"review.{g}.{c}"] = n
    return values


def _printed_request_rows(fmt: str, single_other: bool) -> list[T.Row]:
    """The rows of table 三 the report prints: （六） split in three or as one row."""
    split = fmt == "2021" and not single_other
    drop = ("other",) if split else T.OTHER_SPLIT
    return [r for r in T.get(fmt).table("requests").rows if r.id not in drop]


def _inject_inconsistency(rng: random.Random, fields: dict, kind: str) -> dict:
    """Break one rule on purpose; the gold holds the printed (inconsistent) value."""
    delta = rng.choice((1, 2, 3, 10))
    if kind == "review_total":
        fid = f"review.{rng.choice(list(REVIEW_P_NONZERO))}.total"
    elif kind == "row_total":
        rows = [f.split(".")[1] for f in fields if f.startswith("requests.") and f.endswith(".total")
                and fields[f] is not None]
        fid = f"requests.{rng.choice(rows)}.total"
    elif kind == "balance":
        col = rng.choice(list(REQUEST_COL_WEIGHTS))
        fid = f"requests.carried_out.{col}"
        fields["requests.carried_out.total"] += delta
    elif kind == "result_sum":
        rows = [r.split(".")[1] for r in fields if r.startswith("requests.") and r.endswith(".total")
                and fields[r] is not None and r.split(".")[1] in T.RESULT_ROWS]
        col = rng.choice(list(REQUEST_COL_WEIGHTS))
        fid = f"requests.{rng.choice(rows)}.{col}"
        fields[f"requests.{fid.split('.')[1]}.total"] += delta
    else:
        raise ValueError(f"unknown inconsistency {kind!r}; one of {INCONSISTENCIES}")
    before = fields[fid]
    fields[fid] = before + delta
    return {"kind": kind, "field": fid, "consistent_value": before, "printed": fields[fid]}


def _fmt_value(value: float, decimal: bool, decimals: int) -> str:
    """The printed form of a cell value."""
    if decimal:
        return f"{value:.{decimals}f}" if decimals else f"{value:g}"
    return str(int(value))

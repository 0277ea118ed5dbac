"""The template's arithmetic (勾稽关系): checking it, and filling lost cells it forces.

Every rule is an equation ``sum(lhs) == sum(rhs)`` over field ids, built once
per template from ``template.py``.  Checks run only where every member is
known; inference fills a cell only when it is the sole unknown of an equation
and its row was printed (a row the document lacks is never invented).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from .datamodel import Check
from .template import OTHER_SPLIT, REQUEST_COLS, RESULT_ROWS, REVIEW_COLS, Template, get

# Money is printed with at most a few decimals; sums of decimals compare within this.
DECIMAL_TOLERANCE = 0.005


@dataclass(frozen=True)
class Equation:
    rule: str
    where: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


def _requests_ids(template: Template) -> set[str]:
    return {r.id for r in template.table("requests").rows}


@lru_cache(maxsize=None)
def equations(template_name: str, split_other: bool) -> tuple[Equation, ...]:
    """The rules of TEMPLATE.md as equations; ``split_other`` picks the form of （六）."""
    t = get(template_name)
    req = _requests_ids(t)
    other_rows = OTHER_SPLIT if split_other and "other_other" in req else ("other",)
    results = RESULT_ROWS + other_rows
    eqs: list[Equation] = []
    for c in REQUEST_COLS:
        col = c.id
        eqs.append(Equation("requests_balance", f"requests column {col}",
                            (f"requests.new.{col}", f"requests.carried_in.{col}"),
                            (f"requests.total.{col}", f"requests.carried_out.{col}")))
        eqs.append(Equation("requests_results", f"requests column {col}",
                            (f"requests.total.{col}",),
                            tuple(f"requests.{r}.{col}" for r in results)))
    for r in t.table("requests").rows:
        if r.id in ("other",) and split_other or r.id in OTHER_SPLIT and not split_other:
            continue
        eqs.append(Equation("requests_row_total", f"requests row {r.id}",
                            (f"requests.{r.id}.total",),
                            tuple(f"requests.{r.id}.{c.id}" for c in REQUEST_COLS[:-1])))
    for g in t.table("review").rows:
        eqs.append(Equation("review_total", f"review {g.id}", (f"review.{g.id}.total",),
                            tuple(f"review.{g.id}.{c.id}" for c in REVIEW_COLS[:-1])))
    return tuple(eqs)


def uses_split_other(fields: dict) -> bool:
    """True when the report prints （六） as three sub-rows rather than one row."""
    return any(fields.get(f"requests.{r}.{c.id}") is not None for r in OTHER_SPLIT for c in REQUEST_COLS)


# A long sum is shown by its non-zero terms only.
MAX_TERMS_SHOWN = 4


def _fmt(ids: Iterable[str], fields: dict) -> str:
    ids = list(ids)
    shown = [i for i in ids if fields[i]] if len(ids) > MAX_TERMS_SHOWN else ids
    text = " + ".join(f"{i.split('.', 1)[1]} {fields[i]:g}" for i in shown) or "0"
    if len(shown) < len(ids):
        text += f" (+ {len(ids) - len(shown)} zero cells)"
    return text


def balance(eq: Equation, fields: dict) -> Optional[tuple[float, float]]:
    """(left sum, right sum) of a rule, or None while one of its members is unknown."""
    if any(fields.get(i) is None for i in eq.lhs + eq.rhs):
        return None
    return sum(fields[i] for i in eq.lhs), sum(fields[i] for i in eq.rhs)


def failing_equations(template: Template, fields: dict) -> list[Equation]:
    """The rules whose members are all known and do not balance."""
    out = []
    for eq in equations(template.name, uses_split_other(fields)):
        sums = balance(eq, fields)
        if sums is not None and abs(sums[0] - sums[1]) > DECIMAL_TOLERANCE:
            out.append(eq)
    return out


def members(ids: Iterable[str], statuses: Optional[dict]) -> dict[str, str]:
    """Each member field of a check -> its cell status (``printed`` when none is known)."""
    statuses = statuses or {}
    return {i: statuses.get(i, "printed") for i in ids}


def run_checks(template: Template, fields: dict, statuses: Optional[dict] = None) -> list[Check]:
    """Evaluate every rule whose members are all known; plus non-negative integers.

    ``statuses`` (field id -> cell status) fills each check's ``members``, so a
    rule passing on values chosen to pass it says so.
    """
    out: list[Check] = []
    for eq in equations(template.name, uses_split_other(fields)):
        sums = balance(eq, fields)
        if sums is None:
            continue
        left, right = sums
        ok = abs(left - right) <= DECIMAL_TOLERANCE
        detail = f"{_fmt(eq.lhs, fields)} = {left:g} {'=' if ok else '≠'} {_fmt(eq.rhs, fields)} = {right:g}"
        out.append(Check(eq.rule, eq.where, ok, detail, members(eq.lhs + eq.rhs, statuses)))
    for fid in template.field_ids:
        v = fields.get(fid)
        col = template.column(fid)
        if v is None or col.decimal:
            continue
        if (v < 0 and not col.signed) or v != int(v):
            out.append(Check("non_negative_integer", fid, False, f"{fid} = {v}", members([fid], statuses)))
    return out


def infer_lost(template: Template, fields: dict, present_rows: set[str]) -> list[str]:
    """Fill, in place, cells that are the only unknown of a rule, in rows the document prints.

    Returns the ids filled.  A value the rule would make negative or fractional
    is not filled: the rule is broken there, and that is for the checks to report.
    """
    filled: list[str] = []
    eqs = equations(template.name, uses_split_other(fields))
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            ids = eq.lhs + eq.rhs
            unknown = [i for i in ids if fields.get(i) is None]
            if len(unknown) != 1 or i_row(unknown[0]) not in present_rows:
                continue
            u = unknown[0]
            known_l = sum(fields[i] for i in eq.lhs if i != u)
            known_r = sum(fields[i] for i in eq.rhs if i != u)
            value = known_r - known_l if u in eq.lhs else known_l - known_r
            if value < 0 or value != int(value):
                continue
            fields[u] = int(value)
            filled.append(u)
            changed = True
    return filled


def i_row(field_id: str) -> str:
    """``requests.new.total`` -> ``requests.new``."""
    return field_id.rsplit(".", 1)[0]


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]


def count_failures(template: Template, fields: dict) -> int:
    return len(failed(run_checks(template, fields)))


def stated_checks(fields: dict, stated: dict[str, int], statuses: Optional[dict] = None) -> list[Check]:
    """Compare counts the narrative states with the table cells they describe.

    "收到申请N件" is written both for the new requests and for new plus carried-in
    ones; either agreement passes.
    """
    out = []
    for fid, value in stated.items():
        cell: Optional[float] = fields.get(fid)
        if cell is None:
            continue
        ok = cell == value
        ids = [fid]
        if not ok and fid.startswith("requests.new."):
            carried = fields.get(fid.replace(".new.", ".carried_in."))
            ok = carried is not None and cell + carried == value
            ids.append(fid.replace(".new.", ".carried_in."))
        out.append(Check("stated_count", fid, ok,
                         f"narrative states {value}, table has {cell:g}", members(ids, statuses)))
    return out

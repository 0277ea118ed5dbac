"""Numbers read under a seal whose readings disagree: confirmed by the template's rules, or
not given as a sure ``printed``.

Under a seal's red ink a 0 is read 8, 11 or 1 with the lettering's remnants, sometimes surer
than the residue-free re-read that says 0 (development 989601, 989603).  The scan backend gives
such a cell a confidence of at most 1 - the surest other reading's (``recognise.rival_confidence``),
so a doubtful cell is one under a seal read with less than ``SEAL_DOUBT_CONF``.  Its reading
stays ``printed`` only where every rule it is a member of balances with it; where a rule fails,
the rules' value replaces it (status ``inferred``) when they force one that balances every rule
of the cell; otherwise (a rule fails and the rules force nothing, or the cell is a member of no
rule: the active and fees tables) its reading is kept as ``doubtful``, not ``printed``.  A cell
under a seal read empty is ``doubtful`` too, not ``blank``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import checks
from .datamodel import FieldCell
from .template import Template


@dataclass
class SealDoubt:
    """What :func:`resolve_doubtful` made of the doubtful cells: field ids confirmed by
    the rules (kept ``printed``), replaced by the rules' value, and kept as ``doubtful``."""
    confirmed: list[str] = field(default_factory=list)
    inferred: dict[str, float] = field(default_factory=dict)
    doubtful: list[str] = field(default_factory=list)


def doubtful_cells(cells: dict[str, FieldCell], under: dict[int, list[str]], doubt_conf: float) -> list[str]:
    """The cells read under a seal (``under``: page -> field ids) with status ``printed``, a
    value and less confidence than ``doubt_conf``."""
    return [f for fs in under.values() for f in fs
            if cells[f].status == "printed" and cells[f].value is not None
            and cells[f].confidence is not None and cells[f].confidence < doubt_conf]


def member_equations(template: Template, fields: dict, fid: str) -> list[checks.Equation]:
    """The template's rules a field is a member of (in the form of （六） the report prints)."""
    return [eq for eq in checks.equations(template.name, checks.uses_split_other(fields))
            if fid in eq.lhs or fid in eq.rhs]


def balances(eqs: list[checks.Equation], fields: dict) -> bool:
    """Whether every rule of ``eqs`` has all its members known and balances."""
    for eq in eqs:
        sums = checks.balance(eq, fields)
        if sums is None or abs(sums[0] - sums[1]) > checks.DECIMAL_TOLERANCE:
            return False
    return True


def resolve_doubtful(template: Template, fields: dict, doubtful: list[str], present_rows: set[str]) -> SealDoubt:
    """Sort the ``doubtful`` cells of ``fields`` (read values) into confirmed, inferred and
    doubtful (see the module's docstring); ``fields`` is not changed.

    A cell is confirmed when it is a member of a rule and every rule it is a member of
    balances with the values read.  The others are made unknown together and the rules
    fill what they force (``checks.infer_lost``, in rows the document prints: ``present_rows``);
    a value so forced that balances every rule of its cell confirms the reading or replaces it.  A cell
    of no rule (the active and fees tables) is never confirmed: nothing vouches for it."""
    out = SealDoubt()
    eqs = {f: member_equations(template, fields, f) for f in doubtful}
    unsure = []
    for f in doubtful:
        (out.confirmed if eqs[f] and balances(eqs[f], fields) else unsure).append(f)
    if not unsure:
        return out
    trial = dict(fields)
    for f in unsure:
        trial[f] = None
    checks.infer_lost(template, trial, present_rows)
    for f in unsure:
        v = trial[f]
        if v is None or not balances(eqs[f], trial):
            out.doubtful.append(f)
        elif v == fields[f]:  # what was read, once the cell's other doubtful members are the rules'
            out.confirmed.append(f)
        else:
            out.inferred[f] = v
    return out


def apply_doubt(doubt: SealDoubt, fields: dict, cells: dict[str, FieldCell], inferred: list[str]) -> None:
    """Write :func:`resolve_doubtful`'s choices into a result's ``fields``, ``cells`` and
    ``inferred`` list (in place); a replaced reading stays in its cell's ``candidates``."""
    for f, v in doubt.inferred.items():
        cells[f].candidates = [fields[f]]
        fields[f] = v
        cells[f].value, cells[f].status = v, "inferred"
        inferred.append(f)
    for f in doubt.doubtful:
        cells[f].status = "doubtful"


def settle(template: Template, fields: dict, cells: dict[str, FieldCell], inferred: list[str],
           suspects: list[str], present_rows: set[str]) -> tuple[SealDoubt, dict[str, float]]:
    """Sort ``suspects`` by the rules (:func:`resolve_doubtful`) and write the choices in place
    (:func:`apply_doubt`); also returns what each suspect read before (for the warnings).  Cells under
    a seal, OCR readings with little confidence and a fax's members of failing rules all go this way."""
    read = {f: fields[f] for f in suspects}
    doubt = resolve_doubtful(template, fields, suspects, present_rows)
    apply_doubt(doubt, fields, cells, inferred)
    return doubt, read


def mark_read_empty(cells: dict[str, FieldCell], empty: dict[int, list[str]]) -> None:
    """Cells under a seal read empty (``empty``: page -> field ids) are ``doubtful``, not
    ``blank``: a 0 under the red ink can be lost to the unmixing (development 989808:
    active.rules.repealed's 0 given as printed blank).  Their value stays null."""
    for fs in empty.values():
        for f in fs:
            cells[f].status = "doubtful"


def doubt_warnings(doubt: SealDoubt, cells: dict[str, FieldCell], read: dict[str, float],
                   where: str = "under a seal") -> list[str]:
    """One warning naming the cells the rules replaced, each with its reading (``read``:
    field id -> the value read) and page (those kept ``doubtful`` are named by the page's
    "doubtful under a seal" warning, ``extract.seal_warnings``, or, ``where`` the cells were
    read with little confidence, ``extract.doubtful_warnings``)."""
    out = []
    if doubt.inferred:
        out.append(f"{where}, readings disagree and the rules fail with them; the rules' value taken "
                   "(status inferred): " + ", ".join(f"{f} read {read[f]:g} -> {v:g} (page {cells[f].page})"
                                                      for f, v in doubt.inferred.items()))
    return out

"""Numbers read on a fax whose rule still fails after the re-read: never a sure ``printed``.

At 100 dpi and one bit a 0 loses its arcs ("11", "1") on a light threshold and fills to a
blob on a heavy one, and a header's ideograph can fill to a digit's blob: the recogniser and
the fax digit reader then agree on a wrong digit at 0.9995 (development borderless fax
1003006, review table: 0s given 1, 2, 8 as plain ``printed``).  Nothing in the pixels tells
such a reading from a right one; the template's rules do: where a rule of the page's numbers
fails once the re-read is done, its members read on a 1-bit page are in doubt.  They are
sorted as a seal's doubtful cells are (``seal_doubt.resolve_doubtful``): a value the rules
force that balances every rule of its cell replaces the reading (status ``inferred``) or
confirms it (once the others are the rules', it stays ``printed``); the others keep their
reading as ``doubtful`` and a warning names them.
"""
from __future__ import annotations

from . import checks, seal_doubt
from .datamodel import FieldCell
from .template import Template


def failed_rule_cells(template: Template, fields: dict, cells: dict[str, FieldCell], fax_pages: set[int]) -> list[str]:
    """The members of the template's failing rules (``checks.failing_equations``) that are
    ``printed`` with a value on one of ``fax_pages``, each once, in the rules' order."""
    out: dict[str, None] = {}
    for eq in checks.failing_equations(template, fields):
        for f in eq.lhs + eq.rhs:
            c = cells.get(f)
            if c is not None and c.status == "printed" and c.value is not None and c.page in fax_pages:
                out[f] = None
    return list(out)


def resolve(template: Template, fields: dict, cells: dict[str, FieldCell], inferred: list[str],
            fax_pages: set[int], present_rows: set[str]) -> list[str]:
    """Mark, in place, the fax cells of failing rules (:func:`failed_rule_cells`): replaced by
    a value the rules force (``inferred``, the reading kept in ``candidates``) or ``doubtful``.
    Returns the warnings naming them, with what was read."""
    suspects = failed_rule_cells(template, fields, cells, fax_pages)
    if not suspects:
        return []
    doubt, read = seal_doubt.settle(template, fields, cells, inferred, suspects, present_rows)
    out = []
    if doubt.inferred:
        out.append("on a fax, a rule fails with these readings; the rules' value taken (status inferred): "
                   + ", ".join(f"{f} read {read[f]:g} -> {v:g} (page {cells[f].page})"
                               for f, v in doubt.inferred.items()))
    if doubt.doubtful:
        out.append("on a fax, a rule fails with these readings and no rule tells which is wrong "
                   "(status doubtful): " + ", ".join(f"{f} = {read[f]:g} (page {cells[f].page})"
                                                     for f in doubt.doubtful))
    return out

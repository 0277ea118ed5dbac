"""Numbers read on a fax whose rule still fails are never a sure ``printed`` (``fax_doubt``).

Development borderless fax 1003006, page 2: the review table's header line under 行政复议
(纠正, 期, 结 … filled to blobs at 100 dpi) was read as the 复议 row's numbers 1 2 1 8 | 2 with
the recogniser and the fax digit reader agreeing at up to 0.9995, every printed value a 0,
and a 0 of the next group read "1": all given as plain ``printed``, no warning naming them."""
from __future__ import annotations

from pipeline import fax_doubt
from pipeline.datamodel import FieldCell
from pipeline.template import get

TEMPLATE = get("2021")


def _cells(fields: dict, page: int = 2) -> dict[str, FieldCell]:
    return {f: FieldCell(v, "printed", page=page, confidence=0.9995) for f, v in fields.items()}


def _review(read: dict[str, float]) -> dict:
    fields = {f: 0.0 for f in TEMPLATE.field_ids if f.startswith("review.")}
    fields.update(read)
    return fields


def test_failing_review_row_read_on_a_fax_is_doubtful_not_printed():
    """1003006's misreading: the 复议 row (upheld + corrected + other + pending = total)
    fails; no rule tells which member is wrong, so each keeps its reading as doubtful, and
    a warning names every one of them with what was read."""
    row = {"review.reconsideration." + c: v for c, v in
           zip(("upheld", "corrected", "other", "pending", "total"), (1, 2, 1, 8, 2))}
    fields = _review(row)
    cells, inferred = _cells(fields), []
    warnings = fax_doubt.resolve(TEMPLATE, fields, cells, inferred, {2}, set())
    for f in row:
        assert cells[f].status == "doubtful" and fields[f] == row[f]
    assert all(cells[f].status == "printed" for f in fields if f not in row)  # balanced rows stay
    assert len(warnings) == 1 and all(f in warnings[0] for f in row)


def test_a_value_the_rules_force_replaces_the_fax_reading_as_inferred():
    """A 0 read "1" in the 直接起诉 row where only that member was read on the fax page
    (the others, read elsewhere, are not in doubt): the rule forces 0, and the cell says
    inferred, the reading kept as its candidate."""
    fields = {f: 0.0 for f in TEMPLATE.field_ids}
    fields["review.litigation_direct.upheld"] = 1.0
    cells = _cells(fields, page=1)
    cells["review.litigation_direct.upheld"].page = 2
    inferred: list[str] = []
    present = {"review.litigation_direct"}
    warnings = fax_doubt.resolve(TEMPLATE, fields, cells, inferred, {2}, present)
    c = cells["review.litigation_direct.upheld"]
    assert (c.status, fields["review.litigation_direct.upheld"], c.candidates) == ("inferred", 0.0, [1.0])
    assert inferred == ["review.litigation_direct.upheld"] and "inferred" in warnings[0]


def test_no_failing_rule_leaves_the_fax_readings_printed():
    fields = _review({})
    cells = _cells(fields)
    assert fax_doubt.resolve(TEMPLATE, fields, cells, [], {2}, set()) == []
    assert all(c.status == "printed" for c in cells.values())


def test_cells_of_other_pages_are_not_touched():
    fields = _review({"review.reconsideration.upheld": 1.0})
    cells = _cells(fields, page=1)  # not a fax page: a clean scan's published inconsistency
    assert fax_doubt.resolve(TEMPLATE, fields, cells, [], {2}, set()) == []
    assert all(c.status == "printed" for c in cells.values())

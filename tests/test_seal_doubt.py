"""Numbers read under a seal whose readings disagree (``pipeline.seal_doubt``): kept ``printed``
only where the template's rules confirm them (development 989601, 989603: a 0 read 11, 8, 1
and 10 at confidences 0.16-0.56 stayed ``printed``, silent misreads)."""
from __future__ import annotations

import pytest

from pipeline import seal_doubt
from pipeline.datamodel import FieldCell
from pipeline.template import get


@pytest.fixture(scope="module")
def report():
    from training.generate import generate

    s = generate(990619)  # fresh dev seed of this change: a 2021 report, its rows of zeros
    return get(s.template), s.fields


def _present(fields):
    return {f.rsplit(".", 1)[0] for f in fields}


def test_doubtful_cells_are_printed_low_confidence_cells_under_a_seal():
    cells = {"a": FieldCell(0, "printed", confidence=0.3), "b": FieldCell(0, "printed", confidence=0.95),
             "c": FieldCell(0, "inferred", confidence=0.1), "d": FieldCell(None, "printed", confidence=0.1),
             "e": FieldCell(1, "printed", confidence=0.79)}
    assert seal_doubt.doubtful_cells(cells, {1: ["a", "b", "c", "d"], 2: ["e"]}, 0.8) == ["a", "e"]


def test_misreads_in_failing_rules_take_the_rules_value_and_right_ones_are_confirmed(report):
    template, gold = report
    read = dict(gold)
    # 989603's page 3: two cells of one row misread, a third of the row read right, all doubtful.
    read["requests.rejected_publication.natural_person"] = 1
    read["requests.rejected_excessive.social_org"] = 10
    doubtful = ["requests.rejected_publication.natural_person", "requests.rejected_publication.commercial",
                "requests.rejected_excessive.social_org", "requests.granted.total"]
    d = seal_doubt.resolve_doubtful(template, read, doubtful, _present(gold))
    assert d.inferred == {"requests.rejected_publication.natural_person": gold[doubtful[0]],
                          "requests.rejected_excessive.social_org": gold[doubtful[2]]}
    assert sorted(d.confirmed) == sorted([doubtful[1], doubtful[3]]) and d.doubtful == []
    assert read["requests.rejected_excessive.social_org"] == 10  # the fields are not changed


def test_a_doubtful_cell_of_no_rule_keeps_its_reading_as_doubtful_not_printed(report):
    template, gold = report
    read = dict(gold)
    read["requests.new.total"] += 3  # a misread the rules undo, beside it
    d = seal_doubt.resolve_doubtful(template, read, ["active.rules.in_force", "requests.new.total"], _present(gold))
    assert d.doubtful == ["active.rules.in_force"] and not d.confirmed
    assert d.inferred == {"requests.new.total": gold["requests.new.total"]}
    cells = {f: FieldCell(v, "printed", page=2) for f, v in read.items()}
    inferred = []
    seal_doubt.apply_doubt(d, read, cells, inferred)
    assert read["active.rules.in_force"] == gold["active.rules.in_force"]
    assert cells["active.rules.in_force"].status == "doubtful" and not cells["active.rules.in_force"].chosen
    assert inferred == ["requests.new.total"] and cells["requests.new.total"].status == "inferred"
    assert read["requests.new.total"] == gold["requests.new.total"]
    assert cells["requests.new.total"].candidates == [gold["requests.new.total"] + 3]
    (w,) = seal_doubt.doubt_warnings(d, cells, {"requests.new.total": gold["requests.new.total"] + 3})
    assert f"requests.new.total read {gold['requests.new.total'] + 3:g} -> {gold['requests.new.total']:g} (page 2)" in w


def test_a_misread_the_rules_cannot_undo_is_doubtful_not_printed(report):
    template, gold = report
    read = dict(gold)
    # Two misread cells of one row and of one column: no rule has a sole unknown.
    for r in ("granted", "partial"):
        for c in ("natural_person", "commercial"):
            read[f"requests.{r}.{c}"] = gold[f"requests.{r}.{c}"] + 8
    doubtful = [f"requests.{r}.{c}" for r in ("granted", "partial") for c in ("natural_person", "commercial")]
    d = seal_doubt.resolve_doubtful(template, read, doubtful, _present(gold))
    assert sorted(d.doubtful) == sorted(doubtful) and not d.confirmed and not d.inferred


def test_a_cell_under_a_seal_read_empty_is_doubtful_not_blank():
    cells = {"a": FieldCell(None, "blank", page=1), "b": FieldCell(None, "blank", page=1)}
    seal_doubt.mark_read_empty(cells, {1: ["a"]})
    assert cells["a"].status == "doubtful" and cells["a"].value is None and cells["b"].status == "blank"


@pytest.mark.slow  # a 2-page scan read whole (6 min on the loaded session machine)
def test_zeros_misread_under_a_seal_are_not_printed(tmp_path):
    """Development 989601 (pages 1-2): a 0 of requests.new read 11 and one of
    rejected_publication read 8 under the seal, both ``printed``; now the rules' 0
    (``inferred``) or, where they cannot tell, ``doubtful``, and never a sure printed."""
    from pipeline.backend import scan
    from pipeline.extract import extract_document
    from training.generate import generate, write_scan

    s = generate(989601)
    path = tmp_path / "seal.pdf"
    write_scan(s, path, hazard="seal")
    result = extract_document(scan.read_scan(path, pages=[1, 2]))
    assert result.meta.get("seals")
    under = [f for f, c in result.cells.items() if c.status in ("inferred", "doubtful") and c.page]
    assert under  # the seal's doubtful cells are told apart
    wrong_printed = [f for f, c in result.cells.items()
                     if c.status == "printed" and f in s.fields and c.value != s.fields[f]]
    assert wrong_printed == []
    for f in ("requests.new.legal_service", "requests.rejected_publication.commercial"):
        c = result.cells[f]
        assert c.status != "printed" and (c.status != "inferred" or c.value == s.fields[f])

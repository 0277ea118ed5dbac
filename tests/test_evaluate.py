"""Scoring (alignment, line metrics, cells, checks), `nianbao evaluate`, and the notebook."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import cli, scoring
from pipeline.datamodel import Line
from pipeline.evaluate import doc_stem, evaluate, evaluate_many, gold_failed_checks, markdown
from pipeline.labels import rule_label

from conftest import DATA, ROOT

SEEDS = sorted((DATA / "seeds").glob("*.txt"))
GOLD = DATA / "gold"


# --- alignment --------------------------------------------------------------------

def _gold(*pairs, page=1):
    return [{"page": page, "text": t, "label": lab} for t, lab in pairs]


def test_alignment_tolerates_splits_merges_and_misreads():
    gold = _gold(("一、总体情况", "heading"),
                 ("本机关认真贯彻落实条例，主动公开信息36条。", "narrative"),
                 ("信息内容 | 本年制发件数", "table_header"),
                 ("规章 | 0 | 0 | 0", "table_row"))
    lines = [Line("一、总体情况"),
             Line("本机关认真贯彻落实条例，"),          # a gold line split in two
             Line("主动公开信息36条。"),
             Line("信息内容 本年制发件数 规章"),          # two gold lines merged: most chars win
             Line("0 O 0")]                              # OCR read 0 as O: still aligned
    assert scoring.gold_labels(gold, lines) == ["heading", "narrative", "narrative", "table_header",
                                                "table_row"]


def test_alignment_by_page_and_reordered_grid_rows():
    gold = _gold(("- 1 -", "other")) + _gold(("法人或其他组织", "table_header"), ("自然人 总计", "table_header"),
                                             page=2)
    lines = [Line("- 1 -", page=1), Line("自然人 法人或其他组织 总计", page=2), Line("邮戳", page=2)]
    al = scoring.align_lines(gold, lines)
    assert [None if j is None else gold[j]["label"] for j in al.gold_index] == ["other", "table_header", None]


def test_alt_label_accepted():
    gold = [{"page": 1, "text": "（一）主动公开情况。本年公开信息10条。", "label": "narrative",
             "alt_label": "heading"}]
    pairs = scoring.label_pairs(gold, [Line(gold[0]["text"])], ["heading"])
    assert pairs["true"] == pairs["pred"] == ["heading"]


# --- metrics -----------------------------------------------------------------------

def test_line_metrics():
    true = ["heading", "heading", "narrative", "table_row"]
    pred = ["heading", "narrative", "narrative", "table_row"]
    m = scoring.line_metrics(true, pred)
    assert m["per_label"]["heading"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2,
                                         "predicted": 1}
    assert m["per_label"]["narrative"]["precision"] == 0.5
    assert m["macro_f1"] == round((2 / 3 + 2 / 3 + 1) / 3, 4)  # labels never seen are left out
    assert m["accuracy"] == 0.75
    assert m["confusion"]["matrix"][0][:4] == [1, 0, 0, 1]


def test_cell_scores_nulls_money_and_missing():
    gold = {"active.fees.amount": 7730.28, "requests.new.total": 3, "requests.other.total": None,
            "review.reconsideration.total": 0}
    got = {"active.fees.amount": 7730.280001, "requests.new.total": 3, "requests.other.total": 0}
    c = scoring.cell_scores(gold, got)
    assert (c["correct"], c["total"]) == (2, 4)
    assert c["by_table"]["requests"] == {"correct": 1, "total": 2}
    assert {w["field"] for w in c["wrong"]} == {"requests.other.total", "review.reconsideration.total"}


def test_published_inconsistency_is_an_expected_failure():
    gold = json.loads((GOLD / "kiro__hzq2023_working.json").read_text(encoding="utf-8"))
    failed = gold_failed_checks(gold)
    assert "review_total:review reconsideration" in failed
    s = scoring.check_scores([{"rule": "review_total", "where": "review reconsideration", "ok": False}], failed)
    assert s["unexpected"] == [] and "review_total:review litigation_after" in s["missing"]


def test_doc_stem():
    assert doc_stem("a/kiro__hzq2023_working.scan.pdf") == "kiro__hzq2023_working"


# --- evaluate ------------------------------------------------------------------------

def test_evaluate_seeds_with_rules():
    r = evaluate(GOLD, SEEDS, rule_label, "rules")
    assert r["documents"]["total"] == 5
    assert r["cells"]["total"] == 1026 and r["cells"]["correct"] == r["cells"]["total"]
    assert r["lines"]["documents"] == 5 and r["lines"]["total"] > 500
    assert 0.9 < r["lines"]["macro_f1"] <= 1.0
    assert r["speed"]["pages_per_second"] > 0


def test_evaluate_many_reads_once_and_unreadable_input(tmp_path):
    bad = tmp_path / "000_4a9178fd99f7f697.txt"
    bad.write_bytes(b"\x00\x01binary")
    reps = evaluate_many(GOLD, [bad, tmp_path / "no_gold.txt"], {"a": rule_label, "b": rule_label})
    for r in reps.values():
        assert r["documents"] == {"exact": 0, "total": 1, "simulated_scans": 0, "reports": 1,
                                  "reports_exact": 0}
        assert r["cells"]["correct"] == 0 and r["cells"]["total"] == 207
        assert "error" in r["per_document"][0]
        assert r["skipped"] == [str(tmp_path / "no_gold.txt")]


def test_cli_evaluate_json_and_report(tmp_path, capsys):
    out = tmp_path / "rep"
    rc = cli.main(["evaluate", "--gold", str(GOLD), "--labeler", "rules", "--json", "--out", str(out),
                   *map(str, SEEDS[:2])])
    assert rc == 0
    obj = json.loads(capsys.readouterr().out)
    assert set(obj["cells"]) >= {"correct", "total"} and set(obj["documents"]) >= {"exact", "total", "reports"}
    assert obj["lines"]["per_label"]["table_row"]["support"] > 0
    assert obj["lines"]["confusion"]["labels"][0] == "heading"
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Evaluation")
    for png in ("confusion.png", "line_f1.png", "cells_by_table.png", "cells_by_document.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"


def test_cli_evaluate_bad_model_path(tmp_path, capsys):
    rc = cli.main(["evaluate", "--gold", str(GOLD), "--labeler", str(tmp_path / "none.json"), str(SEEDS[0])])
    assert rc == 2
    assert "no model card" in capsys.readouterr().err


# --- the notebook -----------------------------------------------------------------------

def test_notebook_runs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "notebooks" / "evaluate.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_cell_scores_split_by_kind_and_status():
    gold = {"requests.new.total": 3, "requests.new.natural_person": 0, "requests.other.total": None,
            "active.rules.issued": None}
    got = {"requests.new.total": 3, "requests.new.natural_person": 0, "requests.other.total": None,
           "active.rules.issued": None}
    status = {"requests.new.total": "inferred", "requests.new.natural_person": "printed",
              "requests.other.total": "absent", "active.rules.issued": "ambiguous"}
    c = scoring.cell_scores(gold, got, status, {"active.rules.issued": [1, 2]})
    assert {k: v["total"] for k, v in c["by_kind"].items()} == {
        "printed_nonzero": 1, "printed_zero": 1, "blank_absent": 1, "ambiguous": 1}
    assert c["by_status"]["inferred"] == {"correct": 1, "total": 1}


def test_a_pdf_and_its_simulated_scan_are_one_report():
    docs = [{"input": "x/a.pdf", "exact": True}, {"input": "x/a.scan.pdf", "exact": False},
            {"input": "x/b.txt", "exact": True}]
    assert scoring.document_counts(docs) == {"exact": 2, "total": 3, "simulated_scans": 1,
                                             "reports": 2, "reports_exact": 1}


def test_held_out_and_development_apart(tmp_path):
    for p in SEEDS[:2]:
        (tmp_path / (p.name.split(".")[0] + ".json")).write_text(
            (GOLD / (p.name.split(".")[0] + ".json")).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "splits.json").write_text(json.dumps({"development": {SEEDS[0].name.split(".")[0]: "fixed"}}))
    r = evaluate(tmp_path, SEEDS[:2], rule_label, "rules")
    assert r["splits"]["development"]["documents"]["total"] == 1
    assert r["splits"]["held_out"]["documents"]["total"] == 1
    assert [d["split"] for d in r["per_document"]] == ["development", "held_out"]
    assert "| held_out | 1 (0 simulated scans) | 1 |" in markdown(r)

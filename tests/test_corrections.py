"""corrections.jsonl: a person's cell corrections, line labels and published inconsistencies
reach results.jsonl and every export on the next batch, and the next training set."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from pipeline import batch
from pipeline import corrections as C
from training import train as TR

from conftest import DATA

HZQ = DATA / "corpus" / "real" / "kiro__hzq2023_working.pdf"
SEED = DATA / "seeds" / "003_b92fd2617ccba4db.txt"
INPUTS = [str(HZQ), str(SEED)]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("run") / "run"
    batch.run_batch(INPUTS, run, workers=1, progress=False)
    return run


@pytest.fixture
def run(first_run, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(first_run, out)
    return out


def result(run, path) -> dict:
    return next(o for o in batch.read_jsonl(run / batch.RESULTS) if o["source"] == str(path))


def test_records_are_checked_and_appended(run):
    sha = result(run, SEED)["sha256"]
    with pytest.raises(ValueError, match="number or null"):
        C.append(run, C.cell_record(sha, "requests.new.total", "12", "ann"))
    with pytest.raises(ValueError, match="unknown label"):
        C.append(run, C.line_record(sha, 1, 0, "title", "ann"))
    C.append(run, C.cell_record(sha, "requests.new.total", 12, "ann"))
    with open(C.path_of(run), "a", encoding="utf-8") as fh:
        fh.write('{"sha256": "x", "field": \n')  # a damaged line is skipped, not fatal
    C.append(run, C.line_record(sha, 1, 0, "other", "ann", text="…"))
    assert [C.kind_of(r) for r in C.read(run)] == ["cell", "line"]


def test_next_batch_applies_corrections_everywhere(run):
    obj = result(run, HZQ)
    sha, field = obj["sha256"], "review.reconsideration.total"
    failed = {c["where"] for c in obj["checks"] if not c["ok"]}
    assert {"review reconsideration", "review litigation_after"} <= failed
    C.append(run, C.cell_record(sha, field, 7, "ann", note="first try"))
    C.append(run, C.cell_record(sha, field, 11, "ann", note="page 4"))  # the later one wins
    C.append(run, C.cell_record(sha, "review.reconsideration.upheld", 10, "ann"))  # confirms
    C.append(run, C.check_record(sha, "review_total", "review litigation_after", "ann", note="printed so"))
    s = batch.run_batch(INPUTS, run, workers=1, progress=False)
    assert s["skipped"] == 2 and s["reports_corrected"] == 1
    obj = result(run, HZQ)
    cell = obj["cells"][field]
    assert cell["status"] == "corrected" and cell["value"] == 11 and obj["fields"][field] == 11
    assert cell["previous"]["value"] == 0 and cell["previous"]["status"] == "printed"
    assert cell["box"] == cell["previous"]["box"] and cell["by"]["note"] == "page 4"
    assert obj["cells"]["review.reconsideration.upheld"]["confirmed"]["user"] == "ann"
    checks = {c["where"]: c for c in obj["checks"] if c["rule"] == "review_total"}
    assert checks["review reconsideration"]["ok"]  # checked again on the corrected value
    assert checks["review reconsideration"]["members"][field] == "corrected"
    assert not checks["review litigation_after"]["ok"] and checks["review litigation_after"]["published"]
    # Every export.
    csv = pd.read_csv(run / batch.FIELDS_CSV)
    row = csv[csv.sha256 == sha].iloc[0]
    assert row[field] == 11 and row["corrected"] == field
    pq = pd.read_parquet(run / batch.FIELDS_PARQUET)
    assert pq[pq.sha256 == sha].iloc[0][field] == 11
    xl = pd.read_excel(run / batch.FIELDS_XLSX, sheet_name="报告")
    assert xl[xl["SHA-256"] == sha].iloc[0][batch.field_label(field)] == 11
    cp = pd.read_parquet(run / batch.CELLS_PARQUET)
    c = cp[(cp.sha256 == sha) & (cp.field == field)].iloc[0]
    assert (c["status"], c["value"], c["previous_value"], c["previous_status"]) == ("corrected", 11, 0, "printed")
    chk = pd.read_csv(run / batch.CHECKS_CSV)
    assert chk[chk.sha256 == sha].set_index("where").loc["review litigation_after", "published_inconsistency"]
    assert "review reconsideration" not in set(chk[chk.sha256 == sha]["where"])
    # Applying again changes nothing; the other report is untouched.
    before = (run / batch.RESULTS).read_bytes()
    batch.run_batch(INPUTS, run, workers=1, progress=False)
    assert (run / batch.RESULTS).read_bytes() == before
    assert "review" not in result(run, SEED)


def test_correcting_back_restores_the_reading(run):
    obj = result(run, HZQ)
    field = "review.reconsideration.total"
    C.append(run, C.cell_record(obj["sha256"], field, 11, "ann"))
    C.apply_run(run)
    C.append(run, C.cell_record(obj["sha256"], field, 0, "ann", note="it does print 0"))
    C.apply_run(run)
    again = result(run, HZQ)
    assert again["cells"][field]["status"] == "printed" and again["cells"][field]["confirmed"]
    assert again["checks"] == obj["checks"]


def test_line_labels_reach_the_training_set(run):
    obj = result(run, SEED)
    lines, labels, _ = C.report_lines(obj, run)
    k = next(i for i, lab in enumerate(labels) if lab == "heading" and lines[i].page == 1)
    C.append(run, C.line_record(obj["sha256"], 1, k, "narrative", "ann", text=lines[k].text))
    C.append(run, C.line_record(obj["sha256"], 1, k + 1, "other", "ann", text="not that line"))
    docs = TR.load_data([run])
    assert len(docs) == 1 and docs[0].sha256 == obj["sha256"] and docs[0].name == SEED.name
    want = list(labels)
    want[k] = "narrative"  # the guarded record of another text is not used
    assert docs[0].labels == want
    assert TR.load_data([C.path_of(run)])[0].labels == want
    # `nianbao train RUN_DIR` fits on them.
    card = TR.train([run], run.parent / "model")
    assert card["training"]["documents"][0]["sha256"] == obj["sha256"]


def test_run_without_corrections_is_left_alone(run):
    before = (run / batch.RESULTS).read_bytes()
    assert C.apply_run(run) == 0 and (run / batch.RESULTS).read_bytes() == before


def test_lines_are_read_once_per_run(run, monkeypatch):
    obj = result(run, SEED)
    lines, labels, _ = C.report_lines(obj, run)
    assert (run / C.LINES_CACHE / f"{obj['sha256']}.jsonl").is_file()
    import pipeline.inputs
    monkeypatch.setattr(pipeline.inputs, "read_document", lambda *a: pytest.fail("read again"))
    again, labels2, _ = C.report_lines(obj, run)
    assert labels2 == labels and [ln.text for ln in again] == [ln.text for ln in lines]
    assert [ln.cells and [c.text for c in ln.cells] for ln in again] == \
        [ln.cells and [c.text for c in ln.cells] for ln in lines]
    # Another labeler: read and labelled again.
    monkeypatch.undo()
    other = dict(obj, labeler={"kind": "rules", "sha256": None, "name": "rules", "path": None})
    from pipeline.labels import rule_label
    assert C.report_lines(other, run)[1] == rule_label(lines)

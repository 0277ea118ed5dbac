"""Label Studio exports made by a real Label Studio (1.23.2, see scripts/labelstudio_export.py):
JSON with predictions listed by id, and JSON-MIN, both train."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import cli
from training import labelstudio as LS
from training import train as TR

FIXTURES = Path(__file__).parent / "fixtures" / "labelstudio"
EXPORT = FIXTURES / "ls-1.23.2-export.json"
EXPORT_MIN = FIXTURES / "ls-1.23.2-export-min.json"


def predicted(task_file: Path, doc: str) -> list[str]:
    task = next(t for t in json.loads(task_file.read_text(encoding="utf-8")) if t["data"]["doc"] == doc)
    return [it["predicted"] for it in task["data"]["lines"]]


def test_real_export_lists_predictions_by_id():
    tasks = json.loads(EXPORT.read_text(encoding="utf-8"))
    assert [t["predictions"] for t in tasks] == [[1], [2]]  # what crashed `nianbao train`


@pytest.mark.parametrize("export", [EXPORT, EXPORT_MIN], ids=["json", "json-min"])
def test_real_export_reads_annotated_tasks(export):
    docs = LS.read_labelstudio(export)
    # Only the annotated task: the other was never corrected.
    assert [d.name for d in docs] == ["000_4a9178fd99f7f697.txt"]
    want = predicted(FIXTURES / "tasks.json", docs[0].name)
    assert want[2] == "heading"
    # Line 2 relabelled by the annotator; line 1's region deleted: it keeps the prediction.
    assert docs[0].labels == want[:2] + ["other"] + want[3:]
    assert docs[0].sha256 and docs[0].lines[0].text == "一、总体情况"


def test_old_task_without_predicted_label_and_id_predictions_says_which_lines(tmp_path):
    tasks = json.loads(EXPORT.read_text(encoding="utf-8"))
    for it in tasks[0]["data"]["lines"]:
        it.pop("predicted")
    tasks[0]["annotations"][0].pop("prediction")
    bad = tmp_path / "export.json"
    bad.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=r"lines \[1\] have no label"):
        LS.read_labelstudio(bad)


@pytest.mark.parametrize("export", [EXPORT, EXPORT_MIN], ids=["json", "json-min"])
def test_real_export_trains(export, tmp_path):
    out = tmp_path / "model"
    assert cli.main(["train", str(export), "--out", str(out), "--no-heldout"]) == 0
    card = json.loads((out / "line_classifier.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in card["training"]["documents"]] == ["000_4a9178fd99f7f697.txt"]
    assert card["training"]["label_counts"]["other"] >= 3


def test_load_data_takes_both_export_forms():
    docs = TR.load_data([EXPORT, EXPORT_MIN])
    assert len(docs) == 2 and docs[0].labels == docs[1].labels

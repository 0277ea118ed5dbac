"""`--model DIR`: extract, batch and evaluate label lines with a trained model that is not
installed, and every result names the labeler that labelled it."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline import batch, classifier, cli
from training import labelstudio as LS
from training import train as TR

from conftest import DATA

SEEDS = sorted((DATA / "seeds").glob("*.txt"))
EXPORT = Path(__file__).parent / "fixtures" / "labelstudio" / "ls-1.23.2-export.json"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """A model trained on a real Label Studio export, and one taught that every line is `other` (page furniture)."""
    root = tmp_path_factory.mktemp("models")
    TR.train([EXPORT], root / "ls")
    doc = LS.read_labelstudio(EXPORT)[0]
    doc.labels = ["other"] * len(doc.labels)
    LS.write_jsonl([doc], root / "prose.jsonl")
    TR.train([root / "prose.jsonl"], root / "prose")
    return root


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_extract_reads_with_the_model_and_says_so(models, capsys):
    assert cli.main(["extract", str(SEEDS[3]), "--model", str(models / "ls")]) == 0
    out, err = capsys.readouterr()
    obj = json.loads(out)
    card = models / "ls" / "line_classifier.json"
    assert obj["labeler"] == {"name": "line_classifier", "kind": "crf", "path": str(card.resolve()),
                              "sha256": sha(card)}
    assert f"labelling lines with the model {card.resolve()}" in err
    # The model is really used: one that calls every line page furniture finds no tables at all.
    assert cli.main(["extract", str(SEEDS[3]), "--model", str(models / "prose")]) == 0
    prose = json.loads(capsys.readouterr().out)
    def read(o):
        return sum(v is not None for v in o["fields"].values())
    assert read(obj) > 100 and read(prose) == 0
    assert prose["labeler"]["path"] == str((models / "prose" / "line_classifier.json").resolve())


def test_default_and_rules_name_themselves(capsys):
    assert cli.main(["extract", str(SEEDS[3])]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["labeler"]["path"] == str(classifier.DEFAULT_CARD.resolve())
    assert obj["labeler"]["sha256"] == sha(classifier.DEFAULT_CARD)
    assert classifier.describe(classifier.rule_label)["name"] == "rules"


def test_refused_model_exits_2(tmp_path, capsys):
    assert cli.main(["extract", str(SEEDS[3]), "--model", str(tmp_path)]) == 2
    assert "no model card" in capsys.readouterr().err


def test_batch_uses_the_model_in_its_workers(models, tmp_path):
    run = tmp_path / "run"
    s = batch.run_batch(list(map(str, SEEDS[:2])), run, workers=1, progress=False, model=str(models / "ls"))
    assert s["done"] == 2 and s["model"] == str((models / "ls" / "line_classifier.json").resolve())
    recs = list(batch.read_jsonl(run / batch.RESULTS))
    assert {r["labeler"]["sha256"] for r in recs} == {sha(models / "ls" / "line_classifier.json")}
    batch.run_batch([str(SEEDS[0])], tmp_path / "prose", workers=1, progress=False,
                    model=str(models / "prose"))
    rec, = batch.read_jsonl(tmp_path / "prose" / batch.RESULTS)
    assert not any(rec["fields"].values())  # no cell read with every line called furniture


def test_evaluate_with_model(models, capsys):
    gold = DATA / "gold"
    assert cli.main(["evaluate", str(SEEDS[0]), "--gold", str(gold), "--model", str(models / "prose"),
                     "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["labeler"] == str(models / "prose")
    assert report["cells"]["correct"] < report["cells"]["total"]

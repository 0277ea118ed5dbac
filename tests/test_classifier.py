"""The trained line classifier: features, fitting, model files and cards, the default
labeler, `nianbao label` / `nianbao train`, and that training reproduces the shipped model."""
from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

from pipeline import classifier, cli
from pipeline.datamodel import LABELS, Cell, Line
from pipeline.features import line_features, numbering
from pipeline.labels import rule_label
from training import labelstudio as LS
from training import train as TR

from conftest import DATA, ROOT

SEEDS = sorted((DATA / "seeds").glob("*.txt"))
GOLD = DATA / "gold"
SHIPPED = classifier.DEFAULT_CARD


@pytest.fixture(scope="module")
def small_set():
    """Seeds plus a few generated reports in text styles: labelled documents."""
    from training import generate as G
    docs = TR.load_data(SEEDS, GOLD)
    for seed, style in ((1, "pipe"), (2, "cell_per_line"), (3, "tabs")):
        s = G.generate(seed)
        lines = []
        for text, label in G.text_lines(s, style):
            if text.strip():
                lines.append({"page": 1, "text": text, "label": label})
        docs.append(LS.gold_doc({"lines": lines}, f"synth_{seed}_{style}"))
    return docs


@pytest.fixture(scope="module")
def small_model(small_set):
    return classifier.fit([(d.lines, d.labels) for d in small_set], "crf")


# --- features -----------------------------------------------------------------------

def test_features_shared_by_text_and_pdf_lines():
    text = Line("二、主动公开政府信息情况")
    pdf = Line("二、主动公开政府信息情况", box=(72, 100, 300, 116), font_size=16, bold=True, source="pdf")
    ft, fp = line_features([text])[0], line_features([pdf])[0]
    # Text and shape features are shared; a character count only where no box gives a width.
    assert {f for f in ft if not f.startswith(("src=", "len=", "commas="))} <= set(fp)
    assert "sec=active" in ft and "num=cn" in ft and "numhead" in ft
    assert "bold" in fp and not any(f.startswith(("ind=", "fs=")) for f in ft)


def test_shape_and_context_features():
    lines = [Line("三、收到和处理政府信息公开申请情况"),
             Line("一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1",
                  cells=[Cell(c) for c in "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1".split()])]
    f = line_features(lines)
    assert "nnum=7" in f[1] and "label+nums" in f[1] and "rowkey=1" in f[1]
    assert "cur=requests" in f[1] and "-1:sec=requests" in f[1] and "1:EOS" in f[1]
    assert numbering("（三）不予公开") == "cnparen" and numbering("2.重复申请") == "ar"


# --- fitting, files, cards -------------------------------------------------------------

def test_fit_is_deterministic_and_labels_keep_presets(small_set, small_model):
    again = classifier.fit([(d.lines, d.labels) for d in small_set], "crf")
    assert again.model == small_model.model
    lines = [Line("信息索引号：123", label="other"), Line("一、总体情况"), Line("本机关主动公开信息10条。")]
    assert small_model.predict(lines)[0] == "other"
    assert set(small_model(lines)) <= set(LABELS)


def test_logreg_kind(small_set, tmp_path):
    clf = classifier.fit([(d.lines, d.labels) for d in small_set[:3]], "logreg")
    path = classifier.save(clf, tmp_path)
    back = classifier.load(path)
    lines = small_set[0].lines
    assert back.predict(lines) == clf.predict(lines)


def test_save_load_and_incompatible_versions(small_model, tmp_path):
    path = classifier.save(small_model, tmp_path, card={"metrics": {}})
    card = json.loads(path.read_text(encoding="utf-8"))
    assert set(card["versions"]) >= {"python", "numpy", "sklearn", "crfsuite", "features"}
    lines = [Line("一、总体情况"), Line("本机关主动公开信息10条。")]
    assert classifier.load(tmp_path).predict(lines) == small_model.predict(lines)
    card["versions"]["crfsuite"] = "0.1.0"
    card["versions"]["features"] = -1
    path.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(classifier.ModelError, match=r"python-crfsuite 0\.1\.0.*Retrain"):
        classifier.load(path)
    card["kind"], card["versions"]["features"] = "logreg", classifier.FEATURE_VERSION
    card["versions"]["sklearn"] = "0.20.0"
    path.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(classifier.ModelError, match=r"scikit-learn 0\.20\.0"):
        classifier.load(path)


def test_default_labeler_falls_back_to_rules(monkeypatch, tmp_path):
    monkeypatch.setattr(classifier, "DEFAULT_CARD", tmp_path / "missing.json")
    classifier.default_labeler.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert classifier.default_labeler() is rule_label
        assert any("rule labeler" in str(x.message) for x in w)
    finally:
        classifier.default_labeler.cache_clear()


def test_shipped_model_is_the_default():
    classifier.default_labeler.cache_clear()
    lab = classifier.default_labeler()
    assert isinstance(lab, classifier.LineClassifier)
    assert lab.card["kind"] in classifier.KINDS
    docs = {d["name"] for d in lab.card["training"]["documents"]}
    real = {p.name for p in (DATA / "corpus" / "real").iterdir()}
    assert not docs & real  # never trained on the held-out reports


# --- label and train commands -------------------------------------------------------

def test_label_jsonl_roundtrip(tmp_path, capsys):
    assert cli.main(["label", "--labeler", "rules", str(SEEDS[0])]) == 0
    out = tmp_path / "seed.jsonl"
    out.write_text(capsys.readouterr().out, encoding="utf-8")
    docs = LS.read_jsonl(out)
    assert len(docs) == 1 and docs[0].name == SEEDS[0].name
    assert docs[0].labels == rule_label(docs[0].lines)
    assert any(ln.cells for ln in docs[0].lines)


def test_labelstudio_roundtrip(tmp_path, capsys):
    assert cli.main(["label", "--labeler", "rules", "--format", "labelstudio", str(SEEDS[3])]) == 0
    tasks = json.loads(capsys.readouterr().out)
    task = tasks[0]
    regions = task["predictions"][0]["result"]
    assert regions[0]["type"] == "paragraphlabels"
    # A person corrects line 0 to `other` and submits: Label Studio exports the annotation.
    fixed = [dict(r, value=dict(r["value"])) for r in regions]
    first = fixed[0]["value"]
    if first["end"] != "0":
        first["start"] = "1"
    fixed.insert(0, {"from_name": "label", "to_name": "lines", "type": "paragraphlabels",
                     "value": {"start": "0", "end": "0", "startOffset": 0, "endOffset": 3,
                               "paragraphlabels": ["other"]}})
    task["annotations"] = [{"result": fixed, "was_cancelled": False}]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    docs = TR.load_data([export])
    want = rule_label(docs[0].lines)
    assert docs[0].labels == ["other"] + want[1:]
    assert "ParagraphLabels" in LS.LABEL_CONFIG


def test_train_command_refuses_heldout_and_writes_card(small_set, tmp_path, capsys):
    data = tmp_path / "data.jsonl"
    LS.write_jsonl(small_set[:2], data)
    real = DATA / "corpus" / "real" / "kiro__hzq2024_working.pdf"
    out = tmp_path / "model"
    rc = cli.main(["train", str(data), str(real), "--gold", str(GOLD), "--out", str(out),
                   "--heldout", str(real), "--heldout-gold", str(GOLD)])
    assert rc == 0
    card = json.loads((out / "line_classifier.json").read_text(encoding="utf-8"))
    names = [d["name"] for d in card["training"]["documents"]]
    assert real.name not in names and len(names) == 2
    assert all(len(d["sha256"]) == 64 for d in card["training"]["documents"])
    held = card["metrics"]["heldout"]
    assert set(held) == {"model", "rules"} and held["model"]["cells"]["total"] == 207
    assert "a held-out report" in capsys.readouterr().err
    assert classifier.load(out).kind == "crf"


def test_training_reproduces_shipped_model(tmp_path):
    """`nianbao train training/data` gives the shipped model: same weights, same training
    metrics; on held-out real reports it beats the rule labeler."""
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    text_pdfs = [p for p in sorted((DATA / "corpus" / "real").glob("*.pdf")) if ".scan" not in p.name]
    card = TR.train([TR.DATA_DIR], tmp_path, kind=shipped["kind"], heldout=text_pdfs, heldout_gold=GOLD,
                    log=open("/dev/null", "w"))
    stale = "the shipped model is stale: retrain with `nianbao train training/data --replace`"
    assert card["training"] == shipped["training"], stale
    assert card["metrics"]["training_fit"] == shipped["metrics"]["training_fit"], stale
    weights = tmp_path / card["weights"]
    assert weights.read_bytes() == (SHIPPED.parent / shipped["weights"]).read_bytes(), stale
    # Held-out figures depend on the readers too, which change on their own; what must
    # hold whatever they read is the model beating the rules (the text PDFs are quick).
    held = card["metrics"]["heldout"]
    assert held["model"]["line_macro_f1"] > held["rules"]["line_macro_f1"]
    assert held["model"]["cells"]["correct"] >= held["rules"]["cells"]["correct"]

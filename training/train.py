"""Training the line classifier: data, fitting, held-out metrics, model card.

Data (``load_data``) is any mix of

- JSONL written by ``nianbao label`` and corrected by a person (``.jsonl``, ``.jsonl.gz``);
- Label Studio JSON exports of tasks made by ``nianbao label --format labelstudio``;
- a run directory of ``nianbao batch`` (or its ``corrections.jsonl``): each report a
  person relabelled lines of in ``nianbao review``, its lines labelled as the run
  labelled them and the corrections applied;
- gold JSON (``{"template", "fields", "lines"}``): with ``--gold DIR`` and the report
  itself among the data, the gold lines are matched to the report's extracted lines
  (so the model learns from their layout); a gold file given alone trains on its
  lines as text.

The repository's training set lives in ``training/data/``: the five seeds and
generated reports (``training.generate``) in every output style, as JSONL that
``python -m training.train build`` regenerates.  Real reports (``data/corpus/real``)
are the held-out set and are refused as training data.

``python -m training.train build`` rebuilds the data; ``python -m training.train fit``
(or ``nianbao train training/data --replace``) trains the shipped model.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional, Sequence

from pipeline import classifier, scoring
from pipeline.datamodel import LABELS
from pipeline.evaluate import doc_stem, evaluate_many, load_gold
from pipeline.inputs import read_document
from pipeline.labels import rule_label

from .labelstudio import LabelledDoc, gold_doc, read_jsonl, read_labelstudio, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "training" / "data"
HELDOUT_DIR = ROOT / "data" / "corpus" / "real"
GOLD_DIR = ROOT / "data" / "gold"
SEEDS_DIR = ROOT / "data" / "seeds"
DOCUMENT_SUFFIXES = (".pdf", ".txt", ".html", ".htm", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")

# The repository's synthetic set: this many generated reports, each written in one
# output style (cycling), a few also as scans (slow to read: OCR).
N_SYNTHETIC = 150
SYNTH_STYLES = ("pdf", "pipe", "pdf", "tabs", "pdf", "cell_per_line", "pdf", "html")
N_SYNTHETIC_SCANS = 12
FIRST_SCAN_SEED = 10_000


# --- data -------------------------------------------------------------------------

def labelled_from_document(path: str | Path, gold: dict, name: Optional[str] = None) -> LabelledDoc:
    """Read a report and label its lines from gold: each line takes the label of
    the gold line it matches; lines matching none keep the reader's label or are
    ``other`` (stamps, OCR specks)."""
    doc = read_document(path)
    lines = doc.lines
    labels = scoring.gold_labels(gold.get("lines", []), lines)
    labels = [lab or ln.label or "other" for lab, ln in zip(labels, lines)]
    return LabelledDoc(name or Path(path).name, doc.sha256, lines, labels, str(path))


def labelled_from_run(run_dir: str | Path) -> list[LabelledDoc]:
    """The reports of a run that a person relabelled lines of, as labelled documents."""
    from pipeline import batch, corrections
    records = corrections.read(run_dir)
    wanted = {r["sha256"] for r in records if corrections.kind_of(r) == "line"}
    docs, seen = [], set()
    for obj in batch.read_jsonl(Path(run_dir) / batch.RESULTS):
        sha = obj.get("sha256")
        if sha not in wanted or sha in seen:
            continue
        seen.add(sha)
        try:
            lines, labels, _ = corrections.report_lines(obj, run_dir, records)
        except (OSError, ValueError) as e:
            print(f"train: {e}; its corrections skipped", file=sys.stderr)
            continue
        docs.append(LabelledDoc(Path(obj["source"]).name, sha, lines, labels,
                                str(corrections.path_of(run_dir))))
    for sha in sorted(wanted - seen):
        print(f"train: {run_dir}: corrections of a report not in its results ({sha[:12]}…) skipped",
              file=sys.stderr)
    return docs


def _run_dir(p: Path) -> Optional[Path]:
    """The run directory ``p`` is or whose corrections file it is, else None."""
    from pipeline.corrections import CORRECTIONS
    if p.is_dir() and (p / CORRECTIONS).is_file():
        return p
    if p.name == CORRECTIONS and p.is_file():
        return p.parent
    return None


def _files(paths: Iterable[str | Path]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if _run_dir(p) is not None:
            out.append(p)
        elif p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith("."))
        else:
            out.append(p)
    return out


def load_data(paths: Sequence[str | Path], gold_dir: Optional[str | Path] = None) -> list[LabelledDoc]:
    """Labelled documents from JSONL, Label Studio exports, gold JSON and reports (see module doc)."""
    gold = load_gold(gold_dir) if gold_dir else {}
    docs: list[LabelledDoc] = []
    used_gold: set[str] = set()
    files = _files(paths)
    for f in files:
        name = f.name.lower()
        run = _run_dir(f)
        if run is not None:
            docs += labelled_from_run(run)
        elif name.endswith((".jsonl", ".jsonl.gz")):
            docs += read_jsonl(f)
        elif name.endswith(".json"):
            obj = json.loads(f.read_text(encoding="utf-8"))
            if isinstance(obj, list):
                docs += read_labelstudio(f)
            elif isinstance(obj, dict) and "lines" in obj:
                if any(doc_stem(g) == doc_stem(f) and g.suffix.lower() in DOCUMENT_SUFFIXES for g in files):
                    continue  # its report is among the data: read there, with layout
                if obj["lines"]:
                    docs.append(gold_doc(obj, doc_stem(f), hashlib.sha256(f.read_bytes()).hexdigest(), str(f)))
        elif f.suffix.lower() in DOCUMENT_SUFFIXES:
            g = gold.get(doc_stem(f))
            if g is None:
                sibling = f.parent / f"{doc_stem(f)}.json"
                g = json.loads(sibling.read_text(encoding="utf-8")) if sibling.is_file() else None
            if g is None or not g.get("lines"):
                print(f"train: {f}: no gold lines, skipped", file=sys.stderr)
                continue
            used_gold.add(doc_stem(f))
            docs.append(labelled_from_document(f, g))
    return docs


def heldout_inputs(folder: str | Path = HELDOUT_DIR) -> list[Path]:
    """The held-out real reports (every file of the folder that is a report)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES)


def drop_heldout(docs: Sequence[LabelledDoc], heldout: Sequence[str | Path]) -> list[LabelledDoc]:
    """Refuse training documents that are held-out reports (same bytes or same stem)."""
    hashes, stems = set(), set()
    for p in heldout:
        p = Path(p)
        stems.add(doc_stem(p))
        try:
            hashes.add(hashlib.sha256(p.read_bytes()).hexdigest())
        except OSError:
            pass
    keep = []
    for d in docs:
        if d.sha256 in hashes or doc_stem(d.name) in stems:
            print(f"train: {d.name}: a held-out report, not trained on", file=sys.stderr)
            continue
        keep.append(d)
    return keep


# --- the repository's training set --------------------------------------------------------

def _synthetic_one(job: tuple[int, str]) -> LabelledDoc:
    """One generated report in one output style, read back and labelled from its gold."""
    from training import generate as G
    seed, style = job
    s = G.generate(seed)
    with tempfile.TemporaryDirectory() as tmp:
        suffix, ext = G.OUTPUT_NAMES[style]
        path = Path(tmp) / f"synth_{seed:05d}{suffix}{ext}"
        if style == "pdf":
            G.write_pdf(s, path)
        elif style == "scan":
            G.write_scan(s, path)
        else:
            G.write_text(s, path, style)
        gold = {"lines": G.gold_lines(s, None if style in ("pdf", "scan") else style)}
        return labelled_from_document(path, gold, path.name)


# Generated web-archive dumps that lost their line breaks: archive metadata, then the
# whole report body on one line (labelled narrative: the body, to be decoded by
# pipeline.runtogether), as some archived web pages come.
N_FLATTENED = 10
FIRST_FLAT_SEED = 40_000
ARCHIVE_MARKER = "==================== 正文 ===================="


def _flattened_one(seed: int) -> LabelledDoc:
    """One generated report as a one-line web dump behind archive metadata."""
    from training import generate as G
    s = G.generate(seed)
    body = [t for t, lab in G.text_lines(s, "pipe") if t.strip()]
    title = f"{s.meta['agency']}{s.meta['year']}年度政府信息公开工作年度报告"
    head = [f"标题: {title}", f"发布时间: {s.meta['date']} 10:00", "文号: ", "发布机构: ",
            "栏目: 政府信息公开年报", f"原文链接: https://www.example.gov.cn/zwgk/{seed}.htm", ARCHIVE_MARKER]
    crumb = "当前位置： 首页政务公开政府信息公开年报 " if seed % 2 else ""
    text = " ".join(crumb + " ".join(t.replace("|", " ").split()) for t in [" ".join(body)])
    gold = {"lines": [{"page": 1, "text": h, "label": "other"} for h in head] +
            [{"page": 1, "text": text, "label": "narrative"}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"flat_{seed:05d}.page.txt"
        path.write_text("\n".join(head + [text]) + "\n", encoding="utf-8")
        return labelled_from_document(path, gold, path.name)


def synthetic_jobs(n: int = N_SYNTHETIC, n_scans: int = N_SYNTHETIC_SCANS) -> list[tuple[int, str]]:
    """(seed, style) of the repository's generated training reports."""
    jobs = [(i, SYNTH_STYLES[i % len(SYNTH_STYLES)]) for i in range(n)]
    return jobs + [(FIRST_SCAN_SEED + i, "scan") for i in range(n_scans)]


def build_data(out_dir: str | Path = DATA_DIR, n: int = N_SYNTHETIC, n_scans: int = N_SYNTHETIC_SCANS,
               workers: int = 2) -> list[Path]:
    """Write ``seeds``, ``synthetic`` and ``flattened.jsonl.gz`` (deterministic for the same code)."""
    from multiprocessing import Pool
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gold = load_gold(GOLD_DIR)
    seeds = [labelled_from_document(p, gold[doc_stem(p)]) for p in sorted(SEEDS_DIR.glob("*.txt"))
             if doc_stem(p) in gold]
    write_jsonl(seeds, out / "seeds.jsonl.gz")
    jobs = synthetic_jobs(n, n_scans)
    with Pool(workers) as pool:
        synth = pool.map(_synthetic_one, jobs, chunksize=1)
    write_jsonl(synth, out / "synthetic.jsonl.gz")
    flat = [_flattened_one(FIRST_FLAT_SEED + i) for i in range(N_FLATTENED)]
    write_jsonl(flat, out / "flattened.jsonl.gz")
    return [out / "seeds.jsonl.gz", out / "synthetic.jsonl.gz", out / "flattened.jsonl.gz"]


# --- training and its card ------------------------------------------------------------------

def training_card(docs: Sequence[LabelledDoc], kind: str) -> dict:
    """The card's account of the training data."""
    counts = Counter(lab for d in docs for lab in d.labels)
    return {"name": classifier.MODEL_NAME, "kind": kind,
            "labels": [lab for lab in LABELS if lab in counts],
            "training": {
                "documents": [{"name": d.name, "sha256": d.sha256, "lines": len(d.lines),
                               "from": Path(d.origin).name} for d in docs],
                "lines": sum(counts.values()), "label_counts": dict(sorted(counts.items())),
                "params": {"crf": {"c1": classifier.CRF_C1, "c2": classifier.CRF_C2,
                                   "max_iterations": classifier.CRF_MAX_ITERATIONS},
                           "logreg": {"C": classifier.LOGREG_C, "max_iter": classifier.LOGREG_MAX_ITER}}[kind]}}


def fit_metrics(clf: classifier.LineClassifier, docs: Sequence[LabelledDoc]) -> dict:
    """Line metrics of the model on documents with known labels (training fit, or a split)."""
    true, pred = [], []
    for d in docs:
        true += d.labels
        pred += clf.predict(d.lines)
    m = scoring.line_metrics(true, pred)
    return {k: m[k] for k in ("macro_f1", "accuracy", "correct", "total")}


def heldout_metrics(labelers: dict, gold_dir: str | Path, inputs: Sequence[str | Path]) -> dict:
    """Held-out evaluation of each labeler, as the summary figures the card keeps."""
    reports = evaluate_many(gold_dir, inputs, labelers)
    out = {}
    for name, r in reports.items():
        out[name] = {"line_macro_f1": r["lines"]["macro_f1"], "line_accuracy": r["lines"]["accuracy"],
                     "lines": r["lines"]["total"],
                     "per_label_f1": {k: v["f1"] for k, v in r["lines"]["per_label"].items()},
                     "cells": {"correct": r["cells"]["correct"], "total": r["cells"]["total"],
                               "accuracy": r["cells"]["accuracy"]},
                     "documents": r["documents"],
                     "per_document": {Path(d["input"]).name: {
                         "line_macro_f1": d["lines"]["macro_f1"] if "lines" in d else None,
                         "cells_correct": d["cells"]["correct"], "cells_total": d["cells"]["total"]}
                         for d in r["per_document"]}}
    return out


def train(data: Sequence[str | Path], out_dir: str | Path, *, gold_dir: Optional[str | Path] = None,
          kind: str = classifier.DEFAULT_KIND, heldout: Optional[Sequence[str | Path]] = None,
          heldout_gold: Optional[str | Path] = None, replace: bool = False, log=sys.stderr) -> dict:
    """Train on ``data``, evaluate on the held-out reports, write model and card.

    Returns the card.  With ``replace`` the model is also copied over the shipped one.
    """
    heldout = list(heldout or [])
    docs = drop_heldout(load_data(data, gold_dir), heldout)
    if not docs:
        raise ValueError("no labelled documents in the training data")
    print(f"train: {len(docs)} documents, {sum(len(d.lines) for d in docs)} lines; fitting {kind}",
          file=log)
    clf = classifier.fit([(d.lines, d.labels) for d in docs], kind)
    card = training_card(docs, kind)
    card["metrics"] = {"training_fit": fit_metrics(clf, docs)}
    if heldout and heldout_gold:
        print(f"train: evaluating on {len(heldout)} held-out reports", file=log)
        card["metrics"]["heldout"] = heldout_metrics({"model": clf, "rules": rule_label}, heldout_gold, heldout)
        card["heldout_documents"] = [{"name": Path(p).name,
                                      "sha256": hashlib.sha256(Path(p).read_bytes()).hexdigest()}
                                     for p in heldout]
    path = classifier.save(clf, out_dir, card=card)
    print(f"train: wrote {path}", file=log)
    if replace:
        for f in (path, path.parent / clf.card["weights"]):
            shutil.copyfile(f, classifier.MODELS_DIR / f.name)
        print(f"train: replaced the shipped model in {classifier.MODELS_DIR}", file=log)
    return clf.card


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="rebuild training/data from the seeds and the generator")
    b.add_argument("--n", type=int, default=N_SYNTHETIC)
    b.add_argument("--scans", type=int, default=N_SYNTHETIC_SCANS)
    b.add_argument("--workers", type=int, default=2)
    f = sub.add_parser("fit", help="train the shipped model from training/data (and evaluate on data/corpus/real)")
    f.add_argument("--kind", choices=classifier.KINDS, default=classifier.DEFAULT_KIND)
    f.add_argument("--out", default=str(classifier.MODELS_DIR))
    args = ap.parse_args(argv)
    if args.cmd == "build":
        for p in build_data(DATA_DIR, args.n, args.scans, args.workers):
            print(f"wrote {p}", file=sys.stderr)
        return 0
    train([DATA_DIR], args.out, kind=args.kind, heldout=heldout_inputs(), heldout_gold=GOLD_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())

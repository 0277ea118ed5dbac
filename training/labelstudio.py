"""Labelled lines on disk: the JSONL that ``nianbao label`` writes and a person
corrects, Label Studio's import and export formats, and gold JSON.

JSONL: one line of a document per record, in document order, with everything
the features need (text, cells, box, font size, bold, grid), so a corrected
file retrains the model without the original document::

    {"doc": "report", "sha256": "…", "index": 0, "page": 1, "text": "一、总体情况",
     "label": "heading", "preset": null, "source": "pdf", "box": [72.0, 90.1, 180.2, 104.3], …}

Label Studio: one task per document; its lines are ``Paragraphs`` labelled with
``ParagraphLabels`` (see LABEL_CONFIG), the predicted labels as pre-annotations.
A person corrects the regions and exports JSON; ``read_labelstudio`` reads it back.
"""
from __future__ import annotations

import gzip
import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from pipeline.datamodel import LABELS, Cell, Line

# The labelling interface to paste into a Label Studio project (Settings > Labeling Interface).
LABEL_CONFIG = """<View>
  <ParagraphLabels name="label" toName="lines">
""" + "".join(f'    <Label value="{lab}"/>\n' for lab in LABELS) + """  </ParagraphLabels>
  <Paragraphs name="lines" value="$lines" layout="dialogue" nameKey="where" textKey="text"/>
</View>
"""
FROM_NAME, TO_NAME = "label", "lines"


@dataclass
class LabelledDoc:
    """One document's lines (with their layout) and a label for every line."""
    name: str
    sha256: str
    lines: list[Line]
    labels: list[str]
    origin: str = ""  # the file it was read from


# --- line records -------------------------------------------------------------------

def line_record(doc_name: str, sha256: str, index: int, line: Line, label: str) -> dict:
    """One JSONL record: the line, its layout, and the label to correct."""
    rec = {"doc": doc_name, "sha256": sha256, "index": index, "page": line.page, "text": line.text,
           "label": label, "preset": line.label, "source": line.source}
    if line.cells:
        rec["cells"] = [c.text for c in line.cells]
    if line.box:
        rec["box"] = [round(v, 2) for v in line.box]
    for key in ("font_size", "bold", "confidence"):
        v = getattr(line, key)
        if v is not None:
            rec[key] = round(v, 3) if isinstance(v, float) else v
    if line.in_grid:
        rec["in_grid"] = True
    return rec


def record_line(rec: dict) -> Line:
    """The Line a record describes (its ``preset`` label, not the corrected one)."""
    return Line(text=rec["text"], page=int(rec.get("page", 1)),
                cells=[Cell(c) for c in rec.get("cells", [])],
                box=tuple(rec["box"]) if rec.get("box") else None,
                font_size=rec.get("font_size"), bold=rec.get("bold"),
                source=rec.get("source", "text"), confidence=rec.get("confidence"),
                in_grid=bool(rec.get("in_grid")), label=rec.get("preset"))


def _open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def write_jsonl(docs: Iterable[LabelledDoc], path: str | Path) -> None:
    """Write documents as JSONL records (gzip when the name ends in .gz, reproducibly)."""
    path = Path(path)
    text = render_jsonl(list(docs))
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as gz:
            gz.write(text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


def read_jsonl(path: str | Path) -> list[LabelledDoc]:
    """Documents from a (corrected) JSONL file, grouped by document, in line order."""
    path = Path(path)
    groups: "OrderedDict[tuple, list[dict]]" = OrderedDict()
    with _open_text(path) as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except ValueError as e:
                raise ValueError(f"{path}:{n}: not JSON: {e}") from e
            groups.setdefault((rec.get("doc", ""), rec.get("sha256", "")), []).append(rec)
    docs = []
    for (name, digest), recs in groups.items():
        recs.sort(key=lambda r: r.get("index", 0))
        docs.append(LabelledDoc(name, digest, [record_line(r) for r in recs],
                                [_checked_label(r["label"], path) for r in recs], str(path)))
    return docs


def _checked_label(label: str, where) -> str:
    if label not in LABELS:
        raise ValueError(f"{where}: unknown label {label!r} (labels: {', '.join(LABELS)})")
    return label


# --- Label Studio ---------------------------------------------------------------------

def _regions(labels: Sequence[str], texts: Sequence[str]) -> list[dict]:
    """ParagraphLabels regions: one per run of lines with the same label."""
    out, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            out.append({"id": f"r{start}", "from_name": FROM_NAME, "to_name": TO_NAME,
                        "type": "paragraphlabels",
                        "value": {"start": str(start), "end": str(i - 1), "startOffset": 0,
                                  "endOffset": len(texts[i - 1]), "paragraphlabels": [labels[start]]}})
            start = i
    return out


def labelstudio_task(doc: LabelledDoc, model_version: str = "") -> dict:
    """A Label Studio task for one document, its predicted labels as pre-annotations."""
    items = []
    for i, (ln, lab) in enumerate(zip(doc.lines, doc.labels)):
        rec = line_record(doc.name, doc.sha256, i, ln, lab)
        for k in ("doc", "sha256", "text", "label"):
            rec.pop(k)
        # The predicted label also rides in the data: exports that list predictions by id
        # (Label Studio 1.9+) or drop them (JSON-MIN) still carry it.
        items.append({"where": f"p{ln.page}", "text": ln.text, "predicted": lab, "line": rec})
    texts = [ln.text for ln in doc.lines]
    return {"data": {"doc": doc.name, "sha256": doc.sha256, "lines": items},
            "predictions": [{"model_version": model_version,
                             "result": _regions(list(doc.labels), texts)}]}


def _labels_from_result(result: Sequence[dict], n: int) -> list[Optional[str]]:
    out: list[Optional[str]] = [None] * n
    for r in result:
        v = r.get("value", {})
        labs = v.get("paragraphlabels") or v.get("labels") or []
        if not labs or "start" not in v:
            continue
        start, end = int(v["start"]), int(v.get("end", v["start"]))
        for i in range(max(start, 0), min(end, n - 1) + 1):
            out[i] = labs[0]
    return out


def _task_parts(t: dict) -> tuple[dict, list[list[dict]], list[dict]]:
    """(data, annotation results newest last, prediction objects) of one exported task.

    JSON exports nest the task's data under ``data`` and list ``annotations``;
    ``predictions`` are objects, or (Label Studio 1.9+) bare prediction ids, which
    carry no labels; an annotation started from a prediction then holds it as
    its ``prediction`` object.  JSON-MIN exports flatten one annotation per record: the
    data keys at the top level and the regions, simplified, under the labels'
    ``from_name``.
    """
    if isinstance(t.get("data"), dict):
        kept = [a for a in t.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        preds = [p for p in t.get("predictions") or [] if isinstance(p, dict)]
        preds += [a["prediction"] for a in kept[-1:] if isinstance(a.get("prediction"), dict)]
        return t["data"], [a.get("result") or [] for a in kept], preds
    regions = t.get(FROM_NAME)
    if isinstance(regions, dict):  # one region is written without its list
        regions = [regions]
    result = [{"value": r} for r in regions or [] if isinstance(r, dict)]
    return t, ([result] if result else []), []


def read_labelstudio(path: str | Path) -> list[LabelledDoc]:
    """Documents from a Label Studio export, JSON or JSON-MIN (tasks made by
    ``labelstudio_task``).

    The latest annotation that was not cancelled is used; lines it leaves
    unlabelled keep the pre-annotation (the prediction object, else the
    ``predicted`` label the task's data carries).  Tasks nobody annotated are
    skipped: they were never corrected.
    """
    path = Path(path)
    tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(tasks, list):
        raise ValueError(f"{path}: not a Label Studio export (a JSON list of tasks)")
    docs = []
    for t in tasks:
        if not isinstance(t, dict):
            raise ValueError(f"{path}: not a Label Studio export (a task is {type(t).__name__})")
        data, anns, preds = _task_parts(t)
        if not anns:
            continue
        items = data.get("lines")
        if not isinstance(items, list):
            raise ValueError(f"{path}: task {data.get('doc')!r} has no lines (not made by `nianbao label`)")
        labels = _labels_from_result(anns[-1], len(items))
        pre = (_labels_from_result(preds[-1].get("result") or [], len(items)) if preds
               else [it.get("predicted") for it in items])
        labels = [a or b for a, b in zip(labels, pre)]
        missing = [i for i, lab in enumerate(labels) if lab is None]
        if missing:
            raise ValueError(f"{path}: task {data.get('doc')}: lines {missing[:5]} have no label")
        lines = [record_line(dict(it.get("line", {}), text=it["text"])) for it in items]
        docs.append(LabelledDoc(data.get("doc", ""), data.get("sha256", ""), lines,
                                [_checked_label(lab, path) for lab in labels], str(path)))
    return docs


# --- gold JSON ----------------------------------------------------------------------

def gold_doc(gold: dict, name: str, sha256: str = "", origin: str = "") -> LabelledDoc:
    """A document from gold JSON alone: its lines without layout (as a text dump reads)."""
    from pipeline.backend.text import split_cells
    lines, labels = [], []
    for g in gold.get("lines", []):
        cells = split_cells(g["text"])
        ln = Line(" ".join(cells) or g["text"], page=int(g.get("page", 1)))
        if len(cells) > 1:
            ln.cells = [Cell(c) for c in cells]
        lines.append(ln)
        labels.append(_checked_label(g["label"], origin or name))
    return LabelledDoc(name, sha256, lines, labels, origin)


# --- labelling reports for correction -----------------------------------------------------

def label_file(path: str | Path, labeler) -> LabelledDoc:
    """Read a report and label its lines with ``labeler``, for a person to correct."""
    from pipeline.inputs import read_document
    doc = read_document(path)
    lines = doc.lines
    return LabelledDoc(Path(path).name, doc.sha256, lines, list(labeler(lines)), str(path))


def render_jsonl(docs: Sequence[LabelledDoc]) -> str:
    """The documents as JSONL records, one line of a document per record."""
    return "".join(json.dumps(line_record(d.name, d.sha256, i, ln, lab), ensure_ascii=False) + "\n"
                   for d in docs for i, (ln, lab) in enumerate(zip(d.lines, d.labels)))


def render_labelstudio(docs: Sequence[LabelledDoc], model_version: str = "") -> str:
    """The documents as a Label Studio import file (a JSON list of tasks)."""
    return json.dumps([labelstudio_task(d, model_version) for d in docs], ensure_ascii=False, indent=1) + "\n"

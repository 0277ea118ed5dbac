"""``nianbao evaluate``: run a labeler over inputs with gold, score, and report.

Gold is matched to an input by stem (the file name up to its first dot), so
``report.scan.pdf`` is scored against ``report.json`` like ``report.pdf``.
Scores come from :mod:`pipeline.scoring`; this module only runs the pipeline,
sums per-document scores, and writes the Markdown report and PNG plots.
"""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Optional, Sequence

from . import checks, scoring
from .datamodel import LABELS, Document, InputError
from .extract import extract_document
from .inputs import read_document
from .labels import Labeler
from .template import TEMPLATES


def doc_stem(path: str | Path) -> str:
    """A file name up to its first dot: the key that matches inputs to gold."""
    return Path(path).name.split(".", 1)[0]


# In a gold folder: the documents used to fix the code ({stem: why}); every other gold
# document is held out.  A held-out document whose failure is fixed moves here.
SPLITS_FILE = "splits.json"
SPLITS = ("held_out", "development")


def load_splits(gold_dir: str | Path) -> dict[str, str]:
    """Stem -> the reason it is development data (empty when the folder lists none)."""
    p = Path(gold_dir) / SPLITS_FILE
    if not p.is_file():
        return {}
    return dict(json.loads(p.read_text(encoding="utf-8")).get("development", {}))


def split_of(stem: str, development: dict[str, str]) -> str:
    return "development" if stem in development else "held_out"


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold JSON files of a folder, by stem."""
    out = {}
    for p in sorted(Path(gold_dir).glob("*.json")):
        try:
            obj = json.loads(p.read_text(encoding="utf-8"))
        except ValueError as e:
            raise ValueError(f"gold file {p} is not JSON: {e}") from e
        if isinstance(obj, dict) and "fields" in obj:
            out[doc_stem(p)] = obj
    return out


def gold_failed_checks(gold: dict) -> list[str]:
    """The checks the gold's own numbers fail (published inconsistencies)."""
    t = TEMPLATES.get(gold.get("template") or "")
    if t is None:
        return []
    fields = {f: gold["fields"].get(f) for f in t.field_ids}
    return [f"{c.rule}:{c.where}" for c in checks.run_checks(t, fields) if not c.ok]


def read_input(path: str | Path) -> tuple[Optional[Document], float, Optional[str]]:
    """The read Document, seconds taken, and the error when it cannot be read."""
    t0 = time.perf_counter()
    try:
        doc, error = read_document(path), None
    except InputError as e:
        doc, error = None, str(e)
    except Exception as e:  # a bug on one file must not lose the others' scores
        doc, error = None, f"internal error: {type(e).__name__}: {e}"
    return doc, time.perf_counter() - t0, error


def score_document(path: str | Path, doc: Optional[Document], read_seconds: float, error: Optional[str],
                   gold: dict, labeler: Optional[Labeler]) -> dict:
    """Extract a read Document with ``labeler`` and score it; an unreadable input
    scores every cell wrong.  ``doc`` is copied: labelling writes into its lines."""
    result = None
    t0 = time.perf_counter()
    if doc is not None:
        doc = copy.deepcopy(doc)
        try:
            result = extract_document(doc, labeler)
        except Exception as e:  # as in read_input
            error = f"internal error: {type(e).__name__}: {e}"
    seconds = read_seconds + time.perf_counter() - t0
    cells = scoring.cell_scores(gold.get("fields", {}), result.fields if result else {},
                                {f: c.status for f, c in result.cells.items()} if result else {},
                                gold.get("ambiguous") or {})
    out = {"input": str(path), "gold": doc_stem(path), "pages": len(doc.pages) if doc else 0,
           "seconds": round(seconds, 3), "template": result.template if result else None,
           "gold_template": gold.get("template"), "cells": cells,
           "exact": cells["correct"] == cells["total"]}
    if error:
        out["error"] = error
    if result:
        out["checks"] = scoring.check_scores([c.as_dict() for c in result.checks], gold_failed_checks(gold))
    if result and gold.get("lines"):
        lines = doc.lines
        out["lines"] = scoring.label_pairs(gold["lines"], lines, [ln.label or "other" for ln in lines])
    return out


def summarize(docs: Sequence[dict], labels: Sequence[str] = LABELS) -> dict:
    """Totals over documents: cells, exact documents, line metrics, checks, speed."""
    cells = {"correct": 0, "total": 0, "by_table": {}}
    true, pred = [], []
    unmatched = missed = gold_lines = line_docs = 0
    chk = {"passed": 0, "failed": 0, "unexpected": 0, "missing": 0}
    pages = seconds = 0.0
    for d in docs:
        cells = scoring.add_cells(cells, d["cells"])
        pages += d["pages"]
        seconds += d["seconds"]
        if "lines" in d:
            line_docs += 1
            true += d["lines"]["true"]
            pred += d["lines"]["pred"]
            unmatched += d["lines"]["unmatched_lines"]
            missed += d["lines"]["missed_gold"]
            gold_lines += d["lines"]["gold_lines"]
        if "checks" in d:
            for k in ("passed", "failed"):
                chk[k] += d["checks"][k]
            chk["unexpected"] += len(d["checks"]["unexpected"])
            chk["missing"] += len(d["checks"]["missing"])
    lines = scoring.line_metrics(true, pred, labels)
    lines.update({"documents": line_docs, "gold_lines": gold_lines, "unmatched_lines": unmatched,
                  "missed_gold_lines": missed})
    return {"documents": scoring.document_counts(docs),
            "cells": scoring.with_accuracy(cells),
            "lines": lines,
            "checks": chk,
            "speed": {"pages": int(pages), "seconds": round(seconds, 3),
                      "pages_per_second": round(pages / seconds, 3) if seconds else None}}


def _finish(docs: list[dict], name: str, gold_dir, skipped: list[str]) -> dict:
    report = {"labeler": name, "gold": str(gold_dir)}
    report.update(summarize(docs))
    development = load_splits(gold_dir)
    for d in docs:
        d["split"] = split_of(d["gold"], development)
    # Held-out figures apart from documents the code was fixed on.
    report["splits"] = {sp: {k: v for k, v in summarize([d for d in docs if d["split"] == sp]).items()
                             if k in ("documents", "cells", "checks")}
                        for sp in SPLITS if any(d["split"] == sp for d in docs)}
    for d in docs:  # per-document summaries without the raw label lists
        if "lines" in d:
            pairs = d.pop("lines")
            d["lines"] = {k: v for k, v in scoring.line_metrics(pairs["true"], pairs["pred"]).items()
                          if k in ("macro_f1", "accuracy", "correct", "total")}
            d["lines"].update(unmatched_lines=pairs["unmatched_lines"], missed_gold=pairs["missed_gold"])
        d["cells"] = scoring.with_accuracy(d["cells"])
    report["per_document"] = docs
    report["skipped"] = skipped
    return report


def evaluate_many(gold_dir: str | Path, inputs: Sequence[str | Path],
                  labelers: dict[str, Optional[Labeler]]) -> dict[str, dict]:
    """One report per labeler; each input is read once and labelled by each."""
    gold = load_gold(gold_dir)
    per: dict[str, list[dict]] = {name: [] for name in labelers}
    skipped = []
    for path in inputs:
        g = gold.get(doc_stem(path))
        if g is None:
            skipped.append(str(path))
            continue
        doc, secs, error = read_input(path)
        for name, labeler in labelers.items():
            per[name].append(score_document(path, doc, secs, error, g, labeler))
    return {name: _finish(docs, name, gold_dir, skipped) for name, docs in per.items()}


def evaluate(gold_dir: str | Path, inputs: Sequence[str | Path], labeler: Optional[Labeler] = None,
             labeler_name: str = "model") -> dict:
    """Evaluate ``labeler`` (None: the default) on every input that has gold."""
    return evaluate_many(gold_dir, inputs, {labeler_name: labeler})[labeler_name]


# --- report -------------------------------------------------------------------------

def _pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


def _kind_cells(cells: dict) -> list[str]:
    by = cells.get("by_kind", {})
    return [f"{by[k]['correct']} / {by[k]['total']}" if k in by else "–" for k in scoring.CELL_KINDS]


def split_table(report: dict) -> list[str]:
    """Cells right by kind of gold cell, held-out and development apart (Markdown lines)."""
    out = ["## Cells right by kind, held out apart from development", "",
           "Development: documents the code was fixed on (`" + SPLITS_FILE + "` in the gold folder). "
           "Printed zero and blank/absent cells are counted apart from printed non-zero ones; "
           "ambiguous: the gold itself cannot read the cell from the input.", "",
           "| split | inputs | reports | printed non-zero | printed zero | blank / absent | ambiguous | all |",
           "|---|---|---|---|---|---|---|---|"]
    rows = list(report.get("splits", {}).items()) + [("all", report)]
    for name, part in rows:
        d, c = part["documents"], part["cells"]
        out.append(f"| {name} | {d['total']} ({d['simulated_scans']} simulated scans) | {d['reports']} | "
                   + " | ".join(_kind_cells(c)) + f" | {c['correct']} / {c['total']} |")
    return out + [""]


def markdown(report: dict) -> str:
    """The evaluation as a Markdown report (plots referenced by file name)."""
    c, d, ln = report["cells"], report["documents"], report["lines"]
    out = [f"# Evaluation: labeler `{report['labeler']}`", "",
           f"Gold: `{report['gold']}`; {d['total']} inputs of {d['reports']} reports, {report['speed']['pages']} pages, "
           f"{report['speed']['pages_per_second']} pages/s.", "",
           "| measure | value |", "|---|---|",
           f"| cells right | {c['correct']} / {c['total']} ({_pct(c['accuracy'])}) |",
           f"| inputs with every cell right | {d['exact']} / {d['total']} "
           f"({d['simulated_scans']} simulated scans) |",
           f"| reports with every cell right (a PDF and its scan: one report) | "
           f"{d['reports_exact']} / {d['reports']} |",
           f"| line macro-F1 | {ln['macro_f1']:.4f} ({ln['total']} matched lines, {ln['documents']} documents) |",
           f"| line accuracy | {_pct(ln['accuracy'])} |",
           f"| checks passed / failed | {report['checks']['passed']} / {report['checks']['failed']} |",
           f"| failed table checks the gold does not fail | {report['checks']['unexpected']} |", "",
           ] + split_table(report) + [
           "## Cells by table", "", "| table | right | total | accuracy |", "|---|---|---|---|"]
    for t, v in c["by_table"].items():
        out.append(f"| {t} | {v['correct']} | {v['total']} | {_pct(v['accuracy'])} |")
    out += ["", "## Cells by how we got the value", "",
            "A value the rules chose (inferred, placed, re-read, decoded) is not evidence that the rules hold.",
            "", "| status | right | total | accuracy |", "|---|---|---|---|"]
    for t, v in c.get("by_status", {}).items():
        out.append(f"| {t} | {v['correct']} | {v['total']} | {_pct(v['accuracy'])} |")
    if ln["total"]:
        out += ["", "## Lines", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for lab, v in ln["per_label"].items():
            out.append(f"| {lab} | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} | {v['support']} |")
        labs = ln["confusion"]["labels"]
        out += ["", "Confusion (rows gold, columns predicted):", "",
                "| gold \\ predicted | " + " | ".join(labs) + " |", "|---" * (len(labs) + 1) + "|"]
        for lab, row in zip(labs, ln["confusion"]["matrix"]):
            out.append(f"| {lab} | " + " | ".join(map(str, row)) + " |")
        out += ["", f"Extracted lines matching no gold line: {ln['unmatched_lines']}; gold lines not "
                    f"found in the extraction: {ln['missed_gold_lines']} of {ln['gold_lines']}."]
    out += ["", "## Documents", "", "| input | template | cells | line macro-F1 | failed checks | s |",
            "|---|---|---|---|---|---|"]
    for doc in report["per_document"]:
        f1 = doc["lines"]["macro_f1"] if "lines" in doc else None
        failed = ", ".join(doc.get("checks", {}).get("failed_list", [])) or "–"
        out.append(f"| {Path(doc['input']).name} | {doc['template']} | {doc['cells']['correct']}/"
                   f"{doc['cells']['total']} | {'–' if f1 is None else f'{f1:.4f}'} | {failed} | "
                   f"{doc['seconds']} |")
    wrong = [(Path(doc["input"]).name, w) for doc in report["per_document"] for w in doc["cells"].get("wrong", [])]
    if wrong:
        out += ["", "## Wrong cells", "", "| input | field | gold | got |", "|---|---|---|---|"]
        out += [f"| {n} | {w['field']} | {w['gold']} | {w['got']} |" for n, w in wrong]
    if report.get("skipped"):
        out += ["", "Inputs without gold (skipped): " + ", ".join(report["skipped"])]
    out += ["", "![confusion](confusion.png)", "", "![per-label F1](line_f1.png)", "",
            "![cells by table](cells_by_table.png)", "", "![cells by document](cells_by_document.png)", ""]
    return "\n".join(out)


def plot(report: dict, out_dir: str | Path) -> list[Path]:
    """PNG plots: confusion matrix, per-label F1, cell accuracy by table and by document."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out = Path(out_dir)
    paths = []

    def save(fig, name):
        p = out / name
        fig.tight_layout()
        fig.savefig(p, dpi=100)
        plt.close(fig)
        paths.append(p)

    ln = report["lines"]
    labs = ln["confusion"]["labels"]
    m = ln["confusion"]["matrix"]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(labs)), labs, rotation=30, ha="right")
    ax.set_yticks(range(len(labs)), labs)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    top = max((v for row in m for v in row), default=0)
    for i, row in enumerate(m):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > top / 2 else "black")
    ax.set_title(f"lines ({report['labeler']}): macro-F1 {ln['macro_f1']:.3f}")
    save(fig, "confusion.png")

    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.bar(labs, [ln["per_label"][lab]["f1"] for lab in labs], color="#4c72b0")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.tick_params(axis="x", rotation=30)
    save(fig, "line_f1.png")

    by = report["cells"]["by_table"]
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(list(by), [v["accuracy"] or 0 for v in by.values()], color="#55a868")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("cells right")
    save(fig, "cells_by_table.png")

    docs = report["per_document"]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(docs) + 1.2))
    ax.barh([Path(d["input"]).name for d in docs], [d["cells"]["accuracy"] or 0 for d in docs], color="#c44e52")
    ax.set_xlim(0, 1.0)
    ax.invert_yaxis()
    ax.set_xlabel("cells right")
    save(fig, "cells_by_document.png")
    return paths


def write_report(report: dict, out_dir: str | Path) -> Path:
    """Write ``report.md``, ``report.json`` and the PNG plots into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    plot(report, out)
    path = out / "report.md"
    path.write_text(markdown(report), encoding="utf-8")
    return path


# --- narrative facts ---------------------------------------------------------------

def default_fact_inputs() -> list[Path]:
    """The repository's real reports (text files, web pages, text PDFs; not the simulated scans)."""
    root = Path(__file__).resolve().parent.parent / "data"
    return sorted(p for d in (root / "seeds", root / "corpus" / "real") for p in d.glob("*")
                  if p.suffix in (".txt", ".html", ".pdf"))


def evaluate_facts(gold_dir: str | Path, inputs: Optional[Sequence[str | Path]] = None,
                   split: Optional[str] = "eval", model_path: Optional[str] = None,
                   engine: Optional[str] = None) -> dict:
    """Narrative facts of the model and of the regexes against the hand gold.

    Each input whose stem has fact gold of ``split`` ("eval": the held-out documents;
    None: all) is extracted end to end; simulated scans (``.scan.``) are scored apart
    from the documents they render.  ``model_path``: another facts pipeline than the
    shipped one; ``engine``: what runs it (``facts.FACT_ENGINES``; default: the default one).
    """
    from .extract import extract_file
    gold = scoring.read_fact_gold(gold_dir, split)
    classify = None
    if model_path or engine:
        from .facts import DEFAULT_FACT_ENGINE, engine_classifier
        classify = engine_classifier(engine or DEFAULT_FACT_ENGINE, model_path)
    docs, scans = [], []
    excerpts = split in scoring.FACT_EXCERPT_SPLITS
    if excerpts:  # the gold holds the text, there is no document to extract
        docs = [excerpt_row(stem, g, classify) for stem, g in gold.items()]
    for path in (inputs or default_fact_inputs()) if not excerpts else ():
        stem = doc_stem(path)
        if stem not in gold:
            continue
        r = extract_file(path, classify=classify)
        gold_facts = [(f["name"], f["value"]) for f in gold[stem]["facts"]]
        model = [(f.name, f.value) for f in r.facts]
        regex = scoring.regex_facts(r.meta)
        contradictions = [c.as_dict() for c in r.checks if c.rule.startswith("stated_") and not c.ok]
        row = {"source": str(path), "stem": stem, "gold": gold_facts, "model": model, "regex": regex,
               "model_scores": scoring.fact_scores([(gold_facts, model)]),
               "regex_scores": scoring.fact_scores([(gold_facts, regex)]),
               "contradictions": contradictions, "warnings": [w for w in r.warnings if "facts" in w]}
        (scans if ".scan." in Path(path).name else docs).append(row)
    regex_names = sorted(set(scoring.REGEX_FACTS.values()))

    def block(rows: list[dict]) -> dict:
        pairs_m = [(d["gold"], d["model"]) for d in rows]
        pairs_r = [(d["gold"], d["regex"]) for d in rows]
        return {"model": scoring.fact_scores(pairs_m), "regex": scoring.fact_scores(pairs_r),
                "model_on_regex_names": scoring.fact_scores(pairs_m, regex_names),
                "regex_on_regex_names": scoring.fact_scores(pairs_r, regex_names)}

    out = {"split": split, "gold_dir": str(gold_dir), "documents": len(docs),
           "gold_facts": sum(len(d["gold"]) for d in docs), **block(docs), "docs": docs}
    if not docs:  # a held-out folder arrives with its annotator's branch: say so, score nothing
        out["warnings"] = [f"no fact gold of split {split!r} in {gold_dir} (nothing scored)"]
    if scans:
        out["simulated_scans"] = {"documents": len(scans), **block(scans), "docs": scans}
    return out


def excerpt_row(stem: str, gold: dict, classify=None) -> dict:
    """One excerpt of real narrative (``scoring.FACT_EXCERPT_SPLITS``) scored: the facts pipeline and the regexes on its text.

    The text goes through the same normalisation as a report's narrative
    (``facts.narrative_text``: NFKC); there is no table, so no contradictions.
    """
    import unicodedata
    from .facts import extract_facts
    from .narrative import stated_counts
    text = unicodedata.normalize("NFKC", gold["text"])
    gold_facts = [(f["name"], f["value"]) for f in gold["facts"]]
    model = [(f.name, f.value) for f in extract_facts(text, classify)]
    regex = scoring.regex_facts(stated_counts(text))
    return {"source": gold.get("source", stem), "stem": stem, "agency": gold.get("agency"), "gold": gold_facts,
            "model": model, "regex": regex, "model_scores": scoring.fact_scores([(gold_facts, model)]),
            "regex_scores": scoring.fact_scores([(gold_facts, regex)]), "contradictions": [], "warnings": []}


def facts_markdown(report: dict) -> str:
    """The fact evaluation as a short Markdown report."""
    def line(name: str, s: dict) -> str:
        return f"| {name} | {s['precision']} | {s['recall']} | {s['f1']} | {s['tp']} | {s['fp']} | {s['fn']} |"
    out = [f"# Narrative facts: {report['documents']} documents ({report['split'] or 'all'} split), "
           f"{report['gold_facts']} gold facts", "",
           "| extractor | precision | recall | F1 | right | wrong | missed |", "|---|---|---|---|---|---|---|",
           line("spaCy facts pipeline", report["model"]), line("regexes (narrative.STATED)", report["regex"]),
           line("spaCy, the regexes' 5 facts only", report["model_on_regex_names"]),
           line("regexes, their 5 facts only", report["regex_on_regex_names"])]
    if "simulated_scans" in report:
        s = report["simulated_scans"]
        out += ["", f"Simulated scans ({s['documents']}, the same reports rendered and OCR'd):", "",
                "| extractor | precision | recall | F1 | right | wrong | missed |", "|---|---|---|---|---|---|---|",
                line("spaCy facts pipeline", s["model"]), line("regexes", s["regex"])]
    out += ["", "## Contradictions (stated_* checks that fail)", ""]
    for d in report["docs"] + report.get("simulated_scans", {}).get("docs", []):
        for c in d["contradictions"]:
            out.append(f"- {Path(d['source']).name}: {c['rule']} — {c['detail']}")
    out += ["", "## Documents", "", "| document | gold | model P | model R | regex P | regex R |", "|---|---|---|---|---|---|"]
    for d in report["docs"]:
        m, r = d["model_scores"], d["regex_scores"]
        out.append(f"| {d['stem']} | {len(d['gold'])} | {m['precision']} | {m['recall']} | {r['precision']} | {r['recall']} |")
    out += ["", "## The model's errors (name, value)", ""]
    for d in report["docs"]:
        wrong, missed = scoring.fact_errors(d["gold"], d["model"])
        if wrong or missed:
            out.append(f"- {d['stem']}: wrong {_facts_text(wrong) or '–'}; missed {_facts_text(missed) or '–'}")
    return "\n".join(out) + "\n"


def _facts_text(facts: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{n} {v:g}" for n, v in facts)

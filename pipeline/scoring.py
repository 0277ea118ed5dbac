"""All scoring against gold: line labels, cells, documents, checks.

Gold per report is ``{"template", "fields", "lines": [{"page", "text", "label"}]}``
(see ``data/gold``).  Gold lines are written by a person reading the page, so
they need not split where the extraction splits: they are matched to the
extracted lines character by character (same page, normalised text, an edit
alignment that tolerates OCR misreads), and each extracted line takes the
label of the gold line most of its characters came from.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Optional, Sequence

from rapidfuzz.distance import Levenshtein

from . import factsplits
from .datamodel import LABELS, Line

# An extracted line takes a gold label only when at least this share of its
# characters aligns to gold characters (OCR junk and stamps align to nothing).
MIN_ALIGNED_SHARE = 0.5
# ... and at least this share must be the same characters: a misread digit
# aligns, a stamp's text substituted for a page number does not.
MIN_EQUAL_SHARE = 0.34
# A gold line counts as found when this share of its characters landed on extracted lines.
MIN_FOUND_SHARE = 0.5
# Money cells compare equal within this (the template's decimals have at most 2 places).
MONEY_TOLERANCE = 0.005
# Characters dropped before aligning: spaces, cell separators.
_SKIP = set(" \t\u3000|")


def align_chars(text: str) -> str:
    """The characters alignment works on: NFKC, without spaces and cell bars."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in _SKIP).lower()


@dataclass
class Alignment:
    """Which gold line each extracted line came from, and what was left over."""
    gold_index: list[Optional[int]]  # per extracted line
    gold_found: list[bool]  # per gold line


def _streams(texts: Sequence[str]) -> tuple[str, list[int]]:
    """Concatenated alignment characters and, per character, the index of its line."""
    chars, owner = [], []
    for i, t in enumerate(texts):
        a = align_chars(t)
        chars.append(a)
        owner += [i] * len(a)
    return "".join(chars), owner


def _align_block(gold: Sequence[str], pred: Sequence[str]) -> tuple[list[Optional[int]], list[bool]]:
    """Align one block (a page, or a whole document) of gold and extracted lines."""
    gs, gown = _streams(gold)
    ps, pown = _streams(pred)
    votes: list[Counter] = [Counter() for _ in pred]
    equal = [0] * len(pred)
    got = [0] * len(gold)
    for op in Levenshtein.opcodes(gs, ps):
        if op.tag not in ("equal", "replace"):
            continue
        n_src, n_dst = op.src_end - op.src_start, op.dest_end - op.dest_start
        for k in range(n_dst):  # a replace of unequal lengths maps proportionally
            g = op.src_start + (k * n_src) // n_dst
            votes[pown[op.dest_start + k]][gown[g]] += 1
            equal[pown[op.dest_start + k]] += op.tag == "equal"
        for k in range(n_src):
            got[gown[op.src_start + k]] += 1
    plen = Counter(pown)
    glen = Counter(gown)
    index: list[Optional[int]] = []
    for i, v in enumerate(votes):
        if v and sum(v.values()) >= MIN_ALIGNED_SHARE * plen[i] and equal[i] >= MIN_EQUAL_SHARE * plen[i]:
            index.append(v.most_common(1)[0][0])
        else:
            index.append(_best_bag(pred[i], gold))
    found = [glen[i] > 0 and got[i] >= MIN_FOUND_SHARE * glen[i] for i in range(len(gold))]
    return index, found


def _best_bag(text: str, gold: Sequence[str]) -> Optional[int]:
    """The gold line sharing most characters with ``text`` in any order, when they
    cover MIN_ALIGNED_SHARE of it: a grid row read in another order than the
    gold's text lines (a header whose cells the gold lists top to bottom)."""
    bag = Counter(align_chars(text))
    n = sum(bag.values())
    if not n:
        return None
    best, best_i = 0, None
    for j, g in enumerate(gold):
        common = sum((bag & Counter(align_chars(g))).values())
        if common > best:
            best, best_i = common, j
    return best_i if best >= MIN_ALIGNED_SHARE * n else None


def align_lines(gold: Sequence[dict], lines: Sequence[Line]) -> Alignment:
    """Match gold lines to extracted lines, page by page when both have the same pages."""
    gpages = sorted({int(g.get("page", 1)) for g in gold})
    ppages = sorted({ln.page for ln in lines})
    if gpages == ppages and len(gpages) > 1:
        blocks = [([i for i, g in enumerate(gold) if int(g.get("page", 1)) == p],
                   [i for i, ln in enumerate(lines) if ln.page == p]) for p in gpages]
    else:
        blocks = [(list(range(len(gold))), list(range(len(lines))))]
    index: list[Optional[int]] = [None] * len(lines)
    found = [False] * len(gold)
    for gi, pi in blocks:
        idx, fnd = _align_block([gold[i]["text"] for i in gi], [lines[i].text for i in pi])
        for k, j in zip(pi, idx):
            index[k] = None if j is None else gi[j]
        for k, ok in zip(gi, fnd):
            found[k] = ok
    return Alignment(index, found)


def gold_labels(gold: Sequence[dict], lines: Sequence[Line]) -> list[Optional[str]]:
    """The gold label of each extracted line (None where it matches no gold line)."""
    al = align_lines(gold, lines)
    return [None if j is None else gold[j]["label"] for j in al.gold_index]


# --- line labels ------------------------------------------------------------------

def label_pairs(gold: Sequence[dict], lines: Sequence[Line], predicted: Sequence[str]) -> dict:
    """(true, predicted) label pairs of one document's matched lines.

    A gold line may carry ``alt_label`` (a run-in heading that is also narrative):
    predicting either label is right.
    """
    al = align_lines(gold, lines)
    true, pred = [], []
    for j, p in zip(al.gold_index, predicted):
        if j is None:
            continue
        g = gold[j]
        t = p if p == g.get("alt_label") else g["label"]
        true.append(t)
        pred.append(p)
    return {"true": true, "pred": pred,
            "unmatched_lines": sum(1 for j in al.gold_index if j is None),
            "missed_gold": sum(1 for ok in al.gold_found if not ok),
            "gold_lines": len(gold)}


def line_metrics(true: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict:
    """Precision, recall and F1 per label, macro-F1 over labels present in gold or
    predictions, accuracy, and the confusion matrix (rows gold, columns predicted)."""
    idx = {lab: i for i, lab in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(true, pred):
        if t in idx and p in idx:
            matrix[idx[t]][idx[p]] += 1
    per_label = {}
    f1s = []
    for lab, i in idx.items():
        tp = matrix[i][i]
        support = sum(matrix[i])
        predicted = sum(row[i] for row in matrix)
        prec = tp / predicted if predicted else 0.0
        rec = tp / support if support else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_label[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                          "support": support, "predicted": predicted}
        if support or predicted:
            f1s.append(f1)
    total = sum(map(sum, matrix))
    correct = sum(matrix[i][i] for i in range(len(labels)))
    return {"per_label": per_label,
            "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
            "accuracy": round(correct / total, 4) if total else 0.0,
            "correct": correct, "total": total,
            "confusion": {"labels": list(labels), "matrix": matrix}}


# --- cells ----------------------------------------------------------------------

def same_value(gold, pred) -> bool:
    """Cell equality: both null, or equal numbers (money within MONEY_TOLERANCE)."""
    if gold is None or pred is None:
        return gold is None and pred is None
    try:
        return math.isclose(float(gold), float(pred), abs_tol=MONEY_TOLERANCE)
    except (TypeError, ValueError):
        return False


# What a gold cell holds, for figures that say what they measure: a right zero or a
# right null is easier than a right non-zero number.
CELL_KINDS = ("printed_nonzero", "printed_zero", "blank_absent", "ambiguous")


def cell_kind(fid: str, gold_value, gold_ambiguous: Optional[dict] = None) -> str:
    """``printed_nonzero``, ``printed_zero``, ``blank_absent`` (gold null: printed empty or
    not printed) or ``ambiguous`` (gold null because the input itself reads several ways)."""
    if gold_value is None:
        return "ambiguous" if gold_ambiguous and fid in gold_ambiguous else "blank_absent"
    return "printed_zero" if float(gold_value) == 0 else "printed_nonzero"


def _tally(counts: dict, key: str, ok: bool) -> None:
    c = counts.setdefault(key, {"correct": 0, "total": 0})
    c["correct"] += ok
    c["total"] += 1


def cell_scores(gold_fields: dict, pred_fields: dict, pred_statuses: Optional[dict] = None,
                gold_ambiguous: Optional[dict] = None) -> dict:
    """Cells right per table, per kind of gold cell (``CELL_KINDS``), per status of the
    predicted cell (``pred_statuses``: field id -> status; a value the rules chose is
    counted apart from a value read where it is printed), and overall, over every
    field id of the gold.

    A null gold cell (the document does not hold it) is right only when the
    prediction is null too; a field missing from the prediction is wrong.
    """
    tables: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict = {k: {"correct": 0, "total": 0} for k in CELL_KINDS}
    statuses: dict = {}
    wrong = []
    for fid, g in gold_fields.items():
        ok = fid in pred_fields and same_value(g, pred_fields[fid])
        t = tables[fid.split(".")[0]]
        t[0] += ok
        t[1] += 1
        _tally(kinds, cell_kind(fid, g, gold_ambiguous), ok)
        if pred_statuses is not None:
            _tally(statuses, pred_statuses.get(fid, "missing"), ok)
        if not ok:
            wrong.append({"field": fid, "gold": g, "got": pred_fields.get(fid),
                          "status": (pred_statuses or {}).get(fid)})
    correct = sum(t[0] for t in tables.values())
    total = sum(t[1] for t in tables.values())
    return {"correct": correct, "total": total,
            "by_table": {k: {"correct": c, "total": n} for k, (c, n) in tables.items()},
            "by_kind": kinds, "by_status": statuses,
            "wrong": wrong}


def _add_counts(a: dict, b: dict) -> dict:
    out = defaultdict(lambda: {"correct": 0, "total": 0})
    for part in (a, b):
        for k, v in part.items():
            out[k]["correct"] += v["correct"]
            out[k]["total"] += v["total"]
    return dict(out)


def add_cells(a: dict, b: dict) -> dict:
    """Sum two cell_scores results (``wrong`` lists are not carried)."""
    return {"correct": a.get("correct", 0) + b.get("correct", 0),
            "total": a.get("total", 0) + b.get("total", 0),
            "by_table": _add_counts(a.get("by_table", {}), b.get("by_table", {})),
            "by_kind": _add_counts(a.get("by_kind", {}), b.get("by_kind", {})),
            "by_status": _add_counts(a.get("by_status", {}), b.get("by_status", {}))}


def with_accuracy(cells: dict) -> dict:
    """``cells`` with an ``accuracy`` share added, overall and per table."""
    out = dict(cells)
    out["accuracy"] = round(cells["correct"] / cells["total"], 4) if cells["total"] else None
    for part in ("by_table", "by_kind", "by_status"):
        out[part] = {k: dict(v, accuracy=round(v["correct"] / v["total"], 4) if v["total"] else None)
                     for k, v in cells.get(part, {}).items()}
    return out


def report_key(input_name: str) -> str:
    """The report an input is of: its name up to the first dot (a PDF and its simulated
    scan, ``x.pdf`` and ``x.scan.pdf``, are two inputs of one report)."""
    return input_name.split("/")[-1].split(".", 1)[0]


def is_simulated_scan(input_name: str) -> bool:
    """The bundled ``*.scan.pdf`` files are renders of text PDFs, not real scans."""
    return ".scan." in input_name.split("/")[-1]


def document_counts(docs: Sequence[dict]) -> dict:
    """Inputs and reports (``report_key``), each with how many have every cell right;
    a report is exact when every input of it is."""
    by_report: dict[str, bool] = {}
    for d in docs:
        k = report_key(d["input"])
        by_report[k] = by_report.get(k, True) and d["exact"]
    return {"exact": sum(1 for d in docs if d["exact"]), "total": len(docs),
            "simulated_scans": sum(1 for d in docs if is_simulated_scan(d["input"])),
            "reports": len(by_report), "reports_exact": sum(by_report.values())}


# --- checks -----------------------------------------------------------------------

# Checks of the narrative's stated counts against the table (``stated_count`` from the
# regexes, ``stated_<fact>`` from the facts): the cell gold holds no stated counts, so their
# failures are reported but neither expected nor unexpected.
NARRATIVE_RULES = ("stated_count",)


def is_narrative_rule(rule: str) -> bool:
    return rule in NARRATIVE_RULES or rule.startswith("stated_")


def check_scores(result_checks: Sequence[dict], gold_failed: Sequence[str]) -> dict:
    """Checks passed and failed, and whether the table checks that failed are those the
    gold itself fails (a published inconsistency is expected to fail; anything else
    is a reading error)."""
    failed = [f"{c['rule']}:{c['where']}" for c in result_checks if not c["ok"]]
    table = {f for f in failed if not is_narrative_rule(f.split(":", 1)[0])}
    expected = set(gold_failed)
    return {"passed": sum(1 for c in result_checks if c["ok"]), "failed": len(failed),
            "failed_list": failed,
            "unexpected": sorted(table - expected),
            "missing": sorted(expected - table)}


# --- narrative facts ------------------------------------------------------------------

# The regexes' stated counts (``narrative.STATED``) under the fact names they state.
REGEX_FACTS = {"stated_active": "active_total", "stated_requests": "requests_received",
               "stated_natural_person": "requests_natural_person",
               "stated_normative_issued": "normative_issued", "stated_normative_in_force": "normative_in_force"}


# The excerpt splits (each in the subfolder of its name, the text inside the gold) and which
# of them are held out: one table, ``factsplits.EXCERPT_SPLITS``.
FACT_EXCERPT_SPLITS = factsplits.FACT_EXCERPT_SPLITS
HELD_OUT_EXCERPT_SPLITS = factsplits.HELD_OUT_EXCERPT_SPLITS


def read_fact_gold(gold_dir, split: Optional[str] = None) -> dict[str, dict]:
    """Hand gold of narrative facts by document stem (``data/gold/facts``); ``split``:
    only the "train" or the "eval" documents (development data), or the excerpts of one
    of ``FACT_EXCERPT_SPLITS`` (each file holds its ``text``)."""
    import json
    from pathlib import Path
    folder = Path(gold_dir) / split if split in FACT_EXCERPT_SPLITS else Path(gold_dir)
    out = {}
    for p in sorted(folder.glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        if "facts" in g and (split is None or g.get("split") == split):
            out[p.stem] = g
    return out


def regex_facts(meta: dict) -> list[tuple[str, float]]:
    """The regex baseline's stated counts as (fact name, value)."""
    return [(name, meta[k]) for k, name in REGEX_FACTS.items() if k in meta]


def fact_errors(gold: Sequence[tuple[str, float]], pred: Sequence[tuple[str, float]]
                ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(wrong, missed): predicted facts the gold lacks and gold facts not predicted (as multisets)."""
    g = Counter((n, float(v)) for n, v in gold)
    p = Counter((n, float(v)) for n, v in pred)
    return sorted((p - g).elements()), sorted((g - p).elements())


def fact_scores(pairs: Sequence[tuple[Sequence[tuple[str, float]], Sequence[tuple[str, float]]]],
                names: Optional[Sequence[str]] = None) -> dict:
    """Precision and recall of predicted facts against gold, over documents.

    ``pairs``: per document (gold, predicted), each a list of (fact name, value).  A
    predicted fact is right when the document's gold holds the same name and value
    (as a multiset: a fact stated twice must be found twice).  ``names``: score only
    these fact names (on both sides).
    """
    tp = fp = fn = 0
    by: dict = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    for gold, pred in pairs:
        keep = (lambda f: True) if names is None else (lambda f: f[0] in names)
        g = Counter((n, float(v)) for n, v in gold if keep((n, v)))
        p = Counter((n, float(v)) for n, v in pred if keep((n, v)))
        for key in set(g) | set(p):
            hit = min(g[key], p[key])
            by[key[0]]["tp"] += hit
            by[key[0]]["fp"] += p[key] - hit
            by[key[0]]["fn"] += g[key] - hit
            tp, fp, fn = tp + hit, fp + p[key] - hit, fn + g[key] - hit
    ratio = lambda a, b: round(a / b, 4) if b else None  # noqa: E731
    prec, rec = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f1 = round(2 * prec * rec / (prec + rec), 4) if prec and rec else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1,
            "by_name": {k: dict(v) for k, v in sorted(by.items())}}

"""Text PDFs: `nianbao extract` against the fairest baselines, in one run on the same files.

Readers, all in this one process (imports and the shipped model loaded before
timing; start-up is `bench_startup.py`'s), taken in turn file by file and
repeated ``--repeat`` times:

* ``nianbao``: :func:`pipeline.extract.extract_file`, all of it (reading, labels,
  tables, checks and the narrative's facts, whose model (default engine) runs on every sentence
  that holds a figure); and again with that model not run (``classify`` naming no
  figure: the facts' rules and checks still run), to show what the facts model costs;
* ``pdfplumber tables``: pdfplumber ``extract_tables()`` at its defaults, and
* ``camelot lattice``: Camelot's default flavour, both with the SAME mapping of
  rows by their printed labels (``benchmarks/baselines.py``);
* floors, text only: pdfplumber ``extract_words()`` and PDFium's characters
  with their boxes (pypdfium2).

Files: the 3 real text PDFs of ``data/corpus/real`` (gold in ``data/gold``) and
``--n`` generated reports per table ruling (``training.generate``: ruled grid,
rules between rows only, borderless), seeds from ``--seed`` (1000+: kept for
figures, never used to change the code).  Printed per group: cells right (split
into printed non-zero, printed zero, blank or absent, ambiguous), documents exact, wall and CPU
seconds per page (min and median over the repeats), and the median of the
per-repeat time ratios against pdfplumber ``extract_tables()``.  Usage:

    .venv/bin/python benchmarks/bench_text_pdf.py [--n 6] [--repeat 3] [--seed 1000] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from baselines import camelot_tables, map_by_labels, pdfium_chars, plumber_tables, plumber_words  # noqa: E402
from pipeline.scoring import CELL_KINDS, cell_scores  # noqa: E402

REAL = ROOT / "data" / "corpus" / "real"
GOLD = ROOT / "data" / "gold"
LAYOUT_NAMES = {"grid": "generated, ruled grid", "hlines": "generated, rules between rows",
                "borderless": "generated, borderless"}


def _nianbao(path: str) -> dict:
    from pipeline.extract import extract_file
    return extract_file(path).fields


def _no_fact_model(sentences: list[str]) -> list[list]:
    """A facts classifier that names no figure (the facts model not run)."""
    return [[] for _ in sentences]


def _nianbao_no_facts(path: str) -> dict:
    from pipeline.extract import extract_file
    return extract_file(path, classify=_no_fact_model).fields


READERS = {
    "nianbao extract": _nianbao,
    "nianbao extract, facts model not run": _nianbao_no_facts,
    "pdfplumber extract_tables + labels": lambda p: map_by_labels(plumber_tables(p)),
    "camelot lattice + labels": lambda p: map_by_labels(camelot_tables(p)),
    "pdfplumber extract_words (floor)": plumber_words,
    "pypdfium2 characters (floor)": pdfium_chars,
}
BASELINE = "pdfplumber extract_tables + labels"


def files(n: int, seed: int, tmp: Path) -> list[tuple[str, str, dict]]:
    """(group, path, gold) for the real text PDFs and n generated PDFs per layout."""
    out = []
    for pdf in sorted(REAL.glob("*.pdf")):
        if ".scan." not in pdf.name:
            out.append(("real text PDFs", str(pdf), json.loads((GOLD / f"{pdf.stem}.json").read_text())))
    from training.generate import LAYOUTS, generate, write_pdf
    for layout in LAYOUTS:
        for i in range(n):
            s = generate(seed + i, layout=layout)
            p = tmp / f"{layout}_{seed + i}.pdf"
            write_pdf(s, p)
            out.append((LAYOUT_NAMES[layout], str(p), {"template": s.template, "fields": s.fields}))
    return out


def measure(items, repeat: int) -> dict:
    """reader -> path -> {"fields", "wall": [s per repeat], "cpu": [...]}."""
    for fn in READERS.values():  # imports, the shipped model, Camelot's set-up
        fn(items[0][1])
    res = {name: {p: {"wall": [], "cpu": []} for _, p, _ in items} for name in READERS}
    for _ in range(repeat):
        for _, path, _ in items:
            for name, fn in READERS.items():
                w, c = time.perf_counter(), time.process_time()
                got = fn(path)
                r = res[name][path]
                r["wall"].append(time.perf_counter() - w)
                r["cpu"].append(time.process_time() - c)
                r["fields"] = got if isinstance(got, dict) else None
    return res


def summarize(items, res) -> list[dict]:
    import pypdfium2 as pdfium
    pages = {p: len(pdfium.PdfDocument(p)) for _, p, _ in items}
    out = []
    for group in dict.fromkeys(g for g, _, _ in items):
        mine = [(p, gold) for g, p, gold in items if g == group]
        n_pages = sum(pages[p] for p, _ in mine)
        base = [sum(res[BASELINE][p]["wall"][k] for p, _ in mine) for k in range(len(res[BASELINE][mine[0][0]]["wall"]))]
        for name in READERS:
            walls = [sum(res[name][p]["wall"][k] for p, _ in mine) for k in range(len(base))]
            cpus = [sum(res[name][p]["cpu"][k] for p, _ in mine) for k in range(len(base))]
            row = {"group": group, "reader": name, "documents": len(mine), "pages": n_pages,
                   "wall_s_per_page": {"min": min(walls) / n_pages, "median": statistics.median(walls) / n_pages},
                   "cpu_s_per_page": {"min": min(cpus) / n_pages, "median": statistics.median(cpus) / n_pages},
                   "time_vs_extract_tables": statistics.median(w / b for w, b in zip(walls, base))}
            if res[name][mine[0][0]]["fields"] is not None:
                right = total = exact = 0
                kinds = {k: {"correct": 0, "total": 0} for k in CELL_KINDS}
                for p, gold in mine:
                    s = cell_scores(gold["fields"], res[name][p]["fields"], gold_ambiguous=gold.get("ambiguous"))
                    right, total, exact = right + s["correct"], total + s["total"], exact + (s["correct"] == s["total"])
                    for k, v in s["by_kind"].items():
                        kinds[k]["correct"] += v["correct"]
                        kinds[k]["total"] += v["total"]
                row.update(cells={"correct": right, "total": total, **kinds}, documents_exact=exact)
            out.append(row)
    return out


def table(rows: list[dict]) -> str:
    lines = ["| files | reader | cells right | " + " | ".join(CELL_KINDS) + " | docs exact | s/page (min / median) "
             "| CPU s/page | × extract_tables |", "|---|---|---|" + "---|" * len(CELL_KINDS) + "---|---|---|---|"]
    for r in rows:
        c = r.get("cells")
        cells = (f"{c['correct']}/{c['total']} = {100 * c['correct'] / c['total']:.1f}%" if c else "")
        kinds = [f"{c[k]['correct']}/{c[k]['total']}" if c else "" for k in CELL_KINDS]
        exact = f"{r['documents_exact']}/{r['documents']}" if c else ""
        w, u = r["wall_s_per_page"], r["cpu_s_per_page"]
        lines.append(f"| {r['group']} ({r['documents']}, {r['pages']} p.) | {r['reader']} | {cells} | "
                     + " | ".join(kinds) + f" | {exact} | {w['min']:.4f} / {w['median']:.4f} | "
                     f"{u['median']:.4f} | {r['time_vs_extract_tables']:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=6, help="generated PDFs per table ruling")
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")  # Camelot warns about pages without tables
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        items = files(args.n, args.seed, Path(tmp))
        rows = summarize(items, measure(items, args.repeat))
    print(table(rows))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

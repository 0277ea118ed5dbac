"""Scans as offices make them: cells right, documents exact, orientation, time and memory
per hazard, against plain full-page RapidOCR (its defaults: detection, angle classifier on,
recognition) on the same pages in the same run.

Per hazard, ``--docs`` generated reports (``training.generate``, seeds from ``--seed``: a
range no test and no tuning used) are scanned with the hazard (``write_scan(...,
hazard=...)``; borderless tables: ``generate(..., layout="borderless")``, and
``borderless-fax`` those tables written as a fax; ``clean``: the
ordinary upright scan, ``write_scan`` with no hazard, which gives the "clean scans <= 0.5x
plain RapidOCR" figure).  Each side runs in its own process per hazard; its peak memory
is the worst document's: per document, the process's high-water mark of resident memory
(VmHWM, reset before the document through /proc/self/clear_refs), models included.
Cells are split into printed non-zero, printed zero and blank; the baseline's cells come from positional mapping (the n-th number
of the document to the n-th printed field).

Per hazard, ours runs on every document, then the baseline on the first
``--baseline-docs``; ``--baseline-seconds`` bounds each hazard's baseline run (it stops
after the document that passes the budget, the figures say on how many documents it ran,
and the time ratio is taken on exactly those).

    nice .venv/bin/python benchmarks/bench_scan_hazards.py [--docs 10] [--seed 900000]
        [--hazards clean rotated skew seal fax photo borderless borderless-fax] [--baseline-docs N]
        [--baseline-seconds S]

``--orientation-cost N`` instead measures what orientation detection costs on clean,
upright scans (N generated reports, seeds from ``--seed``), in one process: per page the
whole page read, and the page preparation with and without the orientation tests
(``_working_image(..., orient=False)``); the difference is the orientation step.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.lexicon import DECIMAL  # noqa: E402

HAZARDS = ("clean", "rotated", "skew", "seal", "fax", "photo", "borderless", "borderless-fax")
# Entries that are (also) a layout of the report: borderless tables, scanned or faxed.
LAYOUTS = {"borderless": "borderless", "borderless-fax": "borderless"}
SCAN_HAZARDS = {"clean": None, "borderless": None, "borderless-fax": "fax"}  # write_scan's hazard, where not the entry's


def scan_path(tmp: Path, hazard: str, seed: int) -> Path:
    return tmp / f"{hazard}_{seed}{'.tif' if hazard == 'photo' else '.pdf'}"


def make(hazard: str, seed: int, tmp: Path) -> dict:
    """Write one hazard scan; its gold fields and the truth rotation per page."""
    from training.generate import generate, write_scan
    from training.generate.hazards import hazard_params

    s = generate(seed, layout=LAYOUTS.get(hazard))
    scan_hazard = SCAN_HAZARDS.get(hazard, hazard)
    path = scan_path(tmp, hazard, seed)
    write_scan(s, path, hazard=scan_hazard)
    rot = [p["rotation"] for p in hazard_params(seed, scan_hazard, len(s.pages))["pages"]]
    return {"path": str(path), "fields": s.fields, "template": s.template, "rotations": rot}


def page_images(path: str):
    """The pages of a scan as arrays, as a plain OCR user would feed them (150 dpi renders)."""
    import numpy as np

    if path.endswith(".pdf"):
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(path)
        for page in pdf:
            yield np.array(page.render(scale=150 / 72).to_pil().convert("RGB"))[:, :, ::-1].copy()
        pdf.close()
    else:
        from PIL import Image
        im = Image.open(path)
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            yield np.array(im.convert("RGB"))[:, :, ::-1].copy()


def worker_ours(files: list[str]) -> None:
    from pipeline.extract import extract_file

    for f in files:
        reset = reset_peak()
        t = time.perf_counter()
        r = extract_file(f)
        secs = time.perf_counter() - t
        rot = r.meta.get("rotated_pages", {})
        print(json.dumps({"path": f, "secs": secs, "pages": r.pages, "fields": r.fields,
                          "rotations": [rot.get(k, 0) for k in range(1, r.pages + 1)],
                          "seals": len(r.meta.get("seals", [])), "peak_mib": peak_mib(), "peak_reset": reset}),
              flush=True)


def worker_plain(files: list[str], budget: float | None = None) -> None:
    """Plain RapidOCR on each file's pages; after the document that passes ``budget``
    seconds (if given) it stops, and the figures cover the documents it finished."""
    from rapidocr import RapidOCR

    eng = RapidOCR()  # its defaults: angle classifier on
    start = time.perf_counter()
    for f in files:
        if budget is not None and time.perf_counter() - start > budget:
            break
        reset = reset_peak()
        t = time.perf_counter()
        nums, pages = [], 0
        for img in page_images(f):
            res = eng(img)
            pages += 1
            if res.boxes is None:
                continue
            items = sorted(zip(res.boxes, res.txts), key=lambda b: (round(b[0][0][1] / 12), b[0][0][0]))
            nums += [t.strip() for _, t in items if DECIMAL.fullmatch(t.strip())]
        print(json.dumps({"path": f, "secs": time.perf_counter() - t, "pages": pages, "numbers": nums,
                          "peak_mib": peak_mib(), "peak_reset": reset}), flush=True)


def orientation_cost(docs: int, seed: int, tmp: Path) -> None:
    """Print the orientation step's time on clean upright scans, against the whole page read."""
    from pipeline.backend.scan import _pdf_images, read_page_image
    from pipeline.backend.scan.deskew import _working_image
    from training.generate import generate, write_scan

    images = []
    for i in range(docs):
        path = tmp / f"clean_{seed + i}.pdf"
        write_scan(generate(seed + i), path)
        images += [img for img, _ in _pdf_images(path.read_bytes(), None, 150)]
    read_page_image(images[0])  # models loaded outside the timing
    full = on = off = 0.0
    for img in images:
        t0 = time.perf_counter()
        read_page_image(img)
        t1 = time.perf_counter()
        _working_image(img)
        t2 = time.perf_counter()
        _working_image(img, orient=False)
        t3 = time.perf_counter()
        full, on, off = full + t1 - t0, on + t2 - t1, off + t3 - t2
    n = len(images)
    print(f"orientation cost on {n} clean upright pages (seeds {seed}..{seed + docs - 1}): "
          f"page read {full / n:.2f} s/page; preparation {on / n:.3f} s with orientation, "
          f"{off / n:.3f} s without; orientation step {(on - off) / n:.3f} s/page = "
          f"{100 * (on - off) / full:.1f}% of the page read", flush=True)


def run_worker(kind: str, files: list[str], budget: float | None = None) -> tuple[list[dict], float]:
    """Run a worker process; its JSON lines and the worst document's peak RSS in MiB."""
    extra = [] if budget is None else ["--budget", str(budget)]
    cmd = ["nice", sys.executable, __file__, "--worker", kind, *extra, *files]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(f"{kind} worker failed: {p.stderr[-3000:]}")
    rows = [json.loads(ln) for ln in p.stdout.splitlines() if ln.startswith("{")]
    if not all(r["peak_reset"] for r in rows):
        print(f"  ({kind}: the peak could not be reset per document: it covers the documents before)")
    return rows, max((r["peak_mib"] for r in rows), default=0.0)


def reset_peak() -> bool:
    """Start a new high-water mark of this process's resident memory (Linux: writing 5
    to /proc/self/clear_refs resets VmHWM to the current RSS), so that the next
    :func:`peak_mib` is one document's peak: what was already resident (models, the
    interpreter) plus what reading that document added.  False where it cannot be reset
    (not Linux, or not allowed)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mib() -> float:
    """This process's peak RSS in MiB since the last :func:`reset_peak`: VmHWM.
    ru_maxrss would not do: it cannot be reset, and Linux carries it over from the
    forking parent through exec, so a worker would report the generator's peak."""
    try:
        with open("/proc/self/status") as f:
            kib = next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))
    except (OSError, StopIteration):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024


def positional(nums: list[str], gold: dict) -> dict:
    """The n-th number of the document to the n-th printed field (the baseline's mapping)."""
    from pipeline.template import get

    printed = [f for f in get(gold["template"]).field_ids if gold["fields"][f] is not None]
    return {f: float(v) for f, v in zip(printed, nums)}


def summary(name: str, golds: list[dict], preds: list[dict], secs: float, pages: int, peak: float,
            orient: str) -> str:
    from pipeline.scoring import cell_scores

    kinds = {k: [0, 0] for k in ("printed_nonzero", "printed_zero", "blank_absent")}
    exact = 0
    for g, p in zip(golds, preds):
        sc = cell_scores(g["fields"], p)
        for k in kinds:
            kinds[k][0] += sc["by_kind"][k]["correct"]
            kinds[k][1] += sc["by_kind"][k]["total"]
        exact += sc["correct"] == sc["total"]
    right, total = sum(v[0] for v in kinds.values()), sum(v[1] for v in kinds.values())
    split = "  ".join(f"{k} {v[0]}/{v[1]}" for k, v in kinds.items())
    return (f"  {name:<22} cells {right}/{total} = {100 * right / max(total, 1):6.2f}%  ({split})  "
            f"exact {exact}/{len(golds)}  orientation {orient}  {secs / max(pages, 1):5.1f} s/page  "
            f"worst doc's peak {peak:5.0f} MiB")


def run_ours(hz: str, golds: list[dict]) -> dict:
    """Our reader on one hazard's documents; prints its row, returns its results by path."""
    files = [g["path"] for g in golds]
    ours, peak = run_worker("ours", files)
    by = {o["path"]: o for o in ours}
    pages = sum(by[f]["pages"] for f in files)
    page_ok = sum(a == b for g in golds for a, b in zip(g["rotations"], by[g["path"]]["rotations"]))
    print(f"{hz} ({pages} pages; seals reported on {sum(1 for o in ours if o['seals'])} of {len(files)} docs)")
    print(summary("ours (nianbao)", golds, [by[f]["fields"] for f in files],
                  sum(by[f]["secs"] for f in files), pages, peak, f"{page_ok}/{pages} pages"), flush=True)
    return by


def run_plain(hz: str, golds: list[dict], by: dict, budget: float | None) -> None:
    """The baseline on the same documents; prints its row and the time ratio on the
    documents it finished."""
    plain, ppeak = run_worker("plain", [g["path"] for g in golds], budget)
    pb = {o["path"]: o for o in plain}
    sub = [g for g in golds if g["path"] in pb]
    if not sub:
        print(f"{hz}: plain RapidOCR finished no document within the budget", flush=True)
        return
    psecs = sum(pb[g["path"]]["secs"] for g in sub)
    osecs = sum(by[g["path"]]["secs"] for g in sub)
    ppages = sum(pb[g["path"]]["pages"] for g in sub)
    print(f"{hz}: plain RapidOCR on the first {len(sub)} of {len(golds)} documents")
    print(summary("plain RapidOCR", sub, [positional(pb[g["path"]]["numbers"], g) for g in sub],
                  psecs, ppages, ppeak, "(cls)"))
    print(f"  time ours / plain on the same {len(sub)} documents: {osecs / max(psecs, 1e-9):.2f}x", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10, help="generated reports per hazard")
    ap.add_argument("--seed", type=int, default=900000, help="first seed (a range kept for figures)")
    ap.add_argument("--hazards", nargs="+", choices=HAZARDS, default=list(HAZARDS))
    ap.add_argument("--baseline-docs", type=int, help="run the baseline on the first N (default: all)")
    ap.add_argument("--baseline-seconds", type=float,
                    help="stop each hazard's baseline after the document that passes S seconds")
    ap.add_argument("--orientation-cost", type=int, metavar="N",
                    help="measure the orientation step on N clean upright reports instead")
    ap.add_argument("--worker", choices=("ours", "plain"), help=argparse.SUPPRESS)
    ap.add_argument("--budget", type=float, help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker == "ours":
        worker_ours(args.files)
        return 0
    if args.worker == "plain":
        worker_plain(args.files, args.budget)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-hazards-"))
    if args.orientation_cost:
        orientation_cost(args.orientation_cost, args.seed, tmp)
        return 0
    nb = args.docs if args.baseline_docs is None else min(args.baseline_docs, args.docs)
    print(f"{args.docs} documents per hazard, seeds {args.seed}..{args.seed + args.docs - 1}; "
          f"baseline on the first {nb}"
          + (f" (at most ~{args.baseline_seconds:.0f} s per hazard)" if args.baseline_seconds else "")
          + f"; files in {tmp}", flush=True)
    for hz in args.hazards:
        golds = [make(hz, args.seed + i, tmp) for i in range(args.docs)]
        by = run_ours(hz, golds)
        if nb:  # right after ours, so that both sides see the same load on a shared machine
            run_plain(hz, golds[:nb], by, args.baseline_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())

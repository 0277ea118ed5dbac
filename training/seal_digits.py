"""Train the seal digit reader (``pipeline.backend.scan.seal_digits``) on generated seal scans.

Each generated report is scanned as the seal hazard does (``write_scan(..., hazard="seal")``:
rendered, stamped, degraded, JPEG) but with up to SEALS_PER_PAGE seals over each page's
numbers (more cells under a seal per page rendered), every page prepared and laid out exactly as the scan
backend does (``_working_image``: the seal's red ink unmixed; ``analyse``); a grid cell
holding one printed integer of the page model (the generator knows its text and place), or
a piece of a free row holding one, whose crop lies under a seal (``seals.under_seal``),
gives its tight grey crop, cut into as many slices as the integer has digits (and one
too few or too many: ``NO_DIGIT``), as the fax reader's trainer does
(``training.fax_digits.training_slices``: nonzero digits repeated and jittered to half of
the digit slices).  Weights ship as ``models/seal_digits.npz``.  The last HOLD_BACK_SEEDS
seeds are held back for the figures printed, then the model is fitted on all.

Seeds: development ranges only (default 995100-995219; never the benchmark ranges, never
988000-988199, the seal work's fresh figures, never 1000000 and over).

    python -m training.seal_digits [--seeds 995100 995219] [--out models/seal_digits.npz] [--samples cells.pkl]
"""
from __future__ import annotations

import argparse
import math
import pickle
import random
import sys
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline.backend.scan.deskew import _working_image
from pipeline.backend.scan.raster import RENDER_DPI, _pdf_images
from pipeline.backend.scan.regions import analyse
from pipeline.backend.scan.seal_digits import MODEL_PATH, SEAL_READER_MIN_CONF, read_with
from pipeline.backend.scan.seals import under_seal
from training.fax_digits import labelled_crops, train_reader
from training.generate import generate

HOLD_BACK_SEEDS = 6
SEALS_PER_PAGE = 4  # seals stamped over one page's numbers (the hazard stamps one)
SEAL_SPACING = 1.6  # their centres at least this many radii apart
DEFAULT_SEEDS = [(995100, 995219)]
FORBIDDEN = [(988000, 988199), (1_000_000, 10 ** 12)]  # the fresh figures' range, the lead's final ranges


def stamped_pages(seed: int) -> list[tuple[np.ndarray, object]]:
    """The pages of generated report ``seed`` as the seal hazard scans them (``writers``'
    render, stamp, degrade and JPEG), but with up to SEALS_PER_PAGE seals over each page's
    numbers, SEAL_SPACING radii apart: more cells under a seal per page rendered.  (BGR
    array, page model) of each page holding numbers."""
    import cv2
    import pypdfium2 as pdfium

    from training.generate.constants import SCAN_DPI
    from training.generate.hazards import SEAL_RADIUS_PT, number_runs
    from training.generate.writers import _degrade, _draw_stamp, _encode, _pdf_bytes, scan_params

    s = generate(seed)
    params = scan_params(seed)
    params["gray"] = False  # a seal is told by its colour
    rng = random.Random(f"nianbao-sealdigits:{seed}")
    doc = pdfium.PdfDocument(_pdf_bytes(s))
    out = []
    try:
        for i, page in enumerate(doc):
            runs = number_runs(s.pages[i])
            if not runs:
                continue
            img = page.render(scale=SCAN_DPI / 72).to_pil().convert("RGB")
            radius = rng.uniform(*SEAL_RADIUS_PT)
            chosen: list[tuple[float, float]] = []
            for x, y in rng.sample(runs, len(runs)):
                if len(chosen) >= SEALS_PER_PAGE:
                    break
                if all(math.hypot(x - a, y - b) >= SEAL_SPACING * radius for a, b in chosen):
                    chosen.append((x, y))
                    img = _draw_stamp(img, (x * SCAN_DPI / 72, y * SCAN_DPI / 72), int(radius * SCAN_DPI / 72),
                                      s.meta["agency"], rng)
            data = _encode(_degrade(img, rng, params), params["jpeg_quality"])
            out.append((cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), s.pages[i]))
    finally:
        doc.close()
    return out


def cell_samples(seed: int) -> list[tuple[np.ndarray, str]]:
    """(tight grey crop, printed integer) of every grid cell or free-row piece of a
    generated seal scan (:func:`stamped_pages`) that holds exactly one integer run and one
    text crop, lying under a seal."""
    out = []
    for img, model in stamped_pages(seed):
        wp = _working_image(img)
        if wp.ink is None or wp.rotation or not wp.seals:
            continue
        lay = analyse(wp.gray, wp.ink, wp.unit)
        out += labelled_crops(lay, model.runs, RENDER_DPI / 72.0 * wp.factor,
                              keep=lambda box, seals=wp.seals: under_seal(box, seals))
    return out


def figures(samples: list[tuple[np.ndarray, str]], model: dict) -> str:
    """Numbers read right by the reader, printed 0s and other numbers apart, and how many
    of the wrong ones were sure (SEAL_READER_MIN_CONF: they would overrule)."""
    tally = {"0": [0, 0, 0], "other": [0, 0, 0]}
    for crop, text in samples:
        got = read_with(model, crop)
        t = tally["0" if text == "0" else "other"]
        t[1] += 1
        if got is not None and got[0] == text:
            t[0] += 1
        elif got is not None and got[1] >= SEAL_READER_MIN_CONF:
            t[2] += 1
    return "; ".join(f"{k}: {a}/{n} right, {w} wrong and sure" for k, (a, n, w) in tally.items())


def collect(ranges: list[tuple[int, int]], cache: Optional[Path]) -> dict[int, list]:
    """Cell samples per seed; ``cache``: a pickle read (seeds it lacks are generated) and written back."""
    by_seed: dict[int, list] = pickle.loads(cache.read_bytes()) if cache and cache.is_file() else {}
    for a, b in ranges:
        for seed in range(a, b + 1):
            if any(lo <= seed <= hi for lo, hi in FORBIDDEN):
                raise SystemExit(f"seed {seed}: kept for figures, never trained on")
            if seed not in by_seed:
                by_seed[seed] = cell_samples(seed)
                print(f"seed {seed}: {len(by_seed[seed])} cells", file=sys.stderr, flush=True)
                if cache:
                    cache.write_bytes(pickle.dumps(by_seed))
    wanted = {s for a, b in ranges for s in range(a, b + 1)}
    return {s: v for s, v in sorted(by_seed.items()) if s in wanted}


def main(argv=None) -> int:

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs=2, action="append", metavar=("FIRST", "LAST"))
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--samples", type=Path, help="a pickle of the cells per seed: read, completed, written")
    ap.add_argument("--collect-only", action="store_true", help="collect the samples, fit nothing")
    args = ap.parse_args(argv)
    by_seed = collect(args.seeds or DEFAULT_SEEDS, args.samples)
    if args.collect_only:
        return 0
    train_reader(by_seed, args.out, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())

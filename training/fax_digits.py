"""Train the fax digit reader (``pipeline.backend.scan.digits``) on generated faxes.

Each generated report is written as a 100-dpi 1-bit fax, every page prepared and laid out
exactly as the scan backend does (``_working_image``, ``analyse``); a grid cell holding
one printed integer of the page model (the generator knows its text and place), or a
piece of a free row (a table without vertical rules) holding one, gives its tight ink
crop, cut into as many slices as the integer has digits.  The same crop cut with one
digit too few or too many gives slices of the class ``NO_DIGIT``.  Nine in ten printed
numbers are 0: the slices of other digits are repeated, each copy shifted by a pixel at
the crop's sides (``_jittered``), to NONZERO_SHARE of the digit slices, or the classifier
learns that a doubtful slice is a 0.  An MLP (scikit-learn) learns the slices; its
weights ship as ``models/fax_digits.npz`` (numpy inference).  The last HOLD_BACK_SEEDS
seeds are held back for the figures printed, then the model is fitted on all.

Seeds: development ranges only (default 960050-960089 and 961000-961079; never the
benchmark ranges 980000-980009 / 985000-985009, never 1000000 and over).

    python -m training.fax_digits [--seeds 960050 960089 --seeds 961000 961079]
        [--out models/fax_digits.npz] [--samples cells.pkl]
"""
from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline.backend.scan.deskew import _working_image
from pipeline.backend.scan.digits import MAX_DIGITS, MODEL_PATH, NO_DIGIT, slice_features
from pipeline.backend.scan.raster import RENDER_DPI, _pdf_images
from pipeline.backend.scan.regions import analyse
from training.generate import generate, write_scan
from training.generate.hazards import FAX_DPI

HIDDEN = 96  # units of the MLP's hidden layer
MAX_EPOCHS = 150  # epochs at most; fitting stops when a tenth of the slices kept aside …
PATIENCE = 8  # … has not improved for this many epochs
FREE_MAX_WIDTH = 1.5  # a free piece wider than this many heights per digit holds more than the number
NONZERO_SHARE = 0.5  # share of the digit slices that are digits other than 0 (repeated, jittered)
NO_DIGIT_SHARE = 0.25  # at most this share of all slices are NO_DIGIT ones
JITTER_PX = 1  # px each side of a repeated crop moves
HOLD_BACK_SEEDS = 10  # the last seeds, held back for the figures printed before the final fit
DEFAULT_SEEDS = [(960050, 960089), (961000, 961079)]
FORBIDDEN_SEEDS = 1_000_000  # seeds from here are the lead's final figures: never generated here


def labelled_crops(lay, model_runs, k: float, keep=lambda box: True) -> list[tuple[np.ndarray, str]]:
    """(grey crop, printed digits) of every number crop of layout ``lay`` that holds exactly
    one of the generator's digit runs ``model_runs`` (PDF points times ``k`` = page pixels):
    grid cells with one crop, and free rows' single-piece cells no wider than
    FREE_MAX_WIDTH per digit; only boxes ``keep`` accepts (the seal trainer: under a seal)."""
    runs = [(r.x * k + 0.3 * r.size * k * len(r.text), (r.y - 0.35 * r.size) * k, r.text.strip())
            for r in model_runs if r.text.strip().isdigit()]
    out = []
    for gi, g in enumerate(lay.grids):
        for ci, c in enumerate(g.cells):
            x0, y0, x1, y1 = c.box
            inside = [t for x, y, t in runs if x0 <= x <= x1 and y0 <= y <= y1]
            crops = [cr for cr in lay.crops if cr.owner == ("cell", gi, ci) and not cr.chars]
            if len(inside) == 1 and len(crops) == 1 and keep(crops[0].box):
                bx0, by0, bx1, by1 = crops[0].box
                out.append((lay.gray[by0:by1, bx0:bx1].copy(), inside[0]))
    for row in lay.free_rows:
        for boxes in row.cells:
            if len(boxes) != 1 or not keep(boxes[0]):
                continue
            x0, y0, x1, y1 = boxes[0]
            inside = [t for x, y, t in runs if x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2]
            if len(inside) == 1 and x1 - x0 <= FREE_MAX_WIDTH * (y1 - y0) * len(inside[0]):
                out.append((lay.gray[y0:y1, x0:x1].copy(), inside[0]))
    return out


def cell_samples(seed: int, tmp: Path, layout: Optional[str] = None) -> list[tuple[np.ndarray, str]]:
    """(tight grey crop, printed integer) of every grid cell of a generated fax that holds
    exactly one integer run and one text crop, and of every one-line piece of a free row
    (a table without vertical rules) that holds exactly one integer run.  ``layout``: the
    report's table ruling (``generate``'s; default drawn from the seed)."""
    s = generate(seed, layout=layout)
    path = tmp / f"fax_{seed}.pdf"
    write_scan(s, path, hazard="fax")
    out = []
    for img, number in _pdf_images(path.read_bytes(), None, RENDER_DPI, native=True):
        wp = _working_image(img)
        if wp.ink is None or wp.rotation:
            continue
        lay = analyse(wp.gray, wp.ink, wp.unit)
        out += labelled_crops(lay, s.pages[number - 1].runs, FAX_DPI / 72.0 * wp.factor)
    return out


def _jittered(crop: np.ndarray, rng) -> np.ndarray:
    """The crop with each side moved by up to JITTER_PX (trimmed, or padded with paper):
    the recogniser's ink boxes are this loose."""
    a, b, c, d = (int(v) for v in rng.integers(-JITTER_PX, JITTER_PX + 1, 4))
    out = crop[max(a, 0):crop.shape[0] - max(b, 0), max(c, 0):crop.shape[1] - max(d, 0)]
    if out.shape[0] < 4 or out.shape[1] < 2:
        return crop
    return np.pad(out, ((max(-a, 0), max(-b, 0)), (max(-c, 0), max(-d, 0))), constant_values=255)


def training_slices(samples: list[tuple[np.ndarray, str]], rng) -> tuple[np.ndarray, np.ndarray]:
    """Slice features and classes of number crops: their digits (other digits than 0
    repeated, jittered, to NONZERO_SHARE), and NO_DIGIT slices from the crops cut one
    digit short or over (at most NO_DIGIT_SHARE of all slices)."""
    xs, ys, bad = [], [], []
    for crop, text in samples:
        xs.append(slice_features(crop, len(text)))
        ys += [int(ch) for ch in text]
        for k in (len(text) - 1, len(text) + 1):
            if 1 <= k <= MAX_DIGITS:
                bad.append(slice_features(crop, k))
    y = np.array(ys)
    zeros = int((y == 0).sum())
    others = [(c, t) for c, t in samples if t.strip("0")]
    n_other = int((y != 0).sum())
    want = int(NONZERO_SHARE / (1 - NONZERO_SHARE) * zeros)
    while others and n_other < want:
        crop, text = others[int(rng.integers(len(others)))]
        x = slice_features(_jittered(crop, rng), len(text))
        keep = [i for i, ch in enumerate(text) if ch != "0"]
        xs.append(x[keep])
        ys += [int(text[i]) for i in keep]
        n_other += len(keep)
    x, y = np.concatenate(xs), np.array(ys)
    bad_x = np.concatenate(bad) if bad else np.zeros((0, x.shape[1]), np.float32)
    n_bad = min(len(bad_x), int(NO_DIGIT_SHARE / (1 - NO_DIGIT_SHARE) * len(y)))
    bad_x = bad_x[rng.permutation(len(bad_x))[:n_bad]]
    return np.concatenate([x, bad_x]), np.concatenate([y, np.full(n_bad, NO_DIGIT)])


def number_figures(samples: list[tuple[np.ndarray, str]], model: dict) -> str:
    """Numbers read right by the shipped reading rule, printed 0s and other numbers apart;
    and how many of the wrong ones were sure (READER_MIN_CONF: they would overrule)."""
    import pipeline.backend.scan.digits as D

    tally = {"0": [0, 0, 0], "other": [0, 0, 0]}
    for crop, text in samples:
        got = D.read_with(model, crop)
        t = tally["0" if text == "0" else "other"]
        t[1] += 1
        if got is not None and got[0] == text:
            t[0] += 1
        elif got is not None and got[1] >= D.READER_MIN_CONF:
            t[2] += 1
    return "; ".join(f"{k}: {a}/{n} right, {w} wrong and sure" for k, (a, n, w) in tally.items())


def _weights(clf, advance: float) -> dict:
    return {"w1": clf.coefs_[0].astype(np.float32), "b1": clf.intercepts_[0].astype(np.float32),
            "w2": clf.coefs_[1].astype(np.float32), "b2": clf.intercepts_[1].astype(np.float32),
            "advance": np.float32(advance)}


def collect(ranges: list[tuple[int, int]], cache: Optional[Path]) -> dict[int, list]:
    """Cell samples per seed of the seed ranges; ``cache``: a pickle read (seeds it lacks
    are generated) and written back."""
    by_seed: dict[int, list] = pickle.loads(cache.read_bytes()) if cache and cache.is_file() else {}
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-faxdigits-"))
    for a, b in ranges:
        for seed in range(a, b + 1):
            if seed >= FORBIDDEN_SEEDS:
                raise SystemExit(f"seed {seed}: seeds from {FORBIDDEN_SEEDS} are kept for final figures")
            if seed not in by_seed:
                by_seed[seed] = cell_samples(seed, tmp)
                print(f"seed {seed}: {len(by_seed[seed])} cells", file=sys.stderr, flush=True)
                if cache:
                    cache.write_bytes(pickle.dumps(by_seed))
    wanted = {s for a, b in ranges for s in range(a, b + 1)}
    return {s: v for s, v in sorted(by_seed.items()) if s in wanted}


def train_reader(by_seed: dict, out: Path, figures=None) -> None:
    """Fit the digit MLP on the number cells ``by_seed`` (seed: [(crop, text)]), print
    ``figures`` of a fit without the last HOLD_BACK_SEEDS seeds on those, then write the
    fit on all to ``out`` (the fax reader's trainer; the seal reader's uses it too)."""
    from sklearn.neural_network import MLPClassifier

    figures = figures or number_figures
    samples = [c for v in by_seed.values() for c in v]
    # Digit advance against the crop's height, from numbers of several digits.
    ratios = [c.shape[1] / (c.shape[0] * len(t)) for c, t in samples if len(t) >= 2]
    advance = float(np.median(ratios)) if ratios else 0.6
    seeds = list(by_seed)
    held = set(seeds[-HOLD_BACK_SEEDS:]) if len(seeds) > 2 * HOLD_BACK_SEEDS else set()
    train = [c for s in seeds if s not in held for c in by_seed[s]]
    test = [c for s in held for c in by_seed[s]]
    rng = np.random.default_rng(0)

    def fit(cells):
        x, y = training_slices(cells, rng)
        clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), max_iter=MAX_EPOCHS, early_stopping=True,
                            n_iter_no_change=PATIENCE, random_state=0)
        clf.fit(x, y)
        if list(clf.classes_) != list(range(NO_DIGIT + 1)):
            raise SystemExit(f"not every class seen: {clf.classes_}")
        return clf

    nz = sum(1 for _, t in samples if t != "0")
    print(f"{len(samples)} cells of {len(seeds)} seeds ({nz} not 0); advance {advance:.3f}", file=sys.stderr)
    if test:
        print(f"held-back seeds {min(held)}-{max(held)} ({len(test)} cells): "
              f"{figures(test, _weights(fit(train), advance))}", file=sys.stderr)
    weights = _weights(fit(samples), advance)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **weights)
    print(f"wrote {out}", file=sys.stderr)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs=2, action="append", metavar=("FIRST", "LAST"),
                    help="a seed range (repeatable; default 960050-960089 and 961000-961079)")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--samples", type=Path, help="a pickle of the cells per seed: read, completed, written")
    args = ap.parse_args(argv)
    by_seed = collect(args.seeds or DEFAULT_SEEDS, args.samples)
    train_reader(by_seed, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

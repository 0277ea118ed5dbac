"""Train the fax digit reader (``pipeline.backend.scan.digits``) on generated faxes.

Each generated report is written as a 100-dpi 1-bit fax, every page prepared and laid out
exactly as the scan backend does (``_working_image``, ``analyse``); a grid cell holding
one printed integer of the page model (the generator knows its text and place) gives its
tight ink crop, cut into as many slices as the integer has digits.  An MLP
(scikit-learn) learns the slices; its weights ship as ``models/fax_digits.npz`` (numpy
inference).  Seeds: the development range 960050-960099 (never the benchmark's
980000-980009).

    python -m training.fax_digits [--seeds 960050 960089] [--out models/fax_digits.npz]
        [--samples cells.pkl]
"""
from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

from pipeline.backend.scan.deskew import _working_image
from pipeline.backend.scan.digits import MODEL_PATH, slice_features
from pipeline.backend.scan.raster import RENDER_DPI, _pdf_images
from pipeline.backend.scan.regions import analyse
from training.generate import generate, write_scan
from training.generate.hazards import FAX_DPI

HIDDEN = 96  # units of the MLP's hidden layer
NONZERO_SHARE = 0.4  # share of the training slices that are digits other than 0 (repeated)


def cell_samples(seed: int, tmp: Path) -> list[tuple[np.ndarray, str]]:
    """(tight grey crop, printed integer) of every grid cell of a generated fax that holds
    exactly one integer run and one text crop."""
    s = generate(seed)
    path = tmp / f"fax_{seed}.pdf"
    write_scan(s, path, hazard="fax")
    out = []
    for img, number in _pdf_images(path.read_bytes(), None, RENDER_DPI, native=True):
        wp = _working_image(img)
        if wp.ink is None or wp.rotation:
            continue
        lay = analyse(wp.gray, wp.ink, wp.unit)
        k = FAX_DPI / 72.0 * wp.factor
        runs = [(r.x * k + 0.3 * r.size * k * len(r.text), (r.y - 0.35 * r.size) * k, r.text.strip())
                for r in s.pages[number - 1].runs if r.text.strip().isdigit()]
        for gi, g in enumerate(lay.grids):
            for ci, c in enumerate(g.cells):
                x0, y0, x1, y1 = c.box
                inside = [t for x, y, t in runs if x0 <= x <= x1 and y0 <= y <= y1]
                crops = [cr for cr in lay.crops if cr.owner == ("cell", gi, ci) and not cr.chars]
                if len(inside) == 1 and len(crops) == 1:
                    bx0, by0, bx1, by1 = crops[0].box
                    out.append((lay.gray[by0:by1, bx0:bx1].copy(), inside[0]))
    return out


def _balanced(x: np.ndarray, y: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Nine in ten printed digits are 0s: the other digits repeated to NONZERO_SHARE of the
    slices, or the classifier learns that a doubtful slice is a 0."""
    others = np.flatnonzero(y != 0)
    want = int(NONZERO_SHARE / (1 - NONZERO_SHARE) * (len(y) - len(others)))
    if not len(others) or want <= len(others):
        return x, y
    extra = rng.choice(others, want - len(others))
    return np.concatenate([x, x[extra]]), np.concatenate([y, y[extra]])


def main(argv=None) -> int:
    from sklearn.neural_network import MLPClassifier

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs=2, default=(960050, 960089), metavar=("FIRST", "LAST"))
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--samples", type=Path, help="a pickle of the cells: read if it exists, else written")
    args = ap.parse_args(argv)
    if args.samples and args.samples.is_file():
        samples = pickle.loads(args.samples.read_bytes())
    else:
        tmp = Path(tempfile.mkdtemp(prefix="nianbao-faxdigits-"))
        samples = []
        for seed in range(args.seeds[0], args.seeds[1] + 1):
            samples += cell_samples(seed, tmp)
            print(f"seed {seed}: {len(samples)} cells", file=sys.stderr, flush=True)
        if args.samples:
            args.samples.write_bytes(pickle.dumps(samples))
    # Digit advance against the crop's height, from numbers of several digits.
    ratios = [c.shape[1] / (c.shape[0] * len(t)) for c, t in samples if len(t) >= 2]
    advance = float(np.median(ratios)) if ratios else 0.6
    xs, ys = [], []
    for crop, text in samples:
        xs.append(slice_features(crop, len(text)))
        ys += [int(ch) for ch in text]
    x, y = np.concatenate(xs), np.array(ys)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    split = int(0.85 * len(y))
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), max_iter=300, random_state=0)
    clf.fit(*_balanced(x[:split], y[:split], rng))
    pred = clf.predict(x[split:])
    nz = y[split:] != 0
    print(f"{len(samples)} cells, {len(y)} digits {np.bincount(y, minlength=10).tolist()}; advance {advance:.3f}; "
          f"held-back slices right {float((pred == y[split:]).mean()):.4f}, "
          f"of digits other than 0 {float((pred[nz] == y[split:][nz]).mean()):.4f}", file=sys.stderr)
    x, y = _balanced(x, y, rng)
    clf.fit(x, y)
    if list(clf.classes_) != list(range(10)):
        raise SystemExit(f"not every digit seen: {clf.classes_}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, w1=clf.coefs_[0].astype(np.float32), b1=clf.intercepts_[0].astype(np.float32),
                        w2=clf.coefs_[1].astype(np.float32), b2=clf.intercepts_[1].astype(np.float32),
                        advance=np.float32(advance))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

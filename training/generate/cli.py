"""The command line: ``python -m training.generate --n 20 --out DIR``."""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Optional

from pipeline import template as T
from .build import generate
from .constants import LAYOUTS, SCAN_DPI, TEXT_STYLES
from .record import Synthetic
from .text import write_gold, write_text
from .writers import write_pdf, write_scan

OUTPUTS = ("pdf", "scan") + TEXT_STYLES
OUTPUT_NAMES = {"pdf": ("", ".pdf"), "scan": ("_scan", ".pdf"), "pipe": ("_pipe", ".txt"),
                "tabs": ("_tabs", ".txt"), "cell_per_line": ("_cells", ".txt"), "html": ("_web", ".html")}


def write_all(s: Synthetic, out: Path, formats: tuple[str, ...], stem: str, dpi: int = SCAN_DPI) -> list[Path]:
    """Write each requested output of one report with its gold ``<stem>.json``; returns the files."""
    written = []
    for f in formats:
        suffix, ext = OUTPUT_NAMES[f]
        path = out / f"{stem}{suffix}{ext}"
        if f == "pdf":
            write_pdf(s, path)
        elif f == "scan":
            write_scan(s, path, dpi=dpi)
        else:
            write_text(s, path, f)
        write_gold(s, path.with_suffix(".json"), style=f)
        written.append(path)
    return written


def _package_doc() -> str:
    """The package docstring (the CLI's description)."""
    return sys.modules[__package__].__doc__ or ""


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.generate", description=_package_doc().split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20, help="number of reports")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--start", type=int, default=0, help="first seed")
    ap.add_argument("--formats", nargs="+", choices=OUTPUTS, default=["pdf"])
    ap.add_argument("--scan", action="store_true", help="also write a degraded scan")
    ap.add_argument("--fmt", choices=T.FORMATS, help="template format (default: drawn per seed)")
    ap.add_argument("--layout", choices=LAYOUTS, help="table ruling (default: drawn per seed)")
    ap.add_argument("--inconsistent", type=float, default=0.0,
                    help="share of reports with one deliberately broken rule")
    ap.add_argument("--dpi", type=int, default=SCAN_DPI)
    args = ap.parse_args(argv)
    formats = tuple(dict.fromkeys(list(args.formats) + (["scan"] if args.scan else [])))
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.start, args.start + args.n):
        broken = random.Random(f"nianbao-cli:{seed}").random() < args.inconsistent
        s = generate(seed, fmt=args.fmt, layout=args.layout, inconsistent=broken)
        write_all(s, args.out, formats, f"synth_{seed:05d}", args.dpi)
    print(f"wrote {args.n} reports ({', '.join(formats)}) to {args.out}", file=sys.stderr)
    return 0

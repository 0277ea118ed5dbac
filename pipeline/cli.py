"""``nianbao`` command line: one thin wrapper per command over a plain function."""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_file
    from .output import render
    objs, failed = [], 0
    for path in args.files:
        try:
            obj = extract_file(path).as_dict()
        except Exception as e:  # a bug on one file must not lose the others
            obj = {"source": path, "template": None, "error": f"internal error: {type(e).__name__}: {e}",
                   "fields": {}, "checks": [], "warnings": [], "inferred": [], "meta": {}, "sections": []}
        if obj.get("error"):
            failed += 1
            print(f"nianbao: {path}: {obj['error']}", file=sys.stderr)
        objs.append(obj)
    sys.stdout.write(render(objs, args.format))
    return 1 if failed else 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch
    try:
        s = run_batch(args.inputs, args.out, workers=args.workers, engine=args.engine,
                      address=args.address, timeout_s=args.timeout, retry_errors=args.retry_errors,
                      progress=not args.no_progress)
    except (RuntimeError, ValueError) as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    print(f"nianbao: {s['files']} files: {s['done']} read, {s['failed']} failed, {s['skipped']} skipped, "
          f"{s['duplicates']} duplicates; {s['reports_per_minute']} reports/min; exports in {args.out}",
          file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nianbao", description=(
        "Read government information-disclosure annual reports (政府信息公开工作年度报告) "
        "into checked, structured data."))
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extract", help="extract fields, checks and narrative from report files")
    e.add_argument("files", nargs="+", metavar="FILE")
    e.add_argument("--format", choices=("json", "jsonl", "csv"), default="json")
    e.set_defaults(func=cmd_extract)
    from .batch import DEFAULT_TIMEOUT_S, DEFAULT_WORKERS, ENGINES
    b = sub.add_parser("batch", help="read a corpus into a run directory: parallel, resumable, with exports")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders (walked) or globs")
    b.add_argument("--out", required=True, metavar="RUN_DIR", help="run directory (re-run to resume)")
    b.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="processes (default: CPU count)")
    b.add_argument("--engine", choices=ENGINES, default="local")
    b.add_argument("--address", help="Ray cluster to join (with --engine ray); default: start a local one")
    b.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"time limit per file in seconds (default {DEFAULT_TIMEOUT_S:g})")
    b.add_argument("--retry-errors", action="store_true", help="read again files that failed before")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_batch)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nianbao", description=(
        "Read government information-disclosure annual reports (政府信息公开工作年度报告) "
        "into checked, structured data."))
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extract", help="extract fields, checks and narrative from report files")
    e.add_argument("files", nargs="+", metavar="FILE")
    e.add_argument("--format", choices=("json", "jsonl", "csv"), default="json")
    e.set_defaults(func=cmd_extract)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

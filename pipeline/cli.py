"""``nianbao`` command line: one thin wrapper per command over a plain function."""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

# The fact gold's splits, one table (``factsplits``: plain tuples, so the parser imports nothing heavy).
from .factsplits import DEVELOPMENT_EXCERPT_SPLITS, FACT_SPLITS, HELD_OUT_EXCERPT_SPLITS, describe


def _limits(args: argparse.Namespace):
    from .limits import Limits
    return Limits(max_pages=args.max_pages, timeout_s=args.timeout or None,
                  max_image_pixels=args.max_image_pixels)


def _model(path: Optional[str]):
    """``--model DIR`` -> (the loaded model, or None for the shipped one; exit status 2 on refusal)."""
    from .classifier import ModelError, describe, load
    if not path:
        return None, 0
    try:
        clf = load(path)
    except ModelError as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return None, 2
    d = describe(clf)
    print(f"nianbao: labelling lines with the model {d['path']} ({d['kind']}, card sha256 "
          f"{d['sha256'][:12]}…)", file=sys.stderr)
    return clf, 0


def _facts_classifier(engine: str):
    """``--facts-engine`` -> a facts classifier (None: the default engine, loaded on first use)."""
    from .facts import DEFAULT_FACT_ENGINE, engine_classifier
    if engine == DEFAULT_FACT_ENGINE:
        return None
    return lambda sentences: engine_classifier(engine)(sentences)  # loaded when a narrative needs it


def cmd_extract(args: argparse.Namespace) -> int:
    from . import coverage
    from .extract import extract_file
    from .output import render
    labeler, rc = _model(args.model)
    if rc:
        return rc
    objs, failed = [], 0
    limits = _limits(args)
    classify = _facts_classifier(args.facts_engine)
    for path in args.files:
        try:
            obj = extract_file(path, labeler, limits=limits, classify=classify).as_dict()
        except Exception as e:  # a bug on one file must not lose the others
            obj = {"source": path, "template": None, "error": f"internal error: {type(e).__name__}: {e}",
                   "fields": {}, "checks": [], "warnings": [], "inferred": [], "meta": {}, "sections": []}
        if obj.get("error"):
            failed += 1
            print(f"nianbao: {path}: {obj['error']}", file=sys.stderr)
        elif obj.get("recovery"):  # a damaged file: read, but say so where a person looks
            print(f"nianbao: {path}: {obj['recovery']['status']}: {obj['warnings'][0]}", file=sys.stderr)
        elif coverage.outcome(obj) == "partial":  # a table partly read: as loud as a damaged file
            tables = [c["table"] for c in obj.get("coverage") or [] if c.get("status") != "found"]
            print(f"nianbao: {path}: partial: {'tables' if len(tables) > 1 else 'table'} {', '.join(tables)} "
                  f"not fully read (see warnings)",
                  file=sys.stderr)
        objs.append(obj)
    sys.stdout.write(render(objs, args.format))
    return 1 if failed else 0


def resume_command(args: argparse.Namespace) -> str:
    """The ``nianbao batch`` command line that goes on with an interrupted run (same options)."""
    import shlex
    from .batch import DEFAULT_TIMEOUT_S, DEFAULT_WORKERS
    cmd = ["nianbao", "batch", *args.inputs, "--out", str(args.out)]
    if args.workers != DEFAULT_WORKERS:
        cmd += ["--workers", str(args.workers)]
    if args.engine != "local":
        cmd += ["--engine", args.engine]
    if args.address:
        cmd += ["--address", args.address]
    if args.timeout != DEFAULT_TIMEOUT_S:
        cmd += ["--timeout", f"{args.timeout:g}"]
    if args.retry_errors:
        cmd.append("--retry-errors")
    if getattr(args, "model", None):
        cmd += ["--model", args.model]
    from .facts import DEFAULT_FACT_ENGINE
    if getattr(args, "facts_engine", DEFAULT_FACT_ENGINE) != DEFAULT_FACT_ENGINE:
        cmd += ["--facts-engine", args.facts_engine]
    from .limits import MAX_IMAGE_PIXELS, MAX_PAGES
    if args.max_pages != MAX_PAGES:
        cmd += ["--max-pages", str(args.max_pages)]
    if args.max_image_pixels != MAX_IMAGE_PIXELS:
        cmd += ["--max-image-pixels", str(args.max_image_pixels)]
    return shlex.join(cmd)


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import BatchInterrupted, run_batch
    from .classifier import ModelError
    clf, rc = _model(args.model)
    if rc:
        return rc
    try:
        if args.aliases:
            from .corpus import install_aliases
            install_aliases(args.out, args.aliases)
        s = run_batch(args.inputs, args.out, workers=args.workers, engine=args.engine,
                      address=args.address, timeout_s=args.timeout, retry_errors=args.retry_errors,
                      progress=not args.no_progress, model=clf.path if clf else None,
                      limits=_limits(args), facts_engine=args.facts_engine)
    except (RuntimeError, ValueError, ModelError) as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    except BatchInterrupted as e:
        s = e.summary
        print(f"nianbao: interrupted by {s['interrupted']}: {s['processed']} of {s['processed'] + s['left']} "
              f"files done in this run ({s['done']} read, {s['failed']} failed), {s['left']} left; "
              f"exports in {args.out} hold {s['reports_total']} reports.\n"
              f"nianbao: resume with: {resume_command(args)}", file=sys.stderr)
        return e.exit_status
    damaged = (f" ({s['damaged_partial']} partial, {s['repaired']} repaired from damaged files)"
               if s["damaged_partial"] or s["repaired"] else "")
    print(f"nianbao: {s['files']} files: {s['done']} read{damaged}, {s['failed']} failed, {s['skipped']} skipped, "
          f"{s['duplicates']} duplicates; {s['reports_per_minute']} reports/min; exports in {args.out}",
          file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .agency import read_aliases
    from .report import write_report
    try:
        html, xlsx = write_report(args.run_dir, read_aliases(args.aliases) if args.aliases else None)
    except ValueError as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    print(f"nianbao: wrote {html} and {xlsx}", file=sys.stderr)
    return 0


def _labeler(spec: str):
    """``--labeler`` value -> a labeler, or exit status 2 with the reason."""
    from .classifier import ModelError, resolve_labeler
    try:
        return resolve_labeler(spec)
    except ModelError as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return None


def cmd_label(args: argparse.Namespace) -> int:
    from training.labelstudio import label_file, render_jsonl, render_labelstudio
    from .datamodel import InputError
    labeler = _labeler(args.labeler)
    if labeler is None:
        return 2
    docs, failed = [], 0
    for path in args.files:
        try:
            docs.append(label_file(path, labeler))
        except InputError as e:
            failed += 1
            print(f"nianbao: {path}: {e}", file=sys.stderr)
    version = getattr(labeler, "card", {}).get("kind", "rules")
    text = render_jsonl(docs) if args.format == "jsonl" else render_labelstudio(docs, version)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 1 if failed else 0


def cmd_train_facts(args: argparse.Namespace) -> int:
    import json
    from training.facts import rescore, train
    out = args.out if args.out != "nianbao-model" else "nianbao-facts"
    if args.rescore:
        from pipeline.factnet import MODEL_DIR
        card = rescore(MODEL_DIR if args.out == "nianbao-model" else args.out, command=" ".join(["nianbao", *args.argv]))
        print(json.dumps(card["evaluation"]["model"], ensure_ascii=False))
        return 0
    try:
        card = train(out, seeds=args.facts_seeds, epochs=args.facts_epochs, replace=args.replace,
                     evaluate_heldout=not args.no_heldout, command=" ".join(["nianbao", *args.argv]),
                     leave_out=args.leave_out)
    except ValueError as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    print(json.dumps({k: v for k, v in card.items() if k != "labels"}, ensure_ascii=False, indent=1,
                     default=str)[:4000])
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    import json
    if args.facts:
        return cmd_train_facts(args)
    if not args.data:
        print("nianbao: train needs DATA (or --facts)", file=sys.stderr)
        return 2
    from training.train import GOLD_DIR, heldout_inputs, train
    heldout = [] if args.no_heldout else (args.heldout or heldout_inputs())
    gold = args.heldout_gold or (GOLD_DIR if GOLD_DIR.is_dir() else None)
    if heldout and gold is None:
        print("nianbao: held-out reports need --heldout-gold", file=sys.stderr)
        return 2
    try:
        card = train(args.data, args.out, gold_dir=args.gold, kind=args.kind, heldout=heldout,
                     heldout_gold=gold, replace=args.replace)
    except ValueError as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    print(json.dumps(card["metrics"], ensure_ascii=False, indent=1))
    return 0


def cmd_evaluate_facts(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path
    from .evaluate import evaluate_facts, facts_markdown
    split = None if args.split == "all" else args.split
    report = evaluate_facts(args.gold, args.inputs, split=split, model_path=args.facts_model,
                            engine=args.facts_engine)
    for w in report.get("warnings", []):
        print(f"nianbao: warning: {w}", file=sys.stderr)
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "facts.md").write_text(facts_markdown(report), encoding="utf-8")
        (Path(args.out) / "facts.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"nianbao: wrote {Path(args.out) / 'facts.md'}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else facts_markdown(report))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json
    if args.facts:
        return cmd_evaluate_facts(args)
    if not args.inputs:
        print("nianbao: evaluate needs INPUT files (only --facts has defaults)", file=sys.stderr)
        return 2
    from .evaluate import evaluate, markdown, write_report
    labeler, rc = _model(args.model)
    if rc:
        return rc
    labeler = labeler or _labeler(args.labeler)
    if labeler is None:
        return 2
    report = evaluate(args.gold, args.inputs, labeler, args.model or args.labeler)
    if args.out:
        path = write_report(report, args.out)
        print(f"nianbao: wrote {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(markdown(report).split("\n## Documents")[0])
    return 0


def version() -> str:
    """The installed package's version, or the checkout's (``pyproject.toml``) when not installed."""
    from importlib import metadata
    try:
        return metadata.version("nianbao")
    except metadata.PackageNotFoundError:
        import re
        from pathlib import Path
        toml = Path(__file__).resolve().parents[1] / "pyproject.toml"
        m = re.search(r'^version\s*=\s*"([^"]+)"', toml.read_text(encoding="utf-8"), re.M) if toml.is_file() else None
        return m.group(1) if m else "unknown"


class VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked (``importlib.metadata`` is
    a noticeable part of a small extract's start-up)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"nianbao {version()}")  # on stdout, as argparse's own version action
        parser.exit()


def add_limit_options(p: argparse.ArgumentParser, timeout: bool = True) -> None:
    """``--max-pages``, ``--max-image-pixels`` (and ``--timeout``), with their documented defaults."""
    from .limits import MAX_IMAGE_PIXELS, MAX_PAGES, TIMEOUT_S
    p.add_argument("--max-pages", type=int, default=MAX_PAGES, metavar="N",
                   help=f"pages read from one PDF; the rest are skipped with a warning (default {MAX_PAGES})")
    p.add_argument("--max-image-pixels", type=int, default=MAX_IMAGE_PIXELS, metavar="N",
                   help=f"larger image files are refused (default {MAX_IMAGE_PIXELS:,})")
    if timeout:
        p.add_argument("--timeout", type=float, default=TIMEOUT_S, metavar="S",
                       help=f"time limit per file in seconds, 0 for none (default {TIMEOUT_S:g})")


MODEL_HELP = ("a trained line classifier to label lines with (a `nianbao train --out` folder or its "
              "card), used without installing it; default: the shipped model")
FACTS_ENGINE_HELP = ("what runs the narrative facts pipeline: numpy (its weights without spaCy, the same "
                     "facts, fast start-up; the default) or spacy (the reference)")


def add_facts_engine_option(parser: argparse.ArgumentParser) -> None:
    from .facts import DEFAULT_FACT_ENGINE, FACT_ENGINES
    parser.add_argument("--facts-engine", choices=FACT_ENGINES, default=DEFAULT_FACT_ENGINE, help=FACTS_ENGINE_HELP)


def cmd_review(args: argparse.Namespace) -> int:
    from .review import serve
    try:
        serve(args.run_dir, port=args.port, user=args.user)
    except (FileNotFoundError, OSError) as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nianbao", description=(
        "Read government information-disclosure annual reports (政府信息公开工作年度报告) "
        "into checked, structured data."))
    p.add_argument("--version", action=VersionAction)
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extract", help="extract fields, checks and narrative from report files "
                                       "(a folder: use batch)")
    e.add_argument("files", nargs="+", metavar="FILE")
    e.add_argument("--format", choices=("json", "jsonl", "csv"), default="json")
    add_limit_options(e)
    e.add_argument("--model", metavar="DIR", help=MODEL_HELP)
    add_facts_engine_option(e)
    e.set_defaults(func=cmd_extract)
    from .limits import DEFAULT_WORKERS, ENGINES
    b = sub.add_parser("batch", help="read a corpus into a run directory: parallel, resumable, with exports")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders (walked) or globs")
    b.add_argument("--out", required=True, metavar="RUN_DIR", help="run directory (re-run to resume)")
    b.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="processes (default: CPU count)")
    b.add_argument("--engine", choices=ENGINES, default="local")
    b.add_argument("--address", help="Ray cluster to join (with --engine ray); default: start a local one")
    add_limit_options(b)
    b.add_argument("--retry-errors", action="store_true", help="read again files that failed before")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument("--model", metavar="DIR", help=MODEL_HELP)
    add_facts_engine_option(b)
    b.add_argument("--aliases", metavar="CSV", help="agency alias table (columns alias,canonical), "
                   "kept in the run directory for every later export")
    b.set_defaults(func=cmd_batch)
    rep = sub.add_parser("report", help="write RUN_DIR/report.html and report.xlsx: the corpus overview")
    rep.add_argument("run_dir", metavar="RUN_DIR")
    rep.add_argument("--aliases", metavar="CSV", help="agency alias table (default: RUN_DIR/aliases.csv)")
    rep.set_defaults(func=cmd_report)
    lab = sub.add_parser("label", help="label report lines with the classifier, for a person to correct")
    lab.add_argument("files", nargs="+", metavar="FILE")
    lab.add_argument("--format", choices=("jsonl", "labelstudio"), default="jsonl",
                     help="JSONL records, or a Label Studio import file (see training/labelstudio.py)")
    lab.add_argument("--labeler", default="model", help="rules, model (the shipped one) or a model path")
    lab.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    lab.set_defaults(func=cmd_label)
    tr = sub.add_parser("train", help="train the line classifier from labelled lines")
    tr.add_argument("data", nargs="*", metavar="DATA",
                    help="corrected JSONL, Label Studio exports, gold JSON, reports with --gold, folders")
    tr.add_argument("--gold", metavar="DIR", help="gold JSON for the reports among DATA (matched by stem)")
    tr.add_argument("--out", default="nianbao-model", metavar="DIR", help="where to write model and card")
    tr.add_argument("--replace", action="store_true", help="also replace the shipped model in models/")
    tr.add_argument("--kind", choices=("crf", "logreg"), default="crf",
                    help="a CRF over the line sequence (default), or a logistic regression per line")
    tr.add_argument("--heldout", nargs="+", metavar="INPUT",
                    help="held-out reports to evaluate on (default: the repository's data/corpus/real)")
    tr.add_argument("--heldout-gold", metavar="DIR", help="gold for the held-out reports (default: data/gold)")
    tr.add_argument("--no-heldout", action="store_true", help="skip the held-out evaluation")
    tr.add_argument("--facts", action="store_true",
                    help="train the narrative facts pipeline (spaCy) instead, from training/facts.py's data")
    tr.add_argument("--facts-seeds", type=int, default=300, metavar="N",
                    help="with --facts: generated reports 0..N-1 to train on (default 300)")
    tr.add_argument("--facts-epochs", type=int, default=8, metavar="N",
                    help="with --facts: training epochs (default 8, training.facts.EPOCHS)")
    tr.add_argument("--rescore", action="store_true",
                    help="with --facts: no training; re-run the card's eval figures of models/facts (or --out) "
                         "with the checkout's rules (after a rule change; the weights are not touched)")
    tr.add_argument("--leave-out", metavar="SPLIT", choices=DEVELOPMENT_EXCERPT_SPLITS,
                    help="with --facts: train without this excerpt set and score it into the card "
                         "(leave-one-set-out cross-validation; not with --replace)")
    tr.set_defaults(func=cmd_train)
    ev = sub.add_parser("evaluate", help="score extraction against gold annotations")
    ev.add_argument("inputs", nargs="*", metavar="INPUT")
    ev.add_argument("--gold", required=True, metavar="DIR", help="gold JSON per report, matched by file stem")
    ev.add_argument("--labeler", default="model", help="rules, model (the shipped one) or a model path")
    ev.add_argument("--model", metavar="DIR", help=MODEL_HELP + " (instead of --labeler)")
    ev.add_argument("--json", action="store_true", help="print the full evaluation as JSON")
    ev.add_argument("--out", metavar="DIR", help="write report.md, report.json and PNG plots here")
    ev.add_argument("--facts", action="store_true",
                    help="score the narrative facts (spaCy pipeline and regexes) against fact gold (data/gold/facts)")
    ev.add_argument("--split", choices=FACT_SPLITS, default="eval",
                    help="with --facts: the gold to score: eval (development reports never trained on, "
                         "the default), train, all (all reports), or a set of real excerpts in GOLD/SPLIT "
                         "(excerpts need no INPUT): development data " + describe(DEVELOPMENT_EXCERPT_SPLITS)
                         + "; held out " + describe(HELD_OUT_EXCERPT_SPLITS))
    ev.add_argument("--facts-model", metavar="DIR", help="with --facts: a facts pipeline other than models/facts")
    add_facts_engine_option(ev)
    ev.set_defaults(func=cmd_evaluate)
    rv = sub.add_parser("review", help="check a run on a local web page: confirm and correct cells, "
                                       "mark printed inconsistencies, relabel lines")
    rv.add_argument("run_dir", metavar="RUN_DIR", help="a `nianbao batch --out` directory")
    rv.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    rv.add_argument("--user", help="name corrections are signed with (default: the login name)")
    rv.set_defaults(func=cmd_review)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv  # a model card names the command that made it
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

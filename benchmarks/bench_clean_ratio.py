"""Clean scans: our ``extract_file`` against plain full-page RapidOCR (its defaults) on the same
pages, in ONE process, document by document (ours, then plain), with CPU time (all threads)
as well as wall time per page: on a shared machine CPU time says more than wall, and no file
limit cuts a document short (``bench_scan_hazards.py`` gives each file 300 s).

``--stages`` also says where each side's time goes: CPU and wall seconds per page spent
in each stage (time in a stage's own code, the stages it calls counted apart, under their
path: ``preparation/orientation/recognition`` is the recogniser run by the orientation
test), and for our recognition the crops and model input pixels (crops x batch width) per
page; plain RapidOCR's stages are its detector, angle classifier and recogniser.

    PYTHONPATH=$PWD nice .venv/bin/python benchmarks/bench_clean_ratio.py --docs 2 --seed 988700 [--stages]
"""
from __future__ import annotations

import argparse
import inspect
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class StageClock:
    """Exclusive CPU and wall time per stage path: a wrapped function's time, less that of
    the wrapped functions it calls (they count under their own path)."""

    def __init__(self) -> None:
        self.stack: list[list] = []  # [path, cpu and wall of callees]
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.counts: dict[str, list[int]] = {}

    def wrap(self, owner, name: str, label: str, count=None) -> None:
        """Time ``owner.name`` (a module function or a method) as stage ``label``;
        ``count(args)``: (items, pixels) added to the stage's tally per call."""
        fn = getattr(owner, name)
        clock = self

        def timed(*args, **kwargs):
            if count is not None:
                n = clock.counts.setdefault(clock._path(label), [0, 0])
                n[0], n[1] = (a + b for a, b in zip(n, count(args)))
            out = clock._run(label, fn, args, kwargs)
            return clock._steps(label, out) if inspect.isgenerator(out) else out

        setattr(owner, name, timed)

    def _path(self, label: str) -> str:
        return f"{self.stack[-1][0]}/{label}" if self.stack else label

    def _run(self, label: str, fn, args, kwargs):
        path = self._path(label)
        self.stack.append([path, 0.0, 0.0])
        c, w = time.process_time(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            dc, dw = time.process_time() - c, time.perf_counter() - w
            _, sub_c, sub_w = self.stack.pop()
            self.cpu[path] = self.cpu.get(path, 0.0) + dc - sub_c
            self.wall[path] = self.wall.get(path, 0.0) + dw - sub_w
            if self.stack:
                self.stack[-1][1] += dc
                self.stack[-1][2] += dw

    def _steps(self, label: str, gen):
        """A generator's items, each step timed as the stage (rendering pages lazily)."""
        while True:
            try:
                item = self._run(label, next, (gen,), {})
            except StopIteration:
                return
            yield item

    def report(self, side: str, pages: int, total_cpu: float, total_wall: float) -> None:
        """Per page: each stage path's CPU and wall seconds, its share of the CPU, its tallies."""
        print(f"{side}: stages per page ({pages} pages; CPU s, wall s, share of CPU)")
        for path in sorted(self.cpu, key=lambda p: -self.cpu[p]):
            extra = ""
            if path in self.counts:
                n, px = self.counts[path]
                extra = f"; {n / pages:.0f} crops, {px / pages / 1000:.1f} kpx model input"
            print(f"  {path:48s} {self.cpu[path] / pages:6.2f} {self.wall[path] / pages:6.2f} "
                  f"{100 * self.cpu[path] / total_cpu:5.1f}%{extra}")
        rest_c, rest_w = total_cpu - sum(self.cpu.values()), total_wall - sum(self.wall.values())
        print(f"  {'(elsewhere)':48s} {rest_c / pages:6.2f} {rest_w / pages:6.2f} {100 * rest_c / total_cpu:5.1f}%")


def clock_ours() -> StageClock:
    """A StageClock on our scan path's stages."""
    import pipeline.extract as extract
    from pipeline import ocr
    from pipeline.backend import scan
    from pipeline.backend.scan import deskew, raster

    clock = StageClock()
    clock.wrap(raster, "_render_pages", "render")
    clock.wrap(scan, "_working_image", "preparation")
    clock.wrap(deskew, "upside_down", "orientation")
    clock.wrap(scan, "analyse", "layout")
    clock.wrap(scan, "recognise_page", "page assembly")
    clock.wrap(ocr.OcrEngine, "recognize", "recognition",
               lambda args: (len(args[1]), ocr.model_input_pixels(args[1])))  # args: (engine, crops, …)
    clock.wrap(ocr.OcrEngine, "detect", "detection")
    clock.wrap(ocr.OcrEngine, "upside_down", "direction classifier")
    clock.wrap(extract, "extract_document", "document (rules, labeller, fields)")
    return clock


class _Timed:
    """A RapidOCR stage object whose calls a StageClock times (other attributes pass through)."""

    def __init__(self, inner, clock: StageClock, label: str) -> None:
        self._inner, self._clock, self._label = inner, clock, label

    def __call__(self, *args, **kwargs):
        return self._clock._run(self._label, self._inner, args, kwargs)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def clock_plain(eng) -> StageClock:
    """A StageClock on plain RapidOCR's detector, angle classifier and recogniser."""
    clock = StageClock()
    for attr, label in (("text_det", "detection"), ("text_cls", "angle classifier"), ("text_rec", "recognition")):
        setattr(eng, attr, _Timed(getattr(eng, attr), clock, label))
    return clock


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2, help="generated reports (clean scans)")
    ap.add_argument("--seed", type=int, default=988700, help="first seed")
    ap.add_argument("--stages", action="store_true", help="also the CPU and wall time per stage, each side")
    ap.add_argument("--results", type=Path, help="write each document's fields and cells, and our peak "
                                                 "resident memory on it (models included), here as JSON lines")
    args = ap.parse_args(argv)
    from rapidocr import RapidOCR

    from benchmarks.bench_scan_hazards import page_images, peak_mib, reset_peak
    from pipeline.extract import extract_file
    from training.generate import generate, write_scan

    if args.results:
        args.results.write_text("")
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-clean-ratio-"))
    paths = []
    for i in range(args.docs):
        p = tmp / f"clean_{args.seed + i}.pdf"
        write_scan(generate(args.seed + i), p)
        paths.append(p)
    eng = RapidOCR()  # its defaults: angle classifier on
    extract_file(str(paths[0]))
    eng(next(iter(page_images(str(paths[0])))))  # models loaded outside the timing
    clocks = (clock_ours(), clock_plain(eng)) if args.stages else None
    oc = ow = pc = pw = 0.0
    n = 0
    for p in paths:
        reset = reset_peak()
        c, w = time.process_time(), time.perf_counter()
        r = extract_file(str(p))
        oc, ow = oc + time.process_time() - c, ow + time.perf_counter() - w
        if args.results:
            with args.results.open("a") as f:
                f.write(json.dumps({"seed": int(p.stem.split("_")[1]), "peak_mib": peak_mib() if reset else None,
                                    "fields": r.fields,
                                    "cells": r.as_dict().get("cells")}, default=str, sort_keys=True) + "\n")
        c, w = time.process_time(), time.perf_counter()
        k = 0
        for img in page_images(str(p)):
            eng(img)
            k += 1
        pc, pw = pc + time.process_time() - c, pw + time.perf_counter() - w
        n += k
        print(f"{p.name}: pages {r.pages} ours, {k} plain", flush=True)
    print(f"ours {oc / n:.2f} CPU s/page, {ow / n:.2f} wall; plain RapidOCR {pc / n:.2f} CPU, {pw / n:.2f} wall; "
          f"ours / plain: CPU {oc / pc:.3f}x, wall {ow / pw:.3f}x ({n} pages)", flush=True)
    if clocks:
        clocks[0].report("ours", n, oc, ow)
        clocks[1].report("plain RapidOCR", n, pc, pw)
    return 0


if __name__ == "__main__":
    sys.exit(main())

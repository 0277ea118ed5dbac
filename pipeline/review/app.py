"""``nianbao review``: a local web page (Flask, on 127.0.0.1) to check a run by eye.

Pages: the reports worst first (``/``), one report's tables as the template lays
them out (``/r/<sha256>``), a page's lines with their labels (``/r/<sha256>/lines/<page>``).
Images: a page with cell boxes drawn (``/r/<sha256>/page/<n>.png``).  What a person
decides is appended to ``RUN_DIR/corrections.jsonl`` (``/api/cell``, ``/api/check``,
``/api/line``); the next ``nianbao batch`` into the run applies it.  Every asset
is served from this package: the page works offline.
"""
from __future__ import annotations

import getpass
import io
import threading
from functools import lru_cache
from pathlib import Path
from typing import Optional

from flask import Flask, abort, jsonify, render_template, request, send_file

from .. import corrections
from ..datamodel import LABELS
from ..template import get
from . import model, pages

DEFAULT_PORT = 8765
HOST = "127.0.0.1"  # local only: the page writes to the run directory


class Run:
    """A run directory as the pages see it: results re-read when the journal changes."""

    def __init__(self, run_dir: str | Path):
        self.dir = Path(run_dir)
        if not (self.dir / "results.jsonl").is_file():
            raise FileNotFoundError(f"{self.dir}: not a run directory (no results.jsonl); "
                                    "make one with `nianbao batch … --out DIR`")
        self._lock = threading.Lock()
        self._stamp: Optional[tuple] = None
        self._objs: list[dict] = []

    def results(self) -> list[dict]:
        """The reports with the pending corrections applied."""
        paths = [self.dir / "results.jsonl", corrections.path_of(self.dir)]
        stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in paths)
        with self._lock:
            if stamp != self._stamp:
                recs = self.records()
                self._objs = [model.with_corrections(o, recs) for o in model.load_results(self.dir)]
                self._stamp = stamp
            return self._objs

    def records(self) -> list[dict]:
        return corrections.read(self.dir)

    def report(self, sha: str) -> dict:
        for o in self.results():
            if o["sha256"] == sha:
                return o
        abort(404, f"no report {sha} in this run")

    def source(self, obj: dict) -> str:
        try:
            return str(corrections.source_path(obj, self.dir))
        except FileNotFoundError as e:
            abort(404, str(e))


@lru_cache(maxsize=8)
def _document(path: str, sha: str):
    """A report read again (text sources: for the line around a cell's span)."""
    from ..inputs import read_document
    return read_document(path)


def create_app(run_dir: str | Path, user: Optional[str] = None) -> Flask:
    """The review application for one run directory; corrections are signed by ``user``."""
    app = Flask(__name__)
    run = Run(run_dir)
    app.config.update(RUN=run, USER=user or getpass.getuser())
    lines_cache: dict = {}

    def lines_of(obj: dict):
        key = obj["sha256"]
        if key not in lines_cache:
            lines_cache[key] = corrections.report_lines(obj, run.dir)[:2]
        lines, labels = lines_cache[key]
        marks = corrections.latest_lines(run.records(), key)
        return lines, labels, marks

    @app.context_processor
    def _globals():
        return {"user": app.config["USER"], "run_dir": str(run.dir), "labels": LABELS}

    @app.get("/")
    def index():
        objs = run.results()
        f = {k: request.args.get(k, "") for k in ("agency", "year", "rule")}
        return render_template("index.html", rows=model.listing(objs, **f), facets=model.facets(objs),
                               chosen=f, total=len(objs))

    @app.get("/r/<sha>")
    def report(sha: str):
        obj = run.report(sha)
        src = run.source(obj)
        failing = {}
        for c in model.doubt(obj).failed:
            for fid in model.check_fields(obj, c):
                failing.setdefault(fid, []).append(f"{c['rule']}@{c['where']}")
        checks = [dict(c, fields=model.check_fields(obj, c), key=f"{c['rule']}@{c['where']}")
                  for c in obj.get("checks") or [] if not c["ok"]]
        t = get(obj["template"])
        labels = {f: t.label(f) for f in t.field_ids}
        return render_template(
            "report.html", obj=obj, tables=model.layout(obj), cells=obj.get("cells") or {},
            failing=failing, checks=checks, doubtful=model.doubtful_fields(obj), labels=labels,
            cell_class=model.cell_class, has_pages=pages.has_pages(src), name=Path(src).name,
            doubt=model.doubt(obj))

    @app.get("/r/<sha>/page/<int:page>.png")
    def page_png(sha: str, page: int):
        obj = run.report(sha)
        src = run.source(obj)
        if not pages.has_pages(src):
            abort(404, "a text source has no page images")
        cells = obj.get("cells") or {}
        wanted = [f for f in request.args.get("f", "").split(",") if f]
        boxes = [cells[f]["box"] for f in wanted
                 if f in cells and cells[f].get("box") and cells[f].get("page") == page]
        try:
            png = pages.draw(src, page, boxes, crop=request.args.get("crop") == "1")
        except ValueError as e:
            abort(404, str(e))
        return send_file(io.BytesIO(png), mimetype="image/png", max_age=0)

    @app.get("/r/<sha>/text")
    def text(sha: str):
        obj = run.report(sha)
        cell = (obj.get("cells") or {}).get(request.args.get("f", ""))
        if not cell:
            abort(404, "no such cell")
        win = None
        if cell.get("span"):
            win = pages.text_window(_document(run.source(obj), sha).lines, cell["span"])
        return jsonify({"text": cell.get("text"), "window": win})

    @app.get("/r/<sha>/lines/<int:page>")
    def lines_page(sha: str, page: int):
        obj = run.report(sha)
        lines, labels, marks = lines_of(obj)
        pages_of = sorted({ln.page for ln in lines})
        if page not in pages_of:
            abort(404, f"no page {page}")
        rows, k = [], -1
        for ln, lab in zip(lines, labels):
            if ln.page != page:
                continue
            k += 1
            mark = marks.get((page, k))
            if mark and mark.get("text") and mark["text"] != ln.text:
                mark = None
            rows.append({"index": k, "text": ln.text, "label": mark["label"] if mark else lab,
                         "predicted": lab, "corrected": mark is not None, "box": ln.box})
        src = run.source(obj)
        return render_template("lines.html", obj=obj, page=page, rows=rows, pages=pages_of,
                               has_pages=pages.has_pages(src), name=Path(src).name)

    def _body(*keys: str) -> dict:
        body = request.get_json(silent=True) or {}
        missing = [k for k in keys if k not in body]
        if missing:
            abort(400, f"missing {', '.join(missing)}")
        run.report(body["sha256"])
        return body

    def _append(rec: dict):
        try:
            corrections.append(run.dir, rec)
        except ValueError as e:
            abort(400, str(e))
        return jsonify({"ok": True, "record": rec})

    @app.post("/api/cell")
    def api_cell():
        b = _body("sha256", "field", "value")
        value = b["value"]
        if isinstance(value, str):
            from ..assemble import parse_number
            value = None if value.strip() in ("", "null", "-") else parse_number(value, True)
            if value is None and b["value"].strip() not in ("", "null", "-"):
                abort(400, f"not a number: {b['value']!r}")
        if isinstance(value, float) and value == int(value):
            value = int(value)
        return _append(corrections.cell_record(b["sha256"], b["field"], value, app.config["USER"],
                                               note=b.get("note", "")))

    @app.post("/api/check")
    def api_check():
        b = _body("sha256", "rule", "where")
        return _append(corrections.check_record(b["sha256"], b["rule"], b["where"], app.config["USER"],
                                                note=b.get("note", "")))

    @app.post("/api/line")
    def api_line():
        b = _body("sha256", "page", "line", "label")
        return _append(corrections.line_record(b["sha256"], int(b["page"]), int(b["line"]), b["label"],
                                               app.config["USER"], text=b.get("text", "")))

    @app.errorhandler(400)
    @app.errorhandler(404)
    def _error(e):
        if request.path.startswith("/api/") or request.path.endswith((".png", "/text")):
            return jsonify({"ok": False, "error": e.description}), e.code
        return render_template("error.html", error=e.description, code=e.code), e.code

    return app


def serve(run_dir: str | Path, port: int = DEFAULT_PORT, user: Optional[str] = None) -> None:
    """Run the review page on 127.0.0.1:``port`` until interrupted."""
    from werkzeug.serving import run_simple
    app = create_app(run_dir, user)
    print(f"nianbao review: http://{HOST}:{port}/ (run {run_dir}, corrections signed "
          f"{app.config['USER']!r}; Ctrl-C to stop)", flush=True)
    run_simple(HOST, port, app, threaded=True, use_reloader=False, use_debugger=False)

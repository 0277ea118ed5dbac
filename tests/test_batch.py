"""Batch runs: inputs, the journal, the worker pool (timeouts, crashes), exports,
resume after ``kill -9``, and the Ray engine giving the local engine's results."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch
from pipeline.batch import Job

from conftest import DATA, ROOT

SEEDS = sorted((DATA / "seeds").glob("*.txt"))
REAL_TEXT = sorted((DATA / "corpus" / "real").glob("pingtan__*.page.txt"))
# Copies of the seeds made distinct by trailing blank lines (same report, new content hash),
# so that the kill test has enough files to be stopped half way.
VARIANTS = 30
KILL_AFTER_LINES = 15  # results written before the batch is killed


# --- tasks for the pool tests (module level: spawned workers import them) ---

def fake_task(path: str) -> dict:
    """A stand-in for extract: hangs, segfaults or raises by file name, else returns a report."""
    name = os.path.basename(path)
    if "hang" in name:
        time.sleep(600)
    if "segv" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "raise" in name:
        raise ValueError("boom")
    return {"source": path, "sha256": "", "template": "2021", "fields": {}, "checks": [], "pages": 1}


def _run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "batch", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, **kw)


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _summary(run: Path) -> dict:
    return json.loads((run / batch.SUMMARY).read_text(encoding="utf-8"))


def _bad_files(folder: Path) -> dict[str, str]:
    """Bad inputs of every kind, by name; the values say what each one is."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    (folder / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    (folder / "notes.txt").write_text("会议纪要：今天讨论了食堂菜单。\n", encoding="utf-8")
    # An encrypted Office file is an OLE container, not a zip.
    (folder / "encrypted.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000))
    (folder / "dangling.pdf").symlink_to(folder / "no-such-file.pdf")
    bad = {"empty.txt": "empty", "corrupt.pdf": "corrupt", "fake.png": "corrupt image",
           "notes.txt": "not a report", "encrypted.docx": "encrypted", "dangling.pdf": "unreadable"}
    try:
        from fpdf import FPDF
        pdf = FPDF()
        pdf.set_encryption(owner_password="owner", user_password="secret")
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(text="locked")
        pdf.output(str(folder / "locked.pdf"))
        bad["locked.pdf"] = "encrypted pdf"
    except Exception:  # fpdf2 (or its crypto) missing: the OLE file stands for encrypted input
        pass
    return bad


def _good_files(folder: Path) -> list[Path]:
    """Seeds, the real web dumps when present, and seed variants with distinct bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for src in SEEDS + REAL_TEXT:
        dst = folder / src.name
        dst.write_bytes(src.read_bytes())
        out.append(dst)
    for i in range(VARIANTS):
        src = SEEDS[i % len(SEEDS)]
        dst = folder / f"variant_{i:03d}.txt"
        dst.write_bytes(src.read_bytes() + b"\n" * (i // len(SEEDS) + 1))
        out.append(dst)
    return out


# --- inputs and the journal ---

def test_list_inputs_walks_folders_globs_and_keeps_named_paths(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.pdf", "a/b/y.TXT", "a/skip.json", "a/b/z.html"):
        (tmp_path / name).write_text("x")
    (tmp_path / "a" / "gone.pdf").symlink_to(tmp_path / "nowhere")
    got = batch.list_inputs([str(tmp_path / "a"), str(tmp_path / "a" / "*.pdf"),
                             str(tmp_path / "missing.txt")])
    rel = [os.path.relpath(p, tmp_path) for p in got]
    assert rel == ["a/gone.pdf", "a/x.pdf", "a/b/y.TXT", "a/b/z.html", "missing.txt"]


def test_torn_tail_is_dropped(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text('{"sha256": "a"}\n{"sha256": "b"}\n{"sha2', encoding="utf-8")
    assert batch.drop_torn_tail(p) == len('{"sha2')
    assert [o["sha256"] for o in batch.read_jsonl(p)] == ["a", "b"]
    assert batch.drop_torn_tail(p) == 0


def test_plan_skips_done_and_duplicates_and_retries_timeouts_under_a_longer_limit():
    paths = ["a", "b", "c", "d", "e"]
    hashes = {"a": "h1", "b": "h1", "c": "h2", "d": "h3", "e": OSError(2, "No such file")}
    failed = {"h3": {"kind": "timeout", "timeout_s": 10}}
    p = batch.plan(paths, hashes, {"h2"}, failed, timeout_s=10)
    assert [j.path for j in p.jobs] == ["a"] and p.skipped == ["c", "d"]
    assert p.duplicates == [{"file": "b", "sha256": "h1", "same_as": "a"}]
    assert p.unreadable[0]["file"] == "e" and p.unreadable[0]["kind"] == "unreadable"
    longer = batch.plan(paths, hashes, {"h2"}, failed, timeout_s=20)
    assert [j.path for j in longer.jobs] == ["a", "d"]


# --- the pool ---

def test_pool_survives_hung_crashing_and_raising_files():
    jobs = [Job(n, n) for n in ("ok1", "hang", "segv", "raise", "ok2", "ok3")]
    t0 = time.monotonic()
    got = {j.path: o for j, o in batch.run_local(jobs, workers=2, timeout_s=2, task=fake_task)}
    assert time.monotonic() - t0 < 30
    assert set(got) == {j.path for j in jobs}
    assert batch.failure_of(got["hang"])[0] == "timeout"
    assert batch.failure_of(got["segv"])[0] == "crash"
    assert batch.failure_of(got["raise"])[0] == "internal"
    assert all(batch.failure_of(got[n]) is None for n in ("ok1", "ok2", "ok3"))


# --- exports ---

def test_exports_have_typed_columns_chinese_headers_and_failed_checks(tmp_path):
    obj = {"source": "r.txt", "sha256": "h", "template": "2021", "meta": {"agency": "某\x0b局", "year": 2023},
           "fields": {"requests.new.total": 5, "active.fees.amount": 1.5},
           "checks": [{"rule": "balance", "where": "requests.total", "ok": False, "detail": "5 != 4"},
                      {"rule": "sum", "where": "x", "ok": True, "detail": ""}], "pages": 1}
    (tmp_path / batch.RESULTS).write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / batch.ERRORS).write_text(
        json.dumps({"file": "bad.pdf", "sha256": "x", "kind": "input", "error": "empty file"}) + "\n"
        + json.dumps({"file": "r.txt", "sha256": "h", "kind": "timeout", "error": "old"}) + "\n")
    assert batch.export(tmp_path) == {"reports_total": 1, "partial_total": 0, "failed_checks_total": 1,
                                      "errors_total": 1}
    df = pd.read_parquet(tmp_path / batch.FIELDS_PARQUET)
    assert list(df.columns[:6]) == ["source", "agency", "year", "template", "failed_checks", "failed_list"]
    assert str(df["requests.new.total"].dtype) == "Int64" and df["active.fees.amount"][0] == 1.5
    assert df["failed_list"][0] == "balance@requests.total"
    checks = pd.read_csv(tmp_path / batch.CHECKS_CSV)
    assert checks.to_dict("records") == [{"source": "r.txt", "sha256": "h", "rule": "balance",
                                          "where": "requests.total", "detail": "5 != 4",
                                          "published_inconsistency": False}]
    assert pd.read_csv(tmp_path / batch.ERRORS_CSV)["file"].tolist() == ["bad.pdf"]
    sheets = pd.read_excel(tmp_path / batch.FIELDS_XLSX, sheet_name=None)
    report, mapping = sheets["报告"], sheets["字段"]
    label = batch.field_label("requests.new.total")
    assert "申请" in label and report[label][0] == 5 and report["机关"][0] == "某局"
    assert dict(zip(mapping["表头"], mapping["field_id"]))[label] == "requests.new.total"
    assert len(set(mapping["表头"])) == len(mapping)
    for csv, parquet in ((batch.FIELDS_CSV, batch.FIELDS_PARQUET), (batch.CELLS_CSV, batch.CELLS_PARQUET)):
        # each table twice: CSV with the byte-order mark Excel needs, Parquet; the same rows
        assert (tmp_path / csv).read_bytes().startswith("\ufeff".encode())
        got, typed = pd.read_csv(tmp_path / csv), pd.read_parquet(tmp_path / parquet)
        assert list(got.columns) == list(typed.columns) and len(got) == len(typed)
    assert "field" in pd.read_csv(tmp_path / batch.CELLS_CSV).columns


def test_exports_are_in_path_order_whatever_order_the_workers_finished(tmp_path):
    """Two runs over the same files write the same exports: rows by the report's path, not by
    the journal's order (the order parallel workers finished in)."""
    objs = [{"source": s, "sha256": s, "template": "2021", "meta": {"year": 2023}, "pages": 1,
             "fields": {"requests.new.total": n},
             "checks": [{"rule": "balance", "where": "requests.total", "ok": False, "detail": s}]}
            for s, n in (("b.txt", 2), ("a.txt", 1), ("c.txt", 3))]
    written = {}
    for name, order in (("one", objs), ("other", objs[::-1])):
        d = tmp_path / name
        d.mkdir()
        (d / batch.RESULTS).write_text("".join(json.dumps(o) + "\n" for o in order), encoding="utf-8")
        batch.export(d)
        written[name] = [(d / f).read_bytes() for f in (batch.FIELDS_CSV, batch.CHECKS_CSV)]
    assert written["one"] == written["other"]
    assert pd.read_csv(tmp_path / "one" / batch.FIELDS_CSV)["source"].tolist() == ["a.txt", "b.txt", "c.txt"]


def test_duckdb_query_from_the_docs(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    summary = batch.run_batch([str(p) for p in REAL_TEXT or SEEDS], tmp_path, workers=1, progress=False)
    rows = duckdb.sql(f"""
        SELECT agency, count(*) AS reports, sum(failed_checks) AS failed
        FROM '{tmp_path / batch.FIELDS_PARQUET}'
        GROUP BY agency HAVING sum(failed_checks) > 0 ORDER BY failed DESC""").fetchall()
    failing = pd.read_parquet(tmp_path / batch.FIELDS_PARQUET).query("failed_checks > 0")
    assert summary["done"] == len(REAL_TEXT or SEEDS)
    assert sum(r[2] for r in rows) == failing["failed_checks"].sum()


# --- done when: kill -9 half way, resume, and a third run that redoes nothing ---

def test_kill_9_resume_and_third_run(tmp_path):
    good = _good_files(tmp_path / "in" / "good")
    bad = _bad_files(tmp_path / "in" / "bad")
    dup = tmp_path / "in" / "zz_copies" / "copy_of_seed.txt"  # walked after good/
    dup.parent.mkdir()
    dup.write_bytes(SEEDS[0].read_bytes())
    (tmp_path / "in" / "folder.pdf").mkdir()  # a directory named like a file is walked, not read
    run = tmp_path / "run"
    results = run / batch.RESULTS

    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "batch", str(tmp_path / "in"),
                             "--out", str(run), "--workers", "1", "--no-progress"],
                            cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if results.exists() and results.read_bytes().count(b"\n") >= KILL_AFTER_LINES:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = results.read_bytes().count(b"\n")
    assert KILL_AFTER_LINES <= written < len(good), "the kill must land half way"

    second = _run_cli(tmp_path / "in", "--out", run, "--workers", "2", "--no-progress", timeout=120)
    assert second.returncode == 0, second.stderr
    objs = _lines(results)
    shas = [o["sha256"] for o in objs]
    assert len(shas) == len(set(shas)), "a report is in results.jsonl twice"
    good_shas = {batch.file_sha256(str(p)) for p in good}
    assert set(shas) == good_shas
    errors = pd.read_csv(run / batch.ERRORS_CSV)
    assert sorted(Path(f).name for f in errors["file"]) == sorted(bad)
    dups = pd.read_csv(run / batch.DUPLICATES_CSV)
    assert dups[["file", "same_as"]].values.tolist() == [[str(dup), str(good[0])]]
    fields = pd.read_csv(run / batch.FIELDS_CSV)
    # A row for every input read: the reports, and the text that is not one (notes.txt).
    assert len(fields) == len(good) + 1 and fields["sha256"].is_unique
    kinds = dict(zip(fields["source"].map(lambda s: Path(s).name), fields["kind"]))
    assert kinds["notes.txt"] == "not-a-report" and all(kinds[p.name].startswith("template-") for p in good)
    for name in (batch.FIELDS_PARQUET, batch.FIELDS_XLSX, batch.CHECKS_CSV):
        assert (run / name).stat().st_size > 0
    s2 = _summary(run)
    assert s2["files"] == len(good) + len(bad) + 1 and s2["duplicates"] == 1
    assert s2["done"] + s2["failed"] + s2["skipped"] == s2["unique"]

    third = _run_cli(tmp_path / "in", "--out", run, "--workers", "2", "--no-progress", timeout=120)
    assert third.returncode == 0, third.stderr
    s3 = _summary(run)
    assert s3["processed"] == 0 and s3["skipped"] == s3["unique"] == len(good) + len(bad)
    assert _lines(results) == objs
    assert len(pd.read_csv(run / batch.ERRORS_CSV)) == len(bad)


# --- ray ---

def test_ray_engine_matches_local(tmp_path):
    pytest.importorskip("ray")
    inputs = [str(p) for p in SEEDS + REAL_TEXT[:2]]
    (tmp_path / "empty.txt").write_bytes(b"")
    inputs.append(str(tmp_path / "empty.txt"))
    local = batch.run_batch(inputs, tmp_path / "local", workers=2, progress=False)
    remote = batch.run_batch(inputs, tmp_path / "ray", workers=2, engine="ray", progress=False)
    for key in ("done", "failed", "processed"):
        assert local[key] == remote[key]

    def by_sha(run):
        return {o["sha256"]: o for o in _lines(tmp_path / run / batch.RESULTS)}
    a, b = by_sha("local"), by_sha("ray")
    assert a.keys() == b.keys() and len(a) == len(inputs) - 1
    assert all(a[h]["fields"] == b[h]["fields"] and a[h]["checks"] == b[h]["checks"] for h in a)
    assert (pd.read_csv(tmp_path / "local" / batch.ERRORS_CSV).equals(
        pd.read_csv(tmp_path / "ray" / batch.ERRORS_CSV)))


def test_an_unreadable_file_is_reported_alike_by_extract_and_batch(tmp_path):
    """One message for a file the system will not give us: the PDF backend's, the input
    stage's and a batch's error record (``datamodel.cannot_read``)."""
    from pipeline.backend.pdf import read_pdf
    from pipeline.datamodel import InputError
    from pipeline.inputs import read_document
    missing = str(tmp_path / "gone.pdf")
    with pytest.raises(InputError) as backend:
        read_pdf(missing)
    with pytest.raises(InputError) as stage:
        read_document(missing)
    record = batch.plan([missing], batch._hash_all([missing]), set(), {}, timeout_s=10).unreadable[0]
    assert str(backend.value) == str(stage.value) == record["error"] == "cannot read file: No such file or directory"

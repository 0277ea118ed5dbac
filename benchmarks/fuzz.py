"""Fuzzing: the bundled real files, mutated, fed to every reader; prints cases, crashes and hangs.

    .venv/bin/python benchmarks/fuzz.py [--cases 10000] [--seed 0] [--start 0] [--workers 1] [--timeout 120]
                                        [--out runs/fuzz]

Inputs mutated (``seed_files``): the 5 seeds and the 7 平潭 dumps (text), the 上海 page
(HTML), the 3 real text PDFs (PDF bytes), and two seeds written as Word files (DOCX: the
archive's bytes, or its ``word/document.xml``).  Each case is one mutation chain
(``mutate``: 1-4 of bit flips, bytes overwritten with invalid or "interesting" bytes, ranges
deleted, duplicated or spliced from another file, the file cut short, numbers in it changed,
PDF objects dropped) written to a file and read end to end by ``pipeline.extract.extract_file``
in a worker process of the batch engine (``pipeline.batch.run_local``): a **crash** is an
exception other than a clean input error, or a dead worker; a **hang** is a case over the
time limit.  The inputs of crashes and hangs are kept under ``--out``.  A case is
reproducible from ``--seed`` and its number.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "data"
REAL = DATA / "corpus" / "real"
MAX_OPS = 4  # mutations chained per case
INTERESTING = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xe4\xb8", b"\x81", b"\x80", b"\r",
               b"\n" * 3, b"|", b"\t", b"<table>", b"</td><td>", b"<tr>", b"obj", b"endobj", b"stream",
               b"endstream", b"%%EOF", b"trailer", b"<<", b">>", b"R", b"9999999999", b"-1",
               b"1e308", b"\xe2\x80\x8b", b"\xef\xbf\xbd", "（一）".encode(), "总计".encode()]
NUMBER = re.compile(rb"\d+")
PDF_OBJ = re.compile(rb"\n\d+ 0 obj\b.*?endobj", re.S)


# --- inputs -------------------------------------------------------------------------------

def seed_to_docx(text: str) -> bytes:
    """A Word file of a text dump: ``|`` lines as one table per block, other lines as paragraphs."""
    import docx
    d = docx.Document()
    block: list[list[str]] = []

    def flush():
        if block:
            t = d.add_table(rows=len(block), cols=max(len(r) for r in block))
            for i, r in enumerate(block):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
            block.clear()
    for line in text.splitlines():
        if "|" in line:
            block.append([c.strip() for c in line.split("|") if c.strip()])
        else:
            flush()
            d.add_paragraph(line)
    flush()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def seed_files() -> dict[str, bytes]:
    """name -> bytes of every file the fuzzer mutates (real files, and two seeds as DOCX)."""
    out = {p.name: p.read_bytes() for p in sorted((DATA / "seeds").glob("*.txt"))}
    out.update({p.name: p.read_bytes() for p in sorted(REAL.glob("*.page.*"))})
    out.update({p.name: p.read_bytes() for p in sorted(REAL.glob("*.pdf")) if ".scan." not in p.name})
    for p in sorted((DATA / "seeds").glob("*.txt"))[1:3]:
        out[p.stem + ".docx"] = seed_to_docx(p.read_text(encoding="utf-8"))
    return out


# --- mutations ------------------------------------------------------------------------------

def _span(rng: random.Random, n: int, most: int = 64) -> tuple[int, int]:
    a = rng.randrange(max(n, 1))
    return a, min(n, a + rng.randint(1, most))


def mutate_bytes(data: bytes, rng: random.Random, other: bytes = b"") -> bytes:
    """One random byte-level mutation of ``data`` (``other``: a file to splice from)."""
    b = bytearray(data)
    n = len(b)
    op = rng.randrange(10)
    if n == 0:
        return bytes(rng.choice(INTERESTING))
    if op == 0:  # bit flips
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
    elif op == 1:  # random bytes over a range
        a, z = _span(rng, n, 16)
        b[a:z] = bytes(rng.randrange(256) for _ in range(z - a))
    elif op == 2:  # an interesting token inserted or written over
        i = rng.randrange(n)
        tok = rng.choice(INTERESTING)
        b[i:i + (len(tok) if rng.random() < 0.5 else 0)] = tok
    elif op == 3:  # a range deleted
        a, z = _span(rng, n, rng.choice((4, 256, 4096)))
        del b[a:z]
    elif op == 4:  # a range duplicated
        a, z = _span(rng, n, 1024)
        i = rng.randrange(n)
        b[i:i] = b[a:z]
    elif op == 5:  # cut short (an interrupted download)
        del b[rng.randrange(n):]
    elif op == 6:  # a number changed
        ms = list(NUMBER.finditer(data[:200000]))
        if ms:
            m = rng.choice(ms)
            b[m.start():m.end()] = str(rng.choice((0, 1, -1, 10 ** rng.randint(1, 30),
                                                   rng.randrange(1000)))).encode()
    elif op == 7:  # spliced from another file
        if other:
            a, z = _span(rng, len(other), 2048)
            i = rng.randrange(n)
            b[i:i + rng.randint(0, 2048)] = other[a:z]
    elif op == 8:  # a PDF object dropped (or a line, for text)
        ms = list(PDF_OBJ.finditer(data)) if data.startswith(b"%PDF") else []
        if ms:
            m = rng.choice(ms)
            del b[m.start():m.end()]
        else:
            lines = bytes(b).split(b"\n")
            del lines[rng.randrange(len(lines))]
            b = bytearray(b"\n".join(lines))
    else:  # one invalid byte in a text (a damaged UTF-8 character)
        i = rng.randrange(n)
        b[i] = rng.choice((0x80, 0xC0, 0xE4, 0xFF))
    return bytes(b)


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    """A DOCX with its ``word/document.xml`` mutated (the archive itself kept valid); the bytes
    mutated when an earlier mutation broke the archive."""
    out = io.BytesIO()
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "word/document.xml":
                    body = mutate_bytes(body, rng)
                z.writestr(info.filename, body)
    except Exception:  # zipfile, zlib and struct all raise on a broken archive
        return mutate_bytes(data, rng)
    return out.getvalue()


def mutate(name: str, data: bytes, rng: random.Random, other: bytes = b"") -> bytes:
    """A chain of 1-MAX_OPS mutations; a DOCX's XML inside the archive half the time."""
    for _ in range(rng.randint(1, MAX_OPS)):
        if name.endswith(".docx") and rng.random() < 0.5:
            data = mutate_docx(data, rng)
        else:
            data = mutate_bytes(data, rng, other)
    return data


def make_case(files: dict[str, bytes], seed: int, number: int) -> tuple[str, bytes]:
    """Case ``number`` of run ``seed``: (the file it mutates, the mutated bytes)."""
    rng = random.Random(f"{seed}:{number}")
    names = sorted(files)
    name = rng.choice(names)
    other = files[rng.choice(names)]
    return name, mutate(name, files[name], rng, other)


# --- running ----------------------------------------------------------------------------------

def read_case(path: str) -> dict:
    """Worker task: read one case end to end; ``kind`` set only for a crash."""
    import traceback
    from pipeline.extract import extract_file
    try:
        r = extract_file(path)
    except Exception as e:  # any exception past the readers is a crash
        return {"kind": "crash", "error": f"{type(e).__name__}: {e}",
                "trace": traceback.format_exc(limit=8)[-3000:]}
    return {"outcome": "error" if r.error else ("read" if r.template else "not_report"),
            "recovery": (r.recovery or {}).get("status")}


def run(cases: int, seed: int, workers: int, timeout_s: float, out: Path, chunk: int = 500,
        kinds: Optional[set] = None, start: int = 0) -> dict:
    """Run cases ``start`` .. ``start + cases - 1`` in chunks of files on the batch engine; the
    figures.  ``kinds``: mutate only the files with these suffixes (``{".txt", ".html"}``), all
    when None.  A run stopped part-way goes on from the next chunk with ``start``: the cases
    depend only on the seed and their numbers, so the pieces add up to one run."""
    from pipeline.batch import Job, run_local
    files = {n: b for n, b in seed_files().items() if kinds is None or Path(n).suffix in kinds}
    out.mkdir(parents=True, exist_ok=True)
    tally: Counter = Counter()
    kinds: Counter = Counter()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
        for first in range(start, start + cases, chunk):
            jobs, meta = [], {}
            for k in range(first, min(start + cases, first + chunk)):
                name, data = make_case(files, seed, k)
                path = Path(tmp) / f"case{k:06d}{Path(name).suffix}"
                path.write_bytes(data)
                jobs.append(Job(str(path), str(k)))
                meta[str(k)] = name
            for job, obj in run_local(jobs, workers, timeout_s, task=read_case):
                tally["cases"] += 1
                kinds[Path(meta[job.sha256]).suffix] += 1
                kind = obj.get("kind")
                if kind:
                    tally["hangs" if kind == "timeout" else "crashes"] += 1
                    keep = out / f"{kind}-{job.sha256}-{Path(job.path).name}"
                    keep.write_bytes(Path(job.path).read_bytes())
                    with open(out / "failures.jsonl", "a", encoding="utf-8") as f:
                        f.write(json.dumps({"case": int(job.sha256), "from": meta[job.sha256],
                                            "seed": seed, **obj}, ensure_ascii=False) + "\n")
                else:
                    tally[obj["outcome"]] += 1
                    if obj.get("recovery"):
                        tally["recovered_" + obj["recovery"]] += 1
                os.unlink(job.path)
            print(f"fuzz: {tally['cases']} cases, {tally['crashes']} crashes, {tally['hangs']} hangs "
                  f"({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)
            figures = _figures(tally, kinds, t0, seed, timeout_s, workers, start)
            (out / f"figures-{seed}-{start}.json").write_text(json.dumps(figures, indent=1) + "\n")
    return _figures(tally, kinds, t0, seed, timeout_s, workers, start)


def _figures(tally: Counter, kinds: Counter, t0: float, seed: int, timeout_s: float, workers: int,
             start: int = 0) -> dict:
    return {"cases": tally["cases"], "crashes": tally["crashes"], "hangs": tally["hangs"],
            "read": tally["read"], "not_report": tally["not_report"], "input_error": tally["error"],
            "recovered_repaired": tally["recovered_repaired"], "recovered_partial": tally["recovered_partial"],
            "by_input": dict(sorted(kinds.items())), "seconds": round(time.monotonic() - t0, 1),
            "seed": seed, "first_case": start, "last_case": start + tally["cases"] - 1,
            "timeout_s": timeout_s, "workers": workers}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="number of the first case (to go on with a stopped run)")
    ap.add_argument("--chunk", type=int, default=500, help="cases per batch of worker jobs; figures written after each")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per case before it is a hang")
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "fuzz")
    ap.add_argument("--kinds", help="only files with these suffixes, comma-separated (.txt,.html,.docx,.pdf)")
    a = ap.parse_args(argv)
    kinds = set(a.kinds.split(",")) if a.kinds else None
    figures = run(a.cases, a.seed, a.workers, a.timeout, a.out, chunk=a.chunk, kinds=kinds, start=a.start)
    print(json.dumps(figures, indent=1))
    return 1 if figures["crashes"] or figures["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main())

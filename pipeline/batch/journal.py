"""The run directory's append-only journal (``results.jsonl``, ``errors.jsonl``): a record is one
complete line, written with flush + fsync; a line torn by a kill is cut off at the next start;
one run at a time holds the directory."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
from pathlib import Path
from typing import Iterator

from .inputs import HASH_CHUNK, error_key

RESULTS, ERRORS = "results.jsonl", "errors.jsonl"
LOCK = ".lock"


def drop_torn_tail(path: Path) -> int:
    """Cut a journal after its last newline (a line torn by a kill); bytes dropped."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    with open(path, "rb+") as f:
        pos, keep = size, 0
        while pos > 0:
            step = min(HASH_CHUNK, pos)
            f.seek(pos - step)
            i = f.read(step).rfind(b"\n")
            if i >= 0:
                keep = pos - step + i + 1
                break
            pos -= step
        if keep < size:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())
    return size - keep


def read_jsonl(path: Path) -> Iterator[dict]:
    """The records of a journal, streamed; a line that does not parse is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                print(f"nianbao: {path.name}: skipping a damaged line", file=sys.stderr)


def append_record(f, obj: dict) -> None:
    """Append one record as one complete line and make it durable before going on."""
    f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    f.flush()
    os.fsync(f.fileno())


def latest_errors(out: Path) -> dict[str, dict]:
    """The last error record per input key."""
    return {error_key(e): e for e in read_jsonl(out / ERRORS)}


@contextlib.contextmanager
def run_lock(out: Path):
    """Hold the run directory for this process (two runs at once would double records)."""
    with open(out / LOCK, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another batch is running in {out}") from None
        yield

"""A run's inputs: folders walked, globs expanded, files hashed (a file's identity is the sha256
of its bytes), and the plan: what to read, skip (done or failed before), or record as a duplicate
or an unreadable file."""
from __future__ import annotations

import glob
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..datamodel import cannot_read

# Extensions a folder walk picks up (files named on the command line are taken as they are).
REPORT_EXTENSIONS = frozenset({".pdf", ".txt", ".html", ".htm", ".docx",
                               ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
# Inputs that may need the OCR models (scanned PDFs, images): workers load them at start-up.
OCR_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Job:
    """One file to read: its path as given and its content hash."""
    path: str
    sha256: str


def _walk(folder: Path) -> list[str]:
    """Report-like files under a folder, recursively, sorted (dangling links included)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        out += [os.path.join(root, f) for f in sorted(files)
                if os.path.splitext(f)[1].lower() in REPORT_EXTENSIONS]
    return out


def list_inputs(inputs: Iterable[str]) -> list[str]:
    """Expand folders (walked for report extensions), globs and files into paths, in order, once each.

    A named path that does not exist is kept: it becomes an error record, not a silent skip.
    """
    paths: list[str] = []
    for arg in inputs:
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        for m in matches:
            paths += _walk(Path(m)) if os.path.isdir(m) else [m]
    return list(dict.fromkeys(os.path.normpath(p) for p in paths))


def file_sha256(path: str) -> str:
    """sha256 of a regular file's bytes; OSError for anything else (dangling link, folder, fifo)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(f"not a regular file: {path}")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(HASH_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def error_key(rec: dict) -> str:
    """What identifies a failed input: its hash, or its path when it could not be hashed."""
    return rec.get("sha256") or f"path:{rec.get('file')}"


@dataclass
class Plan:
    """What a run does with its inputs."""
    jobs: list[Job] = field(default_factory=list)  # to read now
    skipped: list[str] = field(default_factory=list)  # content done (or failed) in an earlier run
    duplicates: list[dict] = field(default_factory=list)  # same content as an earlier input
    unreadable: list[dict] = field(default_factory=list)  # error records of files that cannot be hashed

    @property
    def processed(self) -> int:
        return len(self.jobs) + len(self.unreadable)


def should_retry(err: dict, timeout_s: float, retry_errors: bool) -> bool:
    """Retry a recorded failure? Only timeouts under a shorter limit, unless asked for all."""
    if retry_errors:
        return True
    return err.get("kind") == "timeout" and timeout_s > float(err.get("timeout_s") or 0)


def plan(paths: list[str], hashes: dict[str, str | OSError], done: set[str], failed: dict[str, dict],
         timeout_s: float, retry_errors: bool = False) -> Plan:
    """Split the inputs into jobs, skips, duplicates and unreadable files (pure)."""
    p, first = Plan(), {}
    for path in paths:
        h = hashes[path]
        if isinstance(h, OSError):
            key = f"path:{path}"
            if key in failed and not retry_errors:
                p.skipped.append(path)
            else:
                p.unreadable.append({"file": path, "sha256": "", "kind": "unreadable",
                                     "error": cannot_read(h)})
            continue
        if h in first:
            p.duplicates.append({"file": path, "sha256": h, "same_as": first[h]})
            continue
        first[h] = path
        if h in done or (h in failed and not should_retry(failed[h], timeout_s, retry_errors)):
            p.skipped.append(path)
        else:
            p.jobs.append(Job(path, h))
    return p

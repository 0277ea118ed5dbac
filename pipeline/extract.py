"""The pipeline: input -> lines -> labels -> tables -> checks -> Result.

``extract_document`` is pure over a Document; ``extract_file`` adds the file
read and turns unreadable input into a flagged Result instead of an exception.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from . import checks, narrative
from .assemble import assemble
from .datamodel import Document, InputError, Result
from .inputs import read_document
from .labels import Labeler, apply_labels
from .template import get


def _run_together(doc: Document, result: Result, stated: dict) -> bool:
    """Decode web dumps whose table cells run together; True when it applied."""
    try:
        from . import runtogether
    except ImportError:  # decoder not installed in this build
        return False
    body = "\n".join(ln.text for ln in doc.lines if ln.label != "other")
    if not runtogether.is_run_together(body):
        return False
    name = runtogether.detect_format(body)
    if name is None:
        return False
    dec = runtogether.decode(body, get(name), stated)
    result.template = name
    result.fields = dec.fields
    result.ambiguous = dec.ambiguous
    result.warnings += dec.warnings
    return True


def extract_document(doc: Document, labeler: Optional[Labeler] = None) -> Result:
    """Labels, tables, narrative and checks for one read Document; without a
    ``labeler``, the shipped line classifier labels the lines."""
    result = Result(doc.source, doc.sha256, None, pages=len(doc.pages))
    result.warnings += doc.warnings
    if labeler is None:
        from .classifier import default_labeler  # loaded once per process
        labeler = default_labeler()
    apply_labels(doc, labeler)
    lines = doc.lines
    meta = narrative.metadata(lines)
    result.meta = meta
    result.sections = narrative.sections(lines)
    stated = narrative.stated_fields(meta)
    if not _run_together(doc, result, stated):
        asm = assemble(lines)
        result.template, result.fields = asm.template, asm.fields
        result.inferred, result.warnings = asm.inferred, result.warnings + asm.warnings
    if result.template:
        template = get(result.template)
        result.checks = checks.run_checks(template, result.fields) + \
            checks.stated_checks(result.fields, stated)
    return result


def extract_file(path: str | Path, labeler: Optional[Labeler] = None) -> Result:
    """Extract one file; unreadable input gives a Result with ``error`` set, never raises."""
    try:
        doc = read_document(path)
    except InputError as e:
        digest = ""
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            pass
        r = Result(str(path), digest, None, error=str(e))
        r.warnings.append(f"input error: {e}")
        return r
    return extract_document(doc, labeler)

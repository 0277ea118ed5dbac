"""Input stage: any file becomes a Document of Pages of Lines.

The file type is sniffed from its bytes, not trusted from its name.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import Optional

from .datamodel import Document, InputError, cannot_read
from .limits import DEFAULT_LIMITS, Limits

IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")
# OLE2 compound files: legacy .doc/.xls, and encrypted .docx (Office wraps those in OLE2).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files above this size are refused outright rather than read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes) -> str:
    """``pdf``, ``image``, ``docx``, ``ole`` or ``text`` from the leading bytes."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(IMAGE_MAGIC):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(OLE_MAGIC):
        return "ole"
    return "text"


def is_image_only_pdf(path: Path, max_pages: int = DEFAULT_LIMITS.max_pages) -> bool:
    """True when no page of the PDF has a usable text layer (a scan): then the scan
    backend reads it whole, with its page-level handling (running headers), instead
    of the text-PDF backend OCR-ing it page by page.  A probe on its own (``read_pdf``
    tells the same in its one pass over the file); stops at the first page with text.  False when the PDF cannot be opened here
    (damaged, encrypted: ``read_pdf`` reports those) or is longer than
    ``max_pages`` (then ``read_pdf`` reads its first pages, OCR-ing those without text)."""
    try:
        import pypdfium2 as pdfium
        from .backend.pdf import page_needs_ocr

        pdf = pdfium.PdfDocument(str(path))
        try:
            if not len(pdf) or len(pdf) > max_pages:
                return False
            for i in range(len(pdf)):
                page = pdf[i]
                try:
                    if not page_needs_ocr(page):
                        return False
                finally:
                    page.close()
        finally:
            pdf.close()
        return True
    except Exception:  # any failure to probe (PDFium refuses the file): leave it to read_pdf
        return False


def _read_as_scan(path: Path) -> Document:
    """A PDF none of whose pages has a usable text layer, read whole by the scan backend
    (with its page-level handling: running headers)."""
    from .backend.scan import read_scan
    doc = read_scan(path)
    doc.warnings.insert(0, f"no page has a usable text layer: all {len(doc.pages)} page(s) "
                           "read by OCR as a scan")
    return doc


def _read_pdf_file(path: Path, limits: Limits, rebuilt: bool = False, data: Optional[bytes] = None) -> Document:
    """A PDF as a scan (no page has a text layer) or as a text PDF, in one pass over the file;
    ``rebuilt`` (by qpdf): its text read by pdfminer, which keeps text whose font lost its
    glyph program (PDFium does not)."""
    from .backend.pdf import read_pdf
    return read_pdf(path, data=data, max_pages=limits.max_pages, pdfminer=rebuilt, image_only=_read_as_scan)


def read_pdf_document(path: Path, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF; one that cannot be opened (cut short, broken, permissions-encrypted) is
    rebuilt by qpdf and its surviving pages read, the Document flagged (``recovery``) and
    the pages lost named in a warning.  InputError when even the rebuild fails."""
    try:
        return _read_pdf_file(path, limits, data=data)
    except InputError as e:
        first = e
    from .backend.repair import recovery_record, repair_pdf
    try:
        rep = repair_pdf(data)
    except InputError as e:
        if "password" in str(e):
            raise e from first
        raise InputError(f"{first}; {e}") from first
    with tempfile.TemporaryDirectory(prefix="nianbao-repair-") as tmp:
        fixed = Path(tmp) / path.name
        fixed.write_bytes(rep.data)
        doc = _read_pdf_file(fixed, limits, rebuilt=True)
    record, warnings = recovery_record(rep, str(first))
    # The rebuilt file's pages carry their numbers in the original.
    for page, number in zip(doc.pages, rep.pages_kept):
        page.number = number
        for line in page.lines:
            line.page = number
    doc.warnings[:0] = warnings
    doc.recovery = record
    return doc


def read_document(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one input file under ``limits``; raises InputError when it cannot be read as a report."""
    path = Path(path)
    if path.is_dir():
        import shlex
        raise InputError(f"a folder: read a corpus with `nianbao batch {shlex.quote(str(path))} --out RUN_DIR`")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"file larger than {MAX_FILE_BYTES >> 20} MiB")
        data = path.read_bytes()
    except OSError as e:
        raise InputError(cannot_read(e)) from e
    if not data.strip():
        raise InputError("empty file")
    digest = sha256_bytes(data)
    kind = sniff(data)
    if kind == "pdf":
        doc = read_pdf_document(path, data, limits)
    elif kind == "image":
        from .backend.scan import read_scan
        doc = read_scan(path, max_image_pixels=limits.max_image_pixels)
    elif kind == "ole":
        raise InputError("encrypted Office file or legacy .doc/.xls: save it as .docx or PDF")
    elif kind == "docx":
        from .backend.docx import read_docx
        doc = read_docx(path)
    else:
        from .backend.text import read_text
        return read_text(data, str(path), digest)
    doc.source, doc.sha256 = str(path), digest
    replace_surrogates(doc)
    return doc


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(doc: Document) -> int:
    """Lone UTF-16 surrogates (a damaged PDF font's ToUnicode map yields them) replaced by
    U+FFFD in every line and cell, with a warning: no UTF-8 writer or the CRF can take
    them.  The number replaced."""
    n = 0

    def clean(text: str) -> str:
        nonlocal n
        out, k = _SURROGATE.subn("\ufffd", text)
        n += k
        return out
    for page in doc.pages:
        for line in page.lines:
            line.text = clean(line.text)
            for cell in line.cells:
                cell.text = clean(cell.text)
    if n:
        doc.warnings.append(f"{n} characters of the text layer were not valid Unicode (lone surrogates); "
                            f"replaced by U+FFFD")
    return n

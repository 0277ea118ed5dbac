"""Input stage: any file becomes a Document of Pages of Lines.

The file type is sniffed from its bytes, not trusted from its name.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .datamodel import Document, InputError

IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")
# OLE2 compound files: legacy .doc/.xls, and encrypted .docx (Office wraps those in OLE2).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files above this size are refused outright rather than read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
# Pages looked at when deciding that a PDF is a scan; past these it is read page by page.
SCAN_PROBE_MAX_PAGES = 200


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


def is_image_only_pdf(path: Path) -> bool:
    """True when no page of the PDF has a usable text layer (a scan): then the scan
    backend reads it whole, with its page-level handling (running headers), instead
    of the text-PDF backend OCR-ing it page by page.  Stops at the first page with
    text, so a text PDF costs one page.  False when the PDF cannot be opened here
    (damaged, encrypted: ``read_pdf`` reports those) or is longer than
    SCAN_PROBE_MAX_PAGES pages."""
    try:
        import pypdfium2 as pdfium
        from .backend.pdf import page_needs_ocr

        pdf = pdfium.PdfDocument(str(path))
        try:
            if not len(pdf) or len(pdf) > SCAN_PROBE_MAX_PAGES:
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


def read_document(path: str | Path) -> Document:
    """Read one input file; raises InputError when it cannot be read as a report."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"file larger than {MAX_FILE_BYTES >> 20} MiB")
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read file: {e.strerror or e}") from e
    if not data.strip():
        raise InputError("empty file")
    digest = sha256_bytes(data)
    kind = sniff(data)
    if kind == "pdf" and is_image_only_pdf(path):
        from .backend.scan import read_scan
        doc = read_scan(path)
        doc.warnings.insert(0, f"no page has a usable text layer: all {len(doc.pages)} page(s) "
                               "read by OCR as a scan")
    elif kind == "pdf":
        from .backend.pdf import read_pdf
        doc = read_pdf(path)
    elif kind == "image":
        from .backend.scan import read_scan
        doc = read_scan(path)
    elif kind == "ole":
        raise InputError("encrypted Office file or legacy .doc/.xls: save it as .docx or PDF")
    elif kind == "docx":
        from .backend.docx import read_docx
        doc = read_docx(path)
    else:
        from .backend.text import read_text
        return read_text(data, str(path), digest)
    doc.source, doc.sha256 = str(path), digest
    return doc

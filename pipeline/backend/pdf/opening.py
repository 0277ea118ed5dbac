"""Opening a PDF: the bytes checked, PDFium first, pdfplumber (pdfminer) for files it refuses;
bad input as :class:`~pipeline.datamodel.InputError` with a one-line message."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ...datamodel import InputError

HEADER_BYTES = 1024
"""``%PDF-`` must occur within this many leading bytes."""

EOF_TAIL_BYTES = 2048
"""``%%EOF`` must occur within this many trailing bytes, or the file is taken
for truncated (an interrupted download)."""


def _first_line(msg: Any) -> str:
    s = str(msg).strip().splitlines()
    return s[0][:200] if s else type(msg).__name__


def check_pdf_bytes(data: bytes) -> None:
    """Raise InputError for bytes that are not a whole PDF file."""
    if not data.strip():
        raise InputError("empty file")
    if b"%PDF-" not in data[:HEADER_BYTES]:
        raise InputError("not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-EOF_TAIL_BYTES:]:
        raise InputError("truncated PDF (no %%EOF marker at the end of the file)")


def _password_error(password: Optional[str]) -> InputError:
    """An encrypted PDF that would not open: the password was wrong, or none was given."""
    return InputError("encrypted PDF: " + ("wrong password" if password else "a password is required"))


def _open_pdfium(data: bytes, password: Optional[str]):
    """Open with PDFium (fast, robust): ``(document, None)``, or ``(None, reason)``
    when PDFium refuses the file; pdfminer then has the last word (PDFium's error
    code is not reliable for a file with no pages).  Raises InputError for a
    password problem.  The caller closes the document."""
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(data, password=password), None
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == 4:
            raise _password_error(password) from e
        if code == 5:
            raise InputError("encrypted PDF with an unsupported security handler") from e
        return None, _first_line(e)


def _open_plumber(path: Path, password: Optional[str], pdfium_error: Optional[str] = None):
    """pdfplumber's PDF, or InputError (with PDFium's reason when it had one)."""
    import pdfplumber
    pdf = None
    try:
        pdf = pdfplumber.open(str(path), password=password or "")
        len(pdf.pages)  # make pdfminer walk the page tree now
        return pdf
    except Exception as e:  # pdfminer raises many kinds; all mean "cannot read"
        if pdf is not None:
            try:
                pdf.close()  # walks the pages again: may raise what len() raised
            except Exception:
                pass
        cause = e.__cause__ or e
        name = type(cause).__name__
        if "Password" in name or "Encryption" in name:
            raise _password_error(password) from e
        raise InputError(f"corrupt PDF: {pdfium_error or name + ': ' + _first_line(cause)}") from e

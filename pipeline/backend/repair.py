"""Damaged PDFs: rebuild them with qpdf (pikepdf) so the readers can take the pages that survive.

A download cut short, a broken cross-reference table or a permissions-only encryption that
PDFium refuses: qpdf scans the file for its objects, rebuilds the page tree from those it
finds and writes a clean, unencrypted copy.  What was lost is told by comparing with the
page tree the damaged bytes still declare (``/Type /Pages … /Count N /Kids [...]``).
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Optional

from ..datamodel import InputError
from ..logs import quiet_logger

MAX_LISTED_PAGES = 20
"""Lost pages named one by one in a warning; past this, a range."""

_PAGES_DICT = re.compile(rb"<<((?:(?!<<|>>).){0,20000}?/Type\s*/Pages\b(?:(?!<<|>>).){0,20000}?)>>", re.S)
_COUNT = re.compile(rb"/Count\s+(\d{1,7})")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]{0,200000})\]", re.S)
_REF = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+R")


@dataclass
class Repair:
    """A rebuilt PDF and what it kept of the original."""
    data: bytes
    pages_kept: list[int]  # original page numbers of the rebuilt file's pages, in order
    pages_declared: Optional[int]  # pages the damaged file's page tree declares (None: not found)
    encrypted: bool = False  # permissions-only encryption, removed
    damaged: bool = True  # qpdf had to reconstruct something
    numbered: bool = True  # pages_kept are the original numbers (the declared tree lists its pages)
    notes: list[str] = field(default_factory=list)  # qpdf's own warnings (first few)
    fonts_lost: dict = field(default_factory=dict)  # original page number -> fonts its text needs, lost

    @property
    def pages_lost(self) -> Optional[list[int]]:
        """Original page numbers missing from the rebuilt file; None when they cannot be told
        (the original count is unknown, or its tree does not list its pages one by one)."""
        if self.pages_declared is None or not self.numbered:
            return None
        kept = set(self.pages_kept)
        return [n for n in range(1, self.pages_declared + 1) if n not in kept]


def declared_page_tree(data: bytes) -> tuple[Optional[int], list[tuple[int, int]]]:
    """The page count and kid references of the largest ``/Type /Pages`` dictionary in the raw
    bytes (the root of the page tree): ``(count or None, [(objnum, gen), ...])``.  Page trees
    inside compressed object streams are not visible here: then ``(None, [])``."""
    best: tuple[int, list] = (-1, [])
    for m in _PAGES_DICT.finditer(data):
        c = _COUNT.search(m.group(1))
        if not c:
            continue
        kids = _KIDS.search(m.group(1))
        refs = [(int(a), int(b)) for a, b in _REF.findall(kids.group(1))] if kids else []
        if int(c.group(1)) > best[0]:
            best = (int(c.group(1)), refs)
    return (best[0], best[1]) if best[0] >= 0 else (None, [])


def page_ranges(numbers: list[int]) -> str:
    """``2–5, 7`` for [2, 3, 4, 5, 7]."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}" if start == n else f"{start}–{n}")
            start = None
    return ", ".join(out)


TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})


def drop_text_in_lost_fonts(pdf, page) -> list[str]:
    """Remove from a page's content the text drawn in fonts its resources no longer hold (their
    objects were in the lost part of the file): pdfminer would read their codes as garbage.
    Returns the names of those fonts, sorted; the page is unchanged when there are none."""
    import pikepdf
    res = page.obj.get("/Resources")
    fonts = res.get("/Font") if isinstance(res, pikepdf.Dictionary) else None
    have = set(fonts.keys()) if isinstance(fonts, pikepdf.Dictionary) else set()
    ops = pikepdf.parse_content_stream(page)
    lost, kept, current = set(), [], None
    for operands, op in ops:
        name = str(op)
        if name == "Tf" and operands:
            current = str(operands[0])
        if name in TEXT_SHOWING and current is not None and current not in have:
            lost.add(current)
            continue
        kept.append((operands, op))
    if lost:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    return sorted(lost)


def repair_pdf(data: bytes, password: str = "") -> Repair:
    """Rebuild a damaged or permissions-encrypted PDF with qpdf; InputError when qpdf cannot open
    it at all, it needs a user password, or no page survives."""
    import pikepdf
    declared, kids = declared_page_tree(data)
    # qpdf reports each reconstruction step on the pikepdf logger; we report them ourselves.
    with quiet_logger("pikepdf", logging.CRITICAL):
        try:
            pdf = pikepdf.open(io.BytesIO(data), password=password, attempt_recovery=True)
        except pikepdf.PasswordError as e:
            raise InputError("encrypted PDF: " + ("wrong password" if password else "a password is required")) from e
        except Exception as e:  # qpdf raises PdfError and, on hostile input, others
            raise InputError(f"corrupt PDF, qpdf cannot rebuild it ({type(e).__name__}: "
                             f"{str(e).strip().splitlines()[-1][:160] if str(e).strip() else ''})") from e
        try:
            notes = [str(w).split(": ", 1)[-1] for w in pdf.get_warnings()]
            encrypted = bool(pdf.is_encrypted)
            try:
                pages = list(pdf.pages)
            except Exception as e:
                raise InputError(f"corrupt PDF: no page tree could be rebuilt ({type(e).__name__})") from e
            if not pages:
                raise InputError("corrupt PDF: no page could be recovered")
            order = {ref: i + 1 for i, ref in enumerate(kids)} if declared == len(kids) else {}
            kept = [order.get(p.objgen, 0) for p in pages]
            numbered = 0 not in kept and len(set(kept)) == len(kept)
            if not numbered:  # pages not in the declared tree: number them as found
                kept = list(range(1, len(pages) + 1))
            fonts_lost = {}
            for number, page in zip(kept, pages):
                try:
                    lost = drop_text_in_lost_fonts(pdf, page)
                except Exception:  # an unparsable content stream: the readers judge that page
                    continue
                if lost:
                    fonts_lost[number] = [f.lstrip("/") for f in lost]
            out = io.BytesIO()
            pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)  # saved unencrypted
            notes += [str(w).split(": ", 1)[-1] for w in pdf.get_warnings()[len(notes):]]
        except InputError:
            raise
        except Exception as e:
            raise InputError(f"corrupt PDF, qpdf cannot rebuild it ({type(e).__name__})") from e
        finally:
            pdf.close()
    if declared is not None and declared < len(pages):
        declared = None  # a stale or partial tree: it cannot say what was lost
    # Warnings about the encryption alone (a /P that its encrypted copy /Perms contradicts)
    # are no damage: viewers open such files without a word.
    damage = [n for n in notes if not (encrypted and ("/perms" in n.lower() or "permission" in n.lower()))]
    damaged = bool(damage) or bool(fonts_lost) or (declared is not None and declared != len(pages))
    return Repair(out.getvalue(), kept, declared, encrypted, damaged, numbered, notes[:5], fonts_lost)


def recovery_record(rep: Repair, reason: str) -> tuple[Optional[dict], list[str]]:
    """The Document's ``recovery`` record and the warnings for a rebuilt PDF.

    A file that only carried permissions-only encryption (no user password, e.g. ``/P 0``)
    and needed no reconstruction reads normally: no record, one note."""
    if not rep.damaged:
        return None, ["PDF encrypted with an owner password only (no user password): read "
                      "without a password, its permission flags ignored"] if rep.encrypted else []
    lost = rep.pages_lost
    kept = len(rep.pages_kept)
    if lost:
        named = page_ranges(lost)
        what = (f"pages lost: {named} of {rep.pages_declared}; read {kept} page(s) that survive")
        status = "partial"
    elif rep.pages_declared is not None and rep.pages_declared > kept:
        what = f"{rep.pages_declared - kept} of {rep.pages_declared} pages lost; read {kept} that survive"
        status = "partial"
    elif lost is None:
        what = f"the original page count is unknown; read {kept} page(s), others may be lost"
        status = "partial"
    else:
        what = f"all {kept} page(s) recovered"
        status = "repaired"
    warnings = [f"damaged PDF ({reason}); rebuilt by qpdf: {what}"]
    for number, fonts in sorted(rep.fonts_lost.items()):
        status = "partial"
        warnings.append(f"page {number}: the fonts {', '.join(fonts)} were in the lost part of the file; "
                        "the text set in them is missing")
    rec = {"status": status, "how": f"damaged PDF ({reason}); rebuilt by qpdf",
           "pages_lost": lost, "pages_declared": rep.pages_declared,
           "fonts_lost": {str(k): v for k, v in sorted(rep.fonts_lost.items())}}
    return rec, warnings

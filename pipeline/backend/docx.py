"""Word documents (.docx): paragraphs as lines, tables read as tables, in body order."""
from __future__ import annotations


from ..datamodel import Cell, Document, InputError, Line, Page
from .html import clean


def _table_lines(table) -> list[Line]:
    """One Line per row; a merged cell (python-docx repeats it) is kept once, in its first row."""
    lines = []
    # lxml proxies are compared by identity; holding them all keeps ids from being reused.
    held: list = []
    seen: set[int] = set()
    for r, row in enumerate(table.rows):
        cells: list[Cell] = []
        prev = None
        for c, cell in enumerate(row.cells):
            tc = cell._tc
            held.append(tc)
            if tc is prev:  # horizontal merge: the same cell repeated
                cells[-1].colspan += 1
                continue
            prev = tc
            text = "" if id(tc) in seen else clean(cell.text)
            seen.add(id(tc))
            cells.append(Cell(text, row=r, col=c))
        if any(x.text for x in cells):
            lines.append(Line(" ".join(x.text for x in cells if x.text), cells=cells,
                              source="docx", in_grid=True))
    return lines


def read_docx(path) -> Document:
    """A Word file's paragraphs and tables as lines; InputError for a damaged archive or XML."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        d = docx.Document(str(path))
    except Exception as e:  # zipfile, zlib, lxml and python-docx each raise their own on damage
        raise InputError(f"not a readable .docx file ({type(e).__name__})") from e
    try:
        lines = _body_lines(d, Paragraph, Table)
    except Exception as e:  # well-formed XML that is not a valid document body
        raise InputError(f"damaged .docx document ({type(e).__name__}: {str(e)[:120]})") from e
    if not lines:
        raise InputError("empty .docx document")
    return Document(str(path), "", "docx", [Page(1, lines, source="docx")])


def _body_lines(d, Paragraph, Table) -> list[Line]:
    """Lines of the document body in order: paragraphs, then each table's rows where it stands."""
    lines: list[Line] = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(block, d)
            text = clean(p.text)
            if text:
                bold = bool(p.runs) and all(r.bold for r in p.runs if r.text.strip())
                lines.append(Line(text, source="docx", bold=bold))
        elif tag == "tbl":
            lines.extend(_table_lines(Table(block, d)))
    return lines

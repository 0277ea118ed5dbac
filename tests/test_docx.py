"""DOCX input: a report written as Word paragraphs and tables reads like its text dump."""
import docx
import pytest

from pipeline.datamodel import InputError
from pipeline.extract import extract_file
from pipeline.inputs import read_document

from conftest import DATA

SEED = DATA / "seeds" / "002_b494afc2f8bb34a4.txt"


def seed_to_docx(seed_text: str, path) -> None:
    """Paragraphs for text lines; consecutive |-separated lines become one Word table."""
    d = docx.Document()
    block: list[list[str]] = []

    def flush():
        if block:
            width = max(len(r) for r in block)
            t = d.add_table(rows=len(block), cols=width)
            for i, r in enumerate(block):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
            block.clear()

    for line in seed_text.splitlines():
        cells = [c.strip() for c in line.split("|") if c.strip()]
        if "|" in line:
            block.append(cells)
        else:
            flush()
            d.add_paragraph(line)
    flush()
    d.save(str(path))


def test_docx_tables_read_as_tables(tmp_path):
    p = tmp_path / "report.docx"
    seed_to_docx(SEED.read_text(encoding="utf-8"), p)
    doc = read_document(p)
    assert doc.kind == "docx" and any(ln.in_grid for ln in doc.lines)
    a, b = extract_file(SEED), extract_file(p)
    assert b.template == "2019" and b.fields == a.fields


def test_corrupt_docx_is_an_input_error(tmp_path):
    p = tmp_path / "broken.docx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InputError):
        read_document(p)

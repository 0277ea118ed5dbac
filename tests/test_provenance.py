"""Per-field evidence (``Result.cells``): every printed number can be found again
where the record says it is, and values the rules chose say so."""
import json
import re

import pdfplumber
import pytest

from pipeline.backend.html import page_text
from pipeline.backend.text import decode_bytes
from pipeline.datamodel import STATUSES
from pipeline.extract import extract_file
from pipeline.inputs import read_document

from conftest import DATA
from test_real_reports import gold

REAL = DATA / "corpus" / "real"
TEXT_PDFS = [p for p in sorted(REAL.glob("*.pdf")) if ".scan." not in p.name]
SEED_000 = DATA / "seeds" / "000_4a9178fd99f7f697.txt"
PINGTAN_2019 = REAL / "pingtan__2019_zfxxgknb_80576.page.txt"
SHANGHAI = REAL / "shanghai__2019_bgt.page.html"


def printed_digits(text: str) -> str:
    """A cell's text as digits: thousands separators and spaces dropped."""
    return re.sub(r"[\s,，]", "", text or "")


def as_printed(value) -> str:
    """A value as a report prints it (money keeps its decimals, a whole number none)."""
    return str(int(value)) if value == int(value) else repr(float(value))


def crop_text(pdf, page: int, box) -> str:
    return printed_digits(pdf.pages[page - 1].crop(box).extract_text())


def assert_boxes_hold_numbers(result, pdf_path):
    """Every printed non-null cell's box, cropped from ``pdf_path`` with pdfplumber, reads as its
    value; the result's page sizes are those of the PDF it read (points)."""
    printed = [(f, c) for f, c in result.cells.items() if c.status == "printed" and c.value is not None]
    assert len(printed) > 150
    with pdfplumber.open(pdf_path) as pdf:
        wrong = {f: (c.value, c.page, c.box, crop_text(pdf, c.page, c.box)) for f, c in printed
                 if crop_text(pdf, c.page, c.box) != as_printed(c.value)}
    assert wrong == {}
    with pdfplumber.open(result.source) as pdf:
        sizes = {i + 1: (float(p.width), float(p.height)) for i, p in enumerate(pdf.pages)}
    assert {n: tuple(s) for n, s in result.page_sizes.items()} == sizes


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_text_pdf_boxes_hold_their_numbers(path):
    r = extract_file(path)
    assert set(r.cells) == set(r.fields)
    assert_boxes_hold_numbers(r, path)
    assert all(c.value == r.fields[f] and c.status in STATUSES for f, c in r.cells.items())


def test_seed_000_inferred_cells_say_so():
    r = extract_file(SEED_000)
    inferred = {f for f, c in r.cells.items() if c.status == "inferred"}
    assert inferred == set(r.inferred) == {"requests.denied_internal.total", "requests.carried_out.total"}
    for f in inferred:  # no evidence: nothing printed there
        assert r.cells[f].value == r.fields[f] is not None and r.cells[f].span is None
    # Checks over an inferred member say so; they pass on a value chosen to pass them.
    over = [c for c in r.checks if "requests.carried_out.total" in c.members]
    assert over and all(c.members["requests.carried_out.total"] == "inferred" for c in over)


def test_seed_000_printed_cells_point_into_the_file():
    r = extract_file(SEED_000)
    text = decode_bytes(SEED_000.read_bytes())
    printed = [c for c in r.cells.values() if c.status == "printed" and c.value is not None]
    assert printed
    for c in printed:
        assert text[c.span[0]:c.span[1]] == c.text
        assert printed_digits(c.text) == as_printed(c.value)


def test_pingtan_decoded_and_ambiguous_cells():
    r = extract_file(PINGTAN_2019)
    g = gold(PINGTAN_2019)
    amb = {f: c.candidates for f, c in r.cells.items() if c.status == "ambiguous"}
    assert len(amb) == 19 and amb == {f: sorted(v) for f, v in g["ambiguous"].items()}
    assert all(r.cells[f].value is None for f in amb)
    text = decode_bytes(PINGTAN_2019.read_bytes())
    decoded = [c for c in r.cells.values() if c.status == "decoded"]
    assert len(decoded) > 100
    for c in decoded:  # the digits the split gave this cell, where the file prints them
        assert printed_digits(text[c.span[0]:c.span[1]]) == as_printed(c.value) == printed_digits(c.text)
    # The glued runs are all decoded; nothing in that dump is called printed.
    assert not any(c.status == "printed" for c in r.cells.values())


def test_shanghai_blank_cells():
    r = extract_file(SHANGHAI)
    g = gold(SHANGHAI)
    blank = {f for f, c in r.cells.items() if c.status == "blank"}
    # The gold's 135 nulls are the cells the page prints as &nbsp; (its notes list them).
    assert blank == {f for f, v in g["fields"].items() if v is None}
    assert all(r.cells[f].value is None for f in blank)
    text = page_text(read_document(SHANGHAI).lines)
    printed = [c for c in r.cells.values() if c.status == "printed"]
    assert len(printed) == 198 - 135
    for c in printed:  # the cell as printed ("251000元"), where the page's text has it
        assert text[c.span[0]:c.span[1]] == c.text
        assert re.sub(r"[^\d.\-]", "", c.text) == as_printed(c.value)


def test_cells_in_json():
    r = extract_file(SEED_000)
    obj = json.loads(json.dumps(r.as_dict(), ensure_ascii=False))
    cell = obj["cells"]["requests.carried_out.total"]
    assert cell["status"] == "inferred" and cell["value"] == obj["fields"]["requests.carried_out.total"]
    assert set(cell) >= {"value", "status", "page", "box", "text", "span", "confidence", "candidates"}
    assert all(set(c["members"]) for c in obj["checks"])


def test_batch_writes_cells_parquet_with_statuses(tmp_path):
    """A batch writes the long form of the evidence; DuckDB reads it (the README's query)."""
    duckdb = pytest.importorskip("duckdb")
    import openpyxl
    import pandas as pd

    from pipeline import batch

    inputs = [SEED_000, PINGTAN_2019, SHANGHAI, TEXT_PDFS[0]]
    summary = batch.run_batch([str(p) for p in inputs], tmp_path, workers=1, progress=False)
    assert summary["done"] == len(inputs)
    got = dict(duckdb.sql(f"""
        SELECT status, count(*) FROM '{tmp_path / batch.CELLS_PARQUET}'
        WHERE source LIKE '%pingtan%' GROUP BY status""").fetchall())
    assert got["ambiguous"] == 19 and got["decoded"] > 100
    boxed = duckdb.sql(f"""
        SELECT field, page, x0, top, x1, bottom, value FROM '{tmp_path / batch.CELLS_PARQUET}'
        WHERE source LIKE '%.pdf' AND status = 'printed' AND value IS NOT NULL""").fetchall()
    assert len(boxed) > 150 and all(None not in r[1:6] for r in boxed)
    with pdfplumber.open(TEXT_PDFS[0]) as pdf:
        for fid, page, x0, top, x1, bottom, value in boxed[:20]:
            assert crop_text(pdf, page, (x0, top, x1, bottom)) == as_printed(value)
    cells = pd.read_csv(tmp_path / batch.CELLS_CSV)
    assert len(cells) == len(duckdb.sql(f"SELECT * FROM '{tmp_path / batch.CELLS_PARQUET}'").fetchall())
    # fields.*: counts by status and the lowest confidence per report; fields.csv has a BOM.
    assert (tmp_path / batch.FIELDS_CSV).read_bytes().startswith("\ufeff".encode())
    fields = pd.read_parquet(tmp_path / batch.FIELDS_PARQUET).set_index("source")
    seed = fields.loc[str(SEED_000)]
    assert seed["cells_inferred"] == 2 and pd.isna(seed["min_confidence"])
    assert fields.loc[str(SHANGHAI)]["cells_blank"] == 135
    # fields.xlsx: the ambiguous and inferred cells are shaded, header frozen, filters on.
    ws = openpyxl.load_workbook(tmp_path / batch.FIELDS_XLSX)["报告"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if "pingtan" in str(r[0].value))
    amb = [f for f, c in extract_file(PINGTAN_2019).cells.items() if c.status == "ambiguous"]
    col = header.index(batch.field_label(amb[0]))
    assert row[col].value is None and row[col].fill.start_color.rgb.endswith(batch.STATUS_FILLS["ambiguous"][0])
    src_col = header.index("文件")
    printed = next(r for r in ws.iter_rows(min_row=2) if r[src_col].value == str(TEXT_PDFS[0]))
    assert all(c.fill.fill_type is None for c in printed)

"""Faint fax tables whose rows read few numbers whole: a row that lost one number to noise
("4 | 1 | ↓") still says where the grid's value columns start (``assemble.value_columns``),
so that the rows are placed by the grid's order.

Development fax 1004006 page 1 (threshold 145, strokes in dots): table 二 (2019 form) found
and its grid built, its six rows of three read "1 1 13", "4 1 ↓", "11 0 a", "0 0 2",
"u u D", "a1 1J In" with every label shattered: only two rows read three numbers, fewer than
VALUE_COLUMN_MIN_ROWS, no value column was known, and its 18 cells were all absent."""
from __future__ import annotations

from pipeline import assemble
from pipeline.datamodel import Cell, Line
from pipeline.template import get

ROWS = [("41系科日",), ("iC4ã", "小公非到想年", "あやゃいHおら", "142月3は"), ("89", "1", "1", "13"),
        ("w处书そn", "4", "1", "↓"), ("41条第九期",), ("L erñ", "自mM", "长三通", "习开た<教述"),
        ("(载:：10)", "11", "0", "a"), ("共他时の否理数考事。", "0", "0", "2"), ("3・そぎお",),
        ("iじa", "aごlrK", "长的用通", "ここmu"), (".Rこ", "u", "u", "D"), (":政発制", "a1", "1J", "In")]


def _grid_row(row: int, texts: tuple[str, ...], page: int = 1) -> Line:
    """An OCR'd ruled grid row ``row`` of table 二: cells in grid columns 0.. (one spanning all
    four where the row has one text: a section's title)."""
    span = 4 if len(texts) == 1 else 1
    cells = [Cell(t, (100 * c, 0, 100 * (c + span) - 2, 10), 0.3, row, c, colspan=span) for c, t in enumerate(texts)]
    return Line(" ".join(texts), page, cells, (0, 10 * row, 400, 10 * row + 8), label="table_row", source="ocr")


def _lines() -> list[Line]:
    head = Line("二、主动公开政府信息情况", 1, label="heading", source="ocr")
    return [head] + [_grid_row(k, texts) for k, texts in enumerate(ROWS)]


def test_a_row_with_one_number_read_as_noise_gives_the_value_column():
    t = get("2019").table("active")
    assert assemble.value_columns(_lines(), t) == {1: 1}
    two_noisy = [ln for ln in _lines() if "a1" not in ln.text and "11 0 a" not in ln.text]
    two_noisy[4] = _grid_row(3, ("w处书そn", "u", "1", "↓"))  # two of three numbers noise: no vote
    assert assemble.value_columns(two_noisy, t) == {}


def test_the_rows_of_a_faint_table_two_are_placed_by_the_grids_order():
    asm = assemble.assemble(_lines(), "2019")
    f = asm.fields
    assert (f["active.rules.new_made"], f["active.rules.new_published"], f["active.rules.total_published"]) == (1, 1, 13)
    assert f["active.other_services.decisions"] == 2 and f["active.normative.new_made"] == 4
    assert f["active.normative.total_published"] is None  # "↓": unread, not guessed
    assert "active.rules.total_published" in asm.placed  # status placed: the rules chose its row

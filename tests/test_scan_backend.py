"""Scanned PDFs and images: grids, numbers, deskew, bad input (pipeline.backend.scan).

The real scans in data/corpus/real/ are 150 dpi renderings (skew, blur, JPEG) of
the text PDFs beside them; what pdfplumber reads from a text PDF is the truth
for its scan.  OCR is slow on 2 cores, so only the pages holding the tables are
read, once per module.
"""
from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.backend import scan
from pipeline.datamodel import Document, InputError
from pipeline.ocr import NUMERIC_CHARS, RecResult, decode_numeric

REAL = Path(__file__).resolve().parents[1] / "data" / "corpus" / "real"
NUMBER = re.compile(r"^\d+(\.\d+)?$")
# scan file -> the pages holding 三 (requests) and 四 (review)
TABLE_PAGES = {
    "kiro__hzq2023_working": (3, 4),
    "kiro__hzq2024_working": (3, 4),
    "govnianbao__szfgs2024": (4, 5),
}


def truth_rows(text_pdf: Path, pages, width: int) -> list[tuple[str, ...]]:
    """Rows of pdfplumber's tables on ``pages`` that end in ``width`` numbers."""
    import pdfplumber

    rows = []
    with pdfplumber.open(text_pdf) as pdf:
        for k in pages:
            for table in pdf.pages[k - 1].extract_tables():
                for row in table:
                    vals = [(c or "").strip() for c in row]
                    if len(vals) >= width and all(NUMBER.match(v) for v in vals[-width:]) \
                            and not (len(vals) > width and NUMBER.match(vals[-width - 1])):
                        rows.append(tuple(vals[-width:]))
    return rows


def ocr_rows(doc: Document, width: int) -> list[tuple[str, ...]]:
    """Grid rows of our Document whose last ``width`` cells are numbers in consecutive columns."""
    rows = []
    for ln in doc.lines:
        if not ln.in_grid or len(ln.cells) < width:
            continue
        tail = ln.cells[-width:]
        if [c.col for c in tail] == list(range(tail[0].col, tail[0].col + width)) \
                and all(NUMBER.match(c.text) for c in tail) \
                and not (len(ln.cells) > width and NUMBER.match(ln.cells[-width - 1].text)):
            rows.append(tuple(c.text for c in tail))
    return rows


@pytest.fixture(scope="module")
def scanned() -> dict[str, Document]:
    """The table pages of each real scan, read once."""
    return {name: scan.read_scan(REAL / f"{name}.scan.pdf", pages=pages) for name, pages in TABLE_PAGES.items()}


@pytest.mark.parametrize("name", sorted(TABLE_PAGES))
def test_requests_table_rows_equal_text_pdf(scanned, name):
    doc = scanned[name]
    assert doc.kind == "scan" and [p.number for p in doc.pages] == list(TABLE_PAGES[name])
    want = truth_rows(REAL / f"{name}.pdf", TABLE_PAGES[name], 7)
    assert len(want) >= 23  # every row of 三 carries 7 numbers (（六） may be one row)
    assert ocr_rows(doc, 7) == want


@pytest.mark.parametrize("name", sorted(TABLE_PAGES))
def test_review_table_row_equals_text_pdf(scanned, name):
    want = truth_rows(REAL / f"{name}.pdf", TABLE_PAGES[name], 15)
    assert len(want) == 1
    assert ocr_rows(scanned[name], 15) == want


def test_grid_rows_follow_the_contract(scanned):
    doc = scanned["kiro__hzq2023_working"]
    page = doc.pages[0]
    assert page.width and page.height and page.source == "ocr"
    grid = [ln for ln in page.lines if ln.in_grid]
    assert grid and all(ln.source == "ocr" and ln.label is None for ln in grid)
    for ln in grid:
        cols = [c.col for c in ln.cells]
        assert cols == sorted(cols) and len(set(cols)) == len(cols)
        assert ln.text == " ".join(c.text for c in ln.cells if c.text)
        assert all("\n" not in c.text for c in ln.cells)
    # A multi-line header cell is one cell; the vertical label column is read as one text.
    texts = [c.text for ln in grid for c in ln.cells]
    assert "商业企业" in texts and "社会公益组织" in texts
    assert any(t.startswith("三") and t.endswith("办理结果") for t in texts)
    # 三、本年度办理结果 spans many rows and sits only in the first of them.
    tall = [c for ln in grid for c in ln.cells if c.rowspan >= 10]
    assert len(tall) == 1 and tall[0].col == 0 and "办理结果" in tall[0].text
    # The page number is furniture.
    assert any(ln.label == "other" and "3" in ln.text for ln in page.lines)


def test_table_continued_from_previous_page(scanned):
    # hzq2023 p4 opens with the last rows of 三: no top rule over the label columns.
    page = scanned["kiro__hzq2023_working"].pages[1]
    first = next(ln for ln in page.lines if ln.in_grid)
    assert first.cells[-7:] and [c.text for c in first.cells[-7:]] == ["0"] * 7
    assert "补正后申请内容仍不明确" in first.text


def test_ocr_pdf_pages_in_points():
    pages = scan.ocr_pdf_pages(REAL / "kiro__hzq2023_working.scan.pdf", [2])
    assert [p.number for p in pages] == [2]
    p = pages[0]
    assert abs(p.width - 595.2) < 2 and abs(p.height - 842.4) < 2
    rows = {ln.cells[0].text: [c.text for c in ln.cells[1:]] for ln in p.lines if ln.in_grid and ln.cells}
    assert rows["规章"] == ["0", "0", "0"] and rows["行政规范性文件"] == ["0", "5", "5"]
    assert rows["行政许可"] == ["550"]
    assert all(0 <= ln.box[0] <= ln.box[2] <= 600 for ln in p.lines)


def test_png_image_with_extra_skew(tmp_path):
    # The review table region of a scan, turned a further 1.5 degrees, as a PNG.
    img = next(iter(scan._pdf_images((REAL / "kiro__hzq2023_working.scan.pdf").read_bytes(), [4], 150)))[0]
    region = scan.rotate(img[600:1050, :], 1.5)
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), region)
    doc = scan.read_scan(path)
    assert doc.kind == "image" and len(doc.pages) == 1
    assert ocr_rows(doc, 15) == [("10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0")]


def test_non_report_image_warns(tmp_path):
    rng = np.random.default_rng(0)
    photo = cv2.GaussianBlur(rng.integers(0, 255, (600, 800, 3), dtype=np.uint8), (0, 0), 6)
    cv2.circle(photo, (400, 300), 150, (30, 90, 200), -1)
    path = tmp_path / "photo.jpg"
    cv2.imwrite(str(path), photo)
    doc = scan.read_scan(path)
    assert doc.kind == "image" and len(doc.pages) == 1
    assert len([ln for ln in doc.lines if ln.text.strip()]) < scan.MIN_REPORT_LINES
    assert doc.warnings and "not a report" in " ".join(doc.warnings)


def test_blank_page_warns(tmp_path):
    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), np.full((1100, 800), 255, np.uint8))
    doc = scan.read_scan(path)
    assert doc.lines == [] and any("blank" in w for w in doc.warnings)


def test_multi_frame_tiff_gives_one_page_per_frame(tmp_path):
    from PIL import Image

    frames = [Image.new("L", (800, 1100), 255), Image.new("L", (800, 1100), 255)]
    path = tmp_path / "two.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    doc = scan.read_scan(path)
    assert doc.kind == "image" and [p.number for p in doc.pages] == [1, 2]
    assert len([w for w in doc.warnings if w.endswith(": blank")]) == 2


def test_red_seal_is_removed_but_black_text_kept():
    img = np.full((60, 60, 3), 240, np.uint8)
    img[10:20, :] = (40, 35, 215)  # BGR: seal red
    img[40:50, :] = (20, 20, 20)  # black text
    gray = scan.to_gray(img)
    assert gray[15].min() >= 230 and gray[45].max() < 60  # seal -> paper, text kept


@pytest.mark.parametrize("name, data", [
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    ("broken.jpg", b"\xff\xd8\xff\xe0" + b"junk" * 10),
    ("empty.png", b""),
])
def test_corrupt_files_raise_input_error(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError):
        scan.read_scan(path)


def test_missing_page_raises_input_error():
    with pytest.raises(InputError, match="no page 99"):
        scan.ocr_pdf_pages(REAL / "kiro__hzq2023_working.scan.pdf", [99])


# --- pure functions ---------------------------------------------------------------------

def _probs(seq: str, other_at: dict[int, float] | None = None) -> np.ndarray:
    """Numeric-column probabilities emitting ``seq`` (``_`` = blank) with certainty."""
    alphabet = ["", *NUMERIC_CHARS]
    p = np.zeros((len(seq), len(alphabet) + 1), np.float32)
    for t, ch in enumerate(seq):
        p[t, 0 if ch == "_" else alphabet.index(ch)] = 1.0
    for t, v in (other_at or {}).items():
        p[t] *= 1 - v
        p[t, -1] = v
    return p


def test_decode_numeric_takes_the_best_digit_over_a_lookalike():
    # The model said "O" (non-numeric, 0.6) over "0" (0.4): digits-only gives 0.
    p = _probs("_1_0_", {3: 0.6})
    res = decode_numeric(RecResult("1O", 0.8, [0.99, 0.6], p))
    assert res.text == "10"


def test_decode_numeric_leaves_a_sure_dash_alone():
    p = _probs("_0_", {1: 0.99})
    assert decode_numeric(RecResult("—", 0.99, [0.99], p)).text == ""


def test_a_lone_letter_in_a_number_cell_becomes_its_best_digit_unsure():
    from pipeline.backend.scan.recognise import _numeric_text

    # A 0 under a seal's lettering read "a" (sure, 0.97; the digits got little mass, 0 most).
    p = _probs("_0_", {1: 0.97})
    text, conf = _numeric_text([RecResult("a", 0.97, [0.97], p)])
    assert decode_numeric(RecResult("a", 0.97, [0.97], p)).text == ""  # the veto alone: blank
    assert text == "0" and conf < 0.1  # as unsure as the model was: re-read next
    # A dash is no letter: it stays a dash ('none'), never an invented digit.
    assert _numeric_text([RecResult("—", 0.99, [0.99], _probs("_0_", {1: 0.99}))])[0] == "—"


def test_decode_numeric_keeps_repeated_digits_apart():
    assert decode_numeric(RecResult("", 0.0, [], _probs("_1_1_00_"))).text == "110"


def test_split_region_cuts_an_l_shape_into_arms():
    slots = {(3, 0), (3, 1), (3, 2)} | {(r, 0) for r in range(4, 9)}
    assert scan.split_region(slots) == [(3, 0, 3, 2), (4, 0, 8, 0)]
    assert scan.split_region({(0, 0), (0, 1), (1, 0), (1, 1)}) == [(0, 0, 1, 1)]


def test_build_grid_with_merged_cells():
    S = scan.Segment
    # 3 x 3 slots; the top row is one merged cell; a missing rule merges (1,0) and (2,0).
    hs = [S(0, 0, 300, 2), S(50, 0, 300, 2), S(100, 100, 300, 2), S(150, 0, 300, 2)]
    vs = [S(0, 0, 150, 2), S(100, 50, 150, 2), S(200, 50, 150, 2), S(300, 0, 150, 2)]
    g = scan.build_grid(hs, vs, 3)
    cells = {(c.row, c.col): (c.rowspan, c.colspan) for c in g.cells}
    assert cells == {(0, 0): (1, 3), (1, 0): (2, 1), (1, 1): (1, 1), (1, 2): (1, 1),
                     (2, 1): (1, 1), (2, 2): (1, 1)}


def test_estimate_skew_recovers_rotation():
    img = np.full((800, 600), 255, np.uint8)
    for y in range(100, 700, 40):
        cv2.line(img, (50, y), (550, y), 0, 2)
    ink = scan.binarize(scan.rotate(img, -1.2))
    assert abs(scan.estimate_skew(ink) - 1.2) <= 2 * scan.SKEW_FINE_STEP


def test_numeric_cells_follow_template_labels():
    from pipeline.layout import Grid, GridCell

    cells = [GridCell(0, 0, 1, 1, (0, 0, 1, 1)), GridCell(0, 1, 1, 1, (1, 0, 2, 1)),
             GridCell(1, 0, 1, 1, (0, 1, 1, 2)), GridCell(1, 1, 1, 1, (1, 1, 2, 2)),
             GridCell(2, 0, 1, 1, (0, 2, 1, 3)), GridCell(2, 1, 1, 1, (1, 2, 2, 3))]
    grid = Grid([0, 1, 2], [0, 1, 2, 3], cells)
    texts = {0: "信息内容", 1: "备注", 2: "行政许可", 3: "5S0", 4: "说明", 5: "IO"}
    # Right of a template row label: numeric; under a non-template header, beside a
    # non-template label: left alone.
    assert scan.numeric_cells(grid, texts) == [3]


def test_vertical_chars_needs_square_characters():
    ink = np.zeros((200, 60), np.uint8)
    ink[20:45, 28:32] = 255  # a lone "1": tall and thin
    assert scan.vertical_chars(ink, (0, 0, 60, 200), 20.0) is None
    for k in range(4):  # four stacked square characters
        ink[20 + 40 * k:40 + 40 * k, 20:40] = 255
    chars = scan.vertical_chars(ink, (0, 0, 60, 200), 20.0)
    assert chars is not None and len(chars) == 4


def test_join_wrapped_labels_folds_a_lone_first_line_into_its_row():
    from pipeline.datamodel import Cell, Line

    first = Line("2、申请人逾期未按收费通知要求缴", box=(300, 100, 600, 116))
    row = Line("x", box=(200, 122, 1000, 138), cells=[
        Cell("(六)其他处理", (200, 122, 280, 138)), Cell("纳费用、行政机关不再处理", (301, 122, 600, 138)),
        Cell("0", (700, 122, 710, 138))])
    out = scan.join_wrapped_labels([first, row], 16.0)
    assert out == [row] and row.cells[1].text == "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理"
    assert row.text.endswith(" 0")


def test_join_wrapped_labels_keeps_a_numbered_first_line_out_of_the_row_above():
    """Seal 989600: "1." cut off as a piece of its own before "本机关不掌握相关政府信" (its
    last character "息" wrapped under the numbering, beside the row's numbers) folded up
    into the row above (8、属于行政查询事项), whose zeros the row then took, and the 6 of
    不掌握相关政府信息 was lost in silence."""
    from pipeline.backend.scan.recognise import label_cells
    from pipeline.datamodel import Cell, Line

    above = Line("8、属于行政查询事项 0 0", box=(183, 1001, 1032, 1043), cells=[
        Cell("本年", (183, 1001, 200, 1043)), Cell("8、属于行政查询事项", (283, 1018, 462, 1037)),
        Cell("0", (576, 1020, 587, 1034)), Cell("0", (1021, 1019, 1032, 1033))])
    first = Line("度 1. 本机关不掌握相关政府信", box=(183, 1050, 518, 1077), cells=[
        Cell("度", (183, 1050, 200, 1068), 1.0), Cell("1.", (285, 1061, 300, 1077), 0.9),
        Cell("本机关不掌握相关政府信", (314, 1058, 518, 1077), 0.99)])
    row = Line("办 息 6 6", box=(184, 1071, 1032, 1102), cells=[
        Cell("办", (184, 1074, 201, 1092)), Cell("息", (283, 1083, 301, 1102)),
        Cell("6", (576, 1072, 587, 1086)), Cell("6", (1022, 1071, 1032, 1085))])
    out = scan.join_wrapped_labels([above, first, row], 19.0)
    assert out == [above, row] and [c.text for c in above.cells][1] == "8、属于行政查询事项"
    assert [c.text for c in row.cells] == ["度办", "1.本机关不掌握相关政府信息", "6", "6"]
    # A lone ideograph among the numbers (a misread digit) is no label to fold into.
    assert [c.text for c in label_cells([Cell("口", (600, 0, 610, 10)), Cell("6", (576, 0, 587, 10))])] == []


def test_running_headers_are_furniture():
    from pipeline.datamodel import Line, Page

    def page(n, lines):
        return Page(n, [Line(t, n, box=(100, y, 900, y + 20)) for t, y in lines], 1240, 1754)

    pages = [page(1, [("某某局2023年度政府信息公开工作年度报告", 100), ("某某局2023年度政府信息公开工作年度报告", 300)]),
             page(2, [("某某局2023年度政府信息公开工作年度报告", 100), ("正文", 400)])]
    scan.label_running_lines(pages)
    assert [ln.label for ln in pages[0].lines] == ["other", None]  # the title below the margin stays
    assert [ln.label for ln in pages[1].lines] == ["other", None]


def test_close_regions_closes_an_l_shape_to_its_box_and_swallows_what_it_covers():
    from pipeline.grid import close_regions
    # 3 x 3 slots: an L of (0,0),(1,0),(1,1); (0,1) alone, covered by the L's box; the rest alone.
    groups = [[0, 3, 4], [1], [2], [5], [6], [7], [8]]
    rects = sorted(close_regions(groups, 3, 3))
    assert rects == [(0, 0, 2, 2), (0, 2, 1, 3), (1, 2, 2, 3), (2, 0, 3, 1), (2, 1, 3, 2), (2, 2, 3, 3)]


def test_ideographs_are_counted_in_one_place():
    """The label test of the scan's number cells and the assembler's lost-value test
    count ideographs with the one lexicon function (U+4E00-U+9FFF)."""
    from pipeline import assemble, lexicon
    from pipeline.backend.scan import numbers, recognise

    assert lexicon.ideographs("行政a1许可") == 4 and lexicon.ideographs("l0O") == 0
    assert lexicon.is_words("许可") and not lexicon.is_words("许1") and not lexicon.is_words("〇〇")
    assert numbers.is_words is lexicon.is_words and recognise.is_words is lexicon.is_words
    assert not hasattr(numbers, "_is_words")
    # A number read as noise: marks and Latin letters, no digit, no ideograph.
    assert assemble._unreadable_value("l-") and not assemble._unreadable_value("口")
    assert not assemble._unreadable_value("7") and not assemble._unreadable_value("")


def test_the_pixel_constant_helper_is_public():
    """``raster.px`` scales a pixel constant to a page's resolution; the other scan
    modules import it by its public name."""
    from pipeline.backend.scan import orientation, raster, regions, rules

    assert raster.px(21, 1.0) == 21 and raster.px(0.2, 1.0) == 1 and raster.px(10, 1.26) == 13
    assert orientation.px is raster.px and rules.px is raster.px and regions.px is raster.px
    assert not hasattr(raster, "_px")


def test_a_rules_remnant_in_a_band_of_its_own_is_not_read():
    """A leaning rule erased along its mean position leaves a sliver at the cell's side
    above the number, in a band of its own (seed 1000009, skew: a 2 read as 12)."""
    from pipeline.backend.scan.lines import cell_line_boxes

    ink = np.zeros((60, 60), np.uint8)
    ink[4:17, 57:58] = 255  # a 1-px remnant of the right rule, above the digit's band
    ink[21:51, 22:31] = 255  # the digit
    assert cell_line_boxes(ink, (0, 0, 60, 60), 15.0) == [(22, 21, 31, 51)]
    ink[4:17, 28:30] = 255  # a thin stroke in the cell's middle is text: kept
    assert len(cell_line_boxes(ink, (0, 0, 60, 60), 15.0)) == 2
    lone = np.zeros((30, 14), np.uint8)
    lone[6:24, 3:5] = 255  # a 1 alone in a narrow cell (the real scans' review table) is kept
    assert cell_line_boxes(lone, (0, 0, 14, 30), 15.0) == [(3, 6, 5, 24)]


def test_a_wrapped_labels_last_character_on_the_number_row_is_no_number():
    """Photo 985004: 1.本机关不掌握相关政府信 wrapped its 息 onto the row of numbers; read
    digits-only it was an 8 in the first number cell.  A digit's look-alike (口) stays."""
    from pipeline.backend.scan.numbers import numeric_free_cells

    assert numeric_free_cells(["息"] + ["0"] * 7) == list(range(1, 8))
    assert numeric_free_cells(["口"] + ["0"] * 6) == list(range(7))
    assert numeric_free_cells(["3"] + ["0"] * 6) == list(range(7))


def test_a_column_rule_faded_over_two_rows_is_found_in_the_faint_ink():
    """Skew 989818: a column rule of a skewed sheet faded out of the ink mask over two rows;
    those rows lost the column and the rule's remnant between two 0s was read "010"."""
    from pipeline.backend.scan import rules

    gray = np.full((600, 300), 250, np.uint8)
    gray[50:550, 150:152] = 60                  # the rule, dark …
    gray[250:350, 150:152] = 205                # … faded (lighter than the ink threshold) for 100 px
    ink = (gray < 128).astype(np.uint8) * 255
    plain = rules._segments(rules.line_mask(ink, 1.0, False), False, 18, 9)
    assert all(not (s.a < 300 < s.b) for s in plain)  # the ink mask alone has a gap there
    faint = rules.faint_vertical_segments(rules.faint_ink(gray, 1.0), ink, 1.0, 9)
    assert any(abs(s.pos - 151) <= 2 and s.a <= 250 and s.b >= 350 for s in faint)
    text = np.full((600, 300), 250, np.uint8)
    text[100:500:20, 100:160] = 200             # faint text strokes: no vertical run
    assert rules.faint_vertical_segments(rules.faint_ink(text, 1.0), (text < 128).astype(np.uint8), 1.0, 9) == []

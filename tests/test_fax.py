"""100-dpi 1-bit faxes: the page taken at its own pixels, lone pixels cleaned, OCR-damaged
headings and row labels placed by the template's order (and said so).

Generated documents here use seeds 7030-7039 (tests only; development used 960000-960099,
950000-950009, 970000-970009 and 980000-980009, the benchmark's final figures 985000-985009)."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline import assemble
from pipeline.backend import scan
from pipeline.backend.scan import raster
from pipeline.datamodel import Cell, Line
from pipeline.lexicon import section_of
from pipeline.template import get
from training import generate as G
from training.generate.hazards import FAX_DPI


def test_fax_pdf_page_is_taken_at_its_own_pixels(tmp_path):
    s = G.generate(7030)
    fax, clean = tmp_path / "fax.pdf", tmp_path / "clean.pdf"
    G.write_scan(s, fax, hazard="fax")
    G.write_scan(s, clean)
    img, _ = next(iter(raster._pdf_images(fax.read_bytes(), [1], raster.RENDER_DPI, native=True)))
    assert img.ndim == 2 and abs(img.shape[1] - 8.27 * FAX_DPI) < 3  # A4 at the fax's 100 dpi
    assert set(np.unique(img)) <= {0, 255}
    rendered, _ = next(iter(raster._pdf_images(fax.read_bytes(), [1], raster.RENDER_DPI)))
    assert not raster.is_bilevel(raster.to_gray(rendered))  # why: rendered at 150 dpi it is grey
    # A grey JPEG scan is rendered as before (colour kept for seals).
    img, _ = next(iter(raster._pdf_images(clean.read_bytes(), [1], raster.RENDER_DPI, native=True)))
    assert img.ndim == 3 and abs(img.shape[1] - 8.27 * raster.RENDER_DPI) < 3


def test_despeckle_removes_lone_pixels_but_keeps_thin_rules():
    bw = np.full((40, 40), 255, np.uint8)
    bw[10, 5:35] = 0  # a 1-px ruling line
    bw[20:30, 20] = 0  # a 1-px stroke
    bw[5, 5] = 0  # dust
    bw[25, 10:13] = 0
    bw[24:27, 11] = 0
    bw[25, 11] = 255  # a hole in a blob
    out = raster.despeckle(bw)
    assert out[5, 5] == 255 and out[25, 11] == 0
    assert (out[10, 5:35] == 0).all() and (out[20:30, 20] == 0).all()
    clean, factor = raster.clean_bilevel(bw[:, :30])  # scaled up: a median filter lost the rule
    assert factor > 1 and clean[int(10.5 * factor), int(15 * factor)] < raster.INK_RATIO * 255  # still ink


def test_damaged_numbered_heading_opens_its_section():
    assert section_of("三、收型和以国政响信息公开申请情况", fuzzy=True) == "requests"
    assert section_of("三、收型和以国政响信息公开申请情况") is None  # exact text: exact test
    assert section_of("二、主动公开攻府信息情况", fuzzy=True) == "active"
    assert section_of("三、本年新收政府信息", fuzzy=True) is None  # a numeral alone opens nothing
    assert section_of("五、收型和以国政响信息公开申请情况", fuzzy=True) is None  # the numeral must be its own


def test_a_speck_read_before_a_headings_numeral_does_not_hide_its_section():
    """Development fax 1002000: on a faint page a speck left of 三、 read 一, the heading
    "一三、收到和处理政府信息公开申请情况" opened nothing, and table 三's rows went to table 二."""
    assert section_of("一三、收到和处理政府信息公开申请情况", fuzzy=True) == "requests"
    assert section_of("一三、收到和处理政府信息公开申请情况") is None  # exact text: exact test
    assert section_of("一五、收到和处理政府信息公开申请情况", fuzzy=True) is None  # the last numeral must be its own
    assert section_of("十三、收到和处理政府信息公开申请情况", fuzzy=True) is None  # 十三 is a numeral: not 三
    tpl = get("2021")
    head = Line("二、主动公开政府信息情况", 1, label="heading")
    heading3 = Line("一三、收到和处理政府信息公开申请情况", 1, label="heading", source="ocr")
    row = _cells_row([(1, "1"), (2, "8")] + [(c, "0") for c in range(10, 17)])
    assert assemble.split_tables([head, heading3, row], tpl)["requests"] == [row]


def _row(label: str, values: list[str]) -> Line:
    cells = [Cell(label, (0, 0, 10, 10), 0.5, 0, 0)] + [
        Cell(v, (20 + 10 * k, 0, 28 + 10 * k, 10), 0.99, 0, k + 1) for k, v in enumerate(values)]
    return Line(" ".join([label, *values]), 1, cells, (0, 0, 100, 10), label="table_row", source="ocr")


def test_unreadable_labels_take_the_missing_rows_in_order():
    t = get("2021")
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    seven = [str(k) for k in range(7)]
    lines = [head, _row("一、本年新收政府信息公开申请数量", ["5", "0", "0", "0", "0", "0", "5"]),
             _row("二上年结代政府信息", ["1"] * 7),                  # carried_in, label damaged
             _row("(一）予以公开", ["2"] * 7),                        # granted, read
             _row("11解升公开（分社理的", seven),                     # partial, damaged
             _row("1異子国家城密", ["3"] * 7),                        # denied_state_secret, damaged
             _row("2.其他法律行政法规禁止公开", ["4"] * 7)]           # denied_law, read
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["requests.carried_in.total"] == 1  # one label, one row: as before
    assert asm.fields["requests.partial.commercial"] == 1 and asm.fields["requests.denied_state_secret.total"] == 3
    placed = {f for f in asm.placed if f.startswith("requests.")}
    assert {f"requests.partial.{c.id}" for c in t.table("requests").row("partial").columns} <= placed
    assert not any(f.startswith("requests.granted.") for f in placed)
    cells = assemble.field_cells(t, asm)
    assert cells["requests.partial.total"].status == "placed" and cells["requests.granted.total"].status == "printed"
    assert any("requests.partial: label" in w for w in asm.warnings)
    # Rows of the wrong shape are not placed: a run of two labels for two rows, one short;
    # the other, a full row whose label resembles its row's, still takes it by order.
    lines[4] = _row("11解升公开（分社理的", seven[:5])
    asm = assemble.assemble(lines, "2021")
    assert all(asm.fields[f"requests.partial.{c.id}"] is None for c in t.table("requests").row("partial").columns)
    assert asm.fields["requests.denied_state_secret.total"] == 3


def test_format_from_damaged_header_words():
    def hdr(text):
        return Line(text, 1, label="table_header", source="ocr")

    rows = [Line("一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1", 1, label="table_row")]
    # A 2019 report's header read badly: no marker exactly, two resembling.
    damaged19 = [hdr("信息内容 本年新制作數量 本年新公开數量 对外公开总教量"), hdr("政作集中采购")]
    assert assemble.detect_format(damaged19 + rows) == "2019"
    # Only the 2021 report's 第二十条第（八）项 resembles a 2019 marker, and the rows both formats
    # print say nothing: unsure, so the assembly reads the shared rows' format and says so.
    assert assemble.detect_format([hdr("第二十条第八项")] + rows) is None
    asm = assemble.assemble([hdr("第二十条第八项")] + rows)
    assert asm.template == "2021" and any("format could not be read" in w for w in asm.warnings)
    assert assemble.detect_format([hdr("本年制发件數 本年废止件数")] + rows) == "2021"


@pytest.mark.slow
def test_generated_fax_is_read_upright_in_its_format(tmp_path):
    """A whole generated fax (seed 7032, 3 pages at 100 dpi, 1 bit) read end to end: every
    page upright, the right format, and a floor on the cells right.  The floor is NOT the
    issue's bar (99.5%): at this commit faxes read 87-99% of cells on most development
    documents and far less on some (pages whose thin strokes the threshold took: labels
    and digits unreadable); this test keeps what is reached from slipping back."""
    from pipeline.extract import extract_file
    from pipeline.scoring import cell_scores

    s = G.generate(7032)
    path = tmp_path / "fax.pdf"
    G.write_scan(s, path, hazard="fax")
    r = extract_file(path)
    assert r.template == s.template and not r.meta.get("rotated_pages")
    sc = cell_scores(s.fields, r.fields)
    assert sc["correct"] >= FAX_FLOOR * sc["total"], sc
    # Not fully read: said so, table by table.
    assert any(w.startswith("table ") for w in r.warnings) or sc["correct"] == sc["total"]


FAX_FLOOR = 0.95  # share of cells right on seed 7032 (199/207 measured at this commit; see the README)


def test_format_from_the_active_tables_shape():
    head = Line("二、主动公开政府信息情况", 1, label="heading")

    def rows(counts):
        return [_row("乱码", ["0"] * k) for k in counts]

    assert assemble.detect_format([head] + rows([3, 3, 1, 1, 1, 1])) == "2021"
    assert assemble.detect_format([head] + rows([3, 3, 3, 3, 3, 3, 2, 2, 1])) == "2019"  # one cell lost
    assert assemble.detect_format([head] + rows([3, 1])) is None  # too few to say
    text_rows = rows([3, 3, 1, 1, 1, 1])
    for ln in text_rows:
        ln.source = "pdf"
    assert assemble.detect_format([head] + text_rows) is None  # exact text: no guessing


def test_rows_aligned_by_shape_when_a_row_is_lost_or_split():
    """A run of damaged labels one read short of the missing rows (a row lost, another split
    in two by a misread cell): reads of a full row take rows in order by label resemblance;
    the split halves (3 + 4 numbers for 7 columns) take none."""
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    lines = [head, _row("(一）予以公开", ["2"] * 7),                          # granted, read
             _row("11解升公开（分社理的", ["1"] * 7),                          # partial, damaged
             _row("1異子国家城密", ["3"] * 3), _row("a", ["3"] * 4),           # state_secret, split
             _row("2其他法律行政法规察止公汗", ["4"] * 7),                     # denied_law, damaged
             _row("3.危及“三安全一稳定”", ["5"] * 7)]                          # denied_security, read
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["requests.partial.total"] == 1 and asm.fields["requests.denied_law.total"] == 4
    assert asm.fields["requests.denied_state_secret.total"] is None  # split: not guessed
    assert "requests.denied_law.total" in asm.placed
    assert any(w.startswith("requests.denied_law: label") for w in asm.warnings)
    # Where many rows are missing, a label resembling none of them is not placed by order alone.
    lines[5] = _row("乱码乱码", ["4"] * 7)
    lines[6] = _row("（七）总计", ["9"] * 7)
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["requests.partial.total"] == 1
    assert not any(asm.fields[f"requests.{r.id}.total"] == 4 for r in get("2021").table("requests").rows)


def test_a_rows_count_of_numbers_names_its_table_when_its_heading_is_misread():
    t = get("2021")
    active = [Line("二、主动公开政府信息情况", 1, label="heading"), _row("规章", ["1", "2", "3"])]
    seven = _row("一、本年新收政府信息公开申请数量", ["5", "0", "0", "0", "0", "0", "5"])
    lost = Line("三、收乱码", 1, label="heading", source="ocr")  # the heading misread
    groups = assemble.split_tables(active + [lost, seven], t)
    assert seven in groups["requests"]
    review = _row("乱码", ["1"] * 15)
    groups = assemble.split_tables(active + [lost, seven, review], t)
    assert review in groups["review"] and review not in groups["requests"]
    assert assemble.table_by_shape(_row("乱码", ["1"] * 3), t, "active") is None  # fits active
    text = _row("乱码", ["1"] * 15)
    text.source = "pdf"
    assert text in assemble.split_tables(active + [lost, seven, text], t)["requests"]  # exact text: no guessing


def test_a_rules_remnant_at_a_cells_side_is_not_read():
    from pipeline.backend.scan.lines import cell_line_boxes

    ink = np.zeros((40, 80), np.uint8)
    ink[10:26, 20:30] = 255  # a digit
    ink[8:28, 76:78] = 255  # what is left of the cell's right rule
    assert cell_line_boxes(ink, (0, 0, 80, 40), 20.0) == [(20, 8, 30, 28)]
    ink[10:26, 36:38] = 255  # a 1 beside the digit is kept
    assert cell_line_boxes(ink, (0, 0, 80, 40), 20.0)[0][2] == 38


def test_a_cell_between_two_numbers_is_a_number_cell():
    from pipeline.backend.scan.numbers import numeric_cells
    from pipeline.layout import Grid

    grid = Grid.__new__(Grid)
    grid.cells = [Cell("乱码", (0, 0, 10, 10), None, 0, 0), Cell("0", (10, 0, 20, 10), None, 0, 1),
                  Cell("a", (20, 0, 30, 10), None, 0, 2), Cell("0", (30, 0, 40, 10), None, 0, 3)]
    texts = {i: c.text for i, c in enumerate(grid.cells)}
    assert 2 in numeric_cells(grid, texts) and 0 not in numeric_cells(grid, texts)


def test_one_full_row_of_numbers_takes_the_one_missing_row_and_run_together_cells_split():
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    lines = [head, _row("1.信访举报投诉类申请", ["0"] * 7), _row("2. 碳置中请", ["6"] * 7),
             _row("3.要求提供公开出版物", ["0"] * 7)]
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["requests.rejected_duplicate.total"] == 6 and "requests.rejected_duplicate.total" in asm.placed
    lines[2] = _row("2. 碳置中请", ["6"] * 5)  # not the row's shape: not placed
    assert assemble.assemble(lines, "2021").fields["requests.rejected_duplicate.total"] is None
    # A lost rule leaves two cells' numbers in one: "0 0" and "00" are two values.
    lines[2] = _row("2. 重复申请", ["1", "2", "3", "4 5", "6", "00"])
    asm = assemble.assemble(lines, "2021")
    assert [asm.fields[f"requests.rejected_duplicate.{c.id}"] for c in
            get("2021").table("requests").row("rejected_duplicate").columns] == [1, 2, 3, 4, 5, 6, 0]


def test_a_group_label_merged_with_its_damaged_sub_row_does_not_take_its_numbers():
    """（六） printed blank above its sub-rows, read as one line with sub-row 1 whose key OCR
    damaged: the numbers are sub-row 1's, and the blank group row stays null."""
    t = get("2021").table("requests")
    merged = "(六)其他处理1.申请人无正当理由愈期不补正行政机关不再处理"
    assert assemble.match_row(merged, t) is None  # not the group's (its key is found first)
    assert assemble.match_row("（六）其他处理", t).id == "other"
    assert assemble.match_row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", t).id == "partial"
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    lines = [head, _row("5.要求行政机关确认或重新出具已获取信息", ["0"] * 7),
             _row(merged, ["1"] * 7),
             _row("2申请人期未按收费通知要求数纳费用行政机关不再处理其政府信息", ["2"] * 7),
             _row("3儿他", ["3"] * 7),
             _row("(七)总i计", ["6"] * 7),
             _row("四、结转下年度继续办理", ["0"] * 7)]
    asm = assemble.assemble(lines, "2021")
    assert all(asm.fields.get(f"requests.other.{c.id}") is None for c in t.row("other").columns)
    assert asm.fields["requests.other_no_correction.total"] == 1
    assert asm.fields["requests.other_other.total"] == 3 and asm.fields["requests.total.total"] == 6


def test_a_faxed_rule_broken_into_steps_is_not_text_for_the_orientation_vote():
    """A 1-px rule of a 1-bit page, slightly skewed, is a staircase of short runs a pixel
    apart: opened along its length alone it stayed in the text mask and joined the table
    rows above and below it into one band, so the orientation vote saw two rows and their
    rules in each piece (development fax 985009 page 2, upright, was turned 180°)."""
    from pipeline.backend.scan import orientation

    ink = np.zeros((300, 600), np.uint8)
    for y0 in (100, 130):  # two rows of "characters" 14 px high
        for x in range(40, 560, 18):
            ink[y0:y0 + 14, x:x + 14] = 255
    for k, x in enumerate(range(20, 540, 40)):  # the rule between them: steps of 40 px
        y = 121 if k % 2 else 123
        ink[y:y + 2, x:x + 42] = 255
    gray = np.where(ink > 0, 0, 255).astype(np.uint8)
    crops = orientation.text_pieces(gray, ink, 1.0)
    assert crops and all(c.shape[0] < 30 for c in crops), [c.shape for c in crops]  # one row each
    rules = orientation.rule_mask(ink, 1.0)
    assert rules[122, 300] and not rules[107, 300]  # the rule, not the text


def test_the_report_year_names_the_format_when_the_tables_cannot():
    """Development fax 980000: table text so thin that neither a header word nor the active
    table's row shape could be read, so no format and no table at all ("no template table
    found"); its title says 2024, and a report on 2022 or later has the 2021 format only."""
    head = Line("收到和处理政府信息公开申请情况", 1, label="heading", source="ocr")  # 三、 lost
    lines = [head, _row("长角画收数息公号中时数", ["0", "11", "0", "11", "1"])]
    assert assemble.detect_format(lines) is None
    assert assemble.format_of_year(lines, 2024) == "2021"
    assert assemble.format_of_year(lines, 2020) == "2019"
    assert assemble.format_of_year(lines, 2021) is None  # either format
    assert assemble.format_of_year(lines, None) is None
    assert assemble.format_of_year(lines[1:], 2024) is None  # no table heading: nothing says it is a report
    asm = assemble.assemble(lines, year=2024)
    assert asm.template == "2021" and assemble.NO_TEMPLATE_WARNING not in asm.warnings
    assert assemble.assemble(lines).template is None
    text = Line("三、收到和处理政府信息公开申请情况", 1, label="heading", source="pdf")
    assert assemble.format_of_year([text], 2024) is None  # exact text: its tables say it, or it has none


def test_review_values_are_the_one_row_that_prints_all_its_cells():
    """The review table prints its 15 values on one row; on a fax its header words read as
    stray numbers ("8" in 结果维持 … 8) before it, and keeping the first 15 numbers shifted
    every value one cell (development faxes 980002, 980003, 985002, 985003)."""
    head = Line("四、政府信息公开行政复议、行政诉讼情况", 1, label="heading")
    values = ["1", "0", "0", "0", "1", "0", "2", "0", "0", "2", "0", "0", "0", "0", "0"]
    lines = [head, _row("结蒙继持 坊果市持 8", []), _row("", values)]
    lines[1].cells[0].text = "结蒙继持 坊果市持"
    lines[1].cells.append(Cell("8", (90, 0, 98, 10), 0.3, 0, 1))
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["review.reconsideration.upheld"] == 1 and asm.fields["review.litigation_direct.total"] == 2
    assert any("kept the one row of 15" in w for w in asm.warnings)


def test_a_number_cell_read_as_noise_keeps_its_rows_other_cells():
    """A fax's 0 read as "u" in a grid row used to end the row there: the label kept one
    number, the six after "u" became a read of their own, and neither had the row's shape,
    so the damaged row was lost whole (development fax 985003, row (二)).  Now the cell is
    an unread number: the row keeps its shape, its other cells their columns, and the
    unread cell is not taken for a printed blank (here the row's total then gives it)."""
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    lines = [head, _row("(一）予以公开", ["2"] * 7),
             _row("11解升公开（分社理的", ["5", "u", "0", "0", "0", "0", "5"]),
             _row("1.属于国家秘密", ["3"] * 7)]
    asm = assemble.assemble(lines, "2021")
    t = get("2021").table("requests")
    got = [asm.fields[f"requests.partial.{c.id}"] for c in t.row("partial").columns]
    assert got == [5, 0, 0, 0, 0, 0, 5] and "requests.partial.commercial" in asm.inferred
    assert "requests.partial.commercial" not in asm.blank and "requests.partial.total" in asm.placed
    # Two cells unread: too little of the row's shape to place it by order.
    lines[2] = _row("11解升公开（分社理的", ["5", "u", "è", "0", "0", "0", "5"])
    asm = assemble.assemble(lines, "2021")
    assert all(asm.fields[f"requests.partial.{c.id}"] is None for c in t.row("partial").columns)


def test_a_run_of_zeros_in_one_cell_is_one_zero_per_lost_cell():
    """Lost rules leave three cells' zeros in one read "000" (development fax 980004's review
    row, 0 000 00 00 0 …: 15 values in 11 cells); no printed number is a run of zeros."""
    head = Line("四、政府信息公开行政复议、行政诉讼情况", 1, label="heading")
    row = _row("", ["1", "000", "1", "00", "000", "00", "0", "0", "0"])
    asm = assemble.assemble([head, row], "2021")
    assert asm.fields["review.reconsideration.upheld"] == 1 and asm.fields["review.reconsideration.total"] == 1
    assert all(asm.fields[f] is not None for f in asm.fields if f.startswith("review."))
    assert assemble._run_together("100") == ["100"] and assemble._run_together("0") == ["0"]


def test_stroke_statistics_tell_broken_strokes_from_filled_ones():
    """``raster.stroke_stats`` on a 100-dpi page: glyphs of 1-px strokes are neither dots nor
    cores; the same glyphs broken into specks are dots; filled into blobs, cores; a rule is
    not a glyph."""
    page = np.full((1170, 827), 255, np.uint8)
    for i in range(40):  # thin "digits": 1-px rings, 6x9 px
        x, y = 40 + 15 * i, 100
        page[y:y + 9, x] = page[y:y + 9, x + 5] = 0
        page[y, x:x + 6] = page[y + 8, x:x + 6] = 0
    page[300, 20:800] = 0  # a rule
    thin = raster.stroke_stats(page)
    assert thin.glyphs == 40 and thin.dots == 0.0 and thin.core == 0.0
    broken = page.copy()
    broken[100:109, :] = 255
    broken[100:109:3, 40:640:3] = 0  # what a low threshold leaves: specks
    assert raster.stroke_stats(broken).dots > 0.9
    filled = page.copy()
    for i in range(40):
        filled[100:109, 40 + 15 * i:46 + 15 * i] = 0  # a high threshold: solid blobs
    assert raster.stroke_stats(filled).core > 0.3 and raster.stroke_stats(filled).dots == 0.0


def test_an_illegible_fax_page_is_named_with_its_stroke_statistics():
    """A fax page whose lines and cells read as noise gets a warning naming how its threshold
    failed; a page whose cells read (its labels damaged: every line unsure), or one with
    too few lines to judge, gets none."""
    from pipeline.backend.scan.furniture import fax_legibility_warning

    def row(conf_label, conf_cells):
        cells = [Cell("x%#", None, conf_label)] + [Cell("0", None, c) for c in conf_cells]
        return Line(" ".join(c.text for c in cells), 2, cells, confidence=min([conf_label, *conf_cells]))

    noise = [row(0.3, [0.3, 0.9, 0.4]) for _ in range(20)]  # 15% of lines... none sure; 25% of cells
    faint, dark, plain = raster.StrokeStats(0.2, 0.02, 900), raster.StrokeStats(0.01, 0.3, 900), \
        raster.StrokeStats(0.01, 0.05, 900)
    w = fax_legibility_warning(2, faint, noise)
    assert w.startswith("page 2: fax too faint to read") and "20.0% of the glyph ink in dots" in w
    assert "0% of 20 lines and 25% of 80 cells" in w
    assert fax_legibility_warning(2, dark, noise).startswith("page 2: fax too dark to read")
    assert fax_legibility_warning(2, plain, noise).startswith("page 2: fax unreadable")
    labels_damaged = [row(0.3, [0.99, 0.95, 0.9, 0.9]) for _ in range(20)]  # numbers read: 80% of cells
    assert fax_legibility_warning(2, faint, labels_damaged) is None
    assert fax_legibility_warning(2, faint, noise[:5]) is None  # too few lines to judge
    # No grid found (its rules went too): the lines alone judge (seed 7045 faxed at 60: 29 cells).
    assert fax_legibility_warning(2, faint, [Line("x", 2, confidence=0.1)] * 20).startswith("page 2: fax too faint")
    assert fax_legibility_warning(2, faint, [Line("一、总体情况", 2, confidence=0.9)] * 20) is None


def _fax_thresholds(monkeypatch, threshold: int, pages=None):
    """Generated faxes written with every page's (or ``pages``') 1-bit threshold at ``threshold``."""
    import training.generate.writers as W

    orig = W.hazard_params

    def params(seed, hazard, n):
        p = orig(seed, hazard, n)
        for i, pg in enumerate(p["pages"], 1):
            if "threshold" in pg and (pages is None or i in pages):
                pg["threshold"] = threshold
        return p
    monkeypatch.setattr(W, "hazard_params", params)


FAINT_THRESHOLD = 60  # a 1-bit threshold that leaves specks of seed 7045's table page (its own: 158)


def test_a_fax_page_the_threshold_wiped_out_says_so(tmp_path, monkeypatch):
    """Seed 7045's table page faxed at a threshold that leaves dots (unreadable by eye, like
    development 980000 page 2): the page and the document say so, with the stroke figures
    (before, the page read as noise without a word of why)."""
    _fax_thresholds(monkeypatch, FAINT_THRESHOLD)
    s = G.generate(7045)
    path = tmp_path / "faint.pdf"
    G.write_scan(s, path, hazard="fax")
    doc = scan.read_scan(path, pages=[2])
    (w,) = [w for w in doc.warnings if w.startswith("page 2: fax")]
    assert w.startswith("page 2: fax too faint to read") and "% of the glyph ink in dots" in w


@pytest.mark.slow
def test_a_wiped_out_fax_page_leaves_its_tables_partial_and_batch_counts_it(tmp_path, monkeypatch):
    """End to end: seed 7045 with its table page (2) faxed to dots, its other pages as
    generated. The result warns for page 2, its coverage shows the tables of page 2 partly
    or not read, and batch's outcome is ``partial``, never a clean success; the legible
    first page gets no fax warning."""
    from pipeline import coverage
    from pipeline.batch import failure_of
    from pipeline.extract import extract_file

    _fax_thresholds(monkeypatch, FAINT_THRESHOLD, pages={2})
    s = G.generate(7045)
    path = tmp_path / "faint.pdf"
    G.write_scan(s, path, hazard="fax")
    r = extract_file(path)
    fax = [w for w in r.warnings if ": fax " in w]
    pages = {w.split(":")[0] for w in fax}
    assert "page 2" in pages and "page 1" not in pages, fax
    assert any(c.status != "found" for c in r.coverage), r.coverage
    assert any(w.startswith("table ") for w in r.warnings)
    obj = r.as_dict()
    assert failure_of(obj) is None and coverage.outcome(obj) == "partial"  # batch's count: partial


def _cells_row(cells: list[tuple[int, str]], page: int = 1) -> Line:
    """An OCR'd grid row of (grid column, text) cells."""
    cs = [Cell(t, (10 * c, 0, 10 * c + 8, 10), 0.9, 0, c) for c, t in cells]
    return Line(" ".join(t for _, t in cells), page, cs, (0, 0, 200, 10), label="table_row", source="ocr")


def test_a_sub_rows_numbering_on_its_group_line_is_no_value_of_the_group():
    """Development fax 1000002: （六） printed blank, read on one grid line with its second
    sub-row's numbering ("2", its "." lost) and the first line of that sub-row's wrapped
    label; the "2" became the blank group row's value.  A number that words of a label
    follow in the same grid row is the label's numbering."""
    t = get("2021").table("requests")
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    zeros = [(c, "0") for c in range(5, 12)]
    lines = [head, _cells_row([(1, "5.要求行政机关确认或重新出具已获取信息")] + zeros),
             _cells_row([(1, "1政府信息公开申请"), (2, "申请人无正当理由逾期不补正、")] + [(5, "3")] + zeros[1:-1] + [(11, "3")]),
             _cells_row([(0, "(六)其他处理"), (1, "2"), (2, "申请人期未按收费通知要求缴纳费用、"), (3, "行政机关不")]),
             _cells_row([(1, "再处理政府信息公开申请")] + zeros),
             _cells_row([(1, "3、其他"), (5, "3")] + zeros[1:-1] + [(11, "3")])]
    asm = assemble.assemble(lines, "2021")
    assert all(asm.fields[f"requests.other.{c.id}"] is None for c in t.row("other").columns)
    assert asm.fields["requests.other_no_fee.total"] == 0 and asm.fields["requests.other_other.total"] == 3
    assert assemble._tokens(lines[3])[1][0] == "text"
    # A number after the label is a value, whatever it is.
    assert [k for k, _, _ in assemble._tokens(_cells_row([(1, "2.重复申请"), (5, "2")]))] == ["text", "num"]


def test_a_number_in_the_grids_label_columns_is_a_label_read_as_digits():
    """Development fax 1000001: （七）总计's label read "1" in a label column, so the row read
    eight numbers for seven columns and was lost.  Where most full rows of an OCR'd grid
    start their values at one column, a number left of it is label text."""
    t = get("2019").table("requests")
    head = Line("三、收到和处理政府信息公开申请情况", 2, label="heading")
    rows = [r for r in t.rows if r.id not in ("total",)]
    lines = [head] + [_cells_row([(1, r.label)] + [(c, "0") for c in range(3, 10)], 2) for r in rows[:-1]]
    lines += [_cells_row([(1, "1"), (3, "6")] + [(c, "0") for c in range(4, 9)] + [(9, "6")], 2),
              _cells_row([(0, rows[-1].label)] + [(c, "0") for c in range(3, 10)], 2)]
    asm = assemble.assemble(lines, "2019")
    assert asm.fields["requests.total.natural_person"] == 6 and asm.fields["requests.total.total"] == 6
    assert "requests.total.total" in asm.placed  # its row chosen by its place, not read
    assert assemble.value_columns(lines, t) == {2: 3}
    # Too few full rows to say where values start: nothing is taken for a label.
    assert assemble.value_columns(lines[:3], t) == {}


def test_value_columns_start_at_a_full_rows_last_numbers():
    """Development fax 1002000 (a faint page): labels read as digits ("1", "17") before a row's
    seven values made the rows' first numbers start anywhere in the label columns, so no
    first value column was found and the labels' digits stayed values."""
    t = get("2021").table("requests")
    values = [(c, "0") for c in range(10, 17)]
    lines = [_cells_row([(2, "1"), (3, "17")] + values, 2), _cells_row([(3, "1")] + values, 2),
             _cells_row([(2, "4"), (4, "1")] + values, 2), _cells_row(values, 2)]
    assert assemble.value_columns(lines, t) == {2: 10}
    # Rows shorter than the widest say nothing of where values start.
    assert assemble.value_columns([_cells_row([(2, "1")] + values[:5], 2)] * 4, t) == {}


def test_rows_whose_labels_read_as_noise_take_their_rows_by_the_grids_order():
    """Development fax 1000005: the requests grid found whole (every rule), every label read
    as noise, so no row was found and 154 cells were lost.  The grid's data rows (a ruled
    cell in each value column) align one to one with the template's rows: each takes its
    row, status placed, and a warning names the table.  One data row fewer than the rows
    (a row lost: where is not known) places only what the anchors pin down."""
    t = get("2019").table("requests")
    head = Line("三、收到和处理政府信息公开申请情况", 2, label="heading")
    header = _cells_row([(3, "自然人"), (4, "商业企业"), (5, "科研机构"), (6, "社会公益组织"), (7, "法律服务机构"),
                         (8, "其他"), (9, "总计")], 2)
    header.label = "table_header"
    noise = ["L…t?", "…r1…こtz", "ii1", "ルéさh", "Hじ'", "211", "i,,", ";ぐ0・!", "・7"]

    def values(k: int) -> list[tuple[int, str]]:
        return [(3, str(k))] + [(c, "0") for c in range(4, 9)] + [(9, str(k))]

    rows = [_cells_row([(1, noise[k % len(noise)])] + values(k), 2) for k in range(len(t.rows) - 1)]
    for c in rows[3].cells[4:7]:  # three of its zeros unread (the cells empty) …
        c.text = ""
    for c in rows[5].cells[1:]:  # … and a row of which nothing was read
        c.text = ""
    last = _cells_row([(0, "こ3四. 结转小自度增接力牌")] + values(len(t.rows) - 1), 3)  # alone on its page
    lines = [head, header] + rows + [last]
    asm = assemble.assemble(lines, "2019")
    for k, row in enumerate(t.rows):
        if k == 5:
            assert asm.fields[f"requests.{row.id}.total"] is None
            continue
        assert asm.fields[f"requests.{row.id}.natural_person"] == k and asm.fields[f"requests.{row.id}.total"] == k
        assert f"requests.{row.id}.total" in asm.placed
    assert asm.fields["requests.partial.social_org"] is None and "requests.partial.social_org" not in asm.blank
    cells = assemble.field_cells(get("2019"), asm)
    assert cells["requests.denied_security.total"].status == "placed"
    assert any(w.startswith("table requests:") and "grid's order" in w for w in asm.warnings)
    # A data row lost: the alignment is not unique, nothing between the anchors is placed …
    lost = [head, header] + rows[:10] + rows[11:] + [last]
    asm = assemble.assemble(lost, "2019")
    assert all(asm.fields[f"requests.{r.id}.total"] is None for r in t.rows[1:-1])
    # … but a label that reads anchors its row: after it the data rows fit the rows one
    # way, and take them; before it the lost row could be any of them, and nothing is placed.
    lost[2 + 10] = _cells_row([(1, "8.属于行政查询事项")] + values(11), 2)
    asm = assemble.assemble(lost, "2019")
    after = t.rows[11:]
    assert [asm.fields[f"requests.{r.id}.total"] for r in after] == list(range(11, len(t.rows)))
    assert "requests.denied_query.total" not in asm.placed and "requests.unable_not_held.total" in asm.placed
    assert all(asm.fields[f"requests.{r.id}.total"] is None for r in t.rows[:11])


def test_a_value_cell_read_as_bracket_noise_is_an_unread_number_not_label_text():
    """Development fax 1000009: a 0 broken into two strokes read "6)" or "(1" in a value
    column; as label text it ended the row there, and its two halves were each too short
    to be a row.  In the grid's value columns (``value_columns``) such a cell is a number
    that could not be read: the row keeps its shape and the cell stays null, not blank."""
    t = get("2019").table("requests")
    head = Line("三、收到和处理政府信息公开申请情况", 2, label="heading")
    rows = [_cells_row([(1, r.label)] + [(c, "0") for c in range(3, 10)], 2) for r in t.rows[:6]]
    rows[3] = _cells_row([(1, "(1分公计(せ.5计8一饮帐")] + [(3, "0"), (4, "6)")] + [(c, "0") for c in range(5, 10)], 2)
    asm = assemble.assemble([head] + rows, "2019")
    got = [asm.fields[f"requests.partial.{c.id}"] for c in t.row("partial").columns]
    assert got[0] == 0 and got[2:] == [0] * 5 and "requests.partial.total" in asm.placed
    assert "requests.partial.commercial" not in asm.blank  # unread, not printed empty


def test_a_borderless_row_whose_noise_took_column_slots_is_still_a_data_row():
    """Development borderless fax 1000001: a row's damaged label read as five pieces, so its
    seven zeros were aligned two columns right of the others' (cells past the value
    columns): it was no data row, the two rows of its gap met one data row, and neither
    was placed.  A row whose cells after its label are the widest row's count of numbers
    is a data row of that shape, its values from its own first number on."""
    from pipeline import gridorder

    noisy = _cells_row([(0, "49てり"), (1, "t"), (3, "トド"), (4, "↓化ま"), (5, "hauRe")] + [(c, "0") for c in range(6, 13)])
    plain = _cells_row([(1, "1属于国家經座")] + [(c, "0") for c in range(4, 11)])
    rows = gridorder.data_rows([plain, noisy], {1: 4}, {}, 7)
    assert [(d.line, d.values, d.first) for d in rows] == [(0, 7, 4), (1, 7, 6)]


def test_a_full_row_starting_left_of_other_rows_keeps_its_first_value():
    """Clean scan 1001009 (the final range, read after the merge): merged label cells start
    the top rows' values one grid column left of the sub-rows'.  The label-column rule took
    each top row's first value (自然人 3) for label text and shifted the row.  A row with no
    more numbers than any row has cells holds no label read as digits."""
    t = get("2021").table("requests")
    head = Line("三、收到和处理政府信息公开申请情况", 2, label="heading")
    top, subs = t.rows[:3], t.rows[4:12]
    lines = [head] + [_cells_row([(0, r.label), (2, "3")] + [(c, "0") for c in range(3, 8)] + [(8, "3")], 2)
                      for r in top]
    lines += [_cells_row([(1, "（三）不予公开"), (2, r.label)] + [(c, "0") for c in range(3, 10)], 2) for r in subs]
    assert assemble.value_columns(lines, t) == {2: 3}  # most full rows start at column 3
    asm = assemble.assemble(lines, "2021")
    for r in top:
        assert asm.fields[f"requests.{r.id}.natural_person"] == 3, r.id
        assert asm.fields[f"requests.{r.id}.other"] == 0 and asm.fields[f"requests.{r.id}.total"] == 3


def test_the_group_label_read_with_its_damaged_first_sub_row_takes_that_sub_row():
    """Development fax 989004: （六）其他处理 read on one line with its first sub-row's
    damaged label matched the one-row form's "other" while the other two sub-rows read by
    their labels: its zeros went to requests.other (7 printed blanks given 0, silent) and
    other_no_correction was lost.  The form prints one or the other: the read takes the
    sub-row, status placed, with a warning; with no sub-row read, "other" stays."""
    t = get("2021")
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    zeros = ["0"] * 7
    lines = [head, _row("(六)其他处理美人理得位息公不并正、行政机", ["1", "0", "0", "0", "0", "0", "1"]),
             _row("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公并申请", zeros),
             _row("3. 其他", ["2", "0", "0", "0", "0", "0", "2"])]
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["requests.other_no_correction.total"] == 1
    assert asm.fields["requests.other.total"] is None and asm.fields["requests.other_other.total"] == 2
    cells = assemble.field_cells(t, asm)
    assert cells["requests.other_no_correction.natural_person"].status == "placed"
    assert cells["requests.other_no_fee.total"].status == "printed"
    assert any("requests.other_no_correction: label" in w for w in asm.warnings)
    asm = assemble.assemble([head, lines[1]], "2021")  # the one-row form: its row as read
    assert asm.fields["requests.other.total"] == 1 and "requests.other.total" not in asm.placed


def test_table_twos_short_rows_of_numbers_are_number_cells_whatever_their_labels():
    """Development faxes 989007 and 989003: table 二's sub-tables print 2-3 numbers a row under
    two rows, and on a fax their labels and headers read as noise.  A 3 read "J" (grid), a 4
    read unsure (a borderless row) was then no number cell: not read digits-only, not shown to
    the fax digit reader, lost, and the row with it.  A row of numbers needs only
    NUMBER_ROW_MIN of them (a column still NUMBER_COLUMN_MIN); a label-less borderless row of
    fewer than NUMBER_COLUMN_MIN short pieces, only where all of them are numbers or, with
    NUMBER_ROW_MIN numbers among them, a number's noise; its label ends at its last piece of
    words (development fax 989000: "一、" a piece of its own)."""
    from pipeline.backend.scan.numbers import numeric_cells, numeric_free_cells
    from pipeline.layout import Grid

    grid = Grid.__new__(Grid)
    grid.cells = [Cell(t, (10 * c, 0, 10 * c + 8, 10), None, 0, c)
                  for c, t in enumerate(["行政暖短理支件", "J", "0", "40"])]
    texts = {i: c.text for i, c in enumerate(grid.cells)}
    assert 1 in numeric_cells(grid, texts) and 0 not in numeric_cells(grid, texts)
    texts[3] = "文件"  # words: one number and a letter is no row of numbers
    assert 1 not in numeric_cells(grid, texts)
    assert numeric_free_cells(["教律", "2", "0", "4"]) == [1, 2, 3]
    assert numeric_free_cells(["一、", "本年而收政府信息公开申请效量", "7", "0", "0", "1"]) == [2, 3, 4, 5]
    # A short run: NUMBER_ROW_MIN numbers, the rest a number's noise (borderless fax 1003006, 规章:
    # 政市 | a | 1 | 0, its 0 read "a" and the row lost); one number and a letter, or an ideograph, is none.
    assert numeric_free_cells(["教律", "2", "0", "a"]) == [1, 2, 3]
    assert numeric_free_cells(["政市", "a", "1", "0"]) == [1, 2, 3]
    assert numeric_free_cells(["教律", "2", "a"]) == []
    assert numeric_free_cells(["教律", "2", "0", "购"]) == []
    assert numeric_free_cells(["教律", "2", "0", "a", "0"]) == [1, 2, 3, 4]  # a long one: most


def test_a_whole_number_read_with_a_leading_zero_is_an_unread_value():
    """Development fax 989015: active.fees.amount printed 0.00, read "08" (its point lost),
    was 8.0, printed, silently; 989007: a 0 beside a rule's remnant read "01".  No table
    prints such digits: the cell is an unread value of its row (never a number, never label
    text); a run of zeros is still several cells' zeros."""
    t = get("2021")
    head = Line("二、主动公开政府信息情况", 1, label="heading")
    fees = _cells_row([(0, "行政事业性收费"), (1, "08")])
    asm = assemble.assemble([head, fees], "2021")
    assert asm.fields["active.fees.amount"] is None
    assert assemble.field_cells(t, asm)["active.fees.amount"].status != "printed"
    lines = [Line("三、收到和处理政府信息公开申请情况", 1, label="heading"),
             _cells_row([(0, "一、本年新收政府信息公开申请数量"), (1, "5"), (2, "01"), (3, "0"), (4, "0"),
                         (5, "0"), (6, "0"), (7, "5")])]
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["requests.new.natural_person"] == 5 and asm.fields["requests.new.total"] == 5
    cells = assemble.field_cells(t, asm)  # the unread cell is the one unknown of its row's sum
    assert asm.fields["requests.new.commercial"] == 0 and cells["requests.new.commercial"].status == "inferred"
    assert assemble.leading_zero("08") and not assemble.leading_zero("00") and not assemble.leading_zero("0")


def _free(page: int, cells: list[tuple[int, str]], label: str = "table_row") -> Line:
    """A borderless OCR'd row (no grid: ``in_grid`` False): its pieces as (aligned column, text)."""
    cs = [Cell(t, (40 * c, 0, 40 * c + 30, 10), 0.9, 0, c) for c, t in cells]
    return Line(" ".join(t for _, t in cells), page, cs, (0, 0, 400, 10), label=label, source="ocr")


def _rows_2019_shape() -> list[Line]:
    """Table 二 of a 2019 report as a fax left it (development fax 1002009): no header word and
    no row label readable, but six rows of three numbers and two of two."""
    head = Line("二、主动公开政府信息情况", 1, label="heading", source="ocr")
    rows = [_free(1, [(1, "乱码")] + [(c, "0") for c in (3, 4, 5)]) for _ in range(6)]
    rows += [_free(1, [(1, "乱码")] + [(c, "0") for c in (3, 5)]) for _ in range(2)]
    return [head] + rows


def test_a_fax_of_a_2019_report_is_read_as_2019_by_its_shape_not_by_the_shared_rows():
    """1002009 (development): its header words unread, table 三's rows (本年新收 …, printed by
    both formats) said 2021 before the active table's shape could say 2019, and the 19 cells
    of its 2019-only table 二 were missing from the output."""
    req = Line("三、收到和处理政府信息公开申请情况", 2, label="heading", source="ocr")
    new = _free(2, [(1, "一、本年新收政府信息公开申请数量")] + [(c, "1") for c in range(3, 10)])
    lines = _rows_2019_shape() + [req, new]
    assert assemble.detect_format(lines) == "2019"
    asm = assemble.assemble(lines)
    assert asm.template == "2019" and "active.procurement.items" in asm.fields
    # A row only the 2021 format prints (（六）'s sub-rows) read by its label against the 2019
    # shape: the evidence disagrees, so the tables do not say; the year does (a report on 2020).
    sub = _free(2, [(1, "1.申请人无正当理由逾期不补正")] + [(c, "0") for c in range(3, 10)])
    assert assemble._format_by_rows([req, sub]) == "2021"
    assert assemble.detect_format(lines + [sub]) is None
    assert assemble.assemble(lines + [sub], year=2020).template == "2019"
    # 2019's 政府集中采购 read by its label says 2019 on its own.
    proc = _free(1, [(1, "政府集中采购")] + [(c, "0") for c in (3, 5)])
    assert assemble._format_by_rows([_rows_2019_shape()[0], proc]) == "2019"


def test_a_row_that_lost_a_cell_takes_its_columns_from_the_row_read_whole_beside_it():
    """1002000 (development): 行政规范性文件's middle cell read "(k" (a number unread); its
    0 and 39 fitted three placements and the row was left null (ambiguous).  The rules row
    beside it, read whole, shows the columns: 0 | ? | 39, placed (their columns chosen)."""
    head = Line("二、主动公开政府信息情况", 1, label="heading", source="ocr")
    lines = [head, _free(1, [(1, "规章"), (3, "0"), (4, "2"), (5, "0")]),
             _free(1, [(1, "i政规范件<件"), (3, "7"), (4, "(k"), (5, "39")]), _free(1, [(1, "行政许可"), (5, "3")])]
    asm = assemble.assemble(lines, "2021")
    got = [asm.fields[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")]
    assert got == [7, None, 39] and not asm.ambiguous
    assert {"active.normative.issued", "active.normative.in_force"} <= asm.placed
    assert "active.normative.repealed" not in asm.blank  # unread, not printed empty
    # No row read whole near it: the placements stay open (the rules decide or leave null).
    asm = assemble.assemble([head, lines[2], lines[3]], "2021")
    assert asm.fields["active.normative.issued"] is None


def test_a_digit_left_of_the_value_columns_is_a_wrapped_labels_piece():
    """1002006 (development): 2.申请人逾期未按收费通知… wrapped over two lines, a piece of its
    first line read "0" left of table 三's value columns; the label ended there, the row took
    that one number and its cells were given blank, the seven numbers under the next line lost."""
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading", source="ocr")
    full = [_free(1, [(1, lab)] + [(c, v) for c, v in zip(range(9, 16), vals)])
            for lab, vals in (("1.申请人无正当理由逾期不补正", "0000000"), ("（七）总计", "5000005"),
                              ("一、本年新收政府信息公开申请数量", "5000005"))]
    wrapped = [_free(1, [(5, "2.申请人逾期未按收费通知要求缴纳费用"), (8, "0")]),
               _free(1, [(5, "行政机关不再处理其政府信息公开申请")] + [(c, "2") for c in range(9, 16)])]
    asm = assemble.assemble([head, full[2], full[0]] + wrapped + [full[1]], "2021")
    assert [asm.fields[f"requests.other_no_fee.{c}"] for c in ("natural_person", "total")] == [2, 2]
    assert not any(f.startswith("requests.other_no_fee.") for f in asm.blank)


def test_the_2021_table_twos_two_full_rows_give_its_value_columns():
    """The 2021 table 二 prints only two rows of its widest shape (规章, 行政规范性文件: three
    numbers); VALUE_COLUMN_MIN_ROWS full rows (3) were asked of a page, so its value columns
    were never known and its rows never placed by the grid's order.  Two rows that agree now
    do; two that disagree still do not, nor one."""
    table = get("2021").table("active")
    rows = [_free(1, [(1, "乱码"), (3, "0"), (4, "2"), (5, "0")]),
            _free(1, [(1, "乱码"), (3, "7"), (4, "0"), (5, "39")])]
    assert assemble.value_columns(rows, table) == {1: 3}
    assert assemble.value_columns(rows[:1], table) == {}
    shifted = _free(1, [(1, "乱码"), (4, "7"), (5, "0"), (6, "39")])
    assert assemble.value_columns([rows[0], shifted], table) == {}
    # Table 三 prints many rows of seven: three are still asked.
    req = get("2021").table("requests")
    seven = [_free(1, [(1, "乱码")] + [(c, "0") for c in range(3, 10)]) for _ in range(3)]
    assert assemble.value_columns(seven[:2], req) == {} and assemble.value_columns(seven, req) == {1: 3}


def test_a_row_that_lost_a_cell_or_two_holds_its_place_in_the_grids_order():
    """990411 (development): table 三's 总计 read 14 | 0 | 01 | 0 | 0 | 15 (one cell unseen, one
    unread): six value cells, no row's shape, so it held no place, and 3.其他 before it,
    read whole, could be 3.其他 or 总计: neither was placed.  A data row of GAP_MIN_SHARE of a
    row's cells holds that row's place; one of fewer does not."""
    from pipeline import gridorder

    table = get("2021").table("requests")
    sub, total = table.row("other_other"), table.row("total")
    data = [gridorder.DataRow(0, 7, table.row("other_no_fee")), gridorder.DataRow(1, 7, None),
            gridorder.DataRow(2, 6, None), gridorder.DataRow(3, 7, table.row("carried_out"))]
    aligned = gridorder.align(data, table)
    assert aligned[1][0] is sub and aligned[2][0] is total
    assert gridorder._pair_score(data[2], total) == gridorder.GAP_SCORE
    data[2] = gridorder.DataRow(2, 4, None)  # four of seven: too little of the row to hold its place
    assert 1 not in gridorder.align(data, table) and gridorder._pair_score(data[2], total) is None


def test_a_zero_led_piece_as_long_as_the_cells_missing_is_single_digit_cells_run_together():
    """Clean borderless 990403 (development): the review row read 1 | 0023 | 00 | 0 | 0 | 00 | 00 |
    0 | 0 (0 0 2 3 too close to cut): 11 numbers for 15 cells, and 44 placements fitted the rules,
    so all of table 四 was left null.  0023 is no count (none starts with 0) and holds as many
    digits as cells are missing: four cells, status decoded, with a warning."""
    head = Line("四、政府信息公开行政复议、行政诉讼情况", 1, label="heading")
    row = _row("", ["1", "0023", "00", "0", "0", "00", "00", "0", "0"])
    asm = assemble.assemble([head, row], "2021")
    t = get("2021")
    got = [asm.fields[f] for f in t.field_ids if f.startswith("review.")]
    assert got == [1, 0, 0, 2, 3] + [0] * 10
    cells = assemble.field_cells(t, asm)
    assert cells["review.reconsideration.pending"].status == "decoded"
    assert cells["review.reconsideration.upheld"].status == "printed"
    assert any("read as 4 cells run together" in w for w in asm.warnings)
    # As many digits as cells missing, and only one such piece: else the placements stay open.
    row = _row("", ["1", "023", "00", "0", "0", "00", "00", "0", "0"])
    assert assemble.assemble([head, row], "2021").fields["review.reconsideration.pending"] is None


def test_group_row_printed_as_one_row_is_not_taken_for_a_sub_row_by_its_label():
    """（六） printed as one row of 0s (no sub-rows), its label damaged to "し其他で叩" (development
    fax 1003007, its page's column headings read as short rows): the one-row form pairs the
    run's full rows whole, the split form as many only by leaving two sub-rows unread; the
    label's "其他" must not give the 0s to 3.其他."""
    t = get("2021").table("requests")
    head = Line("三、收到和处理政府信息公开申请情况", 1, label="heading")
    lines = [head, _row("3.要求提供公开出版物", ["0"] * 7),
             _row("（本列教新精义系力第项项加笔项和", ["1"]), _row("商业", ["2", "3"]),  # page 2's headings
             _row("欢乐4AM山大装くし中请", ["1"] * 7),                        # rejected_excessive
             _row("文要卡攻K义吃中前出其已员取息", ["2"] * 7),                # rejected_confirm
             _row("し其他で叩", ["0"] * 7),                                   # （六） as one row
             _row("", ["3"] * 7),                                             # total
             _row("六.1", ["4"] * 7)]                                         # carried_out
    asm = assemble.assemble(lines, "2021")
    assert all(asm.fields.get(f"requests.{r}.{c.id}") is None for r in assemble.OTHER_SPLIT
               for c in t.row("other").columns)
    assert asm.fields["requests.other.total"] == 0 and "requests.other.total" in asm.placed
    assert asm.fields["requests.rejected_confirm.total"] == 2 and asm.fields["requests.total.total"] == 3


@pytest.mark.slow
def test_dev_fax_1003007_reads_its_one_row_group_as_printed(tmp_path):
    """The page the unit test above stands for, end to end: development fax 1003007 prints （六）
    as one row of 0s; none of its sub-rows (not printed) takes a value, and the row's 0s are
    （六）'s, marked placed."""
    from pipeline.extract import extract_file

    s = G.generate(1003007)
    path = tmp_path / "fax.pdf"
    G.write_scan(s, path, hazard="fax")
    r = extract_file(path)
    sub = [f for f in s.fields if f.split(".")[1:2] and f.split(".")[1] in assemble.OTHER_SPLIT]
    assert sub and all(s.fields[f] is None and r.fields.get(f) is None for f in sub)
    group = [f for f in s.fields if f.startswith("requests.other.")]
    assert all(r.fields[f] == s.fields[f] == 0 for f in group)
    assert all(r.cells[f].status in ("placed", "reread") for f in group)

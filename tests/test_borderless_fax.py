"""Borderless tables faxed (``generate(seed, layout="borderless")`` written as a 100-dpi
1-bit fax): a label broken into pieces must not shift its row's numbers a column, and a
number read as noise ("a", "口") in a column of numbers is still read as a number.

Generated pages use seeds 7000-7099 (tests only); the classes were found on development
seeds 989400-989419."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.backend.scan.borderless import align_columns, cell_column
from pipeline.backend.scan.lines import FreeRow
from pipeline.backend.scan.numbers import free_number_columns, stray_in_number_columns

LINE_H = 20.0
NUMBER_X = (672, 732, 791, 850, 909, 968, 1027)  # the 7 value columns of table 三 (989401, page 2)


def _row(y: int, labels: list[tuple[int, int]], ink: np.ndarray) -> FreeRow:
    """A borderless row (its ink painted into ``ink``): its label pieces, then a 12 px wide
    number in every value column."""
    spans = labels + [(x, x + 12) for x in NUMBER_X]
    for a, b in spans:
        ink[y:y + 16, a:b] = 255
    return FreeRow([[(a, y, b, y + 16)] for a, b in spans])


def test_label_broken_by_a_fax_keeps_its_numbers_in_their_columns():
    """989401 (development), page 2: the fax broke labels into 1-3 pieces (（一）予以公开 into
    一 | 1 | F以公并); each took a column of its own and pushed the row's numbers one column
    right of the other rows' (its 12 given the 商业企业 column's index): the rows were no
    data rows and table 三 lost 119 cells.  Every row's numbers now share the same seven
    columns, whatever its label's pieces."""
    labels = [[(215, 432)],  # one wide label piece
              [(218, 432)],
              [(246, 251), (264, 275), (288, 345)],  # three pieces
              [(292, 299), (308, 402)],
              [(293, 355), (364, 457)],
              [(244, 274), (291, 356), (366, 450)],
              [(291, 336), (357, 465)]]
    ink = np.zeros((700, 1100), np.uint8)
    rows = [_row(310 + 36 * k, pieces, ink) for k, pieces in enumerate(labels)]
    # Header words over two value columns (商业企业 / 科研机构 read as two 3-character
    # pieces a little wider than the numbers) must not run those columns into one.
    header = FreeRow([[(714, 280, 761, 296)], [(773, 280, 820, 296)]])
    ink[280:296, 714:761] = ink[280:296, 773:820] = 255
    rows = [header] + rows
    align_columns(rows, ink, LINE_H)
    rows = rows[1:]
    value_cols = {tuple(r.cols[-len(NUMBER_X):]) for r in rows}
    assert len(value_cols) == 1
    first = next(iter(value_cols))
    assert list(first) == list(range(first[0], first[0] + len(NUMBER_X)))  # seven columns apart
    assert all(max(r.cols[:-len(NUMBER_X)]) < first[0] for r in rows)  # labels left of them
    assert len({r.block for r in rows}) == 1 and rows[0].block is not None


def test_cell_column_takes_the_column_it_overlaps_most():
    clusters = [[100, 200, 150, 3], [300, 320, 310, 9], [400, 412, 406, 9]]
    assert cell_column(clusters, 140, 160) == 1
    assert cell_column(clusters, 240, 260) == 1  # between columns: the one left of it
    assert cell_column(clusters, 395, 430) == 3  # a wider number over its column
    assert cell_column(clusters, 290, 410) == 2  # over two: the one it covers most
    assert cell_column(clusters, 20, 50) == 0  # left of every column
    assert cell_column(clusters, 900, 950) == 3


def test_noise_in_a_column_of_numbers_is_read_as_a_number():
    """989410 (development), page 2: a fax's 0 read "a" or "口" in rows whose label did not
    match a template key (上年结转… read 上年地持政游练摩…) was no number cell, so neither
    the digits-only decoding nor the fax digit reader saw it, and the rows were lost.  In a
    column of numbers such a piece is a number cell; a label's numbering left of the words,
    the header's words and a lone ideograph (购) are not."""
    rows = [(0, [0, 1, 5, 6, 7], ["自然人", "x", "自然人", "商业企业", "购"])]
    rows += [(0, [0, 1, 5, 6, 7], ["1.", "属于国家场客", "0", "1", "2"]) for _ in range(5)]
    rows += [(0, [0, 1, 5, 6, 7], ["2.", "上年地持政游练摩", "a", "口", "a"])]
    rows += [(1, [0, 1], ["0", "0"])]  # another table's columns are its own
    columns = free_number_columns(rows)
    assert columns == {(0, 5), (0, 6), (0, 7)}
    assert stray_in_number_columns(["2.", "上年地持政游练摩", "a", "口", "a"], [0, 1, 5, 6, 7], 0, columns) == [2, 3, 4]
    assert stray_in_number_columns(["自然人", "x", "自然人", "商业企业", "购"], [0, 1, 5, 6, 7], 0, columns) == []
    assert stray_in_number_columns(["a", "b", "x"], [5, 6, 7], 1, columns) == []
    # a page too dark to read: kana noise in the header is not a number (989419)
    assert stray_in_number_columns(["い", "ad", "12"], [5, 6, 7], 0, columns) == [1, 2]


def test_group_label_read_with_a_sub_rows_label_gives_it_no_values():
    """989405 (development), page 2: the fax joined the group label (六)其他处理 and the
    damaged label of its second sub-row on one line; the key 其他处理 gave that row's 0s to
    the group row (printed blank): 7 wrong cells, all status printed.  A sub-row's
    numbering and label after the group's key leave the row to be placed by position."""
    from pipeline import template as tpl
    from pipeline.assemble import match_row

    table = tpl.get("2021").table("requests")
    label = "(六)关不离处理其政府信思公开申清其他处理2中满人述期未技收费增知费求增纳费用、行政积"
    assert match_row(label, table) is None
    assert match_row("(六)其他处理", table).id == "other"
    assert match_row("（六）其他处理", tpl.get("2019").table("requests")).id == "other"
    assert match_row("(六)其他处理 2.申请人逾期未按收费通知要求缴纳费用", table).id == "other_no_fee"


@pytest.mark.parametrize("seed", [7004, pytest.param(7001, marks=pytest.mark.slow)])
def test_borderless_fax_page_reads_every_cell_of_table_three(tmp_path, seed):
    """A borderless table 三 faxed (page 2 of seeds 7004 and 7001, where all of it is):
    before, a row whose label the fax broke into pieces, or whose 0s read as noise,
    was lost (7004: 20 cells null, 7001: 21).  Every cell right."""
    from pipeline.backend import scan
    from pipeline.extract import extract_document
    from training import generate as G

    s = G.generate(seed, layout="borderless")
    path = tmp_path / "fax.pdf"
    G.write_scan(s, path, hazard="fax")
    result = extract_document(scan.read_scan(path, pages=[2]))
    cells = [f for f in s.fields if f.startswith("requests.")]
    wrong = {f: (s.fields[f], result.fields.get(f)) for f in cells if result.fields.get(f) != s.fields[f]}
    assert len(cells) > 100 and not wrong


def test_review_values_kept_by_position_say_so():
    """989419 (development), a borderless fax too dark to read: the review table's header
    noise and its row gave 17 numbers, no line held all 15, and the first 15 were kept:
    7 wrong values, all status printed.  Which numbers are the values was the rules'
    choice there: status placed, and the warning says so."""
    from pipeline import assemble
    from pipeline.datamodel import Cell, Line

    def row(values: list[str]) -> Line:
        cells = [Cell(v, (20 + 10 * k, 0, 28 + 10 * k, 10), 0.99, 0, k) for k, v in enumerate(values)]
        return Line(" ".join(values), 1, cells, (0, 0, 200, 10), label="table_row", source="ocr")

    head = Line("四、政府信息公开行政复议、行政诉讼情况", 1, label="heading")
    asm = assemble.assemble([head, row(["150", "59", "2"]), row(["1", "1", "1", "4"] + ["0"] * 10)], "2021")
    from pipeline.template import get

    status = {f: c.status for f, c in assemble.field_cells(get("2021"), asm).items()}
    assert any("kept the first 15 (status placed)" in w for w in asm.warnings)
    assert asm.fields["review.reconsideration.upheld"] == 150
    assert {status[f] for f in status if f.startswith("review.")} == {"placed"}


def _ocr_line(texts: list[str], label: str) -> "Line":
    """A borderless fax row as the scan backend gives it: its pieces as cells, columns in order."""
    from pipeline.datamodel import Cell, Line

    cells = [Cell(t, (100 * c, 0, 100 * c + 40, 10), 0.9, 0, c) for c, t in enumerate(texts)]
    return Line(" ".join(texts), 1, cells, (0, 0, 100 * len(texts), 10), label=label, source="ocr")


def test_table_two_rows_follow_their_article_caption_when_every_label_is_noise():
    """Development borderless fax 1003006, page 1: every label and header of table 二 read as
    noise (政市 for 规章, 行政效西 for 行政处罚, HasH for 行政强制), the rows two of one shape
    (3 numbers) and four of another (1): by shape and order no row could be told, and 行政处罚
    and 行政强制 were lost.  The captions keep their numerals (第二十奉第（六）增): the rows after
    one are its article's, placed in the template's order (status placed); an article's read
    of no row's shape (收费's 0.00 read "0 0") places nothing."""
    from pipeline import assemble
    from pipeline.datamodel import Line

    hdr, row = "table_header", "table_row"
    lines = [Line("二、主动公开政府信息情况", 1, label="heading"),
             _ocr_line(["第二十奉篇，一1难"], hdr),
             _ocr_line(["德量内家", "本年制发件值", "本年店止共政", "同行有姓件敬"], hdr),
             _ocr_line(["政市", "0", "1", "0"], row), _ocr_line(["行政规贬性文件", "2", "0", "3"], row),
             _ocr_line(["第二十奉糖（五」增"], hdr), _ocr_line(["第晶内家", "本季免道入定款盟"], hdr),
             _ocr_line(["行菌肉司", "654"], row),
             _ocr_line(["第二十奉第（六）增"], hdr), _ocr_line(["德息内容", "本非免道美定家量"], hdr),
             _ocr_line(["行政效西", "11"], row), _ocr_line(["HasH", "1"], row),
             _ocr_line(["第二十串端（八）增"], hdr), _ocr_line(["这展内宫", "本年敬良金籍（攀位 万元）"], hdr),
             _ocr_line(["行政事业件求育", "0", "0"], row)]  # its 0.00 read as two numbers: fits no row
    asm = assemble.assemble(lines, "2021")
    want = {"rules.issued": 0, "rules.repealed": 1, "rules.in_force": 0, "normative.issued": 2,
            "normative.repealed": 0, "normative.in_force": 3, "licensing.decisions": 654,
            "penalty.decisions": 11, "coercion.decisions": 1, "fees.amount": None}
    assert {f: asm.fields[f"active.{f}"] for f in want} == want
    assert {"active.penalty.decisions", "active.coercion.decisions"} <= asm.placed  # chosen, not read


def test_article_caption_numerals_through_fax_noise():
    from pipeline.articles import article_of

    assert article_of("第二十奉糖（五」增第晶内家") == "五"
    assert article_of("第二十奉篇，一1难德量内家") == "一"
    assert article_of("第二十条第（九）项") == "九"
    assert article_of("·十条第（六]限口盘内台") == "六"  # its 二 lost (development fax 991200)
    assert article_of("行政规贬性文件") is None and article_of("共收到二十件") is None


def test_a_filled_zero_read_as_ri_is_a_number_cell_of_its_column():
    """Development borderless fax 1003006, page 2 (heavy threshold): a dozen of table 三's 0s
    read 日 (filled, the hole left as a bar), in columns of numbers: no number cells, never
    shown to the fax digit reader, lost, and their rows with them; the review table's row of
    15 zeros lost two and gave its cells to the header's noise above it.  日 is a 0's noise
    there, as "a" and "口" are; a 日 that is no column's number stays words."""
    from pipeline.backend.scan.numbers import numeric_free_cells

    texts = ["(3)平于2", "4宗护营三方含会权国", "0", "0", "。", "日", "a", "0", "0"]
    cols = [2, 4, 8, 9, 10, 12, 14, 16, 17]
    columns = {(0, c) for c in (8, 9, 10, 12, 14, 16, 17)}
    assert stray_in_number_columns(texts, cols, 0, columns) == [2, 3, 4, 5, 6, 7, 8]
    assert stray_in_number_columns(["日", "(W)"], [1, 2], 0, columns) == []
    assert numeric_free_cells(["0", "日", "a", "0", "0", "0", "0", "0"]) == list(range(8))


def test_sub_tables_without_a_readable_numeral_take_their_article_from_their_place():
    """Development borderless fax 991200, page 1: of table 二's captions only "·十条第（六]"
    kept its numeral; the sub-table before it is article 五's (行政许可), the one after 八's
    (收费), its caption's numeral read as a "1" among the header lines and dropped; a fourth
    (table 三's heading lost, its first rows) is none of them."""
    from types import SimpleNamespace as R

    from pipeline.articles import group_articles, pair_by_article, sub_tables
    from pipeline.template import get

    def read(label, own, values):
        return R(label=label, row_label=own, values=values, lost=0)

    run = [read("Z凉·é·项dems1:此件司", "1:此件司", ["0"]),
           read("·十条第（六]限口盘内台本年是理決定教量十改せ間", "十改せ間", ["4"]), read("1政能联", "1政能联", ["0"]),
           read("第1(1)用信息内台本年收费金解（单校：", "", ["1"]), read("行政律业作收赁", "行政律业作收赁", ["0.00"]),
           read("本确人镜况(表叫款据的1错关系为", "(表叫款据的1错关系为", ["119"]), read("人注人项长像", "人注人项长像", ["1"])]
    groups = sub_tables(run)
    assert [len(g) for g in groups] == [1, 2, 2, 2]
    assert group_articles(groups, ["五", "六", "八"]) == ["五", "六", "八", None]
    table = get("2021").table("active")
    gap = [r for r in table.rows if r.id not in ("rules", "normative")]
    pairs = pair_by_article(run, gap, list(table.rows), lambda rr, row: len(rr.values) == len(row.columns))
    assert [(rr.values[0], row.id) for rr, row in pairs] == [("0", "licensing"), ("4", "penalty"), ("0", "coercion"),
                                                            ("0.00", "fees")]


def test_a_label_read_as_a_digit_before_a_full_row_of_table_three_is_label_text():
    """Development borderless fax 991201, page 2: （七）总计 read "3" before its row 1 0 0 0 0 0 1:
    8 numbers with no label, no row's shape, and the total row lost.  Its total balances only
    without the first: that one is the label.  A row of zeros says nothing and stays."""
    from pipeline import assemble
    from pipeline.datamodel import Cell
    from pipeline.template import get

    def read(texts):
        toks = [assemble.Token(t, 2, Cell(t, (0, 0, 1, 1), 0.9)) for t in texts]
        return assemble.RowRead(None, toks, cols=[None] * len(toks))

    table = get("2021").table("requests")
    reads = [read(["3", "1", "0", "0", "0", "0", "0", "1"]), read(["0"] * 8)]
    assert len(assemble.label_read_as_number(reads, table)) == 1
    assert [t.text for t in reads[0].values] == ["1", "0", "0", "0", "0", "0", "1"] and reads[0].label == "3"
    assert len(reads[1].values) == 8

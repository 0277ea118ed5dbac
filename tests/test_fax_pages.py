"""Fax pages and grids: orientation on pages of noise, rows placed by the grid's order,
pages read with nothing, and the fax legibility warning."""
from __future__ import annotations

import numpy as np


def test_one_odd_crop_does_not_turn_a_page_of_noise():
    """Dev fax 989200 page 2 (a dark fax, strokes run into blobs): the recogniser's
    confidences on its 10 widest pieces, as they are and turned 180°.  The turned mean is
    0.025 higher (one crop, 0.52 -> 0.85, and two read 0 as they are), yet as they are the
    crops win 4 to 3: no evidence the page is upside down."""
    from pipeline.backend.scan.orientation import turned_wins

    as_is = np.array([1.0, 0.0, 0.0, 0.0, 0.51, 0.0, 0.34, 0.0, 0.47, 0.52])
    turned = np.array([0.49, 0.27, 0.0, 0.0, 0.33, 0.0, 0.29, 0.46, 0.4, 0.85])
    assert not turned_wins(as_is, turned)
    assert turned_wins(turned, as_is) is False  # the same crops turned back: as they are 3 to 4
    upside = np.array([0.3, 0.2, 0.5, 0.1, 0.4])  # an upside-down page: turned reads surer on most crops
    assert turned_wins(upside, upside + 0.3)
    assert not turned_wins(np.array([]), np.array([]))


def _page(n_lines: int, sure_lines: int, sure_values: int):
    """``n_lines`` table lines of a label cell and 4 value cells: the first ``sure_lines``
    lines read surely whole, the other labels as noise, ``sure_values`` of the other lines'
    value cells read surely (in order)."""
    from pipeline.datamodel import Cell, Line

    out, k = [], 0
    for i in range(n_lines):
        confs = [0.95 if i < sure_lines else 0.3]
        for _ in range(4):
            confs.append(0.95 if i < sure_lines or k < sure_values else 0.3)
            k += i >= sure_lines
        cells = [Cell("x", None, confs[0])] + [Cell("0", None, c) for c in confs[1:]]
        out.append(Line("x 0 0 0 0", 2, cells, confidence=min(confs)))
    return out


def test_fax_warning_judges_by_cells_where_the_labels_read_as_noise():
    """Dev faxes: a page whose labels read as noise (8% of 38 lines sure) but 64% of whose
    188 cells read surely (989213 page 2: its rows placed by the grid's order, right) is
    not called unreadable; one with 56% of its cells sure (989211 page 2: 21% of its cells
    wrong) is."""
    from pipeline.backend.scan import raster
    from pipeline.backend.scan.furniture import fax_legibility_warning

    dark = raster.StrokeStats(0.025, 0.16, 1200)
    read = _page(38, 3, 107)  # (15 + 107) / 190 = 64% of the cells sure, 3/38 = 8% of the lines
    assert fax_legibility_warning(2, dark, read) is None
    lost = _page(38, 6, 76)  # (30 + 76) / 190 = 56% of the cells, 6/38 = 16% of the lines
    w = fax_legibility_warning(2, dark, lost)
    assert w is not None and w.startswith("page 2: fax too dark to read") and "of 190 cells" in w
    faint = raster.StrokeStats(0.14, 0.13, 1200)  # 989206 page 2: strokes broken, 0s read "8" and "11" surely
    assert fax_legibility_warning(2, faint, read).startswith("page 2: fax too faint to read")
    text = _page(20, 15, 5)  # 989204 page 3: a text page, 75% of its lines sure, (75 + 5) / 100 cells
    assert fax_legibility_warning(2, dark, text) is None


def test_a_label_fragment_of_a_longer_key_matches_no_row():
    """Dev fax 989204: "2.重复申请" read "2. 复申请" (重 lost) matched 4.无正当理由大量反复申请
    on the last 3 of its key's 6 characters; that wrong anchor put row 2's zeros in row 4
    (status printed) and left rows 3-5 unplaced.  A fragment of a key is no match."""
    from pipeline.assemble import match_row
    from pipeline.template import get

    t = get("2021").table("requests")
    assert match_row("2. 复申请", t) is None
    assert match_row("2.重复申请", t).id == "rejected_duplicate"
    assert match_row("3.要求提供公开出版務", t).id == "rejected_publication"  # one character misread


def _grid_line(cells: list[tuple[int, str]]):
    from pipeline.datamodel import Cell, Line

    cs = [Cell(t, None, 0.9, col=c) for c, t in cells]
    return Line(" ".join(t for _, t in cells), 2, cs, source="ocr", confidence=0.9, in_grid=True, label="table_row")


def test_a_group_label_cell_beside_an_unread_sub_row_label_gives_no_row():
    """Dev fax 989204: the grid line of （六）'s second sub-row holds the group's spanning
    cell "（六）其他处理" and the sub-row's own label cell, misread beyond its keys.  The
    group's key is no match for the sub-row's numbers (before: the single row "other" took
    them, status printed, in a report that prints （六） split); a sub-row label that reads
    keeps its row, and a label all in one cell keeps its key."""
    from pipeline.assemble import read_rows
    from pipeline.template import get

    t = get("2021").table("requests")
    zeros = [(c, "0") for c in range(3, 10)]
    damaged = _grid_line([(1, "（六）其他处理"), (2, "2. 率调人追测未预收费晶知要求摩响费用、行政机关不再处理其政府信息公开事调")] + zeros)
    assert [rr.row for rr in read_rows([damaged], t)] == [None]
    read = _grid_line([(1, "（六）其他处理"), (2, "2.申请人逾期未按收费通知要求缴纳费用")] + zeros)
    assert [rr.row.id for rr in read_rows([read], t)] == ["other_no_fee"]
    single = _grid_line([(1, "（六）其他处理")] + zeros)
    assert [rr.row.id for rr in read_rows([single], t)] == ["other"]


def _requests_fax(labels: list[str]):
    """An OCR'd table 三 whose header words did not read: its heading, then a grid row of
    seven zeros under each label."""
    from pipeline.datamodel import Line

    head = Line("三、收到和处理政府信息公开申请情况", 2, source="ocr", confidence=0.9, label="heading")
    return [head] + [_grid_line([(0, lab)] + [(c, "0") for c in range(1, 8)]) for lab in labels]


def test_a_report_on_2021_whose_format_nothing_names_is_read_in_the_format_its_rows_fit():
    """Dev faxes 989215 and 989219 (reports on 2021, which may be in either format): no
    header word read, the whole report came out "no template table found", 0 of 198 and
    207 cells.  Read in each format, the one its rows fit; a tie in FIT_TIE_FORMAT, said."""
    from pipeline.assemble import FIT_TIE_FORMAT, NO_TEMPLATE_WARNING, assemble

    shared = ["1.属于国家秘密", "（二）部分公开", "2.重复申请", "4.无正当理由大量反复申请"]
    split = ["1.申请人无正当理由逾期不补正", "2.申请人逾期未按收费通知要求缴纳费用", "3.其他"]
    # Rows only the 2021 format prints (（六）'s sub-rows), read by their labels, say it.
    asm = assemble(_requests_fax(shared + split), year=2021)
    assert asm.template == "2021" and asm.fields["requests.other_no_fee.total"] == 0
    assert not any("format could not be read" in w for w in asm.warnings)
    tie = assemble(_requests_fax(shared), year=2021)
    assert tie.template == FIT_TIE_FORMAT and "as many under either (4)" in tie.warnings[0]
    assert tie.fields["requests.partial.total"] == 0 and tie.fields["requests.granted.total"] is None
    few = assemble(_requests_fax(shared[:2]), year=2021)  # two rows: too little to call it a report's tables
    assert few.template is None and few.warnings == [NO_TEMPLATE_WARNING]


def test_rows_between_anchors_are_placed_past_a_misread_row_and_an_empty_grid_column():
    """Dev fax 989210 page 2: a rule found twice left grid column 4 empty (values in columns
    3, 5-10, so by offset from column 3 the last one fell outside its row), and row
    5.属于三类内部事务信息 read two of its cells as "a" (no data row): between anchors 2.
    and 6., two data rows for three template rows, none placed.  The misread row holds its
    place and values go by their place among the page's value columns: rows 3. and 4.
    placed by order (status placed), and 5.'s cells that read."""
    from pipeline.assemble import assemble
    from pipeline.datamodel import Line

    cols = [3, 5, 6, 7, 8, 9, 10]

    def row(label, values):
        return _grid_line([(1, label)] + list(zip(cols, values)))

    zeros = ["0"] * 7
    lines = [Line("三、收到和处理政府信息公开申请情况", 2, source="ocr", confidence=0.9, label="heading"),
             row("（一）予以公开", ["4", "0", "0", "0", "0", "0", "4"]),
             row("（二）部分公开", zeros),
             row("1.属于国家秘密", zeros), row("2.其他法律行政法规禁止公开", zeros),
             row("x%#", ["1", "0", "0", "0", "0", "0", "1"]), row("（二) 千于#", ["2", "0", "0", "0", "0", "0", "2"]),
             row("并", ["3", "0", "a", "0", "0", "a", "3"]),
             row("6.属于四类过程性信息", zeros), row("7.属于行政执法案卷", zeros)]
    asm = assemble(lines, "2021")
    f = asm.fields
    assert [f[f"requests.denied_security.{c}"] for c in ("natural_person", "total")] == [1, 1]
    assert [f[f"requests.denied_third_party.{c}"] for c in ("natural_person", "total")] == [2, 2]
    assert f["requests.denied_internal.natural_person"] == 3 and f["requests.denied_internal.total"] == 3
    assert {"requests.denied_security.total", "requests.denied_third_party.total",
            "requests.denied_internal.total"} <= asm.placed
    assert any("placed by the grid's order" in w for w in asm.warnings)

"""Generated text PDFs in every table ruling come out with every field right.

Each seed below once lost cells; the comment says how.  The rule labeler is
used so that these tests measure the PDF backend and the assembler, whatever
labeler is shipped as the default.
"""
from __future__ import annotations

import pytest

from pipeline import layout
from pipeline.extract import extract_file
from pipeline.labels import rule_label
from training.generate import generate, write_pdf

CASES = [
    # rules between rows only
    (1003, "hlines"),  # 2019: the active table's tail on page 2 was one stack with table 三; a heading
    #                    between two tables (one point larger) did not split them
    (1005, "hlines"),  # a column with values in two rows only merged with its neighbour; "（三）"
    #                    overhanging its narrow column merged every label column of table 三
    (1008, "hlines"),  # table 三 continued on page 3: group labels touching in narrow columns merged
    (1060, "hlines"),  # a one-article tail of table 二 on page 2 glued to table 三
    (1168, "hlines"),  # a group cell's edge, shown by the rules only where the group starts
    (1103, "hlines"),  # text past the table's edge crashed the column inference
    # no rules at all
    (1006, "borderless"),  # "(六)其他处" set between the two lines of "……缴纳 / 费用……": row key lost
    (1071, "borderless"),
    # ruled grid
    (1000, "grid"),
    (1081, "grid"),  # "……逾期不补正、" hangs its "、" into the next cell: "、1" was no number
]


@pytest.mark.parametrize("seed,layout", CASES, ids=[f"{layout}-{seed}" for seed, layout in CASES])
def test_every_field_right(seed, layout, tmp_path):
    s = generate(seed, layout=layout)
    path = tmp_path / f"{seed}.pdf"
    write_pdf(s, path)
    r = extract_file(path, labeler=rule_label)
    assert r.template == s.template
    diff = {k: (r.fields.get(k), v) for k, v in s.fields.items() if r.fields.get(k) != v}
    assert diff == {}


# --- the geometry behind it ---------------------------------------------------------------------

def _line(*runs: tuple[float, str], top: float = 100.0, size: float = 10.0) -> list[layout.Glyph]:
    """Glyphs of one visual line: each run ``(x, text)`` set one size per character."""
    out = []
    for x, text in runs:
        for i, ch in enumerate(text):
            out.append(layout.Glyph(ch, x + i * size, top, x + (i + 1) * size, top + size, size))
    return out


def test_fewest_boundaries_hit_every_gap():
    # two rows' gaps overlap in 3..5; a third gap stands alone
    assert layout.stab_intervals([(0, 5), (3, 8), (10, 12)]) == [(3, 5), (10, 12)]
    assert layout.stab_intervals([]) == []


def test_value_lines():
    def start(*runs):
        return layout.value_piece_x(layout.line_pieces(_line(*runs)))
    assert start((60, "行政许可"), (300, "29")) == 300          # one value, set well apart
    assert start((60, "规章"), (200, "0"), (300, "11")) == 200    # values end the line
    assert start((200, "0"), (300, "0")) == 200                  # values alone (a wrapped label's middle)
    assert start((270, "第"), (283, "1"), (296, "页")) is None   # a number inside text
    assert start((60, "共收到申请"), (113, "5"), (126, "件")) is None


def test_wrapped_label_lines_join_their_row():
    lines = [
        _line((100, "2、申请人逾期未按收费通知要求缴纳"), top=100),
        _line((20, "(六)其他处"), (100, "费用、行政机关不再处理"), (400, "0"), (450, "0"), top=113),
        _line((45, "理"), (100, "开申请"), top=126),
        _line((100, "3、其他"), (400, "0"), (450, "0"), top=145),
        _line((60, "四、政府信息公开行政复议、行政诉讼情况"), top=180, size=12),
    ]
    assert layout.group_rows(lines) == [[0, 1, 2], [3], [4]]
    cells = [layout.join_fragments([layout.join_glyphs(ln) for ln in layout.cluster_lines(c)])
             for c in layout.row_cells(lines[:3])]
    assert cells == ["(六)其他处理", "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理开申请", "0", "0"]


def test_group_cell_edge_kept_by_rules():
    # rows 0-3 between rules; the rules under rows 1 and 2 leave out x < 50 (a group cell from row 1
    # to row 3) and the rule under row 0 ends at 50 as well
    hs = [(0, 0, 200), (10, 0, 200), (20, 50, 200), (30, 50, 200), (40, 0, 200)]
    assert layout.edge_by_rules(hs, [0, 10, 20, 30, 40], 50, 3) == [False, True, True, True]
    assert layout.edge_by_rules(hs, [0, 10, 20, 30, 40], 120, 3) == [False, False, False, False]

"""Generated text PDFs in every table ruling come out with every field right.

Each seed below once lost cells; the comment says how.  The rule labeler is
used so that these tests measure the PDF backend and the assembler, whatever
labeler is shipped as the default.
"""
from __future__ import annotations

import pytest

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
    (1010, "grid"),
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

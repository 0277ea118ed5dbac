"""The fair baselines' shared row mapping (benchmarks/baselines.py): rows by printed label."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from baselines import map_by_labels  # noqa: E402


def test_rows_found_by_label_values_by_position():
    tables = [
        [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "1", "2"],
         ["行政规范性文件", "3", "", "5"]],
        [["一、本年新收政府信息公开申请数量", None, "21", "0", "0", "0", "0", "0", "21"],
         [None, "（三）不予公开", "2.其他法律行政止公开", "4", "0", "0", "0", "0", "0", "4"],  # printed typo
         [None, "（六）其他处理", "", "9", "0", "0", "0", "0", "0", "9"]],
        [[str(i) for i in range(15)]],
    ]
    f = map_by_labels(tables)
    assert (f["active.rules.issued"], f["active.rules.repealed"], f["active.rules.in_force"]) == (0, 1, 2)
    assert f["active.normative.repealed"] is None and f["active.normative.in_force"] == 5  # blank kept in place
    assert f["requests.new.natural_person"] == 21 and f["requests.new.total"] == 21
    assert f["requests.denied_law.natural_person"] == 4  # fuzzy label
    assert f["requests.other.total"] == 9 and f["requests.other_other.total"] is None
    assert f["review.reconsideration.upheld"] == 0 and f["review.litigation_after.total"] == 14
    assert f["active.licensing.decisions"] is None  # not printed: null

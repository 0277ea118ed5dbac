"""Run-together table dumps: the digit splitter, and the seven real 平潭 web-page dumps.

The expected values below were read from the dumps by hand: each digit run split
so that every row total is the sum of its six columns, every column adds up
(new + carried_in = total + carried_out, total = sum of the result rows) and each
review group's total is the sum of its four results. Where more than one split
fits every rule (most multi-column rows of the active table, which has no sums),
the cell must come out null with a warning that lists the readings.
"""
from pathlib import Path

import pytest

from pipeline import runtogether as rt
from pipeline.runtogether import decode, detect_format, is_run_together, split_run
from pipeline.template import get

REAL = Path(__file__).resolve().parents[1] / "data" / "corpus" / "real"
ROW_SUM = (((0, 1, 2, 3, 4, 5), 6),)
REVIEW_SUMS = (((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14))
REQUEST_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other", "total")
REVIEW_ROWS = ("reconsideration", "litigation_direct", "litigation_after")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
SPLIT = ("other_no_correction", "other_no_fee", "other_other")


def load(year: int) -> str:
    (path,) = REAL.glob(f"pingtan__{year}_*.page.txt")
    return path.read_text(encoding="utf-8")


# --- the digit splitter on crafted strings ------------------------------------------

def test_split_row_with_sum():
    assert split_run("640020470", 7, sums=ROW_SUM) == [(64, 0, 0, 2, 0, 4, 70)]
    assert split_run("21710000218", 7, sums=ROW_SUM) == [(217, 1, 0, 0, 0, 0, 218)]


def test_split_row_sum_leaves_two_readings():
    # 19|1|0|0|0|0|20 and 1|9|10|0|0|0|20 both add up: only the column sums can choose
    assert sorted(split_run("191000020", 7, sums=ROW_SUM)) == [
        (1, 9, 10, 0, 0, 0, 20), (19, 1, 0, 0, 0, 0, 20)]


def test_split_no_leading_zero():
    assert split_run("0012", 3) == [(0, 0, 12)]
    assert split_run("0000000", 7) == [(0,) * 7]
    assert split_run("0102", 2) == [(0, 102)]
    assert split_run("012", 1) == []


def test_split_spaces_are_boundaries():
    assert split_run("230 000023", 7, sums=ROW_SUM) == [(23, 0, 0, 0, 0, 0, 23)]
    assert split_run("23 0 00 0 023", 7) == [(23, 0, 0, 0, 0, 0, 23)]
    assert split_run("12 3", 2) == [(12, 3)]
    assert split_run("12 3", 3) == [(1, 2, 3)]


def test_split_minus_starts_a_signed_cell():
    assert split_run("35-15", 2, signed={1}) == [(35, -15)]
    assert split_run("35-15", 2) == []  # counts are never negative
    assert split_run("2648-18538", 3, signed={1}) == [
        (2648, -1, 8538), (2648, -18, 538), (2648, -185, 38), (2648, -1853, 8)]


def test_split_decimal_money_cell():
    assert split_run("24252.311082", 1, decimal={0}) == [(24252.311082,)]
    readings = split_run("13575394432.52", 2, decimal={1})
    assert len(readings) == 10 and (1357, 5394432.52) in readings
    assert split_run("12.5", 2) == []  # a point only inside a money cell


def test_split_review_groups():
    assert split_run("10203120001200000", 15, sums=REVIEW_SUMS) == [
        (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


def test_split_gives_up_past_the_limit():
    assert split_run("1" * 30, 7) is None
    assert split_run("1" * 12, 3, limit=10) is None


def test_row_run_drops_next_label_numbering():
    assert rt._row_run("00000002.其他", "2.其他法律行政法规禁止公开") == "0000000"
    assert rt._row_run("3200000326.属于", "6.属于四类过程性信息") == "320000032"
    assert rt._row_run("（区分处理的）1000001（三）不予公开1.", "1.属于国家秘密") == "1000001"
    assert rt._row_run("政府集中采购13575394432.52元三、", None) == "13575394432.52"
    assert rt._row_run("” 0 0 00 00 0 四、", None) == "0 0 00 00 0"
    assert rt._row_run("1.", "1.属于国家秘密") == ""  # the row printed no cells


# --- crafted reports -------------------------------------------------------------------

def crafted(rows: dict[str, str], review: str = "0" * 15,
            review_heading: str = "四、政府信息公开行政复议、行政诉讼情况") -> str:
    """A 2021-format report, run together, with the given request runs (others 0000000)."""
    req = get("2021").table("requests")
    body = "".join(f"{r.label}{rows.get(r.id, '0000000')}" for r in req.rows if r.id != "other")
    return ("一、总体情况 本年度。二、主动公开政府信息情况 第二十条第（一）项 规章000行政规范性文件123"
            "第二十条第（五）项行政许可5第二十条第（六）项行政处罚6行政强制7"
            "第二十条第（八）项行政事业性收费1.5 三、收到和处理政府信息公开申请情况 " + body
            + review_heading + "结果维持总计" + review + "五、存在的主要问题及改进情况 无。")


def test_crafted_rows_settled_by_the_columns():
    # new and granted read 19|1|… or 1|9|10|…; the spaced total row (19|1|…) settles both
    text = crafted({"new": "191000020", "granted": "191000020", "total": "19 1 0 0 0 0 20"})
    d = decode(text, get("2021"))
    assert [d.fields[f"requests.new.{c}"] for c in REQUEST_COLS] == [19, 1, 0, 0, 0, 0, 20]
    assert d.fields["requests.granted.research"] == 0
    assert not d.ambiguous.get("requests.new.research")


def test_crafted_joint_ambiguity_is_null_with_readings():
    # new, granted and total all read the same two ways, and both ways add up
    text = crafted({"new": "191000020", "granted": "191000020", "total": "191000020"})
    d = decode(text, get("2021"))
    assert d.fields["requests.new.natural_person"] is None
    assert d.fields["requests.new.total"] == 20  # same in both readings
    assert d.ambiguous["requests.new.natural_person"] == [1, 19]
    assert any(w.startswith("requests.new.*: 2 readings fit: ") for w in d.warnings)
    # a count the narrative states picks one reading for all three rows
    d = decode(text, get("2021"), stated={"requests.total.natural_person": 19})
    assert d.fields["requests.granted.natural_person"] == 19
    assert d.fields["requests.new.research"] == 0 and not d.ambiguous


def test_crafted_stated_contradiction_is_ignored():
    text = crafted({"new": "191000020", "granted": "191000020", "total": "191000020"})
    d = decode(text, get("2021"), stated={"requests.new.total": 21, "requests.new.bogus": 1})
    assert d.fields["requests.new.total"] == 20
    assert any("stated requests.new.total=21" in w for w in d.warnings)
    assert any("stated requests.new.bogus" in w for w in d.warnings)


def test_crafted_narrative_counts_do_not_start_the_table():
    text = crafted({"new": "19 1 0 0 0 0 20", "total": "19 1 0 0 0 0 20", "granted": "19 1 0 0 0 0 20"})
    text = text.replace("一、总体情况 本年度。", "一、总体情况 本年新收政府信息公开申请20件，办结20件。")
    d = decode(text, get("2021"))
    assert d.fields["requests.new.natural_person"] == 19
    assert d.fields["requests.granted.commercial"] == 1


def test_crafted_typo_heading_and_active_cells():
    text = crafted({}, review="0 1 1 0 2 1 0 0 0 1 0 0 0 0 0",
                   review_heading="四、政府信息公开行政法复议情况")
    d = decode(text, get("2021"))
    assert d.fields["review.reconsideration.total"] == 2
    assert d.fields["review.litigation_direct.upheld"] == 1
    assert d.fields["active.licensing.decisions"] == 5
    assert d.fields["active.fees.amount"] == 1.5
    assert [d.fields[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [1, 2, 3]


def test_crafted_too_many_joint_readings_stay_null():
    rows = [r.id for r in get("2021").table("requests").rows][2:18]  # 16 rows of 2 readings each
    d = decode(crafted({r: "191000020" for r in rows}), get("2021"))
    assert any("too many joint readings" in w for w in d.warnings)
    assert d.fields["requests.granted.natural_person"] is None
    assert d.fields["requests.granted.total"] == 20


def test_crafted_unreadable_row_is_reported():
    d = decode(crafted({"partial": "12"}), get("2021"))
    assert d.fields["requests.partial.total"] is None
    assert any(w.startswith("requests.partial: '12' cannot be read") for w in d.warnings)


# --- the seven 平潭 dumps ------------------------------------------------------------

def requests_expected(fmt: str, nonzero: dict[str, tuple]) -> dict:
    """Every requests field the report prints: 0 except the rows in ``nonzero``."""
    rows = [r.id for r in get(fmt).table("requests").rows]
    printed = [r for r in rows if r not in (SPLIT if fmt == "2019" else ("other",))]
    out = {f"requests.{r}.{c}": 0 for r in printed for c in REQUEST_COLS}
    for r, cells in nonzero.items():
        out.update({f"requests.{r}.{c}": v for c, v in zip(REQUEST_COLS, cells)})
    return out


def review_expected(*groups: tuple) -> dict:
    return {f"review.{g}.{c}": v for g, cells in zip(REVIEW_ROWS, groups) for c, v in zip(REVIEW_COLS, cells)}


ZERO_REVIEW = review_expected((0,) * 5, (0,) * 5, (0,) * 5)

# year: (format, nonzero request rows, review groups, unambiguous active cells,
#        ambiguous active rows -> the reading context supports (next year, narrative) or None)
PINGTAN = {
    2019: ("2019", {
        "new": (23, 0, 0, 0, 0, 0, 23),            # "230 000023"
        "granted": (7, 0, 0, 0, 0, 0, 7),
        "partial": (1, 0, 0, 0, 0, 0, 1),
        "unable_not_held": (7, 0, 0, 0, 0, 0, 7),   # "70000072.没有…": the 2 is the next label's
        "unable_unclear": (5, 0, 0, 0, 0, 0, 5),
        "rejected_duplicate": (3, 0, 0, 0, 0, 0, 3),
        "total": (23, 0, 0, 0, 0, 0, 23),           # "23 0 00 0 023"
    }, ZERO_REVIEW,
        {"active.rules.new_made": 0, "active.rules.new_published": 0, "active.rules.total_published": 0},
        # 898989, 3960181, 100153, 26480430, 126025, 350, 13575394432.52元: no sums to choose by;
        # 2020's 上一年项目数量 (396, 10, 2648, 126, 35) point to the readings given here
        {"normative": None, "licensing": (396, 0, 181), "other_services": (10, 0, 153),
         "penalty": (2648, 0, 430), "coercion": (126, 0, 25), "fees": (35, 0), "procurement": None}),
    2020: ("2019", {
        "new": (20, 0, 0, 0, 0, 1, 21),             # "200 000121"
        "granted": (6, 0, 0, 0, 0, 1, 7),
        "partial": (6, 0, 0, 0, 0, 0, 6),
        "unable_not_held": (4, 0, 0, 0, 0, 0, 4),
        "unable_unclear": (3, 0, 0, 0, 0, 0, 3),
        "rejected_duplicate": (3, 0, 0, 0, 0, 0, 3),
        "other": (4, 0, 0, 0, 0, 0, 4),             # "4 0 0 0 0 0 4"
        "total": (20, 0, 0, 0, 0, 1, 21),           # "20 0 00 0 121"; the results add to 26|…|27
    }, ZERO_REVIEW,
        {"active.rules.new_made": 0, "active.rules.new_published": 0, "active.rules.total_published": 7,
         "active.penalty.prev_items": 2648,         # "2648-18538": the minus starts the change cell
         "active.fees.prev_items": 35, "active.fees.change": -15},
        {"normative": None, "licensing": None, "other_services": None, "penalty": None,
         "coercion": None, "procurement": None}),
    2021: ("2021", {
        "new": (64, 0, 0, 2, 0, 4, 70),
        "granted": (27, 0, 0, 2, 0, 1, 30),         # or 2|7|0|0|20|1|30: the columns say 27
        "partial": (5, 0, 0, 0, 0, 0, 5),           # "500000 5"
        "denied_internal": (1, 0, 0, 0, 0, 0, 1),
        "denied_enforcement": (6, 0, 0, 0, 0, 0, 6),
        "denied_query": (1, 0, 0, 0, 0, 0, 1),
        "unable_not_held": (22, 0, 0, 0, 0, 3, 25),  # or 2|20|…: the columns say 22
        "other_other": (1, 0, 0, 0, 0, 0, 1),
        "total": (63, 0, 0, 2, 0, 4, 69),
        "carried_out": (1, 0, 0, 0, 0, 0, 1),
    }, review_expected((1, 0, 2, 0, 3), (12, 0, 0, 0, 12), (0, 0, 0, 0, 0)),  # 10203|1200012|00000
        {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
         "active.licensing.decisions": 2293, "active.penalty.decisions": 1282,
         "active.coercion.decisions": 42, "active.fees.amount": 24252.311082},
        {"normative": (69, 3, 665)}),  # 2022: 665 + 88 issued - 55 repealed = 698 in force
    2022: ("2021", {
        "new": (71, 3, 0, 0, 0, 0, 74),
        "carried_in": (1, 0, 0, 0, 0, 0, 1),
        "granted": (21, 0, 0, 0, 0, 0, 21),
        "partial": (8, 1, 0, 0, 0, 0, 9),
        "denied_internal": (1, 0, 0, 0, 0, 0, 1),
        "denied_process": (2, 0, 0, 0, 0, 0, 2),
        "denied_enforcement": (1, 0, 0, 0, 0, 0, 1),
        "unable_not_held": (37, 0, 0, 0, 0, 0, 37),
        "other_no_correction": (2, 0, 0, 0, 0, 0, 2),
        "other_other": (0, 2, 0, 0, 0, 0, 2),
        "total": (72, 3, 0, 0, 0, 0, 75),
    }, review_expected((0, 1, 1, 0, 2), (1, 0, 0, 0, 1), (0, 0, 0, 0, 0)),  # spaced, under 行政法复议
        {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
         "active.licensing.decisions": 10690, "active.penalty.decisions": 2113,
         "active.coercion.decisions": 0, "active.fees.amount": 9116.36},
        {"normative": (88, 55, 698)}),  # the narrative: 698 in force, 88 issued
    2023: ("2021", {
        "new": (80, 1, 0, 0, 0, 0, 81),
        "granted": (22, 0, 0, 0, 0, 0, 22),          # or 2|20|…
        "partial": (19, 1, 0, 0, 0, 0, 20),          # or 1|9|10|…: the columns say 19|1
        "denied_third_party": (1, 0, 0, 0, 0, 0, 1),
        "denied_process": (1, 0, 0, 0, 0, 0, 1),
        "denied_enforcement": (1, 0, 0, 0, 0, 0, 1),
        "denied_query": (2, 0, 0, 0, 0, 0, 2),
        "unable_not_held": (31, 0, 0, 0, 0, 0, 31),
        "rejected_duplicate": (1, 0, 0, 0, 0, 0, 1),
        "other_no_correction": (1, 0, 0, 0, 0, 0, 1),
        "other_other": (1, 0, 0, 0, 0, 0, 1),
        "total": (80, 1, 0, 0, 0, 0, 81),
    }, review_expected((1, 1, 0, 0, 2), (4, 0, 0, 1, 5), (1, 0, 1, 0, 2)),
        {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
         "active.licensing.decisions": 2629, "active.penalty.decisions": 1330,
         "active.coercion.decisions": 54, "active.fees.amount": 5949.088667},
        {"normative": None}),  # the narrative's 393 in force is no reading
    2024: ("2021", {
        "new": (217, 1, 0, 0, 0, 0, 218),
        "granted": (71, 0, 0, 0, 0, 0, 71),
        "partial": (29, 0, 0, 0, 0, 0, 29),
        "denied_state_secret": (4, 0, 0, 0, 0, 0, 4),   # "40000042.其他…"
        "denied_third_party": (3, 0, 0, 0, 0, 0, 3),
        "denied_internal": (32, 0, 0, 0, 0, 0, 32),
        "unable_not_held": (75, 0, 0, 0, 0, 0, 75),
        "rejected_duplicate": (1, 0, 0, 0, 0, 0, 1),
        "other_no_correction": (1, 0, 0, 0, 0, 0, 1),
        "other_other": (1, 1, 0, 0, 0, 0, 2),
        "total": (217, 1, 0, 0, 0, 0, 218),
    }, review_expected((2, 1, 3, 1, 7), (0, 0, 0, 0, 0), (13, 2, 4, 0, 19)),  # 21317|00000|1324019
        {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
         "active.licensing.decisions": 4529, "active.penalty.decisions": 1100,
         "active.coercion.decisions": 65, "active.fees.amount": 18651.06},
        {"normative": None}),
    2025: ("2021", {
        "new": (151, 3, 0, 0, 0, 0, 154),
        "granted": (33, 0, 0, 0, 0, 0, 33),          # or 3|30|…
        "partial": (38, 0, 0, 0, 0, 0, 38),
        "denied_internal": (3, 0, 0, 0, 0, 0, 3),
        "denied_process": (2, 0, 0, 0, 0, 0, 2),
        "denied_enforcement": (3, 0, 0, 0, 0, 0, 3),
        "denied_query": (3, 0, 0, 0, 0, 0, 3),
        "unable_not_held": (49, 1, 0, 0, 0, 0, 50),
        "unable_create": (3, 0, 0, 0, 0, 0, 3),
        "rejected_petition": (2, 0, 0, 0, 0, 0, 2),
        "other_no_correction": (8, 0, 0, 0, 0, 0, 8),
        "other_no_fee": (2, 0, 0, 0, 0, 0, 2),
        "other_other": (1, 0, 0, 0, 0, 0, 1),
        "total": (147, 1, 0, 0, 0, 0, 148),
        "carried_out": (4, 2, 0, 0, 0, 0, 6),
    }, review_expected((25, 3, 8, 0, 36), (3, 3, 0, 0, 6), (3, 0, 0, 0, 3)),  # 25|3|8|0|36 …
        {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
         "active.licensing.decisions": 2418, "active.penalty.decisions": 644,
         "active.coercion.decisions": 64, "active.fees.amount": 4166.241619},
        {"normative": None}),
}


@pytest.mark.parametrize("year", sorted(PINGTAN))
def test_pingtan_format_and_shape(year):
    fmt = PINGTAN[year][0]
    text = load(year)
    assert detect_format(text) == fmt
    assert is_run_together(text)


@pytest.mark.parametrize("year", sorted(PINGTAN))
def test_pingtan_requests_and_review(year):
    fmt, nonzero, review, _, _ = PINGTAN[year]
    d = decode(load(year), get(fmt))
    assert set(d.fields) == set(get(fmt).field_ids)
    want = requests_expected(fmt, nonzero) | review
    assert {f: d.fields[f] for f in want} == want
    assert not any(f.startswith(("requests.", "review.")) for f in d.ambiguous)
    # the form of （六） the report does not print is null
    unprinted = ("other",) if fmt == "2021" else ()
    assert all(d.fields[f"requests.{r}.{c}"] is None for r in unprinted for c in REQUEST_COLS)


@pytest.mark.parametrize("year", sorted(PINGTAN))
def test_pingtan_active(year):
    fmt, _, _, sure, unsure = PINGTAN[year]
    d = decode(load(year), get(fmt))
    assert {f: d.fields[f] for f in sure} == sure
    table = get(fmt).table("active")
    for row_id, truth in unsure.items():
        fids = [f"active.{row_id}.{c.id}" for c in table.row(row_id).columns]
        unsettled = [f for f in fids if f not in sure]
        assert unsettled, row_id
        for f in unsettled:
            assert d.fields[f] is None and len(d.ambiguous[f]) > 1, f
        warning = next(w for w in d.warnings if w.startswith(f"active.{row_id}.*: "))
        assert "readings fit:" in warning
        # the reading context supports is among those listed as fitting
        for f, v in zip(fids, truth or ()):
            assert v in d.ambiguous.get(f, [v]), f
    # only the rows listed as ambiguous are
    assert {f.split(".")[1] for f in d.ambiguous} == set(unsure)


def test_pingtan_2020_published_sums_break():
    d = decode(load(2020), get("2019"))
    assert "requests column natural_person: requests_results: printed 20 ≠ 26" in d.warnings
    assert "requests column total: requests_results: printed 21 ≠ 27" in d.warnings


def test_pingtan_2019_warning_lists_readings():
    d = decode(load(2019), get("2019"))
    w = next(w for w in d.warnings if w.startswith("active.licensing.*"))
    assert w.startswith("active.licensing.*: 11 readings fit: ") and w.endswith(", …")
    assert "active.fees.*: 2 readings fit: 3|50, 35|0" in d.warnings


def test_pingtan_stated_counts_narrow_or_are_ignored():
    # 2022 narrative: 现行有效行政规范性文件698件，…制发的规范性文件88件
    d = decode(load(2022), get("2021"),
               stated={"active.normative.issued": 88, "active.normative.in_force": 698})
    assert [d.fields[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [88, 55, 698]
    assert not d.ambiguous
    # 2023 narrative says 393 in force, which no reading of 77132470 gives
    d = decode(load(2023), get("2021"),
               stated={"active.normative.issued": 77, "active.normative.in_force": 393})
    assert d.fields["active.normative.issued"] == 77
    assert d.fields["active.normative.in_force"] is None
    assert "stated active.normative.in_force=393 fits no reading; ignored" in d.warnings
    assert any(w.startswith("active.normative.*: 5 readings fit: 77|1|32470") for w in d.warnings)
    # 2022 narrative's 75 received counts carried-in requests too: the table's new total is 74
    d = decode(load(2022), get("2021"), stated={"requests.new.total": 75})
    assert d.fields["requests.new.total"] == 74
    assert any(w.startswith("stated requests.new.total=75 contradicts") for w in d.warnings)
    d = decode(load(2021), get("2021"), stated={"requests.new.total": 70})
    assert not any(w.startswith("stated") for w in d.warnings)


def test_pingtan_decodes_fast():
    import time
    texts = [load(y) for y in PINGTAN]
    start = time.perf_counter()
    for text, (fmt, *_) in zip(texts, PINGTAN.values()):
        decode(text, get(fmt))
    assert (time.perf_counter() - start) / len(texts) < 0.25


def test_separated_tables_are_not_run_together():
    text = crafted({})
    assert is_run_together(text)
    spaced = text.replace("0000000", "0 0 0 0 0 0 0")
    assert not is_run_together(spaced)
    piped = "一、本年新收政府信息公开申请数量 | 64 | 0 | 0 | 2 | 0 | 4 | 70 |\n" * 4
    assert not is_run_together(piped)

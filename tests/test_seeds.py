"""The five real seed reports: every field, as read by a person from the seed text.

Most cells of these reports are 0; the expectations below say which rows each
seed prints, which cells are not 0, and which are null because the document
does not hold them.
"""
import pytest

from pipeline.extract import extract_file
from pipeline.template import get

from conftest import DATA

SEEDS = DATA / "seeds"
SPLIT_OTHER = ("other_no_correction", "other_no_fee", "other_other")


def expected(fmt: str, *, null_rows=(), values=None) -> dict:
    """Every field of ``fmt`` is 0, except rows in ``null_rows`` (None) and ``values``."""
    out = {}
    for f in get(fmt).field_ids:
        table, row, _ = f.split(".")
        out[f] = None if f"{table}.{row}" in null_rows else 0
    out.update(values or {})
    return out


def requests_row(row, cells):
    cols = ("natural_person", "commercial", "research", "social_org", "legal_service", "other", "total")
    return {f"requests.{row}.{c}": v for c, v in zip(cols, cells)}


CASES = {
    # Cells joined by |; two requests rows lost a cell (6 numbers for 7 columns).
    "000_4a9178fd99f7f697": ("2021", expected("2021", null_rows=("requests.other",))),
    # One cell per line; 行政处罚 3.
    "001_d3e5d558e99d2690": ("2021", expected("2021", null_rows=("requests.other",),
                                               values={"active.penalty.decisions": 3})),
    # Web dump, 2019 format: 政府集中采购 28 items, 135180; one request, granted.
    "002_b494afc2f8bb34a4": ("2019", expected("2019", values={
        "active.procurement.items": 28, "active.procurement.amount": 135180,
        **requests_row("new", (1, 0, 0, 0, 0, 0, 1)),
        **requests_row("granted", (1, 0, 0, 0, 0, 0, 1)),
        **requests_row("total", (1, 0, 0, 0, 0, 0, 1))})),
    # Tab-separated PDF text, all zero.
    "003_b92fd2617ccba4db": ("2021", expected("2021", null_rows=("requests.other",))),
    # Pages missing: 二 stops after 第（一）项, 三 resumes at row 8 (denied_query).
    "004_871b3160cb0e6f38": ("2021", expected("2021", null_rows=(
        "requests.other", "active.licensing", "active.penalty", "active.coercion", "active.fees",
        "requests.new", "requests.carried_in", "requests.granted", "requests.partial",
        "requests.denied_state_secret", "requests.denied_law", "requests.denied_security",
        "requests.denied_third_party", "requests.denied_internal", "requests.denied_process",
        "requests.denied_enforcement"))),
}


@pytest.mark.parametrize("stem", sorted(CASES))
def test_seed_fields(stem):
    fmt, want = CASES[stem]
    r = extract_file(SEEDS / f"{stem}.txt")
    assert r.template == fmt
    assert set(r.fields) == set(want)
    wrong = {f: (r.fields[f], want[f]) for f in want if r.fields[f] != want[f]}
    assert not wrong
    assert all(c.ok for c in r.checks), [c for c in r.checks if not c.ok]


def test_seed_000_lost_cells_are_inferred_not_invented():
    r = extract_file(SEEDS / "000_4a9178fd99f7f697.txt")
    assert set(r.inferred) == {"requests.denied_internal.total", "requests.carried_out.total"}


def test_seed_004_invents_nothing():
    r = extract_file(SEEDS / "004_871b3160cb0e6f38.txt")
    assert r.inferred == []
    assert r.fields["requests.new.total"] is None


@pytest.mark.parametrize("stem,agency,year,published", [
    ("000_4a9178fd99f7f697", "临河区医疗保障局", 2023, "2024-01-19"),
    ("001_d3e5d558e99d2690", "宁波市镇海区医疗保障局", 2023, None),
    ("002_b494afc2f8bb34a4", "椒江区医疗保障局", 2021, "2022-01-27"),
    ("003_b92fd2617ccba4db", "惠济区医疗保障局", 2024, None),
    ("004_871b3160cb0e6f38", "临渭区卫生健康局", 2023, None),
])
def test_seed_meta(stem, agency, year, published):
    r = extract_file(SEEDS / f"{stem}.txt")
    assert (r.meta["agency"], r.meta["year"], r.meta["published"]) == (agency, year, published)


def test_stated_counts_and_sections():
    r = extract_file(SEEDS / "001_d3e5d558e99d2690.txt")
    assert r.meta["stated_active"] == 36 and r.meta["stated_requests"] == 0
    heads = [s["heading"] for s in r.sections]
    assert heads[0] == "总体情况" and heads[-1] == "六、其他需要报告的事项"
    assert "主动公开政府信息36条" in r.sections[0]["text"]
    stated = [c for c in r.checks if c.rule.startswith("stated_")]
    assert {c.rule for c in stated} == {"stated_requests_received", "stated_review_total"}
    assert all(c.ok for c in stated)

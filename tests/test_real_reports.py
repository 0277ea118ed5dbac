"""Real reports end to end against the hand-written gold in data/gold/ (held out from training).

Text PDFs and web dumps are fast and are all checked here; the simulated scans
are checked in test_real_scans.py.
"""
import json

import pytest

from pipeline.extract import extract_file

from conftest import DATA

REAL = DATA / "corpus" / "real"
GOLD = DATA / "gold"


def gold(path):
    return json.loads((GOLD / (path.name.split(".")[0] + ".json")).read_text(encoding="utf-8"))


def field_diff(result, g):
    return {f: (result.fields.get(f), v) for f, v in g["fields"].items() if result.fields.get(f) != v}


@pytest.mark.parametrize("path", [p for p in sorted(REAL.glob("*.pdf")) if ".scan." not in p.name],
                         ids=lambda p: p.name)
def test_text_pdf_every_field(path):
    g = gold(path)
    r = extract_file(path)
    assert r.template == g["template"]
    assert field_diff(r, g) == {}


@pytest.mark.parametrize("path", sorted(REAL.glob("pingtan__*.page.txt")), ids=lambda p: p.name[:13])
def test_run_together_dump_every_single_reading_cell(path):
    g = gold(path)
    r = extract_file(path)
    assert r.template == g["template"]
    assert field_diff(r, g) == {}
    # cells the gold could not decide are null here too, with their readings listed
    assert set(g.get("ambiguous", {})) == set(r.ambiguous)


def test_published_inconsistency_is_reported_not_fixed():
    r = extract_file(REAL / "kiro__hzq2023_working.pdf")
    bad = {(c.rule, c.where) for c in r.checks if not c.ok}
    assert bad == {("review_total", "review reconsideration"), ("review_total", "review litigation_after")}
    assert r.fields["review.reconsideration.total"] == 0
    assert r.fields["review.reconsideration.upheld"] == 10


def test_narrative_count_that_disagrees_with_table_is_reported():
    r = extract_file(REAL / "kiro__hzq2024_working.pdf")
    stated = [c for c in r.checks if c.rule.startswith("stated_")]
    assert [(c.rule, c.where, c.ok) for c in stated] == [("stated_requests_received", "requests.new.total", False)]
    assert "17" in stated[0].detail and "95" in stated[0].detail
    assert "受理政府信息公开申请17件" in stated[0].detail  # the sentence


def test_pdf_sections_join_wrapped_lines():
    r = extract_file(REAL / "kiro__hzq2023_working.pdf")
    assert [s["heading"][:2] for s in r.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    # printed as "…中国特色社会" / "主义思想…" over two lines
    assert "中国特色社会主义思想" in r.sections[0]["text"]
    assert r.sections[-1]["text"].endswith("信息处理费0元。")


def test_html_page_with_blank_cells_every_field():
    """shanghai__2019_bgt.page.html: a real web page whose tables are real <table>s with
    colspan/rowspan and 135 blank (&nbsp;) cells. Every cell comes out as the gold has it:
    printed numbers in their columns, blanks null (no rule forces a single blank alone)."""
    path = REAL / "shanghai__2019_bgt.page.html"
    g = gold(path)
    r = extract_file(path)
    assert r.template == g["template"] == "2019"
    assert field_diff(r, g) == {}
    assert r.fields["requests.granted.natural_person"] == 258
    assert r.fields["requests.granted.total"] is None  # printed blank
    assert r.ambiguous == {} and r.inferred == []

"""The synthetic report generator: determinism, gold completeness and consistency, outputs."""
from __future__ import annotations

import json
import re

import pdfplumber
import pytest
from bs4 import BeautifulSoup

from pipeline import template as T
from pipeline.checks import failed, run_checks
from training import generate as G

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# A few documents cover both formats, both forms of （六）, and every ruling style.
CASES = [(3, "2021", "grid"), (11, "2019", "borderless"), (6, "2021", "hlines")]


@pytest.fixture(scope="module")
def docs() -> list[G.Synthetic]:
    return [G.generate(seed, fmt=fmt, layout=layout) for seed, fmt, layout in CASES]


@pytest.fixture(scope="module")
def pdf_texts(docs, tmp_path_factory) -> list[str]:
    out = []
    for s in docs:
        path = tmp_path_factory.mktemp("pdf") / "r.pdf"
        G.write_pdf(s, path)
        with pdfplumber.open(path) as pdf:
            out.append("\n".join(p.extract_text() or "" for p in pdf.pages))
    return out


def test_same_seed_same_report(tmp_path):
    a, b = G.generate(7), G.generate(7)
    assert a.fields == b.fields and a.lines == b.lines and a.meta == b.meta
    G.write_pdf(a, tmp_path / "a.pdf")
    G.write_pdf(b, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert G.generate(8).fields != a.fields


def test_every_field_id_present_and_checks_pass():
    forms = set()
    for seed in range(60):
        s = G.generate(seed)
        tmpl = T.get(s.template)
        assert list(s.fields) == tmpl.field_ids
        assert not failed(run_checks(tmpl, s.fields)), seed
        single = s.meta["other_form"] == "single"
        forms.add((s.template, s.meta["other_form"]))
        for c in T.REQUEST_COLS:
            assert (s.fields[f"requests.other.{c.id}"] is None) == (not single)
            for r in T.OTHER_SPLIT:
                if s.template == "2021":
                    assert (s.fields[f"requests.{r}.{c.id}"] is None) == single
        printed = [f for f, v in s.fields.items() if v is not None]
        assert all(isinstance(s.fields[f], (int, float)) for f in printed)
    assert forms == {("2021", "split"), ("2021", "single"), ("2019", "single")}


@pytest.mark.parametrize("kind", G.INCONSISTENCIES)
def test_deliberate_inconsistency_breaks_a_rule(kind):
    s = G.generate(5, inconsistent=kind)
    bad = failed(run_checks(T.get(s.template), s.fields))
    assert bad and s.meta["inconsistency"]["kind"] == kind
    assert s.fields[s.meta["inconsistency"]["field"]] == s.meta["inconsistency"]["printed"]


def test_narrative_counts_match_the_table(docs):
    for s in docs:
        stated = s.meta["stated"]
        text = "".join(ln["text"] for ln in s.lines if ln["label"] == "narrative").replace(" ", "")
        assert f"申请{stated['requests_new']}件" in text
        assert stated["requests_new"] == s.fields["requests.new.total"]
        if "requests_natural_person" in stated:
            assert f"自然人申请{s.fields['requests.new.natural_person']}件" in text
        assert f"{stated['active_published']}条" in text


def test_gold_lines_one_per_table_row(docs):
    for s in docs:
        assert {ln["label"] for ln in s.lines} <= set(G.LABELS)
        rows = [ln for ln in s.lines if ln["label"] == "table_row"]
        printed = sum(1 for r in T.get(s.template).table("active").rows)
        printed += len(G._printed_request_rows(s.template, s.meta["other_form"] == "single")) + 1
        assert len(rows) == printed
        assert any(ln["text"].startswith("（七）总计") or ln["text"].startswith("(七)总计")
                   or "（七）总计" in ln["text"] or "(七)总计" in ln["text"] for ln in rows)
        headings = [ln["text"] for ln in s.lines if ln["label"] == "heading"]
        assert any("收到和处理政府信息公开申请情况" in h for h in headings)


def test_table_split_over_pages_with_and_without_repeated_header():
    seen = set()
    for seed in range(40):
        s = G.generate(seed)
        rows = [ln for ln in s.lines if ln["label"] == "table_row" and "属于" in ln["text"]
                or ln["label"] == "table_header" and ln["text"] == G.APPLICANTS]
        pages = {ln["page"] for ln in rows}
        if len(pages) < 2:
            continue
        headers = [ln for ln in rows if ln["label"] == "table_header"]
        repeat = s.meta["layout"]["repeat_header"]
        # the header (申请人情况) is drawn once, or again at the top of each continuation page
        assert len(headers) == (len(pages) if repeat else 1)
        seen.add(repeat)
    assert seen == {True, False}


def test_pdf_text_holds_gold_numbers_and_lines(docs, pdf_texts):
    for s, text in zip(docs, pdf_texts):
        numbers = {float(n) for n in NUMBER.findall(text)}
        missing = [f for f, v in s.fields.items() if v is not None and float(v) not in numbers]
        assert not missing
        squeezed = re.sub(r"\s+", "", text)
        for ln in s.lines:
            if ln["label"] in ("narrative", "heading"):
                assert re.sub(r"\s+", "", ln["text"]) in squeezed


def test_font_subset_covers_every_drawn_character(docs):
    chars = set(G._charset())
    for s in docs:
        drawn = {ch for p in s.pages for r in p.runs for ch in r.text}
        assert drawn <= chars


def test_scan_has_no_text_layer(docs, tmp_path):
    s = docs[0]
    path = tmp_path / "scan.pdf"
    G.write_scan(s, path, dpi=72, seed=1)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == s.meta["pages"]
        assert all(not p.chars for p in pdf.pages)
        assert all(p.images for p in pdf.pages)
    again = tmp_path / "again.pdf"
    G.write_scan(s, again, dpi=72, seed=1)
    assert again.read_bytes() == path.read_bytes()
    G.write_scan(s, tmp_path / "page.png", dpi=72)
    assert (tmp_path / "page-1.png").exists()


def test_text_styles(docs, tmp_path):
    s = docs[1]
    for style in G.TEXT_STYLES:
        path = tmp_path / f"r.{style}"
        G.write_text(s, path, style)
        body = path.read_text(encoding="utf-8")
        assert "收到和处理政府信息公开申请情况" in body
        assert str(s.fields["requests.total.total"]) in body
    assert "  | " in (tmp_path / "r.pipe").read_text(encoding="utf-8")
    assert "\t" in (tmp_path / "r.tabs").read_text(encoding="utf-8")
    soup = BeautifulSoup((tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    tables = soup.find_all("table")
    assert len(tables) >= 3
    assert soup.find("td", rowspan=True) and soup.find("td", colspan=True)


def test_cli_writes_file_and_gold_pairs(tmp_path):
    assert G.main(["--n", "2", "--out", str(tmp_path), "--formats", "pdf", "pipe", "html"]) == 0
    for stem in ("synth_00000", "synth_00000_pipe", "synth_00001_web"):
        gold = json.loads((tmp_path / f"{stem}.json").read_text(encoding="utf-8"))
        assert set(gold) >= {"template", "fields", "lines"}
        assert gold["fields"] == G.generate(int(stem[6:11])).fields
    assert (tmp_path / "synth_00001.pdf").stat().st_size > 0

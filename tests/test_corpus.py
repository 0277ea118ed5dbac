"""A corpus: metadata of every bundled document, canonical agencies, the 平潭 chain year
by year, a generated break, the same report twice, and the overview report."""
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch, corpus
from pipeline.agency import canonical_names, split_name
from pipeline.report import REPORT_HTML, REPORT_XLSX, write_report

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "corpus" / "real"
SEEDS = ROOT / "data" / "seeds"
WRITTEN = ROOT / "data" / "corpus" / "written"

# Hand-checked against each document (title, page metadata, signature):
# file -> (canonical agency, year, published, kind).  The PDFs print no date at all.
EXPECTED = {
    "govnianbao__szfgs2024.pdf": ("淮安市人民政府", 2024, None, "template-2021"),
    "kiro__hzq2023_working.pdf": ("淮安市洪泽区人民政府", 2023, None, "template-2021"),  # printed 洪泽区人民政府
    "kiro__hzq2024_working.pdf": ("淮安市洪泽区人民政府", 2024, None, "template-2021"),
    "pingtan__2019_zfxxgknb_80576.page.txt": ("平潭综合实验区", 2019, "2020-01-20", "template-2019"),
    "pingtan__2020_zfxxgknb_80595.page.txt": ("平潭综合实验区", 2020, "2021-03-05", "template-2019"),
    "pingtan__2021_zfxxgknb_80613.page.txt": ("平潭综合实验区", 2021, "2022-02-08", "template-2021"),
    "pingtan__2022_zfxxgknb_80629.page.txt": ("平潭综合实验区", 2022, "2023-02-20", "template-2021"),
    "pingtan__2023_zfxxgknb_87885.page.txt": ("平潭综合实验区", 2023, "2024-03-08", "template-2021"),
    "pingtan__2024_zfxxgknb_97791.page.txt": ("平潭综合实验区", 2024, "2025-03-10", "template-2021"),
    "pingtan__2025_zfxxgknb_105587.page.txt": ("平潭综合实验区", 2025, "2026-03-10", "template-2021"),
    "shanghai__2019_bgt.page.html": ("上海市人民政府办公厅", 2019, "2020-01-31", "template-2019"),
    "000_4a9178fd99f7f697.txt": ("临河区医疗保障局", 2023, "2024-01-19", "template-2021"),
    "001_d3e5d558e99d2690.txt": ("宁波市镇海区医疗保障局", 2023, None, "template-2021"),
    "002_b494afc2f8bb34a4.txt": ("椒江区医疗保障局", 2021, "2022-01-27", "template-2019"),
    "003_b92fd2617ccba4db.txt": ("惠济区医疗保障局", 2024, None, "template-2021"),
    "004_871b3160cb0e6f38.txt": ("临渭区卫生健康局", 2023, None, "template-2021"),
    "qingshan__2017_written.page.txt": ("青山县人民政府", 2017, "2018-03-26", "pre-2019-report"),
}
SCANS = {f.replace(".pdf", ".scan.pdf"): v for f, v in EXPECTED.items() if f.endswith(".pdf")}
# Where each came from (the source of agency and of published), for the web pages.
SOURCES = {
    "pingtan__2021_zfxxgknb_80613.page.txt": ("title", "line:发布时间"),  # after the breadcrumb
    "pingtan__2022_zfxxgknb_80629.page.txt": ("page_title", "line:发布时间"),  # body has no title
    "shanghai__2019_bgt.page.html": ("title", "line:发布日期"),
    "000_4a9178fd99f7f697.txt": ("signature", "signature"),
    "002_b494afc2f8bb34a4.txt": ("preamble", "line:成文日期"),
    "qingshan__2017_written.page.txt": ("title", "signature"),
}
COPY = "pingtan__2022_zfxxgknb_80629.saved-again.page.txt"  # the same page saved twice: other bytes, same report


def _inputs(with_scans: bool) -> list[Path]:
    files = [REAL / f for f in EXPECTED if (REAL / f).exists()] + sorted(SEEDS.glob("*.txt")) + \
        sorted(WRITTEN.glob("*.txt"))
    return files + ([REAL / f for f in SCANS] if with_scans else [])


def _run(tmp: Path, with_scans: bool) -> Path:
    inp = tmp / "in"
    inp.mkdir()
    for f in _inputs(with_scans):
        shutil.copy(f, inp / f.name)
    (inp / COPY).write_bytes((REAL / "pingtan__2022_zfxxgknb_80629.page.txt").read_bytes() + b"\n")
    run = tmp / "run"
    batch.run_batch([str(inp)], run, workers=2, progress=False)
    return run


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("corpus"), with_scans=False)


def _fields(run: Path) -> dict:
    df = pd.read_csv(run / batch.FIELDS_CSV, dtype={"published": "string"})
    return {Path(s).name: r for s, r in zip(df["source"], df.to_dict("records"))}


def _meta_of(row: dict) -> tuple:
    published = None if pd.isna(row["published"]) else row["published"]
    return row["agency_canonical"], int(row["year"]), published, row["kind"]


@pytest.mark.parametrize("name", [n for n in EXPECTED if n != COPY])
def test_metadata_of_every_bundled_document(run, name):
    rows = _fields(run)
    assert _meta_of(rows[name]) == EXPECTED[name]


def test_every_input_read_has_a_row_and_a_kind(run):
    rows = _fields(run)
    assert len(rows) == len(_inputs(False)) + 1
    assert all(isinstance(r["kind"], str) and r["kind"] in (*corpus.REPORT_KINDS, "not-a-report")
               for r in rows.values())


def test_metadata_says_where_it_came_from_and_never_reads_navigation(run):
    objs = {Path(o["source"]).name: o for o in corpus.read_objects(run)}
    for name, (agency_src, published_src) in SOURCES.items():
        src = objs[name]["meta"]["sources"]
        assert (src["agency"]["source"], src["published"]["source"]) == (agency_src, published_src), name
    for o in objs.values():
        agency = o["meta"]["agency"] or ""
        assert not re.search("首页|当前位置|政务公开|来源", agency), agency


def test_pre2019_report_is_told_from_a_letter(run):
    objs = {Path(o["source"]).name: o for o in corpus.read_objects(run)}
    old = objs["qingshan__2017_written.page.txt"]
    assert old["template"] is None and old["meta"]["kind"] == "pre-2019-report"
    assert old["meta"]["stated_active"] == 3126 and old["meta"]["stated_requests"] == 46
    assert any("pre-2019" in w for w in old["warnings"])
    assert not any("not an annual report" in w for w in old["warnings"])
    errors = pd.read_csv(run / batch.ERRORS_CSV)
    assert "qingshan__2017_written.page.txt" not in " ".join(errors["file"].astype(str))


def test_pingtan_chain_passes_year_by_year(run):
    cross = pd.read_csv(run / corpus.CROSS_YEAR_CSV)
    pt = cross[cross["agency"] == "平潭综合实验区"]
    for year in range(2020, 2026):
        carried = pt[(pt["year"] == year) & (pt["rule"] == "carried_over")]
        assert len(carried) == 7 and (carried["previous_year"] == year - 1).all(), year
        assert (carried["ok"] == True).all(), carried["detail"].tolist()  # noqa: E712
    # 2021 carried one request of a natural person into 2022: a non-zero link holds.
    link = pt[(pt["year"] == 2022) & (pt["where"] == "requests.carried_in.total")]
    assert link["detail"].iloc[0].endswith("总计 1 = 2022 上年结转 1")
    # 2019 -> 2020 (both the 2019 format): the 2019 item cells have several readings, so the
    # year-on-year items are listed as not compared, never passed or failed.
    items = pt[pt["rule"] == "items_year_on_year"]
    assert len(items) == len(corpus.ITEM_ROWS) and items["ok"].isna().all()
    assert items["detail"].str.contains("several readings fit").all()
    checks = pd.read_csv(run / batch.CHECKS_CSV)
    assert not checks["rule"].isin(["cross_year:carried_over", "cross_year:items_year_on_year"]).any()


def test_same_agency_two_spellings_is_one_chain(run):
    cross = pd.read_csv(run / corpus.CROSS_YEAR_CSV)
    hz = cross[(cross["agency"] == "淮安市洪泽区人民政府") & (cross["rule"] == "carried_over")]
    assert len(hz) == 7 and set(hz["previous_year"]) == {2023} and (hz["ok"] == True).all()  # noqa: E712


def test_the_same_report_under_two_names_by_its_fields(run):
    cross = pd.read_csv(run / corpus.CROSS_YEAR_CSV)
    same = cross[cross["rule"] == "same_report"]
    assert [Path(s).name for s in same["source"]] == [COPY] and (same["ok"] == False).all()  # noqa: E712
    # Counted once: 2022's links to 2021 and 2023 are not doubled by the copy.
    pt = cross[(cross["agency"] == "平潭综合实验区") & (cross["rule"] == "carried_over")]
    assert not pt["source"].str.endswith(COPY).any() and not pt["previous_source"].str.endswith(COPY).any()
    checks = pd.read_csv(run / batch.CHECKS_CSV)
    assert (checks["rule"] == "cross_year:same_report").sum() == 1


# --- generated pairs: a break fails, a match passes, across resumed runs ---

AGENCY = "东安市青山区民政局"


def _pair(break_it: bool):
    """Two generated reports of one agency, 2022 and 2023, each passing its own checks,
    whose carried requests disagree (``break_it``) or agree in every column."""
    from pipeline.checks import failed, run_checks
    from pipeline.template import get
    from training.generate import generate
    cols = [f"requests.carried_out.{c.id}" for c in get("2021").table("requests").rows[0].columns]
    for seed in range(3000, 3400):
        a = generate(seed, fmt="2021", agency=AGENCY, year=2022)
        b = generate(seed + 1, fmt="2021", agency="青山区民政局", year=2023)
        assert not failed(run_checks(get("2021"), a.fields)) and not failed(run_checks(get("2021"), b.fields))
        same = all(a.fields[c] == b.fields[c.replace("carried_out", "carried_in")] for c in cols)
        out_total, in_total = a.fields["requests.carried_out.total"], b.fields["requests.carried_in.total"]
        if break_it and out_total != in_total:
            return a, b
        if not break_it and same and out_total:  # a non-zero carry that matches column by column
            return a, b
    raise AssertionError("no seed pair found")


@pytest.mark.parametrize("break_it", [True, False])
def test_generated_pair_carried_over_across_resumed_runs(tmp_path, break_it):
    from training.generate import write_text
    a, b = _pair(break_it)
    (tmp_path / "y1").mkdir()
    (tmp_path / "y2").mkdir()
    write_text(a, tmp_path / "y1" / "a2022.txt", "pipe")
    write_text(b, tmp_path / "y2" / "b2023.txt", "tabs")
    run = tmp_path / "run"
    batch.run_batch([str(tmp_path / "y1")], run, workers=1, progress=False)
    assert len(pd.read_csv(run / corpus.CROSS_YEAR_CSV)) == 0
    batch.run_batch([str(tmp_path / "y2")], run, workers=1, progress=False)  # resumes into the same run
    fields = _fields(run)
    assert {r["agency_canonical"] for r in fields.values()} == {AGENCY}
    assert all(r["failed_checks"] == 0 for r in fields.values())  # each consistent inside itself
    cross = pd.read_csv(run / corpus.CROSS_YEAR_CSV)
    assert len(cross) == 7 and set(zip(cross["year"], cross["previous_year"])) == {(2023, 2022)}
    total = cross[cross["where"] == "requests.carried_in.total"].iloc[0]
    checks = pd.read_csv(run / batch.CHECKS_CSV)
    if break_it:
        assert total["ok"] == False  # noqa: E712
        want = f"{a.fields['requests.carried_out.total']} ≠ 2023 上年结转 {b.fields['requests.carried_in.total']}"
        assert want in total["detail"]
        failing = checks[checks["rule"] == "cross_year:carried_over"]
        assert "requests.carried_in.total" in set(failing["where"])
        assert failing["source"].str.endswith("b2023.txt").all()
    else:
        assert (cross["ok"] == True).all() and len(checks) == 0  # noqa: E712


# --- agency names ---

def test_agency_names_split_into_region_and_body():
    assert split_name("浙江省台州市椒江区医疗保障局").regions == ("浙江省", "台州市", "椒江区")
    assert split_name("苏州市吴中区市场监督管理局").body == "市场监督管理局"
    assert split_name("青山县住房和城乡建设局").regions == ("青山县",)
    canon = canonical_names(["宁波市镇海区医疗保障局", "镇海区医疗保障局", "镇海区医保局", "镇海区人民政府"])
    assert canon["镇海区医疗保障局"] == canon["镇海区医保局"] == "宁波市镇海区医疗保障局"
    assert canon["镇海区人民政府"] == "镇海区人民政府"
    # A short name that fits two different agencies is left as printed.
    canon = canonical_names(["甲市镇海区医疗保障局", "乙市镇海区医疗保障局", "镇海区医疗保障局"])
    assert canon["镇海区医疗保障局"] == "镇海区医疗保障局"


def test_user_alias_table_joins_what_names_cannot(tmp_path):
    (tmp_path / "a.csv").write_text("alias,canonical\n区医保局,椒江区医疗保障局\n", encoding="utf-8")
    from pipeline.agency import read_aliases
    canon = canonical_names(["区医保局", "台州市椒江区医疗保障局"], read_aliases(tmp_path / "a.csv"))
    assert canon["区医保局"] == "台州市椒江区医疗保障局"


# --- the overview ---

def test_report_is_self_contained_with_charts_and_tables(run):
    html_path, xlsx_path = write_report(run)
    assert html_path == run / REPORT_HTML and xlsx_path == run / REPORT_XLSX
    page = html_path.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page), "nothing may load from the network"
    assert "<script" not in page and "<link" not in page
    assert page.count("<svg") >= 2  # the corpus chart and 平潭's trend
    assert "平潭综合实验区" in page and "pre-2019-report" in page and "same_report" in page
    sheets = pd.read_excel(xlsx_path, sheet_name=None)
    grid = sheets["机关×年度_新收申请"].set_index("机关")
    assert grid.loc["平潭综合实验区", 2022] == 74 and grid.loc["平潭综合实验区", 2025] == 154
    assert len(sheets["跨年比较"]) == len(pd.read_csv(run / corpus.CROSS_YEAR_CSV))
    assert len(sheets["未通过校验"]) == len(pd.read_csv(run / batch.CHECKS_CSV))


def _chromium():
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        pytest.skip("Debian chromium and chromium-driver are not installed (scripts/setup.sh installs them)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--window-size=1300,1000"):
        opts.add_argument(flag)
    from selenium.webdriver.chrome.service import Service
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


@pytest.mark.slow
def test_report_renders_in_headless_chromium(run):
    html_path, _ = write_report(run)
    driver = _chromium()
    try:
        driver.get(html_path.as_uri())
        assert driver.title.startswith("政府信息公开工作年度报告")
        sizes = driver.execute_script(
            "return [...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width)")
        assert len(sizes) >= 2 and min(sizes) > 200
        coverage = driver.execute_script(
            "return [...document.querySelectorAll('table.coverage tr')].map(r => r.innerText)")
        assert any(r.startswith("平潭综合实验区") and r.count("20") >= 7 for r in coverage)
        fails = driver.execute_script("return document.querySelectorAll('table.cross-year td.fail').length")
        assert fails == 1  # the saved-again copy of 平潭 2022
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert not [u for u in fetched if not u.startswith(("file:", "data:"))]
    finally:
        driver.quit()


@pytest.mark.slow
def test_scans_have_the_metadata_of_their_pdfs_and_are_the_same_report(tmp_path):
    run = _run(tmp_path, with_scans=True)
    rows = _fields(run)
    for name, want in SCANS.items():
        assert _meta_of(rows[name]) == want
    cross = pd.read_csv(run / corpus.CROSS_YEAR_CSV)
    same = cross[cross["rule"] == "same_report"]
    assert {Path(s).name for s in same["source"]} == set(SCANS) | {COPY}

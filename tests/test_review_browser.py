"""`nianbao review` in a real headless browser (Debian's chromium, driven by selenium through
its chromedriver): open a run, see 洪泽区 2023's failed 复议 totals with the page crop of their
cells, correct a cell and mark a check by keyboard, relabel a line, then see all of it in the
next batch's exports and in the next training set.  Screenshots go to docs/ when
NIANBAO_SCREENSHOTS=1 (the README's), else to the test's temporary folder."""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch
from pipeline import corrections as C
from pipeline.review import create_app
from training import train as TR

from conftest import DATA, ROOT

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--window-size=1500,1000")
HZQ = DATA / "corpus" / "real" / "kiro__hzq2023_working.pdf"
SEED = DATA / "seeds" / "003_b92fd2617ccba4db.txt"
INPUTS = [str(HZQ), str(SEED)]
DOCS = ROOT / "docs"


def shot_dir(tmp: Path) -> Path:
    """Where screenshots go: docs/ only when asked, so a test run leaves the checkout as it was."""
    return DOCS if os.environ.get("NIANBAO_SCREENSHOTS") == "1" else tmp


WAIT_S = 20.0


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "run"
    batch.run_batch(INPUTS, out, workers=1, progress=False)
    return out


@pytest.fixture(scope="module")
def server(run):
    from werkzeug.serving import make_server
    srv = make_server("127.0.0.1", 0, create_app(run, user="analyst"), threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    for exe in (CHROMIUM, CHROMEDRIVER):
        assert os.access(exe, os.X_OK), f"{exe} missing: run scripts/setup.sh (installs chromium, chromium-driver)"
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not look anything up online
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS:
        opts.add_argument(f)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield d
    d.quit()


def wait(pred, what: str):
    """``pred()`` once it is true; elements of a page being reloaded are looked up again."""
    from selenium.common.exceptions import StaleElementReferenceException
    t0 = time.monotonic()
    while time.monotonic() - t0 < WAIT_S:
        try:
            v = pred()
        except (StaleElementReferenceException, IndexError):
            v = None
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def result(run, path) -> dict:
    return next(o for o in batch.read_jsonl(run / batch.RESULTS) if o["source"] == str(path))


def test_review_loop_in_the_browser(run, server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    d = browser
    css = lambda s: d.find_elements(By.CSS_SELECTOR, s)  # noqa: E731
    hzq, seed = result(run, HZQ), result(run, SEED)

    # The list: 洪泽区 2023 first (its failed checks), filters by rule.
    d.get(server + "/")
    rows = css("#reports tbody tr")
    assert [r.find_element(By.TAG_NAME, "a").text for r in rows] == [HZQ.name, SEED.name]
    assert "review_total" in rows[0].text and "洪泽区" in rows[0].text
    d.save_screenshot(str(shot_dir(tmp_path) / "review-list.png"))
    d.get(server + "/?rule=review_total")
    assert len(css("#reports tbody tr")) == 1

    # The report: failed 复议 totals beside their cells, and the page crop of those cells.
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ENTER)
    wait(lambda: "/r/" in d.current_url, "the report page")
    check = next(li for li in css("li.check") if li.get_attribute("data-where") == "review reconsideration")
    assert "≠" in check.text
    members = check.get_attribute("data-fields").split(",")
    assert "review.reconsideration.total" in members
    assert all("failing" in css(f'td.cell[data-f="{f}"]')[0].get_attribute("class") for f in members)
    check.find_element(By.CSS_SELECTOR, ".show-check").click()
    img = wait(lambda: [i for i in css("#ev-crop") if d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth", i) and
        "review.reconsideration.upheld" in i.get_attribute("src")], "the page crop")[0]
    assert "/page/4.png?crop=1" in img.get_attribute("src")
    width, height = d.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", img)
    assert width > 1000 and height < width / 2  # a band of page 4, not the whole page
    d.execute_script("document.querySelector('table[data-table=review]').scrollIntoView()")
    d.save_screenshot(str(shot_dir(tmp_path) / "review-report.png"))

    # Keyboard: select the total, type a number, Enter: a correction signed by the user.
    css('td.cell[data-f="review.reconsideration.total"]')[0].click()
    wait(lambda: "review.reconsideration.total" in d.find_element(By.ID, "ev-meta").text, "the cell selected")
    d.find_element(By.TAG_NAME, "body").send_keys("1")
    d.switch_to.active_element.send_keys("1", Keys.ENTER)
    wait(lambda: "st-corrected" in css('td.cell[data-f="review.reconsideration.total"]')[0]
         .get_attribute("class"), "the corrected cell after the reload")
    # `i` on a member of the other failed 复议 total marks it as printed so.
    css('td.cell[data-f="review.litigation_after.total"]')[0].click()
    wait(lambda: "litigation_after.total" in d.find_element(By.ID, "ev-meta").text, "the cell selected")
    d.find_element(By.TAG_NAME, "body").send_keys("i")
    wait(lambda: any("published" in li.get_attribute("class") for li in css("li.check")
                     if li.get_attribute("data-where") == "review litigation_after"), "the check marked")
    recs = C.read(run)
    assert [(r.get("field"), r.get("value"), r["user"]) for r in recs if "field" in r] == \
        [("review.reconsideration.total", 11, "analyst")]
    assert [r["check"]["where"] for r in recs if "check" in r] == ["review litigation_after"]

    # Lines: relabel the seed's first heading on page 1 with j/k and a digit.
    d.get(f"{server}/r/{seed['sha256']}/lines/1")
    rows = css("#lines tbody tr")
    k = next(i for i, r in enumerate(rows) if r.find_element(By.CSS_SELECTOR, "select").get_attribute("value") == "heading")
    body = d.find_element(By.TAG_NAME, "body")
    for _ in range(k):
        body.send_keys("j")
    body.send_keys("4")  # narrative
    wait(lambda: "corrected" in css("#lines tbody tr")[k].get_attribute("class"), "the relabelled line")
    d.save_screenshot(str(shot_dir(tmp_path) / "review-lines.png"))
    line = [r for r in C.read(run) if "label" in r]
    assert [(r["page"], r["line"], r["label"]) for r in line] == [(1, k, "narrative")]

    # The next batch applies them to results.jsonl and every export ...
    batch.run_batch(INPUTS, run, workers=1, progress=False)
    obj = result(run, HZQ)
    cell = obj["cells"]["review.reconsideration.total"]
    assert (cell["status"], cell["value"], cell["previous"]["value"]) == ("corrected", 11, 0)
    for read in (pd.read_csv, pd.read_parquet):
        df = read(run / (batch.FIELDS_CSV if read is pd.read_csv else batch.FIELDS_PARQUET))
        row = df[df.sha256 == hzq["sha256"]].iloc[0]
        assert row["review.reconsideration.total"] == 11 and row["corrected"] == "review.reconsideration.total"
    xl = pd.read_excel(run / batch.FIELDS_XLSX, sheet_name="报告")
    assert xl[xl["SHA-256"] == hzq["sha256"]].iloc[0][batch.field_label("review.reconsideration.total")] == 11
    cells = pd.read_parquet(run / batch.CELLS_PARQUET)
    c = cells[(cells.sha256 == hzq["sha256"]) & (cells.field == "review.reconsideration.total")].iloc[0]
    assert (c["status"], c["value"], c["page"]) == ("corrected", 11, 4)
    chk = pd.read_csv(run / batch.CHECKS_CSV).set_index("where")
    assert chk.loc["review litigation_after", "published_inconsistency"]
    # ... and the next training set.
    doc, = TR.load_data([run])
    _, predicted, _ = C.report_lines(seed, run)  # page 1 is the whole text report
    assert doc.sha256 == seed["sha256"] and predicted[k] == "heading" and doc.labels[k] == "narrative"
    assert doc.labels[:k] + doc.labels[k + 1:] == predicted[:k] + predicted[k + 1:]

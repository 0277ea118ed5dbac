"""The review application without a browser (Flask's test client): what the pages list and
show, and that bad requests are refused with a reason, never written."""
from __future__ import annotations

import json
import re

import pytest

from pipeline import batch
from pipeline import corrections as C
from pipeline.review import create_app, model, pages

from conftest import DATA

PINGTAN = DATA / "corpus" / "real" / "pingtan__2020_zfxxgknb_80595.page.txt"
SEED = DATA / "seeds" / "003_b92fd2617ccba4db.txt"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "run"
    batch.run_batch([str(PINGTAN), str(SEED)], out, workers=1, progress=False)
    return out


@pytest.fixture
def client(run):
    return create_app(run, user="tester").test_client()


def sha_of(run, path) -> str:
    return next(o["sha256"] for o in batch.read_jsonl(run / batch.RESULTS) if o["source"] == str(path))


def test_not_a_run_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a run directory"):
        create_app(tmp_path)


def test_list_worst_first_and_filters(run, client):
    objs = model.load_results(run)
    rows = model.listing(objs)
    assert rows[0]["source"] == str(PINGTAN)  # failed checks, a partly read table, ambiguous cells
    d = rows[0]["doubt"]
    assert d.failed and d.ambiguous and rows[1]["doubt"].key < d.key
    assert [r["source"] for r in model.listing(objs, year="2024")] == [str(SEED)]
    assert model.listing(objs, rule="requests_results")[0]["source"] == str(PINGTAN)
    html = client.get("/?agency=" + rows[1]["agency"]).get_data(as_text=True)
    assert SEED.name in html and PINGTAN.name not in html


def test_report_page_shows_every_template_cell_and_its_status(run, client):
    sha = sha_of(run, PINGTAN)
    html = client.get(f"/r/{sha}").get_data(as_text=True)
    obj = next(o for o in model.load_results(run) if o["sha256"] == sha)
    assert html.count('class="cell ') == len(obj["fields"])
    assert "st-decoded" in html and "st-ambiguous" in html and "failing" in html
    data = json.loads(re.search(r'id="report-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    # The doubtful cells start with the members of the failed checks.
    failed = [c for c in obj["checks"] if not c["ok"]]
    assert data["doubtful"][0] in failed[0]["members"]
    assert set(data["doubtful"]) >= set(obj["ambiguous"])


def test_text_source_cell_shows_its_line_and_span(run, client):
    sha = sha_of(run, PINGTAN)
    obj = next(o for o in model.load_results(run) if o["sha256"] == sha)
    f = next(f for f, c in obj["cells"].items() if c["status"] == "decoded" and c.get("span"))
    j = client.get(f"/r/{sha}/text?f={f}").get_json()
    assert j["window"]["hit"] == obj["cells"][f]["text"]
    assert client.get(f"/r/{sha}/page/1.png").status_code == 404  # a text dump has no page image


def test_api_refuses_bad_input_and_writes_good(run, client):
    sha = sha_of(run, SEED)
    assert client.post("/api/cell", json={"sha256": sha, "field": "requests.new.total", "value": "x1"}).status_code == 400
    assert client.post("/api/cell", json={"sha256": "0" * 64, "field": "requests.new.total", "value": 1}).status_code == 404
    assert client.post("/api/line", json={"sha256": sha, "page": 1, "line": 0, "label": "title"}).status_code == 400
    assert C.read(run) == []
    r = client.post("/api/cell", json={"sha256": sha, "field": "requests.new.total", "value": "1,234", "note": "p2"})
    assert r.status_code == 200
    rec, = C.read(run)
    assert (rec["value"], rec["user"], rec["note"]) == (1234, "tester", "p2")
    # Shown at once as it will be exported (the next batch applies it).
    html = client.get(f"/r/{sha}").get_data(as_text=True)
    assert re.search(r'class="cell st-corrected[^"]*" data-f="requests\.new\.total"', html)
    assert client.get(f"/r/{sha}/lines/1").status_code == 200
    assert client.get(f"/r/{sha}/lines/9").status_code == 404


def test_page_crop_draws_the_boxes():
    from PIL import Image
    import io
    pdf = DATA / "corpus" / "real" / "kiro__hzq2023_working.pdf"
    box = [202.65, 445.59, 230.95, 472.51]
    full = Image.open(io.BytesIO(pages.draw(str(pdf), 4, [box])))
    crop = Image.open(io.BytesIO(pages.draw(str(pdf), 4, [box], crop=True)))
    k = pages.RENDER_SCALE
    assert abs(full.width - 595 * k) < 2 and abs(full.height - 842 * k) < 2  # A4 in points, rendered
    assert crop.width == full.width and crop.height < full.height / 3
    # The box's outline is drawn in red just outside the cell.
    assert full.getpixel((int(box[0] * k) - 2, int((box[1] + box[3]) / 2 * k))) == pages.BOX_COLOUR

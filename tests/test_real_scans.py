"""The simulated scans of the real PDFs (150 dpi, skew, blur, JPEG; no text layer) give
every field of the gold right, and the published inconsistency is still reported."""
import pytest

from pipeline.extract import extract_file

from conftest import DATA
from test_real_reports import field_diff, gold

SCANS = sorted((DATA / "corpus" / "real").glob("*.scan.pdf"))


@pytest.fixture(scope="module")
def results():
    return {p.name: extract_file(p) for p in SCANS}


@pytest.mark.parametrize("path", SCANS, ids=lambda p: p.name)
def test_scan_every_field(results, path):
    r = results[path.name]
    g = gold(path)
    assert r.template == g["template"]
    assert field_diff(r, g) == {}
    assert any("read by OCR" in w for w in r.warnings)


def test_scan_reports_published_inconsistency(results):
    r = results["kiro__hzq2023_working.scan.pdf"]
    bad = {c.where for c in r.checks if not c.ok and c.rule == "review_total"}
    assert bad == {"review reconsideration", "review litigation_after"}

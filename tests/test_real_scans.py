"""The simulated scans of the real PDFs (150 dpi, skew, blur, JPEG; no text layer) give
every field of the gold right, and the published inconsistency is still reported."""
import pytest

from pipeline.extract import extract_file
from pipeline.inputs import is_image_only_pdf

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
    # No text layer anywhere: read whole by the scan backend, not page by page as a PDF.
    assert any("read by OCR as a scan" in w for w in r.warnings)
    assert not any("no usable text layer (" in w for w in r.warnings)


def test_image_only_pdfs_are_told_from_text_pdfs():
    for p in SCANS:
        assert is_image_only_pdf(p)
        assert not is_image_only_pdf(p.with_name(p.name.replace(".scan.pdf", ".pdf")))


def test_scan_reports_published_inconsistency(results):
    r = results["kiro__hzq2023_working.scan.pdf"]
    bad = {c.where for c in r.checks if not c.ok and c.rule == "review_total"}
    assert bad == {"review reconsideration", "review litigation_after"}

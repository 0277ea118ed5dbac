"""The simulated scans of the real PDFs (150 dpi, skew, blur, JPEG; no text layer) give
every field of the gold right, and the published inconsistency is still reported."""
import copy

import pytest

from pipeline.extract import extract_document
from pipeline.inputs import is_image_only_pdf, read_document

from conftest import DATA
from test_real_reports import field_diff, gold

SCANS = sorted((DATA / "corpus" / "real").glob("*.scan.pdf"))


@pytest.fixture(scope="module")
def docs():
    """The scans as read (OCR once); tests extract from copies."""
    return {p.name: read_document(p) for p in SCANS}


@pytest.fixture(scope="module")
def results(docs):
    return {name: extract_document(copy.deepcopy(doc)) for name, doc in docs.items()}


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
    bad = {c.where: c.detail for c in r.checks if not c.ok and c.rule == "review_total"}
    assert set(bad) == {"review reconsideration", "review litigation_after"}
    # The cells of the failed rules were re-read, read the same, and the printed values stand.
    assert bad["review reconsideration"].startswith("reconsideration.total 0 = 0 ≠ reconsideration.upheld 10 "
                                                    "+ reconsideration.corrected 1 ")
    assert bad["review litigation_after"].startswith("litigation_after.total 0 = 0 ≠ litigation_after.upheld 5 ")
    assert not any("re-read as" in w for w in r.warnings)


def test_misread_cell_is_reread_when_a_check_fails(docs):
    """A first-pass misread (simulated: one cell's text replaced) breaks rules; the
    re-read of the real image reads the printed digits and repairs it, saying so."""
    name = "kiro__hzq2024_working.scan.pdf"
    doc = copy.deepcopy(docs[name])
    g = gold(SCANS[[p.name for p in SCANS].index(name)])
    fid = "requests.new.total"
    printed = g["fields"][fid]
    assert printed >= 10
    wrong = str(printed + 1 if printed % 10 != 9 else printed - 1)
    cell = _cell_of(doc, fid)
    cell.text = wrong
    r = extract_document(doc)
    assert r.fields[fid] == printed, r.warnings
    assert any(w.startswith(f"{fid}: OCR read {wrong}, re-read as {printed} (check ") for w in r.warnings)
    assert all(c.ok for c in r.checks if not c.rule.startswith("stated_"))
    # The evidence says the value was re-read, and the checks over it say so too.
    assert r.cells[fid].status == "reread" and r.cells[fid].value == printed
    over = [c for c in r.checks if fid in c.members]
    assert over and all(c.members[fid] == "reread" for c in over)


def _cell_of(doc, fid):
    """The Cell object the assembler reads ``fid`` from."""
    from pipeline.assemble import assemble
    from pipeline.classifier import default_labeler
    from pipeline.labels import apply_labels

    apply_labels(doc, default_labeler())
    return assemble(doc.lines).sources[fid][1]


@pytest.mark.parametrize("path", SCANS, ids=lambda p: p.name)
def test_scan_boxes_hold_their_numbers_on_the_text_pdf(results, path):
    """A scan's boxes are PDF points of its page: cropped from the same page of the
    text PDF it was rendered from, each printed cell's box holds its number."""
    from test_provenance import assert_boxes_hold_numbers

    r = results[path.name]
    assert_boxes_hold_numbers(r, path.with_name(path.name.replace(".scan.pdf", ".pdf")))
    assert all(c.confidence is not None for c in r.cells.values() if c.status == "printed")

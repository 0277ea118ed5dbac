"""Numbers under a seal: the seal's residue beside a digit (JPEG's half-resolution colour
leaves lettering beside black ink unmixed as grey) read again without it, and the seal digit
reader (``scan.seal_digits``, trained by ``training/seal_digits.py``) on cells of a
generated seal scan no training or tuning used (test seed 7050)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline import ocr
from pipeline.backend.scan import recognise, seal_digits, seals
from pipeline.backend.scan.lines import FreeRow
from pipeline.backend.scan.regions import Crop, Layout

LABEL = "一、本年新收政府信息公开申请数量"


def _zero_with_residue() -> tuple[np.ndarray, tuple, tuple]:
    """A grey page strip: a label bar and a printed 0 whose counter a seal's lettering
    crosses, left by the unmixing at half the print's darkness (the class seen on
    1000001/1000009: read 8, 9 or 6). Returns (grey, label box, number box)."""
    gray = np.full((40, 300), 255, np.uint8)
    gray[14:26, 10:140] = 30  # the label's text
    cv2.ellipse(gray, (206, 20), (5, 8), 0, 0, 360, 40, 2)  # the 0
    gray[19:22, 202:211] = 150  # the residue across its counter
    return gray, (5, 10, 150, 30), (199, 10, 214, 30)


class _Engine:
    """A stand-in recogniser: a wide crop is the label; a number crop reads 8 (0.9 sure)
    while ink crosses the middle of its counter, else 0 (0.95)."""

    def detect(self, img):
        return []

    def recognize(self, images):
        out = []
        for img in images:
            h, w = img.shape
            if w > 4 * h:
                out.append(ocr.RecResult(LABEL, 0.99, [0.99]))
                continue
            ys, xs = np.nonzero(img < 128)
            cy, cx = (ys.min() + ys.max()) // 2, (xs.min() + xs.max()) // 2
            barred = (img[cy - 1:cy + 2, cx - 1:cx + 2] < 200).any()
            out.append(ocr.RecResult("8", 0.9, [0.9]) if barred else ocr.RecResult("0", 0.95, [0.95]))
        return out


def test_without_residue_drops_half_dark_ink_and_keeps_the_digit():
    gray, _, (x0, y0, x1, y1) = _zero_with_residue()
    crop = gray[y0:y1, x0:x1]
    clean = seals.without_residue(crop, seals.RESIDUE_LEVELS[-1])
    at = lambda y, x: clean[y - y0, x - x0]  # noqa: E731  (page coordinates)
    assert at(20, 206) > 200  # the residue across the counter: paper
    assert at(20, 201) < 80 and at(12, 206) < 80  # the ring's side and top: ink


def test_a_number_under_a_seal_is_read_again_without_the_residue(monkeypatch):
    """A number under a seal is read again with its residue dropped even when the first
    reading was sure enough not to be re-read; the surer reading of the pixels is kept.
    Away from a seal nothing changes."""
    gray, label, number = _zero_with_residue()
    row = FreeRow([[label], [number]], [0, 1])

    def layout():
        return Layout(gray, gray < 128, 1.0, 20.0, [], [FreeRow(row.cells, row.cols)],
                      [Crop(label, ("free", 0, 0), (0, 0, 300, 40)), Crop(number, ("free", 0, 1), (0, 0, 300, 40))])

    monkeypatch.setattr(ocr, "get_engine", lambda: _Engine())
    monkeypatch.setattr(seal_digits, "_model", lambda: None)  # the re-read alone
    monkeypatch.setattr(recognise, "REREAD_MIN_CONF", 0.85)  # 0.9 is sure enough: no ordinary re-read
    (line,) = recognise.recognise_page(layout(), 1)
    assert line.cells[-1].text == "8"
    (line,) = recognise.recognise_page(layout(), 1, seals=((180.0, 0.0, 240.0, 40.0),))
    # The residue-free 0 is kept, but the plain crops read 8 at 0.9: the cell is only
    # 1 - 0.9 sure (a reading that disagrees bounds it), so it is named doubtful.
    assert line.cells[-1].text == "0" and line.cells[-1].confidence == pytest.approx(0.1)


def test_rival_confidence_is_the_surest_other_number():
    assert recognise.rival_confidence("0", [("6", 0.9993), ("6", 0.99), ("0", 0.975)]) == pytest.approx(0.9993)
    assert recognise.rival_confidence("6", [("6", 0.9993), ("0", 0.975), ("0", 0.88)]) == pytest.approx(0.975)
    assert recognise.rival_confidence("1,200", [("1200", 0.9)]) == 0.0  # the same number
    assert recognise.rival_confidence("0", []) == 0.0


def test_a_sure_misread_under_a_seal_that_a_re_read_contradicts_is_named_doubtful(monkeypatch):
    """Seal 1000003: a 0 under dense lettering read 6 at 0.9993 by every plain crop, 0 at
    0.975 by the residue-free ones; the surer 6 was kept, marked 0.9993 sure and named in no
    warning.  Whatever value is kept, a cell some reading saw as another number is only as
    sure as that reading was not: here under 0.8, so the page's warning names it."""
    gray, label, number = _zero_with_residue()

    class Sure6(_Engine):
        def recognize(self, images):
            out = super().recognize(images)
            return [ocr.RecResult("6", 0.9993, [0.9993]) if r.text == "8" else r for r in out]

    def layout():
        return Layout(gray, gray < 128, 1.0, 20.0, [], [FreeRow([[label], [number]], [0, 1])],
                      [Crop(label, ("free", 0, 0), (0, 0, 300, 40)), Crop(number, ("free", 0, 1), (0, 0, 300, 40))])

    monkeypatch.setattr(ocr, "get_engine", lambda: Sure6())
    monkeypatch.setattr(seal_digits, "_model", lambda: None)
    (line,) = recognise.recognise_page(layout(), 1, seals=((180.0, 0.0, 240.0, 40.0),))
    assert line.cells[-1].text == "6"  # the surer reading is kept …
    assert line.cells[-1].confidence < 0.8  # … and shown doubtful (1 - 0.95)
    (line,) = recognise.recognise_page(layout(), 1)  # away from a seal: no re-read, no doubt
    assert line.cells[-1].confidence == pytest.approx(0.9993)


def test_under_seal_needs_a_share_of_the_box():
    assert seals.under_seal((0, 0, 10, 10), [(5, 0, 20, 10)])  # half inside
    assert not seals.under_seal((0, 0, 10, 10), [(9, 0, 20, 10)])  # a tenth
    assert not seals.under_seal((0, 0, 10, 10), [])


def test_a_piece_of_seal_residue_is_no_number(monkeypatch):
    """In a borderless row under a seal, specks left of the lettering (a third of the
    print's darkness) were read as a number and pushed the row's values a column on
    (1000008: 0, 7, 7 read 1, 7, 0).  Under a seal such a piece is dropped; a faint digit
    (half the print's darkness) and anything away from a seal are kept."""
    gray = np.full((40, 400), 250, np.uint8)
    gray[14:26, 10:140] = 40  # the label's print
    gray[16:24, 200:204] = 180  # specks: residue of the lettering (a third as dark)
    gray[16:24, 300:303] = 140  # a faint 1 (half as dark)
    label, speck, faint = (5, 10, 150, 30), (198, 14, 206, 26), (298, 14, 305, 26)
    assert seals.only_residue(gray[14:26, 198:206], *seals.print_darkness(gray, gray < 128))
    assert not seals.only_residue(gray[14:26, 298:305], *seals.print_darkness(gray, gray < 128))

    class Engine(_Engine):
        def recognize(self, images):
            return [ocr.RecResult(LABEL, 0.99, [0.99]) if img.shape[1] > 4 * img.shape[0]
                    else ocr.RecResult("1", 0.95, [0.95]) for img in images]

    def layout():
        return Layout(gray, gray < 128, 1.0, 20.0, [], [FreeRow([[label], [speck], [faint]], [0, 1, 2])],
                      [Crop(b, ("free", 0, i), (0, 0, 400, 40)) for i, b in enumerate((label, speck, faint))])

    monkeypatch.setattr(ocr, "get_engine", lambda: Engine())
    monkeypatch.setattr(seal_digits, "_model", lambda: None)
    (line,) = recognise.recognise_page(layout(), 1)
    assert [c.text for c in line.cells] == [LABEL, "1", "1"]
    (line,) = recognise.recognise_page(layout(), 1, seals=((180.0, 0.0, 320.0, 40.0),))
    assert [c.text for c in line.cells] == [LABEL, "1"] and line.cells[-1].box[0] == 298


def test_the_seal_digit_reader_reads_cells_under_seals_of_an_unseen_seed():
    """The shipped reader on every cell under a seal of test seed 7050 (four seals a page,
    as its trainer stamps them; trained on 995100-995129 and 995160-995190 only): nearly
    every number right, and never a wrong one sure enough to overrule the recogniser."""
    from training.seal_digits import cell_samples

    cells = cell_samples(7050)
    model = seal_digits._model()
    assert model is not None and len(cells) >= 30
    got = [(seal_digits.read_with(model, crop), text) for crop, text in cells]
    right = sum(1 for g, t in got if g is not None and g[0] == t)
    assert right >= 0.95 * len(cells)  # 47 of 49
    # Sure and wrong only with the count of digits wrong (a 15 read "0", 0.97): such a
    # reading never overrules a number of other length (``sealed_number``).
    sure_wrong = [(g[0], t) for g, t in got if g is not None and g[0] != t and g[1] >= seal_digits.SEAL_READER_MIN_CONF]
    assert all(len(g) != len(t) for g, t in sure_wrong)
    for g, t in sure_wrong:
        crop = next(c for c, text in cells if text == t)
        h, w = crop.shape
        assert seal_digits.sealed_number(crop, (0, 0, w, h), t, 0.5, str.isdigit) == (t, 0.5)


def test_the_seal_reader_overrules_a_doubtful_digit_of_the_same_count(monkeypatch):
    crop = np.full((14, 9), 255, np.uint8)
    crop[3:11, 2:7] = 0
    monkeypatch.setattr(seal_digits, "read_with", lambda m, c: ("0", 0.97))
    assert seal_digits.sealed_number(crop, (0, 0, 9, 14), "6", 0.99, str.isdigit) == ("0", 0.97)
    assert seal_digits.sealed_number(crop, (0, 0, 9, 14), "6", 0.9995, str.isdigit) == ("6", 0.9995)  # sure
    assert seal_digits.sealed_number(crop, (0, 0, 9, 14), "16", 0.5, str.isdigit) == ("16", 0.5)  # another count


def test_residue_free_ink_drops_the_seals_remnants_between_numbers_and_nothing_outside():
    """989805: remnants of a seal's lettering (a third of the print's darkness) bridged the
    gaps between three 0s of a borderless row, cut as one piece read "0050"."""
    gray = np.full((60, 200), 250, np.uint8)
    gray[20:40, 10:16] = 40           # print outside the seal (the page's print darkness)
    gray[20:40, 60:66] = 40           # a digit's stroke under the seal
    gray[28:32, 66:90] = 180          # the remnant bridging it to the next number
    gray[20:40, 90:96] = 40
    gray[28:32, 150:170] = 180        # as light, outside the seal: kept
    ink = (gray < 200).astype(np.uint8) * 255
    out = seals.residue_free_ink(gray, ink, [(50.0, 0.0, 120.0, 60.0)])
    assert out[30, 70] == 0 and out[30, 62] == 255 and out[30, 92] == 255 and out[30, 160] == 255
    assert seals.residue_free_ink(gray, ink, []) is ink

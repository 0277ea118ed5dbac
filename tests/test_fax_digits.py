"""The fax digit reader (``scan.digits``): slices, digit counts, and the shipped model on
generated faxes it was not trained on (seed 7039, ruled tables; seed 7041, tables without
any rules: tests' range; training used 960050-960089 and 961000-961079)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.backend.scan import digits


def test_slices_and_digit_count():
    crop = np.full((16, 30), 255, np.uint8)
    crop[:, 10:12] = 0
    x = digits.slice_features(crop, 3)
    assert x.shape == (3, digits.SLICE_W * digits.SLICE_H + 1)
    px = x[:, :-1]
    assert px[0].max() == 0.0 and px[1].max() > 0.5 and px[2].max() == 0.0  # the stroke in the middle slice
    assert np.allclose(x[:, -1], 10 / 16 / digits.ASPECT_SCALE)  # each slice's width against the height
    assert digits.digit_count(np.zeros((20, 12)), 0.6) == 1
    assert digits.digit_count(np.zeros((20, 36)), 0.6) == 3


def test_reader_only_overrules_a_recogniser_that_is_unsure(monkeypatch):
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("0", 0.97))
    gray = np.full((20, 20), 255, np.uint8)
    box = (0, 0, 10, 10)
    from pipeline.layout import is_number
    assert digits.fax_number(gray, box, "11", 0.80, is_number) == ("0", 0.97)
    assert digits.fax_number(gray, box, "11", 0.995, is_number) == ("11", 0.995)  # the recogniser was sure
    assert digits.fax_number(gray, box, "()", 0.999, is_number) == ("0", 0.97)  # not a number
    assert digits.fax_number(gray, box, "0.5", 0.5, is_number) == ("0.5", 0.5)  # decimals: not the reader's
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("0", 0.6))
    assert digits.fax_number(gray, box, "11", 0.80, is_number) == ("11", 0.80)  # the reader unsure: kept


def test_a_surer_reader_overrules_a_sure_recogniser_of_as_many_digits(monkeypatch):
    """A fax's 7 (or 2) the recogniser reads a sure "1" (development 1000001, 1000004, 1000008,
    988406: requests.new.total): the reader's surer reading of as many digits wins; a
    reading of another length (69 against the reader's "0") or a less sure one does not."""
    from pipeline.layout import is_number

    gray, box = np.full((20, 20), 255, np.uint8), (0, 0, 10, 10)
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("7", 0.993))
    assert digits.fax_number(gray, box, "1", 0.999, is_number) == ("7", 0.993)
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("0", 0.997))
    assert digits.fax_number(gray, box, "69", 0.997, is_number) == ("69", 0.997)
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("7", 0.97))
    assert digits.fax_number(gray, box, "1", 0.999, is_number) == ("1", 0.999)


def test_a_sure_reader_restores_a_digit_the_recogniser_lost(monkeypatch):
    """A fax's 40 the recogniser reads a sure "4" (development 989007: normative.in_force):
    the reader's surer "40" wins; a reader less sure than the recogniser, one reading other
    digits, or one reading fewer digits does not."""
    from pipeline.layout import is_number

    gray, box = np.full((20, 20), 255, np.uint8), (0, 0, 10, 10)
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("40", 0.9987))
    assert digits.fax_number(gray, box, "4", 0.9949, is_number) == ("40", 0.9987)
    assert digits.fax_number(gray, box, "4", 0.9995, is_number) == ("4", 0.9995)  # the recogniser surer
    assert digits.fax_number(gray, box, "7", 0.9949, is_number) == ("7", 0.9949)  # not its digits
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("4", 0.9999))
    assert digits.fax_number(gray, box, "40", 0.9949, is_number) == ("40", 0.9949)  # a digit fewer
    assert digits.one_digit_lost("4", "40") and digits.one_digit_lost("15", "105")
    assert not digits.one_digit_lost("4", "400") and not digits.one_digit_lost("4", "4")
    # A 0 whose two arcs the recogniser read a sure "11" (development 989009): the surer reader's 0.
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("0", 0.9961))
    assert digits.fax_number(gray, box, "11", 0.9876, is_number) == ("0", 0.9961)
    assert digits.fax_number(gray, box, "11", 0.9990, is_number) == ("11", 0.9990)  # the recogniser surer
    assert digits.fax_number(gray, box, "69", 0.9876, is_number) == ("69", 0.9876)  # other digits


def test_no_digit_is_read_where_there_is_no_ink():
    """An empty cell stays empty: the reader gives nothing for paper or a speck, and the
    recogniser's empty reading stays empty."""
    from pipeline.layout import is_number

    paper = np.full((16, 12), 255, np.uint8)
    assert digits.read_digits(paper) is None
    speck = paper.copy()
    speck[7, 5] = 0
    assert digits.read_digits(speck) is None
    assert digits.fax_number(paper, (0, 0, 12, 16), "", 0.0, is_number) == ("", 0.0)


def _reads(seed: int, tmp_path, layout=None):
    from training.fax_digits import cell_samples

    samples = cell_samples(seed, Path(tmp_path), layout)
    return samples, [digits.read_digits(crop) for crop, _ in samples]


def test_shipped_reader_reads_a_generated_faxs_number_cells(tmp_path):
    samples, got = _reads(7039, tmp_path)
    assert len(samples) > 100
    right = sum(g is not None and g[0] == t for g, (_, t) in zip(got, samples))
    assert right >= READER_FLOOR * len(samples), (right, len(samples))
    # Numbers other than 0: the reader must not lean to 0 (before the NO_DIGIT class a
    # squeezed "13" was a sure "0"); none of them is read as a sure 0.
    others = [(g, t) for g, (_, t) in zip(got, samples) if t != "0"]
    assert len(others) >= 5
    assert sum(g is not None and g[0] == t for g, t in others) >= NONZERO_FLOOR * len(others), others
    assert not [t for g, t in others if g and g[0] == "0" and g[1] >= digits.READER_MIN_CONF], others


def test_shipped_reader_reads_a_borderless_faxs_numbers(tmp_path):
    """Tables without vertical rules: the pieces of their free rows are read too."""
    samples, got = _reads(7041, tmp_path, "borderless")
    assert len(samples) > 100
    right = sum(g is not None and g[0] == t for g, (_, t) in zip(got, samples))
    assert right >= READER_FLOOR * len(samples), (right, len(samples))


READER_FLOOR = 0.95  # share of a generated fax's integer cells the reader alone gets right
NONZERO_FLOOR = 0.8  # … of its numbers other than 0


def test_borderless_rows_number_pieces_go_to_the_reader(monkeypatch):
    """A fax page's free row (a table without vertical rules): its number piece is read
    by the digit reader as a grid cell's is; a recogniser's unsure "1" yields to a sure 7."""
    from pipeline import ocr
    from pipeline.backend.scan import recognise
    from pipeline.backend.scan.lines import FreeRow
    from pipeline.backend.scan.regions import Crop, Layout

    gray = np.full((40, 300), 255, np.uint8)
    label, number = (5, 10, 150, 30), (200, 10, 212, 30)
    gray[12:28, 202:210] = 0
    row = FreeRow([[label], [number]], [0, 1])
    lay = Layout(gray, gray < 128, 1.0, 20.0, [], [row],
                 [Crop(label, ("free", 0, 0), (0, 0, 300, 40)), Crop(number, ("free", 0, 1), (0, 0, 300, 40))])

    class Engine:
        def detect(self, img):
            return []

        def recognize(self, images):
            return [ocr.RecResult("一、本年新收政府信息公开申请数量", 0.99, [0.99]), ocr.RecResult("1", 0.6, [0.6])][:len(images)]

    monkeypatch.setattr(ocr, "get_engine", lambda: Engine())
    monkeypatch.setattr(digits, "read_digits", lambda crop: ("7", 0.99))
    (line,) = recognise.recognise_page(lay, 1, fax=True)
    assert [c.text for c in line.cells][-1] == "7"
    (line,) = recognise.recognise_page(lay, 1, fax=False)  # not a fax: the recogniser's
    assert [c.text for c in line.cells][-1] != "7"
    # A damaged label at a row's start, in a row taken for numbers: words are not turned into
    # a number (987100's 总计 read "itiet" became "11", and the row of totals was lost).
    assert not recognise._reader_may_read(("free", 0, 0), "itiet")
    assert recognise._reader_may_read(("free", 0, 1), "11") and recognise._reader_may_read(("free", 0, 1), "()")
    assert recognise._reader_may_read(("cell", 0, 1), "itiet")


def _number_crop(text: str, dot: bool = True) -> np.ndarray:
    """A fax-like grey crop of ``text`` (Hershey digits, 1-bit, upscaled 1.5x and smoothed
    as ``raster.clean_bilevel`` does); ``dot=False`` leaves a point's place empty, as a
    100-dpi threshold does to a 1-px point."""
    import cv2

    img = np.full((14, 12 * len(text) + 8), 255, np.uint8)
    x = 4
    for ch in text:
        if ch == ".":
            if dot:
                img[10:12, x + 1:x + 3] = 0
            x += 5
            continue
        cv2.putText(img, ch, (x, 11), cv2.FONT_HERSHEY_PLAIN, 0.8, 0, 1, cv2.LINE_8)
        x += 8
    img = cv2.resize(img, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_LINEAR)
    img = cv2.GaussianBlur(img, (0, 0), 1.5)
    ys, xs = np.flatnonzero((img < 200).any(axis=1)), np.flatnonzero((img < 200).any(axis=0))
    return img[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]


def test_a_lost_decimal_point_is_found_in_the_pixels():
    """A money cell read "4163" where the fax printed 41.63: the point's blob, or the gap
    its loss left, says how many digits follow it; an integer's even gaps say nothing
    (development 1000006 read 41.63 as 4163, 988406 429.5 as 4295)."""
    assert digits.decimal_point(_number_crop("41.63"), "4163") == (2, "dot")
    assert digits.decimal_point(_number_crop("41.63", dot=False), "4163") == (2, "gap")
    assert digits.decimal_point(_number_crop("429.5", dot=False), "4295") == (1, "gap")
    assert digits.decimal_point(_number_crop("4163"), "4163") is None
    assert digits.decimal_point(_number_crop("2804"), "2804") is None
    # Two digits have no other gap to be told from: no point from a gap alone.
    assert digits.decimal_point(_number_crop("1.7", dot=False), "17") is None


def test_a_found_point_sets_a_money_cell_and_a_gap_only_point_is_decoded():
    """The assembler puts the point where the Cell's pixels show it, only in a column the
    template says holds money (decimals); a point from a gap alone is the rules' choice:
    status ``decoded`` and a warning; a count column ignores it."""
    from pipeline import assemble
    from pipeline.datamodel import Cell, Line

    def row(label, cells):
        cs = [Cell(label, (0, 0, 10, 10), 0.9, 0, 0)] + [
            Cell(t, (20 + 10 * k, 0, 28 + 10 * k, 10), 0.99, 0, k + 1, point=p) for k, (t, p) in enumerate(cells)]
        return Line(" ".join([label] + [t for t, _ in cells]), 1, cs, (0, 0, 100, 10), label="table_row", source="ocr")

    head = Line("二、主动公开政府信息情况", 1, label="heading")
    lines = [head, row("规章", [("3", None), ("0", None), ("12", None)]),
             row("行政许可", [("1234", (2, "gap"))]),  # a count: the gap means nothing
             row("行政事业性收费", [("4163", (2, "gap"))])]
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["active.fees.amount"] == 41.63 and asm.fields["active.licensing.decisions"] == 1234
    cells = assemble.field_cells(get_template("2021"), asm)
    assert cells["active.fees.amount"].status == "decoded" and cells["active.licensing.decisions"].status == "printed"
    assert any(w.startswith("active.fees.amount: read 4163 with no decimal point") for w in asm.warnings)
    lines[-1] = row("行政事业性收费", [("4163", (2, "dot"))])  # the point is in the pixels: a reading
    asm = assemble.assemble(lines, "2021")
    assert asm.fields["active.fees.amount"] == 41.63
    assert assemble.field_cells(get_template("2021"), asm)["active.fees.amount"].status == "printed"
    lines[-1] = row("行政事业性收费", [("4163", None)])
    assert assemble.assemble(lines, "2021").fields["active.fees.amount"] == 4163


def get_template(name):
    from pipeline.template import get
    return get(name)


def test_a_reread_that_loses_the_decimal_point_does_not_replace_the_reading(monkeypatch):
    """Development fax 989013: active.fees.amount printed 4.0, read "4.0" unsure, re-read
    "10", then a surer "40" from other crops: 40.0 printed, silently.  A re-read that lost
    the first reading's point is not taken; a surer one with a point, or of a reading
    without one, still is."""
    from pipeline.backend.scan import recognise
    from pipeline.backend.scan.regions import Crop, Layout

    gray = np.full((40, 80), 255, np.uint8)
    crop = Crop((10, 10, 40, 26), ("cell", 0, 0), (0, 0, 80, 40))
    lay = Layout(gray, gray < 128, 1.0, 20.0, [], [], [crop])

    class Engine:
        def recognize(self, images):
            return [None] * len(images)

    def reread(first, *again):
        readings = iter([(t, 0.69 + 0.1 * k) for k, t in enumerate(again)] + [("", 0.0)] * 9)
        monkeypatch.setattr(recognise, "_numeric_text", lambda res: next(readings))
        texts, confs = {crop.owner: first}, {crop.owner: 0.58}
        recognise._reread(lay, [crop.owner], {crop.owner: [(crop, None)]}, texts, confs, Engine())
        return texts[crop.owner]

    assert reread("4.0", "40") == "4.0" and reread("4.0", "10", "40") == "4.0"
    assert reread("4.0", "4.5") == "4.5" and reread("11", "0") == "0"
    assert recognise.point_lost("4.0", "40") and not recognise.point_lost("40", "4.0")
    assert reread("11", "10", "0") == "0"  # the surest of several, as before
    assert reread("0.0", "00") == "00"  # two cells' zeros run together: no point, no number


def _fax_row(monkeypatch, first: tuple[str, float], again: tuple[str, float], reader: tuple[str, float]):
    """A fax page's one borderless row (a label, a number) read by a stand-in recogniser:
    ``first`` for the number on the first pass, ``again`` on every re-read crop; the fax
    digit reader gives ``reader``.  Returns the number's Cell."""
    from pipeline import ocr
    from pipeline.backend.scan import recognise
    from pipeline.backend.scan.lines import FreeRow
    from pipeline.backend.scan.regions import Crop, Layout

    label = "一、本年新收政府信息公开申请数量"
    gray = np.full((40, 300), 255, np.uint8)
    gray[14:26, 10:140] = 30
    gray[12:28, 204:208] = 30
    lbox, nbox = (5, 10, 150, 30), (200, 10, 212, 30)
    calls = []

    class Engine:
        def detect(self, img):
            return []

        def recognize(self, images):
            calls.append(len(images))
            number = first if len(calls) == 1 else again
            return [ocr.RecResult(label, 0.99, [0.99]) if img.shape[1] > 4 * img.shape[0]
                    else ocr.RecResult(number[0], number[1], [number[1]]) for img in images]

    monkeypatch.setattr(ocr, "get_engine", lambda: Engine())
    monkeypatch.setattr(digits, "read_digits", lambda crop: reader)
    lay = Layout(gray, gray < 128, 1.0, 20.0, [], [FreeRow([[lbox], [nbox]], [0, 1])],
                 [Crop(lbox, ("free", 0, 0), (0, 0, 300, 40)), Crop(nbox, ("free", 0, 1), (0, 0, 300, 40))])
    (line,) = recognise.recognise_page(lay, 1, fax=True)
    return line.cells[-1]


def test_a_fax_number_two_readers_read_otherwise_is_shown_doubtful(monkeypatch):
    """Development fax 1002002: a 3 whose arms the fax lost, read a sure "1" (0.997) by the
    recogniser and "3" (0.88) by the digit reader: the recogniser's 1 stays, but a cell another
    reader saw as another number is only as sure as that reading was not (1 - 0.88), so
    the re-read of failed checks tries its other readings.  Where both read alike, no doubt."""
    cell = _fax_row(monkeypatch, ("1", 0.997), ("1", 0.997), ("3", 0.88))
    assert cell.text == "1" and cell.confidence == pytest.approx(0.12)
    cell = _fax_row(monkeypatch, ("1", 0.997), ("1", 0.997), ("1", 0.95))
    assert cell.text == "1" and cell.confidence == pytest.approx(0.997)


def test_a_fax_number_two_readers_read_alike_is_not_replaced_by_a_re_read(monkeypatch):
    """Development fax 1002004 (active.normative.issued, printed 3): the recogniser read "3"
    (0.65) and the digit reader "3" (0.83); the unsure cell was re-read, and an upscaled crop
    of the thin-armed 3 read a surer "1" (0.992), silently printed.  Two readers agreeing
    stand against the recogniser alone; the re-read still bounds how sure the cell is.
    A cell the readers disagree on still takes the surer re-read."""
    cell = _fax_row(monkeypatch, ("3", 0.65), ("1", 0.992), ("3", 0.83))
    assert cell.text == "3" and cell.confidence == pytest.approx(0.008)
    cell = _fax_row(monkeypatch, ("3", 0.65), ("1", 0.992), ("2", 0.5))
    assert cell.text == "1"


def test_a_printed_value_read_with_little_confidence_is_named():
    """Borderless fax 1002006: requests.unable_create's 3s read "1" by the recogniser, 3 by the
    digit reader (0.50, 0.76); the row's total held, no rule failed, and the 1s stood printed
    and unnamed.  Shown at most 1 - the other reading sure, such a cell is named with its
    value and confidence; chosen values (their own warnings), sure ones, text pages' and
    cells a seal's warning named are not."""
    from pipeline.datamodel import FieldCell
    from pipeline.extract import OCR_DOUBT_CONF, doubtful_warnings

    cells = {"a": FieldCell(1.0, "printed", 2, (0, 0, 1, 1), confidence=0.49),
             "b": FieldCell(1.0, "printed", 2, (0, 0, 1, 1), confidence=0.2417),
             "c": FieldCell(3.0, "reread", 2, (0, 0, 1, 1), confidence=0.1),
             "d": FieldCell(7.0, "printed", 2, (0, 0, 1, 1), confidence=OCR_DOUBT_CONF),
             "g": FieldCell(7.0, "printed", 2, (0, 0, 1, 1), confidence=OCR_DOUBT_CONF - 0.0001),
             "e": FieldCell(7.0, "printed", 1, (0, 0, 1, 1), confidence=0.1),
             "f": FieldCell(7.0, "printed", 3, (0, 0, 1, 1), confidence=0.1)}
    assert doubtful_warnings(cells, {2, 3}, frozenset({"f"})) == [
        "page 2: read with little confidence, its readings disagree: a = 1 (0.49), b = 1 (0.24), "
        f"g = 7 ({OCR_DOUBT_CONF - 0.0001:.2f})"]


def test_a_printed_value_read_two_ways_is_sorted_by_the_rules_as_a_seals_is():
    """Fax cells the two readers read otherwise (shown below OCR_DOUBT_CONF) get a seal's
    doubt (``seal_doubt``): a reading every rule of its cell balances with stays printed and
    is not named (development faxes 991400-991409: 22 of the 27 named cells, all right); one
    whose rule fails and is forced takes the rules' value (inferred); one of no rule (table
    二) is ``doubtful`` and named."""
    from pipeline.datamodel import FieldCell, Result
    from pipeline.extract import OCR_DOUBT_CONF, doubtful_warnings, resolve_ocr_doubt
    from pipeline.template import get
    from training.generate import generate

    g = generate(6)  # a 2021 report, every rule balanced
    fields = dict(g.fields)
    cells = {f: FieldCell(v, "printed" if v is not None else "blank", 2, (0, 0, 1, 1), confidence=0.99)
             for f, v in fields.items()}
    right, wrong = "requests.granted.natural_person", "requests.partial.total"
    active = next(f for f in fields if f.startswith("active.") and fields[f] is not None)
    fields[wrong] += 5
    cells[wrong].value = fields[wrong]
    for f in (right, wrong, active):
        cells[f].confidence = OCR_DOUBT_CONF / 2
    r = Result("x.pdf", "", g.template, fields=fields, cells=cells)
    present = {".".join(f.split(".")[:2]) for f, v in g.fields.items() if v is not None}
    confirmed = resolve_ocr_doubt(get(g.template), r, {2}, frozenset(), present)
    assert confirmed == {right} and cells[right].status == "printed"
    assert r.fields[wrong] == g.fields[wrong] and cells[wrong].status == "inferred" and wrong in r.inferred
    assert cells[active].status == "doubtful" and r.fields[active] == g.fields[active]
    assert any(w.startswith("read with little confidence, readings disagree") and wrong in w for w in r.warnings)
    (named,) = doubtful_warnings(cells, {2}, confirmed)
    assert active in named and right not in named and wrong not in named
    assert resolve_ocr_doubt(get(g.template), r, {1}, frozenset(), present) == frozenset()  # text pages: none


def test_a_zero_read_one_by_the_recogniser_unsurely_against_the_reader_is_doubtful():
    """Development fax 991407: requests.unable_create.total, printed 0, read "1" and shown at
    0.96 (its readers disagreeing); every rule of its row failed with its neighbours' misreads, so
    nothing confirmed it, and below the old 0.8 it stood printed and unnamed.  A cell read below
    OCR_DOUBT_CONF that no rule confirms is doubtful and named."""
    from pipeline.datamodel import FieldCell
    from pipeline.extract import doubtful_warnings

    cells = {"a": FieldCell(1.0, "doubtful", 2, (0, 0, 1, 1), confidence=0.9639),
             "b": FieldCell(1.0, "printed", 2, (0, 0, 1, 1), confidence=0.9995)}
    assert doubtful_warnings(cells, {2}) == ["page 2: read with little confidence, its readings disagree: a = 1 (0.96)"]

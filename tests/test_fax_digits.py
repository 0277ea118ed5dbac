"""The fax digit reader (``scan.digits``): slices, digit counts, and the shipped model on a
generated fax it was not trained on (seed 7039, ruled tables: tests' range; training used 960050-960089)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.backend.scan import digits


def test_slices_and_digit_count():
    crop = np.full((16, 30), 255, np.uint8)
    crop[:, 10:12] = 0
    x = digits.slice_features(crop, 3)
    assert x.shape == (3, digits.SLICE_W * digits.SLICE_H)
    assert x[0].max() == 0.0 and x[1].max() > 0.5 and x[2].max() == 0.0  # the stroke in the middle slice
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


def test_shipped_reader_reads_a_generated_faxs_number_cells(tmp_path):
    from training.fax_digits import cell_samples

    samples = cell_samples(7039, Path(tmp_path))
    assert len(samples) > 100
    got = [digits.read_digits(crop) for crop, _ in samples]
    right = sum(g is not None and g[0] == t for g, (_, t) in zip(got, samples))
    assert right >= READER_FLOOR * len(samples), (right, len(samples))


READER_FLOOR = 0.95  # share of a generated fax's integer cells the reader alone gets right

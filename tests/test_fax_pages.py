"""Fax pages and grids: orientation on pages of noise, rows placed by the grid's order,
pages read with nothing, and the fax legibility warning."""
from __future__ import annotations

import numpy as np


def test_one_odd_crop_does_not_turn_a_page_of_noise():
    """Dev fax 989200 page 2 (a dark fax, strokes run into blobs): the recogniser's
    confidences on its 10 widest pieces, as they are and turned 180°.  The turned mean is
    0.025 higher (one crop, 0.52 -> 0.85, and two read 0 as they are), yet as they are the
    crops win 4 to 3: no evidence the page is upside down."""
    from pipeline.backend.scan.orientation import turned_wins

    as_is = np.array([1.0, 0.0, 0.0, 0.0, 0.51, 0.0, 0.34, 0.0, 0.47, 0.52])
    turned = np.array([0.49, 0.27, 0.0, 0.0, 0.33, 0.0, 0.29, 0.46, 0.4, 0.85])
    assert not turned_wins(as_is, turned)
    assert turned_wins(turned, as_is) is False  # the same crops turned back: as they are 3 to 4
    upside = np.array([0.3, 0.2, 0.5, 0.1, 0.4])  # an upside-down page: turned reads surer on most crops
    assert turned_wins(upside, upside + 0.3)
    assert not turned_wins(np.array([]), np.array([]))

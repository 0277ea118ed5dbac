"""Page geometry shared by the input backends (text PDF and OCR).

Three jobs, all on plain boxes so that either backend can feed them:

* **Text lines** -- :class:`Glyph` boxes (PDF characters, or OCR words) are
  clustered into visual lines (:func:`cluster_lines`) and joined into text
  (:func:`join_glyphs`): Chinese text unspaced, a space only where the page
  shows a real gap.
* **Ruled grids** -- axis-aligned ruling segments (PDF lines and thin rects,
  or lines an image detector found) become :class:`Grid` objects
  (:func:`find_grids`): column and row boundaries, and cells with their
  ``row``/``col``/``rowspan``/``colspan`` where rules are missing between
  elementary slots (merged cells).  Tables ruled between rows only get their
  column boundaries from the text and the rules' ends
  (:func:`infer_column_rules`).
* **Tables without rules** -- visual lines ending in numbers are rows; the
  lines of their wrapped labels join them (:func:`group_rows`), and a row's
  pieces become its cells (:func:`row_cells`).

Coordinates are ``x0, top, x1, bottom`` with ``top`` growing downwards (PDF
points in the PDF backend, pixels in the OCR backend).  Every tolerance is a
named constant of its module; the grid tolerances are in PDF points and are
multiplied by ``scale`` (pixels per point) when a caller works in pixels.

Modules, one per concern: :mod:`.glyphs` (characters), :mod:`.lines` (text
lines), :mod:`.unruled` (tables without rules), :mod:`.grids` (ruled grids).
Their public names are importable from here.
"""
from __future__ import annotations

from .glyphs import (  # noqa: F401
    Box, DUPLICATE_TOLERANCE, Glyph, dedupe_glyphs, fold_radicals, glyphs_box, is_cjk, is_number,
    union_box)
from .lines import (  # noqa: F401
    CJK_SPACE_GAP, LATIN_SPACE_GAP, LINE_OVERLAP_MIN, cluster_lines, join_fragments, join_glyphs,
    median_size, mostly_bold, needs_space, v_overlap)
from .unruled import (  # noqa: F401
    HEADING_SIZE_RATIO, PIECE_GAP, VALUE_GAP, WRAP_GAP, group_rows, line_pieces, row_cells,
    value_piece_x)
from .grids import (  # noqa: F401
    CELL_RULED_MIN, CROSS_MARGIN, Grid, GridCell, INTERSECT_TOLERANCE, JOIN_TOLERANCE,
    MAX_STACK_GAP, MIN_GRID_CELLS, MIN_SEGMENT_LENGTH, MIN_STACK_RULES, RIVER_MAX_CROSSING,
    RIVER_MIN_WIDTH, RULE_COVER_MIN, SNAP_TOLERANCE, STACK_OVERLAP_MIN, STACK_SIZE_RATIO, connected_rules, crosses,
    edge_by_rules, find_grids, foreign_band, infer_column_rules, normalize_segments, rule_stacks,
    snap_values, spans, split_stack, stab_intervals)

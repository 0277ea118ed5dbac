"""The splits of the narrative-fact gold (``data/gold/facts``), written once.

Every list of splits (scoring, ``nianbao evaluate --split``, ``nianbao train --leave-out``,
the training sentences, the tests) derives from :data:`EXCERPT_SPLITS`; a round that moves a
set from held out to development edits one row here (and ``data/gold/splits.json``'s entries).
Plain tuples, no imports: the command line's parser reads it.
"""
from __future__ import annotations

# A split's role: development data (read while changing the code, trained on) or held out
# (annotated by another engineer, never trained on nor used to change the code).
DEVELOPMENT = "development"
HELD_OUT = "held_out"

# One row per split of real excerpts (each in the subfolder of its name, the text inside the
# gold): (split, what it is, role, strict). ``strict``: every gold unit is one the quantity rules
# count; the later sets keep figures in units they do not (例, a 4申请 with none), such a fact is
# left out of the training sentences (it stays a miss when scored).  Sets 2-10 keep their folder
# names after their one held-out run.
EXCERPT_SPLITS = (
    ("excerpts", "set 1", DEVELOPMENT, True),
    ("heldout2", "set 2", DEVELOPMENT, True),
    ("dev3", "the set-3 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout3", "set 3", DEVELOPMENT, False),
    ("dev4", "the set-4 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout4", "set 4", DEVELOPMENT, False),
    ("dev5", "the set-5 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout5", "set 5", DEVELOPMENT, False),
    ("dev6", "the set-6 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout6", "set 6", DEVELOPMENT, False),
    ("dev7", "the set-7 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout7", "set 7", DEVELOPMENT, False),
    ("dev8", "the set-8 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout8", "set 8", DEVELOPMENT, False),
    ("dev9", "the set-9 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout9", "set 9", DEVELOPMENT, False),
    ("dev10", "the set-10 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout10", "set 10", DEVELOPMENT, False),
    ("dev11", "the set-11 annotator's development excerpts", DEVELOPMENT, False),
    ("heldout11", "set 11, its folder from the annotator's branch", HELD_OUT, False),
)
# The report splits (data/gold/facts/*.json by their "split") and the name for all reports.
REPORT_SPLITS = ("eval", "train")
ALL_REPORTS = "all"

FACT_EXCERPT_SPLITS = tuple(s for s, _, _, _ in EXCERPT_SPLITS)
DEVELOPMENT_EXCERPT_SPLITS = tuple(s for s, _, role, _ in EXCERPT_SPLITS if role == DEVELOPMENT)
HELD_OUT_EXCERPT_SPLITS = tuple(s for s, _, role, _ in EXCERPT_SPLITS if role == HELD_OUT)
LENIENT_EXCERPT_SPLITS = tuple(s for s, _, _, strict in EXCERPT_SPLITS if not strict)
FACT_SPLITS = (*REPORT_SPLITS, *FACT_EXCERPT_SPLITS, ALL_REPORTS)


def describe(splits=FACT_EXCERPT_SPLITS) -> str:
    """``splits`` named for a help text: "excerpts (set 1), heldout2 (set 2), …"."""
    what = {s: w for s, w, _, _ in EXCERPT_SPLITS}
    return ", ".join(f"{s} ({what[s]})" for s in splits)

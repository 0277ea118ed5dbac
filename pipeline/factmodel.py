"""The spaCy pipeline that names the fact each narrative quantity states.

``spacy.blank("zh")`` (its character segmenter: offline, no dictionary download),
then two components:

* ``nianbao_quantities`` (rules): ``doc.spans["quantities"]``, the number + unit
  expressions and stated absences of ``facts.quantities``;
* ``facts`` (trained): a ``spancat_singlelabel`` whose suggester
  (``nianbao.fact_segments.v1``) proposes, per quantity, its clause context
  (``facts.segments``); each span gets one fact name of ``facts.FACT_NAMES`` or none.

The shipped pipeline lives in ``models/facts`` (``config.cfg``, weights, ``meta.json``
with the training documents and the held-out metrics).  It is loaded once per process,
on first use; importing this module imports spaCy.  The extract path runs the same
pipeline without spaCy (``pipeline.factnet``, the default engine); this module trains
it and stays the reference (``--facts-engine spacy``).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import Ragged, get_current_ops

from .facts import quantities, segments
from .factnet import MODEL_DIR, ModelMissing

SPANS_KEY = "facts"
QUANTITIES_KEY = "quantities"
# The trained component's model (spaCy's single-label span categorizer, smaller embeddings:
# the inputs are short clauses of single characters).
SPANCAT_CONFIG = {
    "spans_key": SPANS_KEY,
    "suggester": {"@misc": "nianbao.fact_segments.v1"},
    "negative_weight": 1.0,
    "allow_overlap": False,
    "model": {
        "@architectures": "spacy.SpanCategorizer.v1",
        "scorer": {"@layers": "Softmax.v2"},
        "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 128},
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 96,
                      "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"], "rows": [4000, 500, 500, 200],
                      "include_static_vectors": False},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 96,
                       "window_size": 1, "maxout_pieces": 3, "depth": 4},
        },
    },
}


def _token_span(doc: Doc, start: int, end: int) -> Optional[Span]:
    return doc.char_span(start, end, alignment_mode="expand")


def segment_spans(doc: Doc) -> list[tuple[Span, Span]]:
    """(quantity span, context span) per quantity of the doc's text."""
    qs = quantities(doc.text)
    out = []
    for q, (lo, hi) in zip(qs, segments(doc.text, qs)):
        qspan, cspan = _token_span(doc, q.start, q.end), _token_span(doc, lo, hi)
        if qspan is not None and cspan is not None:
            out.append((qspan, cspan))
    return out


@spacy.registry.misc("nianbao.fact_segments.v1")
def make_fact_segments():
    """Suggester: the clause context of each quantity (see ``facts.segments``)."""
    def suggest(docs: Iterable[Doc], *, ops=None) -> Ragged:
        ops = ops or get_current_ops()
        rows, lengths = [], []
        for doc in docs:
            spans = [(c.start, c.end) for _, c in segment_spans(doc)]
            rows += spans
            lengths.append(len(spans))
        data = ops.asarray2i(rows) if rows else ops.xp.zeros((0, 2), dtype="i")
        return Ragged(data, ops.asarray1i(lengths))
    return suggest


@Language.component("nianbao_quantities")
def quantities_component(doc: Doc) -> Doc:
    """Rules: ``doc.spans["quantities"]`` (number + unit, Chinese numerals, absences)."""
    doc.spans[QUANTITIES_KEY] = [q for q, _ in segment_spans(doc)]
    return doc


def blank() -> Language:
    """The untrained pipeline: blank zh, the quantity rules, the fact categorizer."""
    nlp = spacy.blank("zh")  # default segmenter: characters (offline)
    nlp.add_pipe("nianbao_quantities")
    nlp.add_pipe("spancat_singlelabel", name="facts", config=SPANCAT_CONFIG)
    return nlp


@lru_cache(maxsize=None)
def load(path: str = str(MODEL_DIR)) -> Language:
    """The facts pipeline at ``path`` (default: the shipped one), loaded once per process."""
    if not (Path(path) / "config.cfg").is_file():
        raise ModelMissing(f"no facts pipeline at {path} (train one with `nianbao train --facts`)")
    try:
        return spacy.load(path)
    except Exception as e:  # a pipeline of another spaCy version, a torn copy
        raise ModelMissing(f"facts pipeline at {path} cannot be loaded ({type(e).__name__}: {e})") from e


def named_quantities(nlp: Language, sentences: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
    """Per sentence, (start, end, fact name, score) of each quantity the pipeline names."""
    out = []
    for doc in nlp.pipe(sentences):
        pairs = {(c.start, c.end): q for q, c in segment_spans(doc)}
        spans = doc.spans.get(SPANS_KEY, [])
        scores = spans.attrs.get("scores") if spans is not None else None
        named = []
        for i, span in enumerate(spans or []):
            q = pairs.get((span.start, span.end))
            if q is None:
                continue
            score = float(scores[i].max()) if scores is not None else None
            named.append((q.start_char, q.end_char, span.label_, score))
        out.append(named)
    return out


def classifier(path: str = str(MODEL_DIR)):
    """A ``facts.Classifier`` over the pipeline at ``path``."""
    nlp = load(path)
    return lambda sentences: named_quantities(nlp, sentences)


def default_classifier():
    """The shipped pipeline as a ``facts.Classifier`` (raises ModelMissing)."""
    return classifier()

"""The trained line classifier: fitting, saving with a model card, loading, and the
default labeler.

Two kinds share the features of ``features.py``:

- ``crf``: a linear-chain CRF over the document's line sequence (python-crfsuite),
  as GROBID's segmentation model: it learns which label follows which, so a
  table row between table rows stays a table row however odd its text;
- ``logreg``: a scikit-learn logistic regression over the same features, one
  line at a time (context only through the neighbours' features).

A model is two files in one folder: the weights (``<name>.crfsuite`` or
``<name>.joblib``) and the card ``<name>.json`` (label set, training documents
with their sha256, metrics, library versions).  Loading checks the card against
the installed libraries and this code's feature version, and refuses a model it
cannot use with a message saying why and what to do.  A ``logreg`` model is a
joblib pickle: load only models you trust.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Sequence

from .datamodel import LABELS, Line
from .features import FEATURE_VERSION, line_features
from .labels import Labeler, rule_label

MODEL_NAME = "line_classifier"


def models_dir() -> Path:
    """Where the shipped model lives: ``models/`` of a source checkout, or the
    ``pipeline/models`` package data of an installed wheel."""
    here = Path(__file__).resolve().parent
    for d in (here.parent / "models", here / "models"):
        if (d / f"{MODEL_NAME}.json").is_file():
            return d
    return here.parent / "models"


MODELS_DIR = models_dir()
DEFAULT_CARD = MODELS_DIR / f"{MODEL_NAME}.json"
KINDS = ("crf", "logreg")
WEIGHTS_SUFFIX = {"crf": ".crfsuite", "logreg": ".joblib"}

# The kind `nianbao train` fits unless told otherwise: it scored best on the held-out
# real reports, and as well as logreg on generated reports not trained on (README).
DEFAULT_KIND = "crf"
# CRF training: L1 and L2 penalties.  A strong L2 penalty alone generalised from
# generated to real reports better than a sparse elastic net (c1 0.05, c2 0.01).
CRF_C1 = 0.0
CRF_C2 = 1.0
CRF_MAX_ITERATIONS = 300
# Logistic regression: inverse regularisation strength and solver iterations.
LOGREG_C = 1.0
LOGREG_MAX_ITER = 3000


class ModelError(Exception):
    """A model file that cannot be used here (missing, corrupt, other library versions)."""


def dist_version(name: str) -> str:
    """Installed version of a distribution.  Read from its ``*.dist-info`` folder
    on ``sys.path`` when there is one: ``importlib.metadata`` costs a text dump's
    start-up about 25 ms (it imports the email parser); the metadata API is the
    fallback."""
    prefix = name.replace("-", "_").lower() + "-"
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                for d in it:
                    low = d.name.lower()
                    if low.startswith(prefix) and low.endswith(".dist-info"):
                        return d.name[len(prefix):-len(".dist-info")]
        except OSError:
            continue
    from importlib.metadata import version
    return version(name)


def library_versions(kind: Optional[str] = None) -> dict:
    """Versions of what a model depends on, written into its card.

    With ``kind="crf"`` only what a CRF needs (python-crfsuite, the features):
    checking the shipped CRF then never imports scikit-learn or numpy, which
    would cost a text dump most of its run time.
    """
    have = {"python": "%d.%d.%d" % sys.version_info[:3]}
    if kind != "crf":
        import numpy
        import sklearn
        have.update({"numpy": numpy.__version__, "sklearn": sklearn.__version__})
    have.update({"crfsuite": dist_version("python-crfsuite"), "features": FEATURE_VERSION})
    return have


def _major_minor(v: str) -> tuple:
    return tuple(v.split(".")[:2])


def compatibility_problems(card: dict, installed: Optional[dict] = None) -> list[str]:
    """Why a model with this card cannot be loaded here (empty when it can).

    CRFsuite's file format is stable within a minor version; a pickled
    scikit-learn model is only safe with the scikit-learn (and numpy major) it
    was made with.
    """
    kind = card.get("kind")
    have = installed or library_versions(kind if kind == "crf" else None)
    made = card.get("versions", {})
    problems = []
    if made.get("features") != have["features"]:
        problems.append(f"it uses line features version {made.get('features')}, this nianbao "
                        f"computes version {have['features']}")
    if kind not in KINDS:
        problems.append(f"unknown model kind {kind!r}")
    elif kind == "crf" and _major_minor(made.get("crfsuite", "?")) != _major_minor(have["crfsuite"]):
        problems.append(f"it was trained with python-crfsuite {made.get('crfsuite')}, "
                        f"{have['crfsuite']} is installed")
    elif kind == "logreg":
        if _major_minor(made.get("sklearn", "?")) != _major_minor(have["sklearn"]):
            problems.append(f"it was trained with scikit-learn {made.get('sklearn')}, "
                            f"{have['sklearn']} is installed")
        if made.get("numpy", "?").split(".")[0] != have["numpy"].split(".")[0]:
            problems.append(f"it was trained with numpy {made.get('numpy')}, {have['numpy']} is installed")
    return problems


@dataclass
class LineClassifier:
    """A fitted model; calling it on a document's lines gives their labels (a Labeler)."""
    kind: str
    model: Any  # crf: the CRFsuite model bytes; logreg: a fitted sklearn Pipeline
    card: dict = field(default_factory=dict)
    path: Optional[str] = None  # the card it was loaded from
    card_sha256: Optional[str] = None  # of the card file's bytes: which model, exactly

    def __post_init__(self) -> None:
        self._tagger = None
        if self.kind == "crf":
            import pycrfsuite
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open_inmemory(self.model)

    @property
    def labels(self) -> list[str]:
        return list(self.card.get("labels", LABELS))

    def predict(self, lines: Sequence[Line]) -> list[str]:
        """Labels of a document's lines, in order; labels the input already set are kept."""
        if not lines:
            return []
        feats = line_features(lines)
        if self.kind == "crf":
            labels = list(self._tagger.tag(feats))
        else:
            labels = list(self.model.predict([dict.fromkeys(f, 1) for f in feats]))
        return [ln.label or lab for ln, lab in zip(lines, labels)]

    __call__ = predict


def fit(docs: Sequence[tuple[Sequence[Line], Sequence[str]]], kind: str = DEFAULT_KIND) -> LineClassifier:
    """Train on (lines, labels) documents; deterministic for the same input."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    labels = sorted({lab for _, ys in docs for lab in ys})
    card = {"kind": kind, "labels": [lab for lab in LABELS if lab in labels] +
            [lab for lab in labels if lab not in LABELS]}
    if kind == "crf":
        return LineClassifier(kind, _fit_crf(docs), card)
    return LineClassifier(kind, _fit_logreg(docs), card)


def _fit_crf(docs) -> bytes:
    import tempfile

    import pycrfsuite
    trainer = pycrfsuite.Trainer(verbose=False)
    for lines, ys in docs:
        trainer.append(line_features(lines), list(ys))
    trainer.set_params({"c1": CRF_C1, "c2": CRF_C2, "max_iterations": CRF_MAX_ITERATIONS,
                        "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.crfsuite")
        trainer.train(path)
        return Path(path).read_bytes()


def _fit_logreg(docs):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    X, y = [], []
    for lines, ys in docs:
        X += [dict.fromkeys(f, 1) for f in line_features(lines)]
        y += list(ys)
    model = make_pipeline(DictVectorizer(), LogisticRegression(C=LOGREG_C, max_iter=LOGREG_MAX_ITER))
    return model.fit(X, y)


# --- files -----------------------------------------------------------------------

def save(clf: LineClassifier, out_dir: str | Path, name: str = MODEL_NAME, card: Optional[dict] = None) -> Path:
    """Write weights and card into ``out_dir``; returns the card's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / f"{name}{WEIGHTS_SUFFIX[clf.kind]}"
    if clf.kind == "crf":
        weights.write_bytes(clf.model)
    else:
        import joblib
        joblib.dump(clf.model, weights)
    full = dict(clf.card)
    full.update(card or {})
    # The card names its weights by content, so a card left behind by a retrain is caught.
    full.update({"kind": clf.kind, "weights": weights.name,
                 "weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
                 "versions": library_versions()})
    path = out / f"{name}.json"
    path.write_text(json.dumps(full, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    clf.card = full
    return path


def load(path: str | Path) -> LineClassifier:
    """Load a model from its card (``.json``), its weights file, or its folder."""
    p = Path(path)
    if p.is_dir():
        p = p / f"{MODEL_NAME}.json"
    elif p.suffix in WEIGHTS_SUFFIX.values():
        p = p.with_suffix(".json")
    if not p.is_file():
        raise ModelError(f"no model card at {p}")
    try:
        card = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot read model card {p}: {e}") from e
    problems = compatibility_problems(card)
    if problems:
        raise ModelError(f"cannot load the model {p}: " + "; ".join(problems) +
                         ". Retrain it with `nianbao train` here, or install the versions in its card.")
    weights = p.parent / card.get("weights", "")
    if not weights.is_file():
        raise ModelError(f"model card {p} names weights {weights.name}, which are missing")
    digest = card.get("weights_sha256")
    if digest and hashlib.sha256(weights.read_bytes()).hexdigest() != digest:
        raise ModelError(f"model card {p} describes other weights than {weights.name} (sha256 differs): "
                         "the card is stale; retrain with `nianbao train training/data --replace`")
    where = {"path": str(p.resolve()), "card_sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
    try:
        if card["kind"] == "crf":
            return LineClassifier("crf", weights.read_bytes(), card, **where)
        import joblib
        return LineClassifier("logreg", joblib.load(weights), card, **where)
    except Exception as e:  # a corrupt file must say which file
        raise ModelError(f"cannot load model weights {weights}: {type(e).__name__}: {e}") from e


@lru_cache(maxsize=4)
def load_cached(path: str) -> LineClassifier:
    """``load``, once per process and path (batch workers label many files with one model)."""
    return load(path)


def describe(labeler: Labeler) -> dict:
    """What a result records as its ``labeler``: name, kind, card path and the card's sha256."""
    if isinstance(labeler, LineClassifier):
        return {"name": labeler.card.get("name", MODEL_NAME), "kind": labeler.kind,
                "path": labeler.path, "sha256": labeler.card_sha256}
    if labeler is rule_label:
        return {"name": "rules", "kind": "rules", "path": None, "sha256": None}
    return {"name": getattr(labeler, "__name__", type(labeler).__name__), "kind": "custom",
            "path": None, "sha256": None}


@lru_cache(maxsize=1)
def default_labeler() -> Labeler:
    """The shipped model, loaded once per process; the rule labeler, with a warning,
    when the model is missing or cannot be used here."""
    try:
        return load(DEFAULT_CARD)
    except ModelError as e:
        warnings.warn(f"{e}; labelling lines with the rule labeler instead", RuntimeWarning, stacklevel=2)
        return rule_label


def resolve_labeler(spec: str) -> Labeler:
    """``rules``, ``model`` (the shipped one) or a model path -> a labeler."""
    if spec == "rules":
        return rule_label
    if spec == "model":
        return load(DEFAULT_CARD)
    return load(spec)

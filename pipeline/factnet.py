"""The shipped facts pipeline run without spaCy: the same tokens, features and trained
span categorizer, computed with numpy from the same ``models/facts`` directory.

Importing spaCy costs about 0.66 s, most of a text dump's extract; the trained part of
``pipeline.factmodel``'s pipeline is small.  This module re-implements its inference
path, reading whatever ``nianbao train --facts`` wrote (no copy of the weights):

* tokens: ``spacy.blank("zh")``'s character segmenter (:func:`tokens`);
* features: each token's NORM, PREFIX, SUFFIX, SHAPE as spaCy string ids
  (:func:`string_id`: 64-bit MurmurHash2 of the UTF-8, spaCy's reserved symbols first);
* the span categorizer (``facts/model``, thinc's msgpack; :class:`SpanNet`): four hash
  embeddings, a Maxout mixer, a residual Maxout window encoder, the mean-max reducer,
  a softmax, then spaCy's single-label decision (argmax, the negative label dropped,
  spans ranked by score, no overlap).

The arithmetic is float32 through the matrix product thinc itself uses (BLIS, where
installed), so the scores are thinc's; ``tests/test_factnet.py`` checks that both
engines name the same quantities with the same scores on every bundled narrative and
generated ones.  spaCy stays the trainer and the reference (``--facts-engine spacy``).
A pipeline whose shape this module does not know raises :class:`NetMismatch`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import msgpack
import numpy as np

from .facts import quantities, segments


def _models_dir() -> Path:
    """``models/`` of a checkout, or the ``pipeline/models`` package data of an installed wheel."""
    here = Path(__file__).resolve().parent
    for d in (here.parent / "models", here / "models"):
        if (d / "facts" / "config.cfg").is_file():
            return d
    return here.parent / "models"


MODEL_DIR = _models_dir() / "facts"


class ModelMissing(RuntimeError):
    """The shipped facts pipeline is not there or cannot be loaded."""


# --- tokens --------------------------------------------------------------------


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token of ``spacy.blank("zh")`` (segmenter "char").

    One token per non-space character; one space right after a token is its
    trailing whitespace; any other run of whitespace is a token of its own
    (``spacy.util.get_words_and_spaces``).
    """
    out: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        start = pos
        while pos < n and text[pos].isspace():
            pos += 1
        if pos > start:
            out.append((start, pos))  # a whitespace run: its own token
            if pos == n:
                break
        out.append((pos, pos + 1))
        pos += 1
        if pos < n and text[pos] == " ":
            pos += 1  # the token's trailing space
    return out


# --- lexical features as spaCy string ids --------------------------------------

# spaCy's reserved symbols (spacy.symbols.IDS) a token attribute can equal: every one of
# three characters or fewer (a token is one character, whose attributes are at most three
# characters long, or a run of whitespace, which no symbol holds).
SYMBOLS = {"": 0, "ID": 64, "POS": 74, "TAG": 75, "DEP": 76, "IDX": 455, "ADJ": 84, "ADP": 85,
           "ADV": 86, "AUX": 87, "DET": 90, "NUM": 93, "SYM": 99, "X": 101, "EOL": 102, "ORG": 383,
           "GPE": 384, "LOC": 385, "aux": 405, "cc": 407, "cop": 411, "dep": 414, "det": 415,
           "neg": 425, "nn": 427, "num": 431, "obj": 434, "obl": 435, "prt": 444, "acl": 451,
           "LAW": 390, "_": 456}
# spaCy's base norms (spacy.lang.norm_exceptions.BASE_NORMS): NORM looks here before lower().
BASE_NORMS = {"'s": "'s", "'S": "'s", "’s": "'s", "’S": "'s", "’": "'", "‘": "'", "´": "'", "`": "'",
              "”": '"', "“": '"', "''": '"', "``": '"', "´´": '"', "„": '"', "»": '"', "«": '"', "‘‘": '"',
              "’’": '"', "？": "?", "！": "!", "，": ",", "；": ";", "：": ":", "。": ".", "।": ".",
              "…": "...", "—": "-", "–": "-", "--": "-", "---": "-", "——": "-", "€": "$", "£": "$",
              "¥": "$", "฿": "$", "US$": "$", "C$": "$", "A$": "$", "₺": "$", "₹": "$", "৳": "$",
              "₩": "$", "Mex$": "$", "₣": "$", "E£": "$"}
# spaCy's attribute ids (spacy.attrs) of the features an embedding may read.
ATTR_IDS = {"ORTH": 65, "LOWER": 66, "NORM": 67, "SHAPE": 68, "PREFIX": 69, "SUFFIX": 70}
_M64 = (1 << 64) - 1


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A (Austin Appleby), the hash of spaCy's ``hash_string``."""
    m, r = 0xC6A4A7935BD1E995, 47
    h = (seed ^ (len(data) * m)) & _M64
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * m) & _M64
        k = ((k ^ (k >> r)) * m) & _M64
        h = ((h ^ k) * m) & _M64
    if whole < len(data):
        h = ((h ^ int.from_bytes(data[whole:], "little")) * m) & _M64
    h = ((h ^ (h >> r)) * m) & _M64
    return h ^ (h >> r)


def string_id(s: str) -> int:
    """spaCy's id of a string (``StringStore.add``)."""
    if s in SYMBOLS:
        return SYMBOLS[s]
    return murmurhash64a(s.encode("utf-8"))


def word_shape(text: str) -> str:
    """spaCy's SHAPE: x / X / d per character, runs cut at four."""
    if len(text) >= 100:
        return "LONG"
    shape, last, seq = [], "", 0
    for c in text:
        sc = ("X" if c.isupper() else "x") if c.isalpha() else "d" if c.isdigit() else c
        if sc == last:
            seq += 1
        else:
            seq, last = 0, sc
        if seq < 4:
            shape.append(sc)
    return "".join(shape)


ATTR_GETTERS = {
    "ORTH": lambda s: s,
    "LOWER": str.lower,
    "NORM": lambda s: BASE_NORMS.get(s, s.lower()),
    "SHAPE": word_shape,
    "PREFIX": lambda s: s[:1],
    "SUFFIX": lambda s: s[-3:],
}


@lru_cache(maxsize=65536)
def token_ids(token: str, columns: tuple[str, ...]) -> tuple[int, ...]:
    """A token's feature ids, one per attribute of ``columns`` (``Doc.to_array``)."""
    return tuple(string_id(ATTR_GETTERS[c](token)) for c in columns)


def hash_keys(ids, seed: int):
    """The four 32-bit keys thinc's ``HashEmbed`` draws for each 64-bit id: an (n, 4)
    uint64 array (``MurmurHash3_x86_128_uint64`` of ``thinc.backends.numpy_ops``)."""
    u = np.uint64
    with np.errstate(over="ignore"):
        def fmix(k):
            k = (k ^ (k >> u(33))) * u(0xFF51AFD7ED558CCD)
            k = (k ^ (k >> u(33))) * u(0xC4CEB9FE1A85EC53)
            return k ^ (k >> u(33))
        h1 = np.asarray(ids, dtype=u) * u(0x87C37B91114253D5)
        h1 = ((h1 << u(31)) | (h1 >> u(33))) * u(0x4CF5AD432745937F)
        h1 = h1 ^ u(seed ^ 8)
        h2 = np.full_like(h1, seed ^ 8)
        h1 = h1 + h2
        h2 = h2 + h1
        h1, h2 = fmix(h1), fmix(h2)
        h1 = h1 + h2
        h2 = h2 + h1
    low = u(0xFFFFFFFF)
    return np.stack([h1 & low, h1 >> u(32), h2 & low, h2 >> u(32)], axis=1)


# --- the trained span categorizer ----------------------------------------------


class NetMismatch(RuntimeError):
    """The pipeline on disk is not the architecture this module runs."""


# The span categorizer's layers, as thinc names the chain (``Model.name``).
ARCHITECTURE = re.compile(
    r"with_getitem\(extract_features>>list2ragged>>with_array\(ints-getitem>>hashembed"
    r"(?:\|ints-getitem>>hashembed)*\)>>with_array\(maxout>>layernorm>>dropout\)>>ragged2list>>"
    r"with_array\(residual\(expand_window>>maxout>>layernorm>>dropout\)"
    r"(?:>>residual\(expand_window>>maxout>>layernorm>>dropout\))*\)>>list2ragged\)>>extract_spans>>"
    r"reduce_last\|reduce_first\|reduce_mean\|reduce_max>>maxout>>layernorm>>dropout>>softmax")
# What config.cfg must say: blank zh (characters), the quantity rules, a single-label spancat.
CONFIG = {("nlp", "lang"): '"zh"', ("nlp", "pipeline"): '["nianbao_quantities", "facts"]',
          ("nlp.tokenizer", "segmenter"): '"char"', ("components.facts", "factory"): '"spancat_singlelabel"',
          ("components.facts.suggester", "@misc"): '"nianbao.fact_segments.v1"',
          ("components.facts.model.tok2vec.embed", "include_static_vectors"): "false"}
# thinc's LayerNorm adds this to the variance.
LAYERNORM_EPS = 1e-08


@dataclass
class Maxout:
    """A thinc ``Maxout`` and the ``LayerNorm`` after it (normalize=True)."""
    W: np.ndarray  # (nO * nP, nI) float32
    b: np.ndarray  # (nO * nP,)
    G: np.ndarray  # (nO,)
    beta: np.ndarray  # (nO,)
    nO: int
    nP: int


@dataclass
class SpanNet:
    """The weights and settings of a trained ``spancat_singlelabel`` facts component."""
    columns: list[str]  # the token attribute each embedding reads
    embeds: list[tuple[np.ndarray, int]]  # (table (nV, width), hash seed) per column
    mixer: Maxout
    encoder: list[Maxout]  # residual window-1 layers
    pad: int  # zero rows around each document (thinc ``with_array(pad=...)``)
    reducer: Maxout
    W: np.ndarray  # softmax (nO, nI)
    b: np.ndarray
    normalize: bool
    temperature: float
    labels: list[str]
    negative: Optional[int]  # the index of the "no fact" column
    allow_overlap: bool
    threshold: Optional[float]


def _array(d: dict) -> np.ndarray:
    """A read-only numpy view of srsly's msgpack form of an array."""
    return np.frombuffer(d[b"data"], dtype=np.dtype(d[b"type"])).reshape(d[b"shape"])


def _config_values(text: str) -> dict[tuple[str, str], str]:
    """(section, key) -> raw value of a spaCy ``config.cfg``."""
    out, section = {}, ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line:
            k, v = line.split("=", 1)
            out[(section, k.strip())] = v.strip()
    return out


def load_net(path: str | Path) -> SpanNet:
    """The span categorizer of the facts pipeline at ``path`` (``facts/model``, ``facts/cfg``).

    Raises ModelMissing when there is none, NetMismatch when it is another architecture.
    """
    path = Path(path)
    if not (path / "config.cfg").is_file():
        raise ModelMissing(f"no facts pipeline at {path} (train one with `nianbao train --facts`)")
    conf = _config_values((path / "config.cfg").read_text(encoding="utf-8"))
    for (section, key), value in CONFIG.items():
        if conf.get((section, key)) != value:
            raise NetMismatch(f"{path / 'config.cfg'}: [{section}] {key} = {conf.get((section, key))}, not {value}")
    try:
        cfg = json.loads((path / "facts" / "cfg").read_text(encoding="utf-8"))
        msg = msgpack.unpackb((path / "facts" / "model").read_bytes(), raw=False, strict_map_key=False)
        nodes, params = msg["nodes"], msg["params"]
        attrs = [{k: msgpack.unpackb(v, raw=False) for k, v in a.items()} for a in msg["attrs"]]
    except (OSError, ValueError, KeyError, TypeError) as e:  # a torn copy
        raise ModelMissing(f"facts pipeline at {path} cannot be read ({type(e).__name__}: {e})") from e
    lookups = path / "vocab" / "lookups.bin"
    if lookups.is_file() and "lexeme_norm" in (msgpack.unpackb(lookups.read_bytes(), raw=False) or {}):
        raise NetMismatch(f"{path}: a vocabulary with its own norm table")  # NORM would not be lower()
    if not ARCHITECTURE.fullmatch(nodes[0]["name"]):
        raise NetMismatch(f"{path}: the facts component is {nodes[0]['name'][:80]}…, not the known span categorizer")
    if cfg.get("max_positive") != 1:
        raise NetMismatch(f"{path}: a multi-label span categorizer (max_positive={cfg.get('max_positive')})")
    # thinc stores the layers breadth-first: the reducer's Maxout, the embedding mixer,
    # then the encoder's layers in order; each LayerNorm in the same order.
    idx = {name: [i for i, n in enumerate(nodes) if n["name"] == name]
           for name in ("hashembed", "maxout", "layernorm", "softmax", "extract_features", "expand_window")}
    pads = [attrs[i]["pad"] for i, n in enumerate(nodes) if n["name"].startswith("with_array(residual(")]
    depth = len(idx["maxout"]) - 2
    if (len(idx["layernorm"]) != depth + 2 or depth < 1 or depth != len(idx["expand_window"])
            or len(idx["softmax"]) != 1 or len(pads) != 1 or len(idx["extract_features"]) != 1):
        raise NetMismatch(f"{path}: unexpected layers in the facts component")
    if any(attrs[i]["window_size"] != 1 for i in idx["expand_window"]) or pads[0] < depth:
        raise NetMismatch(f"{path}: an encoder window other than 1, or documents that see each other")
    names = {v: k for k, v in ATTR_IDS.items()}  # columns are stored as names or as spaCy ids
    columns = [names.get(c, c if c in ATTR_IDS else None) for c in attrs[idx["extract_features"][0]]["columns"]]
    if None in columns:
        raise NetMismatch(f"{path}: an embedding of an attribute this module does not compute ({columns})")

    def maxout(i: int, j: int) -> Maxout:
        nO, nP, nI = (nodes[i]["dims"][d] for d in ("nO", "nP", "nI"))
        return Maxout(_array(params[i]["W"]).reshape(nO * nP, nI), _array(params[i]["b"]).reshape(nO * nP),
                      _array(params[j]["G"]), _array(params[j]["b"]), nO, nP)
    mo = [maxout(i, j) for i, j in zip(idx["maxout"], idx["layernorm"])]
    embeds = sorted((attrs[i]["column"], i) for i in idx["hashembed"])
    sm = idx["softmax"][0]
    labels = list(cfg["labels"])
    W = _array(params[sm]["W"])
    negative = len(labels) if W.shape[0] == len(labels) + 1 else None
    if W.shape[0] != len(labels) + (negative is not None):
        raise NetMismatch(f"{path}: {W.shape[0]} scores for {len(labels)} labels")
    return SpanNet(columns=[columns[c] for c, _ in embeds],
                   embeds=[(_array(params[i]["E"]), attrs[i]["seed"]) for _, i in embeds],
                   mixer=mo[1], encoder=mo[2:], pad=pads[0], reducer=mo[0],
                   W=W, b=_array(params[sm]["b"]), normalize=bool(attrs[sm]["softmax_normalize"]),
                   temperature=float(attrs[sm]["softmax_temperature"]), labels=labels, negative=negative,
                   allow_overlap=bool(cfg.get("allow_overlap", True)), threshold=cfg.get("threshold"))


def _blis_gemm(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    import blis.py
    return blis.py.gemm(X, W, trans2=True, beta=0.0)


def _numpy_gemm(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    return X @ W.T


def gemm_function():
    """``X @ W.T`` in float32: BLIS (the product thinc computes, to the last bit) where installed."""
    try:
        import blis.py  # noqa: F401  (comes with thinc)
    except ImportError:  # numpy's BLAS: the same up to rounding
        return _numpy_gemm
    return _blis_gemm


def _maxout(X: np.ndarray, layer: Maxout, gemm) -> np.ndarray:
    """thinc ``Maxout`` then ``LayerNorm``, row by row (the same operations in the same order)."""
    Y = gemm(np.ascontiguousarray(X), layer.W)
    Y += layer.b
    Z = Y.reshape(Y.shape[0], layer.nO, layer.nP)
    best = Z[:, :, 0]
    for p in range(1, layer.nP):  # the max of the pieces (a pairwise max is exact: any order)
        best = np.maximum(best, Z[:, :, p])
    mu = best.mean(axis=1, keepdims=True)
    var = best.var(axis=1, keepdims=True) + LAYERNORM_EPS
    out = (best - mu) * var ** (-1.0 / 2.0)
    out = out * layer.G
    out += layer.beta
    return out


def _seq2col(X: np.ndarray) -> np.ndarray:
    """Each row beside its neighbours (thinc ``expand_window``, window 1; zeros past the ends)."""
    n, width = X.shape
    cols = np.zeros((n, 3, width), dtype=X.dtype)
    cols[1:, 0] = X[:-1]
    cols[:, 1] = X
    cols[:-1, 2] = X[1:]
    return cols.reshape(n, 3 * width)


def _regions(n: int, spans: Sequence[tuple[int, int]], pad: int, depth: int) -> list[tuple[int, int]]:
    """The stretches of a document padded by ``pad`` zero rows each side whose encoder
    output the spans read, each widened by the ``depth`` rows that feed its ends."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        lo, hi = max(0, a + pad - depth), min(n + 2 * pad, b + pad + depth)
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def span_vectors(net: SpanNet, docs: Sequence[tuple[str, Sequence[tuple[int, int]], Sequence[tuple[int, int]]]],
                 gemm) -> list[list[np.ndarray]]:
    """Per document (text, tokens, token spans), each span's encoded token rows.

    thinc encodes every token of every document (between ``pad`` zero rows); a token's
    output depends only on the rows within ``depth`` of it, so only the stretches around
    the spans are computed, laid end to end: a row beside the wrong neighbour is wrong only
    within ``depth`` rows of that seam, which the widening keeps outside the spans.
    """
    depth, pad = len(net.encoder), net.pad
    regions = [_regions(len(toks), spans, pad, depth) for _, toks, spans in docs]
    # The tokens the regions hold (padding rows are zeros after the mixer).
    strings = [text[toks[p - pad][0]:toks[p - pad][1]]
               for (text, toks, _), regs in zip(docs, regions) for lo, hi in regs
               for p in range(lo, hi) if 0 <= p - pad < len(toks)]
    rows = sum(hi - lo for regs in regions for lo, hi in regs)
    width = net.mixer.nO
    H = np.zeros((rows, width), dtype=np.float32)
    if strings:
        parts = []
        columns = tuple(net.columns)
        table = [token_ids(s, columns) for s in strings]
        for c, (E, seed) in enumerate(net.embeds):
            ids = [t[c] for t in table]
            k = (hash_keys(ids, seed) % np.uint64(E.shape[0])).astype(np.intp)
            parts.append(E[k[:, 0]] + E[k[:, 1]] + E[k[:, 2]] + E[k[:, 3]])  # gather_add, in key order
        mixed = _maxout(np.concatenate(parts, axis=1), net.mixer, gemm)
        token_rows = [r for r, p in enumerate(_padded_positions(docs, regions, pad)) if p]
        H[token_rows] = mixed
    for layer in net.encoder:
        H = H + _maxout(_seq2col(H), layer, gemm)
    out, at = [], 0
    for (_, _, spans), regs in zip(docs, regions):
        starts = []
        for lo, hi in regs:
            starts.append((lo, hi, at))
            at += hi - lo
        doc_out = []
        for a, b in spans:
            lo, hi, base = next(r for r in starts if r[0] <= a + pad and b + pad <= r[1])
            doc_out.append(H[base + a + pad - lo: base + b + pad - lo])
        out.append(doc_out)
    return out


def _padded_positions(docs, regions, pad: int) -> list[bool]:
    """Per row of the laid-out regions: whether it holds a token (else a padding row)."""
    out = []
    for (_, toks, _), regs in zip(docs, regions):
        for lo, hi in regs:
            out += [0 <= p - pad < len(toks) for p in range(lo, hi)]
    return out


def span_scores(net: SpanNet, vectors: Sequence[Sequence[np.ndarray]], gemm) -> list[np.ndarray]:
    """Per document, the (spans, labels + 1) scores of its spans' encoded rows."""
    rows = []
    for doc_rows in vectors:
        for seg in doc_rows:
            mean = np.zeros(seg.shape[1], dtype=seg.dtype)
            scale = np.float32(1.0 / len(seg))
            for row in seg:  # thinc's reduce_mean: a running sum of scaled rows
                mean += scale * row
            rows.append(np.concatenate([seg[-1], seg[0], mean, seg.max(axis=0)]))
    if not rows:
        return [np.zeros((0, len(net.b)), dtype=np.float32) for _ in vectors]
    Y = gemm(_maxout(np.stack(rows), net.reducer, gemm), net.W)
    Y += net.b
    if net.normalize:
        if net.temperature != 1.0:
            Y = Y / net.temperature
        Y = np.exp(Y - np.max(Y, axis=-1, keepdims=True))
        Y /= Y.sum(axis=-1, keepdims=True)
    out, at = [], 0
    for doc_rows in vectors:
        out.append(Y[at:at + len(doc_rows)])
        at += len(doc_rows)
    return out


def decide(net: SpanNet, spans: Sequence[tuple[int, int]], scores: np.ndarray) -> list[tuple[int, int, str, float]]:
    """spaCy's single-label decision over one document's spans: (start, end, label, score),
    the most confident first (``SpanCategorizer._make_span_group_singlelabel``)."""
    if scores.size == 0:
        return []
    indices = np.asarray(spans, dtype="i").reshape(-1, 2)
    predicted = scores.argmax(axis=1)
    best = np.take_along_axis(scores, np.expand_dims(predicted, 1), axis=1)
    keeps = np.ones(predicted.shape, dtype=bool)
    if net.negative is not None:
        keeps = np.logical_and(keeps, predicted != net.negative)
    if net.threshold is not None:
        keeps = np.logical_and(keeps, (best >= net.threshold).squeeze())
    if not net.allow_overlap:  # a span overlapping a more confident kept one is dropped
        order = (best.squeeze() * -1).argsort()
        best, predicted, indices, keeps = best[order], predicted[order], indices[order], keeps[order]
    seen: set[int] = set()
    out = []
    for i in range(indices.shape[0]):
        if not keeps[i]:
            continue
        a, b = int(indices[i, 0]), int(indices[i, 1])
        if not net.allow_overlap:
            if any(e in seen for e in range(a, b)):
                continue
            seen.update(range(a, b))
        out.append((a, b, net.labels[predicted[i]], float(best[i].max())))
    return out


def _token_bounds(toks: Sequence[tuple[int, int]], start: int, end: int) -> Optional[tuple[int, int]]:
    """The tokens a character span touches (spaCy's ``char_span(alignment_mode="expand")``)."""
    first = next((i for i, (_, b) in enumerate(toks) if b > start), None)
    last = next((i for i in range(len(toks) - 1, -1, -1) if toks[i][0] < end), None)
    if first is None or last is None or last < first:
        return None
    return first, last + 1


def segment_spans(text: str, toks: Sequence[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(quantity characters, context tokens) per quantity: ``factmodel.segment_spans`` without a Doc."""
    qs = quantities(text)
    out = []
    for q, (lo, hi) in zip(qs, segments(text, qs)):
        c = _token_bounds(toks, lo, hi)
        if _token_bounds(toks, q.start, q.end) is not None and c is not None:
            out.append(((q.start, q.end), c))
    return out


def named_quantities(net: SpanNet, sentences: Sequence[str], gemm=None) -> list[list[tuple[int, int, str, float]]]:
    """Per sentence, (start, end, fact name, score) of each quantity named: what
    ``factmodel.named_quantities`` gives for the same pipeline."""
    gemm = gemm or gemm_function()
    toks = [tokens(s) for s in sentences]
    segs = [segment_spans(s, t) for s, t in zip(sentences, toks)]
    live = [i for i, seg in enumerate(segs) if seg]
    docs = [(sentences[i], toks[i], [c for _, c in segs[i]]) for i in live]
    scores = dict(zip(live, span_scores(net, span_vectors(net, docs, gemm), gemm))) if docs else {}
    out = []
    for i, seg in enumerate(segs):
        pairs = {c: q for q, c in seg}
        named = []
        for a, b, label, score in (decide(net, [c for _, c in seg], scores[i]) if seg else []):
            q = pairs.get((a, b))
            if q is not None:
                named.append((q[0], q[1], label, score))
        out.append(named)
    return out


@lru_cache(maxsize=None)
def load(path: str = str(MODEL_DIR)) -> SpanNet:
    """The span categorizer at ``path`` (default: the shipped one), read once per process."""
    return load_net(path)


def classifier(path: str = str(MODEL_DIR)):
    """A ``facts.Classifier`` over the pipeline at ``path``, without spaCy."""
    net, gemm = load(path), gemm_function()
    return lambda sentences: named_quantities(net, sentences, gemm)

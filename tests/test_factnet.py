"""The numpy engine of the facts pipeline (pipeline.factnet) against spaCy running the
same shipped pipeline: the same tokens, features, named quantities and scores."""
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline import factmodel, factnet, facts
from pipeline.factsplits import DEVELOPMENT_EXCERPT_SPLITS
from pipeline.extract import extract_file, read_facts

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "corpus" / "real"
# Every bundled real report the default suite reads quickly (text dumps, web pages, text
# PDFs); the simulated scans are in the slow test.
REAL_INPUTS = sorted([*(ROOT / "data" / "seeds").glob("*.txt"), *REAL.glob("*.page.txt"), *REAL.glob("*.html"),
                      *(p for p in REAL.glob("*.pdf") if ".scan." not in p.name),
                      *(ROOT / "data" / "corpus" / "written").glob("*.txt")])
# Generated reports for the parity check: a range training never used (it takes 0..299).
GENERATED_SEEDS = range(1000, 1060)


def _narrative_sentences(paths) -> list[str]:
    """The sentences each report's extract hands the facts classifier."""
    seen: list[str] = []

    def capture(sents):
        seen.extend(sents)
        return [[] for _ in sents]
    for p in paths:
        extract_file(str(p), classify=capture)
    return seen


@pytest.fixture(scope="module")
def real_sentences():
    per_input = {p.name: _narrative_sentences([p]) for p in REAL_INPUTS}
    assert all(per_input.values()), [k for k, v in per_input.items() if not v]  # each report has some
    return [s for v in per_input.values() for s in v]


@pytest.fixture(scope="module")
def nlp():
    return factmodel.load()


def _same(nlp, sents):
    ref = factmodel.named_quantities(nlp, sents)
    got = factnet.named_quantities(factnet.load(), sents)
    return [(s, a, b) for s, a, b in zip(sents, ref, got) if a != b]


def test_every_bundled_real_narrative_is_named_as_spacy_names_it(nlp, real_sentences):
    assert len(REAL_INPUTS) >= 16 and len(real_sentences) > 120
    named = factmodel.named_quantities(nlp, real_sentences)
    assert sum(map(len, named)) > 80  # the comparison covers many named quantities (100 with the i12c model)
    assert _same(nlp, real_sentences) == []  # spans, names and scores, to the last bit


@pytest.mark.parametrize("folder", [s for s in DEVELOPMENT_EXCERPT_SPLITS
                                    if list((ROOT / "data" / "gold" / "facts" / s).glob("*.json"))])
def test_real_excerpts_are_named_as_spacy_names_them(nlp, folder):
    """The real excerpts of data/gold/facts (the development splits of ``factsplits``), as
    ``evaluate --split FOLDER`` reads them."""
    sents = []
    for p in sorted((ROOT / "data" / "gold" / "facts" / folder).glob("*.json")):
        text = unicodedata.normalize("NFKC", json.loads(p.read_text(encoding="utf-8"))["text"])
        sents += [s for _, s in facts.sentences(facts.unwrap(text)) if facts.quantities(s)]
    assert len(sents) >= 23
    assert _same(nlp, sents) == []


def test_generated_narratives_are_named_as_spacy_names_them(nlp):
    from training.facts import generator_sentences, phrase_sentences
    sents = [s for s, _ in generator_sentences(GENERATED_SEEDS)]
    sents += [s for s, _ in phrase_sentences(range(1000, 1030))]
    assert len(sents) > 400
    assert _same(nlp, sents) == []


def test_odd_whitespace_and_characters_are_tokenized_and_named_alike(nlp, real_sentences):
    """Real sentences with spaces, tabs, newlines, full-width and odd characters put in."""
    rng = random.Random(14)
    junk = [" ", "  ", "\t", "\n", " \n ", "\u3000", "\xa0", "X", "_", "“", "”", "é", "Ⅳ", "😀", "１２", "’s"]
    sents = []
    for s in rng.sample(real_sentences, 120):
        chars = list(s)
        for _ in range(rng.randint(1, 6)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(junk))
        sents.append("".join(chars))
    for s in sents:
        assert [t.text for t in nlp.make_doc(s)] == [s[a:b] for a, b in factnet.tokens(s)], s
    assert _same(nlp, sents) == []


def test_features_of_every_character_are_spacys_string_ids(nlp):
    """NORM, PREFIX, SUFFIX, SHAPE of every BMP character (and whitespace runs) as spaCy has them."""
    from spacy.attrs import NORM, PREFIX, SHAPE, SUFFIX
    from spacy.tokens import Doc
    words = [chr(c) for c in range(0x21, 0x10000) if not 0xD800 <= c < 0xE000 and not chr(c).isspace()]
    words += [" ", "\n", "\n\n", "\t \n", "\u3000\u3000", "\n" * 7]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    ref = doc.to_array([NORM, PREFIX, SUFFIX, SHAPE]).tolist()
    cols = ("NORM", "PREFIX", "SUFFIX", "SHAPE")
    bad = [(w, r) for w, r in zip(words, ref) if list(factnet.token_ids(w, cols)) != r]
    assert bad == []


def test_hash_keys_are_thincs():
    from thinc.api import NumpyOps
    import numpy as np
    ids = np.array([0, 1, 101, 4717951416527260019, 2**64 - 1], dtype="uint64")
    for seed in (8, 9, 10, 11):
        assert (factnet.hash_keys(ids, seed) == NumpyOps().hash(ids, seed).astype("uint64")).all()


def test_default_extract_runs_the_numpy_engine_with_the_same_output():
    f = str(ROOT / "data" / "seeds" / "001_d3e5d558e99d2690.txt")

    def cli(*args):
        out = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", *args, f], cwd=ROOT,
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
        return json.loads(out.stdout)
    default, ref = cli(), cli("--facts-engine", "spacy")
    assert default == ref and default["facts"]
    assert any(c["rule"].startswith("stated_") for c in default["checks"])


def test_another_architecture_is_refused_and_run_by_spacy_with_a_warning(tmp_path, caplog, monkeypatch):
    other = tmp_path / "facts"
    shutil.copytree(factmodel.MODEL_DIR, other)
    cfg = other / "config.cfg"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("include_static_vectors = false",
                                                           "include_static_vectors = true"), encoding="utf-8")
    with pytest.raises(factnet.NetMismatch):
        factnet.load_net(other)
    sent = ["本年度共收到政府信息公开申请12件，其中自然人申请10件。"]
    with caplog.at_level(logging.WARNING, logger="pipeline.facts"):
        assert facts.engine_classifier("numpy")(sent) == factmodel.named_quantities(factmodel.load(), sent)
    assert not caplog.records  # the shipped architecture: numpy, no warning

    def refuse(path):
        raise factnet.NetMismatch(f"{path}: another architecture")
    monkeypatch.setattr(factnet, "classifier", refuse)
    with caplog.at_level(logging.WARNING, logger="pipeline.facts"):
        classify = facts.engine_classifier("numpy")
    assert "running the facts pipeline with spaCy" in caplog.text
    assert classify(sent) == factmodel.named_quantities(factmodel.load(), sent)


def test_a_missing_pipeline_is_a_warning_not_a_crash(tmp_path):
    with pytest.raises(factnet.ModelMissing):
        factnet.load_net(tmp_path)
    got, why = read_facts("本年度共收到政府信息公开申请12件。",
                          lambda sents: factnet.classifier(str(tmp_path))(sents))
    assert got is None and "no facts pipeline" in why
    (tmp_path / "config.cfg").write_text((factmodel.MODEL_DIR / "config.cfg").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    with pytest.raises(factnet.ModelMissing):  # a torn copy: config without weights
        factnet.load_net(tmp_path)


@pytest.mark.slow
def test_simulated_scans_and_more_generated_reports_are_named_alike(nlp):
    from training.facts import generator_sentences
    sents = _narrative_sentences(sorted(REAL.glob("*.scan.pdf")))
    sents += [s for s, _ in generator_sentences(range(2000, 2300))]
    assert _same(nlp, sents) == []

"""A non-editable install ships the trained line classifier (models/ as package data)."""
import shutil
import subprocess
import sys

from conftest import ROOT

CHECK = """
import warnings, pipeline, pipeline.classifier as c
warnings.simplefilter("error", RuntimeWarning)  # falling back to the rules warns
lab = c.default_labeler()
assert lab is not c.rule_label, lab
print(pipeline.__file__)
print(c.MODELS_DIR)
"""


def test_installed_layout_loads_the_shipped_model(tmp_path):
    """setuptools lays the packages out as a wheel would (build_py, offline); imported
    from there, outside the checkout, the default labeler is the trained model."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("pipeline", "models", "training"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "data"))
    lib = tmp_path / "lib"
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                    "build_py", "--build-lib", str(lib)], cwd=src, check=True, capture_output=True)
    assert (lib / "pipeline" / "models" / "line_classifier.json").is_file()
    assert (lib / "pipeline" / "models" / "facts" / "config.cfg").is_file()  # the spaCy facts pipeline
    assert (lib / "pipeline" / "models" / "facts" / "facts" / "model").is_file()
    assert not (lib / "models").exists()
    # Every package of the checkout is installed whole (a package split out of a module,
    # pipeline/backend/pdf/ or pipeline/batch/, must be in pyproject's list).
    for init in [*(ROOT / "pipeline").rglob("__init__.py"), *(ROOT / "training").rglob("__init__.py")]:
        folder = init.parent.relative_to(ROOT)
        if "data" in folder.parts:  # not copied (training data)
            continue
        missing = [f.name for f in init.parent.glob("*.py") if not (lib / folder / f.name).is_file()]
        assert not missing, (str(folder), missing)
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, check=True, capture_output=True,
                         text=True, env={"PYTHONPATH": str(lib), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == [str(lib / "pipeline" / "__init__.py"), str(lib / "pipeline" / "models")]


def test_shipped_card_describes_the_shipped_weights(tmp_path):
    """The card is written with the model: it names its weights by sha256, and a card
    left behind by a retrain (other weights) is refused as stale."""
    import hashlib
    import json

    import pytest

    from pipeline import classifier

    card = json.loads(classifier.DEFAULT_CARD.read_text(encoding="utf-8"))
    weights = classifier.DEFAULT_CARD.parent / card["weights"]
    assert card["weights_sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    shutil.copy(classifier.DEFAULT_CARD, tmp_path / classifier.DEFAULT_CARD.name)
    (tmp_path / card["weights"]).write_bytes(weights.read_bytes() + b"\0")
    with pytest.raises(classifier.ModelError, match="stale"):
        classifier.load(tmp_path)

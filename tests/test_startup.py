"""What a run imports: only what its input needs (start-up time is most of a small
report's cost; `benchmarks/bench_startup.py` measures it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "corpus" / "real"

HEAVY = ("sklearn", "scipy", "numpy", "pandas", "pyarrow", "ray", "rapidocr", "onnxruntime", "cv2",
         "joblib", "camelot")
# spaCy and its machinery: the narrative facts run without them (pipeline.factnet).
SPACY = ("spacy", "thinc", "srsly", "confection", "weasel", "catalogue", "pydantic", "typer", "cymem", "preshed")
PROBE = """
import json, sys
from pipeline.cli import main
import io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    status = main(["extract"] + sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def _imported(*files: Path) -> set[str]:
    """Every module (dotted names too) a run of ``extract`` on ``files`` imported."""
    out = subprocess.run([sys.executable, "-c", PROBE, *map(str, files)], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == 0, out.stderr
    return set(got["modules"])


def _heavy(mods: set[str]) -> set[str]:
    """Heavy libraries imported; numpy only for the narrative facts' arithmetic
    (pipeline.factnet), which a narrative stating a figure needs."""
    return _top(mods) & (set(HEAVY) - ({"numpy"} if "pipeline.factnet" in mods else set()))


def _top(mods: set[str]) -> set[str]:
    return {m.split(".")[0] for m in mods}


def test_text_dump_and_web_page_import_no_heavy_library_and_no_spacy():
    mods = _imported(ROOT / "data" / "seeds" / "000_4a9178fd99f7f697.txt",
                     REAL / "pingtan__2019_zfxxgknb_80576.page.txt", REAL / "shanghai__2019_bgt.page.html")
    top = _top(mods)
    assert not _heavy(mods), sorted(_heavy(mods))
    assert not top & set(SPACY), sorted(top & set(SPACY))
    assert "pipeline.factnet" in mods and "pipeline.factmodel" not in mods  # facts read, without spaCy
    assert "pycrfsuite" in top  # the shipped CRF labelled them
    assert "pdfplumber" not in top and "pypdfium2" not in top
    # Parsing the command line imports neither the batch machinery nor package metadata.
    assert not {"pipeline.batch", "multiprocessing", "importlib.metadata"} & mods


def test_text_pdf_imports_no_ocr_or_dataframe_library_and_no_spacy():
    mods = _imported(REAL / "kiro__hzq2023_working.pdf")
    assert not _heavy(mods), sorted(_heavy(mods))
    assert not _top(mods) & set(SPACY), sorted(_top(mods) & set(SPACY))

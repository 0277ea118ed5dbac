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
PROBE = """
import json, sys
from pipeline.cli import main
import io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    status = main(["extract"] + sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(m for m in sys.modules if "." not in m)}))
"""


def _imported(*files: Path) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *map(str, files)], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == 0, out.stderr
    return set(got["modules"])


def _heavy(mods: set[str]) -> set[str]:
    """Heavy libraries imported; numpy is spaCy's own, which the narrative facts pipeline
    (pipeline.factmodel) needs as soon as a narrative holds a figure."""
    return mods & (set(HEAVY) - ({"numpy"} if "spacy" in mods else set()))


def test_text_dump_and_web_page_import_no_heavy_library():
    mods = _imported(ROOT / "data" / "seeds" / "000_4a9178fd99f7f697.txt",
                     REAL / "pingtan__2019_zfxxgknb_80576.page.txt", REAL / "shanghai__2019_bgt.page.html")
    assert not _heavy(mods), sorted(_heavy(mods))
    assert "pycrfsuite" in mods  # the shipped CRF labelled them
    assert "pdfplumber" not in mods and "pypdfium2" not in mods


def test_text_pdf_imports_no_ocr_or_dataframe_library():
    mods = _imported(REAL / "kiro__hzq2023_working.pdf")
    assert not _heavy(mods), sorted(_heavy(mods))

"""Damaged inputs are recovered, flagged, and never silently wrong: a bad byte in a text dump or
a web page, a PDF cut short, a permissions-only encrypted PDF."""
import os
import re
from pathlib import Path

import pytest

from pipeline.backend.repair import declared_page_tree, page_ranges, repair_pdf
from pipeline.backend.text import decode_text
from pipeline.datamodel import InputError
from pipeline.extract import extract_file
from pipeline.inputs import read_document

from conftest import DATA

REAL = DATA / "corpus" / "real"
SEED = DATA / "seeds" / "001_d3e5d558e99d2690.txt"
PAGE = REAL / "shanghai__2019_bgt.page.html"
H2024 = REAL / "kiro__hzq2024_working.pdf"


def _damage(data: bytes, frac: float, how: str) -> bytes:
    """One bad byte (``flip``: 0xFF written over a byte inside a Chinese character) or a
    character cut in half (``cut``: one byte of it deleted), near ``frac`` of the file."""
    pos = int(len(data) * frac)
    while data[pos] < 0xE0:  # move to the lead byte of a 3-byte UTF-8 character
        pos += 1
    b = bytearray(data)
    if how == "flip":
        b[pos + 1] = 0xFF
    else:
        del b[pos + 1]
    return bytes(b)


@pytest.mark.parametrize("src", [SEED, PAGE], ids=["seed", "web_page"])
@pytest.mark.parametrize("how", ["flip", "cut"])
@pytest.mark.parametrize("where", [0.2, 0.5, 0.6, 0.8])
def test_text_with_a_bad_byte_reads_exactly_with_a_warning(tmp_path, src, how, where):
    ref = extract_file(src)
    p = tmp_path / ("bad" + src.suffix)
    p.write_bytes(_damage(src.read_bytes(), where, how))
    r = extract_file(p)
    assert r.error is None and r.template == ref.template
    assert r.fields == ref.fields
    warning = r.warnings[0]
    assert re.search(r"\d+ byte\(s\) invalid in UTF-8 replaced .* in 1 place\(s\) \(line \d+ char \d+\)", warning)
    assert r.recovery["status"] == "repaired"
    assert r.as_dict()["recovery"]["status"] == "repaired"


def test_a_lost_character_beside_a_number_is_not_guessed(tmp_path):
    # At 40% of this seed the damaged character is the ideographic space before the 规章 row's
    # first 0: the cell reads "\ufffd0", which could have been 10 or 20 as well as 0.
    p = tmp_path / "bad.txt"
    p.write_bytes(_damage(SEED.read_bytes(), 0.4, "flip"))
    r = extract_file(p)
    assert r.fields["active.rules.issued"] is None
    assert any(w.startswith("active.rules:") and "left null" in w for w in r.warnings)
    assert r.recovery["status"] == "repaired" and "line 35 char 2" in r.warnings[0]


def test_gb18030_with_a_bad_byte_stays_gb18030(tmp_path):
    data = bytearray(SEED.read_text(encoding="utf-8").encode("gb18030"))
    pos = len(data) // 2
    while data[pos] < 0x81:
        pos += 1
    data[pos] = 0xFF  # 0xFF is never valid in GB18030
    text, warnings = decode_text(bytes(data))
    assert "主动公开" in text and len(warnings) == 1 and "GB18030" in warnings[0]


def test_declared_charset_is_used(tmp_path):
    html = "<html><head><meta charset='gbk'></head><body><p>政府信息公开</p></body></html>"
    text, warnings = decode_text(html.encode("gb18030"))
    assert "政府信息公开" in text and not warnings


def test_not_text_is_still_refused():
    with pytest.raises(InputError, match="encoding"):
        decode_text(os.urandom(4000).replace(b"\x00", b"\x01"))


def test_pdf_cut_at_90_percent_reads_exactly_flagged_repaired(tmp_path):
    data = H2024.read_bytes()
    ref = extract_file(H2024)
    p = tmp_path / "cut90.pdf"
    p.write_bytes(data[: int(len(data) * 0.9)])
    r = extract_file(p)
    assert r.error is None and r.pages == ref.pages == 5
    assert r.fields == ref.fields and sum(v is not None for v in r.fields.values()) > 150
    assert r.recovery == {"status": "repaired", "how": r.recovery["how"], "pages_lost": [],
                          "pages_declared": 5, "fonts_lost": {}}
    assert "truncated" in r.warnings[0] and "all 5 page(s) recovered" in r.warnings[0]


def test_pdf_cut_at_50_percent_gives_its_first_page_flagged_partial(tmp_path):
    data = H2024.read_bytes()
    p = tmp_path / "cut50.pdf"
    p.write_bytes(data[: len(data) // 2])
    doc = read_document(p)
    full = read_document(H2024)
    assert [pg.number for pg in doc.pages] == [1]
    got, want = [ln.text for ln in doc.pages[0].lines], [ln.text for ln in full.pages[0].lines]
    # Page 1's headings are set in two fonts stored past the cut: that text is dropped (and
    # said), the rest of the page reads as in the whole file, never as garbage.
    assert len(got) >= len(want) - 1 and all(any(g in w for w in want) for g in got)
    assert sum(g in want for g in got) >= len(want) - 3
    assert doc.recovery["status"] == "partial" and doc.recovery["pages_lost"] == [2, 3, 4, 5]
    assert doc.recovery["fonts_lost"] == {"1": ["FT24", "FT29"]}
    assert "pages lost: 2–5 of 5" in doc.warnings[0]
    assert "page 1: the fonts FT24, FT29" in doc.warnings[1]
    r = extract_file(p)
    assert r.recovery["status"] == "partial" and r.error is None


def test_pdf_cut_to_nothing_is_a_clear_error(tmp_path):
    p = tmp_path / "head.pdf"
    p.write_bytes(H2024.read_bytes()[:400])
    with pytest.raises(InputError, match="truncated PDF.*qpdf|truncated PDF.*no page"):
        read_document(p)


def _owner_only_p0(src: Path, out: Path, fix_perms: bool) -> Path:
    """``src`` re-saved by pikepdf with an owner password only (AES-256), its permissions
    then set to ``/P 0``; ``fix_perms`` also rewrites the encrypted ``/Perms`` copy of them
    (else PDFium refuses the mismatch, as it does for such files in the wild)."""
    import pikepdf
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    tmp = out.with_suffix(".tmp.pdf")
    with pikepdf.open(src) as pdf:
        pdf.save(tmp, encryption=pikepdf.Encryption(owner="owner-secret", user="", R=6),
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    with pikepdf.open(tmp) as pdf:
        key = pdf.encryption.encryption_key
    data = tmp.read_bytes()
    p = re.search(rb"/P -?\d+", data).group()
    data = data.replace(p, b"/P 0".ljust(len(p)), 1)
    if fix_perms:
        perms = (0).to_bytes(4, "little") + b"\xff\xff\xff\xffTadb" + os.urandom(4)
        enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        new = enc.update(perms) + enc.finalize()
        old = re.search(rb"/Perms <[0-9a-fA-F]{32}>", data).group()
        data = data.replace(old, b"/Perms <" + new.hex().encode() + b">", 1)
    out.write_bytes(data)
    return out


@pytest.mark.parametrize("fix_perms", [True, False], ids=["perms_rewritten", "perms_stale"])
def test_owner_password_only_p0_reads_normally(tmp_path, fix_perms):
    p = _owner_only_p0(H2024, tmp_path / "p0.pdf", fix_perms)
    assert b"/P 0 " in p.read_bytes()
    ref, r = extract_file(H2024), extract_file(p)
    assert r.error is None and r.recovery is None
    assert r.fields == ref.fields and r.pages == 5


def test_user_password_pdf_still_asks_for_it(tmp_path):
    import pikepdf
    p = tmp_path / "locked.pdf"
    with pikepdf.open(H2024) as pdf:
        pdf.save(p, encryption=pikepdf.Encryption(owner="o", user="u", R=6))
    with pytest.raises(InputError, match="password is required"):
        read_document(p)


def test_declared_page_tree_and_ranges():
    count, kids = declared_page_tree(H2024.read_bytes())
    assert count == 5 and len(kids) == 5
    assert page_ranges([2, 3, 4, 5, 7]) == "2–5, 7"
    rep = repair_pdf(H2024.read_bytes()[: len(H2024.read_bytes()) // 2])
    assert rep.pages_kept == [1] and rep.pages_lost == [2, 3, 4, 5]


# --- found by the fuzzer (benchmarks/fuzz.py, seed 0) ------------------------------------------

def test_page_dictionary_broken_by_one_byte_is_repaired(tmp_path):
    # Case 915: "/MediaBox" -> "/MediaB /x": pdfminer raised again while closing the file it
    # could not open (an uncaught PdfminerException).
    data = H2024.read_bytes()
    i = data.index(b"/MediaBox")
    p = tmp_path / "mediab.pdf"
    p.write_bytes(data[:i] + b"/MediaB /x" + data[i + len(b"/MediaBox"):])
    r = extract_file(p)  # PDFium reads it as it is
    assert r.error is None and r.pages == 5
    from pipeline.backend.pdf import _open_plumber
    with pytest.raises(InputError, match="corrupt PDF"):  # and pdfminer's refusal is a clean one
        _open_plumber(p, None)


def test_detector_input_is_bounded_for_a_thin_region():
    # Case 3505: a region 1 px wide went to the text detector, which scales the shorter side
    # to 736 px: a 6 GB array and a worker killed for memory.
    import math

    import numpy as np
    from pipeline.ocr import DET_MAX_ASPECT, pad_to_aspect
    img = np.zeros((968, 1, 3), np.uint8)
    out = pad_to_aspect(img, DET_MAX_ASPECT)
    assert out.shape[0] == 968 and out.shape[1] == math.ceil(968 / DET_MAX_ASPECT) and (out[:, :1] == 0).all() and (out[:, 1:] == 255).all()
    assert pad_to_aspect(np.zeros((10, 20), np.uint8), DET_MAX_ASPECT).shape == (10, 20)


def test_batch_counts_and_exports_damaged_files(tmp_path):
    import pandas as pd
    from pipeline.batch import ERRORS_CSV, FIELDS_CSV, run_batch
    inp = tmp_path / "in"
    inp.mkdir()
    data = H2024.read_bytes()
    (inp / "cut50.pdf").write_bytes(data[: len(data) // 2])
    (inp / "cut90.pdf").write_bytes(data[: int(len(data) * 0.9)])
    (inp / "bad.txt").write_bytes(_damage(SEED.read_bytes(), 0.6, "flip"))
    (inp / "clean.txt").write_bytes(SEED.read_bytes() + b"\n")
    s = run_batch([str(inp)], tmp_path / "run", workers=1, progress=False)
    assert (s["done"], s["failed"], s["repaired"], s["damaged_partial"]) == (3, 1, 2, 0)
    rows = pd.read_csv(tmp_path / "run" / FIELDS_CSV).set_index("source")
    assert rows.loc[str(inp / "cut90.pdf"), "recovery"] == "repaired"
    assert rows.loc[str(inp / "bad.txt"), "recovery"] == "repaired"
    # Page 1 alone holds no table: an error record that says what was lost.
    err = pd.read_csv(tmp_path / "run" / ERRORS_CSV).set_index("file")
    assert "pages lost: 2–5 of 5" in err.loc[str(inp / "cut50.pdf"), "error"]
    assert pd.isna(rows.loc[str(inp / "clean.txt"), "recovery"])

"""Text-PDF backend: real reports (data/corpus/real) and small PDFs written here.

The small PDFs are written byte by byte (no PDF library needed): Chinese text
uses the non-embedded Adobe font STSong-Light with the predefined CMap
UniGB-UTF16-H, which pdfminer decodes from its own tables; encryption is the
standard RC4 security handler (revision 2), written with hashlib and a
ten-line RC4.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from pipeline import layout
from pipeline.backend import pdf as pdfmod
from pipeline.backend.pdf import page_needs_ocr, read_pdf
from pipeline.datamodel import InputError, Page

REAL = Path(__file__).resolve().parent.parent / "data" / "corpus" / "real"
H2023 = REAL / "kiro__hzq2023_working.pdf"
H2024 = REAL / "kiro__hzq2024_working.pdf"
SZ2024 = REAL / "govnianbao__szfgs2024.pdf"

PAGE_W, PAGE_H = 595, 842


# --- a tiny PDF writer ------------------------------------------------------------------------

def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[tuple]], *, user_password: str | None = None,
             owner_password: str = "owner") -> bytes:
    """A PDF whose pages draw ``("text", x, top, size, str)``, ``("garbled", x,
    top, size, n)`` (glyphs without a Unicode map), ``("line", x0, top0, x1,
    top1)`` and ``("image",)`` (a grey image over the whole page).
    ``user_password`` encrypts it (RC4, 40-bit)."""
    objs: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[3] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
               b"/DescendantFonts [4 0 R] >>")
    objs[4] = (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 "
               b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 4 "
               b"/FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /StemV 80 >> >>")
    objs[5] = b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    objs[6] = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
               b"/FontDescriptor << /Type /FontDescriptor /FontName /NoMap /Flags 4 "
               b"/FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /StemV 80 >> >>")
    objs[7] = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8"
    streams[7] = b"\x80"
    kids = []
    nxt = 8
    for ops in pages:
        content = []
        for op in ops:
            if op[0] == "text":
                _, x, top, size, s = op
                hexs = s.encode("utf-16-be").hex().upper()
                content.append(f"BT /F1 {size} Tf {x} {PAGE_H - top - size * 0.88:.2f} Td <{hexs}> Tj ET")
            elif op[0] == "garbled":
                _, x, top, size, n = op
                hexs = "".join(f"{100 + i:04X}" for i in range(n))
                content.append(f"BT /F2 {size} Tf {x} {PAGE_H - top - size * 0.88:.2f} Td <{hexs}> Tj ET")
            elif op[0] == "line":
                _, x0, t0, x1, t1 = op
                content.append(f"0.5 w {x0} {PAGE_H - t0} m {x1} {PAGE_H - t1} l S")
            elif op[0] == "image":
                content.append(f"q {PAGE_W} 0 0 {PAGE_H} 0 0 cm /Im1 Do Q")
        page_no, cont_no = nxt, nxt + 1
        nxt += 2
        objs[page_no] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                         f"/Resources << /Font << /F1 3 0 R /F2 5 0 R >> /XObject << /Im1 7 0 R >> >> "
                         f"/Contents {cont_no} 0 R >>").encode()
        objs[cont_no] = b"<<"
        streams[cont_no] = "\n".join(content).encode()
        kids.append(page_no)
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()

    file_id = hashlib.md5(repr(pages).encode()).digest()
    key = None
    encrypt_ref = b""
    if user_password is not None:
        p = -44
        o_key = hashlib.md5((owner_password.encode() + _PAD)[:32]).digest()[:5]
        o = _rc4(o_key, (user_password.encode() + _PAD)[:32])
        key = hashlib.md5((user_password.encode() + _PAD)[:32] + o + p.to_bytes(4, "little", signed=True)
                          + file_id).digest()[:5]
        u = _rc4(key, _PAD)
        enc_no = nxt
        objs[enc_no] = (f"<< /Filter /Standard /V 1 /R 2 /O <{o.hex()}> /U <{u.hex()}> /P {p} >>").encode()
        encrypt_ref = f" /Encrypt {enc_no} 0 R".encode()

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        body = objs[num]
        if key is not None and num != max(objs):  # strings are encrypted too (not those of /Encrypt)
            okey = hashlib.md5(key + num.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
            body = re.sub(rb"\(([^)]*)\)", lambda m: b"<" + _rc4(okey, m.group(1)).hex().encode() + b">", body)
        if num in streams:
            data = streams[num]
            if key is not None:
                okey = hashlib.md5(key + num.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
                data = _rc4(okey, data)
            d = body[:-2] if body.endswith(b">>") else body
            if d == b"<<":
                d = b"<< "
            body = d + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for num in range(1, size):
        out += (f"{offsets[num]:010d} 00000 n \n" if num in offsets else "0000000000 65535 f \n").encode()
    out += (f"trailer\n<< /Size {size} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]".encode()
            + encrypt_ref + f" >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return bytes(out)


def grid(x_edges, y_edges, *, skip_v=()):
    """Rules of a full grid; ``skip_v`` = {(column boundary index, row index)}
    vertical pieces left out (merged cells)."""
    ops = [("line", x_edges[0], y, x_edges[-1], y) for y in y_edges]
    for i, x in enumerate(x_edges):
        for r in range(len(y_edges) - 1):
            if (i, r) not in skip_v:
                ops.append(("line", x, y_edges[r], x, y_edges[r + 1]))
    return ops


def row_text(x_edges, top, texts, size=9):
    return [("text", x + 3, top + 4, size, t) for x, t in zip(x_edges, texts) if t]


def write(tmp_path, name, pages, **kw) -> Path:
    p = tmp_path / name
    p.write_bytes(make_pdf(pages, **kw))
    return p


def grid_lines(doc):
    return [ln for p in doc.pages for ln in p.lines if ln.in_grid]


# --- real reports ------------------------------------------------------------------------------

REQUEST_ROWS = ["本年新收", "上年结转", "予以公开", "部分公开", "属于国家秘密", "其他法律行政",
                "三安全一稳定", "保护第三方合法权益", "三类内部事务信息", "四类过程性信息",
                "行政执法案卷", "行政查询事项", "不掌握相关政府信息", "没有现成信息",
                "补正后申请内容仍不明确", "信访举报投诉类申请", "重复申请", "要求提供公开出版物",
                "大量反复", "确认或重新出具", "其他处理", "总计", "结转下年度继续办理"]


@pytest.fixture(scope="module")
def h2023():
    return read_pdf(H2023)


@pytest.fixture(scope="module")
def h2024():
    return read_pdf(H2024)


@pytest.fixture(scope="module")
def sz2024():
    return read_pdf(SZ2024)


def _value_cells(ln):
    return [c for c in ln.cells if layout.is_number(c.text)]


def _request_lines(doc):
    """Grid lines of table 三 with 7 numbers (its data rows)."""
    return [ln for ln in grid_lines(doc) if len(_value_cells(ln)) == 7]


def test_pages_and_sizes(h2023, sz2024):
    assert [p.number for p in h2023.pages] == [1, 2, 3, 4, 5]
    assert [p.number for p in sz2024.pages] == [1, 2, 3, 4, 5, 6]
    assert all(p.width == 595 and p.height == 842 for p in h2023.pages)
    assert h2023.kind == "pdf" and len(h2023.sha256) == 64
    assert h2023.warnings == [] and sz2024.warnings == []


def test_requests_rows_one_line_each(h2023):
    rows = _request_lines(h2023)
    assert len(rows) == 23  # 2021 format with （六） as one row
    for ln, key in zip(rows, REQUEST_ROWS):
        assert key in ln.text, (key, ln.text)
        assert [c.col for c in _value_cells(ln)] == list(range(3, 10))
        assert all(ln.in_grid and ln.source == "pdf" for ln in rows)
    by = {key: ln for ln, key in zip(rows, REQUEST_ROWS)}
    assert [c.text for c in _value_cells(by["本年新收"])] == ["21", "0", "0", "0", "0", "0", "21"]
    assert [c.text for c in _value_cells(by["不掌握相关政府信息"])] == ["10", "0", "0", "0", "0", "0", "10"]


def test_wrapped_label_and_garbled_label_kept(h2023):
    texts = [c.text for ln in grid_lines(h2023) for c in ln.cells]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts
    # The PDF really prints this broken label; it is kept as printed.
    assert "2.其他法律行政止公开" in texts
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in texts
    assert "社会公益组织" in texts and "法律服务机构" in texts


def test_vertical_group_label_spans_the_page_break(h2023):
    cell = next(c for ln in grid_lines(h2023) for c in ln.cells if c.text == "三、本年度办理结果")
    assert cell.col == 0
    # Rows 予以公开 .. （七）总计: 12 on page 3 and 8 on page 4.
    assert cell.rowspan == 20
    page4 = [ln for ln in h2023.pages[3].lines if ln.in_grid]
    assert all(c.col != 0 for ln in page4[:8] for c in ln.cells)  # merged cell only in its first row


def test_rows_across_page_break_exactly_once(h2023, h2024, sz2024):
    for doc, pages in ((h2023, (3, 4)), (h2024, (3, 4)), (sz2024, (4, 5))):
        rows = _request_lines(doc)
        labels = [" ".join(c.text for c in ln.cells if not layout.is_number(c.text)) for ln in rows]
        for key in REQUEST_ROWS:
            if key == "其他处理" and doc is sz2024:
                continue  # split into three rows there
            assert sum(key in lab for lab in labels) == 1 or key in ("总计",), (key, labels)
        assert {ln.page for ln in rows} == set(pages)
        # Row numbers continue over the break.
        idx = [ln.cells[0].row for ln in rows]
        assert idx == sorted(idx) and len(set(idx)) == len(idx)


def test_group_cell_split_over_pages_is_joined(sz2024):
    texts = [c.text for ln in grid_lines(sz2024) for c in ln.cells]
    assert "（四）无法提供" in texts
    assert "法提供" not in texts and "（四）无" not in texts
    cell = next(c for ln in grid_lines(sz2024) for c in ln.cells if c.text == "（四）无法提供")
    assert cell.rowspan == 3
    rows = _request_lines(sz2024)
    assert len(rows) == 25  # （六） split into 3 rows
    assert [c.text for c in _value_cells(rows[-1])] == ["103", "0", "0", "0", "0", "0", "103"]
    other = [ln for ln in rows if "其他处理" in ln.text or "3、其他" in ln.text]
    assert len(other) == 2


def test_active_table_continues_with_same_columns(h2023):
    rows = [ln for ln in grid_lines(h2023) if ln.page in (2, 3) and ln.cells[0].row < 20
            and not any("本列数据" in c.text for c in ln.cells)]
    active = [ln for ln in rows if ln.page == 2 or ln.box[1] < 340]
    texts = [ln.text for ln in active]
    assert texts[0] == "第二十条第（一）项"
    assert "行政处罚 4119" in texts and "行政事业性收费 7730.28" in texts
    fee = next(ln for ln in active if ln.text.startswith("行政事业性收费"))
    assert [(c.col, c.colspan) for c in fee.cells] == [(0, 1), (1, 3)]
    assert [ln.cells[0].row for ln in active] == list(range(len(active)))


def test_review_table(h2023, sz2024):
    for doc, want in ((h2023, ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]),
                      (sz2024, ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6",
                                "20"])):
        ln = next(ln for ln in grid_lines(doc) if len(_value_cells(ln)) == 15)
        assert [c.text for c in ln.cells] == want
        assert [c.col for c in ln.cells] == list(range(15))


def test_page_numbers_are_furniture(h2023, sz2024):
    for doc in (h2023, sz2024):
        for p in doc.pages:
            other = [ln for ln in p.lines if ln.label == "other"]
            assert [ln.text for ln in other] == [f"- {p.number} -"]
            assert p.lines[-1].label == "other"
            assert all(ln.label is None for ln in p.lines if ln not in other)


def test_text_lines(h2023, sz2024):
    p1 = h2023.pages[0].lines
    # Printed at 21.95 and 15.95 pt: a line's size is rounded to 0.1, either way.
    assert p1[0].text == "洪泽区人民政府" and abs(p1[0].font_size - 21.95) <= 0.051
    assert p1[1].text == "2023年政府信息公开工作年度报告"
    head = next(ln for ln in p1 if ln.text == "一、总体情况")
    assert head.bold and abs(head.font_size - 15.95) <= 0.051
    body = next(ln for ln in p1 if ln.text.startswith("2023年，洪泽区人民政府"))
    assert not body.bold and " " not in body.text
    assert any("hzzwgk@126.com" in ln.text for ln in p1)
    # Reading order: tops increase down each page.
    for p in h2023.pages + sz2024.pages:
        tops = [ln.box[1] for ln in p.lines]
        assert tops == sorted(tops)
    assert any(ln.text == "六、其他需要报告的事项" and ln.bold for ln in sz2024.pages[5].lines)


def test_real_pages_have_usable_text(h2023):
    assert not any(page_needs_ocr(p) for p in h2023.pages)
    import pdfplumber
    with pdfplumber.open(H2023) as pdf:
        assert not page_needs_ocr(pdf.pages[0])
    scan = REAL / "kiro__hzq2023_working.scan.pdf"
    with pdfplumber.open(scan) as pdf:
        assert page_needs_ocr(pdf.pages[0])


def test_scan_pdf_warns_every_page(monkeypatch):
    monkeypatch.setattr(pdfmod, "_ocr_pages", lambda path, numbers, warnings: {})
    doc = read_pdf(REAL / "kiro__hzq2023_working.scan.pdf")
    assert len(doc.pages) == 5
    flagged = [w for w in doc.warnings if re.match(r"page \d+: no usable text layer", w)]
    assert len(flagged) == 5


# --- generated PDFs: tables across page breaks ---------------------------------------------------

XS = [60, 260, 330, 400]
HEAD = ["项目", "申请", "总计"]


def _table_page(y0, rows, *, title=None, page_no=None, skip_v=()):
    ys = [y0 + 24 * i for i in range(len(rows) + 1)]
    ops = grid(XS, ys, skip_v=skip_v)
    for y, texts in zip(ys, rows):
        ops += row_text(XS, y, texts)
    if title:
        ops.append(("text", 60, y0 - 30, 16, title))
    if page_no:
        ops.append(("text", 280, 800, 10, f"- {page_no} -"))
    return ops


def test_split_row_merged_onto_first_page(tmp_path):
    p1 = [("text", 60, 60, 16, "三、收到和处理政府信息公开申请情况")]
    p1 += _table_page(600, [HEAD, ["1.属于国家秘密", "1", "1"], ["2.没有现成信息需要", "", ""]], page_no=1)
    p2 = _table_page(60, [["另行制作", "3", "3"], ["3.补正后申请内容仍不明确", "0", "0"]], page_no=2)
    p2.append(("text", 60, 200, 16, "四、政府信息公开行政复议、行政诉讼情况"))
    doc = read_pdf(write(tmp_path, "split.pdf", [p1, p2]))
    g1 = [ln for ln in doc.pages[0].lines if ln.in_grid]
    g2 = [ln for ln in doc.pages[1].lines if ln.in_grid]
    assert [ln.text for ln in g1] == ["项目 申请 总计", "1.属于国家秘密 1 1", "2.没有现成信息需要另行制作 3 3"]
    assert [c.text for c in g1[-1].cells] == ["2.没有现成信息需要另行制作", "3", "3"]
    assert [ln.text for ln in g2] == ["3.补正后申请内容仍不明确 0 0"]
    assert [ln.cells[0].row for ln in g1 + g2] == [0, 1, 2, 3]
    assert [ln.label for ln in doc.pages[0].lines if ln.text == "- 1 -"] == ["other"]


def test_split_row_with_repeated_header(tmp_path):
    p1 = _table_page(600, [HEAD, ["1.本机关不掌握相关", "", ""]])
    p2 = _table_page(60, [HEAD, ["政府信息", "10", "10"], ["2.重复申请", "0", "0"]])
    doc = read_pdf(write(tmp_path, "split_head.pdf", [p1, p2]))
    g1 = [ln for ln in doc.pages[0].lines if ln.in_grid]
    g2 = [ln for ln in doc.pages[1].lines if ln.in_grid]
    assert g1[-1].text == "1.本机关不掌握相关政府信息 10 10"
    assert [(ln.text, ln.label) for ln in g2] == [("项目 申请 总计", None), ("2.重复申请 0 0", None)]


def test_complete_rows_not_merged(tmp_path):
    p1 = _table_page(600, [HEAD, ["1.甲", "1", "1"], ["2.乙", "", ""]])  # empty values, next row numbered
    p2 = _table_page(60, [["3.丙", "5", "5"]])
    doc = read_pdf(write(tmp_path, "nomerge.pdf", [p1, p2]))
    assert [ln.text for ln in grid_lines(doc)] == ["项目 申请 总计", "1.甲 1 1", "2.乙", "3.丙 5 5"]
    assert [c.text for c in grid_lines(doc)[2].cells] == ["2.乙", "", ""]


def test_table_with_row_rules_only(tmp_path):
    """No vertical rules: columns come from the text; a group cell whose rules
    leave out its column spans rows."""
    xs, ys = [60, 100, 260, 330, 400], [100 + 24 * i for i in range(5)]
    ops = [("line", xs[0], ys[0], xs[-1], ys[0]), ("line", xs[0], ys[-1], xs[-1], ys[-1])]
    ops += [("line", xs[1], y, xs[-1], y) for y in ys[1:-1]]
    ops.append(("text", 66, 140, 9, "办理"))
    for y, texts in zip(ys, [["1.甲", "1", "12"], ["2.乙乙", "3", "4"], ["3.丙丙丙", "", "6"], ["4.丁", "7", "8"]]):
        ops += row_text(xs[1:], y, texts)
    doc = read_pdf(write(tmp_path, "hlines.pdf", [ops]))
    g = grid_lines(doc)
    assert [[(c.text, c.col, c.rowspan) for c in ln.cells] for ln in g] == [
        [("办理", 0, 4), ("1.甲", 1, 1), ("1", 2, 1), ("12", 3, 1)],
        [("2.乙乙", 1, 1), ("3", 2, 1), ("4", 3, 1)],
        [("3.丙丙丙", 1, 1), ("", 2, 1), ("6", 3, 1)],
        [("4.丁", 1, 1), ("7", 2, 1), ("8", 3, 1)]]


def test_page_deadline():
    import time
    from pipeline.limits import deadline
    with pytest.raises(pdfmod._Timeout):
        with deadline(0.05, pdfmod._Timeout):
            time.sleep(2)


def test_separate_tables_not_joined(tmp_path):
    p1 = _table_page(600, [HEAD, ["1.甲", "1", "1"]])
    p2 = [("text", 60, 40, 16, "四、政府信息公开行政复议、行政诉讼情况")] + _table_page(80, [HEAD, ["2.乙", "2", "2"]])
    doc = read_pdf(write(tmp_path, "two.pdf", [p1, p2]))
    g2 = [ln for ln in doc.pages[1].lines if ln.in_grid]
    assert g2[0].label is None and g2[0].cells[0].row == 0


def test_merged_cells_and_vertical_text(tmp_path):
    xs = [60, 90, 260, 330, 400]
    ys = [100 + 24 * i for i in range(4)]
    # Column 0 merged over the three rows: no horizontal rule inside it.
    ops = [("line", xs[0], ys[0], xs[-1], ys[0]), ("line", xs[0], ys[-1], xs[-1], ys[-1])]
    ops += [("line", xs[1], y, xs[-1], y) for y in ys[1:-1]]
    ops += [("line", x, ys[0], x, ys[-1]) for x in xs]
    for i, ch in enumerate("办理结果"):
        ops.append(("text", 66, 104 + 16 * i, 9, ch))
    for y, texts in zip(ys, [["甲", "1", "2"], ["乙", "3", "4"], ["丙", "", "6"]]):
        ops += row_text(xs[1:], y, texts)
    doc = read_pdf(write(tmp_path, "merged.pdf", [ops]))
    g = grid_lines(doc)
    assert [[(c.text, c.col, c.rowspan) for c in ln.cells] for ln in g] == [
        [("办理结果", 0, 3), ("甲", 1, 1), ("1", 2, 1), ("2", 3, 1)],
        [("乙", 1, 1), ("3", 2, 1), ("4", 3, 1)],
        [("丙", 1, 1), ("", 2, 1), ("6", 3, 1)]]
    assert g[2].text == "丙 6"


def test_cjk_spacing_and_gaps(tmp_path):
    ops = [("text", 60, 100, 10, "只计这一情"), ("text", 115, 100, 10, "形"),  # 5pt gap: no space
           ("text", 60, 130, 10, "发布机构"), ("text", 200, 130, 10, "成文日期"),  # real gap
           ("text", 60, 160, 10, "2024"), ("text", 102, 160, 10, "年")]
    doc = read_pdf(write(tmp_path, "gaps.pdf", [ops]))
    assert [ln.text for ln in doc.pages[0].lines] == ["只计这一情形", "发布机构 成文日期", "2024年"]


def test_running_header_is_furniture(tmp_path):
    pages = [[("text", 60, 30, 9, "淮安市人民政府公报"), ("text", 60, 50, 9, f"2023年 第{i + 10}期"),
              ("text", 60, 200, 12, f"正文第{i}页内容"), ("text", 270, 810, 9, f"第 {i} 页")] for i in (1, 2, 3)]
    doc = read_pdf(write(tmp_path, "furn.pdf", pages))
    for p in doc.pages:  # the issue line repeats but for its digits
        assert [(ln.text, ln.label) for ln in p.lines] == [
            ("淮安市人民政府公报", "other"), (f"2023年第{p.number + 10}期", "other"),
            (f"正文第{p.number}页内容", None), (f"第{p.number}页", "other")]


# --- generated PDFs: text layer problems -------------------------------------------------------

def test_unmapped_glyphs_page_flagged(tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod, "_ocr_pages", lambda path, numbers, warnings: {})
    good = [("text", 60, 100, 12, "一、总体情况")]
    bad = [("garbled", 60, 100, 12, 30), ("text", 60, 200, 12, "二")]
    doc = read_pdf(write(tmp_path, "cid.pdf", [good, bad, []]))
    assert [ln.text for ln in doc.pages[0].lines] == ["一、总体情况"]
    assert doc.pages[1].lines == [] and doc.pages[2].lines == []
    assert any(w.startswith("page 2: no usable text layer") and "unmapped" in w for w in doc.warnings)
    assert any(w.startswith("page 3: no usable text layer (no text)") for w in doc.warnings)
    assert not any(w.startswith("page 1:") for w in doc.warnings)


def test_image_page_with_page_number_needs_ocr(tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod, "_ocr_pages", lambda path, numbers, warnings: {})
    doc = read_pdf(write(tmp_path, "img.pdf", [[("image",), ("text", 280, 800, 10, "- 1 -")]]))
    assert doc.pages[0].lines == []
    assert doc.warnings and doc.warnings[0].startswith("page 1: no usable text layer (image page")


def test_ocr_hook_called_for_bad_pages(tmp_path, monkeypatch):
    import sys
    import types
    calls = []

    def ocr_pdf_pages(path, numbers):
        calls.append((Path(path).name, list(numbers)))
        from pipeline.datamodel import Line
        return [Page(n, [Line("OCR文字", page=n, source="ocr")], source="ocr") for n in numbers]
    fake = types.ModuleType("pipeline.backend.scan")
    fake.ocr_pdf_pages = ocr_pdf_pages
    monkeypatch.setitem(sys.modules, "pipeline.backend.scan", fake)
    doc = read_pdf(write(tmp_path, "hook.pdf", [[("text", 60, 100, 12, "正文")], []]))
    assert calls == [("hook.pdf", [2])]
    assert doc.pages[1].lines[0].text == "OCR文字" and doc.pages[1].width == PAGE_W
    assert doc.warnings == ["page 2: no usable text layer (no text); read by OCR"]


def test_text_layer_problem_rules():
    assert pdfmod.text_layer_problem([]) == "no text"
    assert pdfmod.text_layer_problem(list("政府信息公开")) is None
    assert "unmapped" in pdfmod.text_layer_problem(["(cid:12)"] * 5 + list("政府"))
    assert "unmapped" in pdfmod.text_layer_problem(list("Õþ¸®ÐÅÏ¢¹«¿ª"))  # GBK read as Latin-1
    assert "Chinese" in pdfmod.text_layer_problem(list("abcdefghij" * 6))
    assert "image" in pdfmod.text_layer_problem(list("-1-"), image_cover=0.95)
    assert not page_needs_ocr(Page(1, []).__class__(1, [__import__("pipeline").datamodel.Line("政府")]))
    assert page_needs_ocr(Page(1, []))


def test_radicals_folded():
    assert layout.fold_radicals("⾏政") == "行政"
    assert layout.fold_radicals("（一）") == "（一）"


# --- bad input ------------------------------------------------------------------------------------

def test_truncated_pdf(tmp_path):
    data = H2023.read_bytes()
    p = tmp_path / "trunc.pdf"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"):
        read_pdf(p)


def test_corrupt_pdf(tmp_path):
    p = tmp_path / "corrupt.pdf"
    p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    with pytest.raises(InputError, match="corrupt"):
        read_pdf(p)


def test_not_a_pdf_and_missing(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"hello world")
    with pytest.raises(InputError, match="not a PDF"):
        read_pdf(p)
    with pytest.raises(InputError, match="cannot read"):
        read_pdf(tmp_path / "missing.pdf")


def test_zero_page_pdf(tmp_path):
    with pytest.raises(InputError, match="no pages"):
        read_pdf(write(tmp_path, "empty.pdf", []))


def test_encrypted_pdf(tmp_path):
    p = write(tmp_path, "enc.pdf", [[("text", 60, 100, 12, "加密的报告")]], user_password="secret")
    with pytest.raises(InputError, match="password is required"):
        read_pdf(p)
    with pytest.raises(InputError, match="wrong password"):
        read_pdf(p, password="nope")
    doc = read_pdf(p, password="secret")
    assert [ln.text for ln in doc.pages[0].lines] == ["加密的报告"]


def test_owner_password_only_opens(tmp_path):
    # Permissions-only encryption (empty user password) is common and must read.
    p = write(tmp_path, "perm.pdf", [[("text", 60, 100, 12, "公开")]], user_password="")
    assert [ln.text for ln in read_pdf(p).pages[0].lines] == ["公开"]


def test_page_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod, "MAX_PAGES", 2)
    p = write(tmp_path, "long.pdf", [[("text", 60, 100, 12, f"第{i}节")] for i in range(4)])
    doc = read_pdf(p)
    assert len(doc.pages) == 2
    assert doc.warnings == ["PDF has 4 pages; only the first 2 were read (--max-pages)"]
    assert len(read_pdf(p, max_pages=3).pages) == 3
    slow = read_pdf(p, pdfminer=True)  # pdfplumber's reading caps and says so alike
    assert len(slow.pages) == 2 and slow.warnings == doc.warnings


# --- layout helpers -------------------------------------------------------------------------------

def test_find_grids_merged_cells():
    # 3x3 slots; the top row is one merged cell, the left column below it merged too.
    segs = [(0, 0, 90, 0), (0, 10, 90, 10), (30, 20, 90, 20), (0, 30, 90, 30),
            (0, 0, 0, 30), (90, 0, 90, 30), (30, 10, 30, 30), (60, 10, 60, 30)]
    (g,) = layout.find_grids(segs)
    got = sorted((c.row, c.col, c.rowspan, c.colspan) for c in g.cells)
    assert got == [(0, 0, 1, 3), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)]


def test_find_grids_ignores_lone_box_and_underline():
    assert layout.find_grids([(0, 0, 50, 0), (0, 20, 50, 20), (0, 0, 0, 20), (50, 0, 50, 20)]) == []
    assert layout.find_grids([(0, 0, 200, 0)]) == []


def test_cluster_and_join():
    g = lambda t, x, y, s=10: layout.Glyph(t, x, y, x + s, y + s, s)  # noqa: E731
    lines = layout.cluster_lines([g("乙", 0, 20), g("甲", 0, 0), g("b", 30, 21), g("A", 11, 1)])
    assert [layout.join_glyphs(ln) for ln in lines] == ["甲A", "乙 b"]
    assert layout.join_fragments(["等", "于第三项"]) == "等于第三项"
    assert layout.join_fragments(["e-mail", "box"]) == "e-mail box"


def test_text_pdf_is_opened_once(monkeypatch):
    """read_document opens a text PDF with PDFium once: the image-only verdict, the probe for
    pages that need pdfplumber and the reading come from one pass."""
    import pypdfium2 as pdfium

    from pipeline.inputs import read_document
    opened = []
    real = pdfium.PdfDocument

    def counting(*a, **k):
        opened.append(a[0] if a else None)
        return real(*a, **k)
    monkeypatch.setattr(pdfium, "PdfDocument", counting)
    doc = read_document(H2024)
    assert doc.kind == "pdf" and doc.pages and len(opened) == 1


def test_image_only_pdf_is_handed_over_from_the_read_pass():
    """No page with a usable text layer: ``image_only`` reads the file instead (the scan
    backend, in read_document); a text PDF never calls it."""
    from pipeline.datamodel import Document
    handed = []

    def as_scan(path):
        handed.append(path)
        return Document(str(path), "", "scan")
    scan = REAL / "kiro__hzq2023_working.scan.pdf"
    assert read_pdf(scan, image_only=as_scan).kind == "scan" and handed == [scan]
    assert read_pdf(H2024, image_only=as_scan).kind == "pdf" and handed == [scan]


def test_cluster_lines_one_band_and_two_lines():
    """Glyphs of two fonts sharing a band are one line, left to right; a line below stays apart
    (the one-line shortcut and the general loop agree)."""
    G = layout.Glyph
    row = [G("数", 30, 100, 42, 112, 12), G("1", 10, 101, 16, 111.5, 12), G("2", 50, 101, 56, 111.5, 12)]
    assert [[g.text for g in ln] for ln in layout.cluster_lines(row)] == [["1", "数", "2"]]
    below = [G("下", 10, 113, 22, 125, 12)]
    assert [[g.text for g in ln] for ln in layout.cluster_lines(row + below)] == [["1", "数", "2"], ["下"]]


def test_dedupe_glyphs_marks_the_kept_copy_bold():
    """A character printed three times within the tolerance is kept once, bold; one further
    away is its own glyph."""
    G = layout.Glyph
    gs = [G("公", 10, 10, 22, 22, 12), G("公", 10.4, 10.3, 22.4, 22.3, 12), G("公", 10.8, 9.6, 22.8, 21.6, 12),
          G("公", 14, 10, 26, 22, 12)]
    out = layout.dedupe_glyphs(gs)
    assert out == [gs[0], gs[3]] and gs[0].bold and not gs[3].bold


def test_repeat_pretest_never_misses_a_copy(monkeypatch):
    """The quick test before deduplicating a page (``_may_repeat``) says a page may hold a copy
    whenever two glyphs of one text lie within the tolerance (also across cell edges), and
    deduplicating a page gives what the search alone gives."""
    import random
    from pipeline.layout import glyphs as gmod
    G = layout.Glyph
    rng = random.Random(7)
    for trial in range(300):
        n = rng.randint(64, 160)
        gs = []
        for _ in range(n):
            x, y = rng.uniform(-5, 60), rng.uniform(0, 60)
            gs.append(G(rng.choice("公开0"), x, y, x + 6, y + 6, 6))
        if trial % 3 == 0:  # sparse pages: copies rare, most say False
            gs = [G(g.text + str(i), g.x0 * 9, g.top * 9, g.x1 * 9, g.bottom * 9, 6) for i, g in enumerate(gs)]
            if trial % 2:
                c = gs[5]
                gs.append(G(c.text, c.x0 + rng.choice((-1, 1)) * rng.uniform(0, 1), c.top + rng.uniform(-1, 1),
                            c.x1, c.bottom, 6))
        tol = layout.DUPLICATE_TOLERANCE
        near = any(a.text == b.text and abs(a.x0 - b.x0) <= tol and abs(a.top - b.top) <= tol
                   for i, a in enumerate(gs) for b in gs[i + 1:])
        if near:
            assert gmod._may_repeat(gs, tol)
        fresh = lambda: [G(g.text, g.x0, g.top, g.x1, g.bottom, g.size) for g in gs]  # noqa: E731
        quick = [(g.text, g.x0, g.top, g.bold) for g in layout.dedupe_glyphs(fresh())]
        monkeypatch.setattr(gmod, "REPEAT_TEST_MIN", 10 ** 9)
        searched = [(g.text, g.x0, g.top, g.bold) for g in layout.dedupe_glyphs(fresh())]
        monkeypatch.setattr(gmod, "REPEAT_TEST_MIN", 64)
        assert quick == searched

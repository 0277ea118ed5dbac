"""Recognition and assembly: every crop of a page recognised in batches, Lines built from grid cells
and free rows."""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from ...datamodel import Box, Cell, Line
from ... import layout
from ...layout import Grid
from ...lexicon import ENUMERATOR, ideographs, is_words
from .digits import decimal_point, fax_number
from .lines import FreeRow, _cell_box
from .numbers import (DIGIT_LOOKALIKES, free_number_columns, numeric_cells, numeric_free_cells,
                      stray_in_number_columns)
from .regions import Crop, Layout
from .seal_digits import sealed_number
from .seals import RESIDUE_LEVELS, only_residue, print_darkness, under_seal, without_residue

WRAP_ALIGN = 0.6  # a wrapped label's lines start within this of each other …
WRAP_GAP = 0.8  # … and are at most this far apart …
WRAP_OVERLAP = 0.5  # … or overlap by this share of the narrower (centred group labels)
VERTICAL_GAP = 0.15  # space between vertical characters laid out in a line, in character sizes
REC_PAD_V = 0.25  # white margin above/below a crop, in crop heights (PP-OCR's det crops have it)
REC_PAD_H = 0.5  # white margin left/right, in crop heights
MIN_LINE_CONF = 0.5  # single-piece lines read with less confidence are noise and dropped …
MIN_CELL_CONF = 0.2  # … pieces of a multi-piece row only below this (a small digit may score low)
REREAD_MIN_CONF = 0.9  # numeric cells whose weakest digit is below this are read again
REREAD_PADS = (0.6, 1.2)  # margins (in heights) of the re-read crops
REREAD_UPSCALE = 2.0
MAX_LONE_LETTERS = 2  # a number cell read as at most this many letters is re-decoded as digits
ROUND_MARKS = ("。", "°", "º")  # … and so is one read as a lone round mark (a small 0)
NUMBERING_GAP = 1.5  # line heights; a label's numbering cut off as a piece this close before it is part of it
# A label's own numbering: 5.  5、  （三）  (3)  三、


def crop_image(gray: np.ndarray, box: tuple[int, int, int, int], clip: tuple[int, int, int, int],
               pad_v: float = REC_PAD_V, pad_h: float = REC_PAD_H, upscale: float = 1.0) -> np.ndarray:
    """The text at ``box`` on white margins (REC_PAD_* of its height), nothing from outside ``clip``."""
    x0, y0, x1, y1 = box
    h = max(y1 - y0, 1)
    img = gray[y0:y1, x0:x1]
    mv, mh = int(round(pad_v * h)) + 1, int(round(pad_h * h)) + 1
    # Take real pixels for the margin where the clip allows (anti-aliased edges), pad the rest white.
    cx0, cy0 = max(clip[0], x0 - mh, 0), max(clip[1], y0 - mv, 0)
    cx1, cy1 = min(clip[2], x1 + mh, gray.shape[1]), min(clip[3], y1 + mv, gray.shape[0])
    img = gray[cy0:cy1, cx0:cx1]
    img = cv2.copyMakeBorder(img, max(0, mv - (y0 - cy0)), max(0, mv - (cy1 - y1)),
                             max(0, mh - (x0 - cx0)), max(0, mh - (cx1 - x1)),
                             cv2.BORDER_CONSTANT, value=255)
    if upscale != 1.0:
        img = cv2.resize(img, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC)
    return img


def vertical_line_image(gray: np.ndarray, chars: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Stacked characters laid out left to right as one horizontal text line."""
    size = max(max(c[2] - c[0], c[3] - c[1]) for c in chars)
    gap = max(1, int(VERTICAL_GAP * size))
    tiles = []
    for x0, y0, x1, y1 in chars:
        tile = np.full((size, size + gap), 255, np.uint8)
        g = gray[y0:y1, x0:x1]
        oy, ox = (size - g.shape[0]) // 2, (size - g.shape[1]) // 2
        tile[oy:oy + g.shape[0], ox:ox + g.shape[1]] = g
        tiles.append(tile)
    line = np.hstack(tiles)
    m = int(REC_PAD_V * size) + 1
    return cv2.copyMakeBorder(line, m, m, m, m, cv2.BORDER_CONSTANT, value=255)


def recognise_page(lay: Layout, number: int, fax: bool = False, seals: tuple = ()) -> list[Line]:
    """Recognise every crop of the page in one batched pass and assemble the Lines; on a
    ``fax`` (a 1-bit page) number cells, ruled or borderless, are also read by the fax
    digit reader (``digits``); number cells under one of the ``seals`` (boxes, page pixels)
    are read again without the seal's residue (``seals.without_residue``)."""
    from ...ocr import get_engine

    engine = get_engine()
    crops = list(lay.crops)
    # Regions projection could not cut into lines go to the detector.
    for box in lay.text_boxes:
        x0, y0, x1, y1 = box
        for bx0, by0, bx1, by1 in engine.detect(lay.gray[y0:y1, x0:x1]):
            b = (int(x0 + bx0), int(y0 + by0), int(x0 + bx1), int(y0 + by1))
            crops.append(Crop(b, ("det", len(crops)), (0, 0, lay.gray.shape[1], lay.gray.shape[0])))
    images = [vertical_line_image(lay.gray, c.chars) if c.chars else crop_image(lay.gray, c.box, c.clip)
              for c in crops]
    results = engine.recognize(images) if images else []
    reads: dict[tuple, list] = {}
    for crop, res in zip(crops, results):
        reads.setdefault(crop.owner, []).append((crop, res))
    texts: dict[tuple, str] = {}
    confs: dict[tuple, Optional[float]] = {}
    for key, parts in reads.items():
        parts.sort(key=lambda p: (p[0].box[1], p[0].box[0]))
        texts[key] = "".join(r.text.strip() for _, r in parts)
        confs[key] = min(r.confidence for _, r in parts)

    numeric = [("cell", gi, ci) for gi, g in enumerate(lay.grids)
               for ci in numeric_cells(g, {ci: texts.get(("cell", gi, ci), "") for ci in range(len(g.cells))})]
    row_texts = [[texts.get(("free", ri, ci), "") for ci in range(len(row.cells))]
                 for ri, row in enumerate(lay.free_rows)]
    columns = free_number_columns([(row.block, row.cols, t) for row, t in zip(lay.free_rows, row_texts)])
    for ri, row in enumerate(lay.free_rows):
        cells = set(numeric_free_cells(row_texts[ri]))
        cells |= set(stray_in_number_columns(row_texts[ri], row.cols, row.block, columns)) if row.cols else set()
        numeric += [("free", ri, ci) for ci in sorted(cells)]
    todo = []
    # Every reading of a fax's number or of one under a seal, kept: where they disagree, the cell is doubtful.
    readings: dict[tuple, list] = {}
    agreed: set = set()  # fax numbers the recogniser and the digit reader read alike
    for key in numeric:
        if key not in reads:
            continue
        texts[key], confs[key] = _numeric_text([r for _, r in reads[key]])
        # Grid cells and borderless rows' pieces alike (the pieces are cut at the columns
        # ``borderless.split_at_columns`` found): one crop of one line each.
        if fax and len(reads[key]) == 1 and not reads[key][0][0].chars and _reader_may_read(key, texts[key]):
            first, reader = texts[key], []
            readings[key] = [(first, confs[key])] if layout.is_number(first) else []
            texts[key], confs[key] = fax_number(lay.gray, reads[key][0][0].box, texts[key], confs[key],
                                                layout.is_number, reader)
            readings[key] += reader
            if reader and reader[0][0] == first:
                agreed.add(key)
        if confs[key] < REREAD_MIN_CONF or not layout.is_number(texts[key]):
            todo.append(key)
    # Under a seal even a sure reading is read again (a 0 with lettering's residue reads 6 at 0.99) …
    sealed = {key for key in numeric if key in reads and seals
              and any(not cr.chars and under_seal(cr.box, seals) for cr, _ in reads[key])}
    if sealed:  # what holds only the seal's remnants is no number at all
        paper, darkness = print_darkness(lay.gray, lay.ink)
        for key in sorted(sealed):
            boxes = [cr.box for cr, _ in reads[key]]
            if all(only_residue(lay.gray[b[1]:b[3], b[0]:b[2]], paper, darkness) for b in boxes):
                texts[key], confs[key] = "", 0.0
                sealed.discard(key)
                readings.pop(key, None)
                todo = [k for k in todo if k != key]
    todo += [key for key in sorted(sealed) if key not in todo]
    for key in sealed:
        readings.setdefault(key, [(texts[key], confs[key])] if layout.is_number(texts[key]) else [])
    if todo:
        _reread(lay, todo, reads, texts, confs, engine, sealed, readings, agreed)
    # … and the seal digit reader, shown such residue in training, has the last word where sure.
    for key in sorted(sealed):
        if len(reads[key]) == 1 and _reader_may_read(key, texts[key]):
            texts[key], confs[key] = sealed_number(lay.gray, reads[key][0][0].box, texts[key], confs[key],
                                                   layout.is_number, readings[key])
    rivals = {key: rival_confidence(texts[key], readings[key]) for key in readings}
    # A fax's number read with no decimal point: where its pixels show one (a dot, or the gap a
    # lost dot left), the Cell says so; the template decides whether the column holds decimals.
    points = {key: p for key in numeric if fax and key in reads and len(reads[key]) == 1
              and texts[key].isdigit() and (p := decimal_point(_crop(lay.gray, reads[key][0][0].box), texts[key]))}

    lines: list[Line] = []
    for gi, grid in enumerate(lay.grids):
        lines.extend(_grid_lines(gi, grid, reads, texts, confs, number, points, rivals))
    free = [ln for ri, row in enumerate(lay.free_rows)
            if (ln := _free_line(ri, row, reads, texts, confs, number, points, rivals)) is not None]
    lines.extend(join_wrapped_labels(free, lay.line_h))
    for key, parts in reads.items():
        if key[0] == "det" and texts[key] and confs[key] >= MIN_LINE_CONF:
            x0, y0, x1, y1 = parts[0][0].box
            lines.append(Line(texts[key], number, box=(float(x0), float(y0), float(x1), float(y1)),
                              font_size=float(y1 - y0), source="ocr", confidence=round(confs[key], 4)))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]) if ln.box else (0, 0))
    return lines


def rival_confidence(text: str, readings: list[tuple[str, float]]) -> float:
    """How sure the surest reading of another number was (0.0 where none read another):
    of ``readings``, (text, confidence) of one cell's crops, first reading and re-reads.

    Under a seal's lettering a 0 is read 6 or 8 up to 0.9993 sure while a residue-free
    re-read says 0 at 0.975 (seal 1000003): the surest reading may be the wrong one, and
    a cell some reading saw otherwise is only as sure as that reading was not."""
    own = text.replace(",", "")
    return max((c or 0.0 for t, c in readings if t.replace(",", "") != own), default=0.0)


def _shown(conf: Optional[float], rival: float) -> Optional[float]:
    """A cell's confidence as the output gives it: its reading's, at most 1 - ``rival``
    (:func:`rival_confidence`)."""
    return None if conf is None else _rounded(min(conf, 1.0 - rival))


def _reader_may_read(key: tuple, text: str) -> bool:
    """Whether the fax digit reader may read a number cell: a grid cell always (its column
    is a number column); a borderless row's piece only where the recogniser read a number
    or at most MAX_LONE_LETTERS characters: a damaged label ("总计" read "itiet") at the
    start of a row taken for a label-less row of numbers must not become one."""
    return key[0] == "cell" or layout.is_number(text) or len(text) <= MAX_LONE_LETTERS


def join_wrapped_labels(lines: list[Line], line_h: float) -> list[Line]:
    """Fold the first/last lines of wrapped labels into the borderless row whose
    numbers sit beside the labels' other line(s) (as a grid cell holds its lines).

    A line without numbers joins the row directly below or above it when that row
    holds numbers, the gap is under WRAP_GAP line heights, and its widest piece lies
    over one of the row's word cells (overlapping WRAP_OVERLAP of the narrower, or
    starting within WRAP_ALIGN line heights of it); its other pieces join the cells
    they lie over, or become cells of their own.  A label's numbering (``5.``,
    ``（三）``) only ever starts a label: a line beginning with one folds downwards,
    a cell beginning with one takes no line from above.
    """
    lines = sorted(lines, key=lambda ln: ln.box[1])
    used: set[int] = set()
    for i, ln in enumerate(lines):
        if i in used:
            continue
        pieces = ln.cells or [Cell(ln.text, ln.box)]
        if any(layout.is_number(c.text) for c in pieces):
            continue
        pieces, main = numbered_label(pieces, line_h)
        for j in (i + 1, i - 1):
            if not 0 <= j < len(lines) or j in used or not lines[j].cells:
                continue
            row, below = lines[j], j > i
            if not any(layout.is_number(c.text) for c in row.cells):
                continue
            words = [c for c in label_cells(row.cells) if not (below and ENUMERATOR.match(c.text))]
            targets = {id(p): next((c for c in words if _over(p.box, c.box, line_h)), None) for p in pieces}
            if targets[id(main)] is None or (not below and ENUMERATOR.match(main.text)):
                continue
            hit = [t for t in targets.values() if t is not None]
            gap = min(t.box[1] for t in hit) - ln.box[3] if below else ln.box[1] - max(t.box[3] for t in hit)
            if not -0.5 * line_h <= gap <= WRAP_GAP * line_h:
                continue
            for p in pieces:
                t = targets[id(p)]
                if t is None:
                    row.cells.append(Cell(p.text, p.box, p.confidence, None, p.col))
                    continue
                t.text = p.text + t.text if below else t.text + p.text
                t.box = _union(t.box, p.box)
            row.cells.sort(key=lambda c: c.box[0])
            row.box = _union(row.box, ln.box)
            row.text = " ".join(c.text for c in row.cells if c.text)
            used.add(i)
            break
    return [ln for k, ln in enumerate(lines) if k not in used]


def label_cells(cells: list[Cell]) -> list[Cell]:
    """The cells of a row of numbers a wrapped label's line may fold into: words, and
    left of the row's first number a lone ideograph too (a label's last character
    wrapped onto its own line, "息" of "本机关不掌握相关政府信息"), which in a number
    column could be a misread digit ("口")."""
    first = min((c.box[0] for c in cells if layout.is_number(c.text)), default=float("inf"))
    return [c for c in cells if is_words(c.text) or (ideographs(c.text) and c.box[2] <= first)]


def numbered_label(pieces: list[Cell], line_h: float, gap: float = NUMBERING_GAP) -> tuple[list[Cell], Cell]:
    """A wrapped label's line as the pieces :func:`join_wrapped_labels` folds, and its
    label (the widest piece): a numbering cut off as a piece of its own just left of the
    label ("1." and "本机关不掌握相关政府信", less than ``gap`` line heights apart) is one
    piece with it, so that the label starts with its numbering (and folds downwards
    only) and lines up with a second line indented under the numbering (seal 989600:
    the first line folded up into the row above, whose values the row took)."""
    main = max(pieces, key=lambda c: c.box[2] - c.box[0])
    k = next(i for i, c in enumerate(pieces) if c is main)
    if k == 0 or not ENUMERATOR.fullmatch(pieces[k - 1].text.strip()):
        return pieces, main
    num = pieces[k - 1]
    if not 0 <= main.box[0] - num.box[2] <= gap * line_h:
        return pieces, main
    confs = [c for c in (num.confidence, main.confidence) if c is not None]
    joined = Cell(num.text + main.text, _union(num.box, main.box), min(confs) if confs else None, main.row, main.col)
    return pieces[:k - 1] + [joined] + pieces[k + 1:], joined


def _over(a: Box, b: Box, line_h: float) -> bool:
    """Whether box ``a`` lies over box ``b``: same start, or much horizontal overlap."""
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    narrower = max(min(a[2] - a[0], b[2] - b[0]), 1)
    return abs(a[0] - b[0]) <= WRAP_ALIGN * line_h or overlap >= WRAP_OVERLAP * narrower


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _rounded(conf: Optional[float]) -> Optional[float]:
    return None if conf is None else round(float(conf), 4)


def _crop(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return gray[y0:y1, x0:x1]


def _grid_lines(gi: int, grid: Grid, reads: dict, texts: dict, confs: dict, number: int,
                points: Optional[dict] = None, rivals: Optional[dict] = None) -> list[Line]:
    """One Line per grid row: the cells that start in it, left to right, empty ones kept;
    a cell's confidence at most 1 - its ``rivals`` entry (:func:`rival_confidence`)."""
    out = []
    for r in range(len(grid.ys) - 1):
        row_cells = [(ci, c) for ci, c in enumerate(grid.cells) if c.row == r]
        if not row_cells:
            continue
        row_cells.sort(key=lambda t: t[1].col)
        cells, heights = [], []
        for ci, c in row_cells:
            key = ("cell", gi, ci)
            cells.append(Cell(texts.get(key, ""), tuple(float(v) for v in c.box),
                              _shown(confs.get(key), (rivals or {}).get(key, 0.0)),
                              c.row, c.col, c.rowspan, c.colspan, point=(points or {}).get(key)))
            heights += [cr.box[3] - cr.box[1] for cr, _ in reads.get(key, []) if not cr.chars]
        if not any(c.text for c in cells):
            continue
        # The row's own band: a cell merged down over later rows does not stretch it.
        box = (min(c.box[0] for c in cells), float(grid.ys[r]), max(c.box[2] for c in cells), float(grid.ys[r + 1]))
        cs = [c.confidence for c in cells if c.text and c.confidence is not None]
        out.append(Line(" ".join(c.text for c in cells if c.text), number, cells, box,
                        font_size=float(np.median(heights)) if heights else None, source="ocr",
                        confidence=min(cs) if cs else None, in_grid=True))
    return out


def _free_line(ri: int, row: FreeRow, reads: dict, texts: dict, confs: dict, number: int,
               points: Optional[dict] = None, rivals: Optional[dict] = None) -> Optional[Line]:
    """The Line of a free row; its pieces become cells when there are several (borderless tables).
    Pieces read with too little confidence (noise, pictures) are dropped; a kept piece's
    confidence is at most 1 - its ``rivals`` entry (:func:`rival_confidence`)."""
    cells, heights = [], []
    for ci, boxes in enumerate(row.cells):
        key = ("free", ri, ci)
        text, conf = texts.get(key, ""), confs.get(key)
        # A lone piece read with little confidence is noise (a picture, a smudge); in a
        # row of several pieces it is kept unless very unsure (a small digit may score low).
        if not text or conf is None or conf < (MIN_LINE_CONF if len(row.cells) == 1 else MIN_CELL_CONF):
            continue
        if not any(ch.isalnum() for ch in text):
            continue  # only marks: a rule's stub, a smudge
        box = tuple(float(v) for v in _cell_box(boxes))
        cells.append(Cell(text, box, _shown(conf, (rivals or {}).get(key, 0.0)), None,
                          row.cols[ci] if row.cols else ci, point=(points or {}).get(key)))
        heights += [b[3] - b[1] for b in boxes]
    if not cells:
        return None
    box = (min(c.box[0] for c in cells), min(c.box[1] for c in cells),
           max(c.box[2] for c in cells), max(c.box[3] for c in cells))
    line = Line(" ".join(c.text for c in cells), number, box=box, font_size=float(np.median(heights)),
                source="ocr", confidence=min(c.confidence for c in cells))
    if len(cells) > 1:
        line.cells = cells
    return line


def _numeric_text(results: list) -> tuple[str, float]:
    """Digits-only reading of a cell's crops, with look-alike repair as a fallback."""
    from ...ocr import decode_numeric

    texts, confs = [], []
    for res in results:
        raw = res.text.strip().replace(" ", "")
        fixed = raw.translate(DIGIT_LOOKALIKES)
        num = decode_numeric(res)
        if num.text and (not layout.is_number(fixed) or num.text == fixed):
            texts.append(num.text)
            confs.append(num.min_confidence)
        elif layout.is_number(fixed):
            texts.append(fixed)
            confs.append(res.min_confidence if fixed == raw else min(res.min_confidence, num.min_confidence))
        elif _lone_letter(raw) and (forced := decode_numeric(res, veto=False)).text.isdigit():
            # Where only a number can be, a lone letter is a digit misread (a 0 under a seal's
            # lettering read "a"): its best digit, as unsure as the model was of it.
            texts.append(forced.text)
            confs.append(min(forced.min_confidence, 1.0 - res.min_confidence))
        else:
            texts.append(raw)  # a dash, "/" or words: not ours to turn into a number
            confs.append(res.min_confidence)
    return "".join(texts), (min(confs) if confs else 0.0)


def _lone_letter(text: str) -> bool:
    """One or two letters (Latin or CJK), or one round mark (a small 0 read as 。): never a
    dash, a slash or other 'none' marks."""
    return (1 <= len(text) <= MAX_LONE_LETTERS and text.isalpha()) or text in ROUND_MARKS


def _reread(lay: Layout, todo: list[tuple], reads: dict, texts: dict, confs: dict, engine,
            sealed: frozenset = frozenset(), readings: Optional[dict] = None, kept: frozenset = frozenset()) -> None:
    """Read unsure numeric cells again from wider and upscaled crops (one batch for the
    page), the ``sealed`` ones also without a seal's residue at RESIDUE_LEVELS; keep the
    surest digits-only reading, except for the ``kept`` cells (a fax's number two readers
    read alike: the recogniser alone, upscaled, reads a fax's thin-armed 3 a sure "1",
    development fax 1002004).  Each number read of a cell in ``readings`` is added to
    its list there, as (text, confidence)."""
    variants = [(p, 1.0, None) for p in REREAD_PADS] + [(REC_PAD_H, REREAD_UPSCALE, None)]
    residue = [(REC_PAD_H, 1.0, level) for level in RESIDUE_LEVELS]
    jobs, images = [], []
    for key in todo:
        for crop, _ in reads[key]:
            for v, (pad, up, level) in enumerate(variants + (residue if key in sealed and not crop.chars else [])):
                jobs.append((key, v))
                img = crop_image(lay.gray, crop.box, crop.clip, pad_v=pad, pad_h=pad, upscale=up)
                images.append(img if level is None else without_residue(img, level))
    by_variant: dict[tuple, list] = {}
    for job, res in zip(jobs, engine.recognize(images)):
        by_variant.setdefault(job, []).append(res)
    first = {key: texts[key] for key in todo}
    for (key, _v), res_list in by_variant.items():
        text, conf = _numeric_text(res_list)
        if point_lost(first[key], text):
            continue  # a point is a mark a wider or upscaled crop loses far more often than it invents
        if readings is not None and key in readings and layout.is_number(text):
            readings[key].append((text, conf))
        if key not in kept and layout.is_number(text) and (conf > (confs[key] or 0) or not layout.is_number(texts[key])):
            texts[key], confs[key] = text, conf


def point_lost(first: str, again: str) -> bool:
    """Whether a re-read ``again`` has lost the decimal point of the first pass's reading
    ``first`` (a fax's 4.0 re-read "10", then a surer "40", development 989013:
    active.fees.amount).  A run of zeros has not: two cells' zeros run together (a lost
    rule) read "0.0" at first, "00" again (development 989003: the review table's first cells)."""
    return "." in first and "." not in again and set(again) != {"0"}

"""Decode report tables whose cells were run together with nothing between them.

Web-page text dumps (the 平潭 reports, 2019-2025) print a table row as its label
followed by all its cells glued: ``一、本年新收政府信息公开申请数量640020470`` is
64 | 0 | 0 | 2 | 0 | 4 | 70, and a row's digits run into the next label's
numbering (``0000000`` + ``2.其他法律…`` reads ``00000002.其他法律…``).

Only arithmetic tells where one number ends and the next begins, so:

1. each row's digit run is split every way the digit rules allow (no multi-digit
   number starts with 0; spaces, where printed, are cell boundaries; a minus
   sign starts a cell of a signed column; a decimal point sits inside a money
   cell), keeping the splits whose row total equals the sum of its parts;
2. the rows' readings are combined and only the combinations that break the
   fewest column sums (``new + carried_in = total + carried_out``,
   ``total = sum of result rows``) survive; then the counts the narrative
   states narrow them further;
3. a field gets a value only where every surviving reading agrees on it;
   otherwise it is null and a warning lists the readings.

Everything works on two views of the text: ``raw`` (NFKC, so digits are ASCII,
with spaces, ``.`` and ``-`` kept) for the digits, and ``norm`` (template
:func:`~pipeline.template.normalize`) for matching row keys, with a map between.
"""
from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline import checks
from pipeline import template as tpl
from pipeline.lexicon import DECIMAL, DIGITS, NUMBER_RUN, SPACED_DIGITS
from pipeline.datamodel import FieldCell
from pipeline.unionfind import UnionFind
from pipeline.template import Row, Table, Template, normalize

__all__ = ["Decoded", "decode", "detect_format", "is_run_together", "split_run"]

MAX_READINGS = 5000          # splits of one digit run kept before giving up on the run
MAX_STEPS = 200_000          # search steps spent splitting one digit run
MAX_COMBINATIONS = 20_000    # joint readings of ambiguous rows checked against the sums
SHOWN_READINGS = 4           # readings listed in a warning before "…"
LABEL_GAP = 30               # normalised chars allowed between a request key and its digits, and after
MIN_GLUED_ROWS = 3           # glued request rows needed to call a text run-together
FUZZY_MIN_KEY = 4            # keys at least this long also match with one extra/wrong char

_NUMBERING = re.compile(r"(\d+)\.")       # "2." at the start of a template label
_CJK = re.compile(r"[\u3400-\u9fff]")
_LABEL_DIGITS = re.compile(rf"\D{{0,{LABEL_GAP}}}\d+")  # a label's tail, then its digits


@dataclass
class Decoded:
    fields: dict[str, int | float | None]   # every field id of template.field_ids
    warnings: list[str] = field(default_factory=list)   # ambiguities (with readings), unparsed rows
    ambiguous: dict[str, list] = field(default_factory=dict)   # field id -> candidate values
    # Every field id -> its evidence: ``printed`` (its cells printed apart), ``decoded``
    # (split from a glued run), ``ambiguous`` or ``absent``; ``span`` indexes the decoded text.
    cells: dict[str, FieldCell] = field(default_factory=dict)


# --- text views ----------------------------------------------------------------

@dataclass(frozen=True)
class _Text:
    raw: str                 # NFKC text: ASCII digits, spaces, '.', '-' kept
    norm: str                # normalize()d text, where row keys are matched
    at: tuple[int, ...]      # at[i] = index in raw of norm[i]
    src: tuple[int, ...] | None = None  # src[i] = index in the given text of raw[i]

    def raw_pos(self, i: int) -> int:
        return self.at[i] if i < len(self.at) else len(self.raw)

    def raw_between(self, a: int, b: int) -> str:
        """Raw text from norm index a (inclusive) to norm index b (exclusive)."""
        return self.raw[self.raw_pos(a):self.raw_pos(b)]


def _index(text: str) -> _Text:
    raw = unicodedata.normalize("NFKC", text)
    norm: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(raw):
        for c in normalize(ch):  # per character, so each kept char knows where it came from
            norm.append(c)
            at.append(i)
    src = [i for i, ch in enumerate(text) for _ in unicodedata.normalize("NFKC", ch)]
    # Per-character NFKC equals the whole text's but for composing sequences (none in these reports).
    return _Text(raw, "".join(norm), tuple(at), tuple(src) if len(src) == len(raw) else None)


@lru_cache(maxsize=None)
def _fuzzy(key: str) -> re.Pattern:
    """The key with one extra character (行政法复议) or one wrong character."""
    alts = [re.escape(key[:k]) + "." + re.escape(key[k:]) for k in range(1, len(key))]
    alts += [re.escape(key[:k]) + "." + re.escape(key[k + 1:]) for k in range(len(key))]
    return re.compile("|".join(alts))


def _find(norm: str, keys: tuple[str, ...], start: int, end: int | None = None) -> tuple[int, int] | None:
    """Earliest (start, end) of any key in norm[start:end]; exact matches win over one-typo ones."""
    end = len(norm) if end is None else end
    hits = [(i, i + len(k)) for k in keys if (i := norm.find(k, start, end)) >= 0]
    if not hits:
        hits = [m.span() for k in keys if len(k) >= FUZZY_MIN_KEY
                if (m := _fuzzy(k).search(norm, start, end))]
    return min(hits) if hits else None


def _locate(t: _Text, template: Template) -> dict[str, tuple[int, int]]:
    """Norm-index spans of the active, requests and review tables (those found).

    The requests table starts at the first row key followed by digits and then
    the second row's key (the preamble and narrative name headings and counts
    too, so a heading or "本年新收…20件" alone misleads); the
    active table is the last active heading before it; the review table runs
    from its heading to section 五.
    """
    req = template.table("requests")
    start, req_start = 0, None
    while (hit := _find(t.norm, req.rows[0].keys, start)) is not None:
        digits = _LABEL_DIGITS.match(t.norm, hit[1])
        if digits and _find(t.norm, req.rows[1].keys, digits.end(), digits.end() + LABEL_GAP):
            req_start = hit[0]
            break
        start = hit[1]
    if req_start is None:
        return {}
    spans: dict[str, tuple[int, int]] = {}
    head = t.norm.rfind(req.heading_keys[0], 0, req_start)
    act_end = head if head >= 0 else req_start
    act_start = t.norm.rfind(template.table("active").heading_keys[0], 0, act_end)
    if act_start >= 0:
        spans["active"] = (act_start, act_end)
    rev = _find(t.norm, template.table("review").heading_keys, req_start)
    spans["requests"] = (req_start, rev[0] if rev else len(t.norm))
    if rev:
        problems = next(keys for sid, _, keys in tpl.SECTIONS if sid == "problems")
        end = _find(t.norm, problems, rev[1])
        spans["review"] = (rev[0], end[0] if end else len(t.norm))
    return spans


def _find_rows(t: _Text, table: Table, span: tuple[int, int],
               skip: tuple[str, ...] = ()) -> list[tuple[Row, int, int]]:
    """(row, key start, key end) of the table's rows found in order inside span."""
    cur, end = span
    found = []
    for row in table.rows:
        if row.id in skip:
            continue
        hit = _find(t.norm, row.keys, cur, end)
        if hit is not None:
            found.append((row, *hit))
            cur = hit[1]
    return found


def _row_run(seg: str, next_label: str | None) -> str:
    """The cells printed for a row, from seg (its label's tail up to the next row's key).

    A run ending in "." ran into the next label's numbering ("00000002.其他"):
    that number is dropped (the template label says which; items are 1-8).
    """
    m = NUMBER_RUN.search(seg)
    if not m:
        return ""
    run = m.group().rstrip()
    if run.endswith("."):
        run = run[:-1]
        num = _NUMBERING.match(next_label or "")
        run = run[:-len(num.group(1))] if num and run.endswith(num.group(1)) else run[:-1]
    return run.strip()


# --- splitting one run -----------------------------------------------------------

def _cell_value(cell: str, decimal: bool, signed: bool) -> int | float | None:
    """The value of one cell's text, or None where the digit rules forbid it."""
    m = DECIMAL.fullmatch(cell)
    if not m:
        return None
    sign, digits, frac = m.groups()
    if (sign and not signed) or (frac and not decimal):
        return None
    if len(digits) > 1 and digits[0] == "0":   # no multi-digit number starts with 0
        return None
    if sign and not frac and int(digits) == 0:  # "-0" is no change; never printed so
        return None
    return float(cell) if decimal else int(cell)


def split_run(run: str, n: int, *, decimal: frozenset[int] | set[int] = frozenset(),
              signed: frozenset[int] | set[int] = frozenset(),
              sums: tuple[tuple[tuple[int, ...], int], ...] = (),
              limit: int = MAX_READINGS) -> list[tuple] | None:
    """Every way to read ``run`` as ``n`` cells, in print order.

    Spaces in ``run`` are cell boundaries; a '-' starts a cell (only in the
    ``signed`` cell indexes); a '.' sits inside a ``decimal`` cell; no
    multi-digit number starts with 0. ``sums`` lists (part indexes, total
    index): readings whose total differs from the sum of its parts are dropped.
    Returns None when there are more than ``limit`` readings (or the search
    runs past MAX_STEPS): too many to be worth listing.

    >>> split_run("640020470", 7, sums=(((0, 1, 2, 3, 4, 5), 6),))
    [(64, 0, 0, 2, 0, 4, 70)]
    """
    s = re.sub(r"\s+", "", run)
    cuts: set[int] = set()  # positions in s where a cell must start
    pos = 0
    for tok in run.split():
        cuts.add(pos)
        cuts.update(pos + i for i, ch in enumerate(tok) if ch == "-")
        pos += len(tok)
    cuts.discard(0)
    # next_cut[p]: the first forced boundary after p, which no cell may cross
    next_cut = [len(s)] * (len(s) + 1)
    for p in range(len(s) - 1, -1, -1):
        next_cut[p] = p + 1 if p + 1 in cuts else next_cut[p + 1]
    closing: dict[int, list[tuple[tuple[int, ...], int]]] = {}
    for parts, total in sums:
        closing.setdefault(max(parts + (total,)), []).append((parts, total))

    out: list[tuple] = []
    vals: list = []
    steps = 0

    def rec(p: int, i: int) -> bool:  # False: give up (too many)
        nonlocal steps
        if i == n:
            if p == len(s):
                out.append(tuple(vals))
            return len(out) <= limit
        last = min(next_cut[p], len(s) - (n - i - 1))  # leave a char for each later cell
        for e in range(p + 1, last + 1):
            steps += 1
            if steps > MAX_STEPS:
                return False
            v = _cell_value(s[p:e], i in decimal, i in signed)
            if v is None:
                continue
            vals.append(v)
            ok = all(sum(vals[j] for j in parts) == vals[tot] for parts, tot in closing.get(i, ()))
            go_on = rec(e, i + 1) if ok else True
            vals.pop()
            if not go_on:
                return False
        return True

    if n <= 0 or not s:
        return []
    return out if rec(0, 0) else None


# --- chunks and the joint solve --------------------------------------------------

@dataclass
class _Chunk:
    """One digit run and the fields it holds (a row, or the whole review table)."""
    name: str                      # "requests.new", "review"
    fields: tuple[str, ...]
    run: str
    readings: list[tuple] = field(default_factory=list)
    # Index in the raw text of each non-space character of ``run`` (empty when unknown).
    at: tuple[int, ...] = ()

    @property
    def glued(self) -> bool:
        """True when the run prints fewer separate groups than it has cells."""
        return len(self.run.split()) < len(self.fields)


@dataclass(frozen=True)
class _Eq:
    """sum(lhs) == sum(rhs): a column rule of the requests table."""
    name: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


def _row_shape(rows: list[Row]) -> tuple[set[int], set[int], tuple]:
    """Decimal and signed cell indexes and row sums for rows printed one after another."""
    decimal, signed, sums, off = set(), set(), [], 0
    for row in rows:
        ids = [c.id for c in row.columns]
        decimal |= {off + k for k, c in enumerate(row.columns) if c.decimal}
        signed |= {off + k for k, c in enumerate(row.columns) if c.signed}
        if "total" in ids:  # requests and review rows: total = the other columns
            tot = ids.index("total")
            sums.append((tuple(off + k for k in range(len(ids)) if k != tot), off + tot))
        off += len(ids)
    return decimal, signed, tuple(sums)


def _read_chunk(chunk: _Chunk, rows: list[Row], warnings: list[str]) -> None:
    """Fill chunk.readings from its run (warning where the run can't be read)."""
    if not chunk.run:
        warnings.append(f"{chunk.name}: no digits found for the row")
        return
    decimal, signed, sums = _row_shape(rows)
    n = len(chunk.fields)
    got = split_run(chunk.run, n, decimal=decimal, signed=signed, sums=sums)
    if got == [] and sums:
        # the printed row breaks its own total: read it without the sum, and say so
        got = split_run(chunk.run, n, decimal=decimal, signed=signed)
        if got:
            warnings.append(f"{chunk.name}: no reading of '{chunk.run}' makes the total the sum of its parts")
    if got is None:
        warnings.append(f"{chunk.name}: '{chunk.run}' has too many readings to list (>{MAX_READINGS})")
    elif not got:
        warnings.append(f"{chunk.name}: '{chunk.run}' cannot be read as {n} cells")
    else:
        chunk.readings = got


def _fmt(reading: tuple) -> str:
    return "|".join(repr(v) if isinstance(v, float) else str(v) for v in reading)


def _components(chunks: list[_Chunk], eqs: list[_Eq], where: dict) -> list[list[int]]:
    """Ambiguous chunks grouped by the rules they share (chunks in no rule stand alone)."""
    amb = [ci for ci, ch in enumerate(chunks) if len(ch.readings) > 1]
    index = {ci: k for k, ci in enumerate(amb)}
    uf = UnionFind(len(amb))
    for e in eqs:
        tied = sorted({where[f][0] for f in e.lhs + e.rhs} & set(amb))
        for ci in tied[1:]:
            uf.union(index[ci], index[tied[0]])
    return [[amb[k] for k in members] for members in uf.groups().values()]


def _best_combos(chunks: list[_Chunk], comp: list[int], eqs: list[_Eq],
                 where: dict) -> tuple[list[tuple] | None, list[str]]:
    """The joint readings of ``comp`` that break the fewest rules, and the rules they break.

    None when there are more than MAX_COMBINATIONS to try.
    """
    slot = {ci: j for j, ci in enumerate(comp)}
    mine = [e for e in eqs if any(where[f][0] in slot for f in e.lhs + e.rhs)]
    compiled = []  # each rule as: constant + sum of (sign, slot, cell index) terms
    for e in mine:
        const, terms = 0, []
        for sign, fs in ((1, e.lhs), (-1, e.rhs)):
            for f in fs:
                ci, k = where[f]
                if ci in slot:
                    terms.append((sign, slot[ci], k))
                else:
                    const += sign * chunks[ci].readings[0][k]
        compiled.append((const, terms))

    def broken(combo: tuple) -> list[str]:
        return [e.name for e, (const, terms) in zip(mine, compiled)
                if const + sum(sg * combo[j][k] for sg, j, k in terms) != 0]

    lists = [chunks[ci].readings for ci in comp]
    if math.prod(len(r) for r in lists) > MAX_COMBINATIONS:
        return None, []
    best: int | None = None
    combos: list[tuple] = []
    for combo in itertools.product(*lists):
        bad = len(broken(combo))
        if best is None or bad < best:
            best, combos = bad, [combo]
        elif bad == best:
            combos.append(combo)
    return combos, broken(combos[0]) if best else []


def _solve(chunks: list[_Chunk], eqs: list[_Eq], stated: dict[str, int],
           warnings: list[str]) -> list[list[tuple]]:
    """The readings of each chunk that survive the column rules, then the stated counts.

    Chunks tied by a rule are read jointly; among their combinations those that
    break the fewest rules survive (a published table may break one whatever
    the reading). Stated counts then narrow the survivors, unless a count fits
    none of them (then it is ignored, with a warning).
    """
    where = {f: (ci, k) for ci, ch in enumerate(chunks) if ch.readings for k, f in enumerate(ch.fields)}
    eqs = [e for e in eqs if all(f in where for f in e.lhs + e.rhs)]
    kept = [list(ch.readings) for ch in chunks]

    def fixed(f: str):
        ci, k = where[f]
        return chunks[ci].readings[0][k]

    for e in eqs:  # rules between unambiguous rows: a published inconsistency to report
        if all(len(chunks[where[f][0]].readings) == 1 for f in e.lhs + e.rhs):
            lhs, rhs = sum(map(fixed, e.lhs)), sum(map(fixed, e.rhs))
            if lhs != rhs:
                warnings.append(f"{e.name}: printed {lhs} ≠ {rhs}")

    for comp in _components(chunks, eqs, where):
        slot = {ci: j for j, ci in enumerate(comp)}
        combos, broken = _best_combos(chunks, comp, eqs, where)
        if combos is None:
            names = ", ".join(chunks[ci].name for ci in comp)
            warnings.append(f"{names}: too many joint readings to check against the sums")
        if broken:
            warnings.append(f"every reading breaks a sum: {'; '.join(broken)}")
        for f, v in stated.items():
            if f not in where or where[f][0] not in slot:
                continue
            ci, k = where[f]
            if combos is None:  # too many to read jointly: narrow the one chunk
                narrowed = [r for r in kept[ci] if r[k] == v]
                kept[ci] = narrowed or kept[ci]
            else:
                narrowed = [c for c in combos if c[slot[ci]][k] == v]
                combos = narrowed or combos
            if not narrowed:
                warnings.append(f"stated {f}={v} fits no reading; ignored")
        if combos is not None:
            for ci in comp:
                seen = {c[slot[ci]] for c in combos}
                kept[ci] = [r for r in chunks[ci].readings if r in seen]

    for f, v in stated.items():  # stated counts of unambiguous cells: only check them
        if f not in where:
            warnings.append(f"stated {f}={v}: no such cell was read; ignored")
        elif len(chunks[where[f][0]].readings) == 1 and fixed(f) != v:
            warnings.append(f"stated {f}={v} contradicts the table ({fixed(f)}); ignored")
    return kept


def _request_rules(template: Template, split: bool) -> list[_Eq]:
    """The column rules of the requests table (checks 1 and 2), from checks.py."""
    return [_Eq(f"{e.where}: {e.rule}", e.lhs, e.rhs) for e in checks.equations(template.name, split)
            if e.rule in ("requests_balance", "requests_results")]


# --- public API ------------------------------------------------------------------

def detect_format(text: str) -> str | None:
    """"2019" or "2021" by the active table's header words; None if neither or a tie."""
    norm = normalize(text)
    n19 = sum(m in norm for m in tpl.FORMAT_2019_MARKERS)
    n21 = sum(m in norm for m in tpl.FORMAT_2021_MARKERS)
    if n19 == n21:
        return None
    return "2019" if n19 > n21 else "2021"


def is_run_together(text: str) -> bool:
    """True when the text holds template tables whose row labels are glued to digit runs (no separators).

    A request row is glued when its cells print as fewer digit groups than it
    has columns although there are digits enough for all of them.
    """
    t = _index(text)
    template = tpl.get("2021")  # its request keys cover both formats
    span = _locate(t, template).get("requests")
    if span is None:
        return False
    found = _find_rows(t, template.table("requests"), span, skip=tpl.OTHER_SPLIT + ("other",))
    glued = 0
    for (row, _, b), nxt in zip(found, found[1:] + [None]):
        seg = t.raw_between(b, nxt[1] if nxt else span[1])
        m = DIGITS.search(seg)
        if not m:
            continue
        cells = seg[m.start():]
        cells = cells[:c.start()] if (c := _CJK.search(cells)) else cells
        groups = DIGITS.findall(cells)
        if sum(map(len, groups)) >= len(row.columns) > len(groups):
            glued += 1
    return glued >= MIN_GLUED_ROWS


def decode(text: str, template: Template, stated: dict[str, int] | None = None) -> Decoded:
    """Read the active, requests and review tables of a run-together dump.

    ``stated`` maps field ids to counts the narrative states; they only narrow
    readings. Every field id of the template is in the result; a field is null
    where the cell was not found or more than one reading fits every rule.
    """
    t = _index(text)
    fields: dict[str, int | float | None] = {f: None for f in template.field_ids}
    warnings: list[str] = []
    stated = dict(stated or {})
    for f in [f for f in stated if f not in fields]:
        warnings.append(f"stated {f}: not a field of the {template.name} template; ignored")
        del stated[f]

    spans = _locate(t, template)
    chunks: list[_Chunk] = []
    eqs: list[_Eq] = []

    for tid in ("active", "requests"):
        if tid not in spans:
            warnings.append(f"{tid}: table not found")
            continue
        table = template.table(tid)
        skip: tuple[str, ...] = ()
        if tid == "requests":
            # 2021 reports print （六）其他处理 either as three sub-rows or as one row
            split = ("other_no_correction" in {r.id for r in table.rows}
                     and _find(t.norm, table.row("other_no_correction").keys, *spans[tid]) is not None)
            skip = ("other",) if split else tpl.OTHER_SPLIT
            eqs = _request_rules(template, split)
        found = _find_rows(t, table, spans[tid], skip)
        ids = {r.id for r, _, _ in found}
        warnings += [f"{tid}.{r.id}: row not found" for r in table.rows
                     if r.id not in ids and r.id not in skip]
        for (row, _, b), nxt in zip(found, found[1:] + [None]):
            seg = t.raw_between(b, nxt[1] if nxt else spans[tid][1])
            run = _row_run(seg, nxt[0].label if nxt else None)
            chunk = _Chunk(f"{tid}.{row.id}", tuple(f"{tid}.{row.id}.{c.id}" for c in row.columns),
                           run, at=_run_at(run, seg, t.raw_pos(b)))
            _read_chunk(chunk, [row], warnings)
            chunks.append(chunk)

    if "review" in spans:
        # all three groups print as one run after the header (header words hold no digits)
        table = template.table("review")
        region = t.raw_between(*spans["review"])
        groups = list(SPACED_DIGITS.finditer(region))
        run = " ".join(m.group().strip() for m in groups)
        base = t.raw_pos(spans["review"][0])
        at = tuple(base + m.start() + i for m in groups for i, ch in enumerate(m.group()) if not ch.isspace())
        chunk = _Chunk("review", tuple(f"review.{r.id}.{c.id}" for r in table.rows for c in r.columns),
                       run, at=at)
        _read_chunk(chunk, list(table.rows), warnings)
        chunks.append(chunk)
    else:
        warnings.append("review: table not found")

    kept = _solve(chunks, eqs, stated, warnings)
    ambiguous: dict[str, list] = {}
    cells: dict[str, FieldCell] = {}
    for chunk, readings in zip(chunks, kept):
        if not readings:
            continue
        where = _cell_spans(chunk, readings[0], t) if len(readings) == 1 else {}
        for k, f in enumerate(chunk.fields):
            values = sorted({r[k] for r in readings})
            if len(values) == 1:
                fields[f] = values[0]
                span = where.get(k)
                cells[f] = FieldCell(values[0], "decoded" if chunk.glued else "printed", 1,
                                     text=t.raw[span[0]:span[1]] if span else None,
                                     span=_source_span(t, span))
            else:
                ambiguous[f] = values
                cells[f] = FieldCell(None, "ambiguous", 1, text=chunk.run, candidates=values,
                                     span=_source_span(t, _run_span(chunk)))
        if len(readings) > 1:
            shown = ", ".join(_fmt(r) for r in readings[:SHOWN_READINGS])
            more = ", …" if len(readings) > SHOWN_READINGS else ""
            warnings.append(f"{chunk.name}.*: {len(readings)} readings fit: {shown}{more}")
    for f in fields:
        cells.setdefault(f, FieldCell(None, "absent"))
    return Decoded(fields, warnings, ambiguous, cells)


def _run_at(run: str, seg: str, base: int) -> tuple[int, ...]:
    """Raw-text index of each non-space character of ``run``, found in ``seg`` (at ``base``)."""
    pos = seg.find(run) if run else -1
    if pos < 0:
        return ()
    return tuple(base + pos + i for i, ch in enumerate(run) if not ch.isspace())


def _cell_spans(chunk: _Chunk, reading: tuple, t: _Text) -> dict[int, tuple[int, int]]:
    """Raw-text span of each cell of a reading (cell index -> (start, end)).

    The cells are found again left to right: a value's text is the shortest
    piece of the run that reads as it (integers print without leading zeros).
    """
    s = re.sub(r"\s+", "", chunk.run)
    if len(chunk.at) != len(s):
        return {}
    out, p = {}, 0
    for k, v in enumerate(reading):
        e = next((e for e in range(p + 1, len(s) + 1) if _same(s[p:e], v)), None)
        if e is None:
            return out
        out[k] = (chunk.at[p], chunk.at[e - 1] + 1)
        p = e
    return out


def _same(text: str, value) -> bool:
    try:
        return float(text) == value
    except ValueError:
        return False


def _run_span(chunk: _Chunk) -> tuple[int, int] | None:
    return (chunk.at[0], chunk.at[-1] + 1) if chunk.at else None


def _source_span(t: _Text, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """A raw-text span as a span of the text given to :func:`decode`."""
    if span is None or t.src is None:
        return None
    return t.src[span[0]], t.src[span[1] - 1] + 1

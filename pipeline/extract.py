"""The pipeline: input -> lines -> labels -> tables -> checks -> Result.

``extract_document`` is pure over a Document, except that a scan whose rules
fail has the cells of those rules re-read from its file (``reread_failed``);
``extract_file`` adds the file read and turns unreadable input into a flagged
Result instead of an exception.
"""
from __future__ import annotations

import hashlib
from itertools import combinations
from pathlib import Path
from typing import Optional

from . import checks, coverage, facts, fax_doubt, narrative, seal_doubt
from .assemble import NO_TEMPLATE_WARNING, assemble, field_cells, parse_number
from .datamodel import Document, FieldCell, InputError, Result
from .inputs import read_document
from .limits import DEFAULT_LIMITS, FileTimeout, Limits, file_deadline, timeout_message
from .labels import Labeler, apply_labels
from .template import Template, get

# Most OCR cells re-read per document when checks fail (each costs a few recognitions).
MAX_REREAD_CELLS = 24
# A cell of a failed rule that its re-read most often gives again is confirmed (a published
# inconsistency stays) when it was read at least this sure; read less sure, its other
# readings are tried too (photo 985008: a 7 read 1 at 0.87, the plain crop's 7 outvoted).
REREAD_CONFIRM_CONF = 0.9
# Where no one re-read alone repairs a failed rule, re-reads of up to this many cells at once
# are tried (a fax's 3 read "1" in a row's total and in the table's 总计, development 1002002:
# either alone breaks the balance of 新收 and 总计).
REREAD_MAX_JOINT = 2


def _run_together(doc: Document, result: Result, stated: dict) -> bool:
    """Decode web dumps whose table cells run together; True when it applied."""
    try:
        from . import runtogether
    except ImportError:  # decoder not installed in this build
        return False
    # A document whose tables come as cells (HTML, DOCX, PDF grids) is not run together,
    # however many of its cells are blank.
    if any(len(ln.cells) > 1 for ln in doc.lines):
        return False
    body = "\n".join(ln.text for ln in doc.lines if ln.label != "other")
    if not runtogether.is_run_together(body):
        return False
    name = runtogether.detect_format(body)
    if name is None:
        return False
    dec = runtogether.decode(body, get(name), stated)
    result.template = name
    result.fields = dec.fields
    result.ambiguous = dec.ambiguous
    result.warnings += dec.warnings
    result.cells = {f: _in_document(c, doc, body) for f, c in dec.cells.items()}
    return True


def read_facts(text: str, classify=None) -> tuple[Optional[list], Optional[str]]:
    """The narrative's facts, or None and why when the facts pipeline is unavailable."""
    try:
        return facts.extract_facts(text, classify), None
    except ImportError as e:  # spaCy not installed in this build
        return None, f"narrative facts not read: {e}"
    except RuntimeError as e:  # factmodel.ModelMissing: no shipped pipeline, or refused
        return None, f"narrative facts not read: {e}"


def _in_document(cell: FieldCell, doc: Document, body: str) -> FieldCell:
    """A decoded cell whose span indexes ``body`` (the joined lines), re-pointed at the
    document's text where the line holding it is verbatim there (text dumps)."""
    if cell.span is None:
        return cell
    start, end = cell.span
    at = 0
    for ln in (ln for ln in doc.lines if ln.label != "other"):
        if at <= start and end <= at + len(ln.text):
            if ln.span is not None:
                cell.span = (ln.span[0] + start - at, ln.span[0] + end - at)
                cell.page = ln.page
            else:
                cell.span = None
            return cell
        at += len(ln.text) + 1
    cell.span = None
    return cell


def scan_page_points(doc: Document) -> dict[int, tuple[float, float, float]]:
    """Page number -> (factor from the scan's working pixels to PDF points, width, height
    in points) for a scanned PDF; pages whose size cannot be read are left out (their
    boxes stay in pixels)."""
    try:
        import pdfplumber
        with pdfplumber.open(doc.source) as pdf:
            sizes = {i + 1: (float(p.width), float(p.height)) for i, p in enumerate(pdf.pages)}
    except Exception:  # a best effort: boxes stay in the scan's pixels
        return {}
    out = {}
    for p in doc.pages:
        if p.number in sizes and p.width:
            w, h = sizes[p.number]
            if p.rotation in (90, 270):  # read upright: the boxes' width runs along the PDF page's height
                w, h = h, w
            out[p.number] = (w / p.width, w, h)
    return out


def page_sizes(doc: Document, points: dict[int, tuple[float, float, float]]) -> dict[int, tuple[float, float]]:
    """Page number -> (width, height) in the unit of that page's boxes in ``cells``."""
    out = {}
    for p in doc.pages:
        if p.number in points:
            out[p.number] = points[p.number][1:]
        elif p.width is not None and p.height is not None:
            out[p.number] = (p.width, p.height)
    return out


SEAL_COVER_MIN = 0.25
"""A cell whose box lies this much (share of its area) inside a seal's box was read under it."""
SEAL_DOUBT_CONF = 0.8
"""A value read under a seal with less confidence than this is doubtful: named apart (on
development seeds 970000-970009, 8 of the 9 cells misread under a seal, 4 of 239 read right)."""


OCR_DOUBT_CONF = 0.98
"""A value an OCR'd page prints, read with less confidence than this, is doubtful (``resolve_ocr_doubt``:
the rules confirm it, replace it or leave it ``doubtful`` and named): where a fax's readers read
other numbers (``scan.recognise.rival_confidence``) the cell is at most 1 - the other reading sure.
Development faxes and borderless faxes 991400-991409 and 1003000-1003009 (40 documents, 11 printed
cells read wrong): at 0.8, 21 cells left doubtful, 6 of them wrong; at 0.98, 27, 8 of them wrong
(a 0 read "1" at 0.96, 991407; one at 0.88, 1003006); the 3 others read wrong were read at 0.9975
or more.  No printed cell of 5 clean scans (991400-991404) read below 0.99."""


OCR_DOUBT_WHERE = "read with little confidence"  # how ``seal_doubt.doubt_warnings`` names the OCR cells


def doubtful_warnings(cells: dict[str, FieldCell], ocr_pages: set[int], named: frozenset = frozenset(),
                      doubt_conf: float = OCR_DOUBT_CONF) -> list[str]:
    """One warning per OCR'd page (``ocr_pages``) naming its cells of status ``printed`` or
    ``doubtful`` read with less than ``doubt_conf``, with value and confidence, other than
    the ``named`` ones (a seal's warning names those already; the rules confirmed others)."""
    by_page: dict[int, list[str]] = {}
    for f, c in cells.items():
        if (c.status in ("printed", "doubtful") and c.value is not None and c.page in ocr_pages and f not in named
                and c.confidence is not None and c.confidence < doubt_conf):
            by_page.setdefault(c.page, []).append(f)
    return [f"page {page}: read with little confidence, its readings disagree: "
            + ", ".join(f"{f} = {cells[f].value:g} ({cells[f].confidence:.2f})" for f in fs)
            for page, fs in sorted(by_page.items())]


def resolve_ocr_doubt(template: Template, result: Result, ocr_pages: set[int], sealed: frozenset,
                      present: set[str], doubt_conf: float = OCR_DOUBT_CONF) -> frozenset:
    """The cells of OCR'd pages (``ocr_pages``; not under a seal, ``sealed``) read ``printed``
    with less than ``doubt_conf`` (a fax's recogniser and digit reader read other numbers),
    sorted as a seal's doubtful cells are (``seal_doubt``): kept ``printed`` where every rule
    of the cell balances with its reading, the rules' value where they force one (status
    ``inferred``, with a warning), else ``doubtful``; ``result`` is changed in place.
    Returns the confirmed ones.  Development faxes and borderless faxes 991400-991409 and
    1003000-1003009 (40 documents): of the 68 cells read below 0.8, 6 of them wrong, the 47
    confirmed were all read right; the 21 left doubtful held the 6 wrong ones."""
    by_page: dict[int, list[str]] = {}
    for f, c in result.cells.items():
        if c.page in ocr_pages and f not in sealed:
            by_page.setdefault(c.page, []).append(f)
    unsure = seal_doubt.doubtful_cells(result.cells, by_page, doubt_conf)
    if not unsure:
        return frozenset()
    doubt, read = seal_doubt.settle(template, result.fields, result.cells, result.inferred, unsure, present)
    result.warnings += seal_doubt.doubt_warnings(doubt, result.cells, read, where=OCR_DOUBT_WHERE)
    return frozenset(doubt.confirmed)


def cells_under_seals(cells: dict[str, FieldCell], seals: list[dict],
                      cover_min: float = SEAL_COVER_MIN) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The cells under a seal (``meta["seals"]`` records, in the cells' coordinates), page
    by page: (those with a value read — red ink over black digits is where a 0 is read as
    8 or 9, and no rule of the template may cover the cell, so the user is told which they
    are —, those the document prints and that were read empty: a printed 0 there may be lost)."""
    read: dict[int, list[str]] = {}
    empty: dict[int, list[str]] = {}
    for f, c in cells.items():
        if c.box is None or c.chosen or (c.value is None and c.status != "blank"):
            continue
        x0, t0, x1, b0 = c.box
        area = max(x1 - x0, 0.0) * max(b0 - t0, 0.0)
        for s in seals:
            if s["page"] != c.page or not area:
                continue
            sx0, st, sx1, sb = s["box"]
            inside = max(0.0, min(x1, sx1) - max(x0, sx0)) * max(0.0, min(b0, sb) - max(t0, st))
            if inside >= cover_min * area:
                (read if c.value is not None else empty).setdefault(c.page, []).append(f)
                break
    return read, empty


def seal_warnings(under: dict[int, list[str]], shown: int = 6, cells: Optional[dict[str, FieldCell]] = None,
                  doubt_conf: float = SEAL_DOUBT_CONF, empty: Optional[dict[int, list[str]]] = None,
                  confirmed: frozenset = frozenset()) -> list[str]:
    """One warning per page with cells read under a seal, naming the first ``shown``; with
    ``cells``, one more per page naming (with value and confidence) those read with less
    than ``doubt_conf`` and not ``confirmed`` by the rules (``seal_doubt``); with ``empty``,
    one per page naming cells under a seal read empty."""
    out = [f"page {page}: {len(fs)} cells read under a seal ({', '.join(fs[:shown])}"
           f"{', …' if len(fs) > shown else ''}): digits under red ink may be misread; check them"
           for page, fs in sorted(under.items())]
    for page, fs in sorted(under.items()) if cells else ():
        unsure = [f for f in fs if f not in confirmed
                  and (cells[f].confidence if cells[f].confidence is not None else 1.0) < doubt_conf]
        if unsure:
            out.append(f"page {page}: doubtful under a seal, read with little confidence: "
                       + ", ".join(f"{f} = {cells[f].value:g} ({cells[f].confidence:.2f})" for f in unsure))
    for page, fs in sorted((empty or {}).items()):
        out.append(f"page {page}: {len(fs)} cells under a seal read empty ({', '.join(fs[:shown])}"
                   f"{', …' if len(fs) > shown else ''}): a number there may be lost under the red ink")
    return out


def _scaled(cell: FieldCell, k: Optional[float]) -> FieldCell:
    if cell.box is not None and k is not None:
        cell.box = tuple(round(v * k, 2) for v in cell.box)
    return cell


def extract_document(doc: Document, labeler: Optional[Labeler] = None, classify=None) -> Result:
    """Labels, tables, narrative and checks for one read Document; without a
    ``labeler``, the shipped line classifier labels the lines; without ``classify``
    (see ``facts.extract_facts``), the shipped facts pipeline names the narrative's figures."""
    result = Result(doc.source, doc.sha256, None, pages=len(doc.pages), recovery=doc.recovery)
    result.warnings += doc.warnings
    from .classifier import default_labeler, describe
    if labeler is None:
        labeler = default_labeler()  # loaded once per process
    result.labeler = describe(labeler)
    apply_labels(doc, labeler)
    lines = doc.lines
    meta = narrative.metadata(lines, doc.page_meta)
    result.meta = meta
    # What the scan backend saw: seals (users ask whether a report is stamped), turned pages.
    # A scanned PDF's boxes are pixels of its working images; the output gives PDF points.
    points = scan_page_points(doc) if doc.kind == "scan" else {}
    seals = [{"page": p.number, "box": [round(v * points.get(p.number, (1.0,))[0], 1) for v in b]}
             for p in doc.pages for b in p.seals]
    if seals:
        meta["seals"] = seals
    turned = {p.number: p.rotation for p in doc.pages if p.rotation}
    if turned:
        meta["rotated_pages"] = turned
    result.sections = narrative.sections(lines)
    stated = narrative.stated_fields(meta)
    found, why = read_facts(facts.narrative_text(lines, result.sections), classify)
    if why:
        result.warnings.append(why + "; the regexes' stated counts are checked instead")
    sources: dict = {}
    present: set = set()
    result.page_sizes = page_sizes(doc, points)
    to_points = {n: k for n, (k, _, _) in points.items()}
    if not _run_together(doc, result, stated):
        asm = assemble(lines, year=narrative.titled_year(meta))
        result.template, result.fields = asm.template, asm.fields
        result.inferred, result.warnings = asm.inferred, result.warnings + asm.warnings
        result.ambiguous = dict(asm.ambiguous)
        sources, present = asm.sources, asm.present_rows
        if asm.template:
            result.cells = {f: _scaled(c, to_points.get(c.page)) for f, c in
                            field_cells(get(asm.template), asm).items()}
    if result.template:
        template = get(result.template)
        result.coverage = coverage.table_coverage(template, result.fields, present, result.ambiguous, lines)
        result.warnings += coverage.coverage_warnings(result.coverage)
        # Cells the scan backend read (a scan, or a PDF's pages without a text layer),
        # of a file still there to re-read.
        ocr_pages = {p.number for p in doc.pages if p.source == "ocr"}
        sources = {f: s for f, s in sources.items() if s[0] in ocr_pages}
        if doc.kind in ("scan", "image", "pdf") and sources and Path(doc.source).is_file():
            before = dict(result.fields)
            result.warnings += reread_failed(doc.source, template, result.fields, sources,
                                             points=doc.kind == "pdf")
            for f, v in result.fields.items():
                if v != before[f] and f in result.cells:
                    result.cells[f].value, result.cells[f].status = v, "reread"
        under: dict[int, list[str]] = {}
        if seals:  # after the re-read: a cell it changed is named by its own warning
            under, under_empty = cells_under_seals(result.cells, seals)
            doubtful = seal_doubt.doubtful_cells(result.cells, under, SEAL_DOUBT_CONF)
            doubt, read = seal_doubt.settle(template, result.fields, result.cells, result.inferred, doubtful, present)
            result.warnings += seal_doubt.doubt_warnings(doubt, result.cells, read)
            under, under_empty = cells_under_seals(result.cells, seals)
            result.warnings += seal_warnings(under, cells=result.cells, empty=under_empty,
                                             confirmed=set(doubt.confirmed))
            seal_doubt.mark_read_empty(result.cells, under_empty)
        sealed = frozenset(f for fs in under.values() for f in fs)
        confirmed = resolve_ocr_doubt(template, result, ocr_pages, sealed, present)
        fax_pages = {p.number for p in doc.pages if p.bilevel and p.number in ocr_pages}
        if fax_pages:  # after the re-read, the seals and the unsure readings: what still fails is in doubt
            result.warnings += fax_doubt.resolve(template, result.fields, result.cells, result.inferred,
                                                 fax_pages, present)
        result.warnings += doubtful_warnings(result.cells, ocr_pages, sealed | confirmed)
        statuses = {f: c.status for f, c in result.cells.items()}
        result.checks = checks.run_checks(template, result.fields, statuses)
        if found is None:
            result.checks += checks.stated_checks(result.fields, stated, statuses)
    if found is not None:
        statuses = {f: c.status for f, c in result.cells.items()}
        facts.link(found, result.template, result.fields)
        result.facts = found
        result.checks += facts.fact_checks(found, result.template, result.fields, statuses)
    _set_kind(result, lines)
    return result


def _set_kind(result: Result, lines) -> None:
    """``meta["kind"]``; a pre-2019 report says so instead of "no template table found"."""
    kind = narrative.report_kind(lines, result.template, result.meta)
    result.meta["kind"] = kind
    if kind == "pre-2019-report":
        result.warnings = [w for w in result.warnings if w != NO_TEMPLATE_WARNING]
        result.warnings.append(narrative.PRE2019_WARNING)


def reread_failed(path: str, template: Template, fields: dict, sources: dict,
                  reread=None, points: bool = False) -> list[str]:
    """Re-read the OCR cells of failed rules; take a reading that repairs them when it is the only one.

    Fields of failed equations read from cells (``sources``: field -> (page, Cell);
    ``points``: boxes in PDF points, OCR'd pages of a PDF) are read again by
    ``scan.reread_cells`` (``reread``: that function, for tests), at most
    MAX_REREAD_CELLS.  A cell read at least REREAD_CONFIRM_CONF sure whose re-read agrees
    most with its first reading is confirmed and stays.  Otherwise each other candidate is
    tried alone:
    a substitution counts when it makes a failed rule pass and no other rule fail;
    it is applied, in ``fields``, when it is the only one that repairs that rule; where no
    rule has such a one, substitutions of up to REREAD_MAX_JOINT cells at once are tried alike
    (``unique_repair``).
    A published inconsistency re-reads the same and is still reported.  Returns
    warnings naming each change.
    """
    failing = checks.failing_equations(template, fields)
    if not failing:
        return []
    # Cells in several failed rules first (a misread breaks its row and its column),
    # then the least confident.
    hits: dict[str, int] = {}
    for eq in failing:
        for f in eq.lhs + eq.rhs:
            if f in sources and sources[f][1].box is not None:  # a cell with no box is not found again
                hits[f] = hits.get(f, 0) + 1
    suspects = sorted(hits, key=lambda f: (-hits[f], sources[f][1].confidence or 0.0))[:MAX_REREAD_CELLS]
    if not suspects:
        return []
    if reread is None:
        from .backend.scan import reread_cells as reread
    try:
        cands = reread(path, [(sources[f][0], sources[f][1].box) for f in suspects], points=points)
    except Exception as e:  # a best effort: the first reading and its failed checks stand
        return [f"re-reading the cells of failed checks failed ({type(e).__name__}: {e})"]
    options: dict[str, list[float]] = {}
    for fid, texts in zip(suspects, cands):
        values = [parse_number(t, template.column(fid).decimal) for t in texts]
        values = [v for v in dict.fromkeys(values) if v is not None]
        conf = sources[fid][1].confidence
        if not values or (values[0] == fields[fid] and (conf is None or conf >= REREAD_CONFIRM_CONF)):
            continue  # read the same again, and read sure the first time: confirmed
        options[fid] = [v for v in values if v != fields[fid]]
    warnings: list[str] = []
    while options:
        found = next((fix for size in range(1, REREAD_MAX_JOINT + 1)
                      if (fix := unique_repair(template, fields, options, size))), None)
        if found is None:
            break
        (rule, where), subs = found
        for fid, v in subs:
            old = fields[fid]
            fields[fid] = v
            del options[fid]
            also = f", with {len(subs) - 1} other re-read" if len(subs) > 1 else ""
            warnings.append(f"{fid}: OCR read {old:g}, re-read as {v:g} (check {rule} at {where} now passes{also})")
    return warnings


def unique_repair(template: Template, fields: dict, options: dict[str, list[float]],
                  size: int) -> Optional[tuple[tuple[str, str], tuple[tuple[str, float], ...]]]:
    """The first failed rule (by rule and place) that exactly one substitution of ``size``
    cells, each by one of its re-read ``options``, makes pass with no other rule failing:
    ((rule, where), ((field, value), ...)); None where no rule has exactly one."""
    before = {(eq.rule, eq.where) for eq in checks.failing_equations(template, fields)}
    singles = [(fid, v) for fid, values in options.items() for v in values]
    fixes: dict[tuple, list[tuple]] = {}
    for subs in combinations(singles, size):
        if len({fid for fid, _ in subs}) < size:
            continue  # two readings of one cell
        trial = dict(fields)
        trial.update(subs)
        after = {(eq.rule, eq.where) for eq in checks.failing_equations(template, trial)}
        if after < before:
            for key in before - after:
                fixes.setdefault(key, []).append(subs)
    unique = sorted((key, subs[0]) for key, subs in fixes.items() if len(subs) == 1)
    return unique[0] if unique else None


def _failed(path: str | Path, message: str) -> Result:
    """The Result of a file that could not be read: ``error`` set, and said in the warnings."""
    digest = ""
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        pass
    r = Result(str(path), digest, None, error=message)
    r.warnings.append(f"input error: {message}")
    return r


def extract_file(path: str | Path, labeler: Optional[Labeler] = None,
                 limits: Limits = DEFAULT_LIMITS, classify=None) -> Result:
    """Extract one file under ``limits``; unreadable input, or a file past its time limit,
    gives a Result with ``error`` set, never raises."""
    try:
        with file_deadline(limits.timeout_s) as due:
            try:
                doc = read_document(path, limits)
                result = extract_document(doc, labeler, classify)
            except InputError as e:
                return _failed(path, str(e))
            except Exception:
                if due is not None and due.fired:  # the timeout, turned into another error on its way
                    raise FileTimeout(timeout_message(limits.timeout_s))
                raise
            if due is not None and due.fired:  # the timeout, swallowed by a reader's page guard
                raise FileTimeout(timeout_message(limits.timeout_s))
            return result
    except FileTimeout as e:
        return _failed(path, str(e))

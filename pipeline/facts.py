"""The figures the narrative states, as facts linked to the table cells they state.

A *quantity* is a number with a unit (``749件``, ``5500余条``, ``三次``, ``3940元``) or a
stated absence (``未收到…申请`` = 0), found by rules (:func:`quantities`).  A *fact* is a
quantity named by the trained spaCy component (``pipeline.factmodel``; run without
spaCy by ``pipeline.factnet``, loaded lazily) as one of ``FACTS``.  Each fact lists the
template cells it states under the readings the template allows (``readings``), and
:func:`fact_checks` compares it with the table: a ``stated_<name>`` check per linked fact.

This module is the whole step (:func:`extract_facts`, the passage-level rules); its parts are
modules of their own, each named by what it reads: ``pipeline.quantities``, ``pipeline.facttext``,
``pipeline.factcells``, ``pipeline.factstructure``, ``pipeline.factexport`` (their names are offered
here too). Pure over text and fields; only :func:`extract_facts` loads the model.
"""
from __future__ import annotations

import logging
import re
from typing import Callable, Optional, Sequence

# The parts, and their names offered as facts.NAME (callers, tests and scripts read them so).
from .factcells import (  # noqa: F401
    COUNT_UNITS, Fact, fact_checks, FACT_NAMES, FACT_UNITS, FACTS, link, reading_value, readings)
from .factexport import fact_from_dict, fact_rows, facts_frame  # noqa: F401
from .factstructure import (  # noqa: F401
    CASE_OUTCOME, PENDING, absence_object, ABSENCE_OBJECTS, _after, ALL_CHANNELS, APPLICATION_WAYS, APPLICATIONS, _before,
    channel_kinds, CHANNEL_LIST, COLUMN, channel_parts, _clause, consistent, DISCLOSING_VERB, GENERIC_CHANNELS,
    HANDLE_VERB, HANDLED_WITHOUT_OBJECT, has_needed_words, ITEM_UNITS, kind_list_spans, LIST_CLOSE,
    LIST_HEAD, listed_channels, NOT_ACTIVE, NOT_GUESSED_CHANNELS, NOT_REQUESTS, _phrase, raw_channel_kinds,
    RECEIVE_VERB, REQUESTS_OBJECT, SENT_UP, LISTED_KINDS, parts_by_channel_after, result_absence, result_before,
    sentence_sections, SINCE, _statement,
    STOCK, STOCK_PHRASE, structure)
from .facttext import narrative_text  # noqa: F401
from .quantities import (  # noqa: F401
    CN_NOT_BEFORE, cn_number, is_table_row, PHRASE_BREAK, quantities, QUANTITY, Quantity, segments,
    sentences, unwrap)


Classifier = Callable[[list[str]], list[list[tuple[int, int, str, float]]]]
# What runs the facts pipeline: numpy (``pipeline.factnet``: its weights without spaCy,
# the same scores; start-up in milliseconds) or spaCy itself (``pipeline.factmodel``:
# the trainer and the reference; importing it takes most of a second).
FACT_ENGINES = ("numpy", "spacy")
DEFAULT_FACT_ENGINE = "numpy"
log = logging.getLogger(__name__)


def engine_classifier(engine: str = DEFAULT_FACT_ENGINE, path: Optional[str] = None) -> Classifier:
    """The facts pipeline at ``path`` (default: the shipped one) run by ``engine``.

    A pipeline the numpy engine does not know (``factnet.NetMismatch``: another
    architecture), or a build without its libraries, is run by spaCy, with a warning in the log.
    """
    if engine not in FACT_ENGINES:
        raise ValueError(f"unknown facts engine {engine!r} (choose from {', '.join(FACT_ENGINES)})")
    if engine == "numpy":
        try:
            from . import factnet
        except ImportError as e:
            log.warning("numpy facts engine unavailable (%s): running the facts pipeline with spaCy", e)
        else:
            try:
                return factnet.classifier(path or str(factnet.MODEL_DIR))
            except factnet.NetMismatch as e:
                log.warning("%s: running the facts pipeline with spaCy", e)
    from . import factmodel  # imports spaCy
    return factmodel.classifier(path or str(factmodel.MODEL_DIR))


def extract_facts(text: str, classify: Optional[Classifier] = None) -> list[Fact]:
    """The facts of a narrative text.

    ``classify`` maps sentences to, per sentence, the (start, end, name, score) of each
    named quantity; default: the shipped pipeline on the default engine
    (:func:`engine_classifier`), loaded only when the text holds a quantity.  The
    names are then read against the report's structure (:func:`structure`).
    """
    placed = sentence_sections(unwrap(text))
    sents = [(sent, sec) for sent, sec in placed if quantities(sent) and not is_table_row(sent)]
    if not sents:
        return []
    if classify is None:
        classify = engine_classifier()
    out: list[Fact] = []
    guessed: dict = {}  # (sentence, span) of channel figures the model left unnamed -> their channels
    for (sent, sec), named in zip(sents, classify([s for s, _ in sents])):
        by_span = {(q.start, q.end): q for q in quantities(sent)}
        names = {(start, end): (name, score) for start, end, name, score in named if name in FACTS}
        for span, q in by_span.items():  # an absence the model left unnamed (or named what its sentence cannot state)
            unnamed = (span not in names or not has_needed_words(names[span][0], sent)
                       or (q.unit is None and not result_absence(names[span][0], sent, q.start)))
            obj = (absence_object(sent, q.start, ABSENCE_OBJECTS + (REQUESTS_OBJECT,))
                   if q.unit is None and unnamed else None)
            if obj:
                names[span] = (obj, None)
            result = result_before(sent, q.start) if q.unit in COUNT_UNITS and q.unit else None
            if result and (span not in names or names[span][0] in ("requests_received", "requests_handled")):
                names[span] = (result, names.get(span, (None, None))[1])  # 其中予以公开1条
        names.update(unnamed_requests(sent, sec, by_span, names))
        names.update(unnamed_cases(sent, by_span, names))
        names.update(channel_parts(sent, by_span, names))
        unnamed = unnamed_channels(sent, sec, by_span, names)
        guessed.update({(sent, span): own for span, own in unnamed.items()})
        names.update({span: ("active_channel", None) for span in unnamed})
        for (start, end), (name, score) in sorted(names.items()):
            q = by_span.get((start, end))
            if q is None:
                continue
            out.append(Fact(name, q.value, q.unit, sent, (start, end), approx=q.approx, score=score, section=sec))
    out = beside_other_channels(out, guessed)
    facts = consistent(structure(out, listed_channels(s for s, _ in sents) | stated_platforms(sents)
                                 | carrying_channels(placed)))
    if not any(f.name.startswith("active_") for f in facts):
        facts = sorted(facts + only_total(sents, out), key=lambda f: placed.index((f.text, f.section)))
    return facts


# The passage's only figure of items disclosed is its total, when the model named none
# (全年在云南省政府采购网公开信息7条, 主动发布政府信息共计49条): a figure in ITEM_UNITS whose clause
# discloses (ACTIVE_VERB) information, in no 依申请 or 复议 section, no part after 其中, no
# sentence of several figures by kind, no stock, press item, reading or message.
ACTIVE_VERB = re.compile(r"公开|发布|公布|更新|推送|发送")
ACTIVE_OBJECT = re.compile(r"信息")
# (a catalogue's count is none, the information it indexes is not: 编制索引目录的政府信息18条)
NOT_ONLY_TOTAL = re.compile(r"申请|解读|图解|会议|培训|新闻发布会|其中|访问|点击|阅读|关注|粉丝|回复|答复|办理"
                            r"|目录(?!的?(?:政府|政务)?信息)|期")
# Readings and messages beside the total are no figures by kind of its items.
READINGS_OR_MESSAGES = re.compile(r"解读|图解|留言|访问|点击|阅读|关注|粉丝")


def only_total(sents: Sequence[tuple[str, Optional[str]]], named: Sequence[Fact]) -> list[Fact]:
    """The one active figure of a passage whose model named none: ``active_total`` when it is the only candidate.

    Its clause (back over counts of other things: 26个重点领域等方面信息7965条) holds the verb; under
    the 主动公开 heading the object needs no 信息 (全面公开组织机构、政策61条). A reading or a
    message beside it (政策解读2篇, 回应网友留言27条: ``READINGS_OR_MESSAGES``) is no second figure by kind."""
    taken = {(f.text, f.span) for f in named}
    cands = []
    for sent, sec in sents:
        if sec in ("requests", "review"):
            continue
        kinds = kind_list_spans(sent)
        phrases = {q: _phrase(Fact("active_total", q.value, q.unit, sent, (q.start, q.end))) for q in quantities(sent)}
        items = [q for q, p in phrases.items()
                 if q.unit in ITEM_UNITS and not (READINGS_OR_MESSAGES.search(p) or SENT_UP.search(p))]
        if len(items) > 1 and not LIST_HEAD.search(sent):
            continue  # 政务类信息34条,概况类信息150条: figures by kind, none of them the total
        for q in quantities(sent):
            span = (q.start, q.end)
            if q.unit not in ITEM_UNITS or (sent, span) in taken or span in kinds:
                continue
            f = Fact("active_total", q.value, q.unit, sent, span, approx=q.approx, section=sec)
            phrase, clause, before = _phrase(f), _clause(f), sent[:q.start]
            if not (ACTIVE_VERB.search(clause) and (ACTIVE_OBJECT.search(clause + _after(f)) or (
                    sec == "active" and DISCLOSING_VERB.search(clause)))):
                continue
            if distractor(f) or "其中" in before or STOCK_PHRASE.search(phrase) or (
                    STOCK.search(phrase) and SINCE.search(before)):
                continue
            cands.append(f)
    return cands if len(cands) == 1 else []


def distractor(f: Fact) -> bool:
    """An item figure whose own phrase counts no item disclosed (applications, readings, meetings,
    reads, messages, press items: ``NOT_ONLY_TOTAL``, ``NOT_ACTIVE``, ``NOT_REQUESTS``); the kinds listed
    before it are none of these (…发布政策解读、惠民举措、…等民生类信息60余条: ``LISTED_KINDS``)."""
    phrase = LISTED_KINDS.sub("", _phrase(f))
    return bool(NOT_ONLY_TOTAL.search(phrase) or NOT_ACTIVE.search(phrase) or NOT_REQUESTS.search(phrase))


# A channel's figure the model left unnamed: an item figure whose own phrase discloses
# (ACTIVE_VERB) and whose phrase, or the clause before, names a channel (此外,还通过长河发布微信
# 公众号,发布信息977条; 门户网站编辑发布文字、图片、视频信息227篇). Channel or total is then the
# passage's to decide (``_channels``). 件 counts items only beside 信息.
CHANNEL_ITEM_UNITS = ("条", "篇", "份", "件")  # ITEM_UNITS and 件



def unnamed_channels(sent: str, section: Optional[str], by_span: dict, names: dict) -> dict:
    """The unnamed item figures of ``sent`` that a channel discloses, each with its channels' kinds."""
    if section in ("requests", "review"):
        return {}
    kinds = None
    out = {}
    for span, q in by_span.items():
        if span in names or q.unit not in CHANNEL_ITEM_UNITS:
            continue
        f = Fact("active_channel", q.value, q.unit, sent, span)
        phrase = _phrase(f)
        if not ACTIVE_VERB.search(phrase) or (q.unit == "件" and "信息" not in phrase):
            continue
        if (NOT_ONLY_TOTAL.search(phrase) or NOT_ACTIVE.search(phrase) or NOT_REQUESTS.search(phrase)
                or STOCK_PHRASE.search(phrase) or APPLICATIONS.search(phrase)):
            continue
        own = channel_kinds(phrase) - NOT_GUESSED_CHANNELS
        if not own:
            clauses = PHRASE_BREAK.split(sent[:span[0]])
            own = (channel_kinds(clauses[-2]) - NOT_GUESSED_CHANNELS
                   if len(clauses) > 1 and not quantities(clauses[-2]) else set())
        if not own or COLUMN.search(phrase) or ("其中" in sent[:span[0]] and not channel_kinds(phrase)):
            continue
        kinds = kind_list_spans(sent) if kinds is None else kinds
        if span not in kinds:
            out[span] = own
    return out


# An application count the model left unnamed, by its own phrase's verb, in a sentence about
# information requests (信息公开, 依申请): received (收到, 受理, 接收, 受理答复…申请 N 件) or handled
# (办结 N 件, 答复…申请 N 件; also beside a count carried over, guide rule 14: 已办结106件,结转到2025年
# 继续办理2件; after a way's count it is that way's part, ``handled_after_way``). Rates, cases, stocks,
# 未办结 are none.
REQUEST_UNITS = ("件", "条", "个", "份")
REQUEST_SENTENCE = re.compile(r"信息公开|依申请|公开申请")
NOT_UNNAMED_REQUEST = re.compile(r"率|复议|诉讼|案件|结转|其中|累计|历年|协办|转办|未")


# The carried in inside the received count's aside: (含上年度结转3件).
CARRIED_IN_ASIDE = re.compile(r"[（(]\s*(?:其中)?含上一?年度?(?:结转|转入)[^，,。；;（()）]{0,6}$")


def unnamed_requests(sent: str, section: Optional[str], by_span: dict, names: dict) -> dict:
    """The unnamed application counts of ``sent`` a verb names (``requests_received`` or ``requests_handled``)."""
    if NOT_REQUESTS.search(sent) or not REQUEST_SENTENCE.search(sent) or not APPLICATIONS.search(sent):
        return {}
    out = {}
    for span, q in by_span.items():
        if span in names or q.unit not in REQUEST_UNITS:
            continue
        phrase = _phrase(Fact("requests_received", q.value, q.unit, sent, span))
        if CARRIED_IN_ASIDE.search(phrase):
            out[span] = ("requests_carried_in", None)  # 共收到…申请41件(含上年度结转3件), guide rule 13
            continue
        if NOT_UNNAMED_REQUEST.search(phrase) or APPLICATION_WAYS.search(phrase):
            continue
        if RECEIVE_VERB.search(phrase) and APPLICATIONS.search(phrase):
            out[span] = ("requests_received", None)
        elif HANDLE_VERB.search(phrase) and (APPLICATIONS.search(phrase) or (
                section == "requests" and HANDLED_WITHOUT_OBJECT.search(phrase))):
            out[span] = ("requests_handled", None)
    return out


# A count of cases the model left unnamed, right after the kind of case it counts
# (发生因政府信息公开引起的行政复议2件和复议后提起行政诉讼1件: the 复议 figure).
CASE_KINDS = (("review_reconsideration", re.compile(r"复议(?:案件)?$")), ("review_litigation", re.compile(r"诉讼(?:案件)?$")))
CASE_UNITS = ("件", "起", "宗")


def unnamed_cases(sent: str, by_span: dict, names: dict) -> dict:
    """The unnamed counts of ``sent`` right after 行政复议 or 行政诉讼 (``CASE_KINDS``), beside a named case count."""
    if not any(name.startswith("review_") for name, _ in names.values()):
        return {}
    out = {}
    for span, q in by_span.items():
        if span in names or q.unit not in CASE_UNITS:
            continue
        phrase = _phrase(Fact("review_total", q.value, q.unit, sent, span))
        if PENDING.search(phrase) or CASE_OUTCOME.search(phrase):
            continue
        kind = next((n for n, pat in CASE_KINDS if pat.search(phrase)), None)
        if kind:
            out[span] = (kind, None)
    return out


def stated_platforms(sents: Sequence[tuple[str, Optional[str]]]) -> set[str]:
    """The platforms whose own item figure a passage states, named or not (门户网站主动公开信息239条,
    政务新媒体发稿169篇): beside another's, a platform's figure with no stated total is a channel."""
    out: set[str] = set()
    for sent, sec in sents:
        if sec in ("requests", "review"):
            continue
        kinds = None
        for q in quantities(sent):
            if q.unit not in CHANNEL_ITEM_UNITS:
                continue
            f = Fact("active_channel", q.value, q.unit, sent, (q.start, q.end))
            phrase = _phrase(f)
            own = channel_kinds(phrase) - NOT_GUESSED_CHANNELS - GENERIC_CHANNELS
            if (not own or (q.unit == "件" and "信息" not in phrase) or NOT_ONLY_TOTAL.search(phrase)
                    or NOT_REQUESTS.search(phrase) or STOCK_PHRASE.search(phrase) or APPLICATIONS.search(phrase)
                    or COLUMN.search(phrase)):
                continue
            kinds = kind_list_spans(sent) if kinds is None else kinds
            if (q.start, q.end) not in kinds:
                out |= own
    return out


# A clause naming channels that carried the agency's items (通过门户网站、微信公众号、报纸等平台
# 发布…信息; 同时通过公众号发布), with or without a figure: beside them, one platform's figure is a
# channel, not the total (guide rules 4c, 5). Not a clause about press reports, messages,
# applications or readers, nor a channel's column (栏目).
NOT_CARRYING = re.compile(r"申请|留言|投诉|咨询|信箱|热线|解读|阅读|关注|粉丝|订阅|访问|点击|栏目|专栏|稿件|发稿|报道"
                          # how channels are run, not what they carried (发布信息时, 日常监测, 更新不及时)
                          r"|时$|监测|检查|审核|审查|管理(?![局委处所办])|不及时|问题|规范(?!性)|考核|通报|整改|督促")
# Names that hold a verb of disclosing but disclose nothing (政务公开公示橱窗, 信息公开指南).
DISCLOSURE_NAMES = re.compile(r"(?:政务|政府信息|信息|村务|党务|财务)公开|公开(?:栏|指南|目录|专栏|平台)|公示栏|发布会")
# A gazette (政府公报4期) reprints documents: no channel of the year's items beside a website's figure.
NOT_CARRYING_CHANNELS = {"media", "platform", "online", "gazette"}  # NOT_GUESSED and GENERIC_CHANNELS too


# A clause naming the ways the items went out, its verb in the next clause (通过“路桥人力社保”微信公众号平台,
# 发布…推文30篇; 充分利用…门户网站、…微信公众号…等信息公开窗口,向社会公众发布各类信息: guide rule 5).
WAY_CLAUSE = re.compile(r"^[^，,]{0,8}?(?:通过|利用|依托|借助|运用)")


# A column opened on a channel for the year's items (在“深圳医保”微信公众号开设专栏…; 在微信公众号开设…专栏,加大信息公开:
# guide rule 5): that channel carried items, though 栏目 / 专栏 otherwise keeps a clause from carrying (NOT_CARRYING).
OPENS_COLUMN = re.compile(r"(?:开设|开通|开辟|增设|新设)[^，,]*?(?:专栏|栏目|专题)")


# Passing items on to the public through a channel (及时向公众传递各类动态信息) is putting them out there too.
PASSES_ON = re.compile(r"传递")


def _discloses(clause: str) -> bool:
    """Whether a clause says items were put out (``ACTIVE_VERB`` or ``PASSES_ON`` outside ``DISCLOSURE_NAMES``,
    no ``NOT_CARRYING``)."""
    named_out = DISCLOSURE_NAMES.sub("", clause)
    return bool(ACTIVE_VERB.search(named_out) or PASSES_ON.search(named_out)) and not NOT_CARRYING.search(clause)


def carrying_channels(sents: Sequence[tuple[str, Optional[str]]]) -> set[str]:
    """The channels a passage's clauses name as disclosing (``_discloses``) items, outside the 依申请 and
    复议 sections; a clause naming the ways (``WAY_CLAUSE``) with no verb takes the next clause's, when that
    names no channel of its own."""
    out: set[str] = set()
    for sent, sec in sents:
        if sec in ("requests", "review"):
            continue
        clauses = PHRASE_BREAK.split(sent)
        for clause, after in zip(clauses, clauses[1:] + [""]):
            if _discloses(clause) or OPENS_COLUMN.search(clause) or (WAY_CLAUSE.search(clause) and not ACTIVE_VERB.search(DISCLOSURE_NAMES.sub("", clause))
                                      and not channel_kinds(after) and _discloses(after)):
                out |= channel_kinds(clause) - NOT_CARRYING_CHANNELS
    return out


def beside_other_channels(facts: list[Fact], guessed: dict) -> list[Fact]:
    """Keep a guessed channel figure (``unnamed_channels``) only beside another channel's figure of
    the passage (a platform's figure beside another platform's); alone, it is the passage's to
    name (``only_total``)."""
    if not guessed:
        return facts
    kinds = {(f.text, f.span): (guessed.get((f.text, f.span)) or channel_kinds(_phrase(f)) or channel_kinds(_before(f)))
             - NOT_GUESSED_CHANNELS for f in facts if f.name.startswith("active_")}

    def keep(f: Fact) -> bool:
        own = guessed.get((f.text, f.span))
        return own is None or any(k and k - own for key, k in kinds.items() if key != (f.text, f.span)) or (
            len(own) >= 2 and parts_by_channel_after(f))
    return [f for f in facts if keep(f)]

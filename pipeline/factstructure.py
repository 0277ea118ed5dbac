"""The report's structure, read against the named facts (:func:`structure`): what one clause cannot
show (split out of ``pipeline.facts``).
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

from .factcells import Fact, FACT_UNITS
from .quantities import PHRASE_BREAK, quantities, sentences, ZERO

# What one clause cannot show: the heading a sentence stands under, the other figures of
# the passage (a channel's figure is the total only when no other channel is stated), the
# verb of the clause (废止 N 件 is repealed whatever the model says), lists (其中 …).

# Facts stated once per report: the largest value is the total, smaller ones are parts
# (平潭 2022: 14571 in all, then 77 of one 专栏).
LARGEST_ONLY = ("active_total",)


# The total in 项 only when they are items of information (…等442项信息内容); 行政许可事项177项 is none.
ITEMS_IN_XIANG = re.compile(r"(?:政府|政务)?信息")


def consistent(facts: Sequence["Fact"]) -> list["Fact"]:
    """Facts whose unit suits their name; of each LARGEST_ONLY name, the largest (a smaller
    ``active_total`` that names a channel is that channel's: 全县政务新媒体共发布信息758条)."""
    out = [f for f in facts if f.unit in FACT_UNITS.get(f.name, ())
           and not (f.name == "active_total" and f.unit == "项" and not ITEMS_IN_XIANG.match(_after(f)))]
    for name in LARGEST_ONLY:
        top = max((f.value for f in out if f.name == name), default=None)
        out = [f if f.name != name or f.value == top else _renamed(f, "active_channel")
               for f in out if f.name != name or f.value == top or channel_kinds(_phrase(f))]
    return out


# Under the 主动公开 heading an object without 信息 is the year's items when the verb discloses
# (全面公开组织机构、政策61条), not when it updates (动态更新…措施50余条).
DISCLOSING_VERB = re.compile(r"公开|发布")


# Press (媒体发布信息112篇) and a site's columns (专栏, 栏目) are no channel the rules guess.
NOT_GUESSED_CHANNELS = {"media"}


CARRIED_OVER_BESIDE = re.compile(r"结转(?:至|到|下)|转结下|转入下")
HANDLED_WITHOUT_OBJECT = re.compile(r"办结")


# A heading at a line start: "（一）主动公开政府信息情况", "(二)依申请公开。", "主动公开政府信息情况:".
HEADING = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*"
                     r"(?P<a>[^。：:；;\n]{1,30})"
                     r"|^\s*(?P<b>[^。：:；;，,\n]{2,16}情况)\s*(?:[:：。]|$)")
SECTIONS_BY_WORD = (("review", ("复议", "诉讼")),
                    ("requests", ("依申请", "申请公开", "政府信息公开申请", "申请受理", "申请办理", "申请答复")),
                    ("active", ("主动公开",)))
# Fact names that cannot stand under a heading (a 依申请公开 section states no active disclosure).
SECTION_EXCLUDES = {"active": ("requests_", "review_"), "requests": ("active_", "normative_", "rules_"),
                    "review": ("active_", "requests_")}
# A sentence that speaks of its own section's matter overrides the heading above it (a report
# that runs 依申请公开 and 复议 on under (一)主动公开: 全年共收到依申请公开件1件, 涉及复议0件).
OWN_SECTION_WORDS = {"requests_": re.compile(r"依申请|申请公开|公开申请|政府信息公开申请|申请政府信息公开"),
                     "review_": re.compile(r"复议|诉讼")}


# A figure's own words that state items put out, whatever heading it stands under (guide rule 45).
OWN_ACTIVE_WORDS = re.compile(r"(?:发布|主动公开)(?:政府|政务)信息$")


def section_rules_out(f: "Fact") -> bool:
    """Whether the heading ``f`` stands under rules its name out (``SECTION_EXCLUDES``), its own
    sentence not speaking of that name's matter (``OWN_SECTION_WORDS``)."""
    family = next((p for p in SECTION_EXCLUDES.get(f.section or "", ()) if f.name.startswith(p)), None)
    if family is None:
        return False
    own = OWN_SECTION_WORDS.get(family)
    if family == "active_" and OWN_ACTIVE_WORDS.search(_phrase(f)) and not APPLICATIONS.search(f.text[:f.span[0]]):
        return False  # 2、依申请公开情况。2025年发布政府信息127条: read by its words (guide rule 45)
    return not (own and own.search(f.text) and "主动公开" not in f.text)


def subsection_of(heading: str) -> str:
    """``active``, ``requests``, ``review`` or ``other`` for a sub-heading of the narrative ((一)主动公开…;
    ``lexicon.section_of`` reads the report's main section headings)."""
    for name, words in SECTIONS_BY_WORD:
        if any(w in heading for w in words):
            return name
    return "other"


def sentence_sections(text: str) -> list[tuple[str, Optional[str]]]:
    """The sentences of a passage, each with the section its last heading opened (None before any)."""
    out, sec = [], None
    for off, sent in sentences(text):
        if off == 0 or text[off - 1] == "\n":
            m = HEADING.match(sent)
            if m:
                sec = subsection_of(m.group("a") or m.group("b"))
        out.append((sent, sec))
    return out


# Words a fact's sentence must hold (a 案件 of a 两法衔接 platform is no 复议 or 诉讼).
NEEDS_WORDS = {"review_": ("复议", "诉讼", "起诉"), "normative_": ("文件",), "rules_": ("规章",),
               "processing_fees": ("费",), "requests_natural_person": ("自然人", "公民", "个人", "群众", "居民"),
               "requests_legal_person": ("法人", "组织", "企业", "单位", "公司"),
               "requests_commercial": ("企业", "商业", "公司")}


# The words an absence of a result must hold (无不予公开情况); 无依法申请公开件 is no result.
RESULT_ABSENCE_WORDS = {"requests_granted": "公开", "requests_partial": "部分", "requests_denied": "不予公开",
                        "requests_unable": "无法提供|不掌握|不存在", "requests_rejected": "不予处理",
                        "requests_other_handling": "其他"}


def result_absence(name: str, sentence: str, start: int) -> bool:
    """Whether an absence at ``start`` named ``name`` may state it: a result needs its own words
    (``RESULT_ABSENCE_WORDS``) and no talk of applications at all."""
    words = RESULT_ABSENCE_WORDS.get(name)
    if words is None:
        return True
    absence = absence_words(sentence, start)
    return bool(re.search(words, absence)) and not REQUESTS_OBJECT[1].search(absence)


def has_needed_words(name: str, sentence: str) -> bool:
    """Whether ``sentence`` holds a word fact ``name`` needs (``NEEDS_WORDS``; true for names that need none)."""
    needs = next((w for k, w in NEEDS_WORDS.items() if name.startswith(k)), None)
    return not needs or any(w in sentence for w in needs)


# Sentences about letters, hotlines and complaints state no application figure unless they
# speak of applications.
NOT_REQUESTS = re.compile(r"信箱|来信|信件|热线|留言|投诉|诉求|咨询|提案|建议")
# A quota, a limit or a rate (每月公开不少于5条, 20个工作日内) is no count of anything done.
QUOTA_WINDOW = 8  # characters either side of the quantity a quota word stands in
QUOTA = re.compile(r"不少于|不低于|不超过|至少|每[月周年季天日]|工作日")
# Cases (案件) count applications only in a sentence about information disclosure or applications.
OTHER_CASES = re.compile(r"案件")
INFORMATION_CASES = re.compile(r"信息公开|申请")
# Documents sent out (答复书 1 份, 告知书, 《…》2份) count no applications; a title earlier in the
# phrase is a law cited (依据《条例》予以答复办结4件).
DOCUMENTS_ISSUED = re.compile(r"答复书|告知书|回执|通知书|》$")
# How applications came (网络申请 2 件, 当面申请 4 件) is no fact of the list.
# At most this many characters between the way and 申请 (通过网络收到申请25件).
WAY_WINDOW = 4
APPLICATION_WAYS = re.compile(r"(?:网络|网上|网站|在线|线上|线下|信函|信件|来信|邮寄|当面|现场|书面|电子邮件|邮件|传真|电话|平台)"
                              rf"(?:方式)?(?:提交|提出|收到)?[^，。；,;、等]{{0,{WAY_WINDOW}}}?的?申请")
# Press items (新闻稿件, 宣传信息, 录用) and messages are no active disclosure.
NOT_ACTIVE = re.compile(r"稿件|发稿|上稿|宣传信息|录用|留言|错别字|无效链接|错链|纠错|修正|更正")
# Granted and partly granted together, whatever the verb (共依申请办理公开或部分公开 13 件).
GRANTED_PARTIAL = re.compile(r"(?:予以)?公开(?:或|及|和|与|、)部分公开")
# A figure of another kind of 文件 (许可文件, 处罚文件, 红头文件) in its own phrase is no normative document.
OTHER_DOCUMENTS = re.compile(r"(?:许可|处罚|执法|确认|征收|给付|裁决|奖励|检查|强制|内部|党内|会议)(?:类|决定)?文件")
# The clause verb of a normative-document figure decides which one it is.
# Read in the figure's own phrase: a 废止 earlier in the sentence is another clause's.
NORMATIVE_VERBS = (("normative_repealed", re.compile(r"废止|废除|失效|撤销")),
                   ("normative_in_force", re.compile(r"现行|有效|保留")))
# Channels of active disclosure, by kind: a figure whose context names one kind is that channel's.
CHANNELS = (("web", "网站|门户|政务网|官网|网页|外网|公开网|公务网"), ("online", "线上|网上"), ("other", "其[他它](?:信息)?(?:发布|公开)?(?:方式|渠道|载体|途径)"),
            ("wechat", "微信|公众号"), ("weibo", "微博"), ("toutiao", "今日头条|头条号"), ("douyin", "抖音"),
            ("kuaishou", "快手"), ("newmedia", "新媒体|政务号|客户端|APP|[Aa]pp|视频号"),
            ("board", "公开栏|公示栏|宣传栏|公告栏|橱窗|显示屏|电子屏"), ("media", "报刊|报纸|杂志|电视|广播|(?<!新)媒体"),
            ("gazette", "公报"), ("platform", "平台"))
# Kinds that name no channel of their own beside another (微信公众号、视频号等平台 is two).
GENERIC_CHANNELS = {"platform", "online"}
ALL_CHANNELS = re.compile(r"多种渠道|各种渠道|各类渠道|多渠道|多种方式|多种形式")
# A figure that claims to be complete (各类信息, 共计) is the total, whatever channel it names.
COMPLETE = re.compile(r"各类|共计|总计|合计|全部")
# What makes one channel's figure the total beside other channels: a claim to be complete
# (共计, 总计); 各类 does not (我县政府网站共发布各类信息5386条 beside the 政务微信's 856 is a channel).
TOTAL_CLAIM = re.compile(r"共计|总计|合计|全部")
# A figure over this many kinds of channel is the total (网站、报刊杂志、新媒体等方式).
MIN_KINDS_TOTAL = 3
# Two channels or more joined in one phrase (官方网站、政务新媒体平台; 门户网站和政务新媒体等形式):
# with 等, or in a list of three or more, the figure is over them all (官方微信、微博平台 alone is two
# channels' figure, no total).
CHANNEL_LIST = re.compile(r"[、和及与]")
MIN_LIST_COMMAS = 2
# A cumulative stock (目录系统累计 N 条) beside the year's figure (新增 N 条) is not the year's total.
STOCK = re.compile(r"累计")
# A stock over the years, whatever the figure (历年以来, 历年累计).
STOCK_PHRASE = re.compile(r"历年")
# The verb of an application count: received (收到, 受理) or handled (办理, 办结, 答复).
RECEIVE_VERB = re.compile(r"收到|受理|接收|接受|接到|新收|收悉|申请人|提出|提交")
HANDLE_VERB = re.compile(r"办理|办结|答复|回复|(?<![予他])处理")
SINCE = re.compile(r"截至|截止|以来")
# Carried in from the year before or over to the next, by the words of the figure's own phrase.
CARRIED = {"requests_carried_in": re.compile(r"上一?年度?(?:结转|转入)|结转上年|\d{4}年结转|上年度?未办结"),
           "requests_carried_over": re.compile(r"(?:结转|转入|顺延)(?:至|到)?(?:下一?年|\d{4}年)|下一?年度?(?:继续)?办理")}
# (…1月1日至…12月31日, its span, is the year too: guide rule 10)
YEAR_FIGURE = re.compile(r"新增|本年|全年|年度|今年|\d{4}年(?!\d{1,2}月)|1月1日起?(?:至|到|—|-)")
# A 截至…累计 figure whose words name the year it sums (截至目前,已完成2024年度…累计总量达19条) is the
# year's (guide rule 36); the date after 截至 is no such name.
YEAR_NAMED = re.compile(r"\d{4}年度|本年度|全年")
# What an absence is of, by the words right after it (to the next comma): fees, cases,
# normative documents; an absence of applications is the model's to name.
ABSENCE_OBJECTS = (("requests_carried_in", re.compile(r"上一?年度?结转|上年度?转入")),
                   ("requests_carried_over", re.compile(r"(?:结转|转结)(?:至|到)?下一?年|下一?年度?结转")),
                   ("processing_fees", re.compile(r"收费|收取|费用|处理费|免费")),
                   # a text cut mid-word after both named (…行政复议和行政诉, …申请行政复议或提起行政)
                   ("review_total", re.compile(r"复议.*(?:诉讼|起诉)|(?:诉讼|起诉).*复议|复议[和或及与、](?:提起)?行政诉?$")),
                   ("review_reconsideration", re.compile(r"复议")), ("review_litigation", re.compile(r"诉讼|起诉")),
                   ("normative_repealed", re.compile(r"规范性文件.{0,6}(?:废止|废除)|(?:废止|废除).{0,6}规范性文件")),
                   ("normative_issued", re.compile(r"规范性文件")))
# An absence of applications, when the model named none (未接到群众要求公开的信息); the model's
# own name of an absence of applications (carried in, carried over) stays.
REQUESTS_OBJECT = ("requests_received", re.compile(r"公开.{0,6}申请|依申请|要求公开|申请公开|公开申请"))


def absence_object(sentence: str, start: int, objects=ABSENCE_OBJECTS) -> Optional[str]:
    """The fact an absence starting at ``start`` states by its words and object (``ABSENCE_OBJECTS``), or None.

    Read from the absence word on (没有收费 is its own object) to the next comma or quantity."""
    words = absence_words(sentence, start)  # 无行政复议、无提起行政诉讼: each absence its own object
    name = next((name for name, pat in objects if pat.search(words)), None)
    if name in ("review_reconsideration", "review_litigation"):
        # 无因政府信息产生行政复议,提起行政诉讼情况发生: one absence over both
        end = start + len(words)
        nxt = absence_words(sentence, end + 1) if end < len(sentence) and sentence[end] in "，," else ""
        other = "诉讼|起诉" if name == "review_reconsideration" else "复议"
        if re.search(other, nxt) and not ZERO.match(nxt):
            return "review_total"
    return name


def absence_words(sentence: str, start: int) -> str:
    """The words of an absence from ``start`` to the next comma or quantity."""
    m = PHRASE_BREAK.search(sentence, start)
    stop = min([m.start() if m else len(sentence)] + [q.start for q in quantities(sentence) if q.start > start])
    return sentence[start:stop]


# An absence of these is no fact (未发生…投诉举报情况, 未发生网络舆情事件), unless it names 复议/诉讼.
NOT_FACT_ABSENCE = re.compile(r"投诉|举报|舆情|事故|泄密|失泄密|差错")
# An absence of the office's own spending (未产生…有关的费用支出) is no fee charged nor case.
EXPENSES = re.compile(r"费用支出|经费|开支")
# An absence of a case's outcome (未发生被行政复议纠错或败诉情况) is no count of cases: the
# absence governs the outcome, not the 复议 before it.
CASE_OUTCOME = re.compile(r"纠错|纠正|败诉|确认违法|被撤销")
# An absence whose object is a case or dispute of disclosure (未产生依申请公开政府信息案例), not
# applications: the absence governs the last noun.
NOT_REQUEST_ABSENCE = re.compile(r"(?:案例|纠纷)(?:的?情况)?$")
# An absence of something caused by disclosure (未发生因政府信息公开…) names no applications.
ABSENCE_OF_CAUSED = re.compile(r"(?:未|没有)(?:发生|出现|产生)因")
# Outside the 依申请 section a count received or handled speaks of applications in its sentence
# (a result's sentence may be cut at ；: 不予公开5件,占6.17%;).
REQUEST_WORDS = re.compile(r"申请|办理|办结|答复|结转")
# Old-style counts of information disclosed on application (依申请公开0件 among the 主动公开
# counts, 发布依申请公开信息0条): no verb of receiving or handling, in a sentence of 主动公开 or
# with a verb of publishing: information, not applications (guide rules 17, 24).
INFORMATION_ON_APPLICATION = re.compile(r"依申请公开(?:政府|政务)?(?:信息)?(?:数|的)?(?:共|为)?$")
PUBLISHING_VERB = re.compile(r"发布|公布|主动公开")
# Cases passed on by another office (转办件, 协办件) are no applications of the agency's own.
PASSED_ON = re.compile(r"(?<!结)转办|协办|转交件")  # 结转办理 is carried in
# A way of applying as the adverbial of the one receiving verb (通过信函方式受理依申请公开1件), or a
# list of ways closed by 等 (通过…网站、邮递信函、当面申请等渠道收到…申请26件): all applications, when the
# count is the sentence's first and no 其中 splits it.
WAY_OF_ALL = re.compile(r"(?:通过[^，,。；;]{0,8}|等)(?:方式|渠道|途径)?(?:受理|收到|接收|接到)")
# A receiving verb before the applicants (共收到自然人申请2件): the count of applications,
# all by those applicants (guide rule 23), when it is the sentence's first figure, no part.
RECEIVED_FROM = re.compile(r"(?:收到|受理|接收|接到|新收)[^，,。；;]{0,4}(?:(?:自然人|公民|居民|市民|法人|其他组织|企业)[^，,。；;]{0,8}申请)?"
                           r"(?:共|总计|合计)?$")
# Items sent up to a higher site (向政府网站推送35条, 向市政府网站投递信息N条) are no channel of the
# agency's own (guide rule 5).
SENT_UP = re.compile(r"向[^，,。；;]{0,12}(?:推送|报送|投递)")
# A count not handled (未答复1件) is no handled count.
NOT_DONE = re.compile(r"未(?:能)?(?:答复|办结|办理|回复|处理)")
# Figures given 分别 (respectively) after a list of channels are each channel's, none the total.
RESPECTIVELY = re.compile(r"分别")
# Information made or obtained (old reports: 制作政府信息总数398条,其中主动公开…159条) is no item
# disclosed, unless its verb discloses too (共制作和主动发布政府信息207条).
INFORMATION_MADE = re.compile(r"制作|获取")
# Companies named apart from 法人/其他组织 are the template's 商业企业 column.
COMMERCIAL = re.compile(r"企业|公司|商业")
LEGAL_PERSON_WORDS = re.compile(r"法人|其他组织|社会组织")
# Rules and normative documents counted are no items of active disclosure.
RULES_OR_DOCUMENTS = re.compile(r"(?:规章|规范性文件)[^、，,]{0,2}$")
# A result count is named by its kind's word (无法提供), never by a reason's alone (本机关不掌握4件,
# 申请信息经查询不存在3件: none; guide rules 16, 18).
UNABLE_WORD = re.compile(r"无法提供|不能提供")


# Absences that name one kind of applicant.
LEGAL_PERSON = re.compile(r"法人|其他组织|企业")
NATURAL_PERSON = re.compile(r"自然人|公民|个人|市民|居民")
# The public at large (群众, 社会公众) names no one kind of applicant.
THE_PUBLIC = re.compile(r"群众|公众|社会")
# A result named after its count (1件经…沟通…不予公开, 2件予以公开): the count is that result's.
RESULTS_AFTER = (("requests_partial", re.compile(r"部分公开$")), ("requests_denied", re.compile(r"不予公开$")),
                 ("requests_unable", re.compile(r"无法提供$")), ("requests_rejected", re.compile(r"不予处理$")),
                 ("requests_granted", re.compile(r"(?:予以|同意)?公开$")))
RESULT_WORDS = re.compile(r"公开|无法提供|不予处理|其他处理|办结|答复|收到|受理|申请")


# An absence names natural persons by this word only (未收到公民依申请…事项 is no application at all).
NATURAL_PERSON_ABSENCE = re.compile(r"自然人")


def applicant_kind(words: str) -> Optional[str]:
    """``requests_legal_person`` or ``requests_natural_person`` when ``words`` name one kind of applicant only."""
    legal, natural = bool(LEGAL_PERSON.search(words)), bool(NATURAL_PERSON.search(words))
    if legal == natural or THE_PUBLIC.search(words):
        return None
    return "requests_legal_person" if legal else "requests_natural_person"


APPLICANT_NEXT = re.compile(r"^(?:自然人|公民|个人|法人|其他组织|企业)+")


def _applicant_after(f: "Fact") -> str:
    """The applicant a count names right after it (2个自然人的申请), not in an aside (均为自然人提交)."""
    m = APPLICANT_NEXT.match(_after(f))
    return m.group(0) if m else ""


def result_after(f: "Fact") -> Optional[str]:
    """The result a count states by the words after it, when the words before name none (其中2件公开)."""
    if RESULT_WORDS.search(_phrase(f).replace("其中", "")):
        return None
    after = _after(f).rstrip("。；;")
    return next((name for name, pat in RESULTS_AFTER if pat.search(after)), None)


# A result named right before its count, an aside in brackets between (不予公开(三类内部事务
#信息)2条, 不掌握相关信息无法提供2条, 其中予以公开1条): the count is that result's, named or not.
RESULTS_BEFORE = (("requests_partial", re.compile(r"部分(?:予以)?公开的?$")),
                  ("requests_denied", re.compile(r"不予公开的?$")),
                  ("requests_unable", re.compile(r"无法提供的?$")),
                  ("requests_rejected", re.compile(r"不予处理的?$")),
                  ("requests_other_handling", re.compile(r"其他处理的?$")),
                  ("requests_granted", re.compile(r"(?<!部分)(?<!不)(?:予以|同意)公开的?$")))
ASIDE = re.compile(r"[（(][^（()）]*[)）]")
# The sentence of a result speaks of applications.
APPLICATIONS = re.compile(r"申请")


def result_before(sentence: str, start: int) -> Optional[str]:
    """The result the words right before a count at ``start`` name (``RESULTS_BEFORE``), in a
    sentence about applications, or None."""
    if not APPLICATIONS.search(sentence):
        return None
    before = sentence[:start]
    prev = max((q.end for q in quantities(sentence) if q.end <= start), default=0)
    phrase = ASIDE.sub("", before[prev:])
    phrase = phrase[max((m.end() for m in PHRASE_BREAK.finditer(phrase)), default=0):].strip()
    return next((name for name, pat in RESULTS_BEFORE if pat.search(phrase)), None)


def _before(f: Fact) -> str:
    """The sentence's text from the previous quantity (or the sentence start) to the fact's quantity."""
    prev = [q.end for q in quantities(f.text) if q.end <= f.span[0]]
    return f.text[max(prev, default=0):f.span[0]]


def _after(f: Fact) -> str:
    """The sentence's text after the quantity, to the next comma or stop (、 does not end it)."""
    m = PHRASE_BREAK.search(f.text, f.span[1])
    return f.text[f.span[1]:m.start() if m else len(f.text)]


def _clause(f: Fact) -> str:
    """The text before the quantity back to the last comma, stop or item figure (a count of
    accounts kept: 网站及389个政务新媒体发布…)."""
    before = f.text[:f.span[0]]
    prev = max((q.end for q in quantities(f.text) if q.end <= f.span[0] and q.unit in ITEM_UNITS), default=0)
    return before[max([prev] + [m.end() for m in PHRASE_BREAK.finditer(before)]):]


def _phrase(f: Fact) -> str:
    """The text before the quantity back to the last comma or stop, or else back to the previous quantity."""
    before = _before(f)
    cut = max((m.end() for m in PHRASE_BREAK.finditer(before)), default=0)
    return before[cut:]


def channel_kinds(context: str) -> set[str]:
    """The kinds of channel a context names (a generic 平台 or 线上 only when it names no other)."""
    kinds = {kind for kind, words in CHANNELS if re.search(words, context)}
    return kinds - GENERIC_CHANNELS if kinds - GENERIC_CHANNELS else kinds


# Units of items disclosed (a channel's part in 次 or 个 is no item count).
ITEM_UNITS = ("条", "篇", "份")


def channel_parts(sent: str, by_span: dict, names: dict) -> dict:
    """Unnamed parts after 其中 of a named total that name a channel (其中通过“悦读嵩明”平台发布59条,
    快手号242条): ``active_channel`` each, by the list's structure."""
    totals = [span for span, (name, _) in names.items() if name == "active_total"]
    parts = [(span, q) for span, q in by_span.items() if q.unit in ITEM_UNITS
             and (any(t[1] <= q.start and "其中" in sent[t[1]:q.start] for t in totals)
                  or sent.lstrip().startswith("其中"))]  # 其中通过政府网站公开33条,公示栏181条,公众号120条: the total's before
    named = [bool(channel_kinds(_phrase(Fact("active_channel", q.value, q.unit, sent, span)))) for span, q in parts]
    if len(parts) < 2 or not all(named):
        return {}  # 其中网站发布新闻类165条,教育通知类39条…: kinds of information, one of them on the website
    return {span: ("active_channel", None) for span, _ in parts if span not in names}


def _renamed(f: Fact, name: str) -> Fact:
    from dataclasses import replace
    return replace(f, name=name)


def listed_channels(sents: Iterable[str]) -> set[str]:
    """The channels whose items a passage lists by kind only (``kind_list_spans``: 门户网站…工作动态5条,
    财务公开2条,…): stated channels, though no figure of theirs is a fact."""
    out: set[str] = set()
    for sent in sents:
        for span in kind_list_spans(sent):
            out |= channel_kinds(_phrase(Fact("active_channel", 0, None, sent, span)))
    return out - NOT_GUESSED_CHANNELS


# The kinds of information listed before a figure (涉及部门工作、政策文件、人大建议提案、…等方面信息126条):
# a listed kind named 建议 or 提案 is no count of proposals.
LISTED_KINDS = re.compile(r"[^、，,。；;]*(?:、|等(?=[^、，,。；;]*$))")


def structure(facts: Sequence[Fact], listed: Optional[set[str]] = None) -> list[Fact]:
    """The named facts read against the report's structure (the rules above), in order.

    Drops a name its section or its sentence rules out; renames by the clause verb
    (normative documents), by the applicant an absence names, by the channels the
    passage states (one channel's figure is a channel's unless it is the only one); drops
    the parts of a channel after 其中 and a cumulative stock beside the year's figure.
    """
    out: list[Fact] = []
    for f in facts:
        if section_rules_out(f):
            continue
        if f.unit is not None and QUOTA.search(_phrase(f)[-QUOTA_WINDOW:] + _after(f)[:QUOTA_WINDOW]):
            continue  # 明确各镇办、各部门每月公开不少于5条政府信息
        if not has_needed_words(f.name, f.text):
            continue
        if f.name.startswith("requests_") and any(NOT_REQUESTS.search(t) and "申请" not in t for t in (f.text, _phrase(f))):
            continue  # 县长信箱受理信件3件; 建议提案答复12件
        if f.name.startswith("requests_") and OTHER_CASES.search(_phrase(f)) and not INFORMATION_CASES.search(f.text):
            continue  # 受理法律援助案件1213件,办结案件1138件 (依法办理政府信息公开案件43件 is handled)
        if f.name.startswith("requests_") and f.unit is not None and DOCUMENTS_ISSUED.search(_phrase(f)):
            continue  # 出具《政府信息公开申请答复书》1份
        if f.name.startswith("active_") and (NOT_REQUESTS.search(LISTED_KINDS.sub("", _before(f))) or (
                NOT_ACTIVE.search(_phrase(f)) and not channel_kinds(_phrase(f)) - {"media"} - GENERIC_CHANNELS)):
            continue  # 收到微博投诉12条, 新闻媒体刊发稿件1592篇 (微信公众号发布稿件605篇 is a channel's)
        if f.name.startswith("requests_") and f.unit is not None and APPLICATION_WAYS.search(
                _phrase(f) + re.split(r"[（(]|其中", _after(f))[0]) and not way_of_all(f):
            if not only_way(f):
                continue  # 其中网站申请195件, 2件为网络申请
            f = _renamed(f, "requests_received")  # 共收到政府信息公开网络申请14件: the year's one count (guide rule 47)
        if f.name in ("requests_natural_person", "requests_legal_person") and f.unit is not None and ALL_OF.match(_after(f)):
            continue  # 共受理…3件,3件依申请公开申请人均为自然人: the count restated (guide rules 16, 23)
        if f.name.startswith("review_") and f.unit is not None and PENDING.search(_phrase(f)):
            continue  # 尚未审结行政复议0件: a state of cases, not cases brought (guide rule 19)
        if f.name.startswith("requests_") and f.unit is not None and (
                PASSED_ON.search(_phrase(f)) or information_on_application(f)):
            continue  # 办理市人民政府办公室转办件1件; 主动公开…21条,依申请公开0件
        if f.name.startswith("review_") and f.unit is None and CASE_OUTCOME.search(absence_words(f.text, f.span[0])):
            continue  # 未发生被行政复议纠错或败诉情况
        if f.name.startswith("requests_") and f.unit is None and NOT_REQUEST_ABSENCE.search(absence_words(f.text, f.span[0])):
            continue  # 未产生依申请公开政府信息案例
        if f.name.startswith("requests_") and f.unit is None and ABSENCE_OF_CAUSED.match(absence_words(f.text, f.span[0])):
            continue  # 未发生因政府信息公开…: what disclosure caused (复议, 诉讼; the text cut there), no application
        if (f.name in ("requests_received", "requests_handled") and f.unit is not None and f.section != "requests"
                and not REQUEST_WORDS.search(f.text)):
            continue  # 主动公开信息81条,其中退回三条: no application in sight
        if f.name in ("requests_natural_person", "requests_legal_person") and f.unit is not None and received_from(f):
            f = _renamed(f, "requests_received")  # 共收到自然人申请2件
        if (f.name == "requests_legal_person" and f.unit is not None and COMMERCIAL.search(_phrase(f))
                and not LEGAL_PERSON_WORDS.search(_phrase(f))):
            f = _renamed(f, "requests_commercial")  # 自然人申请32件、企业申请2件、其他组织申请2件
        if f.name.startswith("active_") and RULES_OR_DOCUMENTS.search(_phrase(f)):
            continue  # 现行有效政府规章8份: rules, not items disclosed
        if f.name.startswith("active_") and INFORMATION_MADE.search(_phrase(f)) and not DISCLOSING_VERB.search(_phrase(f)):
            continue  # 共制作政府信息总数398条,其中主动公开政府信息159条: made, not disclosed
        if f.name.startswith("active_") and SENT_UP.search(_phrase(f)):
            continue  # 其中向政府网站推送35条: items sent up to a higher site (guide rule 5)
        if (f.name == "requests_handled" and f.unit is not None and THE_REST.search(_phrase(f))
                and "结转" not in f.text[:f.span[0]]):
            continue  # …其中“信息不存在”1件,其余5件…予以答复: an answer of a part (其中结转…7件,其余54件…答复 is handled)
        if f.name == "requests_handled" and f.unit is not None and NOT_DONE.search(_phrase(f)):
            continue  # 全年答复申请4件,未答复1件: not handled
        if f.name == "requests_handled" and f.unit is not None and handled_after_way(f):
            continue  # 受理线上…申请65件,依法办结62件: that way's part (guide rule 30)
        if f.name == "active_total" and f.unit is not None and RESPECTIVELY.search(PHRASE_BREAK.split(f.text[:f.span[0]])[-1]):
            f = _renamed(f, "active_channel")  # 微博、微信公众号全年分别累计发布信息337条、757条: each a channel
        if f.name == "requests_unable" and f.unit is not None and not UNABLE_WORD.search(_phrase(f) + _after(f)):
            continue  # 本机关不掌握4件: a reason's count, not the 无法提供 total
        if f.name.startswith("requests_") and f.unit is not None and GRANTED_PARTIAL.search(_phrase(f)):
            f = _renamed(f, "requests_granted_partial")
        if f.name.startswith("normative_") and f.unit is not None and OTHER_DOCUMENTS.search(_phrase(f)):
            continue  # 主动公开行政规范性文件1件,行政许可文件1513件,行政处罚文件4件: the others are no normative documents
        if f.name.startswith("normative_") and f.unit is not None:
            phrase = _phrase(f)
            f = _renamed(f, next((n for n, pat in NORMATIVE_VERBS if pat.search(phrase)), "normative_issued"))
        if f.unit is None and EXPENSES.search(absence_words(f.text, f.span[0])):
            continue  # 未产生与诉讼(行政复议、行政申诉)有关的费用支出: the office's spending, no fee nor case
        obj = absence_object(f.text, f.span[0]) if f.unit is None else None
        if obj:
            f = _renamed(f, obj)
        elif f.unit is None and NOT_FACT_ABSENCE.search(absence_words(f.text, f.span[0])):
            continue  # 未发生因依申请公开办理不当引发的投诉举报情况
        if STOCK_PHRASE.search(_phrase(f)):
            continue  # 历年以来主动公开信息数453条, 历年累计受理…申请0条: stocks, whatever the name
        if f.name in CARRIED and f.unit is not None:
            way = next((n for n, pat in CARRIED.items() if pat.search(_phrase(f))), None)
            if way and way != f.name and not CARRIED[f.name].search(_phrase(f)):
                f = _renamed(f, way)  # 结转至2026年6件 is carried over, whatever the model says
        elif f.name == "requests_handled" and f.unit is not None:
            ways = [n for n, pat in CARRIED.items() if pat.search(_phrase(f))]
            if len(ways) == 1:
                f = _renamed(f, ways[0])  # 办理2021年结转件4件 is carried in
        if f.name == "requests_received" and f.unit is not None and HANDLE_VERB.search(_phrase(f)) \
                and not RECEIVE_VERB.search(_phrase(f)):
            f = _renamed(f, "requests_handled")  # 办理政府信息公开申请651件,均…办结
        if f.name.startswith("requests_") and f.unit is not None:
            result = result_after(f)
            if result and f.name in ("requests_received", "requests_handled", "requests_granted"):
                f = _renamed(f, result)  # 1件经与申请者沟通…不予公开
        if f.name == "requests_received" and not (f.unit is not None and received_from(f)):
            # 未收到法人…申请; 共收到2个自然人的…申请; 公民个人提出申请1030件
            kind = applicant_kind(_after(f) if f.unit is None else _phrase(f) + _applicant_after(f))
            if kind == "requests_natural_person" and f.unit is None and not NATURAL_PERSON_ABSENCE.search(_after(f)):
                kind = None  # 未收到公民依申请信息公开事项: no application at all
            if kind:
                f = _renamed(f, kind)
        out.append(f)
    return _absences_once(_reasons_under_one_kind(_handled_once(_stocks(_kind_lists(_channels(out, listed or set()))))))


# A result count given by its reason, then the kind's word (1件因四类过程信息不予公开,5件因本机关不掌握…而不予公开).
BY_REASON = re.compile(r"^\s*(?:因|属于|系|为)")
# Fewer reasons' counts than this under one kind's word stay the kind's count (guide rule 16).
MIN_REASON_COUNTS = 2


def _reasons_under_one_kind(facts: list[Fact]) -> list[Fact]:
    """Drop the counts of one result kind of a sentence that each give a reason before the kind's word,
    when there are several: no part is the kind's total (guide rule 46, 大营)."""
    def by_reason(f: Fact) -> bool:
        return f.name.startswith("requests_") and f.unit is not None and bool(BY_REASON.match(f.text[f.span[1]:]))
    drop = set()
    for f in facts:
        same = [g for g in facts if g.text == f.text and g.name == f.name and by_reason(g)]
        if len(same) >= MIN_REASON_COUNTS:
            drop |= {(g.text, g.span) for g in same}
    return [f for f in facts if (f.text, f.span) not in drop]


def _absences_once(facts: list[Fact]) -> list[Fact]:
    """One stated absence per name and sentence (未收到政府信息公开申请,无依申请公开情况: restated, listed once)."""
    seen, out = set(), []
    for f in facts:
        key = (f.text, f.name)
        if f.unit is None and f.value == 0 and key in seen:
            continue
        if f.unit is None:
            seen.add(key)
        out.append(f)
    return out


def handled_after_way(f: Fact) -> bool:
    """A handled count with no object of its own (办结N件) right after a way's count of applications
    that is no part after 其中 (受理线上信息公开申请65件,依法办结62件): the handled of that way (guide rule
    30); after the carried in (…(其中:网上申请42件…),上年度结转0件,本年度办结39件) it is all applications'."""
    prev = [q for q in quantities(f.text) if q.end <= f.span[0] and q.unit]
    if not prev or not HANDLED_WITHOUT_OBJECT.search(_phrase(f)) or APPLICATIONS.search(_phrase(f)):
        return False
    q = prev[-1]  # a way's count after 其中 is a part of all applications (…16件,其中信函申请14件,网络申请2件,…办结13件)
    return "其中" not in f.text[:q.start] and bool(APPLICATION_WAYS.search(
        _phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end)))))


# A count restated with its applicants (3件依申请公开申请人均为自然人), cases pending (尚未审结).
ALL_OF = re.compile(r"[^，,。；;]*均为")
PENDING = re.compile(r"未审结|尚未审结|未结案")
THE_REST = re.compile(r"其余")


def only_way(f: Fact) -> bool:
    """A received count naming the one way its applications came (收到居民书面信息公开申请2例), the sentence's
    first figure, no 其中 before it and no other way's count after it: the year's count (guide rule 47)."""
    if not RECEIVE_VERB.search(_phrase(f)) or not APPLICATIONS.search(_phrase(f)):
        return False
    return _first_count_alone(f)


def way_of_all(f: Fact) -> bool:
    """A way of applying that is the receiving verb's adverbial, on the sentence's first figure
    with no 其中 before it and no other way's count after it: the count of all applications (``WAY_OF_ALL``)."""
    return bool(WAY_OF_ALL.search(_phrase(f))) and _first_count_alone(f)


def _first_count_alone(f: Fact) -> bool:
    """``f`` is its sentence's first figure, no 其中 before it, no other way's count after it
    (通过网络…25件,通过来信…4件: parts)."""
    qs = quantities(f.text)
    later_ways = any(q.start >= f.span[1] and APPLICATION_WAYS.search(
        _phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end)))) for q in qs)
    return "其中" not in f.text[:f.span[0]] and not later_ways and not any(
        q.end <= f.span[0] and q.unit is not None for q in qs)


# A result named after a count (其中予以公开3件, 不予公开1件): the count before is of applications.
RESULT_NAMED = re.compile(r"予以公开|同意公开|部分公开|不予公开|无法提供|不予处理|其他处理|办结|答复")


# An application that happened (发生依申请公开1次) is one received (set 3's 和平街道).
OCCURRED = re.compile(r"发生|出现")


def information_on_application(f: Fact) -> bool:
    """An old-style count of information disclosed on application (``INFORMATION_ON_APPLICATION``)."""
    phrase = _phrase(f)
    if not INFORMATION_ON_APPLICATION.search(phrase) or RECEIVE_VERB.search(phrase) or HANDLE_VERB.search(phrase):
        return False
    # under the 依申请 heading too when no result follows (2022年我乡依申请公开政府信息数0条。; 依申请公开2条,免于公开
    # 信息0条: guide rule 24, set 9)
    return bool(PUBLISHING_VERB.search(phrase) or "主动公开" in f.text) or (
        f.section == "requests" and not RESULT_NAMED.search(f.text[f.span[1]:]) and not OCCURRED.search(phrase))


def received_from(f: Fact) -> bool:
    """A count of applications received that names its applicants (``RECEIVED_FROM``: 共收到自然人
    申请2件, 共收到2个自然人的…申请), the sentence's first figure, no part after 其中 and no other
    applicants' count after it (guide rule 23)."""
    before, phrase = f.text[:f.span[0]], _phrase(f)
    if not RECEIVED_FROM.search(phrase) or "其中" in before:
        return False
    if not (applicant_kind(phrase) or _applicant_after(f)):
        return False
    qs = quantities(f.text)
    return not any(q.end <= f.span[0] for q in qs) and not any(
        q.start >= f.span[1] and applicant_kind(_phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end))))
        for q in qs)


# Handled twice in one sentence beside a count carried over (全年共办理…申请74件,办结71件,剩余3件
# 结转下一年度): the 办理 count is the template's total, the 办结 one no fact (guide rule 14).
HANDLED_TOTAL = re.compile(r"办理")


def _handled_once(facts: list[Fact]) -> list[Fact]:
    """Drop a 办结 count handled beside a 办理 count of the same sentence and a count carried over."""
    drop = set()
    for f in facts:
        if f.name != "requests_handled" or not CARRIED_OVER_BESIDE.search(f.text):
            continue
        if HANDLED_WITHOUT_OBJECT.search(_phrase(f)) and any(
                g is not f and g.text == f.text and g.name == "requests_handled" and g.span[0] < f.span[0]
                and HANDLED_TOTAL.search(_phrase(g)) for g in facts):
            drop.add(id(f))
    return [f for f in facts if id(f) not in drop]


# A list of at least this many item figures in one sentence, only the first naming a channel,
# counts kinds of information on that channel (门户网站…行政处罚信息公示47条,行政许可信息公示1143条,…).
MIN_KIND_LIST = 3
# A list's head that counts the channel's information as such (网站发布信息1027条), no kind of it.
CHANNEL_HEAD = re.compile(r"(?:发布|公开|推送|更新)(?:政府|政务)?信息(?:共|数)?$")
# Figures of applications and refusals beside a channel's items are no kinds of them.
NOT_KIND = re.compile(r"申请|不予")
# A figure whose parts follow (其中, 含, 包括): its list is its parts, not kinds of a channel.
LIST_HEAD = re.compile(r"其中|含|包括")
# A sentence whose 其中 list ends with these goes on in the next sentence.
LIST_GOES_ON = ("；", ";")


def kind_list_spans(text: str) -> set[tuple[int, int]]:
    """The item figures of ``text`` that list kinds of information under one channel: a figure
    naming a channel and at least ``MIN_KIND_LIST`` - 1 figures after it naming none (门户网站发布
    概况类信息36条,政务动态类信息87条,…,“遵义统计”微信公众号发布信息151条: the first four)."""
    qs = [q for q in quantities(text) if q.unit in ITEM_UNITS]
    if len(qs) < MIN_KIND_LIST or LIST_HEAD.search(text) or COMPLETE.search(text):
        return set()
    phrases = [_phrase(Fact("active_channel", q.value, q.unit, text, (q.start, q.end))) for q in qs]
    named = [bool(channel_kinds(p)) for p in phrases]
    out: set[tuple[int, int]] = set()
    i = 0
    while i < len(qs):
        j = i + 1  # 依申请公开文件12条, 不予公开文件36条 are no kinds of the channel's items
        while j < len(qs) and not named[j] and not NOT_KIND.search(phrases[j]):
            j += 1
        if named[i] and j - i >= MIN_KIND_LIST:
            # 网站发布信息1027条,发布预警信息25条,…,公众号推送信息846条: the channel's own figure beside another's
            head = 1 if CHANNEL_HEAD.search(phrases[i]) and j < len(qs) and named[j] else 0
            out |= {(q.start, q.end) for q in qs[i + head:j]}
        i = j
    return out


def _kind_lists(facts: list[Fact]) -> list[Fact]:
    """Drop the active figures that list kinds of information under one channel (``kind_list_spans``)."""
    spans = {text: kind_list_spans(text) for text in {f.text for f in facts if f.name.startswith("active_")}}
    return [f for f in facts if not (f.name.startswith("active_") and f.span in spans[f.text])]


def _channels(facts: list[Fact], listed: set[str] = frozenset()) -> list[Fact]:
    """Channel or total, over the passage: a figure over several channels is the total when
    no total is stated; one channel's figure is a total only when no other channel is stated
    (``listed``: channels whose items the passage lists by kind only are stated too)."""
    facts = [f for f in _parts(facts) if not unplaced_channel(f)]
    active = [f for f in facts if f.name.startswith("active_")]
    kinds = {(f.text, f.span): channel_kinds(_statement(f)) for f in active}

    def whole(f: Fact) -> bool:  # 通过部门网站、报刊杂志、新媒体等方式; 平度政务网、平度公安微信等网络渠道
        phrase, own = _statement(f), kinds[(f.text, f.span)]
        raw = raw_channel_kinds(phrase)
        if "web" not in raw and any("web" in kinds[(g.text, g.span)] for g in active if g is not f):
            # 通过…公众号、视频号…共计287条 beside the website's own 81; …视频号、抖音、B站…等网络官方平台推送视频964条
            # beside the website's 334: the accounts' figure (guide rule 4b)
            return False
        if phrase != _phrase(f):  # the channels placed before the figure's own words (guide rule 4b)
            return (len(own) >= MIN_KINDS_TOTAL or bool(ALL_CHANNELS.search(phrase) or LIST_CLOSE.search(phrase))
                    or (len(raw) >= 2 and bool(CHANNEL_LIST.search(phrase))))
        if any(g.value > f.value and kinds[(g.text, g.span)] - own for g in active):
            return False  # 通过报刊、微信公众号等媒体公开信息344条 beside the website's 971: not the total
        if LIST_CLOSE.search(phrase) and (len(raw) >= 2 or CHANNEL_LIST.search(phrase)):
            # 通过…人民政府网站、四川省气象局集约化平台等载体主动公开政府信息93条; a list of ways closed by 等方式, one of
            # them no channel kind (通过宣传栏、村“两委”会议等方式公开…96条)
            return True
        if len(own) >= 2 and CHANNEL_LIST.search(phrase) and parts_follow(f, facts):
            return True  # …门户网站和政务新媒体主动发布各类政府信息8000余条。其中:通过门户网站公开6500余条
        return (len(own) >= MIN_KINDS_TOTAL or bool(ALL_CHANNELS.search(phrase))
                or (len(own) >= 2 and bool(CHANNEL_LIST.search(phrase))
                    and ("等" in phrase or phrase.count("、") >= MIN_LIST_COMMAS or parts_by_channel_after(f))))

    def explicit(f: Fact) -> bool:  # a total whose statement names no channel, or spans channels
        # 共计 in one platform's statement sums that platform's items (在…公众号上,更新160次,共计公开378条):
        # the total only when no other channel is stated (guide rule 4)
        # a figure after 其中 is a part (…两大平台主动公开…信息,其中政府信息公开栏目…,本年度共主动公开文件1份): no total
        # beside another channel
        return f.name == "active_total" and (kinds[(f.text, f.span)] <= GENERIC_CHANNELS or whole(f)) and not (
            (platform_aside(f) or "其中" in f.text[:f.span[0]]) and len(stated) > 1)

    stated = set().union(listed, *kinds.values())
    wholes = [f for f in active if f.name == "active_channel" and whole(f)]
    top = max(wholes, key=lambda f: f.value) if wholes and not any(explicit(f) for f in active) else None
    out = [_renamed(f, "active_total") if f is top else f for f in facts]  # one total: the largest
    if not any(explicit(f) for f in out if f.name.startswith("active_")) and len(stated) > 1:
        out = [_renamed(f, "active_channel") if f.name == "active_total" else f for f in out]
    if any(f.name == "active_total" and not channel_kinds(_phrase(f)) and not TOTAL_CLAIM.search(_before(f))
           for f in out):  # 我镇主动公开政府信息5条 … 通过微信公众号公开工作动态379条: the platform's is a channel
        out = [_renamed(f, "active_channel") if f.name == "active_total" and not explicit(f) else f for f in out]
    remaining = [f for f in out if f.name.startswith("active_")]
    if (len(remaining) == 1 and remaining[0].name == "active_channel"  # the only overall figure
            and not listed - kinds[(remaining[0].text, remaining[0].span)] - channel_kinds(_clause(remaining[0]))):
        out = [_renamed(f, "active_total") if f is remaining[0] else f for f in out]
    return _parts(out)


# A numbered item of a list (8.行政事业性收费项目…发布14条): one of the 《条例》第20条 kinds the old reports count.
NUMBERED_ITEM = re.compile(r"^\s*\d{1,2}\s*[.、．]")


def unplaced_channel(f: Fact) -> bool:
    """A channel's figure in a numbered item that names no channel nor column (8.行政事业性收费项目及其依据、标准发布
    14条 in the list of 《条例》第20条's kinds): a kind of information, no channel's (rule 8)."""
    return (f.name == "active_channel" and bool(NUMBERED_ITEM.match(f.text)) and not raw_channel_kinds(f.text)
            and not COLUMN.search(f.text))


# A clause stating a principle names the main route, not the figure's channel (以…网站为主要公开途径,
# 本年度主动公开信息319件; 发挥政府门户网站作为…主渠道作用: guide rule 5).
PRINCIPLE = re.compile(r"为主|主渠道|主要(?:公开)?(?:途径|渠道|平台|阵地)|第一平台")


# A list of channels closed as ways (通过乡政务公开栏、村级公告栏、村民代表大会等渠道): a figure over them is the total.
LIST_CLOSE = re.compile(r"等(?:多种|各类|各种)?(?:渠道|方式|平台|形式|载体|途径)")


def raw_channel_kinds(context: str) -> set[str]:
    """The kinds of channel a context names, a generic 平台 or 线上 too (政府网站、政府信息公开平台 is two)."""
    return {kind for kind, words in CHANNELS if re.search(words, context)}


# The breaks between a statement's clauses: a colon inside an address (网址:https://…) cuts none.
STATEMENT_CLAUSE_BREAK = re.compile(r"[，,。；;！？!?\n]")


def _statement(f: Fact) -> str:
    """The words that place ``f``'s figure (guide rule 4): its phrase when it names a channel, else the
    text back to the sentence's previous item figure or its start, over counts of no item
    (在…公众号上,更新160次,共计公开378条), less a clause stating a principle (``PRINCIPLE``)."""
    phrase = _phrase(f)
    if channel_kinds(phrase):
        return phrase
    prev = max((q.end for q in quantities(f.text) if q.end <= f.span[0] and q.unit in ITEM_UNITS), default=0)
    clauses = STATEMENT_CLAUSE_BREAK.split(f.text[prev:f.span[0]])
    return "，".join(c for c in clauses if not PRINCIPLE.search(c))


def platform_aside(f: Fact) -> bool:
    """Whether an aside right before ``f``'s figure names the platform it counts (共主动公开政府信息
    (公文平台发文)113条, beside the website's and the 微信's figures: that platform's, guide rule 5)."""
    before = f.text[:f.span[0]].rstrip()
    m = re.search(r"[（(][^（()）]*[)）]$", before)
    return bool(m and channel_kinds(m.group()))


def parts_follow(f: Fact, facts: Sequence[Fact]) -> bool:
    """Whether the passage's next active figure after ``f`` opens the next sentence's 其中 list and names a
    channel of ``f``'s (…门户网站和政务新媒体…8000余条。其中:通过门户网站公开6500余条: ``f`` is over both)."""
    own = channel_kinds(_phrase(f))
    at = next((i for i, g in enumerate(facts) if (g.text, g.span) == (f.text, f.span)), len(facts))
    later = [g for g in facts[at + 1:] if g.name.startswith("active_")]
    return bool(later) and later[0].text != f.text and later[0].text.lstrip().startswith("其中") and bool(
        channel_kinds(_phrase(later[0])) & own)


def parts_by_channel_after(f: Fact) -> bool:
    """Whether ``f``'s sentence splits it after 其中 into figures naming channels (…门户网站及政务新媒体方式
    主动公开907条,其中通过政府网站公开86条,微信公众号公开821条: the figure is over both, guide rule 4b)."""
    after = f.text[f.span[1]:]
    if not after.lstrip("，,").startswith("其中"):
        return False
    return any(q.start > f.span[1] and channel_kinds(_phrase(Fact(f.name, q.value, q.unit, f.text, (q.start, q.end))))
               for q in quantities(f.text) if q.unit in ITEM_UNITS)


# A figure of one kind whose 其中 list splits it: the parts are no facts of that family
# (行政复议3件，其中1件被撤销…); a channel's parts in the same channel, and kinds of
# information, are no channels.  A total's parts are facts (其中自然人…, 其中政府网站…).
PARTS_OF = {"review_reconsideration": "review_", "review_litigation": "review_"}


# A channel named right after its figure (其中369条通过政府网站公开,28条通过政务微信公开).
CHANNEL_AFTER = re.compile(r"^\s*(?:通过|经由|经|在|于)")


def channel_after(f: Fact) -> set[str]:
    """The channels named after ``f``'s figure as its way (其中369条通过政府网站公开), to the next comma."""
    after = _after(f)
    return channel_kinds(after) if CHANNEL_AFTER.match(after) else set()


def _parts(facts: list[Fact]) -> list[Fact]:
    """Drop the parts after 其中 of a one-kind figure of the same sentence, and the kinds of information listed there."""
    out, head = [], None
    for f in facts:
        if (f.name == "active_channel" and "其中" in f.text[:f.span[0]] and not channel_kinds(_phrase(f))
                and not column_part(f) and not channel_after(f)):
            continue  # …共971条,其中工作动态68条、专题专栏36条: kinds, whatever the head was named
        split = head is not None and (head.text == f.text and "其中" in f.text[head.span[1]:f.span[0]]
                                      or head.text != f.text and (f.text.lstrip().startswith("其中")
                                                                  or (list_goes_on(head) and not new_channel(f, head))))
        family = PARTS_OF.get(head.name) if split else None
        if family and f.name.startswith(family):
            continue
        if (split and head.name.startswith("active_") and f.name == "active_channel" and not channel_kinds(_phrase(f))
                and not channel_after(f)):
            continue  # 主动公开579条，其中重要活动类信息126条: a kind, not a channel
        if (split and head.name == "active_channel" and f.name == "active_channel"
                and len(channel_kinds(_phrase(head)) | channel_kinds(_before(head))) < 2
                and channel_kinds(_phrase(f)) <= channel_kinds(_phrase(head)) | channel_kinds(_before(head))):
            continue  # 微博120条，其中原创微博11条: the same channel split (新媒体…其中今日头条 N 条 is another)
        if (split and head.name == "active_channel" and f.name == "active_total" and not channel_kinds(_phrase(f))
                and f.value < head.value):
            continue  # 通过政府网站…发布各类信息731条…。其中:…,决策公开、政策解读…合计35条: its kinds' sum, no total (rule 8)
        if split and head.name == "active_total" and f.name == "active_total":
            if not channel_kinds(_phrase(f)):
                continue  # …其中监察执法类信息29条: a total's part is no total
            f = _renamed(f, "active_channel")  # 其中:通过门户网站公开6500余条: a total's part by channel
        head = f
        out.append(f)
    return out


# A platform's column (栏目, 专栏): a figure placed on it is a part of that channel (set 9's judgement 49).
COLUMN = re.compile(r"栏目|专栏")


def column_part(f: Fact) -> bool:
    """Whether ``f`` is the first figure of its sentence and its words after 其中 name a column
    (通过…网站政府信息公开栏目以及…公众号两大平台主动公开…信息,其中政府信息公开栏目…,本年度共主动公开文件1份: that
    column's part, judgement 49; 其中工作动态68条、专题专栏36条 has a figure before: kinds, rule 8)."""
    before = f.text[:f.span[0]]
    at = before.find("其中")
    return at >= 0 and not any(q.end <= f.span[0] and q.unit for q in quantities(f.text)) and bool(
        COLUMN.search(before[at:]))


def new_channel(f: Fact, head: Fact) -> bool:
    """Whether ``f``'s statement names a channel ``head``'s does not (…网站主动公开各类信息84条,其中发布文件2条;
    全镇新媒体平台13个,发布…信息200余条: the next sentence opens another platform's figure, no part of the list)."""
    return bool(channel_kinds(_statement(f)) - channel_kinds(_statement(head)) - GENERIC_CHANNELS)


def list_goes_on(head: Fact) -> bool:
    """Whether ``head``'s 其中 list goes on past its sentence: the sentence ends with a semicolon
    right after an item figure of the list (…信息805条,其中涉及…重点领域信息654条;涉及决策公开…等五公开
    信息147条;: the next one is a part; …其中原创推文398篇,阅读量达40万余次; ends it)."""
    at = head.text.find("其中", head.span[1])
    last = quantities(head.text)[-1]
    return (at >= 0 and head.text.rstrip().endswith(LIST_GOES_ON) and last.start > at and last.unit in ITEM_UNITS
            and not head.text[last.end:].rstrip()[:-1].strip())


def _stocks(facts: list[Fact]) -> list[Fact]:
    """A cumulative total goes: 截至 … 累计 always, another 累计 … when the year's own total is stated beside it."""
    def stock(f: Fact) -> bool:
        return bool(STOCK.search(_before(f))) and not YEAR_FIGURE.search(f.text[:f.span[0]])

    def since(f: Fact) -> bool:  # 截至2019年底，累计主动公开…: a stock, whatever else is stated
        before = f.text[:f.span[0]]
        return bool(STOCK.search(_before(f)) and SINCE.search(before)) and not YEAR_NAMED.search(
            before[max(m.end() for m in SINCE.finditer(before)):])
    # a channel's too (guide rule 10), unless its own words say the year (…网站2022年累计发布信息53篇)
    facts = [f for f in facts if not (since(f) and (f.name == "active_total" or (
        f.name == "active_channel" and not YEAR_FIGURE.search(_before(f)))))]
    totals = [f for f in facts if f.name == "active_total"]
    if not any(not stock(f) for f in totals):
        return facts
    return [f for f in facts if f.name != "active_total" or not stock(f)]

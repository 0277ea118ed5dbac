"""Training data and training for the narrative facts pipeline (``models/facts``).

Three sources of labelled sentences, each a sentence and the (start, end, fact name)
of the quantities it names (a quantity not named is a negative example):

* the generator's narrative (``training.generate``): its sentences come from fixed
  phrases whose facts it knows (``meta["stated"]``); :func:`generator_sentences`
  names each quantity by its phrase and asserts the value is the stated one;
* a phrase bank (:data:`PHRASES`): sentences in the wordings real reports use,
  filled with a generated report's numbers, with distractors (建议, 诉求, 解读, kinds of
  information, 结果维持 …) that state no fact of ``facts.FACT_NAMES``;
* the hand gold of the real reports whose ``split`` is ``train`` (``data/gold/facts``),
  and of the development excerpts (:data:`TRAIN_EXCERPTS`, the development rows of
  ``pipeline.factsplits.EXCERPT_SPLITS``); the ``eval`` reports are never read here, nor are
  the held-out excerpts (``factsplits.HELD_OUT_EXCERPT_SPLITS``, refused).

``train`` fits ``factmodel.blank()`` deterministically, scores it on the held-out
gold and checks that the numpy engine (``pipeline.factnet``, what ``nianbao extract``
runs) names every training sentence as spaCy does; ``nianbao train --facts`` wraps it.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Iterable, Optional, Sequence

from pipeline.facts import CN_NOT_BEFORE, FACT_NAMES, quantities, sentences, unwrap
from pipeline.factsplits import DEVELOPMENT_EXCERPT_SPLITS, HELD_OUT_EXCERPT_SPLITS, LENIENT_EXCERPT_SPLITS
from pipeline.scoring import read_fact_gold as read_gold  # noqa: F401 (re-exported)

ROOT = Path(__file__).resolve().parent.parent
FACT_GOLD_DIR = ROOT / "data" / "gold" / "facts"
INPUT_DIRS = (ROOT / "data" / "seeds", ROOT / "data" / "corpus" / "real")
# Generated reports trained on (seeds 0..N-1) and phrase-bank sentences per report.
GENERATED_SEEDS = 300
PHRASES_PER_REPORT = 8
# Composed passages (channels, kinds, applications, figures that are none) per generated report.
COMPOSED_PER_REPORT = 6
# Hand-annotated training sentences are few: each is seen this many times per epoch.
REAL_REPEAT = 4
# 8 since round 5 (12 before): the composed passages add a third to the data, the machine is shared.
EPOCHS = 8
BATCH_SIZE = 32
DROPOUT = 0.1
SEED = 0

Labelled = tuple[str, list[tuple[int, int, str]]]
EVAL_ABOUT = ("the gold's eval reports: never trained on, but read while annotating and rules changed "
              "for their errors (development data); leave-one-set-out figures: nianbao train --facts --leave-out SPLIT")

# --- the generator's narrative ---------------------------------------------------

# Phrase of the generator (training.generate._narrative) -> (fact, key of meta["stated"]).
_GEN_PHRASES = (
    (re.compile(r"主动公开[^，。]*$"), "active_total", "active_published"),
    (re.compile(r"共收到政府信息公开申请\s*$"), "requests_received", "requests_new"),
    (re.compile(r"其中自然人申请\s*$"), "requests_natural_person", "requests_natural_person"),
    (re.compile(r"法人或其他组织申请\s*$"), "requests_legal_person", None),
    (re.compile(r"上年结转\s*$"), "requests_carried_in", "requests_carried_in"),
    (re.compile(r"全年共办结\s*$"), "requests_handled", "requests_done"),
    (re.compile(r"行政复议\s*$"), "review_reconsideration", "review_reconsideration"),
    (re.compile(r"行政诉讼\s*$"), "review_litigation", "review_litigation"),
)
_GEN_ZERO = (("未收到政府信息公开申请", "requests_received"), ("无上年结转", "requests_carried_in"),
             ("未发生因政府信息公开引起的行政复议、行政诉讼", "review_total"))


def _label_generated(sentence: str, stated: dict) -> list[tuple[int, int, str]]:
    out = []
    for q in quantities(sentence):
        before = sentence[:q.start]
        if q.unit is None:
            for phrase, name in _GEN_ZERO:
                if sentence.startswith(phrase, q.start) or sentence.startswith(phrase[1:], q.start + 1):
                    out.append((q.start, q.end, name))
            continue
        for pat, name, key in _GEN_PHRASES:
            if pat.search(before):
                if key is not None and key in stated and stated[key] != q.value:
                    raise AssertionError(f"generator phrase {name}: {q.value} != stated {stated[key]}")
                out.append((q.start, q.end, name))
                break
    return out


def generator_sentences(seeds: Iterable[int]) -> list[Labelled]:
    """The quantity sentences of generated reports' narratives, named by their phrases."""
    from training.generate import generate
    out: list[Labelled] = []
    for seed in seeds:
        s = generate(seed)
        stated = s.meta["stated"]
        for b in s.blocks:
            if getattr(b, "label", None) != "narrative" or not getattr(b, "text", None):
                continue
            for _, sent in sentences(b.text):
                if quantities(sent):
                    out.append((sent, _label_generated(sent, stated)))
    return out


# --- the phrase bank ---------------------------------------------------------------
# ``{name}``: a number stating that fact; ``{-}``: a number stating none; ``[text|name]``:
# a stated absence (its text holds a ZERO rule word) naming that fact, ``[text|-]`` naming none.

PREFIXES = ("{y}年，", "{y}年度，", "本年度，", "{y}年，{we}", "全年", "今年，", "", "{we}", "{y}年全区",
            "{y}年，全市", "{agency}", "本年度{we}")
PHRASES = (
    # applications received, their sources, carried in
    "共受理政府信息公开申请{requests_received}件",
    "共收到政府信息公开申请{requests_received}件",
    "新收政府信息公开申请{requests_received}件",
    "收到依申请公开{requests_received}件",
    "受理依申请公开事项{requests_received}件",
    "接收政府信息公开申请共计{requests_received}件",
    "通过信函、网络等渠道提交的政府信息公开申请共计{requests_received}件",
    "全年受理各类政府信息公开申请{requests_received}件",
    "共收到{requests_received}件申请",
    "受理申请{requests_received}件，其中自然人申请{requests_natural_person}件，法人或其他组织申请{requests_legal_person}件",
    "共收到政府信息公开申请{requests_received}件，涉及自然人{requests_natural_person}件、商业企业{requests_commercial}件",
    "收到政府信息公开申请{requests_received}件，其中自然人{requests_natural_person}件、法人及其他组织{requests_legal_person}件",
    "自然人提出申请{requests_natural_person}件，企业等法人或其他组织提出申请{requests_legal_person}件",
    "商业企业申请{requests_commercial}件",
    "共受理政府信息公开申请{requests_received}件（含上年结转{requests_carried_in}件）",
    "上年结转申请{requests_carried_in}件",
    "另有上年度结转申请{requests_carried_in}件",
    "[未收到|requests_received]政府信息公开申请",
    "[没有收到|requests_received]公民、法人或其他组织提出的政府信息公开申请",
    "[未受理|requests_received]政府信息公开申请",
    "[无上年结转|requests_carried_in]申请",
    # set 1's wordings: other units, how applications came, who applied, pre-2019 results
    "共收到{requests_received}份政府信息公开申请",
    "本年度共收到依申请公开{requests_received}条",
    "收到政府信息公开申请{requests_received}份",
    "申请公开{requests_received}件（其中信件申请{-}件，网络申请{-}件）",
    "其中信函申请{-}件，网络申请{-}件",
    "受理公民、法人和其他组织提出的政府信息公开申请{requests_received}件",
    "受理公民、法人和其他组织向区政府办公室提出的政府信息公开申请{requests_received}件，均在法定时限内予以答复",
    "以个人名义提交的政府信息申请有{requests_natural_person}件，以组织名义提交的政府信息申请有{requests_legal_person}件",
    "“同意公开”的{requests_granted}件，“同意部分公开”{requests_partial}件，“不予公开”的{requests_denied}件",
    "属于“同意公开”的{requests_granted}件",
    "[无依申请公开|requests_received]事项",
    "{y}年我[无依申请公开|requests_received]事项",
    "[无下年度结转|requests_carried_over]",
    "其他{requests_other_handling}件（申请人自主撤销）",
    # a reason's count alone is no 无法提供 total (guide rules 16, 18)
    "本办不掌握相关政府信息{-}件",
    "属于本机关不掌握相关政府信息的{-}件",
    "申请信息经查询不存在{-}件",
    "本机关不掌握{-}件，信息不存在{-}件",
    "经检索无对应信息等情形依规答复{-}件",
    # set 6's wordings: applicants naming the year's count (guide rule 23), 答复办结, 宗, cases
    # passed on, carried in by the year, 办理 over 办结 beside a count carried over (rule 14)
    "共收到自然人申请{requests_received}件，均按规定予以办理",
    "共收到{requests_received}个自然人的政府信息公开申请",
    "收到法人或其他组织申请{requests_received}件",
    "全年受理依申请公开{requests_received}件，依据《条例》予以答复办结{requests_handled}件",
    "通过信函方式受理依申请公开{requests_received}件",
    "全年办理政府信息公开申请{requests_handled}宗，结转下年度继续办理{requests_carried_over}宗",
    "收到政府信息公开申请{requests_received}宗",
    "办理{y}年结转件{requests_carried_in}件",
    "办理市人民政府办公室转办件{-}件",
    "完成省政府办公厅协办件{-}件，已按要求答复",
    "全年共办理政府信息公开申请{requests_handled}件，办结{-}件，剩余{requests_carried_over}件结转下一年度处理",
    "利用政府信息公开网发布依申请公开信息{-}条",
    "累计主动公开政府信息{active_total}条，依申请公开{-}件",
    "未发生被行政复议纠错或败诉情况",
    "产生行政复议{review_reconsideration}件",
    # handled, carried over, results
    "共办结{requests_handled}件",
    "办结依申请公开{requests_handled}件",
    "答复政府信息公开申请{requests_handled}件",
    "已答复{requests_handled}件",
    "共办理{requests_handled}件，均在法定期限内答复",
    "全年共办理政府信息公开申请{requests_handled}件",
    "按时答复{requests_handled}件（含上年度结转申请{requests_carried_in}件，另有{requests_carried_over}件顺延至下年度办理）",
    "结转下年度继续办理{requests_carried_over}件",
    "{requests_carried_over}件结转至下一年度办理",
    "另有{requests_carried_over}件申请顺延到下年度答复",
    "结转下一年{requests_carried_over}件",
    "其中予以公开{requests_granted}件，部分公开{requests_partial}件，不予公开{requests_denied}件，无法提供{requests_unable}件，不予处理{requests_rejected}件，其他处理{requests_other_handling}件",
    "予以公开及部分公开{requests_granted_partial}件",
    "同意公开和部分公开{requests_granted_partial}件，占{pct}%",
    "予以公开{requests_granted}件，占{pct}%",
    "部分公开{requests_partial}件",
    "不予公开{requests_denied}件",
    "因本机关不掌握相关政府信息等原因无法提供{requests_unable}件",
    "无法提供{requests_unable}件，占{pct}%",
    "不予处理{requests_rejected}件",
    "其他处理{requests_other_handling}件",
    "办结的申请中，属于重复申请的{-}件，要求提供公开出版物的{-}件",
    "其中重复申请{-}件",
    # 复议 and 诉讼
    "发生政府信息公开行政复议{review_reconsideration}件、行政诉讼{review_litigation}件",
    "因政府信息公开被申请行政复议{review_reconsideration}件",
    "政府信息公开行政复议案件{review_reconsideration}件，其中结果维持{-}件，结果纠正{-}件，其他结果{-}件，尚未审结{-}件",
    "政府信息公开行政诉讼{review_litigation}件，其中结果维持{-}件，尚未审结{-}件",
    "被提起行政诉讼{review_litigation}件",
    "共有行政复议案件{review_reconsideration}件、行政诉讼案件{review_litigation}件",
    "共有行政诉讼案件{review_litigation}件、行政复议案件{review_reconsideration}件",
    "行政诉讼{review_litigation}件，行政复议{review_reconsideration}件",
    "因政府信息公开引起的行政复议和行政诉讼案件共{review_total}件",
    "因政府信息公开引起的行政复议案件{review_reconsideration}件、行政诉讼案件{review_litigation}件",
    "因政府信息公开被申请行政复议{review_reconsideration}件，被提起行政诉讼{review_litigation}件",
    "涉及政府信息公开的行政复议、行政诉讼案件{review_total}件",
    "[未发生|review_total]因政府信息公开引起的行政复议、行政诉讼",
    "信息公开类行政复议{review_reconsideration}起，正在办理中",
    "被行政复议{review_reconsideration}件，为其他结果",
    "未经复议直接起诉{review_litigation}件，为其他结果",
    "未经复议直接提起行政诉讼{review_litigation}件",
    "[未发生|review_litigation]因政府信息公开而引发的行政诉讼",
    "[未发生|review_reconsideration]因政府信息公开而引发的行政复议",
    "[未发生|review_total]有关政府信息公开工作的举报、投诉、行政复议或提起行政诉讼等情况",
    "[未发生|review_reconsideration]因政府信息公开被申请行政复议的情况",
    "[未出现|review_litigation]因政府信息公开被提起行政诉讼的情况",
    "[无因政府信息公开|review_total]引起的行政复议或诉讼",
    # active disclosure
    "主动公开政府信息{active_total}条",
    "共主动公开各类政府信息{active_total}条",
    "通过政府网站主动公开政府信息{active_total}条",
    "累计主动公开信息{active_total}余条",
    "共公布政府信息{active_total}条，其中政府网站发布{active_channel}条，政务微信发布{active_channel}条",
    "主动公开政府信息{active_total}条，其中政务新媒体发布{active_channel}条",
    "通过微信公众号发布信息{active_channel}条",
    "“{wx}”微信公众号发布信息{active_channel}条",
    "“{wx}”微博账号发布信息{active_channel}条",
    "通过“{wx}”新浪微博发布各类信息{active_channel}条，“{wx}”微信订阅号发布各类信息{active_channel}条",
    "依托辖区宣传栏公开低保、困难救助等信息{active_channel}余条",
    "通过政务公开栏公开信息{active_channel}条",
    "现场公开宣传{active_channel}条",
    "政府网站公开信息{active_channel}条，现场公开宣传{active_channel}条",
    "政府网站公开信息{active_channel}条，政府公报公开信息{active_channel}条，新闻发布会公开信息{active_channel}条，新闻媒体公开信息{active_channel}条",
    "通过“{agency}门户网站”发布信息{active_channel}条，其中主动公开各类政府信息{active_total}条",
    "通过政府网站公开政府信息数{active_channel}条，其中主动公开行政规范性文件数共{normative_issued}条",
    "全年{agency}网站共发布各类信息{active_total}条",
    "各栏目共刊发文稿、通知、公告、公示等{active_total}篇",
    "主动公开涉及疫情防控、社会救助、养老服务等方面信息{active_total}条",
    "通过县政府门户网站公布政务要闻{-}条",
    "通过门户网站发布政务动态信息{-}条",
    "其中人事信息{-}条，政务动态{-}条，政民互动{-}条",
    "概况信息{-}条、规划计划{-}条、政民互动{-}条",
    "县长信箱共受理有效信件{-}件，已办结{-}件",
    "通过县长信箱或领导信箱(网上信访)办件{-}件",
    "市长信箱收到来信{-}件，均已办结",
    "依托政务微博推送信息{active_channel}余条",
    "其中机构职能类信息{-}条，规划计划类信息{-}条，重大建设项目信息{-}条",
    "发布工作动态{-}条",
    "公开财政预决算信息{-}条",
    "发布政策解读{-}篇",
    "制作图解{-}个",
    # normative documents, rules
    "本年度制发行政规范性文件{normative_issued}件",
    "出台规范性文件{normative_issued}件",
    "新制发规范性文件{normative_issued}件，废止规范性文件{normative_repealed}件",
    "已宣布废止规范性文件{normative_repealed}件",
    "现行有效行政规范性文件{normative_in_force}件",
    "清理并发布现行有效规范性文件{normative_in_force}件",
    "更新发布本年度制发的行政规范性文件{normative_issued}件",
    "集中公开现行有效的规范性文件{normative_in_force}件",
    "清理规范性文件{-}件，拟修改{-}件",
    "制定规章{rules_issued}件",
    "主动公开规章{rules_issued}件，行政规范性文件{normative_issued}件",
    "新增公开政府规章{rules_issued}件",
    "本年度制发规章{rules_issued}件，废止规章{-}件",
    "公开政府规章{rules_issued}件、行政规范性文件{normative_issued}件",
    "发布其他政策文件{-}件",
    "公开市政府其他文件{-}件，人事任免文件{-}件",
    "公开政策性文件{-}件",
    "发布惠企政策文件{-}件",
    # fees
    "全年收取政府信息公开信息处理费{processing_fees}元",
    "收取信息处理费{processing_fees}元",
    "[未收取|processing_fees]信息处理费",
    "[未收取|processing_fees]政府信息公开处理费用",
    "[未向|processing_fees]公民、法人和其他组织收取任何与政府信息公开工作相关的费用",
    "[未出台|normative_issued]规范性文件",
    "我单位[未出台|normative_issued]规范性文件和重要政策措施",
    "主动公开市政府规章{-}件（含新制定{-}件，修改{-}件，废止{-}件）",
    "[未收到|-]行政许可申请",
    "[未发生|-]网络舆情事件",
    "[未发生|-]政府信息管理安全事故",
    # the classes sets 1 and 2 showed, each in several wordings (round 3)
    # channel vs total: one channel's figure beside others, a figure over many channels
    "通过政府网站主动公开信息{active_channel}条，通过微信公众号发布信息{active_channel}条",
    "通过{agency}门户网站公开信息{active_channel}条，“{wx}”微信公众号推送信息{active_channel}条",
    "包括政府网站{active_channel}条，微信公众号{active_channel}条",
    "主动公开政务信息{active_total}条，包括政府网站{active_channel}条，新闻媒体{active_channel}条",
    "在新华社、每日头条等媒体上发布信息{active_channel}条",
    "共通过公示栏等形式发布信息{active_channel}条",
    "通过村务公开栏张贴公开信息{active_channel}条",
    "“{wx}”微信公众号全年共推送信息{active_channel}条",
    "官方微博共累计发布微博{active_channel}条，其中发布原创微博{-}条，转发微博{-}条",
    "微信公众号发布信息{active_channel}条，其中原创信息{-}条",
    "通过部门网站、报刊杂志、新媒体等方式发布政府信息{active_total}余条",
    "通过政府网站、政务新媒体、公开栏等多种渠道主动公开政府信息{active_total}条",
    "共计发布信息{active_total}条",
    "全年共发布各类政府信息{active_total}条",
    "新增主动公开政府信息{active_total}条",
    "本年度新增公开信息{active_total}条，其中政策文件{-}条，工作动态{-}条",
    "累计主动公开政府信息{active_total}条，其中概况信息{-}条，工作动态{-}条",
    "通过政府信息公开目录管理系统累计主动公开政府信息{-}条，{y}年新增主动公开政府信息{active_total}条",
    "截至{y}年底，累计公开政府信息{-}条，本年度主动公开{active_total}条",
    "收到微博投诉{-}条，均已办结",
    "收到网民留言{-}条，已全部回复",
    "公开各类会议信息{-}次",
    "公开解读类信息{-}条",
    "受理12345热线工单{-}个",
    "在“两法衔接”平台公示案件{-}件",
    "公示行政处罚案件{-}件",
    # cumulative stocks and issued vs repealed vs in force
    "制发行政规范性文件{normative_issued}件，废止行政规范性文件{normative_repealed}件，现行有效件数{normative_in_force}件",
    "对规范性文件进行全面清理，废止{normative_repealed}件，修改{-}件，保留{normative_in_force}件",
    "废止行政规范性文件{normative_repealed}件",
    "宣布失效规范性文件{normative_repealed}件",
    "现行有效的规范性文件{normative_in_force}件",
    "印发规范性文件{normative_issued}件，公开并解读{-}件",
    "公开规范性文件{normative_issued}件",
    "其中通过网站公开规范性文件{normative_issued}个",
    # granted vs handled in a list of results; other wordings of results
    "全年共收到依申请公开{requests_received}件，公开{requests_granted}件，不予公开{requests_denied}件",
    "收到申请{requests_received}件，同意公开{requests_granted}件，部分公开{requests_partial}件",
    "已按申请内容提供给当事人{requests_granted}件",
    "向申请人提供相关信息{requests_granted}件",
    "告知申请人不属于本机关公开范围{-}件",
    "其中按期办结{requests_handled}件",
    "均已按期办结，共办结{requests_handled}件",
    "已全部办结{requests_handled}件",
    "办理完毕{requests_handled}件",
    "已在规定时限内办理完毕{requests_handled}件",
    "[无结转|requests_carried_over]下一年度继续办理的申请",
    "[无结转|requests_carried_over]{y}年继续办理件",
    # natural vs legal persons, received vs 件次
    "[未收到|requests_legal_person]法人或者其他组织对依申请公开政府信息的申请",
    "[未收到|requests_natural_person]自然人提出的政府信息公开申请",
    "自然人申请{requests_natural_person}件，[未收到|requests_legal_person]法人或其他组织申请",
    "其中公民申请{requests_natural_person}件，企业申请{requests_legal_person}件",
    "共受理依申请公开{requests_received}件次",
    "共收到公民、法人或其他组织提出的政府信息公开申请{requests_received}件",
    "[未收到|requests_received]任何公民、法人和其他组织提出的政府信息公开申请",
    "[未接到|requests_received]书面方式申请的政府信息公开申请",
    "包括信函申请{-}件、网络申请{-}件",
    "当面申请{-}件，网上申请{-}件",
    # 复议 and 诉讼 apart and together
    "因政府信息依申请公开引起行政复议{review_reconsideration}件，行政诉讼{review_litigation}件",
    "全年共收到行政复议{review_reconsideration}件，维持结果{-}件，尚未办结{-}件",
    "未经复议直接诉讼{review_litigation}件，复议后诉讼{-}件",
    "发生行政复议{review_reconsideration}起、行政诉讼{review_litigation}起",
    "涉及政府信息公开的行政复议和行政诉讼共{review_total}件",
    "[没有发生|review_total]因政府信息公开工作引发举报、投诉、行政复议或行政诉讼等事件",
    "[未发生|review_total]因政府信息公开申请行政复议、提起行政诉讼的情况",
    "本年度[无|review_litigation]针对政府信息公开事务的行政诉讼",
    "本年度[无|review_reconsideration]针对政府信息公开事务的行政复议",
    "[未被申请|review_reconsideration]行政复议",
    "[未被提起|review_litigation]行政诉讼",
    # zeros worded in many ways
    "[未存在|processing_fees]政府信息公开收费及减免情况",
    "[未对|processing_fees]公众依申请公开政府信息收取任何费用",
    "[没有收取|processing_fees]任何费用",
    "[未产生|processing_fees]信息处理费",
    "[未收到|requests_received]申请公开事项",
    "[未收到|requests_received]依申请公开请求",
    "[没有接到|requests_received]政府信息公开申请",
    "[未发生|-]网络舆情事件",
    "[未出现|-]泄密事件",
    # the classes dev3 showed (development excerpts of the set-3 annotator)
    "依申请信息公开办理有{requests_handled}件，均为自然人申请",
    "办理{requests_handled}件（含上年度结转申请{requests_carried_in}件，另有{requests_carried_over}件申请顺延到下年度答复）",
    "{requests_handled}件申请均在法定期限内予以回复",
    "含{y}年结转的{requests_carried_in}件",
    "办理结果如下：予以公开{requests_granted}件",
    "部分予以公开{requests_partial}件",
    "由于本机关不掌握相关政府信息而无法提供{requests_unable}件",
    "属于信访投诉举报、重复申请等情形不予处理{requests_rejected}件，占{pct}%",
    "被申请行政复议{review_reconsideration}件，其中{-}件被复议机关撤销答复，{-}件正在审理中",
    "共制发公文{-}件，主动公开{-}件，平均主动公开率为{pct}%",
    "微信公众账号（{-}个）发布信息{active_channel}条，微博账号（{-}个）发布信息{active_channel}条",
    "抖音短视频账号（{-}个）发布信息{active_channel}条",
    "全年[无|processing_fees]信息公开收费的事项",
    "[未印发|normative_issued]行政规范性文件",
    "[未制发|normative_issued]规范性文件",
    "门户网站总访问量为{-}万人次",
    "办结互动留言{-}条",
    # the classes of dev3's second batch
    "新接收依申请公开{requests_received}件，办结申请{requests_handled}件，另有{requests_carried_over}件转{y}年继续办理",
    "共依申请办理公开或部分公开政府信息{requests_granted_partial}件",
    "其中同意公开或部分公开共{requests_granted_partial}件，公开率为{pct}%",
    "其中{requests_handled}件已按照相关要求进行书面回复",
    "已办理{requests_handled}件",
    "共办理回复依申请公开事项{requests_handled}件，均已按时答复",
    "{-}件为网络申请，{-}件为信件申请",
    "其中网站申请{-}件、当面申请{-}件、信函申请{-}件",
    "其中网上政府信息公开申请件{-}件，书面申请件{-}件",
    "全年局网站发布信息{active_channel}条，抖音号发布短视频{active_channel}条",
    "通过政务新媒体公开政府信息{active_channel}条，其中今日头条{active_channel}条，门户网站{active_channel}条",
    "通过局政务网站公开政务信息{active_channel}条，通过政务微博发布信息{active_channel}条",
    "在“{wx}”微信公众号公布动态信息{active_channel}条，收到留言{-}条",
    "对主动公开规范性文件进行全面清理，本年度制发{normative_issued}件，废止{normative_repealed}件，现行有效{normative_in_force}件",
    "共在各级各类新闻媒体刊发稿件{-}篇，其中市级以上刊发稿件{-}篇",
    "通过县级及县级以上媒体渠道发布各类宣传信息{-}余篇，其中省级以上媒体录用{-}篇",
    "在省级以上媒体发布信息{-}篇，通过{agency}门户网站发布政务信息{active_total}条，办理群众留言{-}条",
    "网上答复解决群众诉求{-}余件",
    "[未|review_total]因信息公开被申请行政复议和提起行政诉讼",
    "[无|review_reconsideration]行政复议、[无|review_litigation]提起行政诉讼情况",
    "因具体行政行为被提起行政诉讼{-}起",
    "门户网站主动公开政府信息{active_channel}条，其中重要活动类信息{-}条、监察执法类信息{-}条，通过官方微信、微博平台公开政府信息{active_channel}条",
    # round 4: the classes sets 1-3, dev3 and dev4 show, each in several wordings
    # the only figure of items disclosed, worded many ways (the structure rules make it a
    # channel beside another channel's figure)
    "主动发布政府信息共计{active_total}条",
    "全年更新工作动态、政策文件和民生服务信息{active_total}条",
    "{y}年累计公开信息达{active_total}条",
    "向社会各界公布政府信息累计{active_total}条",
    "全年共发布{active_total}条",
    "全年在政府信息公开平台发布信息{active_total}条",
    "全年在{agency}门户网站公开信息{active_total}条",
    "通过“{agency}”网站公开{active_total}条信息",
    "主动公开政府工作信息、动态{active_total}多条",
    "本年度共主动公开政府信息{active_total}条，较上年增长{pct}%",
    "依托门户网站主动公开信息{active_total}条",
    "截至12月31日，主动公开政府信息{active_total}条",
    "全年累计主动公开政府信息{active_total}条，其中通过“{wx}”平台发布{active_channel}条，通过门户网站公开{active_channel}条",
    "主动公开政府信息共计{active_total}条，其中，局官网发布信息{active_channel}条，微信公众号{active_channel}条，微博{active_channel}条，快手号{active_channel}条",
    "主动公开信息{active_total}条，其中网站发布新闻类{-}条，通知公告类{-}条，政策文件及解读{-}条",
    "政府信息公开{active_total}条，其中社会保险{-}条、房屋征收及住房保障{-}条、公共法律服务{-}条",
    "全市政府网站及{-}个政务新媒体发布信息{active_total}余条",
    # channels beside each other
    "微博“{wx}”发布信息{active_channel}条",
    "微信“{wx}”发布信息{active_channel}条，阅读量{-}次",
    "“{wx}”微信公众号发布{active_channel}条，基本做到日更新",
    "在{agency}信用平台主动公开行政处罚信息{active_channel}条",
    "依托微信公众号、视频号等平台发布政务信息{active_channel}余条",
    "通过政府网站主动公开政府信息数量{active_channel}条",
    "其中线上信息公开{active_channel}条",
    # kinds of information, corrections, readings, press: no facts
    "门户网站发布概况类信息{-}条，政务动态类信息{-}条，信息公开目录信息{-}条，政策解读{-}条",
    "通过门户网站公开行政处罚信息公示{-}条，行政许可信息公示{-}条，通知公告信息{-}条",
    "修正重复信息{-}条，错别字{-}条",
    "设置专题专栏{-}个",
    "受理12345热线工单{-}件，按时办结率100%",
    "媒体宣传{-}余篇",
    "开展政务公开业务培训{-}次，参训{-}人次",
    "召开专题会议{-}次，研究部署政务公开工作",
    "收到群众来信{-}件，均已办结",
    "接听群众咨询电话{-}个",
    "系统累计访问量达{-}万次",
    "历年以来主动公开信息{-}条",
    "历年累计受理依申请公开申请{-}件",
    "出具《政府信息公开申请答复书》{-}份",
    "解读政策文件{-}个",
    "在各类新闻媒体平台发稿{-}篇",
    "公示反垄断执法案件{-}件",
    # applications: who applied, counted in 例/条, received vs handled vs carried
    "共收到{requests_natural_person}个自然人的政府信息公开申请",
    "公民个人提出申请{requests_natural_person}件，法人或其他组织提出申请{requests_legal_person}件",
    "共受理依申请政府信息公开事项{requests_received}例",
    "我办受理依申请信息{requests_received}条",
    "收到政府信息依申请公开共{requests_received}件，其中书面申请{-}件，通过信息公开平台申请{-}件",
    "其中通过网络收到申请{-}件，通过来信收到申请{-}件",
    "截至12月底已回复{requests_handled}件，{requests_carried_over}件正在办理中",
    "办理政府信息公开申请{requests_handled}件，均在法定期限内予以办结",
    "全年处理政府信息公开申请{requests_handled}条，全部按时处理办结",
    "在办结的{requests_handled}件申请中，予以公开{requests_granted}件，不予公开{requests_denied}件，申请撤销{-}件",
    "其中{requests_granted}件公开，{requests_denied}件经与申请者沟通同意对答复内容不予公开",
    "另{requests_carried_over}件申请按规定结转下年度继续办理",
    "全年共受理政府信息公开申请{requests_received}件，均来自自然人",
    "[未接到|requests_received]群众要求公开的信息",
    "{y}年度我乡[没有|requests_received]依申请公开的政府信息",
    "[未收到|requests_received]公民依申请信息公开事项",
    "[未受理|requests_received]依申请公开信息申请",
    "[无上年度结转|requests_carried_in]",
    "[未收到|requests_received]任何公民、法人和其他组织提出的公开政府信息的申请",
    "[没有接到|requests_received]群众主动要求公开政府信息的申请",
    # 复议 and 诉讼 worded many ways
    "[无|review_total]因政府信息产生行政复议，提起行政诉讼情况发生",
    "[不存在|review_total]有关政府信息公开行政复议和行政诉讼情况",
    "[未发生|review_total]政府信息公开行政复议、起诉",
    "办理信息公开行政复议{review_reconsideration}件，行政诉讼{review_litigation}件",
    "因政府信息公开引起的行政复议{review_reconsideration}件，[无|review_litigation]行政诉讼案件",
    "收到有关政府信息公开行政复议申请{review_reconsideration}件",
    "[没有发生|review_total]针对本单位有关政府信息公开事务的行政复议案、行政诉讼案",
    "全年[未发生|-]因依申请公开办理不当引发的投诉举报情况",
    # normative documents: issued, repealed, in force; absences
    "全年制发规范性文件{normative_issued}件，废止{normative_repealed}件，现行有效{normative_in_force}件",
    "{y}年度新发布的行政规范性文件{normative_issued}件，确定继续有效的行政规范性文件{normative_in_force}件",
    "及时废止与上级文件不一致的文件，{y}年度新发布的行政规范性文件{normative_issued}件",
    "清理废止文件{normative_repealed}件",
    "发布行政规范性文件{normative_issued}篇",
    "共制定规范性文件{normative_issued}件，废止规范性文件{normative_repealed}件，现行有效的规范性文件{normative_in_force}件",
    "[无|normative_issued]行政规范性文件出台及更新情况",
    # fees
    "政府信息公开[没有收费|processing_fees]",
    "对信息公开免费提供，[未收取|processing_fees]任何费用",
    "[没有收取|processing_fees]费用",
    # set 7's wordings (development since branch i12o): absences of both kinds of case, handled
    # counts beside the carried over, ways closed by 等渠道, totals beside readings and messages,
    # information made, a figure over two channels split by channel
    "全年实现答复“[零|review_total]复议、零诉讼”",
    "全年[无|review_total]信息公开举报、复议和诉讼等情形",
    "全年[未发生|review_total]因政府信息公开引起的行政复议和行政诉讼",
    "[未发生|review_total]因政府信息公开工作引发举报、投诉、申请行政复议或提起行政诉讼的情况",
    "全年因政府信息公开引起的行政复议{review_reconsideration}件",
    "通过政府门户网站、邮递信函、当面申请等渠道收到政府信息公开申请{requests_received}件",
    "新受理政府信息公开申请{requests_received}件，上年结转{requests_carried_in}件，已办结{requests_handled}件，"
    "结转到{y}年继续办理{requests_carried_over}件",
    "收到政府信息公开申请{requests_received}件，上年结转{requests_carried_in}件，当年办结{requests_handled}件，"
    "结转下年度{requests_carried_over}件",
    "办结{requests_handled}件，结转下年度办理{requests_carried_over}件",
    "依托区政府门户网站向社会主动公开编制索引目录的政府信息{active_total}条、政策解读{-}篇",
    "本年度，区教育局累计主动公开政府信息{active_total}条，回应网友留言{-}条",
    "通过不同渠道主动公开信息共{active_total}条",
    "共制作政府信息总数{-}条，其中主动公开政府信息{active_total}条，作为依申请公开信息数{-}条，不予公开信息数{-}条",
    "共制作、获取政府信息{-}条，主动公开政府信息{active_total}条",
    "共通过门户网站及政务新媒体方式主动公开{active_total}条，其中通过政府网站公开{active_channel.1}条，"
    "微信公众号公开{active_channel.2}条",
    "全年通过县政府门户网站公开重大战略部署及{-}个重点领域等方面信息{active_total}条",
    "[未|processing_fees]因信息公开收取公民、法人和其他组织等任何费用",
    "主动公开信息{active_total}条，其中向政府网站推送{-}条",
    "利用电子屏发布信息{active_channel}条，通过门户网站发布信息{active_channel}条",
    "全年答复申请{requests_handled}件，未答复{-}件",
    # dev8's
    "本年度[未|normative_issued]发布行政规范性文件",
    "{y}年度，我乡[没有|processing_fees]政府信息公开的收费及减免事项",
    "{agency}门户网站共发送{active_total}条信息",
    # set 8's wordings (development since branch i12q) and dev9's: one platform's 共计 beside another
    # platform's figure, a figure over two channels split by channel after it, the year's one count
    # naming its way or applicants, pending cases, reasons' counts under one kind's word
    "通过政府门户网站主动公开各类政府信息共计{active_channel.1}条，通过官方微信公众号、视频号“{wx}”发布政策、"
    "动态等文章(视频)，共计{active_channel.2}条",
    "在政务公开政府网站上发布主动公开政府信息共{active_channel.1}条，在新媒体微信公众号“{wx}”上，更新{-}次，"
    "共计公开{active_channel.2}条",
    "一是旗政府网站方面，年内共发布各类信息{active_channel.1}条，二是蒙文网站方面，年内发布各类信息{active_channel.2}条",
    "积极向公众披露政府机构架构、职责范围、公告通知等{active_total}项信息内容",
    "全年通过{agency}门户网站和政务新媒体主动发布各类政府信息{active_total}条，其中：通过门户网站公开{active_channel}条",
    "通过市政府网站、省气象局集约化平台等载体主动公开政府信息{active_total}条，其中，在市政府网站主动公开信息"
    "{active_channel.1}条，在省气象局集约化平台公开信息{active_channel.2}条",
    "其中，街道官方微信发布信息{active_channel.1}条，信息公开网发布政务动态信息{active_channel.2}条",
    "全年在网站和微信平台公布信息{active_total}条，其中网站公布{active_channel.1}条，微信公众号公布{active_channel.2}条",
    "{y}年发布政府信息{active_total}条，其中：日常工作动态{-}条，乡镇信息主动公开{-}条",
    "截至{y}年12月31日，我局共收到政府信息公开网络申请{requests_received}件，其中“信息不存在”{-}件，其余{-}件均予以答复",
    "中心收到自然人提交的信息公开申请共{requests_received}件，其中网上申请{-}件，信函申请{-}件",
    "共受理政府信息依申请公开{requests_received}件，{-}件依申请公开申请人均为自然人",
    "本年度因政府信息公开申请行政复议{review_reconsideration}件，尚未审结行政复议{-}件和提起行政诉讼"
    "{review_litigation}件，尚未审结行政诉讼{-}件",
    "{y}年发生因政府信息公开引起的行政复议{review_reconsideration}件和复议后提起行政诉讼{review_litigation}件",
    "其中{requests_granted}件申请的内容予以公开，{-}件因四类过程信息不予公开，{-}件因本机关不掌握相关政府信息而不予公开",
    "{y}年我镇[无|requests_received]收到和处理政府信息公开申请情况",
    # distractors: figures that state no fact of the list
    "收到人大代表建议{-}件、政协委员提案{-}件",
    "办理群众诉求{-}件，现场解决{-}件",
    "开展政务公开培训{-}次",
    "组织{-}次政务公开检查",
    "在运维政务新媒体{-}个",
    "关停政务新媒体{-}个",
    "接入{-}个部门{-}项事项",
    "召开新闻发布会{-}次",
    "编发政府公报{-}期，刊登规范性文件等{-}件",
    "全年编发公报{-}期，刊登政府规章、规范性文件等{-}件，部门规范性文件{-}件",
    "公报刊登部门规范性文件{-}件，政策解读{-}件",
    "网站访问量达{-}万次",
    "[未发生|-]政务公开责任追究情况",
    "[未出现|-]违反规定公开信息的情况",
    "每月对网站进行{-}次检查",
    "设兼职人员{-}名，办理信访件{-}件",
)
# Named accounts a channel phrase's {wx} takes (“子长发布”微信公众号).
ACCOUNTS = ("平安发布", "清风新区", "高新发布", "政务在线", "民生之窗", "市场监管", "人社之声", "美丽乡镇")
# ``{name.N}``: the N-th figure of that fact in one sentence (channels beside each other), its
# number from ``values["name.N"]``.
_SLOT = re.compile(r"\{([a-z_\-]+(?:\.\d+)?)\}|\[([^|\]]+)\|([a-z_\-]+)\]")
_CN_SMALL = "零一二三四五六七八九"


def _cn(n: int) -> str:
    if n < 10:
        return _CN_SMALL[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_SMALL[tens]) + "十" + (_CN_SMALL[ones] if ones else "")


def _values(fields: dict, rng: random.Random) -> dict:
    """Numbers for the slots, from one generated report (so they go together)."""
    g = lambda f: int(fields.get(f) or 0)  # noqa: E731
    new, ci = g("requests.new.total"), g("requests.carried_in.total")
    org = sum(g(f"requests.new.{c}") for c in ("commercial", "research", "social_org", "legal_service", "other"))
    return {
        "requests_received": new + ci if rng.random() < 0.3 else new, "requests_carried_in": ci,
        "requests_natural_person": g("requests.new.natural_person"), "requests_legal_person": org,
        "requests_commercial": g("requests.new.commercial"), "requests_handled": g("requests.total.total"),
        "requests_carried_over": g("requests.carried_out.total"), "requests_granted": g("requests.granted.total"),
        "requests_partial": g("requests.partial.total"),
        "requests_granted_partial": g("requests.granted.total") + g("requests.partial.total"),
        "requests_denied": rng.randint(0, 40), "requests_unable": rng.randint(0, 300),
        "requests_rejected": rng.randint(0, 200), "requests_other_handling": rng.randint(0, 20),
        "review_reconsideration": g("review.reconsideration.total"),
        "review_litigation": g("review.litigation_direct.total") + g("review.litigation_after.total"),
        "review_total": g("review.reconsideration.total") + g("review.litigation_direct.total"),
        "active_total": rng.choice((rng.randint(5, 200), rng.randint(200, 20000))),
        "active_channel": rng.randint(1, 3000), "normative_issued": rng.randint(0, 90),
        "normative_repealed": rng.randint(0, 60), "normative_in_force": rng.randint(0, 900),
        "rules_issued": rng.randint(0, 15), "processing_fees": rng.choice((0, rng.randint(10, 9000))),
    }


def _number(n: int, rng: random.Random) -> str:
    r = rng.random()
    if 0 < n < 100 and r < 0.08:
        return _cn(n)
    return f" {n} " if r < 0.25 else str(n)


def render(phrase: str, values: dict, rng: random.Random, prefix: str = "") -> Labelled:
    """A phrase filled with numbers; the labels of its quantities by their offsets."""
    text, marks = prefix, []
    pos = 0
    for m in _SLOT.finditer(phrase):
        text += phrase[pos:m.start()]
        if m.group(1) == "pct":  # a share, not a quantity
            text += str(rng.randint(1, 99))
        elif m.group(1) is not None:
            key = m.group(1)
            name = key.split(".")[0]
            n = rng.randint(0, 300) if name == "-" else int(values.get(key, values.get(name, 0)))
            marks.append((len(text), name))
            cn_ok = not phrase.startswith(CN_NOT_BEFORE, m.end())  # 一起 is a word
            text += _number(n, rng) if cn_ok else str(n)
        else:
            marks.append((len(text), m.group(3)))
            text += m.group(2)
        pos = m.end()
    text += phrase[pos:]
    text += rng.choice(("。", "；", "，均在法定期限内答复。", "。"))
    by_start = {}
    for q in quantities(text):
        by_start.setdefault(q.start, q)
    labels = []
    for start, name in marks:
        while start < len(text) and text[start] == " ":
            start += 1
        q = by_start.get(start)
        if q is None and name == "-":
            continue  # a distractor figure with a unit the rules do not count (名, 期)
        if q is None:
            raise AssertionError(f"phrase {phrase!r}: no quantity at {start} in {text!r}")
        if name != "-":
            labels.append((q.start, q.end, name))
    return text, labels


def phrase_sentences(seeds: Iterable[int], per_report: int = PHRASES_PER_REPORT) -> list[Labelled]:
    """Phrase-bank sentences filled with the numbers of generated reports."""
    from training.generate import generate
    out = []
    for seed in seeds:
        s = generate(seed)
        rng = random.Random(f"nianbao-facts:{seed}")
        values = _values(s.fields, rng)
        ctx = {"y": str(s.meta["year"]), "we": rng.choice(("我局", "本机关", "我区", "我委", "区政府", "我单位")),
               "agency": s.meta["agency"], "wx": rng.choice(ACCOUNTS)}
        for _ in range(per_report):
            k = rng.choice((1, 1, 2, 3))
            parts = rng.sample(PHRASES, k)
            prefix = rng.choice(PREFIXES).format(**ctx)
            text, labels = "", []
            for i, p in enumerate(parts):
                for key in ("wx", "agency", "y"):  # words, not number slots
                    p = p.replace("{%s}" % key, ctx[key])
                piece, lab = render(p, values, rng, prefix if i == 0 else "")
                if i < len(parts) - 1:
                    piece = piece.rstrip("。；") + "，" if not piece.endswith("答复。") else piece
                labels += [(a + len(text), b + len(text), n) for a, b, n in lab]
                text += piece
            out.append((text, labels))
    return out


# --- composed passages: each fact in many wordings, assembled from parts ------------
# Real passages (sets 1-4) state channels beside each other (2-6 platforms, each its own
# verb or none), totals with no verb (合计共221条, 主动公开信息数为206条), whole runs of
# application results, and figures that are no fact (阅读量, 期, 投递, 报送) in the same
# sentence.  The phrase bank holds fixed wordings; these are drawn from parts, so no two
# passages need be alike.  The labels follow the structure rules: channels beside each
# other are channels, a figure over them (or the only one) the total.

CHANNEL_WORDS = (
    ("web", ("门户网站", "政府门户网站", "{agency}门户网站", "政府信息公开网站", "局门户网站", "官网", "政府网站",
             "政府信息公开专栏", "政务网", "部门网站", "网站")),
    ("wechat", ("微信公众号", "“{wx}”微信公众号", "政务微信", "官方微信公众号", "微信公众平台", "“{wx}”公众号")),
    ("weibo", ("微博", "政务微博", "“{wx}”微博", "官方微博")),
    ("toutiao", ("今日头条", "头条号", "“{wx}”头条号")),
    ("douyin", ("抖音号", "抖音政务号", "“{wx}”抖音号")),
    ("kuaishou", ("快手号", "快手政务号")),
    ("newmedia", ("视频号", "政务客户端", "政务新媒体", "新媒体平台")),
    ("board", ("政务公开栏", "村务公开栏", "公示栏", "实体政务公开栏", "电子显示屏")),
    ("gazette", ("政府公报",)),
)
CHANNEL_VIA = ("通过", "在", "依托", "利用", "", "", "全年通过", "{y}年通过")
ACTIVE_VERBS = ("主动公开", "发布", "公开", "推送", "更新", "公布", "刊发", "发布各类", "编辑发布", "累计发布", "共发布",
                "主动公开各类", "及时发布", "公开发布")
ACTIVE_OBJECTS = ("信息", "政府信息", "政务信息", "", "", "工作动态信息", "各类信息", "政务动态", "图文信息",
                  "文字、图片、视频信息", "基础信息")
ITEM_UNIT_WEIGHTS = ("条", "条", "条", "条", "篇", "篇", "份")
# Totals over the channels, with a verb or none.
TOTAL_CLAUSES = ("共主动公开政府信息{n}", "全年主动公开各类信息{n}", "主动公开信息{n}", "累计公开信息{n}",
                 "全年共发布各类政务信息{n}", "主动公开政府信息共计{n}", "通过多种渠道主动公开信息{n}",
                 "共公开政府信息{n}", "全年主动公开政府信息总数{n}", "主动发布信息{n}", "各类政务信息{n}",
                 "本年度主动公开信息{n}", "公开各类信息共{n}")
VERBLESS_TOTALS = ("合计共{n}", "共计{n}", "合计{n}", "总计{n}", "主动公开信息数为{n}", "主动公开政府信息数量{n}",
                   "主动公开信息总数{n}", "公开信息总量达{n}", "信息总量{n}", "全年主动公开信息总量为{n}",
                   "以上共计{n}", "总数{n}")
# Figures beside a channel's that are no fact.
CHANNEL_TAILS = ("阅读量{-}次", "订阅数{-}次", "网站总访问量达{-}人次", "点击量{-}次", "浏览量达{-}万次",
                 "编辑{-}期", "访问量{-}次", "关注用户{-}个", "发布专题{-}个", "转载{-}次")
NO_FACT_CLAUSES = ("向市政府网站投递信息{-}条", "报送政务信息{-}条", "向档案馆、图书馆报送政务公开信息{-}条",
                   "推送国办和省、市重点信息{-}余次", "制作政策图解{-}篇", "开展政策解读{-}次", "举办在线访谈{-}期",
                   "受理网站留言咨询{-}件，办结{-}件", "被上级媒体采用信息{-}篇", "发布新闻稿件{-}篇",
                   "梳理公开事项{-}项", "编制公开目录{-}个", "开展培训{-}次", "组织检查{-}次", "回应关切{-}次",
                   "召开新闻发布会{-}场", "更新公开目录{-}项", "设置专栏{-}个", "处理网民留言{-}条",
                   "办理人大代表建议{-}件", "答复政协提案{-}件", "受理法律援助案件{-}件，办结案件{-}件")
KIND_WORDS = ("工作动态", "通知公告", "政策文件", "人事信息", "财政信息", "规划计划", "政策解读", "重点领域信息",
              "机构职能", "法规文件", "行政许可信息", "行政处罚信息", "公示公告", "统计信息", "部门预决算")


def _pick(rng: random.Random, options):
    return options[rng.randrange(len(options))]


def _channel_clause(rng: random.Random, word: str, slot: str, short: bool) -> str:
    """One channel's figure: 通过门户网站发布信息{slot}条 (or, in a list, 微博{slot}条)."""
    unit = _pick(rng, ITEM_UNIT_WEIGHTS)
    if short:
        return f"{word}{rng.choice(('', '发布', '推送', '公开'))}{slot}{unit}"
    verb, obj = _pick(rng, ACTIVE_VERBS), _pick(rng, ACTIVE_OBJECTS)
    if rng.random() < 0.2:
        return f"{_pick(rng, CHANNEL_VIA)}{word}{verb}{slot}{unit}{obj or '信息'}"
    return f"{_pick(rng, CHANNEL_VIA)}{word}{'上' if rng.random() < 0.1 else ''}{verb}{obj}{slot}{unit}"


def _channels_passage(rng: random.Random, values: dict) -> str:
    """2-6 channels beside each other, maybe with a total before (其中 …) or after (合计 …), and
    figures that are none between them."""
    k = rng.choice((2, 2, 2, 3, 3, 4, 5, 6))
    kinds = rng.sample(CHANNEL_WORDS, k)
    nums = [rng.choice((rng.randint(1, 99), rng.randint(100, 3000))) for _ in kinds]
    for i, n in enumerate(nums):
        values[f"active_channel.{i}"] = n
    shape = rng.choice(("list", "list", "head", "tail", "sentences", "named"))
    unit = _pick(rng, ITEM_UNIT_WEIGHTS[:5])
    clauses = []
    for i, (_, words) in enumerate(kinds):
        c = _channel_clause(rng, _pick(rng, words), "{active_channel.%d}" % i, short=shape == "head" and rng.random() < 0.7)
        if rng.random() < 0.25:
            c += "，" + _pick(rng, CHANNEL_TAILS)
        clauses.append(c)
    if shape == "named":  # one channel's figure, the others named carrying items with none (喀左): channels
        clauses = [clauses[0]] + [f"{rng.choice(('同时', '并', '还'))}通过{_pick(rng, words)}{_pick(rng, ACTIVE_VERBS)}"
                                  f"{_pick(rng, KIND_WORDS)}" for _, words in kinds[1:]]
        rng.shuffle(clauses)
        return "。".join(clauses) if rng.random() < 0.5 else "，".join(clauses)
    if rng.random() < 0.3:
        clauses.insert(rng.randrange(len(clauses) + 1), _pick(rng, NO_FACT_CLAUSES))
    sep = rng.choice(("，", "，", "；", "、"))
    if shape == "head":
        values["active_total"] = sum(nums)
        return _pick(rng, TOTAL_CLAUSES).replace("{n}", "{active_total}" + unit) + "，其中" + sep.join(clauses)
    body = sep.join(clauses) if shape != "sentences" else "。".join(clauses)
    if shape == "tail":
        values["active_total"] = sum(nums)
        body += "，" + _pick(rng, VERBLESS_TOTALS).replace("{n}", "{active_total}" + unit)
    return body


def _kinds_passage(rng: random.Random, values: dict) -> str:
    """The only figure of items disclosed and its kinds of information (none of them facts):
    主动公开信息423条，其中工作动态12条，…; or kinds then a verbless total (…，合计共221条)."""
    unit = _pick(rng, ITEM_UNIT_WEIGHTS[:5])
    kinds = ["%s%s{-}%s" % (rng.choice(("", "主动公开", "发布")) if i == 0 else "", w, unit)
             for i, w in enumerate(rng.sample(KIND_WORDS, rng.randint(2, 5)))]
    values["active_total"] = rng.choice((rng.randint(5, 200), rng.randint(200, 20000)))
    if rng.random() < 0.5:
        head = rng.choice(TOTAL_CLAUSES + VERBLESS_TOTALS).replace("{n}", "{active_total}" + unit)
        return head + "，其中" + rng.choice(("，", "、")).join(kinds)
    return "、".join(kinds) + "，" + _pick(rng, VERBLESS_TOTALS).replace("{n}", "{active_total}" + unit)


REQUEST_UNITS = ("件", "件", "件", "件", "条", "项", "份", "个")
RECEIVED_CLAUSES = ("共收到依申请公开{n}", "收到政府信息公开申请{n}", "全年共收到依申请公开件{n}", "受理依申请公开{n}",
                    "共受理政府信息公开申请{n}", "新收政府信息公开申请{n}", "收到申请公开政府信息的要求{n}",
                    "共收到依申请公开事项{n}", "收到并办理群众提出的信息公开申请{n}", "接收信息公开申请{n}",
                    "依申请公开政府信息{n}", "受理公开申请{n}", "共收到{n}政府信息公开申请")
HANDLED_CLAUSES = ("办理{n}", "回复{n}", "已按期答复{n}", "办结{n}", "均已答复，共答复{n}", "按时办结{n}",
                   "已全部办结，办结{n}", "答复{n}", "依法答复{n}", "处理{n}")
RESULT_CLAUSES = (("requests_granted", ("予以公开{n}", "同意公开答复{n}", "同意公开{n}", "全部公开{n}", "已公开{n}",
                                        "通过网站对外公开{n}", "{n}予以公开")),
                  ("requests_partial", ("部分公开{n}", "同意部分公开{n}", "{n}部分公开")),
                  ("requests_denied", ("不予公开{n}", "{n}不予公开")),
                  # named by the kind's word only: a reason's count (本机关不掌握, 信息不存在) is none
                  ("requests_unable", ("无法提供{n}", "因本机关不掌握相关政府信息无法提供{n}",
                                       "{n}因不属于本机关负责公开无法提供", "不掌握相关信息无法提供{n}")),
                  ("requests_rejected", ("不予处理{n}", "属于重复申请不予处理{n}")),
                  ("requests_other_handling", ("其他处理{n}", "申请人撤回{n}", "{n}申请人主动撤回")))
CARRIED_OVER_CLAUSES = ("结转下年度继续办理{n}", "{n}结转至下一年度办理", "转入下年度办理{n}", "结转{y}年办理{n}",
                        "尚在办理中{n}", "另有{n}结转下年度")
CARRIED_OVER_ZERO = ("[无转结|requests_carried_over]下年度继续办理件", "[无结转|requests_carried_over]下年度的申请",
                     "[无|requests_carried_over]结转至下年度办理的申请")
REVIEW_CLAUSES = ("涉及复议{r}，诉讼{l}", "行政复议{r}、行政诉讼{l}", "发生行政复议{r}，行政诉讼{l}",
                  "被申请行政复议{r}，被提起行政诉讼{l}", "复议{r}，诉讼{l}", "因政府信息公开引起行政复议{r}、行政诉讼{l}")


def _requests_passage(rng: random.Random, values: dict) -> str:
    """Applications received, handled, their results, carried over, 复议 and 诉讼, in varied
    wordings and units (件, 条, 项), in the order reports give them."""
    unit = _pick(rng, REQUEST_UNITS)
    n = rng.choice((rng.randint(1, 9), rng.randint(10, 300)))
    values["requests_received"] = values["requests_handled"] = n
    over = rng.choice((0, 0, rng.randint(1, 3)))
    if over and over < n:
        values["requests_handled"] = n - over
        values["requests_carried_over"] = over
    clauses = [_pick(rng, RECEIVED_CLAUSES).replace("{n}", "{requests_received}" + unit)]
    if rng.random() < 0.7:
        clauses.append(_pick(rng, HANDLED_CLAUSES).replace("{n}", "{requests_handled}" + unit))
    left = values["requests_handled"]
    for name, words in rng.sample(RESULT_CLAUSES, rng.randint(0, 3)):
        if left <= 0:
            break
        v = left if rng.random() < 0.4 else rng.randint(1, left)
        left -= v
        values[name] = v
        clauses.append(_pick(rng, words).replace("{n}", "{%s}" % name + unit))
    if over and over < n:
        clauses.append(_pick(rng, CARRIED_OVER_CLAUSES).replace("{n}", "{requests_carried_over}" + unit))
    elif rng.random() < 0.3:
        clauses.append(_pick(rng, CARRIED_OVER_ZERO))
    if rng.random() < 0.4:
        values["review_reconsideration"], values["review_litigation"] = rng.choice(((0, 0), (0, 0), (1, 0), (0, 1), (2, 1)))
        clauses.append(_pick(rng, REVIEW_CLAUSES).replace("{r}", "{review_reconsideration}件").replace(
            "{l}", "{review_litigation}件"))
    return rng.choice(("，", "，", "；")).join(clauses)


RULES_CLAUSES = ("制定发布规章{rules_issued}部", "出台政府规章{rules_issued}件", "发布政府规章{rules_issued}部",
                 "全市制定发布规章{rules_issued}部", "新制定规章{rules_issued}件")
NO_FACT_ITEMS = ("梳理公开事项清单{-}项", "完成重点任务{-}项", "涉及{-}个部门{-}项事项", "办理政务服务事项{-}项",
                 "制定工作制度{-}项", "编制标准目录{-}项", "公开权责清单事项{-}项", "出版图书{-}部",
                 "拍摄宣传片{-}部", "印发文件{-}份", "开展专项行动{-}项")


def composed_passage(rng: random.Random, ctx: dict) -> Labelled:
    """One composed passage (channels, kinds, applications, 规章 or figures that are none), labelled."""
    values: dict = {}
    kind = rng.choice(("channels",) * 4 + ("kinds",) * 2 + ("requests",) * 3 + ("rules", "none", "none"))
    if kind == "channels":
        phrase = _channels_passage(rng, values)
    elif kind == "kinds":
        phrase = _kinds_passage(rng, values)
    elif kind == "requests":
        phrase = _requests_passage(rng, values)
    elif kind == "rules":
        values["rules_issued"] = rng.randint(1, 15)
        phrase = _pick(rng, RULES_CLAUSES) + "，" + _pick(rng, NO_FACT_ITEMS)
    else:
        phrase = "，".join(rng.sample(NO_FACT_CLAUSES + NO_FACT_ITEMS, rng.randint(1, 3)))
    for key in ("wx", "agency", "y"):
        phrase = phrase.replace("{%s}" % key, ctx[key])
    prefix = rng.choice(PREFIXES).format(**ctx) if rng.random() < 0.6 else ""
    return render(phrase, values, rng, prefix)


def composed_sentences(seeds: Iterable[int], per_report: int = COMPOSED_PER_REPORT) -> list[Labelled]:
    """Composed passages (:func:`composed_passage`), ``per_report`` per generated report's context."""
    from training.generate import generate
    out = []
    for seed in seeds:
        s = generate(seed)
        rng = random.Random(f"nianbao-facts-composed:{seed}")
        ctx = {"y": str(s.meta["year"]), "we": rng.choice(("我局", "本机关", "我区", "我委", "区政府", "我单位", "我乡", "我街道")),
               "agency": s.meta["agency"], "wx": rng.choice(ACCOUNTS)}
        out += [composed_passage(rng, ctx) for _ in range(per_report)]
    return out


# --- hand gold of real reports -----------------------------------------------------

def input_for(stem: str, dirs: Sequence[Path] = INPUT_DIRS) -> Optional[Path]:
    """The report file of a gold stem (the text file or text PDF, never the simulated scan)."""
    for d in dirs:
        for p in sorted(Path(d).glob(stem + ".*")):
            if ".scan." not in p.name:
                return p
    return None


def report_narrative(path: Path) -> str:
    """A report's narrative text as the extract path sees it."""
    from pipeline import facts, narrative
    from pipeline.classifier import default_labeler
    from pipeline.inputs import read_document
    from pipeline.labels import apply_labels
    doc = read_document(path)
    apply_labels(doc, default_labeler())
    return facts.narrative_text(doc.lines, narrative.sections(doc.lines))


def gold_sentences(stem: str, gold: dict, text: str, strict: bool = True) -> list[Labelled]:
    """The report's quantity sentences, with the gold facts placed on their quantities.

    ``strict``: a gold fact no quantity rule finds is an error; else it is left out of
    the training sentences (dev3 lists figures in units the rules do not count, 4申请 with
    none; they stay misses when scored).
    """
    text = unwrap(text)  # as extract_facts reads it
    sents = [s for _, s in sentences(text) if quantities(s)]
    labels: list[list] = [[] for _ in sents]
    for f in gold["facts"]:
        if f["context"] not in text and f["context"].replace("\n", "") in text:
            f = {**f, "context": f["context"].replace("\n", "")}  # a wrapped line joined
        hits = [i for i, s in enumerate(sents) if f["context"] in s]
        if not hits and not strict:
            continue
        if not hits:
            raise ValueError(f"{stem}: gold context {f['context']!r} is not in the narrative")
        i = hits[0]
        start = sents[i].index(f["context"]) + f["context"].index(f["quantity"])
        end = start + len(f["quantity"])  # 近5000条: the rules' 5000条 inside the gold's quantity
        q = next((q for q in quantities(sents[i]) if q.start == start), None) or next(
            (q for q in quantities(sents[i]) if start <= q.start and q.end <= end), None)
        if q is None and not strict:
            continue
        if q is None:
            raise ValueError(f"{stem}: no quantity rule finds {f['quantity']!r}")
        labels[i].append((q.start, q.end, f["name"]))
    return list(zip(sents, labels))


def real_sentences(split: str = "train", gold_dir: Path = FACT_GOLD_DIR) -> tuple[list[Labelled], list[str]]:
    """Labelled sentences of the real reports of one split, and their stems."""
    out, stems = [], []
    for stem, g in read_gold(gold_dir, split).items():
        path = input_for(stem)
        if path is None:
            continue
        out += gold_sentences(stem, g, report_narrative(path))
        stems.append(stem)
    return out, stems


# The excerpt sets trained on (development data) and those whose gold keeps figures in units
# the quantity rules do not count: one table, ``pipeline.factsplits.EXCERPT_SPLITS``.
TRAIN_EXCERPTS = DEVELOPMENT_EXCERPT_SPLITS
LENIENT_EXCERPTS = LENIENT_EXCERPT_SPLITS


def excerpt_sentences(split: str = "excerpts", gold_dir: Path = FACT_GOLD_DIR) -> tuple[list[Labelled], list[str]]:
    """Labelled sentences of the real narrative excerpts of ``split`` (their text is in the gold)."""
    import unicodedata
    if split in HELD_OUT_EXCERPT_SPLITS:
        raise ValueError(f"the held-out excerpts ({split}) are never trained on")
    if split not in TRAIN_EXCERPTS:
        raise ValueError(f"excerpt split {split!r} is not development data (one of {', '.join(TRAIN_EXCERPTS)})")
    nfkc = lambda t: unicodedata.normalize("NFKC", t)  # noqa: E731 (as evaluate.excerpt_row reads them)
    out, stems = [], []
    for stem, g in read_gold(gold_dir, split).items():
        g = {**g, "facts": [{**f, "context": nfkc(f["context"]), "quantity": nfkc(f["quantity"])} for f in g["facts"]]}
        out += gold_sentences(stem, g, nfkc(g["text"]), strict=split not in LENIENT_EXCERPTS)
        stems.append(stem)
    return out, stems


# --- training ------------------------------------------------------------------------

def to_examples(nlp, labelled: Sequence[Labelled]):
    """spaCy Examples: the reference names each labelled quantity's context span."""
    from spacy.training import Example
    from pipeline.factmodel import SPANS_KEY, segment_spans
    out = []
    for text, labels in labelled:
        pred = nlp.make_doc(text)
        ref = nlp.make_doc(text)
        ctx = {(q.start_char, q.end_char): c for q, c in segment_spans(ref)}
        spans = []
        for a, b, name in labels:
            c = ctx.get((a, b))
            if c is None:
                raise ValueError(f"no context span for {text[a:b]!r} in {text!r}")
            spans.append(ref[c.start:c.end])
            spans[-1].label_ = name
        ref.spans[SPANS_KEY] = spans
        out.append(Example(pred, ref))
    return out


def training_sentences(seeds: int = GENERATED_SEEDS, leave_out: Optional[str] = None) -> tuple[list[Labelled], dict]:
    """Every training sentence and where they came from; ``leave_out``: an excerpt set not trained on
    (leave-one-set-out cross-validation)."""
    gen = generator_sentences(range(seeds))
    bank = phrase_sentences(range(seeds))
    composed = composed_sentences(range(seeds))
    real, stems = real_sentences("train")
    excerpts, excerpt_stems = [], {}
    for split in TRAIN_EXCERPTS:
        if split == leave_out:
            continue
        sents, split_stems = excerpt_sentences(split)
        excerpts += sents
        excerpt_stems[split] = split_stems
    data = gen + bank + composed + (real + excerpts) * REAL_REPEAT
    return data, {"generated_reports": seeds, "generator_sentences": len(gen), "phrase_sentences": len(bank),
                  "composed_sentences": len(composed),
                  "real_train_documents": stems, "real_train_sentences": len(real),
                  "excerpt_splits": list(excerpt_stems), "excerpt_documents": excerpt_stems,
                  "excerpt_sentences": len(excerpts), "left_out": leave_out}


def fit(data: Sequence[Labelled], epochs: int = EPOCHS, seed: int = SEED):
    """A trained facts pipeline (deterministic for the same data and seed)."""
    from spacy.util import fix_random_seed, minibatch
    from pipeline.factmodel import blank
    fix_random_seed(seed)
    nlp = blank()
    examples = to_examples(nlp, data)
    optimizer = nlp.initialize(lambda: examples)
    order = list(range(len(examples)))
    for epoch in range(epochs):
        random.Random(seed + epoch).shuffle(order)
        losses: dict = {}
        for batch in minibatch([examples[i] for i in order], size=BATCH_SIZE):
            nlp.update(batch, sgd=optimizer, drop=DROPOUT, losses=losses)
    return nlp


def engine_parity(path: str | Path, sents: Sequence[str]) -> dict:
    """Both engines on the pipeline at ``path``: the sentences whose named quantities
    (spans, names, scores) differ between spaCy and numpy (``pipeline.factnet``)."""
    from pipeline import factmodel, factnet
    ref = factmodel.named_quantities(factmodel.load(str(path)), list(sents))
    got = factnet.named_quantities(factnet.load_net(path), list(sents))
    differing = [s for s, a, b in zip(sents, ref, got) if a != b]
    return {"sentences": len(sents), "differing": len(differing), "examples": differing[:5]}


def eval_figures(model_path: str | Path) -> dict:
    """The card's ``evaluation`` block: the pipeline at ``model_path`` with the checkout's rules
    on the gold's ``eval`` reports (text files and PDFs; the simulated scans: ``nianbao evaluate --facts``)."""
    from pipeline.evaluate import default_fact_inputs, evaluate_facts
    texts = [p for p in default_fact_inputs() if ".scan." not in p.name]
    report = evaluate_facts(FACT_GOLD_DIR, texts, split="eval", model_path=str(model_path))
    return {"split": "eval", "about": EVAL_ABOUT, **{k: report[k] for k in ("documents", "gold_facts", "model", "regex")}}


def rescore(path: str | Path, command: Optional[str] = None) -> dict:
    """Rewrite the card of the pipeline at ``path`` with its eval figures under the checkout's
    rules (the rules run after the model, so a rule change moves them; the weights are not
    touched): ``evaluation`` replaced, ``rescored`` says by what."""
    meta_path = Path(path) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    card = meta["nianbao"]
    card["evaluation"] = eval_figures(path)
    card["rescored"] = {"command": command, "about": "evaluation re-run with the rules of the checkout; weights unchanged"}
    import srsly  # spaCy's own writer: the file reads as nlp.to_disk wrote it
    srsly.write_json(meta_path, meta)
    return card


def train(out: str | Path, seeds: int = GENERATED_SEEDS, epochs: int = EPOCHS, replace: bool = False,
          evaluate_heldout: bool = True, command: Optional[str] = None, leave_out: Optional[str] = None) -> dict:
    """Train, write the pipeline and its card, score it on the reports never trained on
    (the gold's ``eval`` split, development data) into the card; ``replace``: then copy
    it into models/facts.  ``leave_out``: train without that excerpt set and score it
    into the card (``cross_validation``: how the recipe does on real excerpts it never
    saw; not the shipped model, so not with ``replace``)."""
    import shutil
    import spacy
    from pipeline.factmodel import MODEL_DIR
    # The scoring step runs after a long fit: import it (and the extract path it runs) now,
    # so a checkout changed mid-run cannot break it (the shipped card was once hand-patched
    # after a merge during a run broke this step).
    from pipeline import extract, factnet, inputs  # noqa: F401
    from pipeline.evaluate import default_fact_inputs, evaluate_facts  # noqa: F401 (imported early, see above)
    if leave_out is not None and (replace or leave_out not in TRAIN_EXCERPTS):
        raise ValueError(f"--leave-out takes one of {', '.join(TRAIN_EXCERPTS)} and not --replace")
    data, sources = training_sentences(seeds, leave_out)
    nlp = fit(data, epochs)
    card = {"command": command, "sources": sources, "labels": list(FACT_NAMES), "epochs": epochs, "seed": SEED,
            "spacy": spacy.__version__}
    nlp.meta["name"], nlp.meta["version"] = "nianbao_facts", "0.1.0"
    nlp.meta["description"] = "Names the fact each quantity of a report's narrative states (see pipeline/facts.py)."
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    nlp.meta["nianbao"] = card
    nlp.to_disk(out)
    parity = engine_parity(out, list(dict.fromkeys(s for s, _ in data)))
    card["numpy_engine"] = {k: parity[k] for k in ("sentences", "differing")}
    if parity["differing"]:  # extract would fall short of the reference: say so where a person looks
        print(f"nianbao: the numpy facts engine differs from spaCy on {parity['differing']} of "
              f"{parity['sentences']} training sentences, e.g. {parity['examples'][0]!r}", file=sys.stderr)
    nlp.meta["nianbao"] = card
    nlp.to_disk(out)
    if evaluate_heldout:
        card["evaluation"] = eval_figures(out)
        nlp.meta["nianbao"] = card
        nlp.to_disk(out)
    if leave_out is not None:
        report = evaluate_facts(FACT_GOLD_DIR, split=leave_out, model_path=str(out))
        card["cross_validation"] = {"split": leave_out, "about": "this excerpt set left out of training, then scored",
                                    **{k: report[k] for k in ("documents", "gold_facts", "model", "regex")}}
        nlp.meta["nianbao"] = card
        nlp.to_disk(out)
    if replace:
        if MODEL_DIR.exists():
            shutil.rmtree(MODEL_DIR)
        shutil.copytree(out, MODEL_DIR)
    return card

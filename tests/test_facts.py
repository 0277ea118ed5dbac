"""Narrative facts: quantity rules, readings and checks, the shipped spaCy pipeline, scoring."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import facts, factsplits
from pipeline.facts import Fact, cn_number, fact_checks, link, quantities, reading_value, segments

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "corpus" / "real"
SEEDS = ROOT / "data" / "seeds"
FACT_GOLD = ROOT / "data" / "gold" / "facts"


def _q(text):
    return [(q.text(text), q.value, q.unit, q.approx) for q in quantities(text)]


def test_quantity_rules():
    assert _q("共受理申请749件，其中自然人申请741件") == [("749件", 749, "件", False), ("741件", 741, "件", False)]
    assert _q("主动公开信息 12 条；5500余条；十九次；两个；3940元；3.5万元") == [
        ("12 条", 12, "条", False), ("5500余条", 5500, "条", True), ("十九次", 19, "次", False),
        ("两个", 2, "个", False), ("3940元", 3940, "元", False), ("3.5万元", 3.5, "万元", False)]
    assert _q("（单位：万元）第1次会议，2023年，占33.9%") == []
    assert _q("本年度未收到政府信息公开申请") == [("未收到", 0, None, False)]
    assert _q("阅读量达180万次") == [("180万次", 1800000, "次", False)]
    assert [cn_number(s) for s in ("十", "二十三", "一百零五", "二〇二四", "万")] == [10, 23, 105, 2024, None]


def test_segments_split_a_clause_between_its_quantities():
    t = "我局共收到人大代表建议 14 件和政协委员提案 47 件，答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复）"
    qs = quantities(t)
    got = [t[a:b] for a, b in segments(t, qs)]
    # the text between two quantities of a clause is context for both
    # (brackets are asides of their clause, not breaks)
    assert got == ["我局共收到人大代表建议 14 件和政协委员提案", "和政协委员提案 47 件", "答复3050件（含上年度结转申请",
                   "（含上年度结转申请34件", "另有103件顺延到下年度答复）"]


def _fact(name, value, text, unit="件"):
    q = next(q for q in quantities(text) if q.value == value)
    return Fact(name, value, unit, text, (q.start, q.end))


def test_readings_and_checks_name_both_numbers_and_the_sentence():
    fields = {"requests.new.total": 74, "requests.carried_in.total": 1,
              "requests.granted.natural_person": 258, "requests.granted.commercial": 12,
              "requests.granted.legal_service": 1, "requests.granted.other": 1, "requests.granted.total": None,
              "requests.partial.natural_person": 3, "requests.partial.total": None}
    got = [_fact("requests_received", 75, "全区收到政府信息公开申请75件。"),
           _fact("requests_granted_partial", 258, "予以公开及部分公开258件，占33.9%；")]
    link(got, "2019", fields)
    assert got[0].fields == ["requests.new.total", "requests.carried_in.total"]  # the reading that agrees
    checks = fact_checks(got, "2019", fields)
    assert [(c.rule, c.ok) for c in checks] == [("stated_requests_received", True),
                                                ("stated_requests_granted_partial", False)]
    assert "258" in checks[1].detail and "= 275" in checks[1].detail and "予以公开及部分公开258件" in checks[1].detail
    # a blank row total reads as the sum of its printed cells; no cell at all: no reading, no check
    assert reading_value(fields, ["requests.granted.total"]) == 272
    assert fact_checks([_fact("requests_handled", 5, "办结5件。")], "2019", {}) == []


def test_facts_without_cells_and_units_that_do_not_fit_are_not_checked():
    fee = _fact("processing_fees", 3940, "全年收取信息处理费3940元。", unit="元")
    assert fact_checks([fee], "2021", {"active.fees.amount": 0}) == []  # 信息处理费 is not 行政事业性收费
    wrong_unit = _fact("processing_fees", 4, "全年组织4次检查。", unit="次")
    total, part = _fact("active_total", 14571, "主动公开14571条。", "条"), _fact("active_total", 77, "公开信息77条。", "条")
    assert facts.consistent([wrong_unit, total, part]) == [total]


def test_extract_facts_with_a_classifier_given():
    text = "2024年，全市共受理政府信息公开申请3119件，答复3050件。\n组织4次检查。"

    def classify(sents):
        return [[(q.start, q.end, "requests_received" if q.value == 3119 else "processing_fees", 0.9)
                 for q in quantities(s)] for s in sents]
    got = facts.extract_facts(text, classify)
    # 3050 was named a fee in 件 and 4 a fee in 次: both dropped by the unit rule
    assert [(f.name, f.value, f.text[f.span[0]:f.span[1]]) for f in got] == [("requests_received", 3119, "3119件")]
    assert set(got[0].as_dict()) == {"name", "value", "unit", "text", "span", "fields"}
    assert facts.extract_facts("没有数字的一段话。", classify=None) == []  # no quantity: the model is not loaded


def _named(text, names):
    """extract_facts with a classifier naming the quantities in order by ``names`` (None: unnamed)."""
    it = iter(names)

    def classify(sents):
        return [[(q.start, q.end, n, 0.9) for q in quantities(s) for n in [next(it)] if n] for s in sents]
    return [(f.name, f.value) for f in facts.extract_facts(text, classify)]


def test_structure_round_10_set_9_classes():
    """Round 10 (set 9's classes, real sentences of data/gold/facts/heldout9), each named as the round-8
    model named it."""
    # totals missed: 余万 is a count of at least ten thousands (银川 2022), its part by channel after 其中
    assert _q("主动公开政府信息20余万条") == [("20余万条", 200000, "条", True)]
    assert _q("节约20余万元") == [("20余万元", 20, "万元", True)]
    assert _named("通过《银川市人民政府公报》、政府网站和政务新媒体以及各类新闻、报纸、广播及宣传栏、电子屏、查询机等媒介,主动公开"
                  "政府信息20余万条,其中,银川市政府门户网站发布信息16642条(概况类194条、政务动态5749条、信息公开目录10699条)。",
                  ["active_total", None, None, None, None]) == [("active_total", 200000), ("active_channel", 16642)]
    # channels missed: 其他信息发布渠道 is a channel group (东阳农业农村 2019)
    assert _named("全年在政府门户网站信息发布223篇,在其他信息发布渠道发布173条,内容主要涉及农业农村局概况信息。",
                  ["active_channel", None]) == [("active_channel", 223), ("active_channel", 173)]
    # a 其中 list ended by ; goes on only while no other platform's statement opens (乌恰镇 2024); an absence of
    # what disclosure caused (the text cut there) is no result of applications
    assert _named("(一)主动公开情况。一年来,通过政府网站主动公开各类信息84条,其中发布文件2条;全镇新媒体平台13个,发布便民政策、"
                  "工作动态、公益宣传等信息200余条;通过公示栏、大喇叭等方式公开民政社保等信息82条。\n(二)依申请公开情况。2024年,"
                  "乌恰镇未收到依申请公开政府信息申请,未发生因政府信息公开",
                  ["active_total", None, None, "active_total", "active_total", "requests_received", "requests_granted"]) == [
        ("active_channel", 84), ("active_channel", 200), ("active_channel", 82), ("requests_received", 0)]
    # a figure after 其中 of two platforms named with no figure is a column's part, no total (里雍镇 2025, judgement 49)
    assert _named("(一)主动公开\n通过柳州市鱼峰区人民政府门户网站政府信息公开栏目以及微信鱼峰区里雍镇公众号两大平台主动公开里雍镇政府"
                  "政务信息,其中政府信息公开栏目公开内容主要为人事任免、制度公开、项目公告等,本年度共主动公开文件1份。鱼峰区里雍镇"
                  "公众号公开内容除政务信息外,涵盖政府日常工作、本地美景美食推介、活动资讯等,2025年度累计计发布信息331篇。",
                  ["active_total", "active_total"]) == [("active_channel", 1), ("active_channel", 331)]
    # 兴义 2022: the numbered 第20条 kinds are no channels, the website's lone figure is the total; 现行 documents are in force
    assert _named("(一)主动公开政府信息。2022年通过政府门户网站发布政府信息7392条,《条例》第20条规定的信息公开情况:1.新增行政法规、"
                  "规章和规范性文件相关信息发布18条,公开现行规范性文件62个;\n8.行政事业性收费项目及其依据、标准发布14条;\n9.政府"
                  "集中采购项目的目录、标准及实施情况发布83条;", ["active_channel", None, "normative_issued", "active_channel",
                                                                  "active_channel"]) == [
        ("active_total", 7392), ("normative_in_force", 62)]


def test_structure_round_10_set_9_totals_and_applications():
    """Round 10, set 9's totals missed and applications (real sentences of data/gold/facts/heldout9), each named
    as the round-8 model named it."""
    # a kind listed last before 等 (信件办理等) is no letter count (铜梁商务委 104)
    assert _named("(一)主动公开。在重庆市铜梁区人民政府网区商务委小首页主动公开2022年印发的规范性文件及解读材料、项目资金使用"
                  "情况、生活必需品价格运行情况分析、信件办理等政府信息共104条。", ["active_total"]) == [("active_total", 104)]
    # the only total: items sent up are no second figure, a listed 政策解读 no reading count (黑城子 60)
    assert _named("(一)主动公开情况\n2025年,累计向市政府网站报送政务信息18条,通过镇官方微信公众号、短视频平台、村级公示栏等载体"
                  "发布政策解读、惠民举措、防汛抗旱、安全生产等民生类信息60余条。", [None, None]) == [("active_total", 60)]
    # an unnamed figure over two channels split by channel after 其中 (六盘水应急 1057)
    assert _named("(一)主动公开\n2024年,市应急局通过局门户网站和微信公众号共公开与单位及行业领域相关的安全生产、防灾减灾救灾等各类"
                  "非涉密信息1057条,其中局门户网站公开信息633条,涉及机关简介。局微信公众号(凉都应急管理)公开信息424条。",
                  [None, "active_channel", "active_channel"]) == [
        ("active_total", 1057), ("active_channel", 633), ("active_channel", 424)]
    # 接受办理 is received (judgement 50, 辽宁 623); 申请政府信息公开 speaks of applications under another heading (延安人防)
    assert _named("(二)依申请公开方面。全年共接受办理政府信息公开申请623件。", ["requests_received"]) == [
        ("requests_received", 623)]
    assert _named("(一)深化重点领域信息主动公开。2021年,我办未收到申请政府信息公开事项,未发生针对本单位有关政府信息公开事务的"
                  "行政复议、诉讼和申诉案件。", ["requests_received", "review_total"]) == [
        ("requests_received", 0), ("review_total", 0)]
    # an old count of information under the 依申请 heading with no verb and no result after it is none (rule 24;
    # 罗联 0, 周家桥 2); an application that happened is received (set 3's 和平 1)
    assert _named("(二)政府信息依申请公开方面。\n2022年我乡依申请公开政府信息数0条。", ["requests_received"]) == []
    assert _named("(二)依申请公开方面\n依申请公开2条,免于公开信息0条。", ["requests_received", None]) == []
    assert _named("(二)依申请公开情况\n2020年度和平街道发生依申请公开1次。", ["requests_received"]) == [("requests_received", 1)]


def test_structure_round_9_set_8_and_dev9_classes():
    """Round 9 (set 8's classes and dev9's, real sentences of data/gold/facts/heldout8 and dev9), each
    named as the round-8 model named it: where the words place a figure (guide rule 4's decision)."""
    # a platform heading the sentence places its 共计 figure: beside another channel, a channel
    assert _named("2024年,路南街道在政务公开政府网站上发布主动公开政府信息共68条。在新媒体微信公众号“福地路南”上,更新160次,"
                  "共计公开378条。", ["active_total", None, "active_total"]) == [("active_channel", 68), ("active_channel", 378)]
    lone = "2023年,我乡主要通过平武县木座藏族乡人民政府网站集约化管理平台,主动公开政府信息共计32条。"
    assert _named(lone + "同时,及时通过乡村公示栏向社会公布了我乡阶段性工作的进展和完成情况。", ["active_total"]) == [
        ("active_channel", 32)]
    assert _named(lone, ["active_total"]) == [("active_total", 32)]  # the passage's only figure, nothing else named
    # two accounts listed without the website, beside the website's own figure: no figure over all
    assert _named("2024年度,区医保局通过政府门户网站主动公开各类政府信息共计81条。通过官方微信公众号、视频号“宝山医保”发布"
                  "医保政策、医保动态、医保知识等文章(视频),共计287条。", ["active_total", "active_total"]) == [
        ("active_channel", 81), ("active_channel", 287)]
    # a list placed before the figure is the total, also below a channel's own figure (set 6 南关)
    assert _named("本年度通过政府网站、政府信息公开平台,主动公开各类政府信息273条。2024年我街道运用街道公众号发布转发最新政策"
                  "信息和热点动态302条。", ["active_total", "active_channel"]) == [("active_total", 273), ("active_channel", 302)]
    # over two channels split by channel in the next sentence's 其中, or closed by 等载体
    assert _named("全年通过甘肃林业和草原局门户网站和政务新媒体主动发布各类政府信息8000余条。其中:通过门户网站公开6500余条,"
                  "较上年增长20%;", ["active_total", "active_total"]) == [("active_total", 8000), ("active_channel", 6500)]
    assert _named("通过中共乐山市委乐山市人民政府网站、四川省气象局集约化平台等载体主动公开政府信息93条,其中,在中共乐山市委乐山市"
                  "人民政府网站主动公开信息44条,在四川省气象局集约化平台公开信息45条,在省级以上媒体发稿4篇。",
                  ["active_total", "active_total", None, None]) == [
        ("active_total", 93), ("active_channel", 44), ("active_channel", 45)]
    assert _named("全年在网站和微信平台公布信息202条,其中网站公布194条,微信公众号公布4条,人大代表建议2条,政协提案2条;",
                  ["active_channel", "active_channel", "active_channel", None, None]) == [
        ("active_total", 202), ("active_channel", 194), ("active_channel", 4)]
    assert _named("其中,街道官方微信发布信息782条,信息公开网发布政务动态信息67条。", ["active_channel", None]) == [
        ("active_channel", 782), ("active_channel", 67)]
    # 项 of information is the total; 行政许可事项 in 项 is none
    assert _named("我乡积极向公众披露政府机构架构、职责范围、公告通知等442项信息内容。", ["active_total"]) == [("active_total", 442)]
    assert _named("公示行政许可事项177项。", ["active_total"]) == []
    # totals: a listed kind named 建议提案 is no proposal count; read by its words under the 依申请 heading
    assert _named("2023年,在高平市人民政府门户网站政府信息公开专栏发布公开涉及部门工作、政策文件、人大建议提案、下属公共企事业"
                  "单位公开事项清单等方面信息126条。", ["active_total"]) == [("active_total", 126)]
    assert _named("2、依申请公开情况。\n2025年发布政府信息127条,其中:日常工作动态124条,乡镇信息主动公开1条。",
                  ["active_total", None, None]) == [("active_total", 127)]
    # applications: the year's one count by its one way or its applicants is received (guide rules 23, 47)
    assert _named("截至2022年12月31日,我局共收到政府信息公开网络申请14件,其中“不属于本机关信息”8件,“信息不存在”1件,其余5件"
                  "予以答复。", ["requests_received", None, None, "requests_handled"]) == [("requests_received", 14)]
    assert _named("今年以来,收到居民书面信息公开申请2例,其中涉及教育、文化、体育信息1例,涉及财政信息1例。",
                  ["requests_received", None, None]) == [("requests_received", 2)]
    assert _named("2023年,中心收到自然人提交的信息公开申请共6件,其中网上申请1件,信函申请2件,当面申请3件。",
                  ["requests_received", None, None, None]) == [("requests_received", 6)]
    assert _named("2023年度共受理政府信息依申请公开3件,3件依申请公开申请人均为自然人,已按照《条例》要求及时予以答复。",
                  ["requests_received", "requests_natural_person"]) == [("requests_received", 3)]
    # pending cases, reasons' counts under one kind's word, absences stated once, 无收到
    assert _named("本年度因政府信息公开申请行政复议0件,尚未审结行政复议0件和提起行政诉讼0件,尚未审结行政诉讼0件。",
                  ["review_reconsideration", "review_reconsideration", "review_litigation", "review_litigation"]) == [
        ("review_reconsideration", 0), ("review_litigation", 0)]
    assert _named("2023年度依申请公开数为12件,已答复12件,其中4件申请的内容予以公开,1件因四类过程信息不予公开,5件因本机关不掌握"
                  "相关政府信息而不予公开。", ["requests_received", "requests_handled", "requests_granted", "requests_denied",
                                           "requests_denied"]) == [
        ("requests_received", 12), ("requests_handled", 12), ("requests_granted", 4)]
    assert _named("其中1件因涉及第三方合法权益不予公开。", ["requests_denied"]) == [("requests_denied", 1)]  # one stays the kind
    assert _named("2023年县档案局未收到政府信息公开申请,无依申请公开情况。", ["requests_received", "requests_received"]) == [
        ("requests_received", 0)]
    assert _named("2020年我镇无收到和处理政府信息公开申请情况。", [None]) == [("requests_received", 0)]
    # a 复议 count the model left unnamed right after its kind, beside a named case count (sets 5, 6, 8)
    assert _named("2024年发生因政府信息公开引起的行政复议2件和复议后提起行政诉讼1件。", [None, "review_litigation"]) == [
        ("review_reconsideration", 2), ("review_litigation", 1)]


def test_structure_round_7_set_6_classes_and_the_one_guide():
    """Round 7 (set 6's classes, docs/facts_guide.md): a platform's figure beside another channel
    named carrying items is a channel; absences by the noun they govern; applications by their verb."""
    # guide rules 4-5: the 公众号 carried items too, with no figure: the website's figure is a channel
    assert _named("通过门户网站主动公开信息74条。同时通过微信公众号发布工作动态。", ["active_total"]) == [
        ("active_channel", 74)]
    assert _named("通过门户网站主动公开信息74条。", ["active_total"]) == [("active_total", 74)]
    # a general statement of how channels are run names no second channel
    assert _named("通过门户网站主动公开信息74条。加强政务新媒体信息发布日常监测。", ["active_total"]) == [
        ("active_total", 74)]
    # absences: an outcome is no count of cases; old-style counts of information are none
    assert _named("未发生被行政复议纠错或败诉情况。", ["review_reconsideration"]) == []
    assert _named("主动公开政府信息21条,依申请公开0件。", ["active_total", "requests_received"]) == [
        ("active_total", 21)]
    # applications: 转办件 none, 结转件 carried in, 办理 over 办结 beside a count carried over, 宗
    assert _named("办理市人民政府办公室转办件1件。", ["requests_handled"]) == []
    assert _named("办理2021年结转件4件。", ["requests_handled"]) == [("requests_carried_in", 4)]
    assert _named("全年共办理政府信息公开申请74件,办结71件,剩余3件结转下一年度处理。",
                  ["requests_handled", "requests_handled", "requests_carried_over"]) == [
        ("requests_handled", 74), ("requests_carried_over", 3)]
    assert _named("全年办理政府信息公开申请96宗。", ["requests_handled"]) == [("requests_handled", 96)]
    assert _named("通过信函方式受理依申请公开1件。", ["requests_received"]) == [("requests_received", 1)]
    assert _named("依据《条例》予以答复办结4件。", ["requests_handled"]) == [("requests_handled", 4)]
    # guide rule 16: a reason's count alone is no 无法提供 total
    assert _named("予以公开2件,本机关不掌握相关信息9件。", ["requests_granted", "requests_unable"]) == [
        ("requests_granted", 2)]


def test_structure_round_8_set_7_classes():
    """Round 8 (set 7's classes, real sentences of data/gold/facts/heldout7, development since i12o),
    each named as the round-7 model named it."""
    # a platform's figure or the total (guide rule 4b): over two channels, split by channel after 其中
    assert _named("2025年全年,我办共通过门户网站及政务新媒体方式主动公开907条,其中通过政府网站公开86条,微信公众号公开821条。",
                  ["active_total", "active_channel", "active_channel"]) == [
        ("active_total", 907), ("active_channel", 86), ("active_channel", 821)]
    # one platform named in an aside beside other channels' figures is a channel, 共 or not (guide rule 5);
    # the other ways together printed zero are a channel group (rule 32)
    assert _named("2018年度我乡共主动公开政府信息(公文平台发文)113条,政府网站公开信息数71条,政务微信公开数63条。",
                  ["active_total", "active_channel", "active_channel"]) == [
        ("active_channel", 113), ("active_channel", 71), ("active_channel", 63)]
    assert _named("共主动公开政府信息(含转载)113条。", ["active_total"]) == [("active_total", 113)]
    assert _named("门户网站发布信息12条,其它方式发布 0条。", ["active_channel", None]) == [
        ("active_channel", 12), ("active_channel", 0)]
    # totals missed: information made is none, its 主动公开 part the total
    assert _named("(一)主动公开情况\n2023年,市政府及政府办共制作政府信息总数398条,其中主动公开政府信息159条,作为依申请公开信息数102条,"
                  "不予公开信息数137条。", ["active_total", "active_total", None, "requests_denied"]) == [
        ("active_total", 159)]
    # the passage's only total, the model naming none: beside a message, over counts of other things,
    # under the 主动公开 heading without 信息, 截至…累计 naming its year (guide rule 36)
    assert _named("本年度,区教育局累计主动公开政府信息120条,回应网友留言27条。", [None, None]) == [("active_total", 120)]
    assert _named("全年通过县政府门户网站公开省市县重大战略部署、“双一号工程”及26个重点领域等方面信息7965 条,"
                  "归集整理并主动公开各类规划8个,多形式公开县政府常务会议13次。", [None] * 4) == [("active_total", 7965)]
    assert _named("(一)主动公开情况\n以政府信息公开平台为依托,全面公开组织机构、政策61条。", [None]) == [("active_total", 61)]
    assert _named("(一)主动公开情况\n动态更新重庆市铜梁区稳经济措施50余条,将231个咨询事项纳入政策问答库。", [None, None]) == []
    assert _named("截至目前,已完成2024年度主动公开类政府信息网上发布工作累计总量达19条,历年公开信息累计总量达880条。",
                  ["active_total", None]) == [("active_total", 19)]
    assert _named("截至2024年底,累计主动公开政府信息880条。", ["active_total"]) == []
    # an absence of both 复议 and 诉讼 is review_total 0 (guide rules 19, 29): without 行政, 零…零…,
    # a text the store cut mid-word
    assert _named("全年无信息公开举报、复议和诉讼等情形。", [None]) == [("review_total", 0)]
    assert _named("全年实现答复“零复议、零诉讼”。", [None]) == [("review_total", 0)]
    assert _named("全年未发生因政府信息公开引起的行政复议和行政诉", ["review_reconsideration"]) == [("review_total", 0)]
    assert _named("未发生因政府信息公开工作引发举报、投诉、申请行政复议或提起行政", ["review_reconsideration"]) == [
        ("review_total", 0)]
    assert _named("全年因政府信息公开引起的行政复议0件。", ["review_reconsideration"]) == [("review_reconsideration", 0)]
    # applications received / handled: ways closed by 等渠道 are all; 办结 beside the carried over
    # is handled (guide rule 14), not after a way's count (rule 30)
    assert _named("本年度,通过县政府门户网站、邮递信函、政务电子邮箱、当面申请等渠道收到政府信息公开申请26件,结转上年度申请0件。",
                  ["requests_received", "requests_carried_in"]) == [("requests_received", 26), ("requests_carried_in", 0)]
    assert _named("(二)依申请公开情况\n2024年,区政府办公室新受理政府信息公开申请103件,上年结转5件,已办结106件,"
                  "结转到2025年继续办理2件。", ["requests_received", "requests_carried_in", None, "requests_carried_over"]) == [
        ("requests_received", 103), ("requests_carried_in", 5), ("requests_handled", 106), ("requests_carried_over", 2)]
    # (the real sentence: another way's count after it; with one way alone it is the year's count, guide rule 47)
    assert _named("(二)依申请公开情况\n2024年,全县受理线上信息公开申请65件,依法办结62件,结转下年度办理3件,"
                  "受理线下信息公开申请9件,已全部依法办结。", ["requests_received", None, "requests_carried_over", None]) == [
        ("requests_carried_over", 3)]
    assert _named("(二)依申请公开情况\n2024年,全县受理线上信息公开申请65件,依法办结62件,结转下年度办理3件。",
                  [None, "requests_handled", "requests_carried_over"]) == [("requests_carried_over", 3)]
    assert _named("(二)依申请公开情况\n2023年共收到政府信息公开申请共16件,其中信函申请14件,网络申请2件,办结13件,"
                  "结转下年度办理3件。", ["requests_received", None, None, "requests_handled", "requests_carried_over"]) == [
        ("requests_received", 16), ("requests_handled", 13), ("requests_carried_over", 3)]
    assert _named("通过“桐梓县人民政府网”微博、微信公众号全年分别累计发布信息337条、757条。",
                  ["active_channel", "active_total"]) == [("active_channel", 337), ("active_channel", 757)]
    assert _named("共收到政府信息公开申请41件(含上年度结转3件)。", ["requests_received", None]) == [
        ("requests_received", 41), ("requests_carried_in", 3)]
    assert _named("全年答复申请4件,未答复1件,属于三类内部事务信息。", ["requests_handled", "requests_handled"]) == [
        ("requests_handled", 4)]
    # single facts: a fee's absence 未因…收取; items sent up are no channel, an 电子屏 is one; a catalogue's
    # indexed information is the total; a 其中 list going on past its semicolon
    assert _named("未因信息公开收取公民、法人和其他组织等任何费用。", [None]) == [("processing_fees", 0)]
    assert _named("主动公开信息19条,其中向政府网站推送35条。利用电子屏发布信息108条。",
                  ["active_total", "active_channel", None]) == [("active_total", 19), ("active_channel", 108)]
    assert _named("2024年,依托区政府门户网站向社会主动公开编制索引目录的政府信息18条、政策解读2篇。", [None, None]) == [
        ("active_total", 18)]
    assert _named("2022年,区政府网站发布各类主动公开信息805条,其中涉及公示公告等重点领域信息654条;"
                  "涉及决策公开、管理公开等五公开信息147条;", ["active_total", None, "active_total"]) == [("active_total", 805)]


def test_structure_round_8_dev8_absences_and_verbs():
    """dev8's real sentences (development since its arrival): 未发布…规范性文件 and 没有…收费 are
    absences; 发送 discloses (团结乡政府门户网站共发送9条信息: the passage's only total)."""
    assert _named("本年度未发布行政规范性文件。", [None]) == [("normative_issued", 0)]
    assert _named("2020年度,我乡没有政府信息公开的收费及减免事项。", [None]) == [("processing_fees", 0)]
    assert _named("202012月31日,团结乡政府门户网站共发送9条信息。", [None]) == [("active_total", 9)]


def test_structure_section_headings_rule_out_names():
    text = "（一）主动公开政府信息情况\n本年度公开信息12条。\n（二）依申请公开情况\n共收到申请3件，发布信息5条。"
    assert _named(text, ["requests_received", "requests_received", "active_total"]) == [("requests_received", 3)]
    assert [s for _, s in facts.sentence_sections("（二）依申请公开。2024年未收到申请。")] == ["requests", "requests"]


def test_structure_one_channel_is_the_total_only_alone():
    web = "通过政府网站主动公开信息780条。"
    assert _named(web, ["active_total"]) == [("active_total", 780)]
    # beside another channel and no overall figure: both are channels
    assert _named(web + "通过微信公众号发布信息214条。", ["active_total", "active_channel"]) == [
        ("active_channel", 780), ("active_channel", 214)]
    # an overall figure beside them: it stays the total; a figure over many channels is the total
    assert _named("全年主动公开信息382条，包括政府网站35条，微信公众号80条。", ["active_total", "active_channel", "active_channel"]
                  ) == [("active_total", 382), ("active_channel", 35), ("active_channel", 80)]
    assert _named("通过部门网站、报刊杂志、新媒体等方式发布政府信息1200余条。", ["active_channel"]) == [("active_total", 1200)]
    # the parts of one channel after 其中 are no channel of their own
    assert _named(web + "官方微博共发布微博120条，其中原创微博11条，转发微博109条。",
                  ["active_total", "active_channel", "active_channel", "active_channel"]) == [
        ("active_channel", 780), ("active_channel", 120)]
    # complaints are not disclosures
    assert _named("收到微博投诉12条。", ["active_channel"]) == []


def test_structure_stock_clause_verbs_and_applicants():
    # a cumulative stock beside the year's figure is not the year's total
    assert _named("通过目录系统累计主动公开政府信息4002条。2019年新增主动公开政府信息362条。",
                  ["active_total", "active_total"]) == [("active_total", 362)]
    # 截至 … 累计 is a stock, even alone; under a 复议/诉讼 heading no application figure stands
    assert _named("截至2019年底，累计主动公开政府信息64627条。", ["active_total"]) == []
    assert _named("（四）行政复议、行政诉讼情况\n收到申诉案0件，行政诉讼案0件。", ["requests_received", "review_litigation"]) == [
        ("review_litigation", 0)]
    # the clause verb names a normative-document figure
    assert _named("制发行政规范性文件2件，废止行政规范性文件10件，现行有效件数14件。", ["normative_issued"] * 3) == [
        ("normative_issued", 2), ("normative_repealed", 10), ("normative_in_force", 14)]
    # an absence that names one kind of applicant is that kind's
    assert _named("未收到法人或者其他组织对依申请公开政府信息的申请。", ["requests_received"]) == [("requests_legal_person", 0)]
    assert _named("未收到任何公民、法人和其他组织提出的申请。", ["requests_received"]) == [("requests_received", 0)]
    # a name whose words the sentence lacks goes: cases on a platform, letters to a mayor's box
    assert _named("在“两法衔接”平台公示案件3件。", ["review_litigation"]) == []
    assert _named("“县长信箱”共受理有效信件3件，已办结3件。", ["requests_received", "requests_handled"]) == []


def test_structure_absences_by_their_object_and_parts_of_one_case_kind():
    # the words after an absence name it, whatever the model said, and name it when the model did not
    assert _named("全年无信息公开收费的事项，也无因信息公开导致行政复议以及行政诉讼的情况。", ["requests_received", None]) == [
        ("processing_fees", 0), ("review_total", 0)]
    assert _named("未印发行政规范性文件，未发生网络舆情事件。", [None, None]) == [("normative_issued", 0)]
    # the parts of one kind of case after 其中 are no cases of their own; a total's parts are
    assert _named("被申请行政复议3件，其中1件被撤销，2件正在审理中。", ["review_reconsideration", "review_total", None]) == [
        ("review_reconsideration", 3)]
    assert _named("行政复议和行政诉讼共3件，其中行政复议2件，行政诉讼1件。",
                  ["review_total", "review_reconsideration", "review_litigation"]) == [
        ("review_total", 3), ("review_reconsideration", 2), ("review_litigation", 1)]


def test_structure_application_ways_press_items_and_granted_partial():
    # how applications came is no fact; an absence that names a way is still the absence
    assert _named("收到申请4件，2件为网络申请，2件为信件申请。", ["requests_received", "requests_received", None]) == [
        ("requests_received", 4)]
    assert _named("全年共收到依申请公开14件（其中信件申请10件，网络申请4件）。", ["requests_received", None, None]) == [
        ("requests_received", 14)]
    assert _named("未接到书面方式申请的政府信息公开申请。", ["requests_received"]) == [("requests_received", 0)]
    # press items are no disclosure, unless a channel of the office publishes them
    assert _named("共在各级各类新闻媒体刊发稿件1592篇。", ["active_total"]) == []
    assert _named("平度政务网发布信息107条。在“平安平度”微信公众号发布稿件605篇。", ["active_channel"] * 2) == [
        ("active_channel", 107), ("active_channel", 605)]
    # the only figure of active disclosure is the total, whatever channel it names; its kinds,
    # in a sentence that opens with 其中, are none; a table's row pasted into the text is no prose
    assert _named("通过政府网站主动公开信息73条。其中统计数据12条，工作动态21条。", ["active_channel"] * 3) == [
        ("active_total", 73)]
    assert _named("3次 | 2次 | 21条 | 400余条 |", ["requests_handled"] * 4) == []
    # 公开或部分公开 is granted and partly granted together, whatever the verb
    assert _named("共依申请办理公开或部分公开政府信息13件。", ["requests_handled"]) == [("requests_granted_partial", 13)]
    # a channel's parts in other channels are channels; a total's kinds after 其中 are none
    assert _named("通过政务新媒体公开政府信息2808条，其中今日头条1118条，门户网站1014条。", ["active_channel"] * 3) == [
        ("active_channel", 2808), ("active_channel", 1118), ("active_channel", 1014)]
    assert _named("主动公开政府信息579条，其中重要活动类信息126条、监察执法类信息29条。",
                  ["active_total", "active_channel", "active_total"]) == [("active_total", 579)]


def test_quantity_rules_round_4_absences_units_and_wrapped_lines():
    q = lambda t: [(x.text(t), x.value) for x in facts.quantities(t)]  # noqa: E731
    for t, z in (("我乡没有依申请公开的政府信息", "没有"), ("无行政规范性文件出台及更新情况", "无"),
                 ("不存在有关政府信息公开行政复议和行政诉讼情况", "不存在"), ("我镇政府信息公开没有收费", "没有收费"),
                 ("无上年度结转", "无")):
        assert q(t) == [(z, 0)], t
    assert q("共受理依申请政府信息公开事项29例") == [("29例", 29)] and q("无一例") == []
    # a page's wrapped line runs on; a heading or a short line does not
    text = "主动公开目录。加大规范性文件主动公开,全年制发规范性文件\n0 件,废止 0 件,现行有效 1 件。\n(三)政府信息管理\n认真落实审核制度。"
    assert facts.unwrap(text) == ("主动公开目录。加大规范性文件主动公开,全年制发规范性文件0 件,废止 0 件,现行有效 1 件。\n"
                                  "(三)政府信息管理\n认真落实审核制度。")


def test_structure_round_4_absences_applicants_and_results():
    # the absence's own words and the phrase after a comma name it
    assert _named("无因政府信息产生行政复议,提起行政诉讼情况发生。", ["review_reconsideration"]) == [("review_total", 0)]
    assert _named("无行政复议、无提起行政诉讼情况。", ["review_total", "review_total"]) == [
        ("review_reconsideration", 0), ("review_litigation", 0)]
    assert _named("我镇政府信息公开没有收费。", [None]) == [("processing_fees", 0)]
    assert _named("本年度,未接到群众要求公开的信息。", [None]) == [("requests_received", 0)]
    assert _named("无上年度结转。", ["requests_carried_over"]) == [("requests_carried_in", 0)]
    assert _named("全年未发生因依申请公开办理不当引发的投诉举报情况。", ["requests_handled"]) == []
    # 群众 and 公民 alone name no kind of applicant in an absence; 自然人 does; a count names its applicant
    assert _named("没有接到群众主动要求公开政府信息的申请。", ["requests_received"]) == [("requests_received", 0)]
    assert _named("未收到公民依申请信息公开事项。", ["requests_received"]) == [("requests_received", 0)]
    assert _named("共收到2个自然人的政府信息公开申请。", ["requests_received"]) == [("requests_received", 2)]  # guide rule 23
    assert _named("共收到自然人申请2件。", ["requests_natural_person"]) == [("requests_received", 2)]
    assert _named("共收到申请5件，其中自然人申请4件。", ["requests_received", "requests_natural_person"]) == [
        ("requests_received", 5), ("requests_natural_person", 4)]
    assert _named("公民个人提出申请1030件。", ["requests_received"]) == [("requests_natural_person", 1030)]
    assert _named("共受理36件政府信息公开申请(均为自然人提交)。", ["requests_received"]) == [("requests_received", 36)]
    assert _named("在办结的5件申请中,申请撤销1件。", ["requests_handled", "requests_commercial"]) == [("requests_handled", 5)]
    # received vs handled by the verb; a result named after its count; documents sent out are none
    assert _named("全市各级各部门办理政府信息公开申请651件,均在法定期限内予以办结。", ["requests_received"]) == [
        ("requests_handled", 651)]
    assert _named("其中2件公开,1件经与申请者沟通同意对答复内容不予公开。", ["requests_granted", "requests_handled"]) == [
        ("requests_granted", 2), ("requests_denied", 1)]
    assert _named("收到申请1件,出具《政府信息公开申请答复书》1份。", ["requests_received", "requests_received"]) == [
        ("requests_received", 1)]
    assert _named("通过网络收到申请25件,通过来信收到申请件4件。", ["requests_received"] * 2) == []
    # stocks over the years; the verb of a normative figure is its own phrase's
    assert _named("历年以来主动公开信息数453条。", ["active_total"]) == []
    assert _named("及时废止不一致的文件,2023年度新发布的行政规范性文件4件。", ["normative_repealed"]) == [("normative_issued", 4)]


def test_structure_round_4_channels_kinds_and_the_only_total():
    # a figure over several channels below another channel's is no total
    assert _named("网站全年发布信息共971条。通过报刊、微信公众号等媒体公开信息344条。", ["active_channel"] * 2) == [
        ("active_channel", 971), ("active_channel", 344)]
    # kinds after 其中, and a list of kinds under one channel, are none (the channel still counts as stated)
    assert _named("网站发布信息共971条,其中工作动态68条、专题专栏36条。", [None, "active_channel", "active_channel"]) == [
        ("active_total", 971)]
    assert _named("通过门户网站公开行政处罚信息47条,行政许可信息1143条,通知公告信息46条。通过微信公众号发布报道247篇。",
                  ["active_channel", None, None, "active_total"]) == [("active_channel", 247)]
    # 头条新闻 is a kind, not 今日头条; 官网 and 平台 name channels; a total's parts naming channels are channels
    assert facts.channel_kinds("头条新闻") == set() and facts.channel_kinds("局官网") == {"web"}
    assert _named("全年主动公开政府信息165条,其中通过“悦读嵩明”平台发布59条,通过县政府网站公开106条。",
                  ["active_total", None, "active_channel"]) == [
        ("active_total", 165), ("active_channel", 59), ("active_channel", 106)]
    assert _named("主动公开信息497条,其中网站发布新闻类165条,教育通知类39条。", ["active_total", None, None]) == [
        ("active_total", 497)]
    # corrections are no disclosures; the passage's only disclosing figure is its total
    assert _named("修正重复信息342条,错别字79条。", ["active_channel", "active_channel"]) == []
    assert _named("(一)主动公开情况。全年在云南省政府采购网公开信息7条。\n(二)依申请公开情况。共受理申请1件。",
                  [None, "requests_received"]) == [("active_total", 7), ("requests_received", 1)]
    assert _named("政务类信息34条,概况类信息150条。", [None, None]) == []


def test_quantity_rules_round_3_absences_and_words():
    q = lambda t: [(x.text(t), x.value) for x in facts.quantities(t)]  # noqa: E731
    assert q("认真对待每一件申请") == [] and q("无法提供行政复议决定书") == []
    for t, z in (("无结转2024年继续办理件", "无"), ("本年度无针对政府信息公开事务的行政诉讼", "无"),
                 ("未存在政府信息公开收费及减免情况", "未存在"), ("未对公众依申请公开政府信息收取任何费用", "未对"),
                 ("未被申请行政复议", "未被申请")):
        assert q(t) == [(z, 0)], t
    # a clause that is only the quantity reads the clause before it
    t = "通过区政府门户网站公开镇财政信息，1条；"
    assert [t[a:b] for a, b in segments(t, quantities(t))] == ["通过区政府门户网站公开镇财政信息，1条"]


def test_extract_path_does_not_import_spacy_until_a_narrative_is_read():
    code = ("import sys; import pipeline.extract, pipeline.cli, pipeline.batch; "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_shipped_pipeline_is_a_spacy_directory():
    from pipeline.factmodel import MODEL_DIR, load
    assert (MODEL_DIR / "config.cfg").is_file()
    nlp = load()
    assert nlp.pipe_names == ["nianbao_quantities", "facts"] and nlp.lang == "zh"
    assert load() is nlp  # once per process
    doc = nlp("本年度共收到政府信息公开申请12件。")
    assert [s.text for s in doc.spans["quantities"]] == ["12件"]
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))["nianbao"]
    eval_docs = {p.stem for p in FACT_GOLD.glob("*.json")
                 if json.loads(p.read_text(encoding="utf-8"))["split"] == "eval"}
    assert not set(meta["sources"]["real_train_documents"]) & eval_docs  # held-out documents never trained on


def test_shanghai_page_contradictions_are_reported():
    from pipeline.extract import extract_file
    r = extract_file(REAL / "shanghai__2019_bgt.page.html")
    bad = {c.rule: c.detail for c in r.checks if c.rule.startswith("stated_") and not c.ok}
    assert "stated_requests_granted_partial" in bad
    assert "258" in bad["stated_requests_granted_partial"] and "275" in bad["stated_requests_granted_partial"]
    assert "stated_requests_unable" in bad and "337" in bad["stated_requests_unable"]
    obj = r.as_dict()
    f = next(f for f in obj["facts"] if f["name"] == "requests_granted_partial")
    assert f["value"] == 258 and f["text"][f["span"][0]:f["span"][1]] == "258件"
    assert f["fields"] == ["requests.granted.total", "requests.partial.total"]


@pytest.mark.parametrize("path", ["kiro__hzq2023_working.pdf", "pingtan__2025_zfxxgknb_105587.page.txt",
                                  "pingtan__2022_zfxxgknb_80629.page.txt", "govnianbao__szfgs2024.pdf"])
def test_consistent_reports_raise_no_contradiction(path):
    from pipeline.extract import extract_file
    r = extract_file(REAL / path)
    stated = [c for c in r.checks if c.rule.startswith("stated_")]
    assert stated and all(c.ok for c in stated), [c.detail for c in stated if not c.ok]


def test_fact_scores_count_a_multiset():
    from pipeline.scoring import fact_scores
    s = fact_scores([([("a", 1), ("a", 1), ("b", 2)], [("a", 1), ("b", 3), ("c", 0)])])
    assert (s["tp"], s["fp"], s["fn"]) == (1, 2, 2)
    assert s["precision"] == round(1 / 3, 4) and s["recall"] == round(1 / 3, 4)


def test_batch_writes_facts_parquet(tmp_path):
    import pandas as pd
    from pipeline.batch import FACTS_PARQUET, RESULTS, export
    from pipeline.extract import extract_file
    with open(tmp_path / RESULTS, "w", encoding="utf-8") as fh:
        for p in (REAL / "shanghai__2019_bgt.page.html", SEEDS / "001_d3e5d558e99d2690.txt"):
            fh.write(json.dumps(extract_file(p).as_dict(), ensure_ascii=False) + "\n")
    export(tmp_path)
    df = pd.read_parquet(tmp_path / FACTS_PARQUET)
    row = df[(df["name"] == "requests_granted_partial")].iloc[0]
    assert row["value"] == 258 and not row["check_ok"] and "275" in row["table"]
    assert set(df["source"].str.rsplit("/", n=1).str[-1]) == {"shanghai__2019_bgt.page.html", "001_d3e5d558e99d2690.txt"}


@pytest.mark.slow
def test_train_facts_small(tmp_path):
    from pipeline.factmodel import classifier
    from training.facts import train
    card = train(tmp_path / "m", seeds=20, epochs=2, evaluate_heldout=False)
    assert (tmp_path / "m" / "config.cfg").is_file() and card["sources"]["generated_reports"] == 20
    named = classifier(str(tmp_path / "m"))(["本年度共收到政府信息公开申请12件。"])
    assert len(named) == 1
    # What train writes, the numpy engine reads: the same names and scores on every training sentence.
    assert card["numpy_engine"]["differing"] == 0 and card["numpy_engine"]["sentences"] > 100
    from pipeline import factnet
    assert factnet.classifier(str(tmp_path / "m"))(["本年度共收到政府信息公开申请12件。"]) == named


# --- excerpts (sets 1, 2, 3, dev3 and dev4: development data), the card, retraining --

# The excerpt splits, one table (pipeline.factsplits): development data and the held-out set,
# whose folder comes with its annotator's branch (absent or empty until then).
DEV_SPLITS = factsplits.DEVELOPMENT_EXCERPT_SPLITS
HELD_OUT_SPLITS = factsplits.HELD_OUT_EXCERPT_SPLITS
PRESENT_SPLITS = [s for s in factsplits.FACT_EXCERPT_SPLITS if list((FACT_GOLD / s).glob("*.json"))]
# Agencies of the bundled real reports (seeds, text PDFs, 平潭 dumps, 上海 page): no excerpt's.
BUNDLED_AGENCIES = ("平潭", "上海市人民政府办公厅", "洪泽区", "淮安市人民政府", "临河区医疗保障局",
                    "镇海区医疗保障局", "椒江区医疗保障局", "惠济区医疗保障局", "临渭区卫生健康局")


@pytest.mark.parametrize("split", PRESENT_SPLITS)
def test_excerpt_fact_gold_is_well_formed(split):
    """Every excerpt names its page, holds its text, and each gold fact sits in it."""
    files = sorted((FACT_GOLD / split).glob("*.json"))
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    assert len(files) >= 10 and sum(len(g["facts"]) for g in gold) >= 40
    assert len({g["agency"] for g in gold}) >= 10
    for p, g in zip(files, gold):
        assert g["split"] == split and g["source"].startswith("http"), p.name
        for f in g["facts"]:
            assert f["name"] in facts.FACT_NAMES, (p.name, f)
            assert f["context"] in g["text"] and f["quantity"] in f["context"], (p.name, f)


def _sentence_of(text, context):
    """The sentence of ``text`` holding ``context`` (a bundled report's file has no text)."""
    import re
    at = text.find(context) if text else -1
    if at < 0:
        return context
    starts = [m.end() for m in re.finditer(r"[。；;!?！？\n]", text[:at])]
    end = re.search(r"[。；;!?！？\n]", text[at + len(context):])
    return text[(starts[-1] if starts else 0): at + len(context) + (end.start() if end else len(text))]


def test_development_gold_follows_the_one_guide():
    """docs/facts_guide.md, the rules a reading of the words can check: a result count is named
    by its kind's word, not a reason's (16: 本机关不掌握…N件 alone is no `requests_unable`); the
    year's count of applications naming its applicants is received (23); `截至…累计` is a stock
    (10; 36: not when its year is named); the guide is linked from docs/facts_heldout.md and every folder's README."""
    import re
    folders = [FACT_GOLD / s for s in DEV_SPLITS if (FACT_GOLD / s).is_dir()]
    files = [p for d in folders for p in sorted(d.glob("*.json"))] + sorted(FACT_GOLD.glob("*.json"))
    assert len(files) >= 397  # 381 excerpts of ten folders, 16 bundled reports
    for p in files:
        g = json.loads(p.read_text(encoding="utf-8"))
        for f in g["facts"]:
            sent = _sentence_of(g.get("text") or "", f["context"])
            if f["name"] == "requests_unable":
                assert "无法提供" in sent, (p.name, f["context"])
            if f["name"] == "requests_natural_person":
                assert not re.search(r"收到|受理|接到", f["context"]), (p.name, f["context"])
            if f["name"].startswith("active_"):
                lead = sent[: sent.find(f["quantity"], sent.find(f["context"]))]
                since = re.split(r"截至|截止|到\d{4}年底", lead)
                between = since[-1] if len(since) > 1 else ""
                stock = ("累计" in between and not re.search(r"\d\s*[条件篇个次]", between)
                         and not re.search(r"年累计|年度累计|\d{4}年度", between))  # 36: its year named
                assert not stock, (p.name, f["context"])
    guide = ROOT / "docs" / "facts_guide.md"
    assert "facts_guide.md" in (ROOT / "docs" / "facts_heldout.md").read_text(encoding="utf-8")
    assert all("facts_guide.md" in (d / "README.md").read_text(encoding="utf-8") for d in folders)
    assert "**changed**" in guide.read_text(encoding="utf-8")


def test_lone_platform_decision_against_the_gold():
    """docs/facts_guide.md rule 4's one decision on a lone platform's figure, checked against every
    development set's gold by scripts/facts_lone_platform.py: the guide's table is what it gives now,
    and the decision names at least 97% of the lone-platform gold facts as the gold does."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("lone", ROOT / "scripts" / "facts_lone_platform.py")
    lone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lone)
    guide = (ROOT / "docs" / "facts_guide.md").read_text(encoding="utf-8")
    total = [0, 0]
    # the newest development set arrives from its annotator during a round: until then its folder is absent
    present = [s for s in DEV_SPLITS if (FACT_GOLD / s).is_dir()]
    assert len(present) >= len(DEV_SPLITS) - 1 and set(DEV_SPLITS[:-1]) <= set(present)
    for split in present:
        n, agree, differ = lone.check(split)
        assert n >= 10 and n - agree == len(differ), split
        what = {s: w for s, w, _, _ in factsplits.EXCERPT_SPLITS}[split]
        label = split if split.startswith("dev") else f"{split} ({what})"
        assert f"| {label} | {n} | {agree} | {len(differ)} |" in guide, (split, n, agree)
        total = [total[0] + n, total[1] + agree]
    assert f"| all | {total[0]} | {total[1]} | {total[0] - total[1]} |" in guide
    # 0.97 through set 9; set 10 brought 7 disagreements of 72 (621 of 643, 0.966); round 11 (branch i12u)
    # reads a figure split by channel after it as a list (rule 4b), the same figure restated on the same
    # platform as no other figure (rule 4c) and 其它载体 / 其他公开途径 as another channel (rule 5): 0.97 again
    assert total[1] >= 0.97 * total[0]


def test_structure_round_11_ways_named_before_their_verb_carry_items():
    """Set 10's 白云街 (guide rule 5): a clause naming the ways (充分利用…门户网站、…微信公众号、社区宣传栏…等信息公开窗口)
    whose verb is the next clause's (向社会公众发布各类信息) names channels carrying the year's items: the
    website's figure is a channel (the start of round 11 read the total); a way named with no disclosing
    verb after it carries nothing."""
    figure = "2022年白云街政府网站公开政府信息84条,其中组织机构类信息4条;年度报告信息5条;财政预决算信息14条;动态类信息61条。\n"
    ways = ("(四)政府信息公开平台建设方面\n充分利用12345政务服务便民热线、越秀区门户网站、“白云e家通”微信公众号、社区宣传栏、"
            "碧道服务驿站、政务公开专窗等信息公开窗口,")
    names = ["active_total"] + [None] * 4
    assert _named(figure + ways + "向社会公众发布各类信息,并组织开展疫情防控、消防安全等宣传活动。", names) == [("active_channel", 84)]
    assert _named(figure + ways + "并组织开展疫情防控、消防安全等宣传活动。", names) == [("active_total", 84)]


def test_structure_round_11_a_column_opened_on_another_channel_carries_items():
    """Set 5's 如皋 220 and 深圳医保 1471 (guide rule 5: `在微信公众号开设…专栏,加大信息公开` makes a second channel):
    a column opened on the 公众号 names it as carrying items, the website's figure is a channel (the start of
    round 11 read both the total); a column opened on the website itself leaves its figure the total."""
    rugao = ("2024年全年在门户网站发布热点信息等220余条。二是加强信息公开载体建设。优化栏目设置,在微信公众号“如皋市监工委”开设"
             "“防风险保安全”“皋光小店展示系列”等特色专题专栏,加大信息公开和宣传推广力度。")
    assert _named(rugao, ["active_total"]) == [("active_channel", 220)]
    shenzhen = ("在“深圳医保”微信公众号开设专栏投票选热点,进行“量体裁衣”式精准普法宣传。\n"
                "通过局官网公开政府信息1471条,其中工作动态类173条,概况类853条,法定主动公开专栏类445条。")
    assert _named(shenzhen, ["active_total", None, None, None]) == [("active_channel", 1471)]
    assert _named("通过局官网公开政府信息1471条。在局官网开设“政务公开”“互动交流”等栏目。", ["active_total"]) == [
        ("active_total", 1471)]


def test_quantities_round_11_fees_waived_are_no_fee_charged():
    """Sets 9 and 10 (汤村 不收取任何费用, 巍山 暂免收费, 汉中林业 暂时免费…提供; dev8 盐津, set 3 and dev4 the same words):
    a fee waived is ``processing_fees`` 0, a stated absence (the start of round 11 read none); the office's own
    spending (未产生…有关的费用支出) is no fee."""
    for text in ("依申请公开政府信息不收取任何费用。", "根据上级统一部署,我镇对申请公开政府信息暂免收费。", "目前暂时免费向社会公众提供政府信息。"):
        assert _named(text, [None]) == [("processing_fees", 0)], text
    yanjin = ("办公所需费用全部在财政拨付的行政办公经费中列支。未产生与诉讼(行政复议、行政申诉)有关的费用支出。"
              "对公民、法人和其他组织的申请暂不收取任何费用。")
    got = facts.extract_facts(yanjin, lambda sents: [[] for _ in sents])
    assert [(f.name, f.value, f.text[f.span[0]:f.span[0] + 3]) for f in got] == [("processing_fees", 0, "不收取")]


def test_quantities_round_11_no_applications_in_other_words():
    """Sets 9, 10 and 5 (苍溪 未涉及到要求政府信息公开的申请, 贵溪 全年无申请公开信息事项, 蚌埠镇 我镇2016年度无申请): a stated
    absence of applications, ``requests_received`` 0 when the model names it so or the words do (the start of
    round 11 found no quantity in them); 无 before other words stays none."""
    assert _named("我局未涉及到要求政府信息公开的申请。", [None]) == [("requests_received", 0)]
    assert _named("全年无申请公开信息事项。", [None]) == [("requests_received", 0)]
    assert _named("我镇2016年度无申请。", ["requests_received"]) == [("requests_received", 0)]
    assert _named("全年无申请人撤回申请的情况。", ["requests_received"]) == []


def test_structure_round_11_an_app_in_lower_case_is_a_channel():
    """Set 10's 开平交通: `通过“看开平”app发布信息动态共73条` is a new-media channel like APP, and the website's 443 beside
    it a channel too (rule 5; the start of round 11 dropped the 73 and read 443 the total)."""
    text = ("2025年,通过政府门户网站主动公开政务信息443条,其中工作动态189条,公示公开105条,通知公告10条,党务公开7条,部门预决算9条,"
            "其他123条;通过“看开平”app发布信息动态共73条。")
    assert _named(text, ["active_total"] + [None] * 6 + ["active_channel"]) == [("active_channel", 443), ("active_channel", 73)]


def test_structure_round_11_a_list_of_accounts_beside_the_website_is_no_total():
    """Set 10's 三门峡文旅 (and set 5's 弥勒文旅): guide rule 4b, `a list without the website beside the website's own
    figure is no figure over all`, also when the list is the figure's own phrase closed by 等…平台 (the start of
    round 11 read 964 the total); alone, such a list stays the total."""
    text = ("全年局网站主动公开党建、人事、财务等信息334条;微信公众号发布信息816,“三门峡文旅”视频号、抖音、B站、小红书等网络官方平台"
            "推送视频964条。")
    assert _named(text, ["active_channel", "active_total"]) == [("active_channel", 334), ("active_channel", 964)]
    alone = "“三门峡文旅”视频号、抖音、B站、小红书等网络官方平台推送视频964条。"
    assert _named(alone, ["active_total"]) == [("active_total", 964)]


def test_structure_round_11_a_list_of_ways_closed_by_deng_is_the_total():
    """Set 10's 大寨 (guide rule 4b: a list closed by 等方式 is over all): `通过宣传栏、村“两委”会议等方式公开…96条` is the
    total though only the board is a channel kind (the start of round 11 read a channel); one board's figure
    beside a 公众号's stays a channel (rule 5)."""
    text = ("2021年大寨乡人民政府通过宣传栏、村“两委”会议等方式公开乡村振兴战略政策、产业发展、疫情防控政策等各类政府信息96条。\n"
            "(三)政府信息管理。大寨乡政务服务与公开主要是通过QQ、微信群进行。")
    assert _named(text, ["active_total"]) == [("active_total", 96)]
    assert _named("通过宣传栏公开政府信息96条。同时通过微信公众号发布信息20条。", ["active_total", "active_channel"]) == [
        ("active_channel", 96), ("active_channel", 20)]


def test_structure_round_11_a_kinds_sum_after_qizhong_is_no_total():
    """dev11's 木塔 (guide rule 8: the kinds after 其中 are none): `…合计35条` summing some kinds in the 其中 list under
    the website's 731 is no total, and the website's lone figure is (rule 4c; the start of round 11 read 35 the total)."""
    text = ("2024年我乡通过政府网站累计发布各类信息731条,点击量达97269次。其中:基层政务公开“两化”领域343条,决策公开、政策解读、"
            "回应关切、监督保障合计35条。")
    assert _named(text, ["active_channel", None, None, "active_total"]) == [("active_total", 731)]


def test_structure_round_11_a_channel_named_after_its_figure():
    """dev11's 衢州邮政 (rule 5): `其中369条通过政府网站公开,28条通过政务微信公开` are the total's parts by channel, the
    channel named after the figure (the start of round 11 dropped both as kinds); a kind after 其中 stays none."""
    text = "2017年度衢州市邮政管理局主动公开政府信息总数397条,其中369条通过政府网站公开,28条通过政务微信公开。"
    assert _named(text, ["active_total", "active_channel", "active_channel"]) == [
        ("active_total", 397), ("active_channel", 369), ("active_channel", 28)]
    kinds = "2017年度主动公开政府信息总数397条,其中369条为工作动态,28条为通知公告。"
    assert _named(kinds, ["active_total", "active_channel", "active_channel"]) == [("active_total", 397)]


def test_structure_round_11_items_passed_on_through_two_platforms():
    """Set 2's 西关 (rule 5): `主要通过…门户网站和“元在西关”微信公众号两大平台,及时向公众传递各类动态信息` names the website as
    carrying items (the way named before its verb, 传递 a verb of putting out): the 公众号's 240 is a channel (the
    start of round 11 read the total)."""
    ways = "主要通过莲湖区政府门户网站和“元在西关”微信公众号两大平台,及时向公众传递各类动态信息。"
    figure = "同时,“元在西关”微信公众号也充分发挥作用,全年共推送信息240条,以更便捷、更亲民的方式,让辖区居民能及时了解街道的工作进展。"
    assert _named(ways + figure, ["active_total"]) == [("active_channel", 240)]
    assert _named(figure, ["active_total"]) == [("active_total", 240)]


def test_structure_round_11_other_ways_named_make_the_platform_a_channel():
    """Set 10's 桐乡交通 (guide rule 5): a report saying its figure is the website's only, the items of its
    other ways (其它载体、渠道, 其他公开途径) not counted, names another channel carrying items: the website's
    figure is a channel, not the total (the start of round 11 read the total)."""
    text = ("以下数据专指在桐乡市政府信息公开网站上公开的信息,其它载体、渠道公开的信息不计入。 本局2014年通过桐乡市政府信息公开网"
            "主动公开政府信息92条,其中:政策文件类7条、报告统计1条、行政审批类21条、工作信息类58条、公共服务类2条、人事信息类3条。"
            "同时还灵活运用其他公开途径。")
    assert _named(text, ["active_total"] + [None] * 6) == [("active_channel", 92)]
    # no other way named: the lone platform's figure stays the total (rule 4c)
    alone = text.split("同时")[0].split("不计入。")[1].replace("其中:", "其中").split(",其中")[0] + "。"
    assert _named(alone, ["active_total"]) == [("active_total", 92)]


def test_excerpt_sets_are_apart_and_the_held_out_set_is_never_trained_on():
    from itertools import combinations
    from pipeline import cli
    from pipeline.scoring import FACT_EXCERPT_SPLITS, HELD_OUT_EXCERPT_SPLITS, read_fact_gold
    from training import facts as tf
    sets = [read_fact_gold(FACT_GOLD, sp) for sp in DEV_SPLITS]
    held = {k: g for sp in HELD_OUT_SPLITS for k, g in read_fact_gold(FACT_GOLD, sp).items()}  # its branch brings it
    splits = json.loads((ROOT / "data" / "gold" / "splits.json").read_text(encoding="utf-8"))["facts"]
    for a, b in combinations(sets + [held], 2):
        assert not set(a) & set(b)
        assert not {g["source"] for g in a.values()} & {g["source"] for g in b.values()}
        assert not {g["agency"] for g in a.values()} & {g["agency"] for g in b.values()}
    assert not [g["agency"] for s in sets for g in s.values() if any(b in g["agency"] for b in BUNDLED_AGENCIES)]
    # sets 4-10 are development data now (each one held-out figure kept), set 11 the held-out split
    assert set(splits["development_excerpts"]) == set().union(*sets) and set(splits["held_out"]) == set(held)
    assert all(splits["held_out"][k].startswith("set 11: ") for k in held)
    for split, mark, figure in (("heldout4", "set 4: ", ""), ("heldout5", "set 5: ", "P 0.9314 / R 0.7762"),
                                ("heldout6", "set 6: ", "P 0.875 / R 0.8264"),
                                ("heldout7", "set 7: ", "P 0.9179 / R 0.8606"),
                                ("heldout8", "set 8: ", "P 0.9111 / R 0.8542"),
                                ("heldout9", "set 9: ", "P 0.8952 / R 0.8507"),
                                ("heldout10", "set 10: ", "P 0.8934 / R 0.8502")):
        notes = [splits["development_excerpts"][k] for k in sets[DEV_SPLITS.index(split)]]
        assert notes and all(n.startswith(mark) and figure in n for n in notes), split
    assert "heldout11" in splits["held_out_about"]
    # one table: every list of splits is derived from it
    assert HELD_OUT_EXCERPT_SPLITS == ("heldout11",) and set(FACT_EXCERPT_SPLITS) == set(DEV_SPLITS) | {"heldout11"}
    assert {"heldout7", "dev8", "heldout8", "dev9", "heldout9", "dev10", "heldout10"} <= set(DEV_SPLITS)
    assert cli.FACT_SPLITS == ("eval", "train", *FACT_EXCERPT_SPLITS, "all")
    assert tf.TRAIN_EXCERPTS == DEV_SPLITS and set(tf.LENIENT_EXCERPTS) < set(FACT_EXCERPT_SPLITS)
    leave_out = next(a for a in cli.build_parser()._subparsers._group_actions[0].choices["train"]._actions
                     if a.dest == "leave_out")
    assert tuple(leave_out.choices) == DEV_SPLITS
    # training reads the development sets and refuses the held-out one; the report splits never hold an excerpt
    with pytest.raises(ValueError, match="never trained on"):
        tf.excerpt_sentences("heldout11")
    assert not set(read_fact_gold(FACT_GOLD)) & set().union(*sets, held)


def test_held_out_split_absent_is_scored_as_nothing_with_a_warning(tmp_path, capsys):
    """Until its annotator's branch is merged the held-out folder is absent: evaluate says so."""
    from pipeline.cli import main
    assert main(["evaluate", "--facts", "--gold", str(tmp_path), "--split", "heldout11", "--json"]) == 0
    captured = capsys.readouterr()
    r = json.loads(captured.out)
    assert r["documents"] == 0 and r["gold_facts"] == 0 and "heldout11" in r["warnings"][0]
    assert "warning: no fact gold of split 'heldout11'" in captured.err


def test_heldout11_split_is_scored_from_its_folder(tmp_path, capsys):
    """The lead scores set 11 with `--split heldout11` (files written on another branch)."""
    from pipeline.cli import main
    (tmp_path / "heldout11").mkdir()
    text = "本年度共收到政府信息公开申请12件。"
    (tmp_path / "heldout11" / "x.json").write_text(json.dumps({
        "source": "http://example.invalid/x", "agency": "某局", "split": "heldout11", "text": text,
        "facts": [{"name": "requests_received", "value": 12, "unit": "件", "quantity": "12件", "context": text}]},
        ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", "--facts", "--gold", str(tmp_path), "--split", "heldout11", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["split"] == "heldout11" and r["documents"] == 1 and r["gold_facts"] == 1


@pytest.mark.parametrize("split,min_facts,min_agencies", [("heldout3", 100, 25), ("heldout4", 150, 40),
                                                        ("heldout5", 150, 40), ("heldout6", 120, 35),
                                                        ("heldout7", 140, 40)])
def test_held_out_gold_states_its_units_and_absences(split, min_facts, min_agencies):
    """Sets 3, 4, 5 and 6 keep the printed unit (例, 个, 次, 篇 too): it sits in the quantity; a fact
    without a unit is a stated absence (value 0). Spread over many agencies, years and fact names."""
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FACT_GOLD / split).glob("*.json"))]
    facts_ = [f for g in gold for f in g["facts"]]
    assert len(facts_) >= min_facts and len({g["agency"] for g in gold}) >= min_agencies
    assert len({f["name"] for f in facts_}) >= 15 and any(g["year"] and g["year"] < 2019 for g in gold)
    for f in facts_:
        assert isinstance(f["value"], (int, float)) and f["value"] >= 0, f
        assert f["unit"] in f["quantity"] if f["unit"] else f["value"] == 0, f


def test_evaluate_facts_excerpt_split_scores_excerpt_text(tmp_path, capsys):
    from pipeline.cli import main
    (tmp_path / "heldout2").mkdir()
    text = "本年度共收到政府信息公开申请12件，其中自然人申请10件。召开新闻发布会3次。"
    (tmp_path / "heldout2" / "x.json").write_text(json.dumps({
        "source": "http://example.invalid/x", "agency": "某局", "split": "heldout2", "text": text,
        "facts": [{"name": "requests_received", "value": 12, "unit": "件", "quantity": "12件", "context": text},
                  {"name": "requests_natural_person", "value": 10, "unit": "件", "quantity": "10件", "context": text}]},
        ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", "--facts", "--gold", str(tmp_path), "--split", "heldout2", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["split"] == "heldout2" and r["documents"] == 1 and r["gold_facts"] == 2
    assert (r["regex"]["tp"], r["regex"]["fp"], r["regex"]["fn"]) == (2, 0, 0)  # stated_requests, stated_natural_person
    assert r["docs"][0]["source"] == "http://example.invalid/x" and r["docs"][0]["contradictions"] == []


def test_quantity_rules_count_set_1_units_and_absences():
    q = lambda t: [(x.value, x.unit) for x in facts.quantities(t)]  # noqa: E731
    assert q("共收到8份政府信息公开申请") == [(8, "份")] and q("信息公开类行政复议1起") == [(1, "起")]
    assert q("本年度共收到依申请公开17条") == [(17, "条")] and q("我们一起努力") == []
    for t in ("2022年我无依申请公开事项", "无下年度结转", "我单位未出台规范性文件",
              "未向公民、法人和其他组织收取任何与政府信息公开工作相关的费用"):
        assert q(t) == [(0, None)], t


def _figures(block):
    return {k: block[k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")}


def _row(name, block):
    return f"| {name} | {block['precision']} | {block['recall']} | {block['f1']} | {block['tp']} | {block['fp']} | {block['fn']} |"


# The round whose figures docs/facts_heldout.md records for the shipped model and rules.
RECORDED_ROUND = "round 11"


def _recorded_label(split: str) -> str:
    """A split's row label in docs/facts_heldout.md: "set 4, round 8", "dev7, round 8"."""
    what = {s: w for s, w, _, _ in factsplits.EXCERPT_SPLITS}[split]
    return f"{split if split.startswith('dev') else what}, {RECORDED_ROUND}"


@pytest.mark.parametrize("split", [s for s in PRESENT_SPLITS if s in DEV_SPLITS])
def test_excerpt_figures_are_the_recorded_ones(split):
    """docs/facts_heldout.md (quoted in the README) is what the shipped model gives now."""
    label = _recorded_label(split)
    from pipeline.evaluate import evaluate_facts
    r = evaluate_facts(FACT_GOLD, split=split)
    assert r["documents"] == len(list((FACT_GOLD / split).glob("*.json")))
    assert r["model"]["f1"] > r["regex"]["f1"]
    recorded = (ROOT / "docs" / "facts_heldout.md").read_text(encoding="utf-8")
    for name, block in ((f"spaCy facts pipeline ({label})", r["model"]), (f"regexes ({label})", r["regex"])):
        assert _row(name, block) in recorded, _row(name, block)


def test_shipped_card_figures_are_what_evaluate_gives_now():
    """The card's figures were written by `nianbao train --facts` and still hold."""
    from pipeline.evaluate import evaluate_facts
    card = json.loads((ROOT / "models" / "facts" / "meta.json").read_text(encoding="utf-8"))["nianbao"]
    assert card["command"].startswith("nianbao train --facts")
    inputs = [p for p in sorted(REAL.glob("*")) if ".scan." not in p.name and p.suffix in (".txt", ".html", ".pdf")]
    r = evaluate_facts(FACT_GOLD, inputs, split="eval")
    ev = card["evaluation"]
    assert ev["split"] == "eval" and (ev["documents"], ev["gold_facts"]) == (r["documents"], r["gold_facts"])
    assert _figures(ev["model"]) == _figures(r["model"]) and _figures(ev["regex"]) == _figures(r["regex"])
    # the bar on the development reports
    assert r["documents"] == 8 and r["gold_facts"] >= 50
    assert r["model"]["precision"] >= 0.95 and r["model"]["recall"] >= 0.90, r["model"]
    assert r["model"]["f1"] > r["regex"]["f1"]
    assert r["model_on_regex_names"]["f1"] >= r["regex_on_regex_names"]["f1"]


@pytest.mark.slow
def test_train_facts_command_writes_a_card_that_scores(tmp_path, capsys):
    """`nianbao train --facts` (small): the run writes the pipeline and a card whose
    figures are what `evaluate --facts` gives for it on the development gold."""
    from pipeline.cli import main
    from pipeline.evaluate import evaluate_facts
    from pipeline.factmodel import load
    out = tmp_path / "m"
    assert main(["train", "--facts", "--facts-seeds", "3", "--facts-epochs", "2", "--out", str(out)]) == 0
    card = json.loads((out / "meta.json").read_text(encoding="utf-8"))["nianbao"]
    assert card["command"] == f"nianbao train --facts --facts-seeds 3 --facts-epochs 2 --out {out}"
    assert card["sources"]["generated_reports"] == 3 and card["epochs"] == 2
    assert load(str(out)).pipe_names == ["nianbao_quantities", "facts"]
    inputs = [p for p in sorted(REAL.glob("*")) if ".scan." not in p.name and p.suffix in (".txt", ".html", ".pdf")]
    r = evaluate_facts(FACT_GOLD, inputs, split="eval", model_path=str(out))
    assert card["evaluation"]["documents"] == r["documents"] == 8
    assert _figures(card["evaluation"]["model"]) == _figures(r["model"])


def test_rescore_rewrites_the_card_eval_figures_only(tmp_path, capsys):
    """`nianbao train --facts --rescore --out DIR`: the card's eval figures are re-run with the
    checkout's rules, the weights are not touched."""
    import shutil
    from pipeline.cli import main
    out = tmp_path / "m"
    shutil.copytree(ROOT / "models" / "facts", out)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    meta["nianbao"]["evaluation"]["model"]["tp"] = -1  # stale figures
    (out / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    weights = (out / "facts" / "model").read_bytes()
    assert main(["train", "--facts", "--rescore", "--out", str(out)]) == 0
    card = json.loads((out / "meta.json").read_text(encoding="utf-8"))["nianbao"]
    shipped = json.loads((ROOT / "models" / "facts" / "meta.json").read_text(encoding="utf-8"))["nianbao"]
    assert card["evaluation"]["model"] == shipped["evaluation"]["model"] and card["rescored"]["command"].endswith(str(out))
    assert (out / "facts" / "model").read_bytes() == weights

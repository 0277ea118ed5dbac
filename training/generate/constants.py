"""Named constants of the generator: probabilities, page geometry, fonts, printed wording, number
weights, text banks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone


LAYOUTS = ("grid", "hlines", "borderless")          # table ruling styles
TEXT_STYLES = ("pipe", "tabs", "cell_per_line", "html")
INCONSISTENCIES = ("row_total", "balance", "result_sum", "review_total")

P_FORMAT_2019 = 0.25            # share of reports in the older format
P_SINGLE_OTHER_2021 = 0.2       # 2021-format reports printing （六）其他处理 as one row
P_WEB_META = 0.3                # web-page metadata before the title
P_NO_REQUESTS = 0.35            # reports that received no request at all

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
PDF_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)  # fixed: PDFs are byte-identical per seed
ASCENT = 0.86                    # baseline offset as a fraction of the font size
SCAN_DPI = 150
STAMP_RED = (215, 35, 40)

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy")


@dataclass(frozen=True)
class FontSpec:
    """One face of a font collection; ``cff`` faces are converted to TrueType before embedding."""
    file: str
    index: int
    cff: bool


FONTS = {
    "noto_sans": FontSpec("NotoSansCJK-Regular.ttc", 2, True),
    "noto_sans_bold": FontSpec("NotoSansCJK-Bold.ttc", 2, True),
    "noto_serif": FontSpec("NotoSerifCJK-Regular.ttc", 2, True),
    "noto_serif_bold": FontSpec("NotoSerifCJK-Bold.ttc", 2, True),
    "wqy": FontSpec("wqy-zenhei.ttc", 0, False),
}
BODY_FONTS = ("noto_serif", "noto_sans", "wqy")
HEADING_FONTS = ("noto_sans_bold", "noto_serif_bold", "wqy", "noto_sans")

# --- printed wording that the template shortens -------------------------------------------------

PRINTED_SUFFIX = {
    "partial": "（区分处理的，只计这一情形，不计其他情形）",
    "other_no_correction": "、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "、行政机关不再处理其政府信息公开申请",
}
RESULTS_GROUP = "三、本年度办理结果"
REQUESTS_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = "申请人情况"
ORGS = "法人或其他组织"
LITIGATION = "行政诉讼"
INFO_CONTENT = "信息内容"
ARTICLE_OF_ROW = {"rules": "一", "normative": "一", "licensing": "五", "other_services": "五",
                  "penalty": "六", "coercion": "六", "fees": "八", "procurement": "九"}
SECTION_TITLES = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                  "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
CN_NUM = "〇一二三四五六七八九十"

# --- number generation ---------------------------------------------------------------------------

REQUEST_COL_WEIGHTS = {"natural_person": 0.86, "commercial": 0.07, "research": 0.005,
                       "social_org": 0.01, "legal_service": 0.03, "other": 0.025}
RESULT_WEIGHTS = {
    "granted": 0.40, "partial": 0.08, "denied_state_secret": 0.003, "denied_law": 0.01,
    "denied_security": 0.005, "denied_third_party": 0.01, "denied_internal": 0.02,
    "denied_process": 0.03, "denied_enforcement": 0.01, "denied_query": 0.02,
    "unable_not_held": 0.20, "unable_create": 0.03, "unable_unclear": 0.03,
    "rejected_petition": 0.05, "rejected_duplicate": 0.04, "rejected_publication": 0.01,
    "rejected_excessive": 0.01, "rejected_confirm": 0.01,
    "other_no_correction": 0.03, "other_no_fee": 0.003, "other_other": 0.03}
REVIEW_P_NONZERO = {"reconsideration": 0.25, "litigation_direct": 0.12, "litigation_after": 0.08}
REVIEW_WEIGHTS = {"upheld": 0.55, "corrected": 0.12, "other": 0.18, "pending": 0.15}

# --- text banks ------------------------------------------------------------------------------------

PROVINCES = ("河北省", "山西省", "辽宁省", "吉林省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
             "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省",
             "陕西省", "甘肃省", "青海省", "内蒙古自治区", "广西壮族自治区", "宁夏回族自治区",
             "新疆维吾尔自治区", "黑龙江省")
PLACE_FIRST = "东西南北中新安平永长龙临青白金宝清河兴华泰德昌阳江丰广富嘉云章宁海鹤乐双"
PLACE_SECOND = "阳江山城州湖宁溪源川平安丰泉德海原林水谷陵都定远台口浦"
BODIES = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局",
          "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
          "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电旅游体育局",
          "卫生健康委员会", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
          "统计局", "医疗保障局", "林业局", "城市管理综合行政执法局", "行政审批服务局", "数据资源管理局",
          "信访局", "人民防空办公室", "乡村振兴局", "粮食和物资储备局", "民族宗教事务局", "体育局")
DUAL_NAMES = (("农业农村局", "乡村振兴局"), ("人民政府办公室", "人民政府外事办公室"),
              ("自然资源和规划局", "林业局"), ("民政局", "老龄工作委员会办公室"))
ZONES = ("经济技术开发区管理委员会", "高新技术产业开发区管理委员会", "综合保税区管理委员会",
         "新区管理委员会")
WE_BY_SUFFIX = (("委员会", "我委"), ("办公室", "我办"), ("街道办事处", "我街道"), ("人民政府", "本机关"),
                ("局", "我局"))
PLATFORMS = ("政府门户网站", "政府信息公开专栏", "政务新媒体", "微信公众号", "政务服务网", "政府公报")
ACTIVE_TOPICS = ("机构职能、政策文件、规划计划、财政预决算、人事信息", "通知公告、计划总结、人事任免、部门预决算",
                 "重点领域信息、政策解读、工作动态", "行政许可、行政处罚、“双随机、一公开”抽查结果",
                 "社会救助、医疗卫生、教育就业等民生领域信息")
GOVERNANCE = (
    "严格落实政府信息公开属性源头认定机制，规范公文公开属性标注，做到应公开尽公开。",
    "严格执行信息发布“三审三校”制度，确保公开信息表述规范、内容准确，全年无失泄密事件发生。",
    "对现行有效的规范性文件进行全面清理，及时更新政策文件库，方便群众查询。",
    "明确由办公室负责政府信息公开的日常工作，各科室确定一名信息员，形成分工明确、协同配合的工作格局。",
    "持续做好政府信息公开目录的动态调整，及时删除过时信息，保证信息准确有效。",
)
PLATFORM_TEXT = (
    "充分发挥政府门户网站第一平台作用，优化栏目设置，提升信息检索和浏览体验。",
    "加强政务新媒体管理，严把信息发布审核关，做到内容准确、更新及时。",
    "依托政务服务大厅、公告栏等线下渠道，方便不便上网的群众获取政府信息。",
    "规范政府信息公开专栏建设，按照统一标准调整完善公开目录，提高公开的规范化水平。",
)
SUPERVISION = (
    "成立由主要负责同志任组长的政务公开工作领导小组，定期研究部署政务公开工作。",
    "将政务公开工作纳入年度目标考核，强化日常督查，对发现的问题及时整改到位。",
    "组织开展政务公开业务培训，提升工作人员的业务能力和保密意识。",
    "本年度未发生因政府信息公开工作引发的责任追究情况。",
    "主动接受社会监督，畅通意见建议渠道，及时回应群众关切。",
)
PROBLEMS = (
    "政策解读的形式还不够丰富，图解、视频等解读方式运用较少",
    "信息公开的及时性有待进一步提高，部分栏目更新不够及时",
    "工作人员业务水平有待提升，对《条例》的理解还不够深入",
    "主动公开的深度和广度还不够，重点领域信息公开还需加强",
    "依申请公开办理经验不足，答复文书的规范性还需提高",
)
IMPROVEMENTS = (
    "加强业务培训，组织工作人员深入学习《中华人民共和国政府信息公开条例》，提升业务能力",
    "完善信息发布审核机制，压实各科室责任，确保信息公开及时、准确",
    "丰富政策解读形式，多运用图表图解、音视频等方式，增强解读效果",
    "规范依申请公开办理流程，严格按照法定时限和程序答复，提高办理质量",
    "加大重点领域信息公开力度，及时回应社会关切",
)
OTHER_MATTERS = (
    "本年度未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）规定，{year}年度本机关未收取信息处理费。",
    "无其他需要报告的事项。",
    "本机关{year}年度未发出收费通知，未收取信息处理费，无其他需要报告的事项。",
)
META_TOPICS = ("综合政务", "其他", "综合政务/政务公开", "医疗卫生", "城乡建设", "农业、林业、水利")
WEB_CRUMBS = ("首页 > 政务公开 > 政府信息公开年报", "当前位置：首页 > 信息公开 > 年度报告",
              "您当前的位置：首页 > 政府信息公开 > 政府信息公开年度报告")
PAGE_NUMBER_STYLES = ("— {n} —", "- {n} -", "第{n}页", "第 {n} 页 共 {total} 页", "{n}", "{n}/{total}")

"""Names, dates and the narrative sections."""
from __future__ import annotations

import random

from .constants import (ACTIVE_TOPICS, BODIES, CN_NUM, DUAL_NAMES, GOVERNANCE, IMPROVEMENTS, OTHER_MATTERS,
                        PLACE_FIRST, PLACE_SECOND, PLATFORMS, PLATFORM_TEXT, PROBLEMS, PROVINCES, SUPERVISION,
                        WE_BY_SUFFIX, ZONES)
from .numbers import _count


def _place(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def _agency(rng: random.Random) -> str:
    """A generated agency name, from a short county bureau to a long dual-named provincial one."""
    city, county = _place(rng) + "市", _place(rng) + rng.choice("县区")
    kind = rng.choices(("city", "county", "town", "street", "zone", "dual", "long"),
                       weights=(25, 35, 8, 6, 6, 10, 10))[0]
    body = rng.choice(BODIES)
    if kind == "city":
        return city + body
    if kind == "county":
        return (city if rng.random() < 0.4 else "") + county + body
    if kind == "town":
        return county + _place(rng) + rng.choice(("镇", "乡")) + "人民政府"
    if kind == "street":
        return county + _place(rng) + "街道办事处"
    if kind == "zone":
        return city + _place(rng) + rng.choice(ZONES)
    if kind == "dual":
        a, b = rng.choice(DUAL_NAMES)
        prefix = rng.choice((city, county))
        return f"{prefix}{a}（{prefix}{b}）"
    return rng.choice(PROVINCES) + city + county + body


def _we(agency: str) -> str:
    """How the agency refers to itself in its narrative."""
    for suffix, we in WE_BY_SUFFIX:
        if agency.endswith(suffix) or agency.endswith(suffix + "）"):
            return we
    return "本机关"


def _cn_number(n: int) -> str:
    """0..31 or a year in Chinese numerals as written on official documents (二〇二四, 十九)."""
    if n >= 1000:
        return "".join(CN_NUM[int(d)] for d in str(n))
    if n <= 10:
        return CN_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens]) + "十" + (CN_NUM[ones] if ones else "")


def _dates(rng: random.Random, year: int) -> dict:
    """Publication date in the forms the report prints it."""
    month = rng.choices((1, 2, 3), weights=(85, 10, 5))[0]
    day = rng.randint(5, 31) if month == 1 else rng.randint(1, 28)
    y = year + 1
    return {"iso": f"{y}-{month:02d}-{day:02d}", "cn": f"{y}年{month}月{day}日",
            "cn_numerals": f"{_cn_number(y)}年{_cn_number(month)}月{_cn_number(day)}日"}


def _n(value: int, spaced: bool) -> str:
    """A number inside narrative: ``12`` or `` 12 `` (seeds 003/004 space numbers)."""
    return f" {value} " if spaced else str(value)


def _narrative(rng: random.Random, ctx: dict, fields: dict) -> dict:
    """Paragraph texts of 一（一）…（五）, 五 and 六, and the counts they state."""
    year, we, sp = ctx["year"], ctx["we"], ctx["spaced_numbers"]
    y = f"{year} 年" if sp else f"{year}年"
    published = _count(rng, 0.0, 80, 1.0, 20000)
    stated: dict[str, int] = {"active_published": published}
    active = rng.choice((
        f"{y}，{we}坚持“以公开为常态、不公开为例外”原则，依托{rng.choice(PLATFORMS)}主动公开政府信息"
        f"{_n(published, sp)}条，内容涵盖{rng.choice(ACTIVE_TOPICS)}等。",
        f"全年共主动公开政府信息{_n(published, sp)}条，通过{rng.choice(PLATFORMS)}、"
        f"{rng.choice(PLATFORMS)}等渠道，及时、准确地公开了{rng.choice(ACTIVE_TOPICS)}等信息。",
        f"{y}，{we}按照《中华人民共和国政府信息公开条例》规定，主动公开信息共{_n(published, sp)}条。",
    ))
    new = fields["requests.new.total"]
    natural = fields["requests.new.natural_person"]
    stated["requests_new"] = new
    if new == 0 and fields["requests.carried_in.total"] == 0 and rng.random() < 0.5:
        requests = f"本年度{we}未收到政府信息公开申请，无上年结转申请。"
    else:
        requests = f"{y}，{we}共收到政府信息公开申请{_n(new, sp)}件"
        if new and rng.random() < 0.6:
            stated["requests_natural_person"] = natural
            requests += f"，其中自然人申请{_n(natural, sp)}件、法人或其他组织申请{_n(new - natural, sp)}件"
        carried = fields["requests.carried_in.total"]
        if carried:
            stated["requests_carried_in"] = carried
            requests += f"，上年结转{_n(carried, sp)}件"
        requests += "。"
        if new or carried:
            stated["requests_done"] = fields["requests.total.total"]
            requests += f"全年共办结{_n(fields['requests.total.total'], sp)}件，均在法定期限内答复。"
    recon = fields["review.reconsideration.total"]
    litig = fields["review.litigation_direct.total"] + fields["review.litigation_after.total"]
    if recon == 0 and litig == 0:
        requests += "全年未发生因政府信息公开引起的行政复议、行政诉讼情况。"
    else:
        stated.update(review_reconsideration=recon, review_litigation=litig)
        requests += f"发生政府信息公开行政复议{_n(recon, sp)}件、行政诉讼{_n(litig, sp)}件。"
    intro = rng.choice((
        f"{y}，{ctx['agency']}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以人民为中心，"
        "不断完善政府信息公开制度，加强平台建设，提升公开质效。",
        f"{y}，{we}认真贯彻落实上级关于政务公开工作的决策部署，明确分工、细化步骤、优化流程，"
        "积极推进政府信息公开工作。",
    ))
    pick = lambda bank, k: "".join(rng.sample(bank, k))  # noqa: E731
    problems = rng.sample(PROBLEMS, 2)
    fixes = rng.sample(IMPROVEMENTS, rng.choice((2, 3)))
    return {
        "intro": intro, "active": active, "requests": requests,
        "management": pick(GOVERNANCE, 2), "platform": pick(PLATFORM_TEXT, 2),
        "supervision": pick(SUPERVISION, 2),
        "problems": problems, "fixes": fixes,
        "other": rng.choice(OTHER_MATTERS).format(year=year),
        "stated": stated,
    }

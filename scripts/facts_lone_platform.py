"""The lone-platform decision of docs/facts_guide.md (rule 4, branch i12q) against every development set's gold.

For each gold ``active_*`` fact with a unit, its statement is read as rule 4 says (``facts._statement``);
a statement naming one platform and no list of channels is a *lone-platform fact*. The decision names it
``active_total`` when the gold lists no other active figure of the passage and the rules find no other
channel carrying items (``facts.carrying_channels``), else ``active_channel``; printed against the gold::

    PYTHONPATH=. python scripts/facts_lone_platform.py [SPLIT ...]
"""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from pipeline import facts as F
from pipeline.factsplits import DEVELOPMENT_EXCERPT_SPLITS

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold" / "facts"


def _nfkc(t: str) -> str:
    return unicodedata.normalize("NFKC", t)


def _locate(placed, context: str, quantity: str):
    """The placed sentence holding a gold fact's context, and the quantity rule's span of its quantity."""
    for sent, sec in placed:
        at = sent.find(context)
        if at >= 0:
            q = at + context.find(quantity)
            hits = [x for x in F.quantities(sent) if q - 1 <= x.start <= q + len(quantity)]
            if hits:
                return sent, sec, (hits[0].start, hits[0].end)
    return None


def lone_platform_name(fact: "F.Fact", others: int, carrying: set) -> str | None:
    """The decision's name for a gold fact placed by ``fact``, or None when its statement is no lone platform's."""
    st = F._statement(fact)
    own = F.channel_kinds(st) - F.GENERIC_CHANNELS
    listed = (F.LIST_CLOSE.search(st) or (len(F.raw_channel_kinds(st)) >= 2 and F.CHANNEL_LIST.search(st))
              or F.parts_by_channel_after(fact))  # split by channel after it (其中通过…网站发布114条): rule 4b
    if len(own) != 1 or listed or F.ALL_CHANNELS.search(st):
        return None  # no channel, or a list of channels: rules 4a, 4b
    return "active_total" if not others and not carrying - own else "active_channel"


def restated(fact: "F.Fact", other: dict, at: tuple) -> bool:
    """Whether the gold fact ``other`` (placed ``at``) restates ``fact``'s figure: the same value on the same
    platform (我镇在乐至县政府网站共计公开…121条 and 在乐至县政府网站公开目录公开信息共计121条): no other figure of the
    passage (rule 4c's "only figure"); the same value naming no channel or another one is (海珠 52)."""
    sent, sec, span = at
    if other["value"] != fact.value:
        return False
    kinds = F.channel_kinds(F._statement(F.Fact(other["name"], other["value"], other["unit"], sent, span, section=sec)))
    return bool(kinds) and kinds == F.channel_kinds(F._statement(fact))


def check(split: str) -> tuple[int, int, list[tuple]]:
    """(lone-platform gold facts, how many the decision names as the gold does, the others)."""
    lone, agree, differ = 0, 0, []
    for p in sorted((GOLD / split).glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        placed = F.sentence_sections(F.unwrap(_nfkc(g["text"])))
        carrying = F.carrying_channels(placed)
        active = [f for f in g["facts"] if f["name"].startswith("active_") and f["unit"]]
        where = [(f, _locate(placed, _nfkc(f["context"]), _nfkc(f["quantity"]))) for f in active]
        for f, loc in where:
            if loc is None:
                continue
            sent, sec, span = loc
            fact = F.Fact(f["name"], f["value"], f["unit"], sent, span, section=sec)
            others = sum(1 for h, at in where if h is not f and at and not restated(fact, h, at))
            name = lone_platform_name(fact, others, carrying)
            if name is None:
                continue
            lone += 1
            if name == f["name"]:
                agree += 1
            else:
                differ.append((p.stem, f["value"], f["name"], name))
    return lone, agree, differ


def main(splits) -> int:
    total = [0, 0]
    for s in splits:
        lone, agree, differ = check(s)
        total = [total[0] + lone, total[1] + agree]
        print(f"| {s} | {lone} | {agree} | {len(differ)} |", *(f"\n    {d}" for d in differ))
    print(f"| all | {total[0]} | {total[1]} | {total[0] - total[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEVELOPMENT_EXCERPT_SPLITS))

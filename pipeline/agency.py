"""Agency names: a printed name split into its region chain and its body, and the
canonical agency of a corpus (宁波市镇海区医疗保障局 and 镇海区医疗保障局 are one agency).

A name is read left to right as administrative regions (省, 市, 区, 县, 镇, …) and
then the body (人民政府, 医疗保障局, …).  Two names are one agency when their
innermost region and their body agree and one region chain ends the other; the
canonical name is the fullest chain seen.  Where the fullest chains disagree
(宁波市镇海区 and another 市's 镇海区) nothing is merged across them, and a short
name that fits both stays as printed.  A user alias table (CSV: ``alias,canonical``)
maps any other spelling first.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

# Suffixes of administrative regions, longest first (自治州 before 州).
REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "综合实验区", "经济技术开发区",
                   "高新技术产业开发区", "开发区", "新区", "省", "市", "州", "盟", "地区", "县", "旗",
                   "区", "镇", "乡", "街道")
MAX_REGION_CHARS = 14  # the longest region name a chain accepts, suffix included
MAX_REGIONS = 5
# Words that end like a region but are part of a body (城市管理局, 住房和城乡建设局, 市场监督管理局).
NOT_REGION_ENDINGS = ("城市", "城乡", "都市", "超市", "社区")
NOT_REGION_NEXT = ("场",)  # 市场…
# A region suffix that is also the last character of many place names (台州市, 通州区).
NAME_SUFFIXES = ("州",)
LEVEL_AFTER_NAME = ("市", "区", "县")
# Common short forms of bodies, as printed in page metadata and signatures.
BODY_ABBREVIATIONS = {
    "政府": "人民政府", "政府办公室": "人民政府办公室", "政府办": "人民政府办公室",
    "政府办公厅": "人民政府办公厅", "医保局": "医疗保障局", "卫健局": "卫生健康局",
    "卫健委": "卫生健康委员会", "人社局": "人力资源和社会保障局", "住建局": "住房和城乡建设局",
    "发改委": "发展和改革委员会", "发改局": "发展和改革局", "市监局": "市场监督管理局",
    "管委会": "管理委员会",
}
# Bodies that mean the region's own government: a region's report under its bare name is its government's.
GOVERNMENT_BODIES = ("", "人民政府", "管理委员会", "党工委管委会", "党工委管理委员会")
GOVERNMENT_KEY = "人民政府"
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class AgencyName:
    """A printed name read as regions + body (``body`` normalised, short forms expanded)."""
    printed: str
    regions: tuple[str, ...]
    body: str

    @property
    def key(self) -> tuple[str, str]:
        """What two names of one agency share: the innermost region and the body."""
        body = GOVERNMENT_KEY if self.body in GOVERNMENT_BODIES else self.body
        return (self.regions[-1] if self.regions else "", body)

    @property
    def full(self) -> str:
        return "".join(self.regions) + self.body


def clean_name(name: str) -> str:
    """NFKC, no spaces, and the first of a dual name (X局（X办）) only."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", name or ""))
    s = _BRACKETED.sub("", s)
    return s.replace("(", "（").replace(")", "）")


def _region_at(name: str, i: int) -> Optional[int]:
    """End of the region name starting at ``i``, or None when none starts there."""
    best = None
    for j in range(i + 2, min(len(name), i + MAX_REGION_CHARS) + 1):
        token = name[i:j]
        suffix = next((s for s in REGION_SUFFIXES if token.endswith(s) and len(token) > len(s)), None)
        if suffix is None or token.endswith(NOT_REGION_ENDINGS):
            continue
        if j < len(name) and name[j] in NOT_REGION_NEXT and token.endswith("市"):
            continue
        if token.endswith(NAME_SUFFIXES) and name[j:j + 1] in LEVEL_AFTER_NAME and \
                name[j + 1:j + 2] not in NOT_REGION_NEXT:
            continue  # 台州 + 市: the suffix is part of the name (not 通州 + 区场…)
        best = j
        break  # the shortest: 淮安市 before 淮安市洪泽区
    return best


def split_name(name: str) -> AgencyName:
    """Regions then body: 淮安市洪泽区人民政府 -> (淮安市, 洪泽区) + 人民政府."""
    s = clean_name(name)
    regions: list[str] = []
    i = 0
    while len(regions) < MAX_REGIONS:
        j = _region_at(s, i)
        if j is None:
            break
        regions.append(s[i:j])
        i = j
    body = s[i:]
    return AgencyName(name, tuple(regions), BODY_ABBREVIATIONS.get(body, body))


def read_aliases(path: str | Path | None) -> dict[str, str]:
    """A user alias table: CSV with columns ``alias,canonical`` (UTF-8, header row)."""
    if not path or not Path(path).is_file():
        return {}
    out = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            alias, canon = (row.get("alias") or "").strip(), (row.get("canonical") or "").strip()
            if alias and canon:
                out[clean_name(alias)] = canon
    return out


def canonical_names(names: Iterable[Optional[str]], aliases: Optional[dict[str, str]] = None) -> dict[str, str]:
    """Each printed name of a corpus -> its canonical agency name.

    Aliases apply first; then names sharing a key (innermost region, body) merge
    into the fullest region chain that ends every one of them.
    """
    aliases = aliases or {}
    printed = {n for n in names if n}
    parsed = {n: split_name(aliases.get(clean_name(n), n)) for n in printed}
    groups: dict[tuple, list[AgencyName]] = defaultdict(list)
    for a in parsed.values():
        groups[a.key].append(a)
    out: dict[str, str] = {}
    for n, a in parsed.items():
        if not a.regions:  # no region to anchor it: only an alias can merge it
            out[n] = a.full
            continue
        fits = {b.regions for b in groups[a.key] if b.regions[-len(a.regions):] == a.regions}
        fullest = [r for r in fits if not any(len(o) > len(r) and o[-len(r):] == r for o in fits)]
        if len(fullest) != 1:  # fits several different agencies: leave it as printed
            out[n] = a.full
            continue
        bodies = Counter(b.body for b in groups[a.key] if b.regions[-len(a.regions):] == a.regions)
        # The most printed body spelling; a named body over the bare region name.
        body = max(bodies, key=lambda b: (bodies[b], b != "", len(b)))
        out[n] = "".join(fullest[0]) + body
    return out

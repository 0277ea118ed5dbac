"""Set 9 of the narrative-fact gold (data/gold/facts/heldout9): its form, and that it stays apart
from every other set (dev9 included) by file, agency and address. Held out for one run (the lead at 4661f18), development
data since branch i12s: it is a development split of ``factsplits`` and its splits.json entries say so."""
import json
import re
from pathlib import Path

from pipeline import facts, factsplits

ROOT = Path(__file__).resolve().parents[1]
FACT_GOLD = ROOT / "data" / "gold" / "facts"
HELDOUT9 = FACT_GOLD / "heldout9"
# The set-9 annotator's development excerpts, given to branch i12q outside the repository.
DEV9 = Path("/work/issues/facts-dev9")
# Agencies of the bundled real reports (seeds, text PDFs, 平潭 dumps, 上海 page): no excerpt's.
BUNDLED_AGENCIES = ("平潭", "上海市人民政府办公厅", "洪泽区", "淮安市人民政府", "临河区医疗保障局",
                    "镇海区医疗保障局", "椒江区医疗保障局", "惠济区医疗保障局", "临渭区卫生健康局")
# An earlier set's agency this short names no office of its own (上海市, an unnamed 信访局 / 区统计局):
# it is compared exactly, not as a part of a longer name.
MIN_CONTAINED_NAME = 5


def _core(agency):
    """An agency's name without its bracketed note (``(a copy of its page on …)``)."""
    return re.sub(r"\s*\(.*?\)\s*", "", agency).strip()


def _load(folder):
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def _others():
    """Every other set's documents: data/gold/facts/** outside heldout9, and dev9 where it is present."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in FACT_GOLD.rglob("*.json")
            if p.parent != HELDOUT9]
    docs += list(_load(DEV9).values()) if DEV9.is_dir() else []
    return [d for d in docs if isinstance(d, dict)]


def test_set_9_is_well_formed():
    """Every excerpt names its page and holds its text; each fact sits in it, named by FACT_NAMES."""
    gold = _load(HELDOUT9)
    assert 60 <= len(gold) <= 70 and sum(len(g["facts"]) for g in gold.values()) >= 180
    assert len({_core(g["agency"]) for g in gold.values()}) == len(gold)
    assert len({g["source"] for g in gold.values()}) == len(gold)
    for stem, g in gold.items():
        assert g["split"] == "heldout9" and g["source"].startswith("http") and g["text"], stem
        assert g["year"] is None or 2000 < g["year"] < 2030, stem
        for f in g["facts"]:
            assert f["name"] in facts.FACT_NAMES, (stem, f)
            assert f["context"] in g["text"] and f["quantity"] in f["context"], (stem, f)
            assert (f["unit"] in f["quantity"]) if f["unit"] else f["value"] == 0, (stem, f)


def test_set_9_shares_no_agency_or_address_with_other_gold():
    """No set-9 agency or source is in any other folder of data/gold/facts, dev9 or the bundled reports."""
    gold, others = _load(HELDOUT9), _others()
    sources = {o.get("source") for o in others}
    agencies = {_core(o.get("agency") or "") for o in others} - {""}
    long_names = {a for a in agencies if len(a) >= MIN_CONTAINED_NAME}
    for stem, g in gold.items():
        core = _core(g["agency"])
        assert g["source"] not in sources, stem
        assert core not in agencies, stem
        assert not any(a in core or core in a for a in long_names), stem
        assert not any(b in g["agency"] for b in BUNDLED_AGENCIES), stem
    readme = (HELDOUT9 / "README.md").read_text(encoding="utf-8")
    assert "facts_guide.md" in readme and "dev9" in readme


def test_set_9_is_development_data_with_its_one_held_out_figure():
    """Set 9 left the held-out role after its one run: a development split, trained on, its entries
    moved to ``development_excerpts`` with the figure of that run; the held-out split is set 10's."""
    splits = json.loads((ROOT / "data" / "gold" / "splits.json").read_text(encoding="utf-8"))["facts"]
    gold = _load(HELDOUT9)
    assert "heldout9" in factsplits.DEVELOPMENT_EXCERPT_SPLITS
    assert "heldout9" not in factsplits.HELD_OUT_EXCERPT_SPLITS and not set(gold) & set(splits["held_out"])
    notes = [splits["development_excerpts"][k] for k in gold]
    assert all(n.startswith("set 9: ") and "P 0.8952 / R 0.8507" in n and "i12s" in n for n in notes)
    assert "Development data since branch i12s" in (HELDOUT9 / "README.md").read_text(encoding="utf-8")

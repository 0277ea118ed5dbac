"""Set 8 of the narrative-fact gold (data/gold/facts/heldout8): its form, and that it stays apart
from every other set by file, agency and address. Held out for one run (the lead at e944a61), development
data since branch i12q: it is a development split of ``factsplits`` and its splits.json entries say so."""
import json
import re
from pathlib import Path

from pipeline import facts, factsplits

ROOT = Path(__file__).resolve().parents[1]
FACT_GOLD = ROOT / "data" / "gold" / "facts"
HELDOUT8 = FACT_GOLD / "heldout8"
# Agencies of the bundled real reports (seeds, text PDFs, 平潭 dumps, 上海 page): no excerpt's.
BUNDLED_AGENCIES = ("平潭", "上海市人民政府办公厅", "洪泽区", "淮安市人民政府", "临河区医疗保障局",
                    "镇海区医疗保障局", "椒江区医疗保障局", "惠济区医疗保障局", "临渭区卫生健康局")


def _core(agency):
    """An agency's name without its bracketed note (``(a copy of its page on …)``)."""
    return re.sub(r"\s*\(.*?\)\s*", "", agency).strip()


def _set8():
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(HELDOUT8.glob("*.json"))}


def test_set_8_is_well_formed():
    """Every excerpt names its page and holds its text; each fact sits in it, named by FACT_NAMES."""
    gold = _set8()
    assert len(gold) >= 60 and sum(len(g["facts"]) for g in gold.values()) >= 180
    assert len({_core(g["agency"]) for g in gold.values()}) == len(gold)
    for stem, g in gold.items():
        assert g["split"] == "heldout8" and g["source"].startswith("http") and g["text"], stem
        for f in g["facts"]:
            assert f["name"] in facts.FACT_NAMES, (stem, f)
            assert f["context"] in g["text"] and f["quantity"] in f["context"], (stem, f)
            assert (f["unit"] in f["quantity"]) if f["unit"] else f["value"] == 0, (stem, f)


def test_set_8_shares_no_agency_or_address_with_other_gold():
    """No set-8 agency or source is in any other folder of data/gold/facts or the bundled reports."""
    gold = _set8()
    others = [json.loads(p.read_text(encoding="utf-8")) for p in FACT_GOLD.rglob("*.json")
              if p.parent != HELDOUT8]
    sources = {o.get("source") for o in others if isinstance(o, dict)}
    agencies = {_core(o.get("agency") or "") for o in others if isinstance(o, dict)} - {""}
    for stem, g in gold.items():
        assert g["source"] not in sources, stem
        assert _core(g["agency"]) not in agencies, stem
        assert not any(b in g["agency"] for b in BUNDLED_AGENCIES), stem
    assert "facts_guide.md" in (HELDOUT8 / "README.md").read_text(encoding="utf-8")


def test_set_8_is_development_data_with_its_one_held_out_figure():
    """Set 8 left the held-out role after its one run: a development split, trained on, its entries
    moved to ``development_excerpts`` with the figure of that run; the held-out split is set 9's."""
    splits = json.loads((ROOT / "data" / "gold" / "splits.json").read_text(encoding="utf-8"))["facts"]
    gold = _set8()
    assert "heldout8" in factsplits.DEVELOPMENT_EXCERPT_SPLITS
    assert "heldout8" not in factsplits.HELD_OUT_EXCERPT_SPLITS and not set(gold) & set(splits["held_out"])
    notes = [splits["development_excerpts"][k] for k in gold]
    assert all(n.startswith("set 8: ") and "P 0.9111 / R 0.8542" in n and "i12q" in n for n in notes)
    assert "Development data since branch i12q" in (HELDOUT8 / "README.md").read_text(encoding="utf-8")

"""The template's rules: checks report broken numbers; inference fills only what they force."""
from pipeline import checks
from pipeline.template import get

T = get("2021")


def zero_fields():
    f = {k: 0 for k in T.field_ids}
    for k in f:
        if k.startswith("requests.other."):
            f[k] = None
    return f


def test_all_zero_report_passes():
    assert all(c.ok for c in checks.run_checks(T, zero_fields()))


def test_published_inconsistency_is_reported_not_fixed():
    f = zero_fields()
    f["review.reconsideration.upheld"] = 10
    f["review.reconsideration.corrected"] = 1
    bad = checks.failed(checks.run_checks(T, f))
    assert [c.rule for c in bad] == ["review_total"]
    assert "10" in bad[0].detail and "≠" in bad[0].detail
    assert f["review.reconsideration.total"] == 0


def test_lost_cell_forced_by_row_total_is_inferred():
    f = zero_fields()
    f["requests.new.natural_person"] = f["requests.new.total"] = 5
    f["requests.granted.natural_person"] = f["requests.granted.total"] = 5
    f["requests.total.natural_person"] = 5
    f["requests.total.total"] = None
    filled = checks.infer_lost(T, f, {"requests.total"})
    assert filled == ["requests.total.total"] and f["requests.total.total"] == 5


def test_missing_row_is_never_invented():
    f = zero_fields()
    f["requests.granted.total"] = None
    assert checks.infer_lost(T, f, set()) == []
    assert f["requests.granted.total"] is None


def test_negative_or_fractional_count_fails():
    f = zero_fields()
    f["active.penalty.decisions"] = -1
    f["active.fees.amount"] = 12.5  # money may be fractional
    bad = checks.failed(checks.run_checks(T, f))
    assert [(c.rule, c.where) for c in bad] == [("non_negative_integer", "active.penalty.decisions")]

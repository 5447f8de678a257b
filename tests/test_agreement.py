import pytest

from evaluation.agreement import agreement, krippendorff_alpha
from tests.conftest import TARGETS, tiny_records, write_jsonl


def _annotations(labels):
    records = tiny_records()[: len(labels)]
    for record, label in zip(records, labels):
        record["gold"] = {"stances": [{"target": TARGETS[0], "label": label}]}
    return records


def test_kappa_on_a_hand_computed_case(tmp_path):
    # po = 3/4; pe = .5*.25 + .5*.75 = .5; kappa = (.75 - .5) / .5 = .5
    a = write_jsonl(tmp_path / "a.jsonl", _annotations(["favor", "favor", "against", "against"]))
    b = write_jsonl(tmp_path / "b.jsonl", _annotations(["favor", "against", "against", "against"]))
    result = agreement(a, b)
    assert result["statements"] == 4 and result["pairs"] == 4
    assert result["observed_agreement"] == pytest.approx(0.75)
    assert result["cohen_kappa"] == pytest.approx(0.5)
    assert result["per_target"][TARGETS[0]]["cohen_kappa"] == pytest.approx(0.5)


def test_alpha_is_one_for_identical_and_undefined_for_a_single_label():
    assert krippendorff_alpha(["favor", "none", "against"], ["favor", "none", "against"]) == pytest.approx(1.0)
    assert krippendorff_alpha(["none", "none"], ["none", "none"]) is None


def test_disjoint_annotations_are_an_error(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", _annotations(["favor"]))
    records = _annotations(["favor"])
    records[0]["id"] = "other"
    b = write_jsonl(tmp_path / "b.jsonl", records)
    with pytest.raises(ValueError, match="share no labelled"):
        agreement(a, b)

import pytest

from evaluation.calibration import calibration_report, expected_calibration_error, reliability_bins


def test_ece_on_a_hand_worked_example():
    confidences = [0.95, 0.85, 0.65, 0.62]
    correct = [True, False, True, True]
    # bins (0.9, 1.0]: acc 1, conf .95 -> gap .05 ; (0.8, 0.9]: acc 0, conf .85 -> gap .85 ;
    # (0.6, 0.7]: acc 1, conf .635 -> gap .365 ; ECE = 1/4 * .05 + 1/4 * .85 + 2/4 * .365 = .4075
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.4075)


def test_a_perfectly_calibrated_bin_has_no_error():
    # ten predictions at 0.8 of which eight are right: accuracy equals confidence
    assert expected_calibration_error([0.8] * 10, [True] * 8 + [False] * 2) == pytest.approx(0.0)


def test_bin_edges_belong_to_the_lower_bin_as_in_scikit_learn():
    bins = reliability_bins([0.3, 0.7, 1.0, 0.0], [True, True, True, False])
    counts = {(row["lower"], row["upper"]): row["count"] for row in bins}
    assert counts[(0.2, 0.3)] == 1 and counts[(0.6, 0.7)] == 1 and counts[(0.9, 1.0)] == 1 and counts[(0.0, 0.1)] == 1
    assert len(bins) == 10 and bins[5] == {"lower": 0.5, "upper": 0.6, "count": 0, "accuracy": None, "confidence": None}


def test_report_holds_ece_with_a_seeded_interval():
    confidences = [0.9, 0.8, 0.6, 0.7] * 10
    correct = [True, False, True, False] * 10
    report = calibration_report(confidences, correct)
    # gaps .1, .8, .4, .7 in four single-value bins -> (0.1 + 0.8 + 0.4 + 0.7) / 4 = 0.5
    assert report["ece"] == pytest.approx(0.5) and report["pairs"] == 40 and report["bins"] == 10
    low, high = report["ece_interval_95"]
    assert low <= report["ece"] <= high and report["ece_interval_95"] == calibration_report(confidences, correct)["ece_interval_95"]


def test_confidences_outside_unit_interval_are_rejected():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        expected_calibration_error([1.2], [True])
    with pytest.raises(ValueError, match="non-empty"):
        expected_calibration_error([], [])

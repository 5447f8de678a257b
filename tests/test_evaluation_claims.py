import pytest

from evaluation.claims import checkworthy_scores, overlap_matches, span_overlap_scores


def test_checkworthy_class_scores_on_a_hand_worked_example():
    gold = [True, True, True, False, False]
    predicted = [True, False, True, True, False]
    # check-worthy: tp 2, fp 1, fn 1 -> P 2/3, R 2/3, F 2/3
    scores = checkworthy_scores(gold, predicted)
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(2 / 3) and scores["f1"] == pytest.approx(2 / 3)
    assert (scores["items"], scores["gold_checkworthy"], scores["predicted_checkworthy"]) == (5, 3, 3)


def test_checkworthy_class_never_predicted_scores_zero_with_precision_undefined():
    scores = checkworthy_scores([True, False], [False, False])
    assert (scores["precision"], scores["recall"], scores["f1"]) == (None, 0.0, 0.0)
    assert checkworthy_scores([False, False], [True, False])["recall"] is None
    with pytest.raises(ValueError, match="non-empty"):
        checkworthy_scores([], [])


def test_overlap_matching_is_one_to_one_and_prefers_the_largest_overlap():
    gold = [(0, 10), (10, 30)]
    predicted = [(5, 25), (0, 4)]
    # (5, 25) overlaps gold 0 by 5 and gold 1 by 15: it goes to gold 1, which leaves gold 0 to (0, 4)
    assert sorted(overlap_matches(gold, predicted)) == [(0, 1), (1, 0)]
    # one long prediction covering two gold claims matches only one of them
    assert overlap_matches([(0, 10), (12, 20)], [(0, 20)]) == [(0, 0)]
    # touching spans ([0, 10) and [10, 20)) do not overlap
    assert overlap_matches([(0, 10)], [(10, 20)]) == []


def test_span_overlap_f1_on_a_hand_worked_example():
    gold = [[(0, 10), (12, 20)], [(0, 50)], []]
    predicted = [[(0, 20)], [(40, 60), (70, 80)], [(0, 5)]]
    # doc 1: 1 match (one-to-one) ; doc 2: 1 match, 1 spare prediction ; doc 3: 1 spare prediction
    # matched 2, predicted 4, gold 3 -> P 1/2, R 2/3, F 2 * (1/3) / (7/6) = 4/7
    scores = span_overlap_scores(gold, predicted)
    assert (scores["matched"], scores["predicted"], scores["gold"]) == (2, 4, 3)
    assert scores["precision"] == pytest.approx(1 / 2) and scores["recall"] == pytest.approx(2 / 3) and scores["f1"] == pytest.approx(4 / 7)
    assert span_overlap_scores([[]], [[]])["f1"] == 0.0

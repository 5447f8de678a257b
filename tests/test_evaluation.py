import pytest

from evaluation.stance import f_avg, stance_scores


def test_f_avg_matches_the_official_definition_on_a_hand_worked_example():
    gold = ["favor", "favor", "against", "against", "none", "none"]
    pred = ["favor", "against", "against", "none", "favor", "none"]
    # favor: tp 1, fp 1 (last-but-one), fn 1 -> P 1/2, R 1/2, F 1/2
    # against: tp 1, fp 1, fn 1 -> F 1/2 ; F_avg = (1/2 + 1/2) / 2
    assert f_avg(gold, pred) == pytest.approx(0.5)
    gold2 = ["favor", "favor", "favor", "against"]
    pred2 = ["favor", "favor", "none", "favor"]
    # favor: P 2/3, R 2/3 -> 2/3 ; against: never predicted -> F 0 ; F_avg 1/3
    assert f_avg(gold2, pred2) == pytest.approx(1 / 3)


def test_none_never_counts_towards_f_avg():
    assert f_avg(["none", "none"], ["none", "none"]) == 0.0
    scores = stance_scores(["none", "favor"], ["none", "favor"])
    assert scores["accuracy"] == 1.0 and scores["macro_f1"] == pytest.approx(2 / 3)


def test_empty_alignment_is_an_error():
    with pytest.raises(ValueError, match="no \\(statement, target\\) pairs"):
        stance_scores([], [])

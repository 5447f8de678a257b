import numpy as np
import pytest

from corpus.schema import PredictionRecord, Statement
from evaluation.bootstrap import bootstrap_interval, paired_bootstrap_test
from evaluation.stance import align, coverage, f_avg, most_confident_errors, paired_comparison, per_group, stance_scores


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


def test_a_label_never_predicted_scores_zero_without_warnings(recwarn):
    scores = stance_scores(["favor", "against", "none"], ["favor", "favor", "none"])
    # against: never predicted -> P 0 (zero_division), R 0, F 0 ; favor: tp 1, fp 1 -> P 1/2, R 1, F 2/3
    assert scores["precision_per_label"]["against"] == 0.0 and scores["recall_per_label"]["against"] == 0.0
    assert scores["f1_per_label"] == pytest.approx({"favor": 2 / 3, "against": 0.0, "none": 1.0})
    assert scores["f_avg"] == pytest.approx(1 / 3) and scores["macro_f1"] == pytest.approx(5 / 9)
    assert scores["confusion_matrix"]["rows_gold_columns_predicted"] == [[1, 0, 0], [1, 0, 0], [0, 0, 1]]
    assert scores["support_per_label"] == {"favor": 1, "against": 1, "none": 1}
    assert not [w for w in recwarn if "ill-defined" in str(w.message)]


def test_intervals_are_seeded_and_bracket_the_point_figure():
    rng = np.random.default_rng(3)
    labels = np.array(["favor", "against", "none"])
    gold = list(labels[rng.integers(0, 3, 200)])
    predicted = [g if rng.random() < 0.7 else str(labels[rng.integers(0, 3)]) for g in gold]
    first = stance_scores(gold, predicted, intervals=True)
    assert first["interval_95"] == stance_scores(gold, predicted, intervals=True)["interval_95"]
    for metric in ("accuracy", "macro_f1", "f_avg"):
        low, high = first["interval_95"][metric]
        assert low < first[metric] < high
    perfect = stance_scores(gold, gold, intervals=True)
    assert perfect["interval_95"]["accuracy"] == (1.0, 1.0)


def test_resampled_figures_equal_scikit_learn_ones():
    """The paired test scores resamples from confusion matrices; its point figures must be scikit-learn's."""
    rng = np.random.default_rng(7)
    labels = np.array(["favor", "against", "none"])
    gold, predicted = list(labels[rng.integers(0, 3, 300)]), list(labels[rng.integers(0, 2, 300)])
    comparison = paired_comparison(gold, predicted, predicted, resamples=10)
    reference = stance_scores(gold, predicted)
    for metric, result in comparison["metrics"].items():
        assert result["a"] == pytest.approx(reference[metric]) and result["b"] == pytest.approx(reference[metric])


def test_identical_systems_are_not_significantly_different():
    gold = ["favor", "against", "none", "none", "favor"]
    predicted = ["favor", "none", "none", "against", "favor"]
    comparison = paired_comparison(gold, predicted, predicted)
    assert comparison["resamples"] >= 1000
    for result in comparison["metrics"].values():
        # every resampled difference is exactly 0: p = min(1, 2 (1000 + 1) / 1001) = 1
        assert result["difference"] == 0.0 and result["interval_95"] == (0.0, 0.0)
        assert result["p_value"] == 1.0 and not result["significant"] and result["verdict"] == "no significant difference"


def test_a_system_right_everywhere_beats_one_wrong_everywhere():
    gold = ["favor", "against", "none"] * 7
    wrong = ["against", "none", "favor"] * 7
    better = paired_comparison(gold, wrong, gold)
    worse = paired_comparison(gold, gold, wrong)
    for metric in ("accuracy", "macro_f1", "f_avg"):
        # B - A > 0 on all 1000 resamples: no resample at or below zero -> p = 2 (0 + 1) / 1001
        assert better["metrics"][metric]["p_value"] == pytest.approx(2 / 1001)
        assert better["metrics"][metric]["verdict"] == "B significantly better"
        assert worse["metrics"][metric]["verdict"] == "B significantly worse"
    assert better["metrics"]["accuracy"]["difference"] == 1.0


def test_paired_test_p_value_from_hand_made_differences():
    # 3 of 9 resampled differences at or below 0, 7 at or above: p = 2 (3 + 1) / 10 = 0.8
    result = paired_bootstrap_test([-0.1, -0.05, 0.0, 0.1, 0.2, 0.1, 0.3, 0.05, 0.2], 0.1)
    assert result["p_value"] == pytest.approx(0.8) and result["verdict"] == "no significant difference"


def test_bootstrap_interval_keeps_its_signature_and_seed():
    gold = ["favor", "against", "none", "favor"] * 5
    predicted = ["favor", "none", "none", "against"] * 5
    # scikit-learn per resample is slow: 200 resamples are enough to pin the seed
    assert bootstrap_interval(f_avg, gold, predicted, resamples=200, seed=1) == bootstrap_interval(f_avg, gold, predicted, resamples=200, seed=1)
    with pytest.raises(ValueError, match="non-empty"):
        bootstrap_interval(f_avg, [], [])


def _statement(sid: str, stances: dict[str, str], text: str = "Some text.", source_type: str = "tweet") -> Statement:
    return Statement.model_validate(
        {"id": sid, "text": text, "source_type": source_type, "gold": {"stances": [{"target": t, "label": l} for t, l in stances.items()]}}
    )


def _prediction(sid: str, stances: dict[str, tuple[str, float]]) -> PredictionRecord:
    def probs(label: str, p: float) -> dict[str, float]:
        return {other: (p if other == label else (1 - p) / 2) for other in ("favor", "against", "none")}

    return PredictionRecord.model_validate(
        {"id": sid, "stances": [{"target": t, "label": label, "probs": probs(label, p)} for t, (label, p) in stances.items()]}
    )


def test_abstained_pairs_lower_coverage_and_are_not_scored():
    gold = [_statement("s1", {"T1": "favor", "T2": "none"}), _statement("s2", {"T1": "against"}), _statement("s3", {"T1": "none"})]
    predictions = [_prediction("s1", {"T1": ("favor", 0.9)}), _prediction("s2", {"T1": ("none", 0.8)})]
    aligned = align(gold, predictions)
    assert aligned.missing_pairs == [("s1", "T2")] and aligned.missing_ids == ["s3"]
    # 4 gold pairs: 2 scored, 1 abstained (s1/T2), 1 in a statement with no record (s3)
    assert coverage(aligned) == {"gold_pairs": 4, "scored_pairs": 2, "abstained_pairs": 1, "pairs_without_prediction_record": 1, "rate": 0.5}
    assert stance_scores(aligned.gold, aligned.predicted)["accuracy"] == 0.5


def test_all_predictions_abstaining_gives_zero_coverage():
    gold = [_statement("s1", {"T1": "favor"}), _statement("s2", {"T1": "against"})]
    aligned = align(gold, [_prediction("s1", {}), _prediction("s2", {})])
    assert aligned.gold == [] and coverage(aligned)["rate"] == 0.0 and coverage(aligned)["abstained_pairs"] == 2


def test_a_target_with_one_example_gets_its_own_scores():
    gold = [_statement("s1", {"T1": "favor", "T2": "against"}), _statement("s2", {"T1": "none"})]
    aligned = align(gold, [_prediction("s1", {"T1": ("favor", 0.9), "T2": ("none", 0.6)}), _prediction("s2", {"T1": ("none", 0.7)})])
    by_target = per_group(aligned, aligned.targets)
    assert by_target["T2"]["pairs"] == 1 and by_target["T2"]["accuracy"] == 0.0 and by_target["T2"]["f_avg"] == 0.0
    assert by_target["T1"]["accuracy"] == 1.0
    assert list(per_group(aligned, ["b", "a", "b"], order=["b", "a", "c"])) == ["b", "a"]


def test_most_confident_errors_come_first():
    gold = [_statement("s1", {"T1": "favor", "T2": "none"}), _statement("s2", {"T1": "against"})]
    aligned = align(gold, [_prediction("s1", {"T1": ("against", 0.6), "T2": ("none", 0.99)}), _prediction("s2", {"T1": ("favor", 0.8)})])
    errors = most_confident_errors(aligned, {"s1": "one", "s2": "two"}, count=5)
    assert [(e["id"], e["target"], e["gold"], e["predicted"], e["probability"]) for e in errors] == [
        ("s2", "T1", "against", "favor", 0.8),
        ("s1", "T1", "favor", "against", 0.6),
    ]
    assert errors[0]["text"] == "two" and len(most_confident_errors(aligned, {"s1": "one", "s2": "two"}, count=1)) == 1


def test_pairs_of_one_statement_are_resampled_together():
    from evaluation.bootstrap import cluster_resample_indices, resample_indices

    # One pair per statement, in order: exactly the pairwise draws, so single-target benchmarks keep their intervals.
    singles = list(cluster_resample_indices([f"s{i}" for i in range(20)], 20, count=5, seed=3))
    assert all(np.array_equal(a, b) for a, b in zip(singles, resample_indices(20, 5, 3)))
    clusters = [f"s{i // 7}" for i in range(70)]  # ten statements, seven targets each
    for draw in cluster_resample_indices(clusters, 70, count=20, seed=1):
        assert len(draw) == 70 and all(np.array_equal(np.sort(draw[k : k + 7]), np.arange(draw[k], draw[k] + 7)) for k in range(0, 70, 7))
    # A statement read wrongly on all its targets: pairwise resampling treats 7 errors as independent, too narrow.
    gold = ["favor"] * 70
    predicted = ["favor" if i // 7 % 2 else "against" for i in range(70)]
    pairwise = stance_scores(gold, predicted, intervals=True)["interval_95"]["accuracy"]
    clustered = stance_scores(gold, predicted, intervals=True, clusters=clusters)["interval_95"]["accuracy"]
    assert clustered[1] - clustered[0] > 1.5 * (pairwise[1] - pairwise[0])

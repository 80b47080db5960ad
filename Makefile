# digest-topics: `make report` and `make test` are all a fresh clone needs (python3 + make).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Offline by default: never reach a model hub at run time.
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1
export TOKENIZERS_PARALLELISM = false
export JUPYTER_PLATFORM_DIRS = 1

.PHONY: help install report test lab lint bench evaluate notebooks chromium clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# (Re)create the environment when it is missing or pyproject/constraints changed.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[notebooks,dev]'
	touch $@

install: $(STAMP)  ## create or refresh .venv with every dependency

report: $(STAMP)  ## run the notebooks on seeds/ and write reports/index.html
	$(BIN)/python -m digest_utils parse seeds -o reports/papers.csv
	$(BIN)/python -m digest_utils report -o reports

# Each notebook runs once: its checked cells and the report are tested from that run. Nothing is
# written into the checkout (a temporary cache, no .pytest_cache).
test: $(STAMP) chromium  ## run every test: unit tests, the notebooks' checked cells, browser test
	$(BIN)/python -m pytest -p no:cacheprovider tests

lab: $(STAMP)  ## open the notebooks in JupyterLab
	$(BIN)/python -m jupyterlab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# The browser test needs Chromium (Debian's package); install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

notebooks: $(STAMP)  ## re-run the notebooks in place, keeping only the outputs nbval checks
	$(BIN)/python -c "from digest_utils.report import refresh_notebooks; refresh_notebooks()"

evaluate: $(STAMP)  ## score theme assignment: seeds CV, devset (../shared), learning curve, user themes
	$(BIN)/python -m digest_utils evaluate seeds --labels tests/data/theme_labels.csv --repeats 10 --by-digest
	$(BIN)/python benchmarks/eval_themes.py
	$(BIN)/python benchmarks/eval_user_themes.py
	$(BIN)/python benchmarks/label_agreement.py

lint: $(STAMP)  ## ruff lint + format check, mypy type check of src/
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py
	$(BIN)/mypy

bench: $(STAMP)  ## run the benchmarks (figures go to benchmarks/results/ and the README)
	$(BIN)/python benchmarks/bench_parse.py
	$(BIN)/python benchmarks/bench_themes.py
	$(BIN)/python benchmarks/bench_scale.py

clean:  ## remove caches and rendered reports (keeps .venv)
	rm -rf .cache reports .pytest_cache .ruff_cache .hypothesis benchmarks/results

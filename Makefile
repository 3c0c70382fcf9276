# Spillover: `make report` builds everything from scratch, `make test` runs every test.
# `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV_VERSION := 0.13.9
# Which environment the targets use. ENV=venv (the default): the project's own .venv, built from
# requirements.lock. ENV=active: the environment that is active (a conda environment made from
# environment.yml, say): its python and tools are used as they are, and nothing is installed.
# (An ENV inherited from the shell that is neither is sh's start-up file variable: ignored.)
ifeq ($(origin ENV),environment)
ifeq ($(filter venv active,$(ENV)),)
ENV := venv
endif
endif
ENV ?= venv
ifeq ($(ENV),active)
# the scripts folder of the python on PATH (conda: $CONDA_PREFIX/bin), where its tools are
BIN := $(shell python -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)
STAMP := check-env
else ifeq ($(ENV),venv)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
else
$(error ENV=$(ENV): use ENV=venv (the default: .venv from requirements.lock) or ENV=active (the active environment))
endif
DEFAULT_ARTICLE := seeds/000_bcf152c5a0c9a4f2.txt
ifeq ($(origin ARTICLE),undefined)
ARTICLE := $(DEFAULT_ARTICLE)
endif
OUT ?= reports
# ARTICLE and OUT are file names, which may hold any character: make takes them literally
# ($(value): no $(...) expansion) and recipes read them from the environment as "$$ARTICLE",
# so the shell never evaluates them (a backquote in a name runs nothing).
override ARTICLE := $(value ARTICLE)
override OUT := $(value OUT)
export ARTICLE OUT
# Extra options of `spillover render`, e.g. PARAMS="-p units mi -p reference_snapshot 2026-01-22";
# these are shell words on purpose (several options), so they are not quoted.
PARAMS ?=
# data/processed holds the seed article's tables: only its render refreshes them (an exact
# comparison: a name with spaces is not split into words).
ifeq ($(ARTICLE),$(DEFAULT_ARTICLE))
TABLES_OPTION := --tables data/processed
else
TABLES_OPTION :=
endif

# `make corpus`: every article of CORPUS (a folder of .txt files, or a file listing one path a
# line) into one comparative report in CORPUS_OUT; both are file names, taken literally and read
# by the recipe as "$$CORPUS" like ARTICLE and OUT. CORPUS_OPTIONS are shell words, e.g.
# CORPUS_OPTIONS="--workers 4 --reports" or "--scheduler tcp://host:8786" (PARAMS apply too).
CORPUS ?= data/corpus/articles
CORPUS_OUT ?= reports/corpus
override CORPUS := $(value CORPUS)
override CORPUS_OUT := $(value CORPUS_OUT)
export CORPUS CORPUS_OUT
CORPUS_OPTIONS ?=
.PHONY: corpus

.PHONY: help setup check-env report tables test test-quick lab classroom bench notebooks clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The environment is rebuilt whenever the lock file, the package's metadata or this recipe changes.
# Bytecode is compiled at install time: where PYTHONDONTWRITEBYTECODE is set (as on CI), Python
# would otherwise compile pandas, matplotlib, plotly... from source in every kernel and command,
# which more than doubled the time of a render (benchmarks/README.md).
$(VENV)/.installed: requirements.lock pyproject.toml Makefile
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(VENV)/bin/python requirements.lock
	@$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --no-deps -e .
	@$(VENV)/bin/python -m compileall -q src
	@touch $(VENV)/.installed

# ENV=active: nothing is installed; the active environment must have python 3.11 and the project.
check-env:
	@test -n "$(BIN)" -a -x "$(BIN)/python" || { echo "make: ENV=active, but no python is on PATH: activate the environment first (conda activate spillover)" >&2; exit 2; }
	@"$(BIN)/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "make: ENV=active, but $(BIN)/python is not Python 3.11: activate the project's environment (conda activate spillover)" >&2; exit 2; }
	@"$(BIN)/python" -c 'import spillover' 2>/dev/null || { echo "make: ENV=active, but the active environment ($(BIN)) lacks spillover: conda env create -f environment.yml, then conda activate spillover" >&2; exit 2; }

setup: $(STAMP) ## create or refresh .venv from requirements.lock (ENV=active: check the active environment instead)

tables: $(STAMP) ## write the tidy tables of ARTICLE to data/processed/
	@$(BIN)/spillover tables --article "$$ARTICLE"

report: $(STAMP) ## render ARTICLE (default: the seed) into OUT (default: reports/); PARAMS="-p NAME VALUE"
	@$(BIN)/spillover render --article "$$ARTICLE" --out "$$OUT" $(TABLES_OPTION) $(PARAMS)

# Tests run on TEST_WORKERS processes (pytest-xdist; default: one per core), each module (and each
# notebook's cells) kept together on one worker; each worker has a render cache of its own.
TEST_WORKERS ?= auto
test: $(STAMP) ## run every test (unit, notebooks with nbval, browser); prints the ten slowest
	@$(BIN)/ruff check src tests benchmarks classroom
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=10 $(PYTEST_ARGS)

# The inner loop: tests/ only (no nbval on notebooks/), without the tests marked slow (full
# renders with real kernels) or browser (headless Chromium).
test-quick: $(STAMP) ## ruff and the unit tests: no nbval on notebooks/, no browser tests, no full renders
	@$(BIN)/ruff check src tests benchmarks classroom
	@$(BIN)/python -m pytest tests -m "not slow and not browser" -n $(TEST_WORKERS) --dist loadscope --durations=10 $(PYTEST_ARGS)

lab: $(STAMP) ## start JupyterLab in the project folder; students work in classroom-work/ (copied once); Ctrl-C stops it
	@$(BIN)/python -m spillover.classroom lab
	@$(BIN)/jupyter lab --notebook-dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root)

classroom: $(STAMP) ## write the student pack (zip), teacher and paper editions to reports/classroom/
	@$(BIN)/spillover classroom --out reports/classroom

corpus: $(STAMP) ## analyse every article of CORPUS (default: data/corpus/articles) into CORPUS_OUT (reports/corpus)
	@$(BIN)/spillover corpus "$$CORPUS" --out "$$CORPUS_OUT" $(CORPUS_OPTIONS) $(PARAMS)

bench: $(STAMP) ## time renders, extraction and 1-10 MB articles, then the extractor's recall and precision; BENCH_ARGS="--quick" for a short run
	@$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	@$(BIN)/python benchmarks/extraction_eval.py --runs 3 --worst 10

notebooks: $(STAMP) ## re-execute notebooks/ in place (refresh their committed outputs); CHAPTERS="02 05" for some
	@$(BIN)/spillover notebooks $(CHAPTERS)

clean: ## remove the rendered report and the cache (keeps .venv and committed files)
	rm -rf reports/index.html reports/notebooks reports/data reports/figures reports/classroom .cache

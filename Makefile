# Spillover: `make report` builds everything from scratch, `make test` runs every test.
# `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
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

.PHONY: help setup report tables test lab classroom bench notebooks clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The environment is rebuilt whenever the lock file or the package's metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP) ## create or refresh the virtual environment (.venv) from requirements.lock

tables: $(STAMP) ## write the tidy tables of ARTICLE to data/processed/
	@$(BIN)/spillover tables --article "$$ARTICLE"

report: $(STAMP) ## render ARTICLE (default: the seed) into OUT (default: reports/); PARAMS="-p NAME VALUE"
	@$(BIN)/spillover render --article "$$ARTICLE" --out "$$OUT" $(TABLES_OPTION) $(PARAMS)

test: $(STAMP) ## run every test (unit, notebooks with nbval, browser)
	@$(BIN)/ruff check src tests benchmarks classroom
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP) ## start JupyterLab in the project folder (notebooks/, classroom/, reports/); Ctrl-C stops it
	@$(BIN)/jupyter lab --notebook-dir=.

classroom: $(STAMP) ## write the student and teacher editions to reports/classroom/
	@$(BIN)/spillover classroom --out reports/classroom

bench: $(STAMP) ## time renders and extraction (medians of several runs)
	@$(BIN)/python benchmarks/run.py

notebooks: $(STAMP) ## re-execute notebooks/ in place (refresh their committed outputs)
	@$(BIN)/spillover notebooks

clean: ## remove the rendered report and the cache (keeps .venv and committed files)
	rm -rf reports/index.html reports/notebooks reports/data reports/figures reports/classroom .cache

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
ARTICLE ?= $(DEFAULT_ARTICLE)
OUT ?= reports
# Extra options of `spillover render`, e.g. PARAMS="-p units mi -p reference_snapshot 2026-01-22"
PARAMS ?=
# data/processed holds the seed article's tables: only its render refreshes them.
TABLES_OPTION := $(if $(filter $(DEFAULT_ARTICLE),$(ARTICLE)),--tables data/processed,)

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
	@$(BIN)/spillover tables --article $(ARTICLE)

report: $(STAMP) ## render ARTICLE (default: the seed) into OUT (default: reports/); PARAMS="-p NAME VALUE"
	@$(BIN)/spillover render --article $(ARTICLE) --out $(OUT) $(TABLES_OPTION) $(PARAMS)

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

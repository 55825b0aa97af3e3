# course_nn: one Makefile for students, instructors and CI.
#   make book   - set up .venv if needed and build the website into book/_build/html
#   make test   - set up .venv if needed, then lint, unit tests, nbval and a strict book build
#   make lab    - JupyterLab on notebooks/
#   make execute - re-execute every notebook and save its outputs (after editing one)
# Setup is idempotent: .venv is (re)installed only when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU build of torch by default. For a CUDA build, see the README (TORCH_PIP_ARGS).
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=
STAMP := $(VENV)/.installed-stamp
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
SCRIPTS := $(NOTEBOOKS:.ipynb=.py)
# Saved and validated notebooks carry no progress bars and create no live sliders (see
# course_nn.notebook.live_interact): the same settings apply when executing and validating.
NB_ENV := COURSE_NN_PROGRESS=off COURSE_NN_WIDGETS=off
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup test lint unit nbval book book-clean lab execute sync help clean

help:
	@sed -n '2,6p' Makefile

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

setup: $(STAMP)

test: setup lint unit nbval book-clean

lint: setup
	$(BIN)/ruff check course_nn tests benchmarks tools $(SCRIPTS)

unit: setup
	$(BIN)/python -m pytest tests -q

nbval: setup
	$(NB_ENV) $(BIN)/python -m pytest -q --nbval --nbval-current-env --nbval-cell-timeout=300 \
		--nbval-sanitize-with nbval_sanitize.cfg $(NOTEBOOKS)

# The book shows the outputs saved in the notebooks: it never re-executes them.
book: setup
	$(BIN)/jupyter-book build book --all -W -n --keep-going
	@echo "Website: book/_build/html/index.html"

book-clean: setup
	rm -rf book/_build
	$(MAKE) --no-print-directory book

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT)

# Bring each .ipynb/.py pair level (the newer file wins), then execute and save in place.
sync: setup
	$(BIN)/jupytext --sync $(SCRIPTS)

execute: sync
	$(NB_ENV) $(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)
	$(BIN)/jupytext --sync $(SCRIPTS)

clean:
	rm -rf book/_build .pytest_cache .ruff_cache

# course_nn: one Makefile for students, instructors and CI.
#   make book   - set up .venv if needed and build the website into book/_build/html
#   make test   - set up .venv if needed, then lint, unit tests, nbval and a strict book build
#   make lab    - JupyterLab on notebooks/
#   make execute - re-execute every notebook and save its outputs (after editing one)
#   make student - write student/NN_topic.ipynb with every worked solution removed
#   make portable - nbval under several CPU-feature profiles (maintainers, before a release)
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
# One BLAS thread: the notebooks' matrices are small, and on a 2-core machine OpenBLAS's second
# thread spun against the kernel's other work, slowing small products up to tenfold (a cell of
# notebook 05 passed nbval's 300 s limit). This sets the thread count only, never the kernel.
NB_ENV := COURSE_NN_PROGRESS=off COURSE_NN_WIDGETS=off OPENBLAS_NUM_THREADS=1
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
NBVAL := $(BIN)/python -m pytest -q --nbval --nbval-current-env --nbval-cell-timeout=300 \
	--nbval-sanitize-with nbval_sanitize.cfg

# CPU-feature profiles. NumPy and torch pick SIMD kernels at run time, and different kernels
# round differently in the last bits, so outputs saved on one machine must not depend on them.
# make test validates with NumPy's and torch's dispatch reduced below what the saving machine
# used, so CI always compares against another instruction set. It never touches the BLAS kernel
# (OPENBLAS_CORETYPE may be set on a machine for a reason); make portable also switches that.
ifeq ($(shell uname -m),x86_64)
NPY_ABOVE_V2 := X86_V3 X86_V4 AVX512_ICL AVX512_SPR
NPY_ABOVE_AVX2 := X86_V4 AVX512_ICL AVX512_SPR
else
NPY_ABOVE_V2 := ASIMDHP ASIMDDP ASIMDFHM SVE
NPY_ABOVE_AVX2 := SVE
endif
REDUCED_SIMD := NPY_DISABLE_CPU_FEATURES="$(NPY_ABOVE_V2)" ATEN_CPU_CAPABILITY=default
PROFILE_SSE := $(REDUCED_SIMD) OPENBLAS_CORETYPE=Nehalem
PROFILE_AVX2 := NPY_DISABLE_CPU_FEATURES="$(NPY_ABOVE_AVX2)" ATEN_CPU_CAPABILITY=avx2 \
	OPENBLAS_CORETYPE=Haswell

.PHONY: setup test lint unit nbval book book-clean site-check lab execute sync student \
	portable help clean

help:
	@sed -n '2,6p' Makefile

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

setup: $(STAMP)

test: setup lint unit nbval book-clean site-check

lint: setup
	$(BIN)/ruff check course_nn tests benchmarks tools $(SCRIPTS)

unit: setup
	$(BIN)/python -m pytest tests -q

nbval: setup
	$(NB_ENV) $(REDUCED_SIMD) $(NBVAL) $(NOTEBOOKS)

# Native, then SSE-only (x86-64-v2: NumPy baseline, torch default, OpenBLAS Nehalem), then AVX2.
portable: setup
	@echo "== native CPU features"; $(NB_ENV) $(NBVAL) $(NOTEBOOKS)
	@echo "== SSE only: $(PROFILE_SSE)"; $(NB_ENV) $(PROFILE_SSE) $(NBVAL) $(NOTEBOOKS)
	@echo "== AVX2: $(PROFILE_AVX2)"; $(NB_ENV) $(PROFILE_AVX2) $(NBVAL) $(NOTEBOOKS)

# The book shows the outputs saved in the notebooks: it never re-executes them.
book: setup
	$(BIN)/jupyter-book build book --all -W -n --keep-going
	@echo "Website: book/_build/html/index.html"

book-clean: setup
	rm -rf book/_build
	$(MAKE) --no-print-directory book

# No page of the website may load anything from outside the site.
site-check: setup
	COURSE_NN_SITE=book/_build/html $(BIN)/python -m pytest -q tests/test_built_site.py

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT)

# Bring each .ipynb/.py pair level (the newer file wins), then execute and save in place.
sync: setup
	$(BIN)/jupytext --sync $(SCRIPTS)

execute: sync
	$(NB_ENV) $(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)
	$(BIN)/jupytext --sync $(SCRIPTS)

student: setup
	$(BIN)/python tools/make_student.py $(NOTEBOOKS) --out student

clean:
	rm -rf book/_build student .pytest_cache .ruff_cache

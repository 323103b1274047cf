# Each target sets up what it needs; `make help` lists them.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ARGS ?= --jobs 20000

# Python may write bytecode: with PYTHONDONTWRITEBYTECODE set (as on some CI images) every
# pytest worker re-parses and re-rewrites each test module and the app's own modules.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help run test test-fast check bench bench-pages browser-deps

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed  ## set up, load demo data, serve on http://localhost:8000 (mailbox at /mailbox)
	$(PY) -m webapp demo $(DEMO_ARGS)
	$(PY) -m webapp serve --host $(HOST) --port $(PORT)

browser-deps:  ## Debian chromium + Japanese fonts, and axe-core from npm, for the browser tests
	bash scripts/install-browser-deps.sh

test: $(VENV)/.installed browser-deps  ## set up and run the whole test suite (SQLite; PostgreSQL with TEST_DATABASE_URL)
	$(PY) -m pytest -q -n auto --dist worksteal

test-fast: $(VENV)/.installed  ## the suite without the browser walks (a quick loop while working)
	$(PY) -m pytest -q -n auto --dist worksteal -m "not browser"

check: $(VENV)/.installed  ## ruff format check and lint, mypy on webapp/, the layers (import-linter)
	$(VENV)/bin/ruff format --check webapp tests bench scripts
	$(VENV)/bin/ruff check webapp tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed  ## search latency and throughput figures (see bench/README.md)
	$(PY) bench/search.py

bench-pages: $(VENV)/.installed  ## signed-in pages against a bare Jinja page; first-load bytes
	$(PY) bench/pages.py
	$(PY) bench/pages.py --workers 2
	$(PY) bench/first_load.py

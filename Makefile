# Certiprev — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-pg lint demo bench install install-dev system-deps clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev system-deps

# Tools the tests drive from Debian's packages: pdftoppm (PDF → image), Chromium (browser tests).
system-deps:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "Please install poppler-utils (pdftoppm) for the certificate tests."; fi; }
	@# Browser tests: Debian's Chromium driven by Playwright (never `playwright install`: no downloaded browsers).
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Please install chromium and chromium-driver for the browser tests."; fi; }

run: export DEBUG ?= 1
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) certiprev_keys ensure-dev
	$(MANAGE) demo
	@echo "Certiprev: http://$(HOST):$(PORT)/  (Ctrl-C to stop; the task worker runs alongside)"
	@trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --interval 1 & worker=$$!; \
	$(MANAGE) scheduler & scheduler=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

demo: export DEBUG ?= 1
demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) demo

test: install-dev
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The same suite on PostgreSQL (a server on 127.0.0.1:5432 with trust auth).
test-pg: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/certiprev
test-pg: install-dev
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

bench: install-dev
	DEBUG=1 $(BIN)/python -m certiprev.bench

clean:
	rm -rf $(VENV) var build *.egg-info

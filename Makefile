# Certiprev — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-pg lint demo bench bench-national install install-dev system-deps clean

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

# Tools the tests drive from Debian's packages: pdftoppm (PDF → image), qpdf (PDF structure check),
# Chromium (browser tests), Pango (WeasyPrint, the card comparison of `make bench`).
system-deps:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "Please install poppler-utils (pdftoppm) for the certificate tests."; fi; }
	@command -v qpdf >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qpdf >/dev/null; \
	  else echo "Please install qpdf for the card PDF check."; fi; }
	@{ ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; } || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "Please install libpango-1.0-0 and libpangoft2-1.0-0 for WeasyPrint (make bench)."; fi; }
	@# Browser tests: Debian's Chromium driven by Playwright (never `playwright install`: no downloaded browsers).
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Please install chromium and chromium-driver for the browser tests."; fi; }

# First run: a .env (DEBUG=1, a generated SECRET_KEY, SITE_URL, e-mails to var/mail/) so that every command works
# in any shell. The worker logs to var/log/worker.log; the addresses and logins are printed once the server answers.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	@$(BIN)/python -m config.dotenv $(HOST) $(PORT)
	$(MANAGE) migrate --noinput
	$(MANAGE) certiprev_keys ensure-dev
	$(MANAGE) demo --no-logins
	@mkdir -p var/log
	@trap 'kill $$worker $$scheduler $$welcome 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --interval 1 >>var/log/worker.log 2>&1 & worker=$$!; \
	$(MANAGE) scheduler >>var/log/scheduler.log 2>&1 & scheduler=$$!; \
	{ $(BIN)/python -m certiprev.cli wait-up "http://$(HOST):$(PORT)/healthz" && \
	  $(MANAGE) demo --welcome "$$SITE_URL"; } & welcome=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

# Production server: gunicorn (`certiprev serve`), persistent database connections, WhiteNoise. Configure by
# environment (README, "Production"): DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL, and CACHE_URL
# (redis://…): the rate limits must count in a cache shared by every process, or the server refuses to start.
serve: install
	$(MANAGE) migrate --noinput
	HOST=$(HOST) PORT=$(PORT) $(BIN)/certiprev serve

demo: export DEBUG ?= 1
demo: install
	@$(BIN)/python -m config.dotenv $(HOST) $(PORT)
	$(MANAGE) migrate --noinput
	$(MANAGE) demo

test: install-dev
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The same suite on PostgreSQL (a server on 127.0.0.1:5432 with trust auth).
test-pg: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/certiprev
test-pg: install-dev
	$(BIN)/pytest -q $(PYTEST_ARGS)

# Type checking: mypy with django-stubs over certiprev/, config/ and bench/ ([tool.mypy] in pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

# Every figure of the README's benchmark table and the summary of issue 14's targets (< 15 min; SQLite, and
# PostgreSQL for the HTTP figures when BENCH_POSTGRES's server answers: bench/__main__.py). Nothing left in /tmp.
bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

# Optional, PostgreSQL only (12 to 30 minutes with its measures, ≈ 12 GB of disk): ten years of a national network loaded with COPY into a
# throwaway database (BENCH_DATABASE_URL, dropped unless BENCH_KEEP=1; BENCH_NATIONAL_SCALE=0.01 for a hundredth).
bench-national: install-dev
	$(BIN)/python -m bench.national

clean:
	rm -rf $(VENV) var build *.egg-info .mypy_cache

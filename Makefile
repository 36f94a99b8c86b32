# Commonshare: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Django 6 needs Python >= 3.12; .python-version pins 3.13 for pyenv.
PYTHON ?= $(shell command -v pyenv >/dev/null 2>&1 && pyenv which python 2>/dev/null || command -v python3.13 || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address emails, .ics files and feed links point at: the one `make run` serves, unless
# SITE_URL is set (in the environment or on the command line).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint typecheck format demo messages clean help no-npm bench bench-sqlite

help:
	@echo "make run    - set up (venv, install, migrate, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test   - run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)"
	@echo "make lint   - ruff check + format check + missing-migrations check + mypy"
	@echo "make typecheck - mypy on the apps (settings in pyproject.toml)"
	@echo "make format - ruff fix and format"
	@echo "make bench  - seed a city (1 M bookings, PostgreSQL) and measure it: docs/benchmarks.md"
	@echo "make bench-sqlite - the same at a small scale on SQLite"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else "Commonshare needs Python 3.13 or newer (found " + sys.version.split()[0] + "). Install it (pyenv install 3.13) or run: make PYTHON=/path/to/python3.13")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

# JavaScript used only by tests (ical.js, axe-core), installed by npm ci. Without npm it is not
# installed: the feed tests that read calendars with ical.js then fail, saying to install Node.js
# and run npm ci, and the axe-core checks of the browser tests are skipped with a note.
NODE_DEPS := $(if $(shell command -v npm 2>/dev/null),node_modules/.installed,no-npm)

no-npm:
	@echo "npm was not found: install Node.js 20+ and npm, or the feed tests (ical.js) will fail." >&2

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: demo
	SITE_URL='$(SITE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed $(NODE_DEPS)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	SITE_URL='$(SITE_URL)' $(PY) manage.py load_demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# Collect translatable strings, e.g. `make messages LANG_CODE=cy` (needs gettext).
LANG_CODE ?= cy
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l $(LANG_CODE) --ignore ".venv/*" --ignore "node_modules/*" --ignore "tests/*"

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmark (docs/benchmarks.md), not part of `make test`: seeds a city-sized dataset in a
# database of its own (it refuses one holding other venues) and measures issue 17's cases.
# BENCH_ARGS="--reuse" measures the city seeded before; "--bookings 20000" a smaller one.
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/commonshare_bench)
BENCH_SQLITE := $(CURDIR)/bench.sqlite3

bench: $(VENV)/.installed
	DATABASE_URL='$(BENCH_DATABASE_URL)' $(PY) manage.py migrate --noinput
	DATABASE_URL='$(BENCH_DATABASE_URL)' nice $(PY) manage.py bench $(BENCH_ARGS)

bench-sqlite: $(VENV)/.installed
	rm -f $(BENCH_SQLITE)
	DATABASE_URL='sqlite:///$(BENCH_SQLITE)' $(PY) manage.py migrate --noinput
	DATABASE_URL='sqlite:///$(BENCH_SQLITE)' nice $(PY) manage.py bench --bookings 20000 --spaces 30 --venues 5 --members 500 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 bench.sqlite3 .pytest_cache

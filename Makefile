# Tilskuddsportalen. `make run` for a local portal on SQLite; `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto
DEV_SETTINGS := config.settings.dev

.PHONY: run oidc-provider install test test-fast lint-imports migrate messages compilemessages check clean bench

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py load_reference_data
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl+C stops)"
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py runserver 127.0.0.1:8000

# A local OpenID Connect provider on 127.0.0.1:9400 with the demo people; `make run` says how to use it.
oidc-provider: install
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py oidc_provider

# The whole suite, against PostgreSQL and Redis (see config/settings/test.py for the fallback).
test: install
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

# The layers contract in pyproject.toml: no module imports a layer above its own.
lint-imports: install
	$(VENV)/bin/lint-imports

# Everything but the browser journeys.
test-fast: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages --locale nb --locale nn --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'static/vendor/*' --ignore 'tests/*' --no-obsolete
	$(PY) locale/fill_english.py

compilemessages: install
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Not part of `make test`: builds the national data set in its own database (tp_bench) and measures the
# pages, the deadline rush, the PDFs and the reminder sweep on production settings with PostgreSQL and
# Redis (benchmarks/run.py). The table is printed and written to benchmarks/results/ (LATEST.md).
# `make bench BENCH_ARGS="--only pages --size small"` for a quick run; `--help` for the rest.
BENCH_ARGS ?=
bench: install
	$(PIP) install --quiet -e '.[test,bench]'
	$(PY) -m benchmarks.run $(BENCH_ARGS)

check: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | base64) \
	  ALLOWED_HOSTS=tilskudd.example $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var

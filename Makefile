# callcoach: two commands set everything up on a fresh machine.
#   make demo   installs into .venv, prepares the database, runs a simulated week end to end, serves the admin
#   make test   installs what tests need, lints, runs the whole suite against a real PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
SERVE ?= 1
PYTEST_ARGS ?=

.PHONY: help venv install install-dev db db-stop migrate demo test lint bench reliability serve worker clean

help:
	@echo "make demo        set up and run the end-to-end demo (SERVE=0 to exit after the summary)"
	@echo "make test        lint + full test suite against a real PostgreSQL"
	@echo "make lint        ruff + import-linter"
	@echo "make bench       speed and cost figures into bench/results/"
	@echo "make reliability the long fault/load suite into bench/results/reliability.md"
	@echo "make serve       gunicorn on 127.0.0.1:8000;  make worker  the django-q2 cluster"
	@echo "make db-stop     stop the project-local PostgreSQL cluster (if one was created)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "callcoach needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files re-run pip only when the requirements change.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt requirements-embedded.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(VENV)/.installed $@

venv install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

db: $(VENV)/.installed
	@$(PY) -m config.localdb ensure

db-stop:
	@$(PY) -m config.localdb stop

migrate: db
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) setup_schedules
	$(MANAGE) partitions_maintain

demo: migrate
ifeq ($(SERVE),0)
	$(MANAGE) demo --no-serve
else
	$(MANAGE) demo
endif

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

test: $(VENV)/.installed-dev db lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev db
	$(MANAGE) migrate --noinput -v 0
	@mkdir -p bench/results
	@for script in $(filter-out bench/_% bench/reliability.py,$(wildcard bench/*.py)); do echo "== $$script"; $(PY) $$script || exit 1; done
	@echo "== bench/_summary.py (issue 19's five figures -> bench/results/SUMMARY.md)"; $(PY) bench/_summary.py

reliability: $(VENV)/.installed-dev db
	$(PY) bench/reliability.py $(RELIABILITY_ARGS)

# The web and worker processes share one directory for multi-process Prometheus metrics (see core/metrics.py).
METRICS_DIR ?= $(CURDIR)/.run/prometheus
# collectstatic: production's manifest storage serves the admin's assets only once they are collected.
serve: migrate
	@mkdir -p $(METRICS_DIR)
	$(MANAGE) collectstatic --noinput -v 0
	PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR) $(BIN)/gunicorn config.wsgi -c config/gunicorn.py

worker: migrate
	@mkdir -p $(METRICS_DIR)
	PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR) $(MANAGE) qcluster

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

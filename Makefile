# MentorHub: `make run` serves the site with demo data; `make test` lints and runs the suite.
# Both create .venv on first use and never prompt.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input --quiet

.PHONY: run test install install-dev lint migrate worker beat bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "MentorHub: http://$(HOST):$(PORT)/  (API docs /docs, admin /admin)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

# Load test on the configured database (PostgreSQL: DATABASE_URL=postgres://...). See README, Performance.
bench: install
	$(BIN)/python scripts/bench.py

# Every main page at 1280 and 390 px as the demo users see them, into screenshots/ (needs Chromium).
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

worker: install
	$(BIN)/celery -A mentorhub worker -l info

beat: install
	$(BIN)/celery -A mentorhub beat -l info

clean:
	rm -rf $(VENV) staticfiles

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

# Links in e-mails, calendar files and the API (and the Site that account e-mails are signed with, synced
# by migrate) follow the address served, unless SITE_URL says otherwise (a proxy, a public name).
run: export SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
# The web server and a Celery worker with beat (the periodic sweeps), started and stopped together.
run: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "MentorHub: $(SITE_URL)/  (API docs /docs, admin /admin)"
	$(BIN)/python scripts/run.py --host $(HOST) --port $(PORT)

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

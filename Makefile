# MentorHub: `make run` serves the site with demo data; `make test` lints and runs the suite; `make dev` is
# the auto-reloading debug server; `make stack` the scaled-out shape on PostgreSQL, Redis and nginx.
# All create .venv on first use and never prompt.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input --quiet

.PHONY: run dev stack test install install-dev lint migrate worker beat bench screenshots client backup restore clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

# The TypeScript client check (openapi-typescript, tsc) pinned by package-lock.json; a test runs it.
TS_CLIENT := clients/typescript
$(TS_CLIENT)/node_modules/.installed: $(TS_CLIENT)/package.json $(TS_CLIENT)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Node.js 20+ with npm is needed (clients/typescript: the TypeScript client check)" >&2; exit 1; }
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev $(TS_CLIENT)/node_modules/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Links in e-mails, calendar files and the API (and the Site that account e-mails are signed with, synced
# by migrate) follow the address served, unless SITE_URL says otherwise (a proxy, a public name).
run dev: export SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
# The product as served: production mode (DEBUG off, the site's own error pages) on Daphne over plain HTTP,
# static files collected and served by WhiteNoise, the generated key, and a Celery worker with beat (the
# periodic sweeps), all started and stopped together (scripts/run.py).
run: migrate
	$(BIN)/python manage.py seed_demo
	@echo "MentorHub: $(SITE_URL)/  (API docs /docs, admin /admin)"
	$(BIN)/python scripts/run.py --host $(HOST) --port $(PORT)

# For developers: Django's runserver with DEBUG on (debug pages), reloading on code changes, and the worker.
dev: migrate
	$(BIN)/python manage.py seed_demo
	@echo "MentorHub (development): $(SITE_URL)/  (API docs /docs, admin /admin)"
	$(BIN)/python scripts/run.py --dev --host $(HOST) --port $(PORT)

# The scaled-out shape on this machine's PostgreSQL and Redis (README, Running it scaled out): nginx on PORT
# (8080 unless given) in front of two gunicorn servers and Daphne for /ws/, two Celery workers and one beat,
# from deploy/Procfile.stack under honcho. It creates the database if needed, migrates and collects static first.
stack: install
	$(BIN)/python scripts/stack.py --host $(HOST) --port $(if $(filter command environment,$(firstword $(origin PORT))),$(PORT),8080)

# The Russian catalogues (locale/ru/LC_MESSAGES): gather every marked string (Python, templates, static/js),
# keep what is translated, then compile. Needs GNU gettext (apt-get install gettext). See README, Languages.
MESSAGES_IGNORE := -i ".venv" -i "clients" -i "staticfiles" -i "var" -i "docs" -i "screenshots" -i "node_modules"
messages: install-dev
	$(BIN)/python manage.py makemessages -l ru --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py makemessages -d djangojs -l ru --no-obsolete $(MESSAGES_IGNORE) -i "*/vendor/*"
	$(BIN)/python manage.py compilemessages -l ru $(MESSAGES_IGNORE)

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

# For client authors: the OpenAPI schema and its TypeScript types in clients/typescript/ (see README).
client: install-dev
	$(BIN)/python manage.py spectacular --format openapi-json --file $(TS_CLIENT)/openapi.json
	$(TS_CLIENT)/node_modules/.bin/openapi-typescript $(TS_CLIENT)/openapi.json --default-non-nullable false \
		--output $(TS_CLIENT)/schema.d.ts

# The configured database (DATABASE_URL, else the embedded SQLite) into backups/mentorhub-<UTC time>.<dump|sqlite3>,
# or BACKUP=path; safe while the site runs. `make restore BACKUP=path` puts one back (site stopped); it asks
# nothing and refuses a database that has tables unless FORCE=1, as that loses everything written since.
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

restore: install
	@test -n "$(BACKUP)" || { echo "make restore needs BACKUP=path/to/backup (see README, Backups)" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)" $(if $(filter 1 true yes,$(FORCE)),--force)

worker: install
	$(BIN)/celery -A mentorhub worker -l info

beat: install
	$(BIN)/celery -A mentorhub beat -l info

clean:
	rm -rf $(VENV) staticfiles $(TS_CLIENT)/node_modules

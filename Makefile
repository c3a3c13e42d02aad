# The work of this project, one target each. `make run` and `make test` set everything up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Every command that needs a database runs under this: DATABASE_URL's server, or else a private
# PostgreSQL in .pgdata/, started for the command and stopped when it ends.
WITH_DB := $(BIN)/python scripts/with_postgres.py
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run serve demo-reset test test-only test-fast lint format migrations-check bench bench-scale browser clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Debug is off unless turned on: `make run` is the one place that turns it on.
# The seed loads only into an empty database: a restart keeps every edit.
# `serve` is run's body, under the database of $(WITH_DB).
run: export DJANGO_DEBUG ?= 1
run: install
	$(WITH_DB) $(MAKE) --no-print-directory serve

serve:
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed_if_empty
	$(BIN)/python manage.py ensure_demo_curator
	# The background worker (the admin's BibTeX imports) runs beside the server, and stops with it:
	# RQ's when REDIS_URL is set (as config/settings/base.py decides), else the database's.
	if [ -n "$$REDIS_URL" ]; then set -- rqworker default --with-scheduler; else set -- db_worker; fi; \
	$(BIN)/python manage.py "$$@" & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Start over: delete every curated record (users stay) and load the seed again.
demo-reset: export DJANGO_DEBUG ?= 1
demo-reset: install
	$(WITH_DB) sh -c '$(BIN)/python manage.py migrate --noinput && $(BIN)/python manage.py demo_reset'

# lint-imports: the import directions of docs/architecture.md (contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(WITH_DB) $(BIN)/python manage.py makemigrations --check --dry-run

browser:
	scripts/ensure-chromium

# The whole suite on a real PostgreSQL server (DATABASE_URL's, or the private one).
test: install
	-scripts/ensure-chromium
	-scripts/ensure-tex
	-scripts/ensure-node-tools
	$(MAKE) lint migrations-check
	$(WITH_DB) $(BIN)/pytest --create-db

test-only: install
	$(WITH_DB) $(BIN)/pytest

# While working: everything but the tests marked slow (`make test` runs those too).
test-fast: install
	$(WITH_DB) $(BIN)/pytest -m "not slow"

bench: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(WITH_DB) sh -c 'for script in bench/*.py; do $(BIN)/python $$script || exit 1; done'

# Issue 15's table at 10k, 100k and 1M references (builds el_scale_* databases once; slow).
bench-scale: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(WITH_DB) $(BIN)/python bench/scale.py 10000 100000 1000000

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .import_linter_cache

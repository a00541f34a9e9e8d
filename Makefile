# The two commands of the README: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# WeasyPrint needs Pango; without libharfbuzz-subset0 it falls back to a pure-Python font
# subsetter and renders 4-8x slower. DejaVu gives the PDFs a font with every Dutch character.
# pg_dump/pg_restore/psql of the server's major version (15) and gpg for `manage.py backup`
# and `restore` (README, Production).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	postgresql-client-15 gnupg
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system-packages lint bench

# The demo's sender is the invented, well-formed one of waw/env.py (DEMO_SENDER), and every
# document it issues says "DEMO — geen echte factuur"; never in production.
run: export REGIO_DEMO = true
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py load_demo_edition
	@echo "De applicatie draait op http://$(HOST):$(PORT)/ met één taakverwerker (stoppen met Ctrl-C)."
	@# The web server and one task worker (imports, invoice runs, edition PDFs) together: Ctrl-C
	@# reaches both; should the server stop otherwise, the trap stops the worker too.
	SQLITE_BUSY_TIMEOUT_SECONDS=300 $(BIN)/python manage.py db_worker --no-reload --interval 0.5 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark suite on a throwaway PostgreSQL 15 (bench/run.sh); writes bench/results.md.
# Not part of `make test` or CI: the whole run takes ten to fifteen minutes.
bench: setup
	bash bench/run.sh

lint: setup
	$(BIN)/ruff check .

setup: system-packages $(BIN)/.installed

system-packages:
	@bash .ci/system-packages.sh $(SYSTEM_PACKAGES)

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

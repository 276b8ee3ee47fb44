# Roadbook: `make run` serves the journal, `make test` runs every test.
# `make serve` serves it the way production does (gunicorn, gunicorn.conf.py).
# Both set everything up first: a virtual environment, the Python packages,
# the htmx asset (fetched from the npm registry with Python alone, checked against its
# pinned hash) and the database.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app journal

INSTALLED := $(VENV)/.installed
HTMX      := static/vendor/htmx.min.js

# The PostgreSQL run of the suite (see scripts/postgres_test_db.sh for the role and database).
TEST_POSTGRES_URL ?= postgresql+psycopg://roadbook:roadbook@127.0.0.1:5432/roadbook_test

.PHONY: run serve test test-postgres bench mutation screenshots setup db lint format clean

run: setup db
	$(FLASK) run --host $(HOST) --port $(PORT)

# gunicorn as production runs it: 2 workers, one access-log line per request on stdout.
serve: setup db
	JOURNAL_BIND="$${JOURNAL_BIND:-$(HOST):$(PORT)}" $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# The suite runs in one process per core (pytest-xdist; a process that runs out of tests
# takes some of another's); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)

test: setup
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# Every test that opens the database, but the browser and the slow ones: those drive pages,
# processes and virtual environments through the same services, and `make test` runs them
# (tests/conftest.py leaves the tests that never open the database to the SQLite run).
test-postgres: setup
	JOURNAL_TEST_DATABASE_URL="$${JOURNAL_TEST_DATABASE_URL:-$(TEST_POSTGRES_URL)}" \
		$(BIN)/pytest $(XDIST) -m "not browser and not slow" $(PYTEST_ARGS)

# The benchmark (needs wrk: apt-get install -y wrk); see bench/run.py and the README.
bench: setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Mutation testing of the value logic, module by module (not part of test; see the README).
# MUTATION_ARGS names some modules: make mutation MUTATION_ARGS="duration streaks".
mutation: setup
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS)

# Fresh screenshots of the main pages for docs/screenshots/ (needs Chromium; see the script).
screenshots: setup
	$(BIN)/python scripts/screenshots.py

setup: $(INSTALLED) $(HTMX)

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Order-only on the install: reinstalling packages does not fetch htmx again.
$(HTMX): scripts/fetch_htmx.py | $(INSTALLED)
	$(BIN)/python scripts/fetch_htmx.py

db: setup
	$(FLASK) db upgrade

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache static/vendor/htmx.min.js static/vendor/htmx.integrity

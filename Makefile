# Roadbook: `make run` serves the journal, `make test` runs every test.
# Both set everything up first: a virtual environment, the Python packages,
# the htmx asset (fetched with npm and checked against its pinned hash) and the database.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app journal

INSTALLED := $(VENV)/.installed
HTMX      := static/vendor/htmx.min.js

.PHONY: run test setup db lint format clean

run: setup db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

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

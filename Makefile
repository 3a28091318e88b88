# schema_pkg: every target delegates to the schema-pkg CLI or to pytest.
# The database comes from DATABASE_URL, then PG*, then the local default
# postgresql://postgres@127.0.0.1:5432/alawein (created by `make migrate` if missing).

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
CLI     = $(BIN)/schema-pkg
REV    ?= -1

.PHONY: install migrate downgrade sql check verify adopt advise test lint rls-report bench clean

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'

migrate:
	$(CLI) upgrade head

downgrade:            ## make downgrade REV=0005 (default: one step)
	$(CLI) downgrade $(REV)

sql:                  ## render sql/ from the revisions (no database needed)
	$(CLI) --quiet sql

check:                ## alembic check: the models match the migrations at head
	$(CLI) check

test:
	$(BIN)/pytest

lint:
	$(BIN)/ruff check schema_pkg tests versions benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

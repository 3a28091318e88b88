# schema_pkg: every target delegates to the schema-pkg CLI or to pytest.
# The database comes from DATABASE_URL, then PG*, then the local default
# postgresql://postgres@127.0.0.1:5432/alawein (created by `make migrate` if missing).

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
CLI     = $(BIN)/schema-pkg
REV    ?= -1

.PHONY: install migrate downgrade sql check verify adopt advise test lint rls-report mutants fuzz mutants-python bench clean

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

verify:               ## compare the database with a fresh shadow at its revision
	$(CLI) verify

adopt:                ## stamp the baseline on a matching database built outside alembic
	$(CLI) adopt

advise:               ## lint the live catalog (RLS, functions, indexes, policies)
	$(CLI) advise

test:
	$(BIN)/pytest

lint:                 ## ruff on the code, squawk on the SQL DBAs review
	$(BIN)/ruff check schema_pkg tests versions benchmarks
	$(BIN)/squawk --config .squawk.toml sql/*.sql

rls-report:           ## regenerate docs/rls-matrix.md from tests/rls/expectations.py
	$(BIN)/python -m tests.rls.report

mutants:              ## RLS mutants from the live catalog; rewrites docs/rls-mutants.md (also run by `make test`)
	$(BIN)/python -m tests.rls.mutation

fuzz:                 ## the RLS state machine, long random search; SEED=n to replay, EXAMPLES=n
	$(BIN)/python -m tests.rls.fuzz $(if $(SEED),--seed $(SEED),) $(if $(EXAMPLES),--examples $(EXAMPLES),)

mutants-python:       ## mutmut over the deploy path (slow, on demand; needs .[mutation]); MUTANTS='schema_pkg.settings*' narrows it
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results

bench:                ## benchmarks (never part of CI); FULL=1 for the full sizes
	$(BIN)/python benchmarks/migrate.py
	$(BIN)/python benchmarks/rls_read.py $(if $(FULL),--full,)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

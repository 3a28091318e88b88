# schema_pkg: every target delegates to the schema-pkg CLI or to pytest.
# The database comes from DATABASE_URL, then PG*, then the local default
# postgresql://postgres@127.0.0.1:5432/alawein (created by `make migrate` if missing).
# `make test` needs no configuration: see "Tests" in README.md for how it finds a server.

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
CLI     = $(BIN)/schema-pkg
REV    ?= -1
PG_VERSIONS ?= machine 17 18
# make test runs the suite on JOBS pytest-xdist workers (default: two per core: the suite
# waits much of the time, on subprocesses, locks and the server), each test file on one
# worker, the costliest files first (tests/conftest.py orders them; xdist keeps that order
# with --no-loadscope-reorder instead of starting with the files that hold most tests);
# JOBS=0 runs it serially in one process (the fallback).  make test-fast is serial
# unless JOBS is given: its databases are built once, and a second worker would build them
# again for a few seconds of tests.
JOBS   ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
PARALLEL = $(if $(filter 0,$(JOBS)),-p no:xdist,-n $(JOBS) --dist loadfile --no-loadscope-reorder)

.PHONY: install migrate downgrade sql check verify adopt advise test test-fast test-matrix lint rls-report pgtap prove lock-report fingerprints mutants fuzz mutants-python bench clean revision regen manifest

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@# An editable install leaves the checkout's own modules uncompiled, and where
	@# PYTHONDONTWRITEBYTECODE is set every schema-pkg process
	@# would compile them again: compile them once, as pip does for an installed wheel.
	$(BIN)/python -m compileall -q schema_pkg versions

migrate:
	$(CLI) upgrade head

downgrade:            ## make downgrade REV=0005 (default: one step)
	$(CLI) downgrade $(REV)

sql:                  ## render sql/ from the revisions (no database needed)
	$(CLI) --quiet sql

check:                ## alembic check: the models match the migrations, on a scratch database at head (server found as `make test` finds it)
	$(CLI) check --scratch

revision:             ## make revision MSG="what it does" [AUTO=1]: versions/<next id>_<slug>.py from the template
	@test -n "$(MSG)" || { echo 'make revision: give MSG="what the revision does" (AUTO=1 to autogenerate from the models)' >&2; exit 2; }
	$(CLI) revision -m "$(MSG)" $(if $(AUTO),--autogenerate,)

regen:                ## every generated file: docs/locks.md, sql/, versions/manifest.json, docs/rls-*.md, tests/pgtap/, README figures
	$(BIN)/python -m tests.regen $(if $(SKIP),--skip $(SKIP),)

manifest:             ## refresh versions/manifest.json (unreleased revisions only); RELEASE=1 releases through the head
	$(CLI) manifest $(if $(RELEASE),--release,)

verify:               ## compare the database with a fresh shadow at its revision
	$(CLI) verify

adopt:                ## stamp the baseline on a matching database built outside alembic
	$(CLI) adopt

advise:               ## lint the live catalog (RLS, functions, indexes, policies)
	$(CLI) advise

test:                 ## the whole suite, in parallel (JOBS=0: serially)
	$(BIN)/pytest $(PARALLEL)

test-fast:            ## the edit-run loop (<= 20 s): tests marked fast (see "Tests" in README.md); serial by default
	$(BIN)/pytest $(if $(filter command line,$(origin JOBS)),$(PARALLEL),-p no:xdist) -q -m fast

SQUAWK      = $(BIN)/squawk --config .squawk.toml --pg-version=15.0
LINT_SQL    = build/lint-sql
INT_FILES   = $(LINT_SQL)/0003_documented_tables.upgrade.sql $(LINT_SQL)/full_upgrade.sql
DROP_RULES  = ban-drop-table,ban-drop-function,ban-drop-type,ban-drop-schema,ban-drop-column,ban-drop-database,ban-drop-not-null

test-matrix:          ## the suite on this machine's server and on PostgreSQL 17 and 18 (PG_VERSIONS=...)
	.ci/matrix $(PG_VERSIONS)

lint:                 ## ruff on the code, squawk on the SQL DBAs review (rules scoped per file kind)
	$(BIN)/ruff check schema_pkg tests versions benchmarks
	@# squawk parses SQL, not psql: in its copies, SET x = :'var' (psql interpolation) becomes SET x = 'var'
	rm -rf $(LINT_SQL) && mkdir -p $(LINT_SQL)
	for f in sql/*.sql; do sed -e "s/^\\(SET [a-z_.]* = \\):\\('[A-Za-z_]*';\\)$$/\\1\\2/" $$f > $(LINT_SQL)/$${f#sql/}; done
	$(SQUAWK) $(filter-out $(INT_FILES),$(patsubst sql/%,$(LINT_SQL)/%,$(wildcard sql/*.upgrade.sql)))
	$(SQUAWK) --exclude=prefer-bigint-over-int $(INT_FILES)
	$(SQUAWK) --exclude=$(DROP_RULES) $(LINT_SQL)/*.downgrade.sql

rls-report:           ## regenerate docs/rls-matrix.md from tests/rls/expectations.py
	$(BIN)/python -m tests.rls.report

fingerprints:         ## regenerate each revision's expected fingerprint in versions/manifest.json (on a scratch database)
	$(BIN)/python -m schema_pkg.fingerprint

pgtap:                ## regenerate tests/pgtap/ (the expectations table as pgTAP) from tests/rls/expectations.py
	$(CLI) --quiet rls export --pgtap tests/pgtap

prove:                ## pg_prove over tests/pgtap/ on the target database at head (as `supabase test db` would)
	pg_prove --dbname "$$($(BIN)/python -c 'from schema_pkg.settings import libpq_url, resolve_target; print(libpq_url(resolve_target().url))')" tests/pgtap/*.test.sql

lock-report:          ## regenerate docs/locks.md from locks observed on a scratch database (then sql/, whose headers quote it); only on the version it is pinned to
	$(BIN)/python -m schema_pkg.lockreport
	$(CLI) --quiet sql

mutants:              ## RLS mutants from the live catalog; rewrites docs/rls-mutants.md on its pinned version (also run by `make test`); exit 1 on a survivor, or a changed report under CI
	$(BIN)/python -m tests.rls.mutation

fuzz:                 ## the RLS state machine, long random search; SEED=n to replay, EXAMPLES=n
	$(BIN)/python -m tests.rls.fuzz $(if $(SEED),--seed $(SEED),) $(if $(EXAMPLES),--examples $(EXAMPLES),)

mutants-python:       ## mutmut over the deploy path (on demand, never in CI; needs .[mutation]); MUTANTS='schema_pkg.guards*' narrows it
	@start=$$(date +%s); source=$$(cat $$(find schema_pkg tests -name '*.py' | sort) | sha256sum); \
	  if [ -f mutants/mutmut-stats.json ] && [ "$$source" != "$$(cat mutants/stats-source 2>/dev/null)" ]; then \
	    echo "schema_pkg/ or tests/ changed since mutmut's stats: collecting them afresh (docs/deploy-mutants.md)"; \
	    rm mutants/mutmut-stats.json; fi; \
	  nice -n 10 $(BIN)/mutmut run --max-children 2 $(MUTANTS); status=$$?; \
	  [ -f mutants/mutmut-stats.json ] && echo "$$source" > mutants/stats-source; \
	  $(BIN)/mutmut results; $(BIN)/python -m benchmarks.mutants; \
	  echo "make mutants-python: $$(( $$(date +%s) - start )) s in all"; exit $$status

bench:                ## benchmarks (never part of CI); FULL=1 for the full sizes
	$(BIN)/python benchmarks/migrate.py
	$(BIN)/python benchmarks/rls_read.py $(if $(FULL),--full,)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

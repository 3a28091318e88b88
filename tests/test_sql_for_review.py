"""The SQL a DBA reviews is current, needs no database, and is the SQL that runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from schema_pkg.config import CHECKOUT_DIR
from schema_pkg.sqlrender import FULL_SCRIPT, render_all
from tests.test_migration_health import full_snapshot

SQL_DIR = CHECKOUT_DIR / "sql"


def test_committed_sql_is_current(tmp_path):
    render_all(tmp_path)
    rendered = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in SQL_DIR.glob("*.sql")}
    missing, extra = sorted(set(rendered) - set(committed)), sorted(set(committed) - set(rendered))
    assert not (missing or extra), (f"sql/ is not regenerated (missing {missing}, not rendered {extra}): "
                                    "run `make regen` and commit sql/")
    stale = [name for name in rendered if rendered[name] != committed[name]]
    assert not stale, f"stale SQL in sql/: {stale}; run `make regen` and commit sql/"


@pytest.mark.slow  # a whole process: make test, not make test-fast
def test_rendering_needs_no_database(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "-m", "schema_pkg", "-q", "sql", "--out", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / FULL_SCRIPT).is_file()


def test_offline_sql_keeps_percent_signs_and_colons_literal():
    bootstrap = (SQL_DIR / "0001_auth_bootstrap.upgrade.sql").read_text()
    assert "format('CREATE ROLE %I %s'" in bootstrap
    assert "%%" not in (SQL_DIR / FULL_SCRIPT).read_text()


def test_full_script_starts_with_the_longest_try_and_the_pinned_search_path():
    body = (SQL_DIR / FULL_SCRIPT).read_text()
    assert body.index("\\set lock_timeout 1s") < body.index("SET lock_timeout = :'lock_timeout';")
    assert body.index("\\set statement_timeout 5min") < body.index(
        "SET statement_timeout = :'statement_timeout';")
    assert body.index("SET statement_timeout = :'statement_timeout';") < body.index("BEGIN;")
    assert body.index("SET search_path = public, pg_temp;") < body.index("BEGIN;")


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_full_script_via_psql_builds_the_same_catalog_as_online_upgrade(
    scratch_url, schema_pkg_database
):
    libpq = scratch_url.set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq, "-f", str(SQL_DIR / FULL_SCRIPT)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert full_snapshot(scratch_url) == full_snapshot(schema_pkg_database)

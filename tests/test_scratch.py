"""Scratch databases and roles: a dead run's leftovers go, a live run's stay, nothing else is touched."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time

import psycopg
import pytest
from alembic.util import CommandError

from schema_pkg.scratch import ScratchDatabases, run_of, shared_run_id
from schema_pkg.settings import libpq_url

DEAD = "schema_pkg_test_deadbeef"


def names(server_url, catalog: str) -> set[str]:
    column = "datname" if catalog == "pg_database" else "rolname"
    with psycopg.connect(libpq_url(server_url)) as conn:
        return {row[0] for row in conn.execute(f"SELECT {column} FROM {catalog}")}


@pytest.fixture
def other_run(schema_pkg_server):
    """A second, live run on the same server (as another machine's suite would be)."""
    run = ScratchDatabases(schema_pkg_server.url)
    yield run
    run.close()


@pytest.fixture
def dead_run_leftovers(schema_pkg_server):
    with psycopg.connect(libpq_url(schema_pkg_server.url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DEAD}_1"')
        conn.execute(f'CREATE DATABASE "{DEAD}_tpl_head" IS_TEMPLATE true')
        conn.execute(f'CREATE ROLE "{DEAD}_supabase_postgres" NOLOGIN')
        conn.execute('CREATE DATABASE "schema_pkg_testkeep"')  # not ours: no "schema_pkg_test_" prefix
    yield
    with psycopg.connect(libpq_url(schema_pkg_server.url), autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "schema_pkg_testkeep"')


def test_run_prefix_is_read_from_database_and_role_names():
    assert run_of("schema_pkg_test_1a2b3c4d_12") == "schema_pkg_test_1a2b3c4d"
    assert run_of("schema_pkg_test_1a2b3c4d_tpl_0005") == "schema_pkg_test_1a2b3c4d"
    assert run_of("schema_pkg_testkeep") is None and run_of("alawein") is None


def test_a_dead_runs_databases_and_roles_are_dropped_and_live_runs_are_kept(
        schema_pkg_scratch, schema_pkg_database, other_run, dead_run_leftovers):
    live = other_run.create()
    dropped = other_run.drop_dead_runs()
    assert set(dropped) == {f"{DEAD}_1", f"{DEAD}_tpl_head", f"{DEAD}_supabase_postgres"}
    databases = names(other_run.server_url, "pg_database")
    assert {live.database, schema_pkg_database.database, "schema_pkg_testkeep"} <= databases
    assert not {name for name in databases if name.startswith(DEAD)}
    assert f"{DEAD}_supabase_postgres" not in names(other_run.server_url, "pg_roles")


def test_a_drop_that_waits_returns_only_once_the_database_is_gone(other_run):
    made = other_run.create()
    other_run.drop(made, wait=True)
    assert made.database not in names(other_run.server_url, "pg_database")


def test_a_drop_after_the_run_ended_is_refused(schema_pkg_server):
    run = ScratchDatabases(schema_pkg_server.url)
    made = run.create()
    run.close()
    with pytest.raises(RuntimeError, match="after close"):
        run.drop(made, wait=True)


@pytest.mark.slow  # builds a template of its own
def test_a_run_drops_its_databases_and_roles_when_it_ends(schema_pkg_server):
    run = ScratchDatabases(schema_pkg_server.url)
    made = {run.clone("0002").database, run.template("0002").database, run.create_role("reader")}
    run.close()
    remaining = names(schema_pkg_server.url, "pg_database") | names(schema_pkg_server.url, "pg_roles")
    assert not made & remaining


@pytest.mark.slow  # builds a template of its own
def test_the_sessions_of_one_run_build_a_template_once_and_the_last_to_end_drops_it(schema_pkg_server):
    run_id = secrets.token_hex(4)
    first, second = (ScratchDatabases(schema_pkg_server.url, shared_by=run_id) for _ in range(2))
    template = first.template("0002")
    try:
        assert second.template("0002") == template  # found built, not built again
        with psycopg.connect(libpq_url(second.clone("0002"))) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    finally:
        first.close()
        assert template.database in names(schema_pkg_server.url, "pg_database")  # second still at work
        second.close()
    assert template.database not in names(schema_pkg_server.url, "pg_database")


def test_a_shared_template_whose_build_fails_is_never_left_for_the_other_sessions(schema_pkg_server):
    run = ScratchDatabases(schema_pkg_server.url, shared_by=secrets.token_hex(4))
    try:
        with pytest.raises(CommandError, match="Can't locate revision"):
            run.template("ffff")  # no such revision: the migration fails
        databases = names(schema_pkg_server.url, "pg_database")
        assert f"{run.shared}_tpl_ffff" not in databases
        assert f"{run.prefix}_tpl_ffff" in databases  # the session's own leftover...
    finally:
        run.close()
    assert f"{run.prefix}_tpl_ffff" not in names(schema_pkg_server.url, "pg_database")  # ...dropped with it


def test_the_shared_name_is_the_same_for_one_run_and_never_ends_a_run_prefix():
    assert shared_run_id("ci_1") == shared_run_id("ci_1") != shared_run_id("ci_2")
    assert run_of(f"schema_pkg_test_{shared_run_id('ci_1')}x_tpl_head") == \
        f"schema_pkg_test_{shared_run_id('ci_1')}x"


def test_a_run_whose_sessions_all_ended_leaves_no_shared_template_to_drop(schema_pkg_server, other_run):
    """A run's shared templates are a dead run's leftovers once no session holds its lock."""
    gone = ScratchDatabases(schema_pkg_server.url, shared_by=secrets.token_hex(4))
    name = f"{gone.shared}_tpl_head"
    with psycopg.connect(libpq_url(schema_pkg_server.url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" IS_TEMPLATE true')  # as if built, then crashed
    gone.lock.close()  # the session died: its locks went with its connection
    assert name in other_run.drop_dead_runs()


@pytest.mark.slow  # a process of its own
def test_an_unreachable_database_url_ends_the_run_with_one_line_within_seconds(tmp_path):
    (tmp_path / "test_x.py").write_text("def test_x(schema_pkg_database):\n    pass\n")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"},
    )
    assert time.monotonic() - started < 15
    assert result.returncode == 4, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if "schema_pkg:" in line]
    assert len(lines) == 1, result.stdout
    assert "the test server postgresql+psycopg://postgres@127.0.0.1:1/x (from DATABASE_URL) does not answer" \
        in lines[0]
    assert "Traceback" not in result.stdout + result.stderr

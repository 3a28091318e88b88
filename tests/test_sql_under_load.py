"""The SQL files behave like the online run under load: CONCURRENTLY builds wait for open
snapshots instead of timing out, a bounded pre-wait refuses with the pids and nothing
applied, and psql -v overrides the timeouts.  Real psql, real concurrent sessions."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.guards import parts_of
from schema_pkg.history import packaged_statements
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.test_deploy_path import slow_ddl
from tests.test_migration_lock import run_file_in_background, session_in_this_database, wait_until
from tests.test_sql_guards import invalid_indexes, psql, sql, upgrade_files_from

FILE_0008 = upgrade_files_from("0008")[0]
INDEXES_0008 = ("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname LIKE '%%_idx' AND c.relnamespace = 'public'::regnamespace")
SNAPSHOT_OLD_ENOUGH = session_in_this_database(
    "report", "xact_start < clock_timestamp() - interval '1 second'")
STEPS_0008 = len(parts_of(packaged_statements()[("0008", "upgrade")]))
IN_PREWAIT = session_in_this_database("dba-psql", "query LIKE 'DO $prewait$%%'")


@pytest.fixture
def at_0007(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    return scratch_url


def open_snapshot(url) -> psycopg.Connection:
    """A REPEATABLE READ reader of profiles holding its snapshot, as pg_dump does."""
    reader = psycopg.connect(libpq_url(url), application_name="report")
    reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    reader.execute("SELECT count(*) FROM profiles")
    return reader


def test_a_file_waits_for_an_open_snapshot_then_builds_its_indexes(at_0007):
    reader = open_snapshot(at_0007)
    wait_until(at_0007, SNAPSHOT_OLD_ENOUGH)
    run = run_file_in_background(at_0007, FILE_0008)
    wait_until(at_0007, IN_PREWAIT)
    assert recorded_revision(at_0007) == "0007"
    assert sql(at_0007, INDEXES_0008) == [(0,)]
    reader.close()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert "0008 builds indexes CONCURRENTLY; waiting up to 120 s for: pid" in stderr
    assert recorded_revision(at_0007) == "0008"
    assert invalid_indexes(at_0007) == []


def test_the_pre_wait_is_bounded_names_the_pids_and_applies_nothing(at_0007):
    with open_snapshot(at_0007) as reader:
        wait_until(at_0007, SNAPSHOT_OLD_ENOUGH)
        result = psql(at_0007, FILE_0008, "-v", "concurrent_prewait=0.5")
        pid = reader.info.backend_pid
    assert result.returncode == 3, result.stderr
    assert "0008 not started: transactions still open after 0.5 s" in result.stderr
    assert f"pid {pid} (report, idle in transaction" in result.stderr
    assert "nothing of 0008 was applied" in result.stderr
    assert recorded_revision(at_0007) == "0007"
    assert sql(at_0007, INDEXES_0008) == [(0,)]


def test_a_refused_pre_wait_records_its_attempt_failed_with_the_pids(at_0007):
    with open_snapshot(at_0007) as reader:
        wait_until(at_0007, SNAPSHOT_OLD_ENOUGH)
        assert psql(at_0007, FILE_0008, "-v", "concurrent_prewait=0.5").returncode == 3
        pid = reader.info.backend_pid
    [(status, error)] = sql(at_0007, "SELECT status, error FROM schema_pkg.history "
                                     "WHERE revision = '0008'")
    assert status == "failed" and error.startswith("0008 not started: transactions still open")
    assert f"pid {pid} (report," in error and error.endswith("nothing of 0008 was applied")


def test_a_rerun_with_every_build_completed_does_not_wait_for_old_transactions(at_0007):
    sql(at_0007, "CREATE FUNCTION public.frozen() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$BEGIN RAISE EXCEPTION 'frozen'; END$$")
    sql(at_0007, "CREATE TRIGGER frozen BEFORE UPDATE ON public.alembic_version "
                 "FOR EACH ROW EXECUTE FUNCTION public.frozen()")
    first = psql(at_0007, FILE_0008)  # every build completes, recording the revision fails
    assert first.returncode == 3 and f"all {STEPS_0008} of its steps stay applied" in first.stderr
    sql(at_0007, "DROP TRIGGER frozen ON public.alembic_version")
    with open_snapshot(at_0007):
        wait_until(at_0007, SNAPSHOT_OLD_ENOUGH)
        rerun = psql(at_0007, FILE_0008, "-v", "concurrent_prewait=0.5")
    assert rerun.returncode == 0, rerun.stderr
    assert "builds indexes CONCURRENTLY; waiting" not in rerun.stderr
    assert recorded_revision(at_0007) == "0008"


def test_a_concurrently_build_outwaits_the_files_lock_timeout(at_0007):
    """A snapshot too young for the pre-wait stalls the build for longer than the file's
    lock_timeout (1 s); the build waits for it instead of timing out."""
    reader = open_snapshot(at_0007)
    run = run_file_in_background(at_0007, FILE_0008)
    wait_until(at_0007, session_in_this_database(
        "dba-psql", "query LIKE 'CREATE INDEX CONCURRENTLY%%' "
                    "AND query_start < clock_timestamp() - interval '1.5 seconds'"))
    reader.close()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert recorded_revision(at_0007) == "0008"
    assert invalid_indexes(at_0007) == []


SLOW_DDL = slow_ddl(0.5)


def test_psql_v_statement_timeout_overrides_the_files_default(at_0007):
    sql(at_0007, SLOW_DDL)
    result = psql(at_0007, FILE_0008, "-v", "statement_timeout=100ms")
    assert result.returncode == 3
    assert "canceling statement due to statement timeout" in result.stderr
    assert recorded_revision(at_0007) == "0007"


def test_psql_v_lock_timeout_overrides_the_files_default(baseline_url):
    """With -v lock_timeout=30s a file outwaits a 1.5 s lock that the default (1 s) gives up on."""
    with psycopg.connect(libpq_url(baseline_url)) as holder:
        holder.execute("LOCK TABLE profiles IN ACCESS SHARE MODE")
        run = run_file_in_background(baseline_url, upgrade_files_from("0006")[0],
                                     "-v", "lock_timeout=30s")
        wait_until(baseline_url, session_in_this_database(
            "dba-psql", "wait_event_type = 'Lock' "
                        "AND query_start < clock_timestamp() - interval '1.5 seconds'"))
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert recorded_revision(baseline_url) == "0006"

"""Honest, resumable failure: a file or the full script that stops part-way leaves its
attempt recorded, says on the rerun what is already applied, and the rerun completes.
Each message is checked against the state it describes (real psql, real sessions)."""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
import pytest

from schema_pkg.config import script_directory
from schema_pkg.db import connection
from schema_pkg.guards import committed_parts
from schema_pkg.history import checksum, packaged_checksum, packaged_statements
from schema_pkg.scratch import migrate
from schema_pkg.settings import Target, Timeouts, libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import schema_pkg, url_text
from tests.steps import applied_line, step_count
from tests.test_lock_schedule import hold_old_snapshot
from tests.test_migration_lock import run_file_in_background, session_in_this_database, wait_until
from tests.test_sql_guards import SQL_DIR, invalid_indexes, psql, sql, upgrade_files_from

HEAD = script_directory().get_current_head()
FULL = SQL_DIR / "full_upgrade.sql"
FILE_0009 = upgrade_files_from("0009")[0]
UNIQUE_INDEX = "user_project_preferences_user_id_project_id_key"


def attempts(url, revision: str) -> list:
    """The statuses of the revision's own rows (its attempts), oldest first."""
    return sql(url, "SELECT status FROM schema_pkg.history WHERE revision = %s AND step IS NULL "
                    "ORDER BY id", [revision])


def step_rows(url, revision: str) -> list:
    """(step, status, error) of each of the revision's step rows, oldest first."""
    return sql(url, "SELECT step, status, error FROM schema_pkg.history WHERE revision = %s "
                    "AND step IS NOT NULL ORDER BY id", [revision])


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "ERROR:" in line]


def function_exists(url, name: str) -> bool:
    return sql(url, "SELECT to_regprocedure(%s) IS NOT NULL", [name])[0][0]


def test_full_script_rerun_after_a_failure_resumes_and_completes(scratch_url):
    sql(scratch_url, "CREATE TYPE public.project_category AS ENUM ('x')")  # 0002 will collide
    first = psql(scratch_url, FULL)
    assert first.returncode == 3 and 'type "project_category" already exists' in first.stderr
    # The statement's own error (no CONTEXT), then one schema_pkg line that says what is applied.
    own, summary = error_lines(first.stderr)
    assert summary.split("ERROR:  ", 1)[1] == (
        'schema_pkg: upgrade 0002 failed: type "project_category" already exists; its one '
        "transaction rolled back, so nothing of it was applied and the database is still at "
        "0001; recorded in schema_pkg.history; run this file again once the cause is fixed")
    assert recorded_revision(scratch_url) == "0001"
    assert sql(scratch_url, "SELECT status, error FROM schema_pkg.history WHERE revision = "
                            "'0002'") == [("failed", 'type "project_category" already exists')]
    sql(scratch_url, "DROP TYPE public.project_category")
    rerun = psql(scratch_url, FULL)
    assert rerun.returncode == 0, rerun.stderr
    assert "schema_pkg: 0001 is already applied; skipped" in rerun.stdout
    assert ("an earlier run of upgrade 0002 (sql, started" in rerun.stderr
            and 'did not complete: type "project_category" already exists; its one transaction '
                "rolled back, so nothing of it was applied" in rerun.stderr)
    assert recorded_revision(scratch_url) == HEAD
    assert attempts(scratch_url, "0002") == [("failed",), ("completed",)]


def test_full_script_completes_from_wherever_the_database_is(baseline_url):
    result = psql(baseline_url, FULL)
    assert result.returncode == 0, result.stderr
    assert "schema_pkg: 0005 is already applied; skipped" in result.stdout
    assert recorded_revision(baseline_url) == HEAD
    assert attempts(baseline_url, "0005") == [("completed",)]  # recorded once, online


@pytest.fixture
def at_0008_with_a_preference(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0008")  # the run's template, cloned
    sql(scratch_url, "INSERT INTO projects (id, name, slug, category) VALUES "
                     "('00000000-0000-0000-0000-0000000000a1', 'p', 'p', 'portfolio')")
    sql(scratch_url, "INSERT INTO user_project_preferences (user_id, project_id) VALUES "
                     "('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1')")
    return scratch_url


DUPLICATE = ("INSERT INTO user_project_preferences (user_id, project_id) VALUES "
             "('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1')")


def test_0009_with_a_duplicate_written_mid_run_fails_and_the_rerun_says_what_is_applied(
        at_0008_with_a_preference):
    url = at_0008_with_a_preference
    parts = committed_parts(packaged_statements()[("0009", "upgrade")])
    build = next(n for n, name in enumerate(parts, 1) if UNIQUE_INDEX[:40] in name)
    # An app session holds a lock 0009 waits for (no snapshot, so the pre-wait lets it
    # be) and writes a duplicate after 0009's duplicate check has passed.
    with psycopg.connect(libpq_url(url), application_name="app") as app:
        app.execute("LOCK TABLE user_project_preferences IN SHARE MODE")
        run = run_file_in_background(url, FILE_0009, "-v", "lock_timeout=30s")
        wait_until(url, session_in_this_database("dba-psql", "wait_event_type = 'Lock'"))
        app.execute(DUPLICATE)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 3
    duplicate = f'could not create unique index "{UNIQUE_INDEX}"'
    own, summary = error_lines(stderr)
    assert duplicate in own
    # ... with its DETAIL: which key is duplicated (no CONTEXT lines)
    assert "DETAIL:  Key (user_id, project_id)=(" in stderr and "CONTEXT:" not in stderr
    assert f"stopped at step {build} of {len(parts)}" in summary
    assert f"steps 1-{build - 1} stay applied; a failed build leaves its index INVALID" in summary
    assert "alembic_version still says 0008" in summary
    assert summary.endswith(f"run this file again to resume at step {build}")
    # The state that line describes: the steps before the build applied, the revision not
    # recorded, the failed build's unique index INVALID, each row saying so.
    assert recorded_revision(url) == "0008"
    assert function_exists(url, "public.current_user_team_id()")
    assert invalid_indexes(url) == [(UNIQUE_INDEX,)]
    assert attempts(url, "0009") == [("failed",)]
    rows = step_rows(url, "0009")
    assert [(n, status) for n, status, _ in rows] == (
        [(n, "completed") for n in range(1, build)] + [(build, "failed")])
    assert duplicate in rows[-1][2]
    # The rerun (the duplicate still there): says first what is applied, skips the completed
    # steps (0009's own "nothing was applied or deleted" check is not run again), and stops
    # at the build again with a true line.
    rerun = psql(url, FILE_0009)
    assert rerun.returncode == 3
    said_first = rerun.stderr.index("an earlier run of upgrade 0009 (sql, started")
    assert said_first < rerun.stderr.index(duplicate)
    assert (f"steps {', '.join(str(n) for n in range(1, build))} of {len(parts)} completed "
            "and stay applied; this run skips them") in rerun.stderr
    assert "nothing was applied or deleted" not in rerun.stderr
    for n in range(1, build):
        assert f"upgrade 0009 step {n} of {len(parts)} (" in rerun.stdout
    # ... and what is in place now, by the step's fingerprint: the failed unique build
    # left its index INVALID, and 0008's plain index is still there
    now = rerun.stderr[said_first:].split("not yet: ", 1)[1].splitlines()[0]
    assert f"index public.{UNIQUE_INDEX}" in now
    assert "index public.user_project_preferences_user_id_project_id_idx" in now
    assert "function public.current_user_team_id()" not in now
    sql(url, "DELETE FROM user_project_preferences WHERE ctid <> (SELECT min(ctid) "
             "FROM user_project_preferences)")
    final = psql(url, FILE_0009)
    assert final.returncode == 0, final.stderr
    assert recorded_revision(url) == "0009"
    assert invalid_indexes(url) == []
    assert attempts(url, "0009") == [("failed",), ("failed",), ("completed",)]
    ran = [n for n, status, _ in step_rows(url, "0009") if status == "completed"]
    assert sorted(ran) == list(range(1, len(parts) + 1))  # each step ran to completion once


def test_0009_stopped_by_an_idle_api_transaction_resumes_once_it_ends(at_0008_with_a_preference):
    url = at_0008_with_a_preference
    with psycopg.connect(libpq_url(url), application_name="api") as api:
        api.execute("SET ROLE authenticated")
        api.execute("SELECT count(*) FROM project_tech_stack")  # idle in transaction after this
        result = psql(url, FILE_0009)
    assert result.returncode == 3
    own, summary = error_lines(result.stderr)
    assert "canceling statement due to lock timeout" in own
    assert recorded_revision(url) == "0008"
    assert function_exists(url, "public.current_user_team_id()")  # its first step
    *done, (failed, status, error) = step_rows(url, "0009")
    assert status == "failed" and error == "canceling statement due to lock timeout"
    assert done == [(n, "completed", None) for n in range(1, failed)]
    name = committed_parts(packaged_statements()[("0009", "upgrade")])[failed - 1]
    assert f"stopped at step {failed} of" in summary and name in summary
    rerun = psql(url, FILE_0009)
    assert rerun.returncode == 0, rerun.stderr
    assert "an earlier run of upgrade 0009 (sql, started" in rerun.stderr
    assert f"upgrade 0009 step {failed - 1} of" in rerun.stdout  # skipped
    assert f"upgrade 0009 step {failed} of" not in rerun.stdout  # run again
    assert recorded_revision(url) == "0009"
    assert attempts(url, "0009") == [("failed",), ("completed",)]


def test_an_online_failure_is_recorded_with_its_error(scratch_url):
    migrate(scratch_url, "0004")
    sql(scratch_url, "CREATE SCHEMA private")  # 0006 creates it: that revision fails
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head")
    assert result.returncode == 1
    (status, error, checksum), = sql(scratch_url, "SELECT status, error, checksum FROM "
                                                  "schema_pkg.history WHERE revision = '0006'")
    assert status == "failed" and 'schema "private" already exists' in error
    assert "database left at 0005" in error
    assert checksum == packaged_checksum("0006", "upgrade")  # the revision that failed, as packaged


def build_trap(name: str, index: str, action: str) -> str:
    """An event trigger ``name`` that runs the PL/pgSQL ``action`` before the build of
    ``index`` (only) starts."""
    return f"""
CREATE FUNCTION {name}() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  IF position('{index} ON' in current_query()) > 0 THEN {action}; END IF;
END $$;
CREATE EVENT TRIGGER {name} ON ddl_command_start WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION {name}();
"""


def slow_build_of(index: str) -> str:
    """Holds the build of ``index`` for 30 s before it starts: time to terminate the
    backend mid-step."""
    return build_trap("slow_build", index, "PERFORM pg_sleep(30)")


SLOW_INDEX = "projects_owner_id_idx"
BUILDING = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "  # never another
            f"AND query LIKE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS {SLOW_INDEX} %%'")  # test's (xdist)


def terminate_the_build(url) -> None:
    wait_until(url, f"SELECT EXISTS ({BUILDING})")
    sql(url, f"SELECT pg_terminate_backend(pid) FROM ({BUILDING}) AS b")


def slow_step(revision: str = "0008") -> int:
    return next(n for n, name in enumerate(
        committed_parts(packaged_statements()[(revision, "upgrade")]), 1) if SLOW_INDEX in name)


def completed_once(url, revision: str) -> bool:
    """Each step of the revision completed exactly once (none was repeated)."""
    rows = sql(url, "SELECT step, count(*) FROM schema_pkg.history WHERE revision = %s AND "
                    "step IS NOT NULL AND status = 'completed' GROUP BY step ORDER BY step",
               [revision])
    count = step_count(revision)
    return rows == [(n, 1) for n in range(1, count + 1)]


def test_a_file_whose_backend_is_terminated_mid_build_resumes_at_that_step(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    sql(scratch_url, slow_build_of(SLOW_INDEX))
    run = run_file_in_background(scratch_url, upgrade_files_from("0008")[0])
    terminate_the_build(scratch_url)
    _, stderr = run.communicate(timeout=60)
    sql(scratch_url, "DROP EVENT TRIGGER slow_build")
    assert run.returncode == 2  # psql: the connection to the server went bad
    assert "terminating connection due to administrator command" in stderr
    stopped = slow_step()
    assert [(n, status) for n, status, _ in step_rows(scratch_url, "0008")] == (
        [(n, "completed") for n in range(1, stopped)] + [(stopped, "started")])
    assert recorded_revision(scratch_url) == "0007"
    rerun = psql(scratch_url, upgrade_files_from("0008")[0])
    assert rerun.returncode == 0, rerun.stderr
    assert ("did not complete: the run stopped or its session ended; steps "
            f"{', '.join(str(n) for n in range(1, stopped))} of") in rerun.stderr
    assert rerun.stdout.count("completed in an earlier run; skipped") == stopped - 1
    assert recorded_revision(scratch_url) == "0008"
    assert invalid_indexes(scratch_url) == []
    assert completed_once(scratch_url, "0008")
    assert (stopped, "failed", "the run stopped or its session ended") in step_rows(
        scratch_url, "0008")


def test_an_online_run_terminated_mid_build_records_the_step_and_resumes_there(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    sql(scratch_url, slow_build_of(SLOW_INDEX))
    run = schema_pkg("--url", url_text(scratch_url), "upgrade", "0008", wait=False)
    terminate_the_build(scratch_url)
    _, stderr = run.communicate(timeout=60)
    sql(scratch_url, "DROP EVENT TRIGGER slow_build")
    stopped = slow_step()
    assert run.returncode == 1, stderr
    assert f"database left at 0007; {applied_line('0008', stopped - 1)}" in stderr, stderr
    *done, (number, status, error) = step_rows(scratch_url, "0008")
    assert done == [(n, "completed", None) for n in range(1, stopped)]
    assert (number, status) == (stopped, "failed")
    assert "terminating connection due to administrator command" in error
    (revision_error,) = [e for s, e in sql(scratch_url, "SELECT status, error FROM "
                                           "schema_pkg.history WHERE revision = '0008' AND "
                                           "step IS NULL") if s == "failed"]
    assert "connection lost during migration" in revision_error
    # A file run resumes where the online run stopped (one record, either path).
    rerun = psql(scratch_url, upgrade_files_from("0008")[0])
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.count("completed in an earlier run; skipped") == stopped - 1
    assert recorded_revision(scratch_url) == "0008"
    assert completed_once(scratch_url, "0008")


FAILING_BUILD = build_trap("failing_build", SLOW_INDEX, "RAISE EXCEPTION 'build refused'")


def failed_mid_0008(schema_pkg_database_at):
    """A database at 0007 whose online upgrade to 0008 failed at the build of SLOW_INDEX
    (an event trigger refuses it), neither a lock timeout nor a lost connection: the
    database's URL and the run."""
    url = schema_pkg_database_at("0007")  # the run's template, cloned
    sql(url, FAILING_BUILD)
    run = schema_pkg("--url", url_text(url), "upgrade", "0008")
    sql(url, "DROP EVENT TRIGGER failing_build")
    assert run.returncode == 1 and slow_step() > 1, run.stderr
    return url, run


def test_an_online_run_failing_mid_revision_says_which_of_its_steps_stay_applied(schema_pkg_database_at):
    url, run = failed_mid_0008(schema_pkg_database_at)
    assert run.stderr.rstrip().endswith(
        "migration failed: build refused; database left at 0007; "
        + applied_line("0008", slow_step() - 1)), run.stderr
    assert recorded_revision(url) == "0007"


def test_the_steps_left_applied_read_the_same_over_a_new_connection_or_from_the_packaged_statements(
        schema_pkg_database_at):
    """The lost connection's line reads them over a new connection, the Ctrl-C line from
    the packaged statements (no guard is left then); a new connection that fails says so."""
    from schema_pkg.migration_env import packaged_partly_applied, revision_after_lost_connection

    url, _ = failed_mid_0008(schema_pkg_database_at)
    left = "; " + applied_line("0008", slow_step() - 1)
    key = ("0008", "upgrade")
    own = packaged_statements()[key]
    guard = SimpleNamespace(current="0008", direction="upgrade", own={key: own},
                            checksums={key: checksum(own)})
    timeouts = Timeouts.from_env({})
    assert revision_after_lost_connection(Target(url, "--url"), timeouts, guard) == ("0007", left)
    with connection(url) as conn:
        assert packaged_partly_applied(conn, *key) == left
        assert packaged_partly_applied(conn, "0009", "upgrade") == ""  # no step of it ran
    gone = Target(url.set(port=1), "--url")  # nothing listens there
    assert revision_after_lost_connection(gone, timeouts, guard) == ("unknown (cannot reconnect)", "")


def test_an_online_run_stopped_after_its_last_step_says_every_step_stays_applied(schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    count = step_count("0008")
    with psycopg.connect(libpq_url(scratch_url)) as holder:
        # Reads of alembic_version pass; the UPDATE recording 0008, after its last step, waits.
        holder.execute("LOCK TABLE alembic_version IN EXCLUSIVE MODE")
        run = schema_pkg("--url", url_text(scratch_url), "upgrade", "0008",
                         SCHEMA_PKG_LOCK_TIMEOUT="100ms", SCHEMA_PKG_LOCK_RETRIES="1")
    assert run.returncode == 1, run.stderr
    assert "lock not available" in run.stderr and "database left at 0007" in run.stderr
    assert applied_line("0008", count) in run.stderr, run.stderr
    assert recorded_revision(scratch_url) == "0007"
    rerun = schema_pkg("--url", url_text(scratch_url), "upgrade", "0008")
    assert rerun.returncode == 0, rerun.stderr
    assert recorded_revision(scratch_url) == "0008"
    assert completed_once(scratch_url, "0008")


def test_an_online_rerun_skips_the_steps_a_failed_run_completed(at_0008_with_a_preference):
    url = at_0008_with_a_preference
    sql(url, DUPLICATE.replace("b1", "b2") + ", ('00000000-0000-0000-0000-0000000000b2', "
                                             "'00000000-0000-0000-0000-0000000000a1')")
    first = schema_pkg("--url", url_text(url), "upgrade", "0009")
    assert first.returncode == 1  # 0009's own check refuses the duplicates in step 1
    assert "database left at 0008" in first.stderr and " applied (recorded" not in first.stderr
    assert step_rows(url, "0009")[-1][:2] == (1, "failed")
    assert "duplicated (user_id, project_id) pairs" in step_rows(url, "0009")[-1][2]
    sql(url, "DELETE FROM user_project_preferences WHERE user_id = "
             "'00000000-0000-0000-0000-0000000000b2'")
    with psycopg.connect(libpq_url(url), application_name="api") as api:
        api.execute("SET ROLE authenticated")
        api.execute("SELECT count(*) FROM project_tech_stack")  # idle in transaction: a lock
        second = schema_pkg("--url", url_text(url), "upgrade", "0009",
                            SCHEMA_PKG_LOCK_TIMEOUT="100ms", SCHEMA_PKG_LOCK_RETRIES="1")
    assert second.returncode == 1, second.stderr
    *done, (stopped, status, _) = step_rows(url, "0009")
    assert status == "failed" and stopped > 1
    assert "database left at 0008; " in second.stderr, second.stderr
    assert second.stderr.rstrip().endswith(applied_line("0009", stopped - 1)), second.stderr
    # A rerun the pre-wait refuses (an old snapshot) says the earlier run's steps stay applied.
    holder = hold_old_snapshot(url)
    refused = schema_pkg("--url", url_text(url), "upgrade", "0009", SCHEMA_PKG_CONCURRENT_PREWAIT="1")
    holder.release()
    assert refused.returncode == 1, refused.stderr
    assert "0009 not started: transactions still open" in refused.stderr
    assert f"database left at 0008; {applied_line('0009', stopped - 1)}" in refused.stderr
    # So does the file's pre-wait, refusing for the same reason.
    holder = hold_old_snapshot(url)
    by_file = psql(url, FILE_0009, "-v", "concurrent_prewait=1")
    holder.release()
    assert by_file.returncode == 3, by_file.stderr
    count = step_count("0009")
    assert (f"steps {', '.join(map(str, range(1, stopped)))} of {count} stay applied from an "
            "earlier run; nothing more of 0009 was applied") in by_file.stderr, by_file.stderr
    third = schema_pkg("--url", url_text(url), "upgrade", "0009")
    assert third.returncode == 0, third.stderr
    assert f"upgrade 0009 step {stopped - 1} of" in third.stdout + third.stderr  # skipped
    assert recorded_revision(url) == "0009"
    assert completed_once(url, "0009")

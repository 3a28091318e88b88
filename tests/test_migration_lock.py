"""The migration lock: deploys serialize, online runs and psql files alike, and no API role
can take it or stop a deploy (issue 14, item 4).  Files run with real psql."""

from __future__ import annotations

import subprocess
import time

import psycopg
import pytest

from schema_pkg import migrationlock
from schema_pkg.config import script_directory
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text
from tests.test_sql_guards import SQL_DIR, psql, sql, upgrade_files_from

HEAD = script_directory().get_current_head()
OLD_ADVISORY_KEY = "SELECT pg_advisory_lock(hashtextextended('schema_pkg migrations', 0))"
FILE_0006 = upgrade_files_from("0006")[0]


def hold_the_lease(url, application: str = "deploy-job-7") -> psycopg.Connection:
    """A session holding the migration lock, as a running deploy does."""
    conn = psycopg.connect(libpq_url(url), autocommit=True, application_name=application)
    conn.execute(migrationlock.BOOTSTRAP)
    assert conn.execute(migrationlock.TRY).fetchone() == (True,)
    return conn


def wait_until(url, query: str, params=(), timeout: float = 20) -> None:
    """Poll the server (never a blind sleep) until ``query`` returns true."""
    deadline = time.monotonic() + timeout
    while not sql(url, query, params)[0][0]:
        assert time.monotonic() < deadline, f"never true: {query}"
        time.sleep(0.05)


def history_rows(url) -> list:
    return sql(url, "SELECT revision, direction, mode FROM schema_pkg.history WHERE step IS NULL "
                    "ORDER BY id")


def test_an_api_roles_advisory_lock_on_the_old_key_no_longer_stops_a_deploy(baseline_url):
    with psycopg.connect(libpq_url(baseline_url), autocommit=True) as anon:
        anon.execute("SET ROLE anon")
        anon.execute(OLD_ADVISORY_KEY)
        result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                            SCHEMA_PKG_MIGRATION_LOCK_WAIT="2")
    assert result.returncode == 0, result.stderr
    assert recorded_revision(baseline_url) == HEAD


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize("statement", [
    migrationlock.TRY,
    "LOCK TABLE schema_pkg.migration_lock IN ACCESS SHARE MODE",
    "SELECT * FROM schema_pkg.migration_lock FOR UPDATE",
], ids=["take_the_lease", "lock_the_table", "lock_the_row"])
def test_an_api_role_cannot_take_or_hold_the_migration_lock(head_url, role, statement):
    with psycopg.connect(libpq_url(head_url)) as conn:
        conn.execute(f"SET LOCAL ROLE {role}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_waiting_for_the_migration_lock_is_bounded_and_names_the_holder(baseline_url):
    with hold_the_lease(baseline_url) as holder:
        pid = holder.info.backend_pid
        result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                            SCHEMA_PKG_MIGRATION_LOCK_WAIT="0.5")
    assert_one_line_error(result, 1, "another schema_pkg migration holds the migration lock "
                                     f"(pid {pid} (deploy-job-7, since ")
    assert "gave up after 0.5 s (SCHEMA_PKG_MIGRATION_LOCK_WAIT)" in result.stderr
    assert recorded_revision(baseline_url) == "0005"


def test_a_lease_whose_session_ended_is_free(baseline_url):
    holder = hold_the_lease(baseline_url)
    pid = holder.info.backend_pid
    holder.close()  # killed without releasing: the row still names it
    wait_until(baseline_url, "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [pid])
    assert sql(baseline_url, "SELECT holder_pid FROM schema_pkg.migration_lock") == [(pid,)]
    result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                        SCHEMA_PKG_MIGRATION_LOCK_WAIT="0.5")
    assert result.returncode == 0, result.stderr
    assert sql(baseline_url, "SELECT holder_pid FROM schema_pkg.migration_lock") == [(None,)]


def test_concurrent_online_deploys_serialize_and_apply_each_revision_once(baseline_url):
    runs = [schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head", wait=False)
            for _ in range(2)]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    applied = [revision for revision, direction, _ in history_rows(baseline_url)
               if direction == "upgrade"]
    assert len(applied) == len(set(applied))
    assert recorded_revision(baseline_url) == HEAD


def test_a_file_refuses_after_its_bounded_wait_and_names_the_holder(baseline_url):
    before = history_rows(baseline_url)
    with hold_the_lease(baseline_url) as holder:
        result = psql(baseline_url, FILE_0006, "-v", "migration_lock_wait=0.5")
        pid = holder.info.backend_pid
    assert result.returncode == 3, result.stderr
    assert (f"another schema_pkg migration holds the migration lock (pid {pid} (deploy-job-7"
            in result.stderr)
    assert "gave up after 0.5 s (psql -v migration_lock_wait=SECONDS); nothing was changed" \
        in result.stderr
    assert recorded_revision(baseline_url) == "0005"
    assert history_rows(baseline_url) == before


def session_in_this_database(application: str, condition: str = "true") -> str:
    """A query true once a session of ``application`` in the queried database matches
    ``condition``.  Never a session of another test: xdist workers run the same files in
    other databases of the same server at the same moment."""
    return ("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            f"AND application_name = '{application}' AND {condition})")


def run_file_in_background(url, path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(["psql", "-X", "-q", *options, "-d", libpq_url(url), "-f", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={"PATH": "/usr/bin:/bin", "PGAPPNAME": "dba-psql"})


def test_a_file_waits_for_a_running_deploy_then_applies(baseline_url):
    holder = hold_the_lease(baseline_url)
    run = run_file_in_background(baseline_url, FILE_0006)
    wait_until(baseline_url, session_in_this_database("dba-psql", "query LIKE 'DO $lock$%%'"))
    assert recorded_revision(baseline_url) == "0005"
    holder.execute(migrationlock.RELEASE)
    holder.close()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert recorded_revision(baseline_url) == "0006"


def test_an_online_run_waits_for_a_file_in_progress_says_so_and_names_it(baseline_url):
    # The file holds the lock while it waits (up to 30 s) for a lock 0006 needs.
    with psycopg.connect(libpq_url(baseline_url)) as reader:
        reader.execute("LOCK TABLE profiles IN ACCESS SHARE MODE")
        run = run_file_in_background(baseline_url, FILE_0006, "-v", "lock_timeout=30s")
        wait_until(baseline_url, "SELECT EXISTS (SELECT 1 FROM schema_pkg.migration_lock l "
                                 "JOIN pg_stat_activity a ON a.pid = l.holder_pid "
                                 "WHERE a.application_name = 'dba-psql')")
        online = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head",
                            SCHEMA_PKG_MIGRATION_LOCK_WAIT="0.5")
        loud = schema_pkg("--url", url_text(baseline_url), "upgrade", "head",
                          SCHEMA_PKG_MIGRATION_LOCK_WAIT="0.5")
        reader.rollback()
    assert_one_line_error(online, 1, "another schema_pkg migration holds the migration lock")
    assert "(dba-psql, since" in online.stderr
    waiting = [line for line in loud.stderr.splitlines() if "waiting up to" in line]
    assert len(waiting) == 1 and "for the migration lock, held by pid" in waiting[0], loud.stderr
    assert "(dba-psql, since" in waiting[0]
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert recorded_revision(baseline_url) == "0006"
    result = schema_pkg("-q", "--url", url_text(baseline_url), "upgrade", "head")
    assert result.returncode == 0, result.stderr
    assert recorded_revision(baseline_url) == HEAD


def test_the_files_release_the_lock_when_they_finish(scratch_url):
    assert psql(scratch_url, SQL_DIR / "full_upgrade.sql").returncode == 0
    assert sql(scratch_url, "SELECT holder_pid FROM schema_pkg.migration_lock") == [(None,)]

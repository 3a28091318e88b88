"""Clear messages: a backend terminated mid-run, and a psqlrc with AUTOCOMMIT off."""

from __future__ import annotations

import os
import subprocess

from schema_pkg.config import script_directory
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text
from tests.test_migration_lock import wait_until
from tests.test_sql_guards import SQL_DIR, sql

HEAD = script_directory().get_current_head()
BUILDING = ("SELECT pid FROM pg_stat_activity WHERE application_name = 'schema_pkg' "
            "AND datname = current_database() "  # never another test's run (xdist)
            "AND query LIKE 'CREATE INDEX CONCURRENTLY%%'")


# Every index build in this database first sleeps 30 s: time to terminate it mid-build.
SLOW_INDEX_BUILDS = """
CREATE FUNCTION slow_index_build() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(30); END $$;
CREATE EVENT TRIGGER slow_index_builds ON ddl_command_start WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION slow_index_build();
"""


def test_a_backend_terminated_during_an_index_build_gives_one_line_and_the_rerun_completes(
        schema_pkg_database_at):
    scratch_url = schema_pkg_database_at("0007")  # the run's template, cloned
    sql(scratch_url, SLOW_INDEX_BUILDS)
    run = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head", wait=False)
    wait_until(scratch_url, f"SELECT EXISTS ({BUILDING})")
    sql(scratch_url, f"SELECT pg_terminate_backend(pid) FROM ({BUILDING}) AS b")
    _, stderr = run.communicate(timeout=60)
    sql(scratch_url, "DROP EVENT TRIGGER slow_index_builds")
    run.stderr = stderr
    assert_one_line_error(run, 1, "connection lost during migration")
    assert "database left at 0007" in stderr
    rerun = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", "head")
    assert rerun.returncode == 0, rerun.stderr
    assert recorded_revision(scratch_url) == HEAD


def test_autocommit_off_in_a_psqlrc_gets_its_own_message_and_changes_nothing(scratch_url,
                                                                              tmp_path):
    psqlrc = tmp_path / "psqlrc"
    psqlrc.write_text("\\set AUTOCOMMIT off\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PSQLRC"] = str(psqlrc)
    result = subprocess.run(["psql", "-q", "-d", libpq_url(scratch_url),
                             "-f", str(SQL_DIR / "full_upgrade.sql")],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 3
    assert "psql has AUTOCOMMIT off (a psqlrc?)" in result.stderr
    assert "-1/--single-transaction" not in result.stderr
    assert sql(scratch_url, "SELECT count(*) FROM pg_namespace WHERE nspname IN "
                            "('auth', 'schema_pkg', 'private')") == [(0,)]

"""One run applies several revisions and fails in the last: every earlier revision stays
committed and recorded, and the message names the last completed one.  Checked for each
revision in turn (from the revision graph): a fresh empty database whose event trigger
fails the first DDL statement run while the database is at the revision before it."""

from __future__ import annotations

import psycopg
import pytest

from schema_pkg.config import revisions_in_order
from schema_pkg.history import packaged_checksum
from schema_pkg.settings import libpq_url
from schema_pkg.verify import recorded_revision
from tests.clirun import assert_one_line_error, schema_pkg, url_text

REVISIONS = [script.revision for script in revisions_in_order()]

# Fails any DDL while alembic_version holds the given revision (created outside public, so no
# revision's own checks see it; event triggers fire for DDL only, never for the guards' DO
# blocks or the history insert).
TRAP = """
CREATE SCHEMA trap;
CREATE FUNCTION trap.fail_after() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('public.alembic_version') IS NOT NULL THEN  -- two IFs: plpgsql plans each
    IF (SELECT version_num FROM public.alembic_version) = '{after}' THEN
      RAISE EXCEPTION 'trap: no DDL after {after}';
    END IF;
  END IF;
END $$;
CREATE EVENT TRIGGER fail_after ON ddl_command_start EXECUTE FUNCTION trap.fail_after();
"""


def completed_rows(url) -> list[tuple[str, str, str]]:
    """The deployment record's completed applications (a failed attempt has its own row)."""
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute("SELECT revision, direction, checksum FROM schema_pkg.history "
                            "WHERE status = 'completed' AND step IS NULL ORDER BY id").fetchall()


@pytest.mark.parametrize("failing", REVISIONS[1:])
def test_a_run_failing_in_its_last_revision_keeps_every_earlier_one_committed_and_recorded(
        scratch_url, failing):
    completed = REVISIONS[:REVISIONS.index(failing)]
    with psycopg.connect(libpq_url(scratch_url), autocommit=True) as conn:
        conn.execute(TRAP.format(after=completed[-1]))
    result = schema_pkg("-q", "--url", url_text(scratch_url), "upgrade", failing)
    assert_one_line_error(result, 1, f"trap: no DDL after {completed[-1]}")
    assert f"database left at {completed[-1]}" in result.stderr
    assert recorded_revision(scratch_url) == completed[-1]
    assert completed_rows(scratch_url) == [(revision, "upgrade", packaged_checksum(revision, "upgrade"))
                                         for revision in completed]

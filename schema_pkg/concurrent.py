"""CONCURRENTLY statements in an online run.

* They run with ``lock_timeout = 0``: besides its SHARE UPDATE EXCLUSIVE lock
  (which API reads and writes never conflict with), CREATE INDEX CONCURRENTLY
  waits for every older transaction, and lock_timeout cuts those waits too, so
  the short tries of the lock schedule would fail every build while any API
  transaction runs longer.  statement_timeout still bounds them.
* Before a CREATE INDEX CONCURRENTLY, an INVALID index of the same name (left
  by a failed build) is dropped, with the query the SQL files run by \\gexec;
  a valid one is kept, so a retry never rebuilds an index that completed.
* Before a revision that builds CONCURRENTLY, :func:`wait_for_old_transactions`
  lists the sessions whose open transactions would stall the build (those
  holding a snapshot or a transaction id, which the build waits for) and
  waits for them, for a bounded time, instead of failing mid-build.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from alembic.util import CommandError
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from schema_pkg import guards

PREWAIT_SETTING = "schema_pkg.concurrent_prewait"

# The other sessions of this database whose open transactions would stall a
# CONCURRENTLY build: they hold a snapshot or a transaction id, for over
# ``older_than`` seconds.  One text for the online run and the files.
STALLING_SESSIONS = """
    SELECT pid, coalesce(nullif(application_name, ''), 'no application_name') AS application,
           state, round(extract(epoch FROM clock_timestamp() - xact_start)::numeric, 1) AS age
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND application_name <> 'schema_pkg watch'
      AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)  -- holds a snapshot or an xid
      AND xact_start < clock_timestamp() - make_interval(secs => {older_than})
    ORDER BY xact_start"""
OLD_TRANSACTIONS_SQL = STALLING_SESSIONS.format(older_than=":older_than")


def prewait_in_file(revision: str, skip_when: str, record_refusal: str, applied: str) -> str:
    """The file's wait before a revision that builds CONCURRENTLY: a top-level DO
    block that reads pg_stat_activity afresh (pg_stat_clear_snapshot) and COMMITs
    between tries, so it neither sees a frozen view nor holds a snapshot itself; at
    most schema_pkg.concurrent_prewait seconds, then it refuses naming the pids.
    ``skip_when``: SQL, true when no build is left to run (an earlier attempt completed
    them all); ``record_refusal``: a statement run with the refusal in ``reason`` and
    committed before the error (the attempt's row, failed with it); ``applied``: SQL
    (text), what stays applied of the revision then (:func:`steps.applied_by_earlier_runs`)."""
    return f"""DO $prewait$
DECLARE
  deadline timestamptz := clock_timestamp()
    + make_interval(secs => current_setting('{PREWAIT_SETTING}')::float8);
  stalling text;
  listed boolean := false;
  reason text;
BEGIN
  IF {skip_when} THEN
    RETURN;  -- every build completed in an earlier run: nothing to wait for
  END IF;
  LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT string_agg(format('pid %s (%s, %s, open %s s)', s.pid, s.application, s.state, s.age),
                      '; ')
      INTO stalling
      FROM ({STALLING_SESSIONS.format(older_than="1")}) AS s;
    COMMIT;
    EXIT WHEN stalling IS NULL;
    IF NOT listed THEN
      RAISE NOTICE 'schema_pkg: {revision} builds indexes CONCURRENTLY; waiting up to % s for: %',
        current_setting('{PREWAIT_SETTING}'), stalling;
      listed := true;
    END IF;
    IF clock_timestamp() >= deadline THEN
      reason := format('{revision} not started: transactions still open after %s s '
        '(psql -v concurrent_prewait=SECONDS) would stall its CONCURRENTLY builds: %s; %s',
        current_setting('{PREWAIT_SETTING}'), stalling, {applied});
      {record_refusal};
      COMMIT;
      RAISE EXCEPTION 'schema_pkg: %', reason;
    END IF;
    PERFORM pg_sleep(0.25);
  END LOOP;
END
$prewait$"""


def install(connection: Connection, lock_timeout: Callable[[], int]) -> None:
    """Hook the connection: CONCURRENTLY statements get lock_timeout 0 and, for index
    builds, an INVALID leftover dropped first; the try's lock_timeout comes back after."""

    def before(conn, cursor, statement, parameters, context, executemany):
        if not guards.CONCURRENT_STATEMENT.match(statement):
            return
        cursor.execute("SET lock_timeout = 0")
        build = guards.CONCURRENT_INDEX.match(statement)
        if build:
            cursor.execute(guards.drop_invalid_index(build["name"], build["table"]))
            for (drop,) in cursor.fetchall():
                cursor.execute(drop)

    def after(conn, cursor, statement, parameters, context, executemany):
        if guards.CONCURRENT_STATEMENT.match(statement):
            cursor.execute(f"SET lock_timeout = '{lock_timeout()}ms'")

    event.listen(connection, "before_cursor_execute", before)
    event.listen(connection, "after_cursor_execute", after)


def describe(rows) -> str:
    return "; ".join(f"pid {r.pid} ({r.application}, {r.state}, open {r.age} s)" for r in rows)


def wait_for_old_transactions(conn: Connection, revision: str, bound: float,
                              note: Callable[[str], None], older_than: float = 1.0) -> None:
    """Wait (at most ``bound`` seconds) until no other session of this database has a
    transaction open for longer than ``older_than`` seconds; list them once."""
    deadline = time.monotonic() + bound
    listed = False
    while True:
        # pg_stat_activity is read once per transaction unless the snapshot is cleared
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        rows = conn.execute(text(OLD_TRANSACTIONS_SQL), {"older_than": older_than}).all()
        if not rows:
            return
        if not listed:
            note(f"{revision} builds indexes CONCURRENTLY; waiting up to {bound:g} s for "
                 f"{len(rows)} open transaction(s): {describe(rows)}")
            listed = True
        if time.monotonic() >= deadline:
            raise CommandError(
                f"{revision} not started: transactions still open after {bound:g} s "
                f"(SCHEMA_PKG_CONCURRENT_PREWAIT) would stall its CONCURRENTLY builds: "
                f"{describe(rows)}")
        time.sleep(0.25)

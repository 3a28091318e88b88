"""The migration lock: a lease row in ``schema_pkg.migration_lock``, for online runs and files.

Deploys on one database must serialize, and nothing an API role can do may
stop them.  An advisory lock fails the second rule: any role may call
``pg_advisory_lock`` on the same key (Supabase's ``postgres`` cannot revoke
it).  So the lock is a lease held in a table of schema ``schema_pkg``, on
which PUBLIC (and so every API role) has no privilege at all:

* one row; its holder is a backend (pid and backend_start);
* taking it is one UPDATE that succeeds only while the row names no live
  holder, committed at once, so the lease outlives the run's own commits
  (revisions, CONCURRENTLY segments) and holds no transaction open that a
  CREATE INDEX CONCURRENTLY would wait for;
* it ends when the holder releases it, or with the holder's session (a
  killed run, a psql file stopped by ON_ERROR_STOP): a holder whose backend
  is gone holds nothing, so no lease is ever stuck;
* a holder of another role whose backend_start this role may not read
  (no pg_read_all_stats) counts as alive while its pid is, which can only
  make a run wait, never run beside another.

The same SQL serves both paths: the online run polls :data:`TRY` between
short transactions; a file runs :func:`wait_in_file`, a top-level DO block
that COMMITs between tries (PostgreSQL 11+), bounded by
``schema_pkg.migration_lock_wait`` seconds.
"""

from __future__ import annotations

import time

from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection

TABLE = "schema_pkg.migration_lock"
WAIT_SETTING = "schema_pkg.migration_lock_wait"

# Created only when missing (so concurrent first runs never race on REVOKE,
# which fails with "tuple concurrently updated"); a concurrent creator wins.
BOOTSTRAP = f"""DO $bootstrap$
BEGIN
  IF to_regclass('{TABLE}') IS NULL THEN
    CREATE SCHEMA IF NOT EXISTS schema_pkg;
    REVOKE ALL ON SCHEMA schema_pkg FROM PUBLIC;
    CREATE TABLE IF NOT EXISTS {TABLE} (
      one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
      holder_pid integer,
      holder_backend_start timestamptz,
      holder_application text,
      acquired_at timestamptz
    );
    REVOKE ALL ON TABLE {TABLE} FROM PUBLIC;
    INSERT INTO {TABLE} (one_row) VALUES (true) ON CONFLICT DO NOTHING;
  END IF;
EXCEPTION WHEN unique_violation OR duplicate_object OR duplicate_table OR duplicate_schema THEN
  NULL;  -- another run created it at the same moment
END
$bootstrap$"""

# The holder, when it is alive (its pid runs and, where visible, started when recorded).
LIVE_HOLDER = """l.holder_pid IS NOT NULL AND l.holder_pid <> pg_backend_pid() AND EXISTS (
    SELECT 1 FROM pg_stat_activity a
    WHERE a.pid = l.holder_pid
      AND (a.backend_start IS NULL OR a.backend_start = l.holder_backend_start))"""

TRY = f"""UPDATE {TABLE} AS l
   SET holder_pid = pg_backend_pid(),
       holder_backend_start = (SELECT backend_start FROM pg_stat_activity
                               WHERE pid = pg_backend_pid()),
       holder_application = current_setting('application_name'),
       acquired_at = clock_timestamp()
 WHERE NOT ({LIVE_HOLDER})
RETURNING true"""

HOLDER = f"""SELECT format('pid %s (%s, since %s)', l.holder_pid,
                   coalesce(nullif(l.holder_application, ''), 'no application_name'),
                   to_char(l.acquired_at, 'YYYY-MM-DD HH24:MI:SS'))
  FROM {TABLE} AS l WHERE {LIVE_HOLDER}"""

RELEASE = f"""UPDATE {TABLE}
   SET holder_pid = NULL, holder_backend_start = NULL, holder_application = NULL,
       acquired_at = NULL
 WHERE holder_pid = pg_backend_pid()"""

BUSY = "another schema_pkg migration holds the migration lock"


def wait_in_file() -> str:
    """The file's wait: try, COMMIT, sleep, for at most schema_pkg.migration_lock_wait
    seconds; then refuse, naming the holder, with nothing changed."""
    return f"""DO $lock$
DECLARE
  deadline timestamptz := clock_timestamp()
    + make_interval(secs => current_setting('{WAIT_SETTING}')::float8);
  got boolean;
  holder text;
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot();
    EXECUTE $try${TRY}$try$ INTO got;
    IF got THEN
      COMMIT;
      RETURN;
    END IF;
    EXECUTE $holder${HOLDER}$holder$ INTO holder;
    COMMIT;
    IF clock_timestamp() >= deadline THEN
      RAISE EXCEPTION 'schema_pkg: {BUSY} (%); gave up after % s '
        '(psql -v migration_lock_wait=SECONDS); nothing was changed',
        coalesce(holder, 'a session that just ended'), current_setting('{WAIT_SETTING}');
    END IF;
    PERFORM pg_sleep(0.2);
  END LOOP;
END
$lock$"""


def take(conn: Connection, wait_seconds: float, note=None) -> None:
    """Take the lease, polling between short transactions (a session blocked inside a
    statement would hold a snapshot that a running CREATE INDEX CONCURRENTLY waits for);
    give up after ``wait_seconds`` naming the holder.  ``note`` (a one-line printer) is
    told once, when the lease is busy, who holds it and how long this run will wait."""
    conn.execute(text(BOOTSTRAP))
    conn.commit()
    deadline = time.monotonic() + wait_seconds
    pause = 0.05
    told = False
    while True:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        acquired = conn.execute(text(TRY)).scalar()
        holder = None if acquired else conn.execute(text(HOLDER)).scalar()
        conn.commit()
        if acquired:
            return
        if note is not None and not told and holder:
            note(f"waiting up to {wait_seconds:g} s for the migration lock, held by {holder}")
            told = True
        if time.monotonic() >= deadline:
            raise CommandError(
                f"{BUSY} ({holder or 'a session that just ended'}); gave up after "
                f"{wait_seconds:g} s (SCHEMA_PKG_MIGRATION_LOCK_WAIT)")
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def release(conn: Connection) -> None:
    """Give the lease back (a lost session gives it back by ending)."""
    conn.execute(text(RELEASE))
    conn.commit()

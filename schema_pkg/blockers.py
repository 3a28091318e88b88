"""Who is blocking the migration: named in the message when a lock wait gives up.

A lock timeout ends the waiting statement, after which pg_blocking_pids() of
our backend is empty again.  So while a retry runs, :class:`BlockerWatch`
polls pg_blocking_pids() from a second connection and keeps what it saw.
Without a watch (no retry was configured), :func:`describe_lock_holders`
lists the sessions holding locks on our schemas' relations instead.
"""

from __future__ import annotations

import threading

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection

from schema_pkg.settings import libpq_url

# One row per session: its pid, application, state, query, and the relation
# locks it holds in this database.
SESSION_COLUMNS = """
    a.pid, coalesce(nullif(a.application_name, ''), 'no application_name') AS application,
    a.state, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60) AS query,
    (SELECT string_agg(DISTINCT l.mode || ' on ' || n.nspname || '.' || c.relname, ', ')
       FROM pg_locks l
       JOIN pg_class c ON c.oid = l.relation
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.pid = a.pid AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
      AS locks
"""

WAITING_ON = """
    (SELECT n.nspname || '.' || c.relname FROM pg_locks l
     JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE l.pid = %(pid)s AND NOT l.granted LIMIT 1)"""

# Is our backend waiting for a lock?  Asked every poll; the usual answer, no, costs one
# call that reads only the lock table.
BLOCKED_SQL = "SELECT cardinality(pg_blocking_pids(%(pid)s)) > 0"

# Only then: the blockers and the relation our backend waits on, read in one statement (a
# 50 ms try can end between two).
BLOCKERS_SQL = f"""
    SELECT {SESSION_COLUMNS}, {WAITING_ON} AS waiting_on FROM pg_stat_activity a
    WHERE a.pid = ANY (pg_blocking_pids(%(pid)s)) ORDER BY a.pid"""

LOCK_HOLDERS_SQL = f"""
    SELECT {SESSION_COLUMNS} FROM pg_stat_activity a
    WHERE a.pid <> pg_backend_pid() AND a.datname = current_database()
      AND EXISTS (SELECT 1 FROM pg_locks l
                  JOIN pg_class c ON c.oid = l.relation
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE l.pid = a.pid AND l.granted AND n.nspname IN ('public', 'auth'))
    ORDER BY a.pid"""


def describe(rows) -> str:
    return "; ".join(
        f"pid {r.pid} ({r.application}, {r.state}) holds {r.locks or 'no relation lock'}"
        f" [{r.query}]"
        for r in rows
    )


def describe_lock_holders(conn: Connection) -> str:
    rows = conn.execute(text(LOCK_HOLDERS_SQL)).all()
    if not rows:
        return "no other session holds a lock on public or auth relations now"
    return "sessions holding locks: " + describe(rows)


class BlockerWatch:
    """Polls pg_blocking_pids(pid) from a second connection until stopped.

    ``seen`` describes the blockers of the latest wait; ``waiting_on`` and
    ``blocker`` (pid and application) name the relation and first blocker for
    the retry lines, until :meth:`clear` starts a new try."""

    def __init__(self, url: URL, pid: int, interval: float = 0.02):
        self.url = url
        self.pid = pid
        self.interval = interval
        self.seen: str | None = None
        self.waiting_on: str | None = None
        self.blocker: str | None = None
        self.stopped = threading.Event()
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self) -> None:
        """Every ``interval``: is the migration blocked?  When it is, who blocks it on what.
        On a connection of its own, in autocommit (each poll sees the server now), through
        psycopg alone: it runs for the whole migration, about 50 times a second."""
        import psycopg  # here: rendering the SQL files (offline) never loads the driver
        from psycopg.rows import namedtuple_row

        try:
            with psycopg.connect(libpq_url(self.url), autocommit=True, row_factory=namedtuple_row,
                                 application_name="schema_pkg watch") as conn:
                self.connected.set()
                while not self.stopped.is_set():
                    if conn.execute(BLOCKED_SQL, {"pid": self.pid}).fetchone()[0]:
                        self.look(conn)
                    self.stopped.wait(self.interval)
        except Exception:  # a watch that cannot connect just sees nothing
            return

    def look(self, conn) -> None:
        """Read the blockers and the relation waited on.  The two come from two reads of
        the lock table: when the try ends between them (its lock_timeout), the blockers
        are seen but the wait is already gone, so a relation seen earlier in the same try
        is kept rather than forgotten."""
        rows = conn.execute(BLOCKERS_SQL, {"pid": self.pid}).fetchall()
        if rows:
            self.seen = describe(rows)
            self.blocker = f"pid {rows[0].pid} ({rows[0].application})"
            self.waiting_on = rows[0].waiting_on or self.waiting_on

    def clear(self) -> None:
        self.waiting_on = self.blocker = None

    def __enter__(self) -> BlockerWatch:
        """Start watching; the first try (50 ms) starts once the watch is connected, so
        even its retry line can name the blocker."""
        self.thread.start()
        self.connected.wait(timeout=2)  # a watch that cannot connect just sees nothing
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

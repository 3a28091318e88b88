"""Safety around an online migration run: lock, timeouts, retries, guard, progress.

env.py calls these in order; each does one thing and is testable alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable

from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection

from schema_pkg.settings import Timeouts

# One key for every schema_pkg migration run on a database.
TRY_ADVISORY_LOCK_SQL = "SELECT pg_try_advisory_lock(hashtextextended('schema_pkg migrations', 0))"
ALLOW_DATA_LOSS_ENV = "SCHEMA_PKG_ALLOW_DATA_LOSS"
TRANSACTION_POOLER_PORT = 6543


def refuse_transaction_pooler(port: int | None) -> None:
    """Session advisory locks need a session; Supabase's transaction pooler has none."""
    if port == TRANSACTION_POOLER_PORT:
        raise CommandError(
            "port 6543 is Supabase's transaction pooler, which breaks the migration lock; "
            "use the direct connection (port 5432) or the session pooler"
        )


def take_advisory_lock(conn: Connection, timeouts: Timeouts) -> None:
    """Serialize concurrent runs; give up after ``migration_lock_wait`` with a clear message.

    The wait polls pg_try_advisory_lock between short transactions instead of
    blocking in pg_advisory_lock: a session blocked inside a statement holds a
    snapshot, and CREATE INDEX CONCURRENTLY in the running migration would wait
    for that snapshot while the waiter waits for the lock (a deadlock).
    Each attempt commits at once, so alembic never inherits an autobegun
    transaction.  The session-level lock survives the commits.
    """
    deadline = time.monotonic() + timeouts.migration_lock_wait
    pause = 0.05
    while True:
        acquired = conn.execute(text(TRY_ADVISORY_LOCK_SQL)).scalar()
        conn.commit()
        if acquired:
            return
        if time.monotonic() >= deadline:
            raise CommandError(
                "another schema_pkg migration holds the migration lock; gave up after "
                f"{timeouts.migration_lock_wait:g} s (SCHEMA_PKG_MIGRATION_LOCK_WAIT)"
            )
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def set_session_timeouts(conn: Connection, timeouts: Timeouts) -> None:
    """lock_timeout and statement_timeout for every migration statement."""
    conn.execute(
        text(
            "SELECT set_config('lock_timeout', :lock, false),"
            " set_config('statement_timeout', :stmt, false)"
        ),
        {"lock": timeouts.lock_timeout, "stmt": timeouts.statement_timeout},
    )
    conn.commit()


def first_line(exc: BaseException) -> str:
    """The database's own message, first line only (no SQL, no traceback)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def is_lock_timeout(exc: BaseException) -> bool:
    return sqlstate(exc) == "55P03"


def backoff_seconds(attempt: int) -> float:
    """0.2 s, 0.4 s, 0.8 s, ... capped at 5 s."""
    return min(0.2 * 2**attempt, 5.0)


def recorded_revisions(conn: Connection) -> list[str] | None:
    """The revisions alembic_version records, or None when there is no such table."""
    if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar() is None:
        return None
    return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def current_revision(conn: Connection) -> str:
    """The recorded revision as text for messages."""
    revisions = recorded_revisions(conn)
    if revisions is None:
        return "base (no alembic_version table)"
    return ", ".join(revisions) or "base"


def count_rows(conn: Connection, tables: Iterable[str]) -> dict[str, int]:
    """Row counts of those tables that exist, keyed by schema-qualified name."""
    counts = {}
    for name in tables:
        exists = conn.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar()
        if exists is not None:
            counts[name] = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
    return counts


def guard_downgrade(conn: Connection, steps: Iterable, allowed: bool = False) -> None:
    """Refuse a downgrade that would drop tables holding rows, unless explicitly allowed
    (``allowed``, or SCHEMA_PKG_ALLOW_DATA_LOSS=1 for bare alembic)."""
    doomed: list[str] = []
    for step in steps:
        if not step.is_upgrade:
            doomed.extend(getattr(step.revision.module, "DOWNGRADE_DROPS_TABLES", ()))
    if not doomed or allowed or os.environ.get(ALLOW_DATA_LOSS_ENV) == "1":
        return
    counts = {name: n for name, n in count_rows(conn, doomed).items() if n}
    conn.rollback()
    if counts:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in counts.items())
        raise CommandError(
            f"downgrade would drop tables holding data: {listed}; "
            f"pass --allow-data-loss or set {ALLOW_DATA_LOSS_ENV}=1 to proceed"
        )


class Progress:
    """An on_version_apply callback printing each revision with its duration."""

    def __init__(self, quiet: bool, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.steps = 0

    def __call__(self, *, ctx, step, heads, run_args) -> None:
        elapsed = time.perf_counter() - self.started
        self.started = time.perf_counter()
        self.steps += 1
        if self.quiet:
            return
        script = step.up_revision
        title = (script.doc or "").strip().splitlines()[0] if script.doc else ""
        verb = "applied " if step.is_upgrade else "reverted"
        print(f"  {verb} {script.revision}  {title[:68]:68} {elapsed:6.2f} s",
              file=self.stream, flush=True)

    def finish(self, revision: str) -> None:
        if not self.quiet and self.steps == 0:
            print(f"  nothing to do: the database is at {revision}", file=self.stream, flush=True)

"""Safety around an online migration run: lock, timeouts, retries, guard, progress.

env.py calls these in order; each does one thing and is testable alone.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Iterable

from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from schema_pkg import guards
from schema_pkg.settings import Timeouts, milliseconds

ALLOW_DATA_LOSS_ENV = "SCHEMA_PKG_ALLOW_DATA_LOSS"
TRANSACTION_POOLER_PORT = 6543


def refuse_transaction_pooler(port: int | None) -> None:
    """The migration lock is held by a session; Supabase's transaction pooler has none."""
    if port == TRANSACTION_POOLER_PORT:
        raise CommandError(
            "port 6543 is Supabase's transaction pooler, which breaks the migration lock; "
            "use the direct connection (port 5432) or the session pooler"
        )


def allows_data_loss(flag: bool) -> bool:
    """--allow-data-loss, or SCHEMA_PKG_ALLOW_DATA_LOSS=1 for bare alembic."""
    return flag or os.environ.get(ALLOW_DATA_LOSS_ENV) == "1"


def set_session_settings(conn: Connection, timeouts: Timeouts, allow_data_loss: bool) -> None:
    """statement_timeout, the pinned search_path and, when allowed, the data-loss setting
    the downgrade guards read (lock_timeout is set per try, see :func:`lock_schedule`)."""
    conn.execute(
        text("SELECT set_config('statement_timeout', :stmt, false),"
             " set_config('search_path', :path, false),"
             " set_config(:loss, :allowed, false)"),
        {"stmt": timeouts.statement_timeout, "path": guards.SEARCH_PATH,
         "loss": guards.ALLOW_DATA_LOSS_SETTING, "allowed": "on" if allow_data_loss else "off"},
    )
    conn.commit()


def set_lock_timeout(conn: Connection, milliseconds: int) -> None:
    conn.execute(text("SELECT set_config('lock_timeout', :ms, false)"), {"ms": f"{milliseconds}ms"})
    conn.commit()


FIRST_TRIES_MS = (50, 100, 200, 500)


def lock_schedule(timeouts: Timeouts) -> list[int]:
    """lock_timeout per try, in ms: 50, 100, 200, 500, then the longest try
    (SCHEMA_PKG_LOCK_TIMEOUT, 1 s) until the waits add up to the budget
    (SCHEMA_PKG_LOCK_WAIT_BUDGET), or SCHEMA_PKG_LOCK_RETRIES retries if set.
    API requests queued behind a blocked statement wait at most one try."""
    longest = milliseconds(timeouts.lock_timeout)
    schedule = [ms for ms in FIRST_TRIES_MS if ms < longest] + [longest]
    budget = timeouts.lock_wait_budget * 1000
    while sum(schedule) < budget:
        schedule.append(longest)
    if timeouts.lock_retries is not None:
        schedule = schedule[: timeouts.lock_retries + 1]
    return schedule


def pause_seconds(lock_ms: int) -> float:
    """A jittered pause between tries (50-150 % of the try, at most 1 s), so
    queued API requests drain and retries of several deployers spread out."""
    return min(lock_ms / 1000 * random.uniform(0.5, 1.5), 1.0)


def first_line(exc: BaseException) -> str:
    """The database's own message, first line only (no SQL, no traceback)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def is_lock_timeout(exc: BaseException) -> bool:
    return sqlstate(exc) == "55P03"


def ended_the_session(exc: BaseException) -> bool:
    """The server ended the session (pg_terminate_backend: 57P01, a crash: 57P02).  The
    driver may not have seen the socket close yet when the error arrives, so SQLAlchemy
    does not always count it as a disconnect."""
    return sqlstate(exc) in ("57P01", "57P02")


def recorded_revisions(conn: Connection) -> list[str] | None:
    """The revisions alembic_version records, or None when there is no such table."""
    if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar() is None:
        return None
    return list(conn.execute(text("SELECT version_num FROM public.alembic_version")).scalars())


def current_revision(conn: Connection) -> str:
    """The recorded revision as text for messages."""
    revisions = recorded_revisions(conn)
    if revisions is None:
        return "base (no alembic_version table)"
    return ", ".join(revisions) or "base"


def guard_downgrade(conn: Connection, steps: Iterable) -> None:
    """Before anything runs, the guards of every planned downgrade step (data loss,
    objects not ours that a CASCADE would take; the same SQL each step runs again inside
    its own transaction); rolled back.  The guards read --allow-data-loss from the
    session setting schema_pkg.allow_data_loss (set_session_settings), as the files do."""
    from schema_pkg.history import packaged_statements

    dropped_before: list[str] = []
    try:
        for step in steps:
            if step.is_upgrade:
                continue
            own = packaged_statements()[(step.revision.revision, "downgrade")]
            for guard in guards.downgrade_guards(step.revision, own, dropped_before):
                conn.execute(text(guard))
            dropped_before += guards.dropped_tables(step.revision)
    except DBAPIError as exc:
        raise CommandError(first_line(exc).removeprefix("schema_pkg: ")) from None
    finally:
        conn.rollback()


def cut_at_word(title: str, width: int) -> str:
    """``title`` in at most ``width`` characters, cut at a word boundary with an ellipsis."""
    if len(title) <= width:
        return title
    cut = title[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"


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
        print(f"  {verb} {script.revision}  {cut_at_word(title, 68):68} {elapsed:6.2f} s",
              file=self.stream, flush=True)

    def note(self, line: str) -> None:
        """A line between revisions (retries, waits); silent with --quiet."""
        if not self.quiet:
            print(f"  {line}", file=self.stream, flush=True)

    def finish(self, revision: str) -> None:
        if not self.quiet and self.steps == 0:
            print(f"  nothing to do: the database is at {revision}", file=self.stream, flush=True)

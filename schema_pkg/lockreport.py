"""docs/locks.md: the locks each revision takes, observed in pg_locks, never guessed.

``make lock-report`` walks a scratch database from base to head and back, one
revision step at a time, on a connection it hands to the migration env, and
watches every statement:

* inside a transaction, after each statement it reads its own relation locks
  (held until COMMIT, so nothing is missed);
* outside one (autocommit blocks: CONCURRENTLY builds, VALIDATE ...), the
  statement is gated: before it starts, one session per table holds ACCESS
  EXCLUSIVE; a watcher records each lock the statement then queues for, and
  opens that table's gate, until the statement ends.

For each revision and direction the report lists every table touched with the
strongest mode, whether that blocks API reads or writes, the worst-case API
stall under the lock schedule, the CONCURRENTLY builds, whether the step is
reversible and whether a downgrade drops tables (can lose data).
"""

from __future__ import annotations

import argparse
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from alembic import command
from sqlalchemy import event, text

from schema_pkg import generated, guards
from schema_pkg.config import CHECKOUT_DIR, make_config, revisions_in_order
from schema_pkg.db import connection
from schema_pkg.history import packaged_statements
from schema_pkg.scratch import ScratchDatabases
from schema_pkg.settings import Timeouts, libpq_url
from schema_pkg.testserver import start_server

MODES = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
         "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]
BLOCKS_WRITES_FROM = MODES.index("ShareLock")  # conflicts with ROW EXCLUSIVE (INSERT/UPDATE/DELETE)
BLOCKS_READS = MODES.index("AccessExclusiveLock")  # conflicts with ACCESS SHARE (SELECT)
BOOKKEEPING = {"public.alembic_version"}

USER_TABLES_SQL = """
    SELECT c.oid::int, n.nspname || '.' || c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast',
                                                        'schema_pkg')"""
OWN_LOCKS_SQL = """SELECT relation::int, mode FROM pg_locks
    WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted"""
QUEUED_LOCKS_SQL = """SELECT relation::int, mode FROM pg_locks
    WHERE pid = %s AND locktype = 'relation' AND NOT granted"""


def pretty(mode: str) -> str:
    """``ShareUpdateExclusiveLock`` as the SQL spells it: ``SHARE UPDATE EXCLUSIVE``."""
    words, word = [], ""
    for char in mode.removesuffix("Lock"):
        if char.isupper() and word:
            words.append(word)
            word = ""
        word += char
    return " ".join(words + [word]).upper()


@dataclass
class Step:
    revision: str
    direction: str
    title: str
    before: dict[int, str] = field(default_factory=dict)  # oid -> table, before the step
    after: set[str] = field(default_factory=set)
    locks: dict[str, tuple[int, str]] = field(default_factory=dict)  # table -> (mode rank, scope)
    guarded: tuple[str, ...] = ()  # the tables its downgrade guard covers
    dropped_columns: tuple[str, ...] = ()  # the columns its downgrade declares it drops (guarded)
    # schemas its downgrade drops with CASCADE: their guard refuses while their tables hold rows
    guarded_schemas: tuple[str, ...] = ()

    def saw(self, table: str | None, mode: str, scope: str) -> None:
        if table is None or table in BOOKKEEPING:
            return
        rank = MODES.index(mode)
        if table not in self.locks or rank > self.locks[table][0]:
            self.locks[table] = (rank, scope)


def user_tables(conn) -> dict[int, str]:
    return dict(conn.execute(text(USER_TABLES_SQL)).all())


class GateSessions:
    """The sessions that hold the gates, one per table, and the watcher's connection: opened
    once and kept from one gated statement to the next (a gate opens by rolling back its
    session, not by disconnecting), so each statement costs a LOCK per table, not a new
    backend per table."""

    def __init__(self, url: str):
        self.url = url
        self.sessions: dict[int, psycopg.Connection] = {}
        self.watcher: psycopg.Connection | None = None

    def session(self, oid: int) -> psycopg.Connection:
        if oid not in self.sessions:
            self.sessions[oid] = psycopg.connect(self.url)
        return self.sessions[oid]

    def watching(self) -> psycopg.Connection:
        if self.watcher is None:
            self.watcher = psycopg.connect(self.url, autocommit=True)
        return self.watcher

    def close(self) -> None:
        for session in [*self.sessions.values(), self.watcher]:
            if session is not None:
                session.close()


class Gates:
    """While one autocommit statement runs: a session per table holding ACCESS
    EXCLUSIVE, and a watcher that records each lock the statement queues for and
    opens that table's gate."""

    def __init__(self, pool: GateSessions, tables: dict[int, str], pid: int, step: Step):
        self.pool, self.tables, self.pid, self.step = pool, tables, pid, step
        self.closed = {}
        for oid, name in tables.items():
            session = pool.session(oid)
            session.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
            self.closed[oid] = session
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, args=(pool.watching(),), daemon=True)
        self.thread.start()

    def watch(self, watcher: psycopg.Connection) -> None:
        while not self.done.is_set():
            for oid, mode in watcher.execute(QUEUED_LOCKS_SQL, [self.pid]).fetchall():
                self.step.saw(self.tables.get(oid), mode, "statement")
                self.open(oid)
            time.sleep(0.002)

    def open(self, oid: int) -> None:
        session = self.closed.pop(oid, None)
        if session is not None:
            session.rollback()  # ends the transaction holding the lock

    def finish(self) -> None:
        self.done.set()
        self.thread.join(10)
        for oid in list(self.closed):
            self.open(oid)


class Observer:
    """SQLAlchemy hooks on the migration connection, recording into ``self.step``."""

    def __init__(self, conn, url: str):
        self.conn, self.gate_sessions = conn, GateSessions(url)
        self.step: Step | None = None
        self.gates: Gates | None = None
        event.listen(conn, "before_cursor_execute", self.before)
        event.listen(conn, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        dbapi = cursor.connection
        if self.step and dbapi.autocommit and not statement.lstrip().upper().startswith("SELECT"):
            self.gates = Gates(self.gate_sessions, self.step.before, dbapi.info.backend_pid, self.step)

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if self.gates is not None:
            self.gates.finish()
            self.gates = None
        dbapi = cursor.connection
        if not self.step or dbapi.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
            return
        with dbapi.cursor() as own:
            locks = own.execute(OWN_LOCKS_SQL).fetchall()
            names = {**self.step.before, **dict(own.execute(USER_TABLES_SQL).fetchall())}
        for oid, mode in locks:
            self.step.saw(names.get(oid), mode, "transaction")


def observe(server_url) -> list[Step]:
    """Every step, base to head then head to base, on a scratch database."""
    scratch = ScratchDatabases(server_url)
    url = scratch.create()
    scripts = revisions_in_order()
    plan = [(s, "upgrade", s.revision) for s in scripts]
    plan += [(s, "downgrade", s.down_revision or "base") for s in reversed(scripts)]
    try:
        with connection(url) as conn:
            observer = Observer(conn, libpq_url(url))
            try:
                return [observe_step(conn, observer, *each) for each in plan]
            finally:
                observer.gate_sessions.close()
    finally:
        scratch.close()


def observe_step(conn, observer: Observer, script, direction: str, target: str) -> Step:
    """Run one revision step on ``conn`` with ``observer`` recording its locks."""
    step = Step(script.revision, direction, (script.doc or "").strip().splitlines()[0],
                guarded=guards.dropped_tables(script),
                dropped_columns=guards.dropped_columns(script) if direction == "downgrade"
                else (),
                guarded_schemas=tuple(guards.schemas_dropped_with_cascade(
                    packaged_statements()[(script.revision, direction)]))
                if direction == "downgrade" else ())
    step.before = user_tables(conn)
    conn.commit()
    config = make_config(command=direction, quiet=True)
    config.attributes["connection"] = conn
    observer.step = step
    (command.upgrade if direction == "upgrade" else command.downgrade)(config, target)
    observer.step = None
    step.after = set(user_tables(conn).values())
    conn.commit()
    return step


def stall(step: Step, table: str, rank: int, scope: str, longest: str) -> str:
    if table not in step.before.values():
        return "none: created here, invisible to others until the step commits"
    if rank < BLOCKS_WRITES_FROM:
        return "none"
    held = "the statement ends" if scope == "statement" else "the revision commits"
    return (f"up to {longest} per try while it waits for the lock (the API queues behind it), "
            f"then until {held}")


def blocks(rank: int) -> str:
    if rank >= BLOCKS_READS:
        return "reads and writes"
    if rank >= BLOCKS_WRITES_FROM:
        return "writes"
    return "neither"


def section(step: Step, statements: dict, longest: str) -> list[str]:
    lines = [f"### {step.revision} {step.direction}: {step.title}", ""]
    if step.locks:
        lines += ["| table | strongest lock | held until | blocks API | worst-case API stall |",
                  "|---|---|---|---|---|"]
        for table, (rank, scope) in sorted(step.locks.items()):
            held = "end of statement" if scope == "statement" else "commit"
            lines.append(f"| {table} | {pretty(MODES[rank])} | {held} | {blocks(rank)} | "
                         f"{stall(step, table, rank, scope, longest)} |")
    else:
        lines.append("No table lock (functions, grants, roles or schemas only).")
    builds = [m["name"] for line in statements[(step.revision, step.direction)].splitlines()
              if (m := guards.CONCURRENT_INDEX.match(line))]
    lines += ["", f"- CONCURRENTLY builds: {', '.join(builds) if builds else 'none'}"]
    if step.direction == "upgrade":
        reversible = statements[(step.revision, "downgrade")].strip()
        lines.append(f"- Reversible: {'yes' if reversible else 'no'}")
    else:
        lines.append(f"- Can lose data: {data_loss(step)}")
    return lines + [""]


def data_loss(step: Step) -> str:
    dropped = sorted(set(step.before.values()) - step.after - BOOKKEEPING)
    columns = (f"columns {', '.join(step.dropped_columns)} (the data-loss guard refuses while "
               "they hold values unless allowed)") if step.dropped_columns else ""
    if not dropped:
        return f"yes, drops {columns}" if columns else "no"
    unguarded = [table for table in dropped if table not in step.guarded
                 and table.split(".", 1)[0] not in step.guarded_schemas]
    guard = ("the data-loss guard refuses while they hold rows unless allowed" if not unguarded
             else f"no data-loss guard for {', '.join(unguarded)}")
    return f"yes, drops {', '.join(dropped)} ({guard})" + (f"; {columns}" if columns else "")


def server_major(url) -> int:
    with connection(url) as conn:
        return int(conn.execute(text("SELECT current_setting('server_version_num')")).scalar()) // 10000


OBSERVED_ON = re.compile(r"^Observed on PostgreSQL (\d+)\.$", re.M)
SECTION = re.compile(r"^### (\S+) (upgrade|downgrade): ", re.M)
ROW = re.compile(r"^\| (\S+) \| [A-Z ]+ \| [a-z ]+ \| (reads and writes|writes) \|", re.M)


def observed_on(report: str) -> int:
    """The PostgreSQL major version a rendered report was observed on."""
    return int(OBSERVED_ON.search(report).group(1))


def blocking_locks(steps: list[Step]) -> set[tuple[str, str, str, str]]:
    """(revision, direction, table, what it blocks) for every lock that blocks the API."""
    return {(step.revision, step.direction, table, blocks(rank))
            for step in steps for table, (rank, _) in step.locks.items() if blocks(rank) != "neither"}


def blocking_locks_in(report: str) -> set[tuple[str, str, str, str]]:
    """The same set, read back from a rendered report."""
    found = set()
    parts = SECTION.split(report)
    for revision, direction, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        found |= {(revision, direction, table, what) for table, what in ROW.findall(body)}
    return found


def render(steps: list[Step], major: int) -> str:
    longest = Timeouts().lock_timeout
    statements = packaged_statements()
    out = [
        "# Locks taken by each revision",
        "",
        "Generated by `make lock-report` (`schema_pkg/lockreport.py`) from `pg_locks` observed",
        "while each revision step ran on a scratch database; do not edit by hand.",
        "",
        f"Observed on PostgreSQL {major}.",
        "On other versions, tests/test_lock_report.py checks that the locks which block the API",
        "are the same (newer versions may add locks that block neither reads nor writes).",
        "",
        "Lock waits follow the schedule in README (\"Deploying\"): tries of 50, 100, 200, 500 ms,",
        f"then {longest} (SCHEMA_PKG_LOCK_TIMEOUT) until the budget is spent, with short pauses in",
        "between. An API request conflicting with a lock the migration *waits for* queues at most",
        "one try; one conflicting with a lock the migration *holds* waits until it is released.",
        "SHARE UPDATE EXCLUSIVE (CONCURRENTLY builds, VALIDATE) conflicts with neither reads nor",
        "writes. alembic_version and schema_pkg.history are bookkeeping and left out.",
        "",
        "## Upgrades",
        "",
    ]
    for direction, heading in (("upgrade", None), ("downgrade", "## Downgrades")):
        if heading:
            out += [heading, ""]
        for step in steps:
            if step.direction == direction:
                out += section(step, statements, longest)
    return "\n".join(out).rstrip() + "\n"


REPORT = CHECKOUT_DIR / "docs" / "locks.md"


def regenerate(server_url, out: Path = REPORT, *, repin: bool = False) -> tuple[str, bool]:
    """Rewrite the report from a walk on ``server_url``, unless it is pinned to another
    PostgreSQL version; (what happened, in one line; whether the file changed)."""
    major = server_major(server_url)
    reason = None if repin else generated.pinned_elsewhere(out, major, observed_on)
    if reason:
        return reason, False
    changed = generated.write_if_changed(out, render(observe(server_url), major))
    return f"{out.name}: {'rewritten' if changed else 'unchanged'} (PostgreSQL {major})", changed


def main(argv: list[str] | None = None) -> int:
    """``make lock-report``: the server is found the way the tests find one (DATABASE_URL,
    PG*, the local default server, local binaries, Docker)."""
    parser = argparse.ArgumentParser(description="write docs/locks.md from observed locks")
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--repin", action="store_true",
                        help="regenerate even on another PostgreSQL version than the report's")
    args = parser.parse_args(argv)

    def run() -> int:
        server = start_server()
        try:
            print(regenerate(server.url, args.out, repin=args.repin)[0])
        finally:
            server.stop()
        return 0

    return generated.one_line_errors("lock-report", run)


if __name__ == "__main__":
    raise SystemExit(main())

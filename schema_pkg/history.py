"""The deployment record: ``schema_pkg.history``, one row per applied revision.

Alembic records only the current revision.  Like Flyway's history table,
each application of a revision, up or down, online or by a DBA's psql run,
adds a row: revision, direction, checksum, started_at, duration, who
(current_user), from what (application_name) and how (online/sql/adopt); and each
step of a revision whose parts commit on their own adds its own row
(:mod:`schema_pkg.steps`).

The checksum is the sha256 of the revision's own statements as rendered
offline: what its upgrade() or downgrade() emits, without the session SET
lines, the guards and this insert, so a different SCHEMA_PKG_LOCK_TIMEOUT
never raises a false alarm.  The schema survives ``downgrade base`` on
purpose (it is the audit trail) and no API role can use it.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.engine import Connection

from schema_pkg import guards
from schema_pkg import steps as steps_sql

SCHEMA = "schema_pkg"

ATTEMPT_SETTING = "schema_pkg.attempt"

# Columns added after the first release; old records get NULLs (rows recorded
# before a column existed are shown as such, never refused).
LATER_COLUMNS = {
    "status": "text NOT NULL DEFAULT 'completed'",  # started, completed or failed
    "error": "text",
    "session_user_name": "text",
    "client_addr": "text",
    "package_version": "text",
    "file_name": "text",
    "server_version_num": "bigint",
    "fingerprint": "jsonb",
}

CREATE_HISTORY = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  revision text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade')),
  checksum text NOT NULL,
  started_at timestamptz NOT NULL,
  duration interval NOT NULL,
  applied_by text NOT NULL,
  application_name text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('online', 'sql', 'adopt'))
)""",
    f"""DO $later_columns$
BEGIN
  IF (SELECT count(*) FROM pg_attribute WHERE attrelid = '{SCHEMA}.history'::regclass
        AND NOT attisdropped AND attname IN ({", ".join(guards.quote(c) for c in LATER_COLUMNS)}))
     < {len(LATER_COLUMNS)} THEN
    ALTER TABLE {SCHEMA}.history ALTER COLUMN duration DROP NOT NULL,
      {(","+chr(10)+"      ").join(f"ADD COLUMN IF NOT EXISTS {name} {kind}"
                                  for name, kind in LATER_COLUMNS.items())};
  END IF;
END
$later_columns$""",
    # The fingerprint format of the row's fingerprint (schema_pkg.fingerprint.FORMAT;
    # NULL with a fingerprint: format 1, recorded before formats were numbered).
    # Only when missing: no DDL (event triggers, ACCESS EXCLUSIVE) on every run.
    f"""DO $fingerprint_format$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '{SCHEMA}.history'::regclass
                   AND attname = 'fingerprint_format' AND NOT attisdropped) THEN
    ALTER TABLE {SCHEMA}.history ADD COLUMN IF NOT EXISTS fingerprint_format bigint;
  END IF;
END
$fingerprint_format$""",
    f"REVOKE ALL ON TABLE {SCHEMA}.history FROM PUBLIC",
    steps_sql.ADD_STEP_COLUMNS,
]


def checksum(statements: str) -> str:
    return hashlib.sha256(statements.encode()).hexdigest()


STARTED = f"current_setting('{guards.STARTED_AT_SETTING}')::timestamptz"
# Who ran it, from where, with what (the same expressions online and in the files).
WHO = {
    "applied_by": "current_user",
    "application_name": "current_setting('application_name')",
    "session_user_name": "session_user",
    "client_addr": "inet_client_addr()::text",
    "server_version_num": "current_setting('server_version_num')::bigint",
}


def row_values(revision: str, direction: str, digest: str, mode: str, status: str,
               file_name: str | None) -> dict[str, str]:
    from schema_pkg import __version__

    return {"revision": guards.quote(revision), "direction": guards.quote(direction),
            "checksum": guards.quote(digest), "started_at": STARTED, "mode": guards.quote(mode),
            "status": guards.quote(status), "package_version": guards.quote(__version__),
            "file_name": guards.quote(file_name) if file_name else "NULL", **WHO}


def record(revision: str, direction: str, digest: str, mode: str,
           file_name: str | None = None) -> str:
    """A completed row in one insert (adopt's stamps)."""
    values = row_values(revision, direction, digest, mode, "completed", file_name)
    values["duration"] = f"clock_timestamp() - {STARTED}"
    return (f"INSERT INTO {SCHEMA}.history ({', '.join(values)}) "
            f"VALUES ({', '.join(values.values())})")


def start(revision: str, direction: str, digest: str, mode: str,
          file_name: str | None = None) -> str:
    """The attempt's row, status 'started', its id kept in the session for :data:`COMPLETE`."""
    values = row_values(revision, direction, digest, mode, "started", file_name)
    return steps_sql.insert_keeping_id(values, ATTEMPT_SETTING, "start")


def fail_attempt(error: str) -> str:
    """SQL: this session's attempt row failed with ``error`` (an SQL expression)."""
    return steps_sql.end_row(ATTEMPT_SETTING, "failed", error)


COMPLETE = steps_sql.end_row(ATTEMPT_SETTING, "completed")


def close_unfinished(revision: str, direction: str, digest: str, steps: int,
                     progress_sql: str | None = None) -> str:
    """Before a step: say first what the latest unfinished attempt of this revision (since
    the database last moved) left: its error, which of its ``steps`` are applied and
    (``progress_sql``, a query yielding one line) what is in place now; and mark every
    row of it still 'started' (its run stopped or its session ended) failed."""
    doing = guards.quote(f"{direction} {revision}")
    this = f"revision = {guards.quote(revision)} AND direction = {guards.quote(direction)}"
    progress = f"""
  {progress_sql} INTO state;""" if progress_sql else ""
    return f"""DO $unfinished$
DECLARE
  earlier record;
  state text;
BEGIN
  SELECT h.mode, h.started_at, h.error INTO earlier FROM {SCHEMA}.history AS h
   WHERE h.{this} AND h.step IS NULL AND h.status IN ('started', 'failed')
     AND {steps_sql.since_last_move('h')}
   ORDER BY h.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;{progress}
  UPDATE {SCHEMA}.history
     SET status = 'failed', error = coalesce(error, '{UNFINISHED}'),
         duration = coalesce(duration, clock_timestamp() - started_at)
   WHERE {this} AND status = 'started';
  RAISE NOTICE 'schema_pkg: an earlier run of % (%, started %) did not complete: %; %',
    {doing}, earlier.mode, to_char(earlier.started_at, 'YYYY-MM-DD HH24:MI:SS'),
    coalesce(earlier.error, '{UNFINISHED}'),
    {steps_sql.what_is_applied(revision, direction, digest, steps)} || coalesce('; now ' || state, '');
END
$unfinished$"""


UNFINISHED = "the run stopped or its session ended"


def record_failure(conn: Connection, revision: str, direction: str, digest: str, mode: str,
                   error: str, step: tuple[int, str, str] | None = None) -> None:
    """After an online failure (the step's transaction rolled back): mark its attempt
    failed, or add a failed row when the rollback took the attempt's row with it; and,
    when one of its steps failed (``step``: number, name, the database's error), that
    step's row the same way."""
    mark_failed(conn, revision, direction, digest, mode, error, None)
    if step is not None:
        mark_failed(conn, revision, direction, digest, mode, step[2], step[:2])
    conn.commit()


def mark_failed(conn: Connection, revision: str, direction: str, digest: str, mode: str,
                error: str, step: tuple[int, str] | None) -> None:
    number = step[0] if step else None
    updated = conn.execute(text(
        f"UPDATE {SCHEMA}.history SET status = 'failed', error = :error, "
        "duration = clock_timestamp() - started_at "
        f"WHERE id = (SELECT max(id) FROM {SCHEMA}.history WHERE revision = :revision "
        "AND direction = :direction AND step IS NOT DISTINCT FROM :step AND status = 'started')"),
        {"error": error, "revision": revision, "direction": direction, "step": number}).rowcount
    if not updated:
        conn.execute(text(guards.START_CLOCK))
        values = row_values(revision, direction, digest, mode, "failed", None)
        values.update(duration="interval '0'", error=":error")
        if step:
            values.update(step=str(step[0]), step_name=guards.quote(step[1]))
        conn.execute(text(f"INSERT INTO {SCHEMA}.history ({', '.join(values)}) "
                          f"VALUES ({', '.join(values.values())})"), {"error": error})


class PackagedStatements(Mapping):
    """Each revision's own statements, keyed by (revision, direction), rendered offline
    from the packaged revisions: one render per direction (base to head, head to base),
    each done the first time a key of that direction is looked up, so an upgrade never
    pays for rendering the downgrades."""

    DIRECTIONS = ("upgrade", "downgrade")

    def __init__(self):
        self.rendered: dict[str, dict[tuple[str, str], str]] = {}

    def of(self, direction: str) -> dict[tuple[str, str], str]:
        if direction not in self.rendered:
            self.rendered[direction] = render_statements(direction)
        return self.rendered[direction]

    def __getitem__(self, key: tuple[str, str]) -> str:
        if key[1] not in self.DIRECTIONS:
            raise KeyError(key)
        return self.of(key[1])[key]

    def __iter__(self):
        for direction in self.DIRECTIONS:
            yield from self.of(direction)

    def __len__(self) -> int:
        return sum(len(self.of(direction)) for direction in self.DIRECTIONS)


@lru_cache(maxsize=1)
def packaged_statements() -> PackagedStatements:
    return PackagedStatements()


def render_statements(direction: str) -> dict[tuple[str, str], str]:
    """The statements of every revision in one direction, rendered offline (quietly)."""
    from alembic import command

    from schema_pkg.config import make_config, script_directory

    statements: dict[tuple[str, str], str] = {}
    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(logging.WARNING)  # no "Running upgrade" lines from this render
    try:
        head = script_directory().get_current_head()
        fn, spec = ((command.upgrade, f"base:{head}") if direction == "upgrade"
                    else (command.downgrade, f"{head}:base"))
        config = make_config(stdout=io.StringIO())
        config.output_buffer = io.StringIO()
        config.attributes["statements"] = statements
        with restored_alembic_proxies():
            fn(config, spec, sql=True)
    finally:
        logger.setLevel(level)
    return statements


def packaged_checksum(revision: str, direction: str) -> str:
    return checksum(packaged_statements()[(revision, direction)])


class restored_alembic_proxies:
    """A nested alembic command removes the module proxies (``alembic.context``,
    ``alembic.op``) of a run in progress on exit; put them back."""

    def __enter__(self):
        import alembic.context
        import alembic.op

        self.saved = [proxy for proxy in (getattr(alembic.context, "_proxy", None),
                                          getattr(alembic.op, "_proxy", None)) if proxy]
        return self

    def __exit__(self, *exc) -> None:
        for proxy in self.saved:
            proxy._install_proxy()


@dataclass(frozen=True)
class Applied:
    revision: str
    direction: str
    checksum: str
    started_at: object
    duration: object
    applied_by: str
    application_name: str
    mode: str
    status: str = "completed"  # rows recorded before attempts were: each a completed run
    error: str | None = None
    session_user_name: str | None = None
    client_addr: str | None = None
    package_version: str | None = None
    file_name: str | None = None
    server_version_num: int | None = None
    fingerprint: dict | None = None
    fingerprint_format: int | None = None
    step: int | None = None  # a step of the revision (None: the revision's own row)
    step_name: str | None = None

    @property
    def matches_package(self) -> bool:
        try:
            return self.checksum == packaged_checksum(self.revision, self.direction)
        except KeyError:  # a revision this package does not ship
            return False

    @property
    def fingerprint_label(self) -> str | int | None:
        """A revision's row: its fingerprint's format (``none``: recorded without one)."""
        if self.step is not None:
            return None
        if self.fingerprint is None:
            return "none"
        from schema_pkg.fingerprint import LEGACY_FORMAT

        return self.fingerprint_format or LEGACY_FORMAT

    def __str__(self) -> str:
        seconds = self.duration.total_seconds() if self.duration is not None else 0.0
        state = "ok" if self.matches_package else "CHANGED since it ran"
        if self.status != "completed":
            state = f"{self.status.upper()}" + (f": {self.error}" if self.error else "")
        where = " ".join(f"{label}={value}" for label, value in (
            ("session_user", self.session_user_name), ("from", self.client_addr),
            ("package", self.package_version), ("file", self.file_name),
            ("server", self.server_version_num), ("fingerprint_format", self.fingerprint_label))
            if value is not None)
        revision = self.revision + (f" step {self.step} ({self.step_name})" if self.step else "")
        return (f"{self.started_at:%Y-%m-%d %H:%M:%S%z}  {revision}  {self.direction:9} "
                f"{self.mode:6} {seconds:8.2f} s  {self.applied_by}  {self.application_name or '-'}  "
                + (f"[{where}]  " if where else "") + f"sha256:{self.checksum[:12]}  {state}")


FIELDS = tuple(Applied.__dataclass_fields__)


def applied(conn: Connection) -> list[Applied] | None:
    """The record, oldest first (every attempt), or None when this database has none.
    Columns a record lacks (written by an older package) are read as absent."""
    if conn.execute(text(f"SELECT to_regclass('{SCHEMA}.history')")).scalar() is None:
        return None
    rows = conn.execute(text(f"SELECT to_jsonb(h) FROM {SCHEMA}.history AS h ORDER BY id")).scalars()
    out = []
    for row in rows:
        values = {name: row.get(name) for name in FIELDS if name in row}
        values["started_at"] = datetime.fromisoformat(values["started_at"])
        values["duration"] = parse_interval(values.get("duration"))
        values["status"] = values.get("status") or "completed"
        out.append(Applied(**values))
    return out


def parse_interval(value: str | None) -> timedelta | None:
    """jsonb renders an interval as text (e.g. '00:00:01.5', '1 day 02:00:00')."""
    if value is None:
        return None
    days = 0
    if " day" in value:
        head, value = value.split(" day", 1)
        days, value = int(head), value.lstrip("s ")
    hours, minutes, seconds = (value or "0:0:0").split(":")
    sign = -1 if hours.startswith("-") else 1
    return timedelta(days=days, hours=int(hours), minutes=sign * int(minutes),
                     seconds=sign * float(seconds))


def latest_completed(conn: Connection, chain: list[str]) -> dict[str, Applied]:
    """The latest completed upgrade row of each revision in ``chain``."""
    latest: dict[str, Applied] = {}
    for row in applied(conn) or []:
        if (row.direction == "upgrade" and row.status == "completed" and row.step is None
                and row.revision in chain):
            latest[row.revision] = row
    return latest


def tampered(conn: Connection, chain: list[str]) -> list[str]:
    """Revisions in ``chain`` (applied, base to current) whose latest recorded upgrade
    ran with statements other than the packaged ones."""
    latest = latest_completed(conn, chain)
    return [revision for revision in chain
            if revision in latest and not latest[revision].matches_package]


def ensure_table(conn: Connection) -> None:
    for statement in CREATE_HISTORY:
        conn.execute(text(statement))


def record_stamp(conn: Connection, revisions: list[str]) -> None:
    """``adopt`` stamps revisions it did not run: record them as adopted."""
    ensure_table(conn)
    conn.execute(text(guards.START_CLOCK))
    conn.execute(text("SET application_name = 'schema-pkg adopt'"))  # the tool, by name
    for revision in revisions:
        conn.execute(text(record(revision, "upgrade", packaged_checksum(revision, "upgrade"),
                                 "adopt")))

"""The deployment record: ``schema_pkg.history``, one row per applied revision.

Alembic records only the current revision.  Like Flyway's history table,
each application of a revision, up or down, online or by a DBA's psql run,
adds a row: revision, direction, checksum, started_at, duration, who
(current_user), from what (application_name) and how (online/sql/adopt).

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
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.engine import Connection

from schema_pkg import guards

SCHEMA = "schema_pkg"

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
    f"REVOKE ALL ON TABLE {SCHEMA}.history FROM PUBLIC",
]


def checksum(statements: str) -> str:
    return hashlib.sha256(statements.encode()).hexdigest()


def record(revision: str, direction: str, digest: str, mode: str) -> str:
    """The insert that closes each step (inside the transaction that records it)."""
    started = f"current_setting('{guards.STARTED_AT_SETTING}')::timestamptz"
    return (
        f"INSERT INTO {SCHEMA}.history (revision, direction, checksum, started_at, duration, "
        "applied_by, application_name, mode) VALUES ("
        f"{guards.quote(revision)}, {guards.quote(direction)}, {guards.quote(digest)}, "
        f"{started}, clock_timestamp() - {started}, current_user, "
        f"current_setting('application_name'), {guards.quote(mode)})"
    )


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

    @property
    def matches_package(self) -> bool:
        try:
            return self.checksum == packaged_checksum(self.revision, self.direction)
        except KeyError:  # a revision this package does not ship
            return False

    def __str__(self) -> str:
        seconds = self.duration.total_seconds() if self.duration is not None else 0.0
        state = "ok" if self.matches_package else "CHANGED since it ran"
        return (f"{self.started_at:%Y-%m-%d %H:%M:%S%z}  {self.revision}  {self.direction:9} "
                f"{self.mode:6} {seconds:8.2f} s  {self.applied_by}  {self.application_name or '-'}  "
                f"sha256:{self.checksum[:12]}  {state}")


def applied(conn: Connection) -> list[Applied] | None:
    """The record, oldest first, or None when this database has none."""
    if conn.execute(text(f"SELECT to_regclass('{SCHEMA}.history')")).scalar() is None:
        return None
    rows = conn.execute(text(
        "SELECT revision, direction, checksum, started_at, duration, applied_by, "
        f"application_name, mode FROM {SCHEMA}.history ORDER BY id")).all()
    return [Applied(*row) for row in rows]


def tampered(conn: Connection, chain: list[str]) -> list[str]:
    """Revisions in ``chain`` (applied, base to current) whose latest recorded upgrade
    ran with statements other than the packaged ones."""
    latest: dict[str, Applied] = {}
    for row in applied(conn) or []:
        if row.direction == "upgrade":
            latest[row.revision] = row
    return [revision for revision in chain
            if revision in latest and not latest[revision].matches_package]


def ensure_table(conn: Connection) -> None:
    for statement in CREATE_HISTORY:
        conn.execute(text(statement))


def record_stamp(conn: Connection, revisions: list[str]) -> None:
    """``adopt`` stamps revisions it did not run: record them as adopted."""
    ensure_table(conn)
    conn.execute(text(guards.START_CLOCK))
    for revision in revisions:
        conn.execute(text(record(revision, "upgrade", packaged_checksum(revision, "upgrade"),
                                 "adopt")))

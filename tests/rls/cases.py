"""Turn the expectations table into cases, and run one case the way PostgREST would."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

from schema_pkg.testing import act_as, claims_of, legacy_settings, refuse_stale_legacy_claims
from tests.rls.expectations import EXPECTATIONS, Scenario
from tests.rls.outcomes import (
    NO_GRANT,
    RLS_DENIED,
    RLS_EXISTING_ROW_DENIED,
    Outcome,
    changes,
    fails,
    sees,
)
from tests.rls.world import (
    ACTORS,
    REQUIRED_COLUMNS,
    Actor,
    label_of,
    label_of_value,
    parameters,
    required,
)


@dataclass(frozen=True)
class Case:
    table: str
    scenario: Scenario
    actor: Actor

    @property
    def expected(self) -> Outcome:
        return self.scenario.outcomes[self.actor.name]

    @property
    def id(self) -> str:
        verdict = "can" if self.expected.allowed else "cannot"
        return f"{self.actor.name}-{verdict}-{self.scenario.command}-{self.table}-{self.scenario.name}"

    def sql(self) -> str:
        text = self.scenario.sql.replace("{table}", self.table)
        if self.table in REQUIRED_COLUMNS:
            columns, values = required(self.table)
            text = text.replace("{required_columns}", columns).replace("{required_values}", values)
        return text


def cases() -> Iterator[Case]:
    for table, scenarios in EXPECTATIONS.items():
        for scenario in scenarios:
            for actor_name in scenario.outcomes:
                yield Case(table, scenario, ACTORS[actor_name])


# The legacy claim settings each connection's auth functions read (schema_pkg.testing), read
# once per connection: cases and mutants never change an auth function's settings.
LEGACY: weakref.WeakKeyDictionary[psycopg.Connection, tuple[str, ...]] = weakref.WeakKeyDictionary()


def read_legacy_settings(conn: psycopg.Connection) -> None:
    """Read them now (before any mutant changes a function), for every case on ``conn``."""
    LEGACY[conn] = legacy_settings(conn)


def identity(conn: psycopg.Connection, actor: Actor) -> tuple[str, tuple]:
    """The statement and parameters that act as ``actor``, as PostgREST does (schema_pkg.testing)."""
    if conn not in LEGACY:
        read_legacy_settings(conn)
    user_id = actor.user_id if actor.role == "authenticated" else None
    return act_as(actor.role, claims_of(actor.role, user_id), LEGACY[conn])


def classify_error(error: psycopg.Error) -> Outcome:
    message = str(error).splitlines()[0]
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        if "row-level security policy (USING expression)" in message:
            return RLS_EXISTING_ROW_DENIED
        if "row-level security" in message:
            return RLS_DENIED
        if "permission denied" in message:
            return NO_GRANT
    return fails(error.sqlstate, message)


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def on_this_machine(conn: psycopg.Connection) -> bool:
    """Whether the server is reached over a local socket or the loopback."""
    host = conn.info.host
    return host.startswith("/") or host in LOCAL_HOSTS


def observe(conn: psycopg.Connection, case: Case, pipeline: bool | None = None) -> Outcome:
    """Run the case's statement as its actor in a rolled-back transaction (a savepoint
    rolled back, when a transaction is open, e.g. the one holding a mutant): the savepoint,
    the actor's role and claims (schema_pkg.testing's ACT_AS, as PostgREST sets them), the
    statement, the rollback.  Rolling back the savepoint ends the role and the claims too, so
    nothing of the case outlives it.

    ``pipeline`` (default: when the server is on another machine) sends the four in one
    round trip.  On this machine a round trip costs less than psycopg's pipeline does: a
    third less client CPU and a tenth less server CPU per case, measured here."""
    statement, params = identity(conn, case.actor)
    acted = None
    batch = conn.pipeline() if (not on_this_machine(conn) if pipeline is None else pipeline) \
        else contextlib.nullcontext()
    try:
        with batch, conn.transaction(force_rollback=True):
            acted = conn.execute(statement, params)
            cursor = conn.execute(case.sql(), parameters(case.table, case.actor))
    except psycopg.Error as error:
        if acted is None or acted.pgresult is None:  # the case never ran as its actor
            raise
        refuse_stale_legacy_claims(acted.fetchone()[2])
        return classify_error(error)
    refuse_stale_legacy_claims(acted.fetchone()[2])
    if case.scenario.command == "select":
        return sees(*(label_of(case.table, row[0]) for row in cursor.fetchall()))
    if case.scenario.command == "rpc":
        return sees(*(label_of_value(row[0]) for row in cursor.fetchall()))
    return changes(cursor.rowcount)
